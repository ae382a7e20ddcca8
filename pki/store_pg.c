// SPDX-License-Identifier: GPL-2.0
/* PostgreSQL backend (libpq), for gateways that share one database. */
#include "store_impl.h"
#include "lib/log.h"
#include "lib/num.h"
#include "util.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pg {
	PGconn *conn;
	bool in_tx;
};

static int pg_open(const char *conninfo, void **out)
{
	struct pg *pg = calloc(1, sizeof(*pg));

	if (!pg)
		return -ENOMEM;
	pg->conn = PQconnectdb(conninfo);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		log_error("postgresql '%s': %s", conninfo, PQerrorMessage(pg->conn));
		PQfinish(pg->conn);
		free(pg);
		return -EAGAIN;
	}
	PQexec(pg->conn, "SET client_min_messages = warning");
	*out = pg;
	return 0;
}

static void pg_close(void *p)
{
	struct pg *pg = p;

	PQfinish(pg->conn);
	free(pg);
}

/* Our SQL uses '?' placeholders (never inside literals); libpq wants $n. */
static char *pg_sql(const char *sql)
{
	struct sbuf b = { 0 };
	int n = 0;

	for (; *sql; sql++) {
		int err = *sql == '?' ? sbuf_printf(&b, "$%d", ++n) : sbuf_add(&b, sql, 1);

		if (err) {
			sbuf_free(&b);
			return NULL;
		}
	}
	if (sbuf_add(&b, "", 0)) {
		sbuf_free(&b);
		return NULL;
	}
	return b.data;
}

static int pg_errno(struct pg *pg, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(pg->conn) != CONNECTION_OK)
		return -EAGAIN;
	if (!state)
		return -EIO;
	if (!strcmp(state, "23505"))
		return -EEXIST;
	if (!strcmp(state, "23503"))
		return -ENOENT;
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		return -EAGAIN;
	return -EIO;
}

/* A lost connection is retried once, outside a transaction only: inside
 * one the server already discarded the work and the caller must redo it. */
static bool pg_reconnect(struct pg *pg)
{
	if (PQstatus(pg->conn) == CONNECTION_OK || pg->in_tx)
		return false;
	PQreset(pg->conn);
	return PQstatus(pg->conn) == CONNECTION_OK;
}

/* Rows a command changed: "" for one that changes none (BEGIN, SET). */
static int pg_changed(PGresult *res)
{
	const char *n = PQcmdTuples(res);
	uint32_t v;
	int err;

	if (!*n)
		return 0;
	err = num_parse_u32(n, 0, INT32_MAX, &v);
	if (err) {
		log_error("postgresql: rows changed '%s' is %s", n, num_strerror(err));
		return -EIO;
	}
	return (int)v;
}

static int pg_exec(void *p, const char *sql, int nparams, const char *const *params,
		   store_row_fn fn, void *ctx)
{
	struct pg *pg = p;
	PGresult *res;
	char *q;
	int ret = 0, r, retry = 1;

	q = pg_sql(sql);
	if (!q)
		return -ENOMEM;
again:
	ret = 0;
	res = PQexecParams(pg->conn, q, nparams, NULL, params, NULL, NULL, 0);
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
		for (r = 0; r < PQntuples(res) && !ret; r++) {
			const char *cols[16];
			int n = PQnfields(res), c;

			if (n > 16)
				n = 16;
			for (c = 0; c < n; c++)
				cols[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
			if (fn)
				ret = fn(ctx, n, cols);
		}
		if (!ret)
			ret = PQntuples(res);
		break;
	case PGRES_COMMAND_OK:
		ret = pg_changed(res);
		break;
	default:
		ret = pg_errno(pg, res);
		if (ret == -EAGAIN && retry-- && pg_reconnect(pg)) {
			PQclear(res);
			goto again;
		}
		log_debug("postgresql '%s': %s", sql, PQerrorMessage(pg->conn));
		break;
	}
	PQclear(res);
	free(q);
	if (!strcmp(sql, "COMMIT") || !strcmp(sql, "ROLLBACK"))
		pg->in_tx = false;
	else if (ret >= 0 && !strncmp(sql, "BEGIN", 5))
		pg->in_tx = true;
	return ret;
}

static int pg_script(void *p, const char *sql)
{
	struct pg *pg = p;
	PGresult *res = PQexec(pg->conn, sql);
	int ret = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("postgresql script: %s", PQerrorMessage(pg->conn));
		ret = pg_errno(pg, res);
	}
	PQclear(res);
	return ret;
}

const struct store_backend store_pg_backend = {
	.name = "postgresql",
	.autoid = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
	.begin_sql = "BEGIN",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.script = pg_script,
};
