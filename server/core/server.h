/*
 * server.h — what the parts of `skillscore serve` share (prefix sv_): the server, a parsed
 * request, a response, and the handler signature. http.c turns libwebsockets callbacks into
 * sv_request/sv_response; routes.c picks the handler and checks the role; api_*.c hold one
 * handler per endpoint; comp.c caches each competition's definition; store.c keeps the data.
 *
 * Ownership: a request's strings live in its connection until the response is sent; a handler
 * fills the response, whose body (malloc'd) then belongs to http.c.
 */
#ifndef SKILLSCORE_SERVER_H
#define SKILLSCORE_SERVER_H

#include "compfile/compfile.h"
#include "reports/reports.h"
#include "server/sec/auth.h"
#include "server/store/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Request bodies above these sizes are refused with 413 before they are read. */
#define SV_MAX_BODY ((size_t)64 * 1024)
#define SV_MAX_IMPORT ((size_t)64 * 1024 * 1024)

typedef enum sv_role { SV_ANON, SV_ADMIN, SV_CHIEF, SV_JUDGE, SV_ARBITRATION, SV_DISPLAY } sv_role;
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

/* A competition as the server holds it between requests. */
typedef struct sv_comp {
    char *id;
    json_t *doc;            /* the stored document: the file as imported, without marks */
    cf_competition *def;    /* doc, read by cf_read */
    struct lv_comp *live;   /* live results (live.h), kept in step with every change */
    /* GET …/results as last computed, per view (0 public, 1 everything), valid while the live
     * seq has not moved: every change that alters results moves it, and a new document makes
     * a new sv_comp. Anonymous screens polling results cost a copy, not a compute. */
    struct {
        char *text;
        uint64_t seq;
        bool provisional;
    } results[2];
    struct sv_comp *next;
} sv_comp;

typedef struct sv_server {
    st_store *store;
    struct th_table *throttle; /* sign-ins (throttle.h) */
    struct th_table *verify_throttle; /* certificate checks, anonymous and costly */
    char *dummy_hash;       /* what an unknown account's secret is checked against */
    int64_t token_ttl;
    sv_comp *comps;
    const char *static_dir;
    /* Group commit (batch.c): marks of one turn of the event loop share a transaction, and the
     * connections in waiting (struct lws *) get their replies once it is durable — and, with a
     * standby attached, once the standby has it too (standby.h). */
    bool batch_open;
    void **waiting;
    size_t n_waiting, cap_waiting;
    struct sb_state *standby; /* replication, both sides (standby.h) */
    struct jb_pool *jobs;   /* work off the loop: sign-ins' hashes (jobs.h) */
    struct ws_hub *hub;     /* live results subscribers (ws.c); NULL when not serving */
    struct cn_table *conns; /* connections per address (conns.h); NULL when not serving */
} sv_server;

typedef void (*sv_handler)(sv_server *s, sv_request *rq, sv_response *rs);

/* routes.c */
typedef struct sv_route {
    const char *method;
    const char *pattern;    /* "/api/competitions/{*}/marks": a star matches one segment */
    sv_handler fn;
    unsigned roles;         /* SV_ROLE() bits allowed; SV_EVERYONE includes no token */
    size_t max_body;
    bool batched;           /* joins the group commit; every other route commits it first */
} sv_route;
/* The route for method and path, or NULL with *status 404 or 405. */
const sv_route *sv_route_find(const char *method, const char *path, int *status);
/* Fills rq->seg from rq->path ("/api/a/b" → "a", "b"). */
void sv_split_path(sv_request *rq);
/* Signs a token in: 0 with *who filled (role SV_ANON for an empty token), else the status
 * (401, 500) with rs filled. */
int sv_sign_in(sv_server *s, const char *token, sv_principal *who, sv_response *rs);
/* Signs the request in from its token and checks the route's roles: 0, or the status with rs
 * filled. Called before a body is read, and again by sv_dispatch. */
int sv_authorize(sv_server *s, const sv_route *route, sv_request *rq, sv_response *rs);
/* sv_authorize, then the handler. */
void sv_dispatch(sv_server *s, const sv_route *route, sv_request *rq, sv_response *rs);

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

/* Parses the body as a JSON object; on failure fills rs with 400 and returns NULL. */
json_t *sv_body_object(sv_request *rq, sv_response *rs);
/* A required string field of a body; NULL with a 400 naming the field. */
const char *sv_field_string(json_t *o, const char *key, sv_response *rs);

/* batch.c: group commit. sv_batch_join opens the shared transaction when none is open (0, or -1
 * with the store's message); sv_batch_flush commits it, answers the waiting connections (500 to
 * all when the commit failed, after dropping the in-memory state built on it). */
int sv_batch_join(sv_server *s);
void sv_batch_flush(sv_server *s);

/* comp.c */
sv_comp *sv_comp_get(sv_server *s, const char *id);
void sv_comp_drop(sv_server *s, const char *id);
void sv_comp_free_all(sv_server *s);
/* The competition file with every current mark (the export), malloc'd. */
char *sv_export(sv_server *s, sv_comp *c, size_t *len);
/* The export read back and computed: final when every mark is in, else provisional
 * (*provisional set). 0 with *full and *r to free (results first), or -1 with diag. */
int sv_compute(sv_server *s, sv_comp *c, cf_competition **full, cf_results **r, bool *provisional,
               cf_diag *diag);
/* Per event of c: published (or, with published false, locked). calloc'd; NULL when the store
 * cannot be read or memory runs out. */
bool *sv_event_mask(sv_server *s, const sv_comp *c, bool published);
/* Replaces c's stored document with text and audits it as action with detail (taken), in one
 * transaction; then drops c, which is read again on next use (do not use c after). 0 or -1. */
int sv_comp_save_doc(sv_server *s, sv_comp *c, const char *text, const char *actor,
                     const char *action, json_t *detail);
/* Results as `skillscore compute` prints them for the export: final when every mark is in,
 * else provisional (*provisional set). events_mask, when not NULL, keeps only the events whose
 * flag is true. NULL with diag on failure. */
char *sv_results(sv_server *s, sv_comp *c, const bool *events_mask, bool *provisional,
                 cf_diag *diag);
/* After an event's lock, unlock, publication or draw has been committed: live results follow. */
void sv_live_event(sv_server *s, sv_comp *c, size_t event);
/* Whether who may see everything of c (organizer, arbitration, a chief judge of c). */
bool sv_sees_all(const sv_principal *who, const sv_comp *c);
/* The roster index of a judge principal in c, or -1. */
long sv_judge_index(const sv_principal *who, const sv_comp *c);

/* Sorts an array of objects by their "number" (工位号) in place, undrawn ones last; false when
 * memory runs out. What judges see comes in this order, never the order of the file. */
bool sv_sort_by_number(json_t *list);
/* The blind numbers of an event as a JSON object entry id -> number (empty when not drawn). */
json_t *sv_numbers(sv_server *s, const char *comp, const char *event);
/* The entry a request body names, by "entry" (id) or "number" (工位号, looked up in the given
 * event, or in the events of a judge principal when event is (size_t)-1). -1 after a 400. */
long sv_body_entry(sv_server *s, sv_comp *c, const sv_principal *who, json_t *body,
                   size_t event, sv_response *rs);
/* The event named by path segment 3, or -1 after a 404. */
long sv_path_event(sv_comp *c, sv_request *rq, sv_response *rs);
/* The competition named by path segment 1, or NULL after a 404. */
sv_comp *sv_path_comp(sv_server *s, sv_request *rq, sv_response *rs);

/* api_reports.c: certificates and sheets from the results of the locked events. */
typedef struct sv_final {
    cf_competition *c;       /* read from the export */
    cf_results *r;
    bool *include;           /* per event: locked, so final */
    rp_certs certs;          /* of the locked events, signed */
} sv_final;
/* The certificate signing key, made and stored on first use. 0, or -1 (st_errmsg tells). */
int sv_cert_key(st_store *st, unsigned char key[RP_KEY_BYTES]);
int sv_final_build(sv_server *s, sv_comp *c, const unsigned char key[RP_KEY_BYTES], sv_final *f,
                   char *err, size_t errcap);
void sv_final_free(sv_final *f);
/* Checks a certificate against every stored competition: RP_GENUINE with *facts (caller
 * decrefs), RP_UNKNOWN, RP_FORGED, or -1 with err. */
int sv_verify(sv_server *s, const char *number, const char *sig, json_t **facts, char *err,
              size_t errcap);

/* Handlers, one file per area. */
void api_login(sv_server *, sv_request *, sv_response *);
void api_logout(sv_server *, sv_request *, sv_response *);
void api_me(sv_server *, sv_request *, sv_response *);
void api_users_create(sv_server *, sv_request *, sv_response *);
void api_pin_issue(sv_server *, sv_request *, sv_response *);
void api_judges_list(sv_server *, sv_request *, sv_response *);
void api_judges_add(sv_server *, sv_request *, sv_response *);
void api_comp_list(sv_server *, sv_request *, sv_response *);
void api_comp_import(sv_server *, sv_request *, sv_response *);
void api_comp_get(sv_server *, sv_request *, sv_response *);
void api_comp_export(sv_server *, sv_request *, sv_response *);
void api_comp_results(sv_server *, sv_request *, sv_response *);
void api_comp_audit(sv_server *, sv_request *, sv_response *);
void api_marks_post(sv_server *, sv_request *, sv_response *);
void api_corrections_post(sv_server *, sv_request *, sv_response *);
void api_sheet(sv_server *, sv_request *, sv_response *);
void api_draw(sv_server *, sv_request *, sv_response *);
void api_lock(sv_server *, sv_request *, sv_response *);
void api_unlock(sv_server *, sv_request *, sv_response *);
void api_publish(sv_server *, sv_request *, sv_response *);
void api_discrepancies(sv_server *, sv_request *, sv_response *);
void api_discrepancy_accept(sv_server *, sv_request *, sv_response *);
void api_entries_import(sv_server *, sv_request *, sv_response *);
void api_verify(sv_server *, sv_request *, sv_response *);
void api_report(sv_server *, sv_request *, sv_response *);

/* serve.c: the commands. */
int sv_serve_main(int argc, char **argv);
int sv_audit_main(int argc, char **argv);

#endif
