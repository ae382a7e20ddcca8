// SPDX-License-Identifier: GPL-2.0
/*
 * The store suite, run against each backend: PKI_STORE_URI names it
 * (default: a fresh SQLite file). tests/run-all runs it on SQLite and on a
 * PostgreSQL server it starts for the purpose.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "store.h"
#include "store_impl.h"
#include "lib/log.h"
#include "util.h"

static struct store *st;
static char path[64];

static int open_store(void **state)
{
	const char *uri = getenv("PKI_STORE_URI");
	char buf[128];

	(void)state;
	if (!uri) {
		snprintf(path, sizeof(path), "/tmp/test_store.XXXXXX");
		close(mkstemp(path));
		unlink(path);
		snprintf(buf, sizeof(buf), "sqlite:%s", path);
		uri = buf;
	}
	return store_open(uri, &st);
}

static int close_store(void **state)
{
	char wal[80];

	(void)state;
	store_close(st);
	if (path[0]) {
		unlink(path);
		snprintf(wal, sizeof(wal), "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		unlink(wal);
	}
	return 0;
}

static struct store_group group(const char *name)
{
	struct store_group g = { .ca_cert = "CERT", .ca_key = "KEY", .policy = "{}" };

	snprintf(g.name, sizeof(g.name), "%s", name);
	return g;
}

static struct store_user user(const char *name, const char *grp)
{
	struct store_user u = { .pwhash = "$argon2id$x" };

	snprintf(u.name, sizeof(u.name), "%s", name);
	snprintf(u.group, sizeof(u.group), "%s", grp);
	return u;
}

static void schema_is_at_latest_version(void **state)
{
	int v = 0;

	(void)state;
	assert_int_equal(store_schema_version(st, &v), 0);
	assert_int_equal(v, 2);
}

static void group_add_get_duplicate(void **state)
{
	struct store_group g = group("g1"), out;

	(void)state;
	assert_int_equal(store_group_add(st, &g), 0);
	assert_int_equal(store_group_add(st, &g), -EEXIST);
	assert_int_equal(store_group_get(st, "g1", &out), 0);
	assert_string_equal(out.ca_key, "KEY");
	assert_true(out.created > 0);
	store_group_free(&out);
	assert_int_equal(store_group_get(st, "nosuch", &out), -ENOENT);
	assert_int_equal(store_group_set_policy(st, "g1", "{\"a\":1}"), 0);
	assert_int_equal(store_group_set_policy(st, "nosuch", "{}"), -ENOENT);
	g = group("bad name");
	assert_int_equal(store_group_add(st, &g), -EINVAL);
}

static void policy_signer_is_replaced_not_duplicated(void **state)
{
	struct store_group g = group("gs");
	struct store_signer sg = { .cert = "CERT1", .key = "KEY1", .not_after = 100 }, out;

	(void)state;
	snprintf(sg.group, sizeof(sg.group), "gs");
	assert_int_equal(store_signer_set(st, &sg), -ENOENT); /* no such group yet */
	assert_int_equal(store_group_add(st, &g), 0);
	assert_int_equal(store_signer_get(st, "gs", &out), -ENOENT);
	assert_int_equal(store_signer_set(st, &sg), 0);
	sg.cert = "CERT2";
	sg.key = "KEY2";
	sg.not_after = -5;
	assert_int_equal(store_signer_set(st, &sg), 0);
	assert_int_equal(store_signer_get(st, "gs", &out), 0);
	assert_string_equal(out.group, "gs");
	assert_string_equal(out.cert, "CERT2");
	assert_string_equal(out.key, "KEY2");
	assert_int_equal(out.not_after, -5);
	store_signer_free(&out);
}

static void user_needs_an_existing_group(void **state)
{
	struct store_group g = group("g2");
	struct store_user u = user("bob", "nosuch"), out;

	(void)state;
	assert_int_equal(store_user_add(st, &u), -ENOENT);
	assert_int_equal(store_group_add(st, &g), 0);
	u = user("bob", "g2");
	assert_int_equal(store_user_add(st, &u), 0);
	assert_int_equal(store_user_set_disabled(st, "bob", true), 0);
	assert_int_equal(store_user_set_pwhash(st, "bob", "$argon2id$y"), 0);
	assert_int_equal(store_user_get(st, "bob", &out), 0);
	assert_true(out.disabled);
	assert_string_equal(out.pwhash, "$argon2id$y");
	assert_string_equal(out.group, "g2");
	store_user_free(&out);
	assert_int_equal(store_user_set_disabled(st, "nobody", true), -ENOENT);
}

static int collect_gw(void *ctx, const struct store_gateway *gw)
{
	struct sbuf *b = ctx;

	return sbuf_printf(b, "%s:%d ", gw->name, gw->priority);
}

static void gateways_come_by_priority(void **state)
{
	struct store_group g = group("g3");
	struct store_gateway a = { .name = "gwa", .addresses = "192.0.2.1", .priority = 20,
				   .enabled = true };
	struct store_gateway b = { .name = "gwb", .addresses = "192.0.2.2", .priority = 10,
				   .enabled = true };
	struct sbuf out = { 0 };

	(void)state;
	assert_int_equal(store_group_add(st, &g), 0);
	assert_int_equal(store_gateway_add(st, &a), 0);
	assert_int_equal(store_gateway_add(st, &b), 0);
	assert_int_equal(store_gateway_serve(st, "gwa", "g3"), 0);
	assert_int_equal(store_gateway_serve(st, "gwb", "g3"), 0);
	assert_int_equal(store_gateway_serve(st, "gwb", "nosuch"), -ENOENT);
	assert_int_equal(store_gateway_list(st, "g3", true, collect_gw, &out), 0);
	assert_string_equal(out.data, "gwb:10 gwa:20 ");
	out.len = 0;
	assert_int_equal(store_gateway_set_priority(st, "gwa", 5), 0);
	assert_int_equal(store_gateway_set_enabled(st, "gwb", false), 0);
	assert_int_equal(store_gateway_list(st, "g3", true, collect_gw, &out), 0);
	assert_string_equal(out.data, "gwa:5 ");
	out.len = 0;
	assert_int_equal(store_gateway_list(st, "g3", false, collect_gw, &out), 0);
	assert_string_equal(out.data, "gwa:5 gwb:10 ");
	sbuf_free(&out);
}

static int count_cert(void *ctx, const struct store_cert *c)
{
	(void)c;
	(*(int *)ctx)++;
	return 0;
}

static void certificates_revoke_once(void **state)
{
	struct store_group g = group("g4");
	struct store_cert c = { .serial = "00aa", .subject = "carol", .group = "g4",
				.kind = "client", .not_before = 1, .not_after = 2, .pem = "PEM" };
	struct store_cert out;
	int n = 0;

	(void)state;
	assert_int_equal(store_group_add(st, &g), 0);
	assert_int_equal(store_cert_add(st, &c), 0);
	assert_int_equal(store_cert_add(st, &c), -EEXIST);
	snprintf(c.serial, sizeof(c.serial), "00ab");
	assert_int_equal(store_cert_add(st, &c), 0);
	assert_int_equal(store_cert_revoke(st, "00aa", 1234, 1), 0);
	assert_int_equal(store_cert_revoke(st, "00aa", 9999, 4), -ENOENT);
	assert_int_equal(store_cert_get(st, "00aa", &out), 0);
	assert_int_equal(out.revoked_at, 1234);
	assert_int_equal(out.reason, 1);
	store_cert_free(&out);
	assert_int_equal(store_cert_list(st, "g4", true, count_cert, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_cert_list(st, "g4", false, count_cert, &n), 0);
	assert_int_equal(n, 2);
}

static void rollback_leaves_nothing(void **state)
{
	struct store_group g = group("g5"), out;
	struct store_user u = user("dave", "g5"), uo;
	int64_t before, after;

	(void)state;
	assert_int_equal(store_audit_count(st, "test", &before), 0);
	assert_int_equal(store_tx_begin(st), 0);
	assert_int_equal(store_group_add(st, &g), 0);
	assert_int_equal(store_user_add(st, &u), 0);
	assert_int_equal(store_audit_add(st, "t", "test", "x"), 0);
	store_tx_rollback(st);
	assert_int_equal(store_group_get(st, "g5", &out), -ENOENT);
	assert_int_equal(store_user_get(st, "dave", &uo), -ENOENT);
	assert_int_equal(store_audit_count(st, "test", &after), 0);
	assert_int_equal(after, before);
}

static void failed_step_fails_the_commit(void **state)
{
	struct store_group g = group("g6"), out;
	struct store_user u = user("erin", "nosuch");

	(void)state;
	assert_int_equal(store_tx_begin(st), 0);
	assert_int_equal(store_group_add(st, &g), 0);
	assert_int_equal(store_user_add(st, &u), -ENOENT);
	/* The caller forgot to roll back: the commit must not keep g6. */
	assert_int_equal(store_tx_commit(st), -EIO);
	assert_int_equal(store_group_get(st, "g6", &out), -ENOENT);
}

static void meta_upserts(void **state)
{
	char *v;

	(void)state;
	assert_int_equal(store_meta_get(st, "k", &v), -ENOENT);
	assert_int_equal(store_meta_set(st, "k", "1"), 0);
	assert_int_equal(store_meta_set(st, "k", "2"), 0);
	assert_int_equal(store_meta_get(st, "k", &v), 0);
	assert_string_equal(v, "2");
	free(v);
}

static void *tx_worker(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < 25; i++) {
		struct store_cert c = { .group = "g7", .kind = "client", .not_before = 1,
					.not_after = 2, .pem = "PEM" };

		snprintf(c.serial, sizeof(c.serial), "%02lx%04x", id, i);
		snprintf(c.subject, sizeof(c.subject), "u%ld", id);
		if (store_tx_begin(st) || store_cert_add(st, &c) ||
		    store_audit_add(st, "t", "concurrent", c.serial) || store_tx_commit(st))
			return (void *)1;
	}
	return NULL;
}

static void concurrent_transactions_all_land(void **state)
{
	struct store_group g = group("g7");
	pthread_t th[4];
	int64_t audits;
	void *ret;
	int n = 0;
	long i;

	(void)state;
	assert_int_equal(store_group_add(st, &g), 0);
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, tx_worker, (void *)i);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		assert_null(ret);
	}
	assert_int_equal(store_cert_list(st, "g7", false, count_cert, &n), 0);
	assert_int_equal(n, 100);
	assert_int_equal(store_audit_count(st, "concurrent", &audits), 0);
	assert_int_equal(audits, 100);
}

/* Writes behind the store's back, as a hand edit would. */
static void poke(const char *sql)
{
	const char *uri = getenv("PKI_STORE_URI");
	sqlite3 *db;

	if (uri) {
		PGconn *pg = PQconnectdb(uri);
		PGresult *res = PQexec(pg, sql);

		assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
		PQfinish(pg);
		return;
	}
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void malformed_stored_number_is_refused(void **state)
{
	struct store_group g = group("g8");
	struct store_cert c = { .serial = "00c0", .subject = "frank", .group = "g8",
				.kind = "client", .not_before = 1, .not_after = 2, .pem = "PEM" };
	struct store_gateway gw = { .name = "gwc", .addresses = "192.0.2.3", .priority = 1,
				    .enabled = true };
	struct store_gateway gwo;
	struct store_cert out;
	int n = 0;

	(void)state;
	assert_int_equal(store_group_add(st, &g), 0);
	assert_int_equal(store_cert_add(st, &c), 0);
	assert_int_equal(store_gateway_add(st, &gw), 0);
	if (path[0]) {
		/* Only SQLite keeps text in a BIGINT column. */
		poke("UPDATE certs SET not_after = '12x' WHERE serial = '00c0'");
		assert_int_equal(store_cert_get(st, "00c0", &out), -EBADMSG);
		assert_int_equal(store_cert_list(st, "g8", false, count_cert, &n), -EBADMSG);
		assert_int_equal(n, 0);
		poke("UPDATE certs SET not_after = 2 WHERE serial = '00c0'");
		poke("UPDATE gateways SET priority = '' WHERE name = 'gwc'");
		assert_int_equal(store_gateway_get(st, "gwc", &gwo), -EBADMSG);
		poke("UPDATE gateways SET priority = 1 WHERE name = 'gwc'");
	}
	poke("UPDATE certs SET reason = 99 WHERE serial = '00c0'");
	assert_int_equal(store_cert_get(st, "00c0", &out), -EBADMSG);
	assert_int_equal(store_cert_list(st, "g8", false, count_cert, &n), -EBADMSG);
	poke("UPDATE gateways SET enabled = 2 WHERE name = 'gwc'");
	assert_int_equal(store_gateway_get(st, "gwc", &gwo), -EBADMSG);
	poke("UPDATE certs SET reason = NULL WHERE serial = '00c0'");
	poke("UPDATE gateways SET enabled = 1 WHERE name = 'gwc'");
	assert_int_equal(store_cert_get(st, "00c0", &out), 0);
	assert_int_equal(out.not_after, 2);
	store_cert_free(&out);
	assert_int_equal(store_gateway_get(st, "gwc", &gwo), 0);
	store_gateway_free(&gwo);
}

static void stored_number_reason_quotes_column_and_value(void **state)
{
	char why[STORE_WHY_MAX] = "";
	int64_t v;
	int i;

	(void)state;
	assert_int_equal(store_col_i64("12x", "certs.not_after", INT64_MIN, INT64_MAX, &v, why,
				       sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "certs.not_after"));
	assert_non_null(strstr(why, "'12x'"));
	assert_int_equal(store_col_int("70000", "gateways.priority", 0, 65535, &i, why,
				       sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "out of range"));
	assert_int_equal(store_col_i64(NULL, "groups.created", 0, 1, &v, why, sizeof(why)),
			 -EBADMSG);
	assert_int_equal(store_col_i64("-", "audit.at", INT64_MIN, INT64_MAX, &v, why,
				       sizeof(why)), -EBADMSG);
}

static void stored_times_and_priorities_may_be_negative(void **state)
{
	char why[STORE_WHY_MAX];
	int64_t v;
	int i;

	(void)state;
	assert_int_equal(store_col_i64("-86400", "certs.not_before", INT64_MIN, INT64_MAX, &v,
				       why, sizeof(why)), 0);
	assert_int_equal(v, -86400);
	assert_int_equal(store_col_i64("-9223372036854775808", "audit.at", INT64_MIN,
				       INT64_MAX, &v, why, sizeof(why)), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(store_col_int("-3", "gateways.priority", INT_MIN, INT_MAX, &i, why,
				       sizeof(why)), 0);
	assert_int_equal(i, -3);
	assert_int_equal(store_col_i64("-1", "COUNT(*) of audit", 0, INT64_MAX, &v, why,
				       sizeof(why)), -EBADMSG);
}

static void revocation_reason_outside_rfc5280_is_refused(void **state)
{
	(void)state;
	assert_int_equal(store_cert_revoke(st, "00ab", 1, STORE_REASON_MAX + 1), -EINVAL);
	assert_int_equal(store_cert_revoke(st, "00ab", 1, -1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schema_is_at_latest_version),
		cmocka_unit_test(group_add_get_duplicate),
		cmocka_unit_test(policy_signer_is_replaced_not_duplicated),
		cmocka_unit_test(user_needs_an_existing_group),
		cmocka_unit_test(gateways_come_by_priority),
		cmocka_unit_test(certificates_revoke_once),
		cmocka_unit_test(rollback_leaves_nothing),
		cmocka_unit_test(failed_step_fails_the_commit),
		cmocka_unit_test(meta_upserts),
		cmocka_unit_test(concurrent_transactions_all_land),
		cmocka_unit_test(malformed_stored_number_is_refused),
		cmocka_unit_test(stored_number_reason_quotes_column_and_value),
		cmocka_unit_test(stored_times_and_priorities_may_be_negative),
		cmocka_unit_test(revocation_reason_outside_rfc5280_is_refused),
	};

	log_set_level(LOG_LEVEL_NONE);
	return cmocka_run_group_tests_name(getenv("PKI_STORE_URI") ? "store-postgresql" :
					   "store-sqlite", tests, open_store, close_store);
}
