/*
 * api.h — the JSON API (prefix sv_ for the routing, api_ for handlers): the table of endpoints
 * with who may call each, one handler per endpoint (api_*.c), and what handlers share for
 * reading a request. A handler fills an sv_response; it never sees the transport.
 */
#ifndef SKILLSCORE_API_H
#define SKILLSCORE_API_H

#include "server/core/comp.h"
#include "server/core/server.h"

#include <jansson.h>

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
/* Signs the request in from its token and checks the route's roles: 0, or the status with rs
 * filled. Called before a body is read, and again by sv_dispatch. */
int sv_authorize(sv_server *s, const sv_route *route, sv_request *rq, sv_response *rs);
/* sv_authorize, then the handler. */
void sv_dispatch(sv_server *s, const sv_route *route, sv_request *rq, sv_response *rs);

/* Parses the body as a JSON object; on failure fills rs with 400 and returns NULL. */
json_t *sv_body_object(sv_request *rq, sv_response *rs);
/* A required string field of a body; NULL with a 400 naming the field. */
const char *sv_field_string(json_t *o, const char *key, sv_response *rs);

/* The entry a request body names, by "entry" (id) or "number" (工位号, looked up in the given
 * event, or in the events of a judge principal when event is (size_t)-1). -1 after a 400. */
long sv_body_entry(sv_server *s, sv_comp *c, const sv_principal *who, json_t *body,
                   size_t event, sv_response *rs);
/* Stores a mark as judge's, checked and stored as a posted mark is (the event open, the slot
 * empty, with its audit row, in the group commit) and answered 201 in rs; used for marks keyed
 * from paper sheets. 0, or -1 after a reply. */
int api_mark_store(sv_server *s, sv_comp *c, const sv_request *rq, const char *uuid, long entry,
                   long criterion, const char *judge, sc_centi score, bool by_number,
                   sv_response *rs);
/* 回避: 0 when judge may mark entry, else -1 after a 403 that names neither the unit nor the
 * contestant (cf_judge_recused), for every path a mark comes in by. */
int sv_refuse_recused(const sv_comp *c, const char *judge, size_t entry, sv_response *rs);
/* Flags the marks of [{"judge", "score"}] farthest from the panel's median with "outlier": true
 * (sc_outliers), for the chief judge's review. */
void sv_mark_outliers(json_t *marks);
/* The event named by path segment 3, or -1 after a 404. */
long sv_path_event(sv_comp *c, sv_request *rq, sv_response *rs);
/* The competition named by path segment 1, or NULL after a 404 (or a 500 when the store
 * failed). */
sv_comp *sv_path_comp(sv_server *s, sv_request *rq, sv_response *rs);

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
void api_sendback(sv_server *, sv_request *, sv_response *);
void api_freeze(sv_server *, sv_request *, sv_response *);
void api_ceremony_get(sv_server *, sv_request *, sv_response *);
void api_settings_get(sv_server *, sv_request *, sv_response *);
void api_settings_post(sv_server *, sv_request *, sv_response *);
void api_appeals_list(sv_server *, sv_request *, sv_response *);
void api_appeals_add(sv_server *, sv_request *, sv_response *);
void api_appeal_review(sv_server *, sv_request *, sv_response *);
void api_appeal_decide(sv_server *, sv_request *, sv_response *);
void api_appeal_delta(sv_server *, sv_request *, sv_response *);
void api_appeal_confirm(sv_server *, sv_request *, sv_response *);
void api_appeal_window(sv_server *, sv_request *, sv_response *);
void api_appeal_decision_pdf(sv_server *, sv_request *, sv_response *);
/* Unlocking for an upheld appeal (api_appeals.c): keeps the event's results as they stood in
 * the appeal. 0, or -1 after a reply. Inside the unlock's transaction. */
int sv_appeal_unlock(sv_server *s, sv_comp *c, const char *event, json_t *appeal, const char *by,
                     const char *reason, sv_response *rs);
/* 0 when event may be published; -1 after a 409 (an appeal's changes are not confirmed, or
 * changed since) or a 500. */
int sv_appeals_block_publish(sv_server *s, sv_comp *c, const char *event, sv_response *rs);
/* After event was published: its appeals whose confirmed change that publication carried are
 * settled (republished_at), so they no longer gate a later publication. When there are any, why
 * becomes the reason a certificate revoked by this publication gives, naming them (申诉编号);
 * else why is left as it is. */
void sv_appeals_published(sv_server *s, sv_comp *c, const char *event, const char *by, char *why,
                          size_t cap);
/* Every entry of c whose status, rank, total, award, promotions or cash differ between two
 * results documents: [{entry, name, before, after}] (a new reference). */
json_t *sv_results_delta(const sv_comp *c, json_t *before, json_t *after);
void api_ceremony_post(sv_server *, sv_request *, sv_response *);
void api_unfreeze(sv_server *, sv_request *, sv_response *);
void api_sendback_confirm(sv_server *, sv_request *, sv_response *);
void api_standings(sv_server *, sv_request *, sv_response *);
void api_entries_import(sv_server *, sv_request *, sv_response *);
void api_verify(sv_server *, sv_request *, sv_response *);
void api_report(sv_server *, sv_request *, sv_response *);

void api_entries_list(sv_server *, sv_request *, sv_response *);
void api_keyings_list(sv_server *, sv_request *, sv_response *);
void api_entry_status(sv_server *, sv_request *, sv_response *);
void api_entry_time(sv_server *, sv_request *, sv_response *);
void api_theory_import(sv_server *, sv_request *, sv_response *);
void api_theory_key(sv_server *, sv_request *, sv_response *);
void api_paper_key(sv_server *, sv_request *, sv_response *);
void api_forms_pdf(sv_server *, sv_request *, sv_response *);
void api_slips_pdf(sv_server *, sv_request *, sv_response *);
void api_sealed_pdf(sv_server *, sv_request *, sv_response *);
void api_replication(sv_server *, sv_request *, sv_response *);
void api_standby_status(sv_server *, sv_request *, sv_response *);
void api_backup(sv_server *, sv_request *, sv_response *);
/* api_analytics.c: judge analytics of an event, JSON and 裁判评分分析表 (issue 18) */
void api_analytics(sv_server *, sv_request *, sv_response *);
void api_analytics_pdf(sv_server *, sv_request *, sv_response *);

#endif
