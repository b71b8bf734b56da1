/*
 * replog.c — see replog.h. The triggers and the statements that apply a row are written from
 * the schema itself (PRAGMA table_info), so a column added later is logged and applied without
 * anyone remembering to.
 */
#include "server/store/replog.h"

#include "server/store/audit.h"
#include "server/store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every table that holds state; replog and standby are the log's own. */
static const char *const tables[] = {"users",      "sessions", "devices", "competitions",
                                     "judge_pins", "marks",    "event_state", "numbers",
                                     "accepted",   "audit",    "settings", "keyings", "counters",
                                     "sendbacks", "freezes",
                                     "ceremonies", "certificates",
                                     "appeals", "appeal_windows", "comp_settings"};
#define N_TABLES (sizeof tables / sizeof *tables)

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return ST_ERROR;
}

typedef struct column {
    char name[64];
    bool blob, pk;
} column;

/* The columns of table t; *n of them (at most cap). */
static int columns_of(sqlite3 *db, char *err, size_t cap, const char *t, column *cols, size_t max, size_t *n)
{
    sqlite3_stmt *st;
    char sql[128];
    int rc;

    *n = 0;
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", t);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(err, cap, "replog: %s", sqlite3_errmsg(db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        snprintf(cols[*n].name, sizeof cols[*n].name, "%s", name ? name : "");
        cols[*n].blob = type && strcmp(type, "BLOB") == 0;
        cols[*n].pk = sqlite3_column_int(st, 5) > 0;
        (*n)++;
    }
    sqlite3_finalize(st);
    return *n ? ST_OK : fail(err, cap, "replog: table %s has no columns", t);
}

/* A growing SQL text; the sizes here are a few hundred bytes. */
typedef struct sqlbuf {
    char text[4096];
    size_t n;
    bool over;
} sqlbuf;

static void add(sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(sqlbuf *b, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (b->over)
        return;
    va_start(ap, fmt);
    k = vsnprintf(b->text + b->n, sizeof b->text - b->n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof b->text - b->n)
        b->over = true;
    else
        b->n += (size_t)k;
}

/* json_object('a', NEW.a, 'b', hex(NEW.b), …) over the columns (only the key ones if keys). */
static void row_json(sqlbuf *b, const column *c, size_t n, const char *which, bool keys)
{
    bool first = true;
    add(b, "json_object(");
    for (size_t i = 0; i < n; i++) {
        if (keys && !c[i].pk)
            continue;
        add(b, "%s'%s', %s%s.%s%s", first ? "" : ", ", c[i].name, c[i].blob ? "hex(" : "", which,
            c[i].name, c[i].blob ? ")" : "");
        first = false;
    }
    add(b, ")");
}

int rl_install(sqlite3 *db, char *err, size_t cap)
{
    static const struct {
        const char *suffix, *event, *op, *which;
        bool keys;
    } kinds[] = {{"ins", "INSERT", "put", "NEW", false},
                 {"upd", "UPDATE", "put", "NEW", false},
                 {"del", "DELETE", "del", "OLD", true}};
    column cols[32];
    size_t n;

    for (size_t t = 0; t < N_TABLES; t++) {
        if (columns_of(db, err, cap, tables[t], cols, 32, &n))
            return ST_ERROR;
        for (size_t k = 0; k < 3; k++) {
            sqlbuf b = {0};
            add(&b, "DROP TRIGGER IF EXISTS rl_%s_%s; CREATE TRIGGER rl_%s_%s AFTER %s ON %s "
                    "BEGIN INSERT INTO replog(tbl, op, row) VALUES ('%s', '%s', ",
                tables[t], kinds[k].suffix, tables[t], kinds[k].suffix, kinds[k].event, tables[t],
                tables[t], kinds[k].op);
            row_json(&b, cols, n, kinds[k].which, kinds[k].keys);
            add(&b, "); END;");
            if (b.over)
                return fail(err, cap, "replog: the trigger of %s is too long", tables[t]);
            if (sqlite3_exec(db, b.text, NULL, NULL, NULL) != SQLITE_OK)
                return fail(err, cap, "replog: %s", sqlite3_errmsg(db));
        }
    }
    return ST_OK;
}

int rl_head(sqlite3 *db, char *err, size_t cap, int64_t *seq)
{
    sqlite3_stmt *st;
    int rc;
    *seq = 0;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM replog", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(err, cap, "replog: %s", sqlite3_errmsg(db));
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? ST_OK : fail(err, cap, "replog: %s", sqlite3_errmsg(db));
}

int rl_each(sqlite3 *db, char *err, size_t cap, int64_t after, long limit,
            int (*fn)(void *ctx, int64_t seq, const char *tbl, const char *op, const char *row),
            void *ctx)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, tbl, op, row FROM replog WHERE seq > ?1 ORDER BY seq "
                           "LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(err, cap, "replog: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3)))
            break;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? ST_OK
               : fail(err, cap, "replog: %s", sqlite3_errmsg(db));
}

/* An audit row just applied must chain to the row before it, as `audit verify` would check. */
static int check_audit(sqlite3 *db, char *err, size_t cap, const char *row)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT a.seq, a.at, a.actor, a.action, a.competition, a.detail, a.prev, "
                      "a.hash, coalesce((SELECT b.hash FROM audit b WHERE b.seq = a.seq - 1), "
                      "?2) FROM audit a WHERE a.seq = json_extract(?1, '$.seq')";
    char want[AUD_HEX];
    int rc = ST_ERROR;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(err, cap, "replog: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, row, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, AUD_GENESIS, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *c[9];
        int64_t seq = sqlite3_column_int64(st, 0);
        for (int i = 1; i < 9; i++)
            c[i] = (const char *)sqlite3_column_text(st, i);
        for (int i = 1; i < 9; i++)
            c[i] = c[i] ? c[i] : "";
        if (strcmp(c[6], c[8]) != 0)
            fail(err, cap, "the standby's copy does not chain: audit row %lld does not link to the "
                       "row before it", (long long)seq);
        else if (aud_hash(c[6], seq, c[1], c[2], c[3], c[4], c[5], want) || strcmp(want, c[7]))
            fail(err, cap, "the standby's copy does not chain: audit row %lld does not match its "
                       "hash", (long long)seq);
        else
            rc = ST_OK;
    } else
        fail(err, cap, "replog: the audit row just applied is missing");
    sqlite3_finalize(st);
    return rc;
}

int rl_apply(sqlite3 *db, char *err, size_t cap, const char *tbl, const char *op, const char *row)
{
    column cols[32];
    size_t n, t;
    sqlbuf b = {0};
    sqlite3_stmt *st;
    bool del = strcmp(op, "del") == 0, first = true;
    int rc;

    for (t = 0; t < N_TABLES && strcmp(tables[t], tbl) != 0; t++)
        ;
    if (t == N_TABLES || (!del && strcmp(op, "put") != 0))
        return fail(err, cap, "replog: no table %s or operation %s", tbl, op);
    if (columns_of(db, err, cap, tbl, cols, 32, &n))
        return ST_ERROR;
    if (del) {
        add(&b, "DELETE FROM %s WHERE ", tbl);
        for (size_t i = 0; i < n; i++)
            if (cols[i].pk) {
                add(&b, "%s%s IS %sjson_extract(?1, '$.%s')%s", first ? "" : " AND ",
                    cols[i].name, cols[i].blob ? "ss_unhex(" : "", cols[i].name,
                    cols[i].blob ? ")" : "");
                first = false;
            }
    } else {
        add(&b, "INSERT INTO %s(", tbl);
        for (size_t i = 0; i < n; i++)
            add(&b, "%s%s", i ? ", " : "", cols[i].name);
        add(&b, ") VALUES (");
        for (size_t i = 0; i < n; i++)
            add(&b, "%s%sjson_extract(?1, '$.%s')%s", i ? ", " : "",
                cols[i].blob ? "ss_unhex(" : "", cols[i].name, cols[i].blob ? ")" : "");
        add(&b, ") ON CONFLICT(");
        for (size_t i = 0; i < n; i++)
            if (cols[i].pk) {
                add(&b, "%s%s", first ? "" : ", ", cols[i].name);
                first = false;
            }
        add(&b, ") DO UPDATE SET ");
        first = true;
        for (size_t i = 0; i < n; i++)
            if (!cols[i].pk) {
                add(&b, "%s%s = excluded.%s", first ? "" : ", ", cols[i].name, cols[i].name);
                first = false;
            }
        if (first) /* every column is in the key: nothing to update */
            b.n -= strlen(" DO UPDATE SET "), b.text[b.n] = '\0', add(&b, " DO NOTHING");
    }
    if (b.over)
        return fail(err, cap, "replog: the statement for %s is too long", tbl);
    if (sqlite3_prepare_v2(db, b.text, -1, &st, NULL) != SQLITE_OK)
        return fail(err, cap, "replog: %s: %s", tbl, sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, row, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(err, cap, "replog: applying a row of %s: %s", tbl, sqlite3_errmsg(db));
    return !del && strcmp(tbl, "audit") == 0 ? check_audit(db, err, cap, row) : ST_OK;
}

int rl_state_get(sqlite3 *db, char *err, size_t cap, const char *key, char *out, size_t outcap)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(db, "SELECT v FROM standby WHERE k = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(err, cap, "standby: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, outcap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return ST_OK;
    return rc == SQLITE_DONE ? ST_NOTFOUND : fail(err, cap, "standby: %s", sqlite3_errmsg(db));
}

int rl_state_put(sqlite3 *db, char *err, size_t cap, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO standby(k, v) VALUES (?1, ?2) "
                           "ON CONFLICT(k) DO UPDATE SET v = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(err, cap, "standby: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ST_OK : fail(err, cap, "standby: %s", sqlite3_errmsg(db));
}
