/*
 * store.c — the SQLite file (see store.h). Statements are prepared once, on first use, and kept
 * in an array indexed by an enum, so a reader finds every query of the server in the table below.
 */
#include "server/store/store.h"

#include "server/store/audit.h"
#include "server/store/replog.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Each step moves the schema from version i to i + 1. Never edit a step that has shipped; add one. */
static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE users(name TEXT PRIMARY KEY, role TEXT NOT NULL"
    "  CHECK (role IN ('admin','arbitration','display')), pw_hash TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE sessions(token_hash BLOB PRIMARY KEY, role TEXT NOT NULL, name TEXT NOT NULL,"
    "  competition TEXT NOT NULL DEFAULT '', expires INTEGER NOT NULL);"
    "CREATE TABLE competitions(id TEXT PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE judge_pins(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  judge TEXT NOT NULL, pin_hash TEXT NOT NULL, issued_at TEXT NOT NULL,"
    "  PRIMARY KEY (competition, judge));"
    "CREATE INDEX judge_pins_judge ON judge_pins(judge);"
    "CREATE TABLE marks(seq INTEGER PRIMARY KEY,"
    "  competition TEXT NOT NULL REFERENCES competitions(id), uuid TEXT NOT NULL,"
    "  entry TEXT NOT NULL, criterion TEXT NOT NULL, judge TEXT NOT NULL,"
    "  score INTEGER NOT NULL CHECK (score >= 0), actor TEXT NOT NULL,"
    "  on_behalf INTEGER NOT NULL DEFAULT 0, supersedes INTEGER REFERENCES marks(seq),"
    "  reason TEXT NOT NULL DEFAULT '', at TEXT NOT NULL, UNIQUE (competition, uuid));"
    "CREATE INDEX marks_slot ON marks(competition, entry, criterion, judge);"
    "CREATE UNIQUE INDEX marks_supersedes ON marks(supersedes) WHERE supersedes IS NOT NULL;"
    "CREATE TABLE event_state(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  event TEXT NOT NULL, locked INTEGER NOT NULL DEFAULT 0,"
    "  published INTEGER NOT NULL DEFAULT 0, drawn INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (competition, event));"
    "CREATE TABLE numbers(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  event TEXT NOT NULL, entry TEXT NOT NULL, number TEXT NOT NULL,"
    "  PRIMARY KEY (competition, entry), UNIQUE (competition, event, number));"
    "CREATE TABLE accepted(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  entry TEXT NOT NULL, criterion TEXT NOT NULL, upto_seq INTEGER NOT NULL,"
    "  by TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL,"
    "  PRIMARY KEY (competition, entry, criterion));"
    "CREATE TABLE audit(seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
    "  action TEXT NOT NULL, competition TEXT NOT NULL, detail TEXT NOT NULL,"
    "  prev TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE INDEX audit_comp ON audit(competition, seq);",
    /* 2: named values the server keeps, such as the certificate signing key */
    "CREATE TABLE settings(name TEXT PRIMARY KEY, value BLOB NOT NULL);",
    /* 3: devices enrolled for an account (a tablet that signed in before): the SHA-256 of the
     * device token the server gave it */
    "CREATE TABLE devices(token_hash BLOB PRIMARY KEY, account TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX devices_account ON devices(account);"
    "CREATE INDEX sessions_who ON sessions(name, competition);",
    /* 4: the replication log (replog.h) and a standby's own state, which is never logged */
    "CREATE TABLE replog(seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL,"
    "  op TEXT NOT NULL, row TEXT NOT NULL);"
    "CREATE TABLE standby(k TEXT PRIMARY KEY, v TEXT NOT NULL);",
    /* 5: staff roles for the competition day (clerk 录分员, timekeeper 计时员): SQLite cannot
     * change a CHECK, so users is built again; and double keying of theory scores and paper
     * marking sheets, one row per keyer and thing keyed */
    "CREATE TABLE users_new(name TEXT PRIMARY KEY, role TEXT NOT NULL"
    "  CHECK (role IN ('admin','arbitration','display','clerk','timekeeper')),"
    "  pw_hash TEXT NOT NULL, created_at TEXT NOT NULL);"
    "INSERT INTO users_new SELECT name, role, pw_hash, created_at FROM users;"
    "DROP TABLE users;"
    "ALTER TABLE users_new RENAME TO users;"
    "CREATE TABLE keyings(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  what TEXT NOT NULL, item TEXT NOT NULL, by TEXT NOT NULL, value INTEGER NOT NULL,"
    "  at TEXT NOT NULL, PRIMARY KEY (competition, what, item, by));",
    /* 6: named counters, such as how often an event's sealed draw list was printed */
    "CREATE TABLE counters(name TEXT PRIMARY KEY, n INTEGER NOT NULL);",
    /* 7: a chief judge sends a judge's mark back for review (退回复评); open until that judge
     * corrects or confirms it. One open send-back per judge and slot. */
    "CREATE TABLE sendbacks(id INTEGER PRIMARY KEY, competition TEXT NOT NULL"
    "  REFERENCES competitions(id), event TEXT NOT NULL, entry TEXT NOT NULL,"
    "  criterion TEXT NOT NULL, judge TEXT NOT NULL, note TEXT NOT NULL, by TEXT NOT NULL,"
    "  at TEXT NOT NULL, closed_how TEXT, closed_by TEXT, closed_at TEXT);"
    "CREATE UNIQUE INDEX sendbacks_open ON sendbacks(competition, entry, criterion, judge)"
    "  WHERE closed_at IS NULL;",
    /* 8: an event frozen on public screens (封榜): what they showed at that moment, per group,
     * as the live results rendered it (live.h) */
    "CREATE TABLE freezes(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  event TEXT NOT NULL, rows TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,"
    "  PRIMARY KEY (competition, event));",
    /* 9: the award ceremony (颁奖) on the competition's displays: which published group, how far
     * revealed (step 0 is the title; step k the k-th award tier from the lowest) */
    "CREATE TABLE ceremonies(competition TEXT PRIMARY KEY REFERENCES competitions(id),"
    "  event TEXT NOT NULL, grp TEXT NOT NULL, step INTEGER NOT NULL, by TEXT NOT NULL,"
    "  at TEXT NOT NULL);",
    /* 10: the certificate register: certificates are issued once and kept; a changed result
     * revokes the certificate it changes (naming the replacement), never renumbers the others */
    "CREATE TABLE certificates(number TEXT PRIMARY KEY, competition TEXT NOT NULL,"
    "  event TEXT NOT NULL, holder TEXT NOT NULL, facts TEXT NOT NULL, sig TEXT NOT NULL,"
    "  issued_at TEXT NOT NULL, issued_by TEXT NOT NULL, prints INTEGER NOT NULL DEFAULT 0,"
    "  revoked_at TEXT, revoked_why TEXT, replaced_by TEXT);"
    "CREATE UNIQUE INDEX certificates_active ON certificates(competition, holder)"
    "  WHERE revoked_at IS NULL;",
    /* 11: appeals (申诉) and each event's appeal window; an appeal's record is one JSON document
     * (who, what, when, state and every step, the results before and the confirmed delta) */
    "CREATE TABLE appeals(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  competition TEXT NOT NULL REFERENCES competitions(id), event TEXT NOT NULL,"
    "  doc TEXT NOT NULL);"
    "CREATE TABLE appeal_windows(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  event TEXT NOT NULL, minutes INTEGER NOT NULL, PRIMARY KEY (competition, event));",
    /* 12: a competition's settings that are not in its file (the verification address) */
    "CREATE TABLE comp_settings(competition TEXT NOT NULL REFERENCES competitions(id),"
    "  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (competition, key));",
};

enum {
    Q_USER_PUT, Q_USER_GET, Q_USER_COUNT,
    Q_SESSION_PUT, Q_SESSION_GET, Q_SESSION_DEL, Q_SESSION_PURGE, Q_SESSION_REVOKE,
    Q_DEVICE_PUT, Q_DEVICE_HAS, Q_DEVICE_REVOKE,
    Q_COMP_INSERT, Q_COMP_UPDATE, Q_COMP_DOC, Q_COMP_EACH,
    Q_PIN_PUT, Q_PIN_GET, Q_PIN_COMPS,
    Q_MARK_UUID, Q_MARK_CURRENT, Q_MARK_INSERT, Q_MARKS_CURRENT, Q_MARKS_HISTORY,
    Q_EVENT_GET, Q_EVENT_PUT,
    Q_NUMBER_PUT, Q_NUMBERS, Q_NUMBER_ENTRY,
    Q_ACCEPT_PUT, Q_ACCEPT_GET,
    Q_AUDIT_LAST, Q_AUDIT_INSERT, Q_AUDIT_ALL, Q_AUDIT_COMP, Q_AUDIT_EACH,
    Q_SETTING_GET, Q_SETTING_ADD,
    Q_KEYING_PUT, Q_KEYINGS, Q_KEYINGS_CLEAR, Q_KEYINGS_ALL, Q_COUNTER_NEXT, Q_COUNTER_GET,
    Q_SENDBACK_PUT, Q_SENDBACK_CLOSE, Q_SENDBACKS_OPEN, Q_FREEZE_PUT, Q_FREEZE_DEL, Q_FREEZE_GET,
    Q_CEREMONY_PUT, Q_CEREMONY_DEL, Q_CEREMONY_GET,
    Q_CSET_PUT, Q_CSET_GET,
    Q_APPEAL_ADD, Q_APPEAL_PUT, Q_APPEAL_GET, Q_APPEALS, Q_WINDOW_PUT, Q_WINDOW_GET,
    Q_CERT_PUT, Q_CERT_GET, Q_CERT_ACTIVE, Q_CERT_REVOKE, Q_CERT_PRINTED, Q_CERTS_ACTIVE,
    Q_REPLOG_COMMIT, Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO,
    Q_COUNT
};

#define MARK_COLS "seq, uuid, entry, criterion, judge, score, actor, on_behalf, " \
                  "coalesce(supersedes, 0), reason, at"

static const char *const sql[Q_COUNT] = {
    [Q_USER_PUT] = "INSERT INTO users(name, role, pw_hash, created_at) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT(name) DO UPDATE SET role = ?2, pw_hash = ?3",
    [Q_USER_GET] = "SELECT role, pw_hash FROM users WHERE name = ?1",
    [Q_USER_COUNT] = "SELECT count(*) FROM users",
    [Q_SESSION_PUT] = "INSERT INTO sessions(token_hash, role, name, competition, expires) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_SESSION_GET] = "SELECT role, name, competition, expires FROM sessions WHERE token_hash = ?1",
    [Q_SESSION_DEL] = "DELETE FROM sessions WHERE token_hash = ?1",
    [Q_SESSION_PURGE] = "DELETE FROM sessions WHERE expires < ?1",
    [Q_SESSION_REVOKE] = "DELETE FROM sessions WHERE name = ?1 AND competition = ?2",
    [Q_DEVICE_PUT] = "INSERT INTO devices(token_hash, account, created_at) VALUES (?1, ?2, ?3)",
    [Q_DEVICE_HAS] = "SELECT 1 FROM devices WHERE token_hash = ?1 AND account = ?2",
    [Q_DEVICE_REVOKE] = "DELETE FROM devices WHERE account = ?1",
    [Q_COMP_INSERT] = "INSERT INTO competitions(id, name, doc, created_at, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?4)",
    [Q_COMP_UPDATE] = "UPDATE competitions SET doc = ?2, updated_at = ?3 WHERE id = ?1",
    [Q_COMP_DOC] = "SELECT doc FROM competitions WHERE id = ?1",
    [Q_COMP_EACH] = "SELECT id, name FROM competitions ORDER BY id",
    [Q_PIN_PUT] = "INSERT INTO judge_pins(competition, judge, pin_hash, issued_at) "
                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(competition, judge) "
                  "DO UPDATE SET pin_hash = ?3, issued_at = ?4",
    [Q_PIN_GET] = "SELECT pin_hash FROM judge_pins WHERE competition = ?1 AND judge = ?2",
    [Q_PIN_COMPS] = "SELECT competition FROM judge_pins WHERE judge = ?1 ORDER BY competition",
    [Q_MARK_UUID] = "SELECT " MARK_COLS " FROM marks WHERE competition = ?1 AND uuid = ?2",
    [Q_MARK_CURRENT] = "SELECT " MARK_COLS " FROM marks m WHERE competition = ?1 AND entry = ?2 "
                       "AND criterion = ?3 AND judge = ?4 AND NOT EXISTS "
                       "(SELECT 1 FROM marks n WHERE n.supersedes = m.seq)",
    [Q_MARK_INSERT] = "INSERT INTO marks(competition, uuid, entry, criterion, judge, score, actor, "
                      "on_behalf, supersedes, reason, at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, nullif(?9, 0), ?10, ?11)",
    [Q_MARKS_CURRENT] = "SELECT " MARK_COLS " FROM marks m WHERE competition = ?1 AND NOT EXISTS "
                        "(SELECT 1 FROM marks n WHERE n.supersedes = m.seq) ORDER BY seq",
    [Q_MARKS_HISTORY] = "SELECT " MARK_COLS " FROM marks WHERE competition = ?1 AND entry = ?2 "
                        "AND criterion = ?3 ORDER BY seq",
    [Q_EVENT_GET] = "SELECT locked, published, drawn FROM event_state "
                    "WHERE competition = ?1 AND event = ?2",
    [Q_EVENT_PUT] = "INSERT INTO event_state(competition, event, locked, published, drawn) "
                    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(competition, event) "
                    "DO UPDATE SET locked = ?3, published = ?4, drawn = ?5",
    [Q_NUMBER_PUT] = "INSERT INTO numbers(competition, event, entry, number) VALUES (?1, ?2, ?3, ?4) "
                     "ON CONFLICT(competition, entry) DO UPDATE SET number = ?4",
    [Q_NUMBERS] = "SELECT entry, number FROM numbers WHERE competition = ?1 AND event = ?2 "
                  "ORDER BY number",
    [Q_NUMBER_ENTRY] = "SELECT entry FROM numbers WHERE competition = ?1 AND event = ?2 "
                       "AND number = ?3",
    [Q_ACCEPT_PUT] = "INSERT INTO accepted(competition, entry, criterion, upto_seq, by, reason, at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                     "ON CONFLICT(competition, entry, criterion) "
                     "DO UPDATE SET upto_seq = ?4, by = ?5, reason = ?6, at = ?7",
    [Q_ACCEPT_GET] = "SELECT upto_seq FROM accepted WHERE competition = ?1 AND entry = ?2 "
                     "AND criterion = ?3",
    [Q_AUDIT_LAST] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    [Q_AUDIT_INSERT] = "INSERT INTO audit(seq, at, actor, action, competition, detail, prev, hash) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_AUDIT_ALL] = "SELECT seq, at, actor, action, competition, detail, prev, hash FROM audit "
                    "ORDER BY seq",
    [Q_AUDIT_COMP] = "SELECT seq, at, actor, action, competition, detail FROM audit "
                     "WHERE competition = ?1 ORDER BY seq DESC LIMIT ?2",
    [Q_AUDIT_EACH] = "SELECT seq, at, actor, action, competition, detail FROM audit "
                     "ORDER BY seq DESC LIMIT ?1",
    [Q_SETTING_GET] = "SELECT value FROM settings WHERE name = ?1",
    [Q_SETTING_ADD] = "INSERT INTO settings(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
    [Q_KEYING_PUT] = "INSERT INTO keyings(competition, what, item, by, value, at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(competition, what, item, by) "
                     "DO UPDATE SET value = ?5, at = ?6",
    [Q_KEYINGS] = "SELECT by, value FROM keyings WHERE competition = ?1 AND what = ?2 "
                  "AND item = ?3 ORDER BY at, by",
    [Q_COUNTER_NEXT] = "INSERT INTO counters(name, n) VALUES (?1, 1) "
                       "ON CONFLICT(name) DO UPDATE SET n = n + 1 RETURNING n",
    [Q_COUNTER_GET] = "SELECT n FROM counters WHERE name = ?1",
    [Q_FREEZE_PUT] = "INSERT INTO freezes(competition, event, rows, by, at) VALUES (?1, ?2, ?3, "
                     "?4, ?5) ON CONFLICT(competition, event) DO UPDATE SET rows = ?3, by = ?4, "
                     "at = ?5",
    [Q_CEREMONY_PUT] = "INSERT INTO ceremonies(competition, event, grp, step, by, at) VALUES (?1, "
                       "?2, ?3, ?4, ?5, ?6) ON CONFLICT(competition) DO UPDATE SET event = ?2, "
                       "grp = ?3, step = ?4, by = ?5, at = ?6",
    [Q_CEREMONY_DEL] = "DELETE FROM ceremonies WHERE competition = ?1",
    [Q_CEREMONY_GET] = "SELECT event, grp, step FROM ceremonies WHERE competition = ?1",
    [Q_CSET_PUT] = "INSERT INTO comp_settings(competition, key, value) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT(competition, key) DO UPDATE SET value = ?3",
    [Q_CSET_GET] = "SELECT value FROM comp_settings WHERE competition = ?1 AND key = ?2",
    [Q_APPEAL_ADD] = "INSERT INTO appeals(competition, event, doc) VALUES (?1, ?2, ?3)",
    [Q_APPEAL_PUT] = "UPDATE appeals SET doc = ?3 WHERE competition = ?1 AND id = ?2",
    [Q_APPEAL_GET] = "SELECT event, doc FROM appeals WHERE competition = ?1 AND id = ?2",
    [Q_APPEALS] = "SELECT id, event, doc FROM appeals WHERE competition = ?1 ORDER BY id",
    [Q_WINDOW_PUT] = "INSERT INTO appeal_windows(competition, event, minutes) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT(competition, event) DO UPDATE SET minutes = ?3",
    [Q_WINDOW_GET] = "SELECT minutes FROM appeal_windows WHERE competition = ?1 AND event = ?2",
    [Q_CERT_PUT] = "INSERT INTO certificates(number, competition, event, holder, facts, sig, "
                   "issued_at, issued_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_CERT_GET] = "SELECT number, competition, event, holder, facts, sig, issued_at, prints, "
                   "revoked_at, revoked_why, replaced_by FROM certificates WHERE number = ?1",
    [Q_CERT_ACTIVE] = "SELECT number, competition, event, holder, facts, sig, issued_at, prints, "
                      "revoked_at, revoked_why, replaced_by FROM certificates WHERE "
                      "competition = ?1 AND holder = ?2 AND revoked_at IS NULL",
    [Q_CERT_REVOKE] = "UPDATE certificates SET revoked_at = ?2, revoked_why = ?3, replaced_by = ?4 "
                      "WHERE number = ?1 AND revoked_at IS NULL",
    [Q_CERT_PRINTED] = "UPDATE certificates SET prints = prints + 1 WHERE number = ?1",
    [Q_CERTS_ACTIVE] = "SELECT number, competition, event, holder, facts, sig, issued_at, prints, "
                       "revoked_at, revoked_why, replaced_by FROM certificates WHERE "
                       "competition = ?1 AND revoked_at IS NULL ORDER BY rowid",
    [Q_FREEZE_DEL] = "DELETE FROM freezes WHERE competition = ?1 AND event = ?2",
    [Q_FREEZE_GET] = "SELECT rows FROM freezes WHERE competition = ?1 AND event = ?2",
    [Q_SENDBACK_PUT] = "INSERT INTO sendbacks(competition, event, entry, criterion, judge, note, "
                       "by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_SENDBACK_CLOSE] = "UPDATE sendbacks SET closed_how = ?5, closed_by = ?6, closed_at = ?7 "
                         "WHERE competition = ?1 AND entry = ?2 AND criterion = ?3 "
                         "AND judge = ?4 AND closed_at IS NULL",
    [Q_SENDBACKS_OPEN] = "SELECT entry, criterion, judge, note, by, at FROM sendbacks "
                         "WHERE competition = ?1 AND (?2 IS NULL OR event = ?2) "
                         "AND closed_at IS NULL ORDER BY id",
    [Q_KEYINGS_ALL] = "SELECT what, item, by, value FROM keyings WHERE competition = ?1 "
                      "ORDER BY what, item, at, by",
    [Q_KEYINGS_CLEAR] = "DELETE FROM keyings WHERE competition = ?1 AND what = ?2 AND item = ?3",
    [Q_REPLOG_COMMIT] = "INSERT INTO replog(tbl, op, row) VALUES ('', 'commit', '{}')",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_SAVEPOINT] = "SAVEPOINT request",
    [Q_RELEASE] = "RELEASE request",
    [Q_ROLLBACK_TO] = "ROLLBACK TO request",
};

struct st_store {
    sqlite3 *db;
    sqlite3_stmt *stmt[Q_COUNT];
    char err[512];
};

static int st_fail(st_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int st_fail(st_store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    return ST_ERROR;
}

static int db_fail(st_store *s, const char *what)
{
    return st_fail(s, "%s: %s", what, sqlite3_errmsg(s->db));
}

const char *st_errmsg(st_store *s) { return s->err; }

/* The statement for q, reset and with no bindings, or NULL (and s->err) on failure. */
static sqlite3_stmt *q(st_store *s, int which)
{
    sqlite3_stmt *st = s->stmt[which];
    if (!st) {
        if (sqlite3_prepare_v3(s->db, sql[which], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[which],
                               NULL) != SQLITE_OK) {
            db_fail(s, "prepare");
            return NULL;
        }
        return s->stmt[which];
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void now_iso(char out[48])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 48, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 48 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* Runs a statement that returns no rows. */
static int exec_done(st_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT) {
        st_fail(s, "%s: %s", what, sqlite3_errmsg(s->db));
        return ST_EXISTS;
    }
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, what);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t ? t : "");
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    return strdup(t ? t : "");
}

/* Steps a query that returns at most one row. ST_OK leaves the statement on the row for the
 * caller to read and reset; ST_NOTFOUND and ST_ERROR leave it reset. */
static int step_one(st_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return ST_OK;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_NOTFOUND : db_fail(s, what);
}

/* ---- open and migrate ------------------------------------------------------------------------- */

/* ss_unhex(text): the bytes a hex text stands for (SQLite 3.40 has hex() but no unhex()); the
 * replication log carries BLOB columns as hex. NULL for NULL or text that is not hex. */
static void unhex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *t = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    unsigned char *out;
    (void)argc;
    if (!t || n % 2) {
        sqlite3_result_null(ctx);
        return;
    }
    if (!(out = sqlite3_malloc(n / 2 + 1))) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    for (int i = 0; i < n / 2; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            unsigned char ch = t[2 * i + k];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
            if (d < 0) {
                sqlite3_free(out);
                sqlite3_result_null(ctx);
                return;
            }
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    sqlite3_result_blob(ctx, out, n / 2, sqlite3_free);
}

static int migrate(st_store *s)
{
    int version = st_schema_version(s);
    const int target = (int)(sizeof migrations / sizeof *migrations);

    if (version < 0)
        return ST_ERROR;
    if (version > target)
        return st_fail(s, "the database has schema version %d; this skillscore knows up to %d",
                    version, target);
    for (; version < target; version++) {
        char pragma[48];
        if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return db_fail(s, "migrate");
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
        if (sqlite3_exec(s->db, migrations[version], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
            db_fail(s, "migrate");
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return ST_ERROR;
        }
        if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            return db_fail(s, "migrate");
    }
    return ST_OK;
}

int st_schema_version(st_store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, "user_version");
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int st_open_existing(const char *path, st_store **out, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q1 = NULL;
    struct stat sb;
    int found = 0, rc = ST_EXISTS;

    *out = NULL;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: 文件不存在", path);
        return ST_NOTFOUND;
    }
    /* Read-only and without SQLITE_OPEN_CREATE: looking must not change the file. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                           "('competitions', 'settings', 'audit')",
                           -1, &q1, NULL) != SQLITE_OK ||
        sqlite3_step(q1) != SQLITE_ROW) {
        snprintf(err, errlen, "%s: 不是 skillscore 数据库（%s）", path,
                 db ? sqlite3_errmsg(db) : "无法打开");
        goto cleanup;
    }
    found = sqlite3_column_int(q1, 0);
    /* The tables of the first schema versions: an older skillscore database is migrated by
     * st_open as the server would. */
    if (found != 3) {
        snprintf(err, errlen, "%s: 不是 skillscore 数据库（没有 competitions、settings、audit 表）",
                 path);
        goto cleanup;
    }
    rc = ST_OK;
cleanup:
    sqlite3_finalize(q1);
    sqlite3_close(db);
    return rc == ST_OK ? st_open(path, out, err, errlen) : rc;
}

int st_open(const char *path, st_store **out, char *err, size_t errlen)
{
    st_store *s = calloc(1, sizeof *s);
    char *msg = NULL;

    *out = NULL;
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return ST_ERROR;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* synchronous=FULL in WAL mode syncs the log at every commit: an acknowledged mark is on
     * disk. foreign_keys is per connection and off by default. */
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                     "PRAGMA foreign_keys = ON;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        goto fail;
    }
    if (sqlite3_create_function(s->db, "ss_unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                unhex, NULL, NULL) != SQLITE_OK ||
        migrate(s) || rl_install(s->db, s->err, sizeof s->err)) {
        snprintf(err, errlen, "%s: %s", path, s->err[0] ? s->err : sqlite3_errmsg(s->db));
        goto fail;
    }
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        snprintf(err, errlen, "%s: the database file is read-only; skillscore must be able to "
                 "write to it (and to its folder, for the -wal and -shm files)", path);
        goto fail;
    }
    *out = s;
    return ST_OK;
fail:
    st_close(s);
    return ST_ERROR;
}

int st_check(st_store *s)
{
    sqlite3_stmt *st;
    int rc = ST_OK;
    if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, "integrity check");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (line && strcmp(line, "ok") != 0) {
            st_fail(s, "the database failed its integrity check: %s", line);
            sqlite3_finalize(st);
            return ST_ERROR;
        }
    }
    if (rc != SQLITE_DONE)
        rc = db_fail(s, "integrity check");
    else
        rc = ST_OK;
    sqlite3_finalize(st);
    return rc;
}

int st_backup(st_store *s, const char *path)
{
    sqlite3 *to = NULL;
    sqlite3_backup *b;
    int rc;

    if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        st_fail(s, "%s: %s", path, to ? sqlite3_errmsg(to) : "cannot open");
        sqlite3_close(to);
        return ST_ERROR;
    }
    if (!(b = sqlite3_backup_init(to, "main", s->db, "main"))) {
        st_fail(s, "%s: %s", path, sqlite3_errmsg(to));
        sqlite3_close(to);
        return ST_ERROR;
    }
    /* All pages in one step: the source is read in one transaction, so the copy is consistent
     * with itself even while the server goes on writing. */
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        st_fail(s, "%s: %s", path, sqlite3_errstr(rc));
    sqlite3_close(to);
    return rc == SQLITE_DONE ? ST_OK : ST_ERROR;
}

void st_close(st_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    free(s);
}

int st_begin(st_store *s)
{
    sqlite3_stmt *st = q(s, Q_BEGIN);
    return st ? exec_done(s, st, "begin") : ST_ERROR;
}

int st_commit(st_store *s)
{
    /* The marker tells a standby where this transaction ends (replog.h). */
    sqlite3_stmt *st = q(s, Q_REPLOG_COMMIT);
    if (!st || exec_done(s, st, "commit"))
        return ST_ERROR;
    st = q(s, Q_COMMIT);
    return st ? exec_done(s, st, "commit") : ST_ERROR;
}

int st_savepoint(st_store *s)
{
    sqlite3_stmt *st = q(s, Q_SAVEPOINT);
    return st ? exec_done(s, st, "savepoint") : ST_ERROR;
}

int st_release(st_store *s)
{
    sqlite3_stmt *st = q(s, Q_RELEASE);
    return st ? exec_done(s, st, "release") : ST_ERROR;
}

void st_rollback_to(st_store *s)
{
    sqlite3_stmt *st = q(s, Q_ROLLBACK_TO);
    if (st && exec_done(s, st, "rollback to") == ST_OK && (st = q(s, Q_RELEASE)))
        exec_done(s, st, "release");
}

bool st_in_transaction(st_store *s) { return !sqlite3_get_autocommit(s->db); }

void st_rollback(st_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- users and sessions ---------------------------------------------------------------------- */

int st_user_put(st_store *s, const char *name, const char *role, const char *pw_hash)
{
    sqlite3_stmt *st = q(s, Q_USER_PUT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, name);
    bind_text(st, 2, role);
    bind_text(st, 3, pw_hash);
    bind_text(st, 4, at);
    return exec_done(s, st, "user");
}

int st_user_get(st_store *s, const char *name, char role[16], char **pw_hash)
{
    sqlite3_stmt *st = q(s, Q_USER_GET);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, name);
    if ((rc = step_one(s, st, "user")) != ST_OK)
        return rc;
    copy_col(st, 0, role, 16);
    *pw_hash = dup_col(st, 1);
    sqlite3_reset(st);
    return *pw_hash ? ST_OK : st_fail(s, "out of memory");
}

int st_user_count(st_store *s, long *n)
{
    sqlite3_stmt *st = q(s, Q_USER_COUNT);
    if (!st || sqlite3_step(st) != SQLITE_ROW)
        return db_fail(s, "users");
    *n = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return ST_OK;
}

int st_session_put(st_store *s, const unsigned char hash[32], const st_session *se)
{
    sqlite3_stmt *st = q(s, Q_SESSION_PURGE);
    if (!st)
        return ST_ERROR;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
    if (exec_done(s, st, "sessions"))
        return ST_ERROR;
    if (!(st = q(s, Q_SESSION_PUT)))
        return ST_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    bind_text(st, 2, se->role);
    bind_text(st, 3, se->name);
    bind_text(st, 4, se->competition);
    sqlite3_bind_int64(st, 5, se->expires);
    return exec_done(s, st, "session");
}

int st_session_get(st_store *s, const unsigned char hash[32], st_session *se)
{
    sqlite3_stmt *st = q(s, Q_SESSION_GET);
    int rc;
    if (!st)
        return ST_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    if ((rc = step_one(s, st, "session")) != ST_OK)
        return rc;
    copy_col(st, 0, se->role, sizeof se->role);
    copy_col(st, 1, se->name, sizeof se->name);
    copy_col(st, 2, se->competition, sizeof se->competition);
    se->expires = sqlite3_column_int64(st, 3);
    sqlite3_reset(st);
    return ST_OK;
}

int st_session_delete(st_store *s, const unsigned char hash[32])
{
    sqlite3_stmt *st = q(s, Q_SESSION_DEL);
    if (!st)
        return ST_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return exec_done(s, st, "logout");
}

int st_sessions_revoke(st_store *s, const char *name, const char *comp)
{
    sqlite3_stmt *st = q(s, Q_SESSION_REVOKE);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, name);
    bind_text(st, 2, comp);
    return exec_done(s, st, "revoke sessions");
}

/* ---- enrolled devices ------------------------------------------------------------------------- */

int st_device_put(st_store *s, const char *account, const unsigned char hash[32])
{
    sqlite3_stmt *st = q(s, Q_DEVICE_PUT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    bind_text(st, 2, account);
    bind_text(st, 3, at);
    return exec_done(s, st, "device");
}

int st_device_has(st_store *s, const char *account, const unsigned char hash[32])
{
    sqlite3_stmt *st = q(s, Q_DEVICE_HAS);
    int rc;
    if (!st)
        return ST_ERROR;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    bind_text(st, 2, account);
    if ((rc = step_one(s, st, "device")) == ST_OK)
        sqlite3_reset(st);
    return rc;
}

int st_devices_revoke(st_store *s, const char *account)
{
    sqlite3_stmt *st = q(s, Q_DEVICE_REVOKE);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, account);
    return exec_done(s, st, "revoke devices");
}

/* ---- competitions ----------------------------------------------------------------------------- */

int st_comp_insert(st_store *s, const char *id, const char *name, const char *doc)
{
    sqlite3_stmt *st = q(s, Q_COMP_INSERT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, id);
    bind_text(st, 2, name);
    bind_text(st, 3, doc);
    bind_text(st, 4, at);
    return exec_done(s, st, "competition");
}

int st_comp_update_doc(st_store *s, const char *id, const char *doc)
{
    sqlite3_stmt *st = q(s, Q_COMP_UPDATE);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, id);
    bind_text(st, 2, doc);
    bind_text(st, 3, at);
    return exec_done(s, st, "competition");
}

int st_comp_doc(st_store *s, const char *id, char **doc)
{
    sqlite3_stmt *st = q(s, Q_COMP_DOC);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, id);
    if ((rc = step_one(s, st, "competition")) != ST_OK)
        return rc;
    *doc = dup_col(st, 0);
    sqlite3_reset(st);
    return *doc ? ST_OK : st_fail(s, "out of memory");
}

int st_comp_each(st_store *s, void (*fn)(void *ctx, const char *id, const char *name), void *ctx)
{
    sqlite3_stmt *st = q(s, Q_COMP_EACH);
    int rc;
    if (!st)
        return ST_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(st, 0),
           (const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "competitions");
}

/* ---- PINs ---------------------------------------------------------------------------------------- */

int st_pin_put(st_store *s, const char *comp, const char *judge, const char *pin_hash)
{
    sqlite3_stmt *st = q(s, Q_PIN_PUT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, comp);
    bind_text(st, 2, judge);
    bind_text(st, 3, pin_hash);
    bind_text(st, 4, at);
    return exec_done(s, st, "pin");
}

int st_setting_get(st_store *s, const char *name, unsigned char *buf, size_t cap, size_t *len)
{
    sqlite3_stmt *st = q(s, Q_SETTING_GET);
    int rc, n;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, name);
    if ((rc = step_one(s, st, "setting")) != ST_OK)
        return rc;
    n = sqlite3_column_bytes(st, 0);
    if (n < 0 || (size_t)n > cap) {
        sqlite3_reset(st);
        return st_fail(s, "setting %s is larger than expected", name);
    }
    memcpy(buf, sqlite3_column_blob(st, 0), (size_t)n);
    *len = (size_t)n;
    sqlite3_reset(st);
    return ST_OK;
}

int st_setting_add(st_store *s, const char *name, const unsigned char *value, size_t len)
{
    sqlite3_stmt *st = q(s, Q_SETTING_ADD);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, name);
    sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_TRANSIENT);
    return exec_done(s, st, "setting");
}

int st_pin_get(st_store *s, const char *comp, const char *judge, char **pin_hash)
{
    sqlite3_stmt *st = q(s, Q_PIN_GET);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, judge);
    if ((rc = step_one(s, st, "pin")) != ST_OK)
        return rc;
    *pin_hash = dup_col(st, 0);
    sqlite3_reset(st);
    return *pin_hash ? ST_OK : st_fail(s, "out of memory");
}

int st_pin_competitions(st_store *s, const char *judge, char comps[][64], size_t max, size_t *n)
{
    sqlite3_stmt *st = q(s, Q_PIN_COMPS);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, judge);
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (*n < max)
            copy_col(st, 0, comps[(*n)++], 64);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "pins");
}

/* ---- marks ------------------------------------------------------------------------------------- */

static void read_mark(sqlite3_stmt *st, st_mark *m)
{
    m->seq = sqlite3_column_int64(st, 0);
    copy_col(st, 1, m->uuid, sizeof m->uuid);
    copy_col(st, 2, m->entry, sizeof m->entry);
    copy_col(st, 3, m->criterion, sizeof m->criterion);
    copy_col(st, 4, m->judge, sizeof m->judge);
    m->score = sqlite3_column_int64(st, 5);
    copy_col(st, 6, m->actor, sizeof m->actor);
    m->on_behalf = sqlite3_column_int(st, 7) != 0;
    m->supersedes = sqlite3_column_int64(st, 8);
    copy_col(st, 9, m->reason, sizeof m->reason);
    copy_col(st, 10, m->at, sizeof m->at);
}

static int one_mark(st_store *s, sqlite3_stmt *st, st_mark *m)
{
    int rc = step_one(s, st, "mark");
    if (rc == ST_OK) {
        read_mark(st, m);
        sqlite3_reset(st);
    }
    return rc;
}

int st_mark_by_uuid(st_store *s, const char *comp, const char *uuid, st_mark *m)
{
    sqlite3_stmt *st = q(s, Q_MARK_UUID);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, uuid);
    return one_mark(s, st, m);
}

int st_mark_current(st_store *s, const char *comp, const char *entry, const char *criterion,
                    const char *judge, st_mark *m)
{
    sqlite3_stmt *st = q(s, Q_MARK_CURRENT);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, entry);
    bind_text(st, 3, criterion);
    bind_text(st, 4, judge);
    return one_mark(s, st, m);
}

int st_mark_insert(st_store *s, const char *comp, st_mark *m)
{
    sqlite3_stmt *st = q(s, Q_MARK_INSERT);
    int rc;
    if (!st)
        return ST_ERROR;
    now_iso(m->at);
    bind_text(st, 1, comp);
    bind_text(st, 2, m->uuid);
    bind_text(st, 3, m->entry);
    bind_text(st, 4, m->criterion);
    bind_text(st, 5, m->judge);
    sqlite3_bind_int64(st, 6, m->score);
    bind_text(st, 7, m->actor);
    sqlite3_bind_int(st, 8, m->on_behalf);
    sqlite3_bind_int64(st, 9, m->supersedes);
    bind_text(st, 10, m->reason);
    bind_text(st, 11, m->at);
    if ((rc = exec_done(s, st, "mark")) == ST_OK)
        m->seq = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int each_mark(st_store *s, sqlite3_stmt *st, int (*fn)(void *, const st_mark *),
                     void *ctx)
{
    st_mark m;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_mark(st, &m);
        if (fn(ctx, &m)) {
            sqlite3_reset(st);
            return ST_ERROR;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "marks");
}

int st_marks_current(st_store *s, const char *comp, int (*fn)(void *ctx, const st_mark *m),
                     void *ctx)
{
    sqlite3_stmt *st = q(s, Q_MARKS_CURRENT);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    return each_mark(s, st, fn, ctx);
}

int st_marks_history(st_store *s, const char *comp, const char *entry, const char *criterion,
                     int (*fn)(void *ctx, const st_mark *m), void *ctx)
{
    sqlite3_stmt *st = q(s, Q_MARKS_HISTORY);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, entry);
    bind_text(st, 3, criterion);
    return each_mark(s, st, fn, ctx);
}

/* ---- events, numbers, accepted discrepancies --------------------------------------------------- */

int st_event_get(st_store *s, const char *comp, const char *event, st_event_state *es)
{
    sqlite3_stmt *st = q(s, Q_EVENT_GET);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    memset(es, 0, sizeof *es);
    /* An event nobody has touched has no row: all flags false. */
    if ((rc = step_one(s, st, "event")) == ST_OK) {
        es->locked = sqlite3_column_int(st, 0) != 0;
        es->published = sqlite3_column_int(st, 1) != 0;
        es->drawn = sqlite3_column_int(st, 2) != 0;
        sqlite3_reset(st);
    }
    return rc == ST_NOTFOUND ? ST_OK : rc;
}

int st_event_put(st_store *s, const char *comp, const char *event, const st_event_state *es)
{
    sqlite3_stmt *st = q(s, Q_EVENT_PUT);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    sqlite3_bind_int(st, 3, es->locked);
    sqlite3_bind_int(st, 4, es->published);
    sqlite3_bind_int(st, 5, es->drawn);
    return exec_done(s, st, "event");
}

int st_number_put(st_store *s, const char *comp, const char *event, const char *entry,
                  const char *number)
{
    sqlite3_stmt *st = q(s, Q_NUMBER_PUT);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    bind_text(st, 3, entry);
    bind_text(st, 4, number);
    return exec_done(s, st, "number");
}

int st_numbers(st_store *s, const char *comp, const char *event,
               void (*fn)(void *ctx, const char *entry, const char *number), void *ctx)
{
    sqlite3_stmt *st = q(s, Q_NUMBERS);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(st, 0),
           (const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "numbers");
}

int st_number_entry(st_store *s, const char *comp, const char *event, const char *number,
                    char entry[64])
{
    sqlite3_stmt *st = q(s, Q_NUMBER_ENTRY);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    bind_text(st, 3, number);
    if ((rc = step_one(s, st, "number")) == ST_OK) {
        copy_col(st, 0, entry, 64);
        sqlite3_reset(st);
    }
    return rc;
}

int st_accept_put(st_store *s, const char *comp, const char *entry, const char *criterion,
                  int64_t upto_seq, const char *by, const char *reason)
{
    sqlite3_stmt *st = q(s, Q_ACCEPT_PUT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, comp);
    bind_text(st, 2, entry);
    bind_text(st, 3, criterion);
    sqlite3_bind_int64(st, 4, upto_seq);
    bind_text(st, 5, by);
    bind_text(st, 6, reason);
    bind_text(st, 7, at);
    return exec_done(s, st, "accept");
}

int st_accept_get(st_store *s, const char *comp, const char *entry, const char *criterion,
                  int64_t *upto_seq)
{
    sqlite3_stmt *st = q(s, Q_ACCEPT_GET);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, entry);
    bind_text(st, 3, criterion);
    if ((rc = step_one(s, st, "accept")) == ST_OK) {
        *upto_seq = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return rc;
}

/* ---- audit ----------------------------------------------------------------------------------- */

int st_audit(st_store *s, const char *actor, const char *action, const char *comp,
             const char *detail)
{
    sqlite3_stmt *st = q(s, Q_AUDIT_LAST);
    char prev[AUD_HEX] = AUD_GENESIS, hash[AUD_HEX], at[48];
    int64_t seq = 1;
    int rc;

    if (!st)
        return ST_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0) + 1;
        copy_col(st, 1, prev, sizeof prev);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(s, "audit");
    now_iso(at);
    comp = comp ? comp : "";
    if (aud_hash(prev, seq, at, actor, action, comp, detail, hash))
        return st_fail(s, "audit: SHA-256 failed");
    if (!(st = q(s, Q_AUDIT_INSERT)))
        return ST_ERROR;
    sqlite3_bind_int64(st, 1, seq);
    bind_text(st, 2, at);
    bind_text(st, 3, actor);
    bind_text(st, 4, action);
    bind_text(st, 5, comp);
    bind_text(st, 6, detail);
    bind_text(st, 7, prev);
    bind_text(st, 8, hash);
    return exec_done(s, st, "audit");
}

int st_audit_each(st_store *s, const char *comp, long limit,
                  void (*fn)(void *ctx, int64_t seq, const char *at, const char *actor,
                             const char *action, const char *comp, const char *detail),
                  void *ctx)
{
    sqlite3_stmt *st = q(s, comp ? Q_AUDIT_COMP : Q_AUDIT_EACH);
    int rc;
    if (!st)
        return ST_ERROR;
    if (comp) {
        bind_text(st, 1, comp);
        sqlite3_bind_int64(st, 2, limit);
    } else
        sqlite3_bind_int64(st, 1, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
           (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
           (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "audit");
}

int st_audit_verify(st_store *s, long *rows, int64_t *bad)
{
    sqlite3_stmt *st = q(s, Q_AUDIT_ALL);
    char prev[AUD_HEX] = AUD_GENESIS, want[AUD_HEX];
    int64_t expect_seq = 1;
    int rc;

    *rows = 0;
    *bad = 0;
    if (!st)
        return ST_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *col[7];
        for (int i = 1; i < 8; i++)
            col[i - 1] = (const char *)sqlite3_column_text(st, i);
        for (int i = 0; i < 7; i++)
            col[i] = col[i] ? col[i] : "";
        if (seq != expect_seq) {
            *bad = expect_seq;
            sqlite3_reset(st);
            return st_fail(s, "row %lld is missing (the next row is %lld)", (long long)expect_seq,
                        (long long)seq);
        }
        if (strcmp(col[5], prev) != 0) {
            *bad = seq;
            sqlite3_reset(st);
            return st_fail(s, "row %lld does not link to the row before it", (long long)seq);
        }
        if (aud_hash(prev, seq, col[0], col[1], col[2], col[3], col[4], want)) {
            sqlite3_reset(st);
            return st_fail(s, "SHA-256 failed");
        }
        if (strcmp(want, col[6]) != 0) {
            /* The message first: resetting the statement frees the column text. */
            st_fail(s, "row %lld (%s by %s at %s) was changed: its hash does not match",
                 (long long)seq, col[2], col[1], col[0]);
            *bad = seq;
            sqlite3_reset(st);
            return ST_ERROR;
        }
        memcpy(prev, want, sizeof prev);
        expect_seq++;
        (*rows)++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "audit");
}

/* ---- double keying ------------------------------------------------------------------------------ */

int st_keying_put(st_store *s, const char *comp, const char *what, const char *item,
                  const char *by, int64_t value)
{
    sqlite3_stmt *st = q(s, Q_KEYING_PUT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, comp);
    bind_text(st, 2, what);
    bind_text(st, 3, item);
    bind_text(st, 4, by);
    sqlite3_bind_int64(st, 5, value);
    bind_text(st, 6, at);
    return exec_done(s, st, "keying");
}

int st_keyings(st_store *s, const char *comp, const char *what, const char *item,
               void (*fn)(void *ctx, const char *by, int64_t value), void *ctx)
{
    sqlite3_stmt *st = q(s, Q_KEYINGS);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, what);
    bind_text(st, 3, item);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "keyings");
}

int st_keyings_each(st_store *s, const char *comp,
                    void (*fn)(void *ctx, const char *what, const char *item, const char *by,
                               int64_t value),
                    void *ctx)
{
    sqlite3_stmt *st = q(s, Q_KEYINGS_ALL);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
           (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "keyings");
}

int st_keyings_clear(st_store *s, const char *comp, const char *what, const char *item)
{
    sqlite3_stmt *st = q(s, Q_KEYINGS_CLEAR);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, what);
    bind_text(st, 3, item);
    return exec_done(s, st, "keyings");
}

/* ---- freezes (封榜) ---------------------------------------------------------------------------- */

int st_freeze_put(st_store *s, const char *comp, const char *event, const char *rows,
                  const char *by)
{
    sqlite3_stmt *st = q(s, rows ? Q_FREEZE_PUT : Q_FREEZE_DEL);
    char at[48];
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    if (rows) {
        now_iso(at);
        bind_text(st, 3, rows);
        bind_text(st, 4, by);
        bind_text(st, 5, at);
    }
    return exec_done(s, st, "freeze");
}

int st_freeze_get(st_store *s, const char *comp, const char *event, char **rows)
{
    sqlite3_stmt *st = q(s, Q_FREEZE_GET);
    int rc;
    *rows = NULL;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    if ((rc = step_one(s, st, "freeze")) == ST_NOTFOUND)
        return ST_OK;
    if (rc)
        return rc;
    *rows = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return *rows ? ST_OK : st_fail(s, "freeze: out of memory");
}

/* ---- send-backs ---------------------------------------------------------------------------------- */

int st_sendback_open(st_store *s, const st_sendback *b)
{
    sqlite3_stmt *st = q(s, Q_SENDBACK_PUT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, b->competition);
    bind_text(st, 2, b->event);
    bind_text(st, 3, b->entry);
    bind_text(st, 4, b->criterion);
    bind_text(st, 5, b->judge);
    bind_text(st, 6, b->note);
    bind_text(st, 7, b->by);
    bind_text(st, 8, at);
    return exec_done(s, st, "send-back");
}

int st_sendback_close(st_store *s, const char *comp, const char *entry, const char *criterion,
                      const char *judge, const char *how, const char *by, int *closed)
{
    sqlite3_stmt *st = q(s, Q_SENDBACK_CLOSE);
    char at[48];
    int rc;
    *closed = 0;
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, comp);
    bind_text(st, 2, entry);
    bind_text(st, 3, criterion);
    bind_text(st, 4, judge);
    bind_text(st, 5, how);
    bind_text(st, 6, by);
    bind_text(st, 7, at);
    if ((rc = exec_done(s, st, "send-back")) == ST_OK)
        *closed = sqlite3_changes(s->db);
    return rc;
}

int st_sendbacks_open(st_store *s, const char *comp, const char *event,
                      void (*fn)(void *ctx, const st_sendback *b), void *ctx)
{
    sqlite3_stmt *st = q(s, Q_SENDBACKS_OPEN);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    if (event)
        bind_text(st, 2, event);
    else
        sqlite3_bind_null(st, 2);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        st_sendback b = {.competition = comp,
                         .entry = (const char *)sqlite3_column_text(st, 0),
                         .criterion = (const char *)sqlite3_column_text(st, 1),
                         .judge = (const char *)sqlite3_column_text(st, 2),
                         .note = (const char *)sqlite3_column_text(st, 3),
                         .by = (const char *)sqlite3_column_text(st, 4),
                         .at = (const char *)sqlite3_column_text(st, 5)};
        fn(ctx, &b);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? ST_OK : db_fail(s, "send-backs");
}

int st_counter_next(st_store *s, const char *name, int64_t *n)
{
    sqlite3_stmt *st = q(s, Q_COUNTER_NEXT);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, name);
    if ((rc = step_one(s, st, "counter")) != ST_OK)
        return rc == ST_NOTFOUND ? db_fail(s, "counter") : rc;
    *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return ST_OK;
}

int st_counter_get(st_store *s, const char *name, int64_t *n)
{
    sqlite3_stmt *st = q(s, Q_COUNTER_GET);
    int rc;
    *n = 0;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, name);
    if ((rc = step_one(s, st, "counter")) == ST_NOTFOUND)
        return ST_OK;
    if (rc)
        return rc;
    *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return ST_OK;
}

/* ---- the replication log (replog.h) ------------------------------------------------------------ */

int st_replog_head(st_store *s, int64_t *seq) { return rl_head(s->db, s->err, sizeof s->err, seq); }

int st_replog_each(st_store *s, int64_t after, long limit,
                   int (*fn)(void *ctx, int64_t seq, const char *tbl, const char *op,
                             const char *row),
                   void *ctx)
{
    return rl_each(s->db, s->err, sizeof s->err, after, limit, fn, ctx);
}

int st_replog_apply(st_store *s, const char *tbl, const char *op, const char *row)
{
    return rl_apply(s->db, s->err, sizeof s->err, tbl, op, row);
}

int st_standby_get(st_store *s, const char *key, char *out, size_t cap)
{
    return rl_state_get(s->db, s->err, sizeof s->err, key, out, cap);
}

int st_standby_put(st_store *s, const char *key, const char *value)
{
    return rl_state_put(s->db, s->err, sizeof s->err, key, value);
}

/* ---- the award ceremony (颁奖) ---------------------------------------------------------------- */

int st_ceremony_put(st_store *s, const char *comp, const char *event, const char *group,
                    long step, const char *by)
{
    sqlite3_stmt *st = q(s, event ? Q_CEREMONY_PUT : Q_CEREMONY_DEL);
    char at[48];
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    if (event) {
        now_iso(at);
        bind_text(st, 2, event);
        bind_text(st, 3, group);
        sqlite3_bind_int64(st, 4, step);
        bind_text(st, 5, by);
        bind_text(st, 6, at);
    }
    return exec_done(s, st, "ceremony");
}

int st_ceremony_get(st_store *s, const char *comp, char **event, char **group, long *step)
{
    sqlite3_stmt *st = q(s, Q_CEREMONY_GET);
    int rc;
    *event = *group = NULL;
    *step = 0;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    if ((rc = step_one(s, st, "ceremony")) == ST_NOTFOUND)
        return ST_OK;
    if (rc)
        return rc;
    *event = strdup((const char *)sqlite3_column_text(st, 0));
    *group = strdup((const char *)sqlite3_column_text(st, 1));
    *step = (long)sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    if (!*event || !*group) {
        free(*event);
        free(*group);
        *event = *group = NULL;
        return st_fail(s, "ceremony: out of memory");
    }
    return ST_OK;
}

/* ---- the certificate register ---------------------------------------------------------------- */

static const char *col(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

static int cert_row(st_store *s, sqlite3_stmt *st, st_cert *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->number, sizeof c->number, "%s", col(st, 0));
    snprintf(c->competition, sizeof c->competition, "%s", col(st, 1));
    snprintf(c->event, sizeof c->event, "%s", col(st, 2));
    snprintf(c->holder, sizeof c->holder, "%s", col(st, 3));
    snprintf(c->sig, sizeof c->sig, "%s", col(st, 5));
    snprintf(c->issued_at, sizeof c->issued_at, "%s", col(st, 6));
    c->prints = sqlite3_column_int64(st, 7);
    c->revoked = sqlite3_column_type(st, 8) != SQLITE_NULL;
    snprintf(c->revoked_at, sizeof c->revoked_at, "%s", col(st, 8));
    snprintf(c->replaced_by, sizeof c->replaced_by, "%s", col(st, 10));
    c->facts = strdup(col(st, 4));
    c->revoked_why = strdup(col(st, 9));
    if (!c->facts || !c->revoked_why) {
        st_cert_clear(c);
        return st_fail(s, "certificate: out of memory");
    }
    return ST_OK;
}

void st_cert_clear(st_cert *c)
{
    free(c->facts);
    free(c->revoked_why);
    c->facts = c->revoked_why = NULL;
}

int st_cert_put(st_store *s, const char *comp, const char *event, const char *holder,
                const char *number, const char *facts, const char *sig, const char *by)
{
    sqlite3_stmt *st = q(s, Q_CERT_PUT);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, number);
    bind_text(st, 2, comp);
    bind_text(st, 3, event);
    bind_text(st, 4, holder);
    bind_text(st, 5, facts);
    bind_text(st, 6, sig);
    bind_text(st, 7, at);
    bind_text(st, 8, by);
    return exec_done(s, st, "certificate");
}

int st_cert_get(st_store *s, const char *number, st_cert *out)
{
    sqlite3_stmt *st = q(s, Q_CERT_GET);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, number);
    if ((rc = step_one(s, st, "certificate")))
        return rc;
    rc = cert_row(s, st, out);
    sqlite3_reset(st);
    return rc;
}

int st_cert_active(st_store *s, const char *comp, const char *holder, st_cert *out)
{
    sqlite3_stmt *st = q(s, Q_CERT_ACTIVE);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, holder);
    if ((rc = step_one(s, st, "certificate")))
        return rc;
    rc = cert_row(s, st, out);
    sqlite3_reset(st);
    return rc;
}

int st_cert_revoke(st_store *s, const char *number, const char *why, const char *replaced_by)
{
    sqlite3_stmt *st = q(s, Q_CERT_REVOKE);
    char at[48];
    if (!st)
        return ST_ERROR;
    now_iso(at);
    bind_text(st, 1, number);
    bind_text(st, 2, at);
    bind_text(st, 3, why);
    if (replaced_by)
        bind_text(st, 4, replaced_by);
    return exec_done(s, st, "certificate");
}

int st_cert_printed(st_store *s, const char *number)
{
    sqlite3_stmt *st = q(s, Q_CERT_PRINTED);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, number);
    return exec_done(s, st, "certificate");
}

int st_certs_active(st_store *s, const char *comp, int (*fn)(void *ctx, const st_cert *c),
                    void *ctx)
{
    sqlite3_stmt *st = q(s, Q_CERTS_ACTIVE);
    int rc, stop = 0;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        st_cert c;
        if (cert_row(s, st, &c)) {
            sqlite3_reset(st);
            return ST_ERROR;
        }
        stop = fn(ctx, &c);
        st_cert_clear(&c);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return db_fail(s, "certificates");
    return ST_OK;
}

/* ---- appeals (申诉) ------------------------------------------------------------------------------ */

int st_appeal_add(st_store *s, const char *comp, const char *event, const char *doc, long long *id)
{
    sqlite3_stmt *st = q(s, Q_APPEAL_ADD);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    bind_text(st, 3, doc);
    if ((rc = exec_done(s, st, "appeal")))
        return rc;
    *id = sqlite3_last_insert_rowid(s->db);
    return ST_OK;
}

int st_appeal_put(st_store *s, const char *comp, long long id, const char *doc)
{
    sqlite3_stmt *st = q(s, Q_APPEAL_PUT);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    sqlite3_bind_int64(st, 2, id);
    bind_text(st, 3, doc);
    return exec_done(s, st, "appeal");
}

int st_appeal_get(st_store *s, const char *comp, long long id, char event[64], char **doc)
{
    sqlite3_stmt *st = q(s, Q_APPEAL_GET);
    int rc;
    *doc = NULL;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    sqlite3_bind_int64(st, 2, id);
    if ((rc = step_one(s, st, "appeal")))
        return rc;
    snprintf(event, 64, "%s", col(st, 0));
    *doc = strdup(col(st, 1));
    sqlite3_reset(st);
    return *doc ? ST_OK : st_fail(s, "appeal: out of memory");
}

int st_appeals_each(st_store *s, const char *comp,
                    int (*fn)(void *ctx, long long id, const char *event, const char *doc),
                    void *ctx)
{
    sqlite3_stmt *st = q(s, Q_APPEALS);
    int rc, stop = 0;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(ctx, sqlite3_column_int64(st, 0), col(st, 1), col(st, 2));
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return db_fail(s, "appeals");
    return ST_OK;
}

int st_appeal_window_put(st_store *s, const char *comp, const char *event, long minutes)
{
    sqlite3_stmt *st = q(s, Q_WINDOW_PUT);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    sqlite3_bind_int64(st, 3, minutes);
    return exec_done(s, st, "appeal window");
}

int st_appeal_window_get(st_store *s, const char *comp, const char *event, long *minutes)
{
    sqlite3_stmt *st = q(s, Q_WINDOW_GET);
    int rc;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, event);
    if ((rc = step_one(s, st, "appeal window")))
        return rc;
    *minutes = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return ST_OK;
}

/* ---- a competition's settings ---------------------------------------------------------------- */

int st_comp_setting_put(st_store *s, const char *comp, const char *key, const char *value)
{
    sqlite3_stmt *st = q(s, Q_CSET_PUT);
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, key);
    bind_text(st, 3, value);
    return exec_done(s, st, "competition setting");
}

int st_comp_setting_get(st_store *s, const char *comp, const char *key, char **value)
{
    sqlite3_stmt *st = q(s, Q_CSET_GET);
    int rc;
    *value = NULL;
    if (!st)
        return ST_ERROR;
    bind_text(st, 1, comp);
    bind_text(st, 2, key);
    if ((rc = step_one(s, st, "competition setting")))
        return rc;
    *value = strdup(col(st, 0));
    sqlite3_reset(st);
    return *value ? ST_OK : st_fail(s, "competition setting: out of memory");
}
