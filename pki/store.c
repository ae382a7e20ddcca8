// SPDX-License-Identifier: GPL-2.0
/* The backend-independent half of the store: SQL for every operation,
 * locking, transactions and migrations. */
#include "store.h"
#include "lib/log.h"
#include "store_impl.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define NPARAMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

bool store_name_valid(const char *name)
{
	return name_valid(name);
}

static int st_exec(struct store *st, const char *sql, int np, const char *const *params,
		   store_row_fn fn, void *ctx)
{
	int ret;

	pthread_mutex_lock(&st->lock);
	ret = st->be->exec(st->db, sql, np, params, fn, ctx);
	if (ret < 0 && st->tx_depth)
		st->tx_failed = true;
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* For INSERT and upserts: 0 or -errno. */
static int st_write(struct store *st, const char *sql, int np, const char *const *params)
{
	int ret = st_exec(st, sql, np, params, NULL, NULL);

	return ret < 0 ? ret : 0;
}

/* For UPDATE/DELETE: no row changed means no such name. */
static int st_change(struct store *st, const char *sql, int np, const char *const *params)
{
	int ret = st_exec(st, sql, np, params, NULL, NULL);

	if (ret < 0)
		return ret;
	return ret == 0 ? -ENOENT : 0;
}

int store_tx_begin(struct store *st)
{
	int ret;

	pthread_mutex_lock(&st->lock);
	if (st->tx_depth++ > 0)
		return 0; /* nested: part of the outer transaction */
	st->tx_failed = false;
	ret = st->be->exec(st->db, st->be->begin_sql, 0, NULL, NULL, NULL);
	if (ret < 0) {
		st->tx_depth--;
		pthread_mutex_unlock(&st->lock);
		return ret;
	}
	return 0;
}

int store_tx_commit(struct store *st)
{
	int ret = 0;

	if (--st->tx_depth == 0) {
		if (st->tx_failed) {
			st->be->exec(st->db, "ROLLBACK", 0, NULL, NULL, NULL);
			ret = -EIO;
		} else {
			ret = st->be->exec(st->db, "COMMIT", 0, NULL, NULL, NULL);
			if (ret < 0)
				st->be->exec(st->db, "ROLLBACK", 0, NULL, NULL, NULL);
			else
				ret = 0;
		}
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

void store_tx_rollback(struct store *st)
{
	if (--st->tx_depth == 0)
		st->be->exec(st->db, "ROLLBACK", 0, NULL, NULL, NULL);
	else
		st->tx_failed = true; /* the outer commit must not succeed */
	pthread_mutex_unlock(&st->lock);
}

/* A refused row: its reason goes to the log once, the caller gets -EBADMSG. */
static int st_refused(int ret, const char *why)
{
	if (ret == -EBADMSG)
		log_error("%s", why);
	return ret;
}

struct int_ctx {
	const char *col;
	int64_t min, max, v;
	char why[STORE_WHY_MAX];
};

static int row_int(void *ctx, int ncols, const char *const *cols)
{
	struct int_ctx *i = ctx;

	if (ncols < 1 || !cols[0])
		return 0; /* MAX() of no rows */
	return store_col_i64(cols[0], i->col, i->min, i->max, &i->v, i->why, sizeof(i->why));
}

/* One number in [min, max] from the first column of a query; 0 if none. */
static int st_query_int(struct store *st, const char *sql, int np, const char *const *params,
			const char *col, int64_t min, int64_t max, int64_t *out)
{
	struct int_ctx i = { .col = col, .min = min, .max = max };
	int ret = st_exec(st, sql, np, params, row_int, &i);

	if (ret < 0)
		return st_refused(ret, i.why);
	*out = i.v;
	return 0;
}

int store_schema_version(struct store *st, int *version)
{
	int64_t v = 0;
	int ret = st_query_int(st, "SELECT MAX(version) FROM schema_version", 0, NULL,
			       "schema_version.version", 0, INT_MAX, &v);

	if (ret)
		return ret;
	*version = (int)v;
	return 0;
}

static char *migration_sql(const struct store *st, const char *sql)
{
	const char *mark = "@AUTOID@";
	struct sbuf b = { 0 };
	const char *p;

	while ((p = strstr(sql, mark))) {
		if (sbuf_add(&b, sql, (size_t)(p - sql)) || sbuf_addstr(&b, st->be->autoid))
			goto fail;
		sql = p + strlen(mark);
	}
	if (sbuf_addstr(&b, sql))
		goto fail;
	return b.data;
fail:
	sbuf_free(&b);
	return NULL;
}

/* Each migration and its version row commit together, so a crash leaves
 * the schema at a version that really exists. */
static int store_migrate(struct store *st)
{
	const struct store_migration *m;
	int ret, version = 0;

	ret = st->be->script(st->db, "CREATE TABLE IF NOT EXISTS schema_version "
				     "(version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)");
	if (ret < 0)
		return ret;
	ret = store_tx_begin(st);
	if (ret)
		return ret;
	ret = store_schema_version(st, &version);
	for (m = store_migrations; !ret && m->sql; m++) {
		char v[16], now[24];
		const char *params[] = { v, now };
		char *sql;

		if (m->version <= version)
			continue;
		sql = migration_sql(st, m->sql);
		if (!sql) {
			ret = -ENOMEM;
			break;
		}
		ret = st->be->script(st->db, sql);
		free(sql);
		if (ret < 0)
			break;
		snprintf(v, sizeof(v), "%d", m->version);
		snprintf(now, sizeof(now), "%" PRId64, time_now());
		ret = st_exec(st, "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
			      2, params, NULL, NULL);
		if (ret > 0)
			ret = 0;
		log_debug("schema migrated to version %d", m->version);
	}
	if (ret < 0) {
		store_tx_rollback(st);
		return ret;
	}
	return store_tx_commit(st);
}

int store_open(const char *uri, struct store **out)
{
	const struct store_backend *be = &store_sqlite_backend;
	pthread_mutexattr_t attr;
	const char *conninfo = uri;
	struct store *st;
	int err;

	if (!strncmp(uri, "sqlite:", 7)) {
		conninfo = uri + 7;
	} else if (!strncmp(uri, "pg:", 3)) {
		be = &store_pg_backend;
		conninfo = uri + 3;
	} else if (!strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11)) {
		be = &store_pg_backend;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->be = be;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&st->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	err = be->open(conninfo, &st->db);
	if (!err)
		err = store_migrate(st);
	if (err) {
		log_error("cannot open store '%s' (%s): %s", uri, be->name, strerror(-err));
		store_close(st);
		return err;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->db)
		st->be->close(st->db);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, STORE_NAME_MAX, "%s", src ? src : "");
}

/* ---- meta ---- */

static int row_str(void *ctx, int ncols, const char *const *cols)
{
	char **out = ctx;

	if (ncols < 1 || !cols[0])
		return 0;
	free(*out);
	*out = strdup(cols[0]);
	return *out ? 0 : -ENOMEM;
}

int store_meta_get(struct store *st, const char *name, char **value)
{
	const char *params[] = { name };
	int ret;

	*value = NULL;
	ret = st_exec(st, "SELECT value FROM meta WHERE name = ?", 1, params, row_str, value);
	if (ret < 0)
		return ret;
	return *value ? 0 : -ENOENT;
}

int store_meta_set(struct store *st, const char *name, const char *value)
{
	const char *params[] = { name, value };

	return st_write(st, "INSERT INTO meta (name, value) VALUES (?, ?) "
			"ON CONFLICT (name) DO UPDATE SET value = excluded.value",
			2, params);
}

/* ---- groups ---- */

#define GROUP_COLS "name, ca_cert, ca_key, policy, created"

static int conv_group(void *obj, const char *const *cols, char *why, size_t whylen)
{
	struct store_group *g = obj;

	memset(g, 0, sizeof(*g));
	if (store_col_i64(cols[4], "groups.created", INT64_MIN, INT64_MAX, &g->created, why,
			  whylen))
		return -EBADMSG;
	copy_name(g->name, cols[0]);
	g->ca_cert = dup_or_null(cols[1]);
	g->ca_key = dup_or_null(cols[2]);
	g->policy = dup_or_null(cols[3]);
	if (!g->ca_cert || !g->ca_key || !g->policy) {
		store_group_free(g);
		return -ENOMEM;
	}
	return 0;
}

void store_group_free(struct store_group *g)
{
	free(g->ca_cert);
	if (g->ca_key) {
		OPENSSL_cleanse(g->ca_key, strlen(g->ca_key));
		free(g->ca_key);
	}
	free(g->policy);
	g->ca_cert = g->ca_key = g->policy = NULL;
}

int store_group_add(struct store *st, const struct store_group *g)
{
	char created[24];
	const char *params[] = { g->name, g->ca_cert, g->ca_key, g->policy, created };

	if (!store_name_valid(g->name))
		return -EINVAL;
	snprintf(created, sizeof(created), "%" PRId64, g->created ? g->created : time_now());
	return st_write(st, "INSERT INTO groups (" GROUP_COLS ") VALUES (?, ?, ?, ?, ?)",
			NPARAMS(params), params);
}

/* A row into its struct: 0, -ENOMEM, or -EBADMSG with the reason in why. */
typedef int (*conv_fn)(void *obj, const char *const *cols, char *why, size_t whylen);

struct one_ctx {
	void *obj;
	int found;
	conv_fn conv;
	char why[STORE_WHY_MAX];
};

static int row_one(void *ctx, int ncols, const char *const *cols)
{
	struct one_ctx *o = ctx;

	(void)ncols;
	if (o->found++)
		return -EIO; /* a primary key lookup with two rows */
	return o->conv(o->obj, cols, o->why, sizeof(o->why));
}

static int get_one(struct store *st, const char *sql, const char *key, conv_fn conv,
		   void *obj)
{
	struct one_ctx o = { .obj = obj, .conv = conv };
	const char *params[] = { key };
	int ret = st_exec(st, sql, 1, params, row_one, &o);

	if (ret < 0)
		return st_refused(ret, o.why);
	return o.found ? 0 : -ENOENT;
}

int store_group_get(struct store *st, const char *name, struct store_group *g)
{
	return get_one(st, "SELECT " GROUP_COLS " FROM groups WHERE name = ?", name,
		       conv_group, g);
}

int store_group_set_policy(struct store *st, const char *name, const char *policy)
{
	const char *params[] = { policy, name };

	return st_change(st, "UPDATE groups SET policy = ? WHERE name = ?", 2, params);
}

struct list_ctx {
	conv_fn conv;
	void (*release)(void *obj);
	int (*fn)(void *ctx, const void *obj);
	void *ctx;
	union {
		struct store_group g;
		struct store_user u;
		struct store_gateway gw;
		struct store_cert c;
	} obj;
	char why[STORE_WHY_MAX];
};

static int row_list(void *ctx, int ncols, const char *const *cols)
{
	struct list_ctx *l = ctx;
	int ret;

	(void)ncols;
	ret = l->conv(&l->obj, cols, l->why, sizeof(l->why));
	if (ret)
		return ret;
	ret = l->fn(l->ctx, &l->obj);
	l->release(&l->obj);
	return ret;
}

static int list_rows(struct store *st, const char *sql, int np, const char *const *params,
		     struct list_ctx *l)
{
	int ret = st_exec(st, sql, np, params, row_list, l);

	return ret < 0 ? st_refused(ret, l->why) : 0;
}

static void release_group(void *obj)
{
	store_group_free(obj);
}

int store_group_list(struct store *st, int (*fn)(void *ctx, const struct store_group *g),
		     void *ctx)
{
	struct list_ctx l = { .conv = conv_group, .release = release_group,
			      .fn = (int (*)(void *, const void *))fn, .ctx = ctx };

	return list_rows(st, "SELECT " GROUP_COLS " FROM groups ORDER BY name", 0, NULL, &l);
}

/* ---- policy signers ---- */

static int conv_signer(void *obj, const char *const *cols, char *why, size_t whylen)
{
	struct store_signer *s = obj;

	memset(s, 0, sizeof(*s));
	if (store_col_i64(cols[3], "policy_signers.not_after", INT64_MIN, INT64_MAX,
			  &s->not_after, why, whylen))
		return -EBADMSG;
	copy_name(s->group, cols[0]);
	s->cert = dup_or_null(cols[1]);
	s->key = dup_or_null(cols[2]);
	if (!s->cert || !s->key) {
		store_signer_free(s);
		return -ENOMEM;
	}
	return 0;
}

void store_signer_free(struct store_signer *s)
{
	free(s->cert);
	if (s->key) {
		OPENSSL_cleanse(s->key, strlen(s->key));
		free(s->key);
	}
	s->cert = s->key = NULL;
}

int store_signer_get(struct store *st, const char *group, struct store_signer *s)
{
	return get_one(st, "SELECT group_name, cert, key_enc, not_after FROM policy_signers "
			   "WHERE group_name = ?", group, conv_signer, s);
}

int store_signer_set(struct store *st, const struct store_signer *s)
{
	char na[24];
	const char *params[] = { s->group, s->cert, s->key, na };

	snprintf(na, sizeof(na), "%" PRId64, s->not_after);
	return st_write(st, "INSERT INTO policy_signers (group_name, cert, key_enc, not_after) "
			"VALUES (?, ?, ?, ?) ON CONFLICT (group_name) DO UPDATE SET "
			"cert = excluded.cert, key_enc = excluded.key_enc, "
			"not_after = excluded.not_after", NPARAMS(params), params);
}

/* ---- users ---- */

#define USER_COLS "name, group_name, pwhash, disabled, created"

static int conv_user(void *obj, const char *const *cols, char *why, size_t whylen)
{
	struct store_user *u = obj;

	memset(u, 0, sizeof(*u));
	if (store_col_bool(cols[3], "users.disabled", &u->disabled, why, whylen) ||
	    store_col_i64(cols[4], "users.created", INT64_MIN, INT64_MAX, &u->created, why,
			  whylen))
		return -EBADMSG;
	copy_name(u->name, cols[0]);
	copy_name(u->group, cols[1]);
	u->pwhash = dup_or_null(cols[2]);
	return u->pwhash ? 0 : -ENOMEM;
}

void store_user_free(struct store_user *u)
{
	free(u->pwhash);
	u->pwhash = NULL;
}

static void release_user(void *obj)
{
	store_user_free(obj);
}

int store_user_add(struct store *st, const struct store_user *u)
{
	char created[24];
	const char *params[] = { u->name, u->group, u->pwhash, u->disabled ? "1" : "0", created };

	if (!store_name_valid(u->name))
		return -EINVAL;
	snprintf(created, sizeof(created), "%" PRId64, u->created ? u->created : time_now());
	return st_write(st, "INSERT INTO users (" USER_COLS ") VALUES (?, ?, ?, ?, ?)",
			NPARAMS(params), params);
}

int store_user_get(struct store *st, const char *name, struct store_user *u)
{
	return get_one(st, "SELECT " USER_COLS " FROM users WHERE name = ?", name, conv_user, u);
}

int store_user_set_pwhash(struct store *st, const char *name, const char *pwhash)
{
	const char *params[] = { pwhash, name };

	return st_change(st, "UPDATE users SET pwhash = ? WHERE name = ?", 2, params);
}

int store_user_set_disabled(struct store *st, const char *name, bool disabled)
{
	const char *params[] = { disabled ? "1" : "0", name };

	return st_change(st, "UPDATE users SET disabled = ? WHERE name = ?", 2, params);
}

int store_user_list(struct store *st, int (*fn)(void *ctx, const struct store_user *u),
		    void *ctx)
{
	struct list_ctx l = { .conv = conv_user, .release = release_user,
			      .fn = (int (*)(void *, const void *))fn, .ctx = ctx };

	return list_rows(st, "SELECT " USER_COLS " FROM users ORDER BY name", 0, NULL, &l);
}

/* ---- gateways ---- */

#define GW_COLS "name, addresses, priority, enabled"

static int conv_gw(void *obj, const char *const *cols, char *why, size_t whylen)
{
	struct store_gateway *gw = obj;

	memset(gw, 0, sizeof(*gw));
	/* Any int the store was given; the authority keeps it to 0-65535. */
	if (store_col_int(cols[2], "gateways.priority", INT_MIN, INT_MAX, &gw->priority, why,
			  whylen) ||
	    store_col_bool(cols[3], "gateways.enabled", &gw->enabled, why, whylen))
		return -EBADMSG;
	copy_name(gw->name, cols[0]);
	gw->addresses = dup_or_null(cols[1]);
	return gw->addresses ? 0 : -ENOMEM;
}

void store_gateway_free(struct store_gateway *gw)
{
	free(gw->addresses);
	gw->addresses = NULL;
}

static void release_gw(void *obj)
{
	store_gateway_free(obj);
}

int store_gateway_add(struct store *st, const struct store_gateway *gw)
{
	char prio[16];
	const char *params[] = { gw->name, gw->addresses, prio, gw->enabled ? "1" : "0" };

	if (!store_name_valid(gw->name))
		return -EINVAL;
	snprintf(prio, sizeof(prio), "%d", gw->priority);
	return st_write(st, "INSERT INTO gateways (" GW_COLS ") VALUES (?, ?, ?, ?)",
			NPARAMS(params), params);
}

int store_gateway_get(struct store *st, const char *name, struct store_gateway *gw)
{
	return get_one(st, "SELECT " GW_COLS " FROM gateways WHERE name = ?", name, conv_gw, gw);
}

int store_gateway_set_priority(struct store *st, const char *name, int priority)
{
	char prio[16];
	const char *params[] = { prio, name };

	snprintf(prio, sizeof(prio), "%d", priority);
	return st_change(st, "UPDATE gateways SET priority = ? WHERE name = ?", 2, params);
}

int store_gateway_set_enabled(struct store *st, const char *name, bool enabled)
{
	const char *params[] = { enabled ? "1" : "0", name };

	return st_change(st, "UPDATE gateways SET enabled = ? WHERE name = ?", 2, params);
}

int store_gateway_serve(struct store *st, const char *gateway, const char *group)
{
	const char *params[] = { gateway, group };

	return st_write(st, "INSERT INTO gateway_groups (gateway, group_name) VALUES (?, ?)",
			2, params);
}

int store_gateway_list(struct store *st, const char *group, bool enabled_only,
		       int (*fn)(void *ctx, const struct store_gateway *gw), void *ctx)
{
	struct list_ctx l = { .conv = conv_gw, .release = release_gw,
			      .fn = (int (*)(void *, const void *))fn, .ctx = ctx };
	const char *params[] = { group };

	if (!group)
		return list_rows(st, enabled_only ?
				 "SELECT " GW_COLS " FROM gateways WHERE enabled = 1 "
				 "ORDER BY priority, name" :
				 "SELECT " GW_COLS " FROM gateways ORDER BY priority, name",
				 0, NULL, &l);
	return list_rows(st, enabled_only ?
			 "SELECT " GW_COLS " FROM gateways JOIN gateway_groups ON "
			 "gateway = name WHERE group_name = ? AND enabled = 1 "
			 "ORDER BY priority, name" :
			 "SELECT " GW_COLS " FROM gateways JOIN gateway_groups ON "
			 "gateway = name WHERE group_name = ? ORDER BY priority, name",
			 1, params, &l);
}

struct groups_ctx {
	int (*fn)(void *ctx, const char *group);
	void *ctx;
};

static int row_groupname(void *ctx, int ncols, const char *const *cols)
{
	struct groups_ctx *g = ctx;

	(void)ncols;
	return g->fn(g->ctx, cols[0]);
}

int store_gateway_groups(struct store *st, const char *gateway,
			 int (*fn)(void *ctx, const char *group), void *ctx)
{
	struct groups_ctx g = { fn, ctx };
	const char *params[] = { gateway };
	int ret;

	ret = st_exec(st, "SELECT group_name FROM gateway_groups WHERE gateway = ? "
			  "ORDER BY group_name", 1, params, row_groupname, &g);
	return ret < 0 ? ret : 0;
}

/* ---- certificates ---- */

#define CERT_COLS "serial, subject, group_name, kind, not_before, not_after, revoked_at, " \
		  "reason, pem"

static int conv_cert(void *obj, const char *const *cols, char *why, size_t whylen)
{
	struct store_cert *c = obj;

	memset(c, 0, sizeof(*c));
	/* Times may be negative (before 1970); revoked_at and reason are NULL
	 * until the certificate is revoked. */
	if (store_col_i64(cols[4], "certs.not_before", INT64_MIN, INT64_MAX, &c->not_before,
			  why, whylen) ||
	    store_col_i64(cols[5], "certs.not_after", INT64_MIN, INT64_MAX, &c->not_after, why,
			  whylen) ||
	    (cols[6] && store_col_i64(cols[6], "certs.revoked_at", INT64_MIN, INT64_MAX,
				      &c->revoked_at, why, whylen)) ||
	    (cols[7] && store_col_int(cols[7], "certs.reason", 0, STORE_REASON_MAX, &c->reason,
				      why, whylen)))
		return -EBADMSG;
	snprintf(c->serial, sizeof(c->serial), "%s", cols[0]);
	snprintf(c->subject, sizeof(c->subject), "%s", cols[1]);
	copy_name(c->group, cols[2]);
	snprintf(c->kind, sizeof(c->kind), "%s", cols[3]);
	c->pem = dup_or_null(cols[8]);
	return c->pem ? 0 : -ENOMEM;
}

void store_cert_free(struct store_cert *c)
{
	free(c->pem);
	c->pem = NULL;
}

static void release_cert(void *obj)
{
	store_cert_free(obj);
}

int store_cert_add(struct store *st, const struct store_cert *c)
{
	char nb[24], na[24];
	const char *params[] = { c->serial, c->subject, c->group, c->kind, nb, na, c->pem };

	snprintf(nb, sizeof(nb), "%" PRId64, c->not_before);
	snprintf(na, sizeof(na), "%" PRId64, c->not_after);
	return st_write(st, "INSERT INTO certs (serial, subject, group_name, kind, not_before, "
			"not_after, pem) VALUES (?, ?, ?, ?, ?, ?, ?)",
			NPARAMS(params), params);
}

int store_cert_get(struct store *st, const char *serial, struct store_cert *c)
{
	return get_one(st, "SELECT " CERT_COLS " FROM certs WHERE serial = ?", serial,
		       conv_cert, c);
}

int store_cert_revoke(struct store *st, const char *serial, int64_t at, int reason)
{
	char t[24], r[16];
	const char *params[] = { t, r, serial };

	if (reason < 0 || reason > STORE_REASON_MAX)
		return -EINVAL; /* what conv_cert would refuse to read back */
	snprintf(t, sizeof(t), "%" PRId64, at);
	snprintf(r, sizeof(r), "%d", reason);
	/* Revoking twice keeps the first time and reason. */
	return st_change(st, "UPDATE certs SET revoked_at = ?, reason = ? "
			     "WHERE serial = ? AND revoked_at IS NULL", 3, params);
}

int store_cert_list(struct store *st, const char *group, bool revoked_only,
		    int (*fn)(void *ctx, const struct store_cert *c), void *ctx)
{
	struct list_ctx l = { .conv = conv_cert, .release = release_cert,
			      .fn = (int (*)(void *, const void *))fn, .ctx = ctx };
	const char *params[] = { group };

	if (!group)
		return list_rows(st, revoked_only ?
				 "SELECT " CERT_COLS " FROM certs WHERE revoked_at IS NOT NULL "
				 "ORDER BY not_before, serial" :
				 "SELECT " CERT_COLS " FROM certs ORDER BY not_before, serial",
				 0, NULL, &l);
	return list_rows(st, revoked_only ?
			 "SELECT " CERT_COLS " FROM certs WHERE group_name = ? AND "
			 "revoked_at IS NOT NULL ORDER BY not_before, serial" :
			 "SELECT " CERT_COLS " FROM certs WHERE group_name = ? "
			 "ORDER BY not_before, serial", 1, params, &l);
}

/* ---- audit ---- */

int store_audit_add(struct store *st, const char *actor, const char *action,
		    const char *detail)
{
	char at[24];
	const char *params[] = { at, actor, action, detail };

	snprintf(at, sizeof(at), "%" PRId64, time_now());
	return st_write(st, "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
			4, params);
}

int store_audit_count(struct store *st, const char *action, int64_t *count)
{
	const char *params[] = { action };

	*count = 0;
	return st_query_int(st, "SELECT COUNT(*) FROM audit WHERE action = ?", 1, params,
			    "COUNT(*) of audit", 0, INT64_MAX, count);
}

struct audit_ctx {
	int (*fn)(void *ctx, int64_t at, const char *actor, const char *action,
		  const char *detail);
	void *ctx;
	char why[STORE_WHY_MAX];
};

static int row_audit(void *ctx, int ncols, const char *const *cols)
{
	struct audit_ctx *a = ctx;
	int64_t at;

	(void)ncols;
	if (store_col_i64(cols[0], "audit.at", INT64_MIN, INT64_MAX, &at, a->why,
			  sizeof(a->why)))
		return -EBADMSG;
	return a->fn(a->ctx, at, cols[1], cols[2], cols[3]);
}

int store_audit_list(struct store *st, int (*fn)(void *ctx, int64_t at, const char *actor,
						 const char *action, const char *detail),
		     void *ctx)
{
	struct audit_ctx a = { .fn = fn, .ctx = ctx };
	int ret;

	ret = st_exec(st, "SELECT at, actor, action, detail FROM audit ORDER BY id", 0, NULL,
		      row_audit, &a);
	return ret < 0 ? st_refused(ret, a.why) : 0;
}
