/*
 * standby.h — a second laptop that keeps a verified copy of the venue server's database and
 * takes over when the first one dies (prefix sb_).
 *
 * Primary: GET /api/replication?after=N (organizer) answers the replication log's rows after N
 * (replog.h), whole transactions only, or waits up to two seconds for the next commit. Asking
 * after N confirms N is applied on the standby. While a standby keeps asking, every write's
 * reply waits until the standby confirms the write (a mark is acknowledged only when two disks
 * have it); a standby silent for sync_timeout_ms is let go, logged, and writes are acknowledged
 * on one disk again until it catches up.
 *
 * Standby (`serve --follow URL`): a thread signs in to the primary and applies its log into this
 * database, one local transaction per batch, every audit row checked against the chain. The
 * standby serves what can be read (results, the display) and refuses writes with 503 until
 * `skillscore promote --db FILE` marks the database promoted; then it stops following and is the
 * primary, with the same accounts, sessions, PINs and marks. Tablets resend their queues by UUID
 * to the new address; what the old primary had acknowledged is there already.
 *
 * Ownership: the state belongs to the server (sv_server.standby), made by sb_new.
 */
#ifndef SKILLSCORE_STANDBY_H
#define SKILLSCORE_STANDBY_H

#include <stdbool.h>
#include <stdint.h>

struct sv_server;
struct sv_request;
struct sv_response;

typedef struct sb_options {
    const char *follow;         /* the primary's URL when this server is a standby, else NULL */
    const char *db;             /* this server's database file (the standby thread opens it) */
    unsigned sync_timeout_ms;   /* default 2000 */
} sb_options;

typedef struct sb_state sb_state;

/* NULL when memory runs out or the follower thread cannot start (a message is printed). */
sb_state *sb_new(struct sv_server *s, const sb_options *o);
/* Stops the follower thread, if any. */
void sb_free(sb_state *b);

/* Whether this server refuses writes (a standby not yet promoted). */
bool sb_read_only(const struct sv_server *s);
/* After each turn of the loop: applied batches reach the screens, a promotion takes effect,
 * parked replies whose standby went quiet are released. Returns the microseconds after which
 * it wants to run again even if nothing happens (0: no need). */
int64_t sb_tick(struct sv_server *s);
struct lws_context;
/* The loop the follower thread wakes (lws_cancel_service) when it has news; NULL for none. */
void sb_set_loop(sb_state *b, struct lws_context *ctx);

/* After the group commit (batch.c) and after any other write: the parked replies go out, or wait
 * for the standby. ok false: the commit failed, every parked write gets a 500. */
void sb_committed(struct sv_server *s, bool ok);
/* A write route answered rs: with a standby attached, the reply waits for it. */
void sb_hold_write(struct sv_server *s, struct sv_response *rs);

void api_replication(struct sv_server *s, struct sv_request *rq, struct sv_response *rs);
void api_standby_status(struct sv_server *s, struct sv_request *rq, struct sv_response *rs);
/* GET /api/backup: the database as of now, verified, as a download. */
void api_backup(struct sv_server *s, struct sv_request *rq, struct sv_response *rs);

/* `skillscore promote --db FILE` */
int sb_promote_main(int argc, char **argv);
/* `skillscore backup --db FILE --out FILE` */
int sb_backup_main(int argc, char **argv);

#endif
