/*
 * replog.h — the replication log: every row the server writes, in order, so that a standby can
 * keep a verified copy of the database and take over when the venue laptop dies (prefix rl_).
 *
 * SQLite triggers on every table (installed by rl_install at each open, so a table changed by a
 * later schema step is covered again) append each inserted, updated or deleted row to `replog`
 * as JSON, in the writing transaction; st_commit appends a "commit" marker last. A standby asks
 * for the rows after the last seq it applied, takes them up to the last marker (whole
 * transactions only), applies them in one transaction of its own, and checks every audit row
 * against the hash chain as it goes: a copy that does not chain is refused, not served.
 *
 * Rows are {"tbl", "op" ("put" | "del" | "commit"), "row" (JSON object of the columns; BLOBs as
 * hex)}. Nothing here knows what a mark or a session is: the log covers whatever the schema has.
 *
 * This file works on the SQLite handle and is the store's own: the rest of the server reaches it
 * through st_replog_* and st_standby_* in store.h. Errors as there: ST_OK, ST_NOTFOUND,
 * ST_ERROR with the message written to err.
 */
#ifndef SKILLSCORE_REPLOG_H
#define SKILLSCORE_REPLOG_H

#include <sqlite3.h>
#include <stddef.h>

#include <stdint.h>

/* (Re)creates the triggers of every replicated table. Called by st_open. */
int rl_install(sqlite3 *db, char *err, size_t cap);
/* The seq of the last row in the log (0 when empty). */
int rl_head(sqlite3 *db, char *err, size_t cap, int64_t *seq);
/* Calls fn for the rows after `after`, in order, at most limit of them; fn returns nonzero to
 * stop early. */
int rl_each(sqlite3 *db, char *err, size_t cap, int64_t after, long limit,
            int (*fn)(void *ctx, int64_t seq, const char *tbl, const char *op, const char *row),
            void *ctx);
/* Applies one logged row (not "commit") to this database, inside the caller's transaction. An
 * audit row must chain to the row before it (ST_ERROR says which and why otherwise). */
int rl_apply(sqlite3 *db, char *err, size_t cap, const char *tbl, const char *op,
             const char *row);

/* The standby's own state (kept out of the log): "primary" (its URL), "applied" (the primary's
 * last applied seq), "promoted" (when `skillscore promote` ran). ST_NOTFOUND when unset. */
int rl_state_get(sqlite3 *db, char *err, size_t cap, const char *key, char *out, size_t outcap);
int rl_state_put(sqlite3 *db, char *err, size_t cap, const char *key, const char *value);

#endif
