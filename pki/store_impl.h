/* SPDX-License-Identifier: GPL-2.0 */
/* What a store backend provides; private to store*.c. */
#ifndef PKI_STORE_IMPL_H
#define PKI_STORE_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called once per result row; values are text, NULL for SQL NULL.
 * A non-zero return stops the query and is returned by exec. */
typedef int (*store_row_fn)(void *ctx, int ncols, const char *const *cols);

struct store_backend {
	const char *name;
	const char *autoid;	/* column type replacing @AUTOID@ in migrations */
	const char *begin_sql;
	int (*open)(const char *conninfo, void **db);
	void (*close)(void *db);
	/* One statement with '?' placeholders bound to text params.
	 * Returns rows returned (SELECT) or changed, or -errno. */
	int (*exec)(void *db, const char *sql, int nparams, const char *const *params,
		    store_row_fn fn, void *ctx);
	/* Several statements, no parameters (migrations). */
	int (*script)(void *db, const char *sql);
};

struct store_migration {
	int version;
	const char *sql;
};

extern const struct store_migration store_migrations[];
extern const struct store_backend store_sqlite_backend;
extern const struct store_backend store_pg_backend;

/*
 * A stored column's text as a number in [min, max] (store_col.c): 0, or
 * -EBADMSG with why naming the column and quoting the value. NULL is
 * refused; a caller whose column may be NULL decides what that means.
 * Booleans are stored as 0 or 1, nothing else.
 */
#define STORE_WHY_MAX 200

int store_col_i64(const char *val, const char *col, int64_t min, int64_t max, int64_t *out,
		  char *why, size_t whylen);
int store_col_int(const char *val, const char *col, int min, int max, int *out, char *why,
		  size_t whylen);
int store_col_bool(const char *val, const char *col, bool *out, char *why, size_t whylen);

struct store {
	const struct store_backend *be;
	void *db;
	pthread_mutex_t lock;	/* recursive: held for a whole transaction */
	int tx_depth;
	bool tx_failed;
};

#endif
