/*
 * replog.c — see replog.h. The triggers and the statements that apply a row are written from
 * the schema itself (PRAGMA table_info), so a column added later is logged and applied without
 * anyone remembering to.
 */
#include "server/store/replog.h"

#include "server/store/audit.h"
#include "server/store/store_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every table that holds state; replog and standby are the log's own. */
static const char *const tables[] = {"users",      "sessions", "devices", "competitions",
                                     "judge_pins", "marks",    "event_state", "numbers",
                                     "accepted",   "audit",    "settings"};
#define N_TABLES (sizeof tables / sizeof *tables)

typedef struct column {
    char name[64];
    bool blob, pk;
} column;

/* The columns of table t; *n of them (at most cap). */
static int columns_of(st_store *s, const char *t, column *cols, size_t cap, size_t *n)
{
    sqlite3_stmt *st;
    char sql[128];
    int rc;

    *n = 0;
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", t);
    if (sqlite3_prepare_v2(st_sqlite(s), sql, -1, &st, NULL) != SQLITE_OK)
        return st_fail(s, "replog: %s", sqlite3_errmsg(st_sqlite(s)));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        snprintf(cols[*n].name, sizeof cols[*n].name, "%s", name ? name : "");
        cols[*n].blob = type && strcmp(type, "BLOB") == 0;
        cols[*n].pk = sqlite3_column_int(st, 5) > 0;
        (*n)++;
    }
    sqlite3_finalize(st);
    return *n ? ST_OK : st_fail(s, "replog: table %s has no columns", t);
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

int rl_install(st_store *s)
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
        if (columns_of(s, tables[t], cols, 32, &n))
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
                return st_fail(s, "replog: the trigger of %s is too long", tables[t]);
            if (sqlite3_exec(st_sqlite(s), b.text, NULL, NULL, NULL) != SQLITE_OK)
                return st_fail(s, "replog: %s", sqlite3_errmsg(st_sqlite(s)));
        }
    }
    return ST_OK;
}

int rl_head(st_store *s, int64_t *seq)
{
    sqlite3_stmt *st;
    int rc;
    *seq = 0;
    if (sqlite3_prepare_v2(st_sqlite(s), "SELECT coalesce(max(seq), 0) FROM replog", -1, &st,
                           NULL) != SQLITE_OK)
        return st_fail(s, "replog: %s", sqlite3_errmsg(st_sqlite(s)));
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? ST_OK : st_fail(s, "replog: %s", sqlite3_errmsg(st_sqlite(s)));
}

int rl_each(st_store *s, int64_t after, long limit,
            int (*fn)(void *ctx, int64_t seq, const char *tbl, const char *op, const char *row),
            void *ctx)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(st_sqlite(s),
                           "SELECT seq, tbl, op, row FROM replog WHERE seq > ?1 ORDER BY seq "
                           "LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return st_fail(s, "replog: %s", sqlite3_errmsg(st_sqlite(s)));
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3)))
            break;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? ST_OK
               : st_fail(s, "replog: %s", sqlite3_errmsg(st_sqlite(s)));
}

/* An audit row just applied must chain to the row before it, as `audit verify` would check. */
static int check_audit(st_store *s, const char *row)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT a.seq, a.at, a.actor, a.action, a.competition, a.detail, a.prev, "
                      "a.hash, coalesce((SELECT b.hash FROM audit b WHERE b.seq = a.seq - 1), "
                      "?2) FROM audit a WHERE a.seq = json_extract(?1, '$.seq')";
    char want[AUD_HEX];
    int rc = ST_ERROR;

    if (sqlite3_prepare_v2(st_sqlite(s), sql, -1, &st, NULL) != SQLITE_OK)
        return st_fail(s, "replog: %s", sqlite3_errmsg(st_sqlite(s)));
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
            st_fail(s, "the standby's copy does not chain: audit row %lld does not link to the "
                       "row before it", (long long)seq);
        else if (aud_hash(c[6], seq, c[1], c[2], c[3], c[4], c[5], want) || strcmp(want, c[7]))
            st_fail(s, "the standby's copy does not chain: audit row %lld does not match its "
                       "hash", (long long)seq);
        else
            rc = ST_OK;
    } else
        st_fail(s, "replog: the audit row just applied is missing");
    sqlite3_finalize(st);
    return rc;
}

int rl_apply(st_store *s, const char *tbl, const char *op, const char *row)
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
        return st_fail(s, "replog: no table %s or operation %s", tbl, op);
    if (columns_of(s, tbl, cols, 32, &n))
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
        return st_fail(s, "replog: the statement for %s is too long", tbl);
    if (sqlite3_prepare_v2(st_sqlite(s), b.text, -1, &st, NULL) != SQLITE_OK)
        return st_fail(s, "replog: %s: %s", tbl, sqlite3_errmsg(st_sqlite(s)));
    sqlite3_bind_text(st, 1, row, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return st_fail(s, "replog: applying a row of %s: %s", tbl, sqlite3_errmsg(st_sqlite(s)));
    return !del && strcmp(tbl, "audit") == 0 ? check_audit(s, row) : ST_OK;
}

int rl_state_get(st_store *s, const char *key, char *out, size_t cap)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(st_sqlite(s), "SELECT v FROM standby WHERE k = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return st_fail(s, "standby: %s", sqlite3_errmsg(st_sqlite(s)));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return ST_OK;
    return rc == SQLITE_DONE ? ST_NOTFOUND : st_fail(s, "standby: %s", sqlite3_errmsg(st_sqlite(s)));
}

int rl_state_put(st_store *s, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(st_sqlite(s),
                           "INSERT INTO standby(k, v) VALUES (?1, ?2) "
                           "ON CONFLICT(k) DO UPDATE SET v = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return st_fail(s, "standby: %s", sqlite3_errmsg(st_sqlite(s)));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ST_OK : st_fail(s, "standby: %s", sqlite3_errmsg(st_sqlite(s)));
}
