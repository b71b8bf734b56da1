/*
 * store.h — everything skillscore keeps on disk, in one SQLite file (prefix st_).
 *
 * The store owns every SQL statement of the server; handlers never see SQL. The database runs in
 * WAL mode with synchronous=FULL and foreign keys on, so a change that st_commit() returned 0 for
 * survives a power cut. The schema is versioned with PRAGMA user_version and migrated forward on
 * open, one numbered step at a time, inside a transaction.
 *
 * Marks are append-only: a correction is a new row whose `supersedes` names the row it replaces;
 * the current mark of (entry, criterion, judge) is the row nothing supersedes. Every change is
 * written together with its audit row (audit.h) in the same transaction.
 *
 * Errors: functions return 0 on success, ST_NOTFOUND when a looked-up row is absent, ST_EXISTS on a
 * uniqueness conflict and ST_ERROR otherwise (st_errmsg() tells why). Strings returned through
 * char ** are malloc'd and owned by the caller.
 */
#ifndef SKILLSCORE_STORE_H
#define SKILLSCORE_STORE_H

#include "scoring/scoring.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ST_OK = 0, ST_ERROR = -1, ST_NOTFOUND = -2, ST_EXISTS = -3 };

typedef struct st_store st_store;

int st_open(const char *path, st_store **out, char *err, size_t errlen);
/* st_open of a database that exists already and is skillscore's: a command that reads the
 * server's key and register must not make a new, empty one under a mistyped name (its key would
 * sign certificates nobody can verify). ST_NOTFOUND when there is no such file, ST_EXISTS when
 * the file is not a skillscore database (err says what it is), else as st_open. */
int st_open_existing(const char *path, st_store **out, char *err, size_t errlen);
void st_close(st_store *s);
const char *st_errmsg(st_store *s);
int st_schema_version(st_store *s);
/* A consistent copy of the whole database into a new file at path (SQLite's online backup), while
 * others go on writing. */
int st_backup(st_store *s, const char *path);
/* SQLite's quick_check over the whole file: ST_OK, or ST_ERROR with the first problem. */
int st_check(st_store *s);

/* Transactions: BEGIN IMMEDIATE … COMMIT. Nested calls are not supported. */
int st_begin(st_store *s);
int st_commit(st_store *s);
void st_rollback(st_store *s);
bool st_in_transaction(st_store *s);
/* One request's writes inside a group commit (server/batch.c): SAVEPOINT, then RELEASE on
 * success or st_rollback_to (which undoes the request's writes only and ends the savepoint). */
int st_savepoint(st_store *s);
int st_release(st_store *s);
void st_rollback_to(st_store *s);

/* ---- accounts (organizer, arbitration, display) ---- */
int st_user_put(st_store *s, const char *name, const char *role, const char *pw_hash);
int st_user_get(st_store *s, const char *name, char role[16], char **pw_hash);
int st_user_count(st_store *s, long *n);

/* ---- sessions: the SHA-256 of a bearer token, never the token ---- */
typedef struct st_session {
    char role[16];          /* admin, chief, judge, arbitration, display */
    char name[64];          /* account name or judge id */
    char competition[64];   /* judges only; "" otherwise */
    int64_t expires;        /* unix seconds */
} st_session;
int st_session_put(st_store *s, const unsigned char hash[32], const st_session *se);
int st_session_get(st_store *s, const unsigned char hash[32], st_session *se);
int st_session_delete(st_store *s, const unsigned char hash[32]);
/* Ends every session of name (competition comp for judges, "" for accounts). */
int st_sessions_revoke(st_store *s, const char *name, const char *comp);

/* ---- devices enrolled for an account ("u:name" or "j:competition/judge"), by the SHA-256 of
 * the device token the server gave them at a sign-in (server/throttle.h says why) ---- */
int st_device_put(st_store *s, const char *account, const unsigned char hash[32]);
/* ST_OK when the device is enrolled for account, ST_NOTFOUND when not. */
int st_device_has(st_store *s, const char *account, const unsigned char hash[32]);
int st_devices_revoke(st_store *s, const char *account);

/* ---- competitions: the imported document without its marks ---- */
int st_comp_insert(st_store *s, const char *id, const char *name, const char *doc);
int st_comp_update_doc(st_store *s, const char *id, const char *doc);
int st_comp_doc(st_store *s, const char *id, char **doc);
/* Calls fn once per competition, ordered by id. */
int st_comp_each(st_store *s, void (*fn)(void *ctx, const char *id, const char *name), void *ctx);

/* ---- judges' PINs ---- */
int st_pin_put(st_store *s, const char *comp, const char *judge, const char *pin_hash);
int st_pin_get(st_store *s, const char *comp, const char *judge, char **pin_hash);
/* The competitions in which judge has a PIN; *n of them, up to max, copied into comps. */
int st_pin_competitions(st_store *s, const char *judge, char comps[][64], size_t max, size_t *n);

/* ---- settings: named values the server keeps ---- */
/* The value of name copied into buf (at most cap bytes), *len its size; ST_NOTFOUND if unset. */
int st_setting_get(st_store *s, const char *name, unsigned char *buf, size_t cap, size_t *len);
/* Sets name unless it is set already (the first writer wins; read it back after). */
int st_setting_add(st_store *s, const char *name, const unsigned char *value, size_t len);

/* ---- marks ---- */
typedef struct st_mark {
    int64_t seq;            /* row id, increasing */
    char uuid[64];          /* the client's id; "import:N" for marks that came in the file */
    char entry[64], criterion[64], judge[64];
    sc_centi score;
    char actor[64];         /* who sent it: the judge, or the organizer keying a paper sheet */
    bool on_behalf;
    int64_t supersedes;     /* 0 for a first mark */
    char reason[256];       /* corrections only */
    char at[48];
} st_mark;
int st_mark_by_uuid(st_store *s, const char *comp, const char *uuid, st_mark *m);
int st_mark_current(st_store *s, const char *comp, const char *entry, const char *criterion,
                    const char *judge, st_mark *m);
/* Inserts m (m->seq is set). ST_EXISTS when the uuid is already used in comp. */
int st_mark_insert(st_store *s, const char *comp, st_mark *m);
/* Current marks of comp in seq order; fn returns nonzero to stop. */
int st_marks_current(st_store *s, const char *comp, int (*fn)(void *ctx, const st_mark *m),
                     void *ctx);
/* Every row of (entry, criterion), superseded ones too, in seq order. */
int st_marks_history(st_store *s, const char *comp, const char *entry, const char *criterion,
                     int (*fn)(void *ctx, const st_mark *m), void *ctx);

/* ---- per-event state ---- */
typedef struct st_event_state {
    bool locked, published, drawn;
} st_event_state;
int st_event_get(st_store *s, const char *comp, const char *event, st_event_state *st);
int st_event_put(st_store *s, const char *comp, const char *event, const st_event_state *st);

/* ---- blind numbers (工位号) ---- */
int st_number_put(st_store *s, const char *comp, const char *event, const char *entry,
                  const char *number);
int st_number_entry(st_store *s, const char *comp, const char *event, const char *number,
                    char entry[64]);
int st_numbers(st_store *s, const char *comp, const char *event,
               void (*fn)(void *ctx, const char *entry, const char *number), void *ctx);

/* ---- accepted discrepancies: accepted while no mark of the slot is newer than upto_seq ---- */
int st_accept_put(st_store *s, const char *comp, const char *entry, const char *criterion,
                  int64_t upto_seq, const char *by, const char *reason);
int st_accept_get(st_store *s, const char *comp, const char *entry, const char *criterion,
                  int64_t *upto_seq);

/* ---- audit log (hash chain, see audit.h) ---- */
/* Appends one row, chained to the last. detail is JSON text. Call inside a transaction. */
int st_audit(st_store *s, const char *actor, const char *action, const char *comp,
             const char *detail);
/* Rows of comp (all when comp is NULL), newest first, at most limit. */
int st_audit_each(st_store *s, const char *comp, long limit,
                  void (*fn)(void *ctx, int64_t seq, const char *at, const char *actor,
                             const char *action, const char *comp, const char *detail),
                  void *ctx);
/* Recomputes the chain. 0 when intact (*rows counted); otherwise ST_ERROR with *bad set to the
 * first row whose hash or link is wrong and why in st_errmsg(). */
int st_audit_verify(st_store *s, long *rows, int64_t *bad);

/* ---- double keying: a value keyed by several accounts (what "theory", item the entry id; what
 * "mark", item "entry/criterion/judge"); it counts once two different accounts agree ---- */
int st_keying_put(st_store *s, const char *comp, const char *what, const char *item,
                  const char *by, int64_t value);
/* Calls fn for each keying of item, oldest first. */
int st_keyings(st_store *s, const char *comp, const char *what, const char *item,
               void (*fn)(void *ctx, const char *by, int64_t value), void *ctx);
int st_keyings_clear(st_store *s, const char *comp, const char *what, const char *item);
/* Every keying of comp still waiting, by thing keyed, oldest first. */
int st_keyings_each(st_store *s, const char *comp,
                    void (*fn)(void *ctx, const char *what, const char *item, const char *by,
                               int64_t value),
                    void *ctx);

/* ---- named counters ---- */
/* Adds one to the counter name (from 0) inside the caller's transaction; *n is the new value. */
int st_counter_next(st_store *s, const char *name, int64_t *n);
int st_counter_get(st_store *s, const char *name, int64_t *n);

/* ---- freezes (封榜): public screens keep showing an event as it was ---- */
/* Freezes event with rows (the public rows of its groups as live.h renders them), or lifts the
 * freeze when rows is NULL. */
int st_freeze_put(st_store *s, const char *comp, const char *event, const char *rows,
                  const char *by);
/* *rows: the frozen rows (malloc'd, the caller's), or NULL when the event is not frozen. */
int st_freeze_get(st_store *s, const char *comp, const char *event, char **rows);

/* ---- the award ceremony (颁奖): what the competition's displays reveal ---- */

/* Sets the ceremony to (event, group) at step, or ends it when event is NULL. */
int st_ceremony_put(st_store *s, const char *comp, const char *event, const char *group,
                    long step, const char *by);
/* The ceremony now: *event and *group malloc'd (the caller frees), both NULL when none. */
int st_ceremony_get(st_store *s, const char *comp, char **event, char **group, long *step);

/* ---- a competition's settings not in its file: "verify_base", "verify_private" ---- */
int st_comp_setting_put(st_store *s, const char *comp, const char *key, const char *value);
/* ST_NOTFOUND when never set; *value malloc'd. */
int st_comp_setting_get(st_store *s, const char *comp, const char *key, char **value);

/* ---- appeals (申诉): one JSON document per appeal (api_appeals.c says what it holds) ---- */

int st_appeal_add(st_store *s, const char *comp, const char *event, const char *doc, long long *id);
int st_appeal_put(st_store *s, const char *comp, long long id, const char *doc);
/* ST_NOTFOUND when comp has no appeal id; *doc malloc'd. */
int st_appeal_get(st_store *s, const char *comp, long long id, char event[64], char **doc);
/* Every appeal of comp in the order received; fn returns non-zero to stop. */
int st_appeals_each(st_store *s, const char *comp,
                    int (*fn)(void *ctx, long long id, const char *event, const char *doc),
                    void *ctx);
/* An event's appeal window in minutes from publication; ST_NOTFOUND when never set. */
int st_appeal_window_put(st_store *s, const char *comp, const char *event, long minutes);
int st_appeal_window_get(st_store *s, const char *comp, const char *event, long *minutes);

/* ---- the certificate register: issued certificates, kept; revoked, never renumbered ---- */

typedef struct st_cert {
    char number[96], competition[64], event[64], holder[160]; /* holder: "A|entry|member" */
    char sig[40], issued_at[48], revoked_at[48], replaced_by[96];
    char *facts;             /* JSON as issued (malloc'd) */
    char *revoked_why;       /* malloc'd, "" when not revoked */
    long long prints;
    bool revoked;
} st_cert;
/* Frees what a filled st_cert holds. */
void st_cert_clear(st_cert *c);
int st_cert_put(st_store *s, const char *comp, const char *event, const char *holder,
                const char *number, const char *facts, const char *sig, const char *by);
/* By number (ST_NOTFOUND when none); the active one of a holder (ST_NOTFOUND when none). */
int st_cert_get(st_store *s, const char *number, st_cert *out);
int st_cert_active(st_store *s, const char *comp, const char *holder, st_cert *out);
/* Revokes number with why; replaced_by may be NULL (the holder lost the certificate). */
int st_cert_revoke(st_store *s, const char *number, const char *why, const char *replaced_by);
/* Counts one more printing of number. */
int st_cert_printed(st_store *s, const char *number);
/* Every active certificate of comp in issue order; fn returns non-zero to stop. */
int st_certs_active(st_store *s, const char *comp, int (*fn)(void *ctx, const st_cert *c),
                    void *ctx);

/* ---- send-backs: a chief judge returns a judge's mark for review (退回复评) ---- */
typedef struct st_sendback {
    const char *competition, *event, *entry, *criterion, *judge;
    const char *note;        /* the chief's words to the judge */
    const char *by, *at;     /* who sent it back, when (ISO 8601 UTC); at is set by the store */
} st_sendback;
/* Opens a send-back (fields borrowed); ST_EXISTS when one is open for that judge and slot. */
int st_sendback_open(st_store *s, const st_sendback *b);
/* Closes the open send-back of judge on (entry, criterion), if any, as how ("corrected",
 * "confirmed") by by; *closed is 1 when one was open, else 0. */
int st_sendback_close(st_store *s, const char *comp, const char *entry, const char *criterion,
                      const char *judge, const char *how, const char *by, int *closed);
/* Calls fn for each open send-back of comp (of event, or of all events when event is NULL),
 * oldest first; b and its strings live for the call only. */
int st_sendbacks_open(st_store *s, const char *comp, const char *event,
                      void (*fn)(void *ctx, const st_sendback *b), void *ctx);

/* ---- the replication log: every write, in order, for a standby (replog.h says how) ---- */
int st_replog_head(st_store *s, int64_t *seq);
/* The rows after `after` in order, at most limit; fn returns nonzero to stop early. */
int st_replog_each(st_store *s, int64_t after, long limit,
                   int (*fn)(void *ctx, int64_t seq, const char *tbl, const char *op,
                             const char *row),
                   void *ctx);
/* Applies a row of another server's log, inside the caller's transaction; an audit row must
 * chain to the one before it. */
int st_replog_apply(st_store *s, const char *tbl, const char *op, const char *row);
/* A standby's own state, never logged: "applied", "promoted". ST_NOTFOUND when unset. */
int st_standby_get(st_store *s, const char *key, char *out, size_t cap);
int st_standby_put(st_store *s, const char *key, const char *value);

#endif
