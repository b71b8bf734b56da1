/*
 * server.h — what every room of `skillscore serve` shares (prefix sv_): the server, a parsed
 * request, a response, roles, error codes, JSON replies and the audit row. The rooms, top down
 * (docs/architecture.md): serve.c ties lws to the rest; net/ speaks HTTP and WebSocket; api/
 * routes requests to handlers; core/ keeps competitions, live results, the group commit, the
 * standby and the parked replies; store/, sec/ and lib/ are below everything. A room calls only
 * the rooms below it; the few times a lower room must reach up (a competition reloaded, a
 * session ended, a parked reply released) it calls a hook the hub set (sv_hooks).
 *
 * Ownership: a request's strings live in its connection until the response is sent; a handler
 * fills the response, whose body (malloc'd) then belongs to the transport.
 */
#ifndef SKILLSCORE_SERVER_H
#define SKILLSCORE_SERVER_H

#include "compfile/compfile.h"
#include "server/core/parked.h"
#include "server/store/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Request bodies above these sizes are refused with 413 before they are read. */
#define SV_MAX_BODY ((size_t)64 * 1024)
#define SV_MAX_IMPORT ((size_t)64 * 1024 * 1024)

/* clerk (录分员) keys theory scores and paper marking sheets, twice over; timekeeper (计时员)
 * records times. Both address entries by their number, like the judges. */
typedef enum sv_role {
    SV_ANON, SV_ADMIN, SV_CHIEF, SV_JUDGE, SV_ARBITRATION, SV_DISPLAY, SV_CLERK, SV_TIMEKEEPER
} sv_role;
#define SV_ROLE(r) (1u << (r))
#define SV_EVERYONE 0xffffu

const char *sv_role_name(sv_role r);
sv_role sv_role_parse(const char *s);

typedef struct sv_principal {
    sv_role role;
    char name[64];          /* account name, or the judge's id */
    char competition[64];   /* judges and chief judges: their competition */
    int64_t expires;        /* when the session ends (unix seconds); 0 for no session */
} sv_principal;

#define SV_MAX_SEGS 8

typedef struct sv_request {
    const char *method;     /* "GET", "POST", … */
    char path[512];
    char segbuf[512];
    const char *seg[SV_MAX_SEGS]; /* path split at '/', without the leading "api" */
    size_t nseg;
    char query[512];
    const char *body;
    size_t body_len;
    char token[128];
    char peer[64];
    char host[128];         /* the Host header, for links back to this server */
    sv_principal who;
} sv_request;

typedef struct sv_response {
    int status;
    char *body;             /* malloc'd */
    size_t len;
    const char *ctype;
    char retry_after[16];
    bool provisional;
    const char *cache;      /* "hit" or "miss" for a cached answer, else NULL */
    char filename[160];     /* when set: a download (Content-Disposition: attachment) */
    bool deferred;          /* the reply is parked until wait says it may go (http.h) */
    int wait;               /* SV_WAIT_* */
    int64_t wait_seq;       /* STANDBY: the replog seq to be applied; POLL: the seq asked
                             * after; JOB: the job's id */
    int64_t wait_since_us;  /* when it was parked (monotonic) */
} sv_response;

/* What a parked reply waits for. */
enum { SV_WAIT_COMMIT, SV_WAIT_STANDBY, SV_WAIT_POLL, SV_WAIT_JOB };

struct sv_server;
/* How a lower room tells the rooms above it, without depending on them; set by the hub. */
typedef struct sv_hooks {
    /* A competition's state was rebuilt: its live screens start again. */
    void (*comp_reset)(struct sv_server *s, const char *comp);
    /* Live results changed: screens are told when it is time. */
    void (*live_changed)(struct sv_server *s);
    /* Sessions ended (sign-out, new credentials): live views bound to them end too. */
    void (*sessions_changed)(struct sv_server *s);
} sv_hooks;

typedef struct sv_server {
    st_store *store;
    struct th_table *throttle; /* sign-ins (throttle.h) */
    struct th_table *verify_throttle; /* certificate checks, anonymous and costly */
    char *dummy_hash;       /* what an unknown account's secret is checked against */
    int64_t token_ttl;
    struct sv_comp *comps;  /* competitions in memory (comp.h) */
    const char *static_dir;
    /* Group commit (batch.h): marks of one turn of the event loop share a transaction; their
     * replies are parked until it is durable — and, with a standby attached, until the standby
     * has it too (standby.h). */
    bool batch_open;
    pk_list parked;         /* replies that wait (parked.h) */
    sv_hooks hooks;
    struct sb_state *standby; /* replication, both sides (standby.h) */
    struct jb_pool *jobs;   /* work off the loop: sign-ins' hashes (jobs.h) */
    struct ws_hub *hub;     /* live results subscribers (ws.c); NULL when not serving */
    struct rl_relay *relay; /* the public relay (relay.h); NULL without --relay */
    struct cn_table *conns; /* connections per address (conns.h); NULL when not serving */
} sv_server;

/* Errors between rooms (libuv style): 0, or a negative code that sv_strerror words. Each
 * transport says it in its own way (a status and a JSON error, a WebSocket message). */
enum {
    SV_OK = 0,
    SV_ENOENT = -1,         /* no such thing */
    SV_EDB = -2,            /* the database failed: st_errmsg(s->store) says why */
    SV_EBADDOC = -3,        /* a stored competition does not read back */
    SV_ENOMEM = -4,
    SV_ETOKEN = -5,         /* the bearer token is malformed */
    SV_ESESSION = -6,       /* the token is unknown or signed out */
    SV_EEXPIRED = -7,       /* the token has expired */
};
const char *sv_strerror(int code);

/* The principal a bearer token stands for: SV_OK with *who (role SV_ANON for an empty token),
 * or SV_ETOKEN, SV_ESESSION, SV_EEXPIRED, SV_EDB. */
int sv_sign_in(sv_server *s, const char *token, sv_principal *who);

/* Microseconds on the monotonic clock. */
int64_t sv_now_us(void);

/* Responses. sv_json takes ownership of v. */
void sv_json(sv_response *rs, int status, json_t *v);
void sv_error(sv_response *rs, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 500 with the store's message, logged to stderr. */
void sv_store_error(sv_server *s, sv_response *rs);

/* Appends an audit row with detail (taken; NULL means {}) as compact JSON. Inside a transaction. */
int sv_audit(sv_server *s, const char *actor, const char *action, const char *comp, json_t *detail);

#endif
