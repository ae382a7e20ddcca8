// SPDX-License-Identifier: GPL-2.0
/* SQLite backend: one file, WAL journal, foreign keys enforced. */
#include "store_impl.h"
#include "lib/log.h"
#include "util.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>

static int sq_errno(sqlite3 *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return -ENOENT;
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return -EEXIST;
		return -EINVAL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EAGAIN;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		return -EAGAIN;
	default:
		(void)db;
		return -EIO;
	}
}

static int sq_open(const char *path, void **out)
{
	sqlite3 *db;
	char *msg = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("sqlite '%s': %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -EIO;
	}
	sqlite3_extended_result_codes(db, 1);
	/* Other processes (the admin tool) may hold the write lock briefly. */
	sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
			      "PRAGMA synchronous=NORMAL;", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("sqlite '%s': %s", path, msg ? msg : "pragma failed");
		sqlite3_free(msg);
		sqlite3_close(db);
		return -EIO;
	}
	*out = db;
	return 0;
}

static void sq_close(void *db)
{
	sqlite3_close(db);
}

static int sq_exec(void *dbp, const char *sql, int nparams, const char *const *params,
		   store_row_fn fn, void *ctx)
{
	sqlite3 *db = dbp;
	sqlite3_stmt *stmt;
	int rc, i, rows = 0, ret = 0;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		log_error("sqlite prepare '%s': %s", sql, sqlite3_errmsg(db));
		return sq_errno(db, rc);
	}
	for (i = 0; i < nparams; i++) {
		rc = params[i] ? sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC)
			       : sqlite3_bind_null(stmt, i + 1);
		if (rc != SQLITE_OK) {
			ret = sq_errno(db, rc);
			goto out;
		}
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *cols[16];
		int n = sqlite3_column_count(stmt), c;

		if (n > 16)
			n = 16;
		for (c = 0; c < n; c++)
			cols[c] = (const char *)sqlite3_column_text(stmt, c);
		rows++;
		if (fn) {
			ret = fn(ctx, n, cols);
			if (ret)
				goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		ret = sq_errno(db, sqlite3_extended_errcode(db));
		log_debug("sqlite '%s': %s", sql, sqlite3_errmsg(db));
		goto out;
	}
	ret = sqlite3_column_count(stmt) ? rows : sqlite3_changes(db);
out:
	sqlite3_finalize(stmt);
	return ret;
}

static int sq_script(void *dbp, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(dbp, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_error("sqlite script: %s", msg ? msg : "failed");
		sqlite3_free(msg);
		return sq_errno(dbp, rc);
	}
	return 0;
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.autoid = "INTEGER PRIMARY KEY AUTOINCREMENT",
	/* IMMEDIATE takes the write lock up front: no upgrade deadlock later. */
	.begin_sql = "BEGIN IMMEDIATE",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.script = sq_script,
};
