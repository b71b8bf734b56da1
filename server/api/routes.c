/*
 * routes.c — the API's table of endpoints, who may call each, and the plumbing every handler
 * shares: checking the caller's role, reading the body and its fields.
 *
 * The role check here is the coarse one (may this kind of account call this endpoint at all:
 * 401 without a valid token, 403 otherwise). Handlers make the fine checks that need data:
 * a judge only in their own competition and events, a chief judge only for their events.
 */
#include "server/api/api.h"
#include "server/core/server.h"
#include "server/core/batch.h"
#include "server/core/standby.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define R(x) SV_ROLE(SV_##x)
#define STAFF (R(ADMIN) | R(CHIEF) | R(JUDGE) | R(ARBITRATION) | R(DISPLAY) | R(CLERK) | \
               R(TIMEKEEPER))

static const sv_route routes[] = {
    {"POST", "/api/login", api_login, SV_EVERYONE, 0, false},
    {"POST", "/api/logout", api_logout, STAFF, 0, false},
    {"GET", "/api/me", api_me, STAFF, 0, false},
    {"POST", "/api/users", api_users_create, R(ADMIN), 0, false},
    {"GET", "/api/competitions", api_comp_list, SV_EVERYONE, 0, false},
    {"POST", "/api/competitions", api_comp_import, R(ADMIN), SV_MAX_IMPORT, false},
    {"GET", "/api/competitions/*", api_comp_get, SV_EVERYONE, 0, false},
    {"GET", "/api/competitions/*/export", api_comp_export, R(ADMIN), 0, false},
    {"GET", "/api/competitions/*/results", api_comp_results, SV_EVERYONE, 0, false},
    {"GET", "/api/competitions/*/audit", api_comp_audit, R(ADMIN) | R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/marks", api_marks_post, R(ADMIN) | R(CHIEF) | R(JUDGE), 0,
     true},
    {"POST", "/api/competitions/*/corrections", api_corrections_post,
     R(ADMIN) | R(CHIEF) | R(JUDGE), 0, true},
    {"GET", "/api/competitions/*/judges", api_judges_list, R(ADMIN) | R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/judges", api_judges_add, R(ADMIN), 0, false},
    {"POST", "/api/competitions/*/judges/*/pin", api_pin_issue, R(ADMIN), 0, false},
    {"POST", "/api/competitions/*/entries/import", api_entries_import, R(ADMIN), SV_MAX_IMPORT, false},
    {"GET", "/api/competitions/*/entries", api_entries_list, R(ADMIN) | R(CLERK), 0, false},
    {"POST", "/api/competitions/*/entries/*/status", api_entry_status,
     R(ADMIN) | R(CHIEF) | R(ARBITRATION) | R(CLERK), 0, false},
    {"GET", "/api/competitions/*/keyings", api_keyings_list, R(ADMIN) | R(CLERK), 0, false},
    {"POST", "/api/competitions/*/entries/*/time", api_entry_time,
     R(ADMIN) | R(CHIEF) | R(TIMEKEEPER), 0, false},
    {"POST", "/api/competitions/*/theory/import", api_theory_import, R(ADMIN), SV_MAX_IMPORT,
     false},
    {"POST", "/api/competitions/*/theory", api_theory_key, R(ADMIN) | R(CLERK), 0, false},
    {"POST", "/api/competitions/*/paper", api_paper_key, R(ADMIN) | R(CLERK), 0, true},
    {"GET", "/api/competitions/*/events/*/forms.pdf", api_forms_pdf, R(ADMIN) | R(CHIEF), 0,
     false},
    {"GET", "/api/competitions/*/events/*/sealed.pdf", api_sealed_pdf,
     R(ADMIN) | R(ARBITRATION), 0, false},
    {"GET", "/api/competitions/*/slips.pdf", api_slips_pdf, R(ADMIN), 0, false},
    {"GET", "/api/competitions/*/events/*/sheet", api_sheet,
     R(ADMIN) | R(CHIEF) | R(JUDGE) | R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/events/*/draw", api_draw, R(ADMIN), 0, false},
    {"POST", "/api/competitions/*/events/*/lock", api_lock, R(CHIEF), 0, false},
    {"POST", "/api/competitions/*/events/*/unlock", api_unlock, R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/events/*/publish", api_publish, R(ADMIN), 0, false},
    {"GET", "/api/competitions/*/events/*/discrepancies", api_discrepancies,
     R(ADMIN) | R(CHIEF) | R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/events/*/discrepancies/accept", api_discrepancy_accept,
     R(CHIEF), 0, false},
    {"POST", "/api/competitions/*/events/*/sendback", api_sendback, R(CHIEF), 0, false},
    {"POST", "/api/competitions/*/events/*/freeze", api_freeze, R(ADMIN), 0, false},
    {"POST", "/api/competitions/*/events/*/unfreeze", api_unfreeze, R(ADMIN), 0, false},
    {"GET", "/api/competitions/*/settings", api_settings_get, R(ADMIN) | R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/settings", api_settings_post, R(ADMIN), 0, false},
    {"GET", "/api/competitions/*/appeals", api_appeals_list, R(ADMIN) | R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/appeals", api_appeals_add, R(ADMIN), 0, false},
    {"POST", "/api/competitions/*/appeals/*/review", api_appeal_review, R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/appeals/*/decide", api_appeal_decide, R(ARBITRATION), 0, false},
    {"GET", "/api/competitions/*/appeals/*/delta", api_appeal_delta, R(ADMIN) | R(ARBITRATION), 0,
     false},
    {"POST", "/api/competitions/*/appeals/*/confirm", api_appeal_confirm, R(ARBITRATION), 0,
     false},
    {"GET", "/api/competitions/*/appeals/*/decision.pdf", api_appeal_decision_pdf,
     R(ADMIN) | R(ARBITRATION), 0, false},
    {"POST", "/api/competitions/*/events/*/appeal-window", api_appeal_window, R(ADMIN), 0, false},
    {"GET", "/api/competitions/*/ceremony", api_ceremony_get, R(ADMIN), 0, false},
    {"POST", "/api/competitions/*/ceremony", api_ceremony_post, R(ADMIN), 0, false},
    {"POST", "/api/competitions/*/events/*/sendback/confirm", api_sendback_confirm,
     R(JUDGE) | R(CHIEF), 0, false},
    {"GET", "/api/competitions/*/events/*/standings", api_standings,
     R(ADMIN) | R(CHIEF) | R(ARBITRATION), 0, false},
    {"GET", "/api/competitions/*/reports/*", api_report, R(ADMIN) | R(ARBITRATION), 0, false},
    /* Judge analytics (issue 18): the event's chief while marking, organizer and arbitration. */
    {"GET", "/api/competitions/*/events/*/analytics", api_analytics,
     R(ADMIN) | R(CHIEF) | R(ARBITRATION), 0, false},
    {"GET", "/api/competitions/*/events/*/reports/analytics.pdf", api_analytics_pdf,
     R(ADMIN) | R(CHIEF) | R(ARBITRATION), 0, false},
    {"GET", "/verify/*", api_verify, SV_EVERYONE, 0, false},
    /* The form for a number and short code typed from the paper. */
    {"GET", "/verify", api_verify, SV_EVERYONE, 0, false},
    {"GET", "/verify/", api_verify, SV_EVERYONE, 0, false},
    {"GET", "/api/replication", api_replication, R(ADMIN), 0, false},
    {"GET", "/api/standby", api_standby_status, SV_EVERYONE, 0, false},
    {"GET", "/api/backup", api_backup, R(ADMIN), 0, false},
};

/* Whether path matches pattern segment by segment; '*' matches one non-empty segment. */
static bool matches(const char *pattern, const char *path)
{
    while (*pattern && *path) {
        if (*pattern == '*') {
            if (*path == '/')
                return false;
            while (*path && *path != '/')
                path++;
            pattern++;
            continue;
        }
        if (*pattern++ != *path++)
            return false;
    }
    return *pattern == '\0' && *path == '\0';
}

const sv_route *sv_route_find(const char *method, const char *path, int *status)
{
    bool path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (!matches(routes[i].pattern, path))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, method) == 0)
            return &routes[i];
    }
    *status = path_known ? 405 : 404;
    return NULL;
}

void sv_split_path(sv_request *rq)
{
    char *p;
    snprintf(rq->segbuf, sizeof rq->segbuf, "%s", rq->path + (strncmp(rq->path, "/api/", 5) == 0 ? 5 : 1));
    rq->nseg = 0;
    for (p = rq->segbuf; p && *p && rq->nseg < SV_MAX_SEGS;) {
        char *slash = strchr(p, '/');
        rq->seg[rq->nseg++] = p;
        if (slash)
            *slash++ = '\0';
        p = slash;
    }
}

int sv_authorize(sv_server *s, const sv_route *route, sv_request *rq, sv_response *rs)
{
    int rc = sv_sign_in(s, rq->token, &rq->who);
    if (rc == SV_EDB) {
        sv_store_error(s, rs);
        return 500;
    }
    if (rc) {
        sv_error(rs, 401, NULL, "%s; sign in again", sv_strerror(rc));
        return 401;
    }
    if (route->roles != SV_EVERYONE && !(route->roles & SV_ROLE(rq->who.role))) {
        if (rq->who.role == SV_ANON) {
            sv_error(rs, 401, NULL, "sign in first (Authorization: Bearer <token>)");
            return 401;
        }
        sv_error(rs, 403, NULL, "a %s may not %s %s", sv_role_name(rq->who.role), rq->method,
                 route->pattern);
        return 403;
    }
    return 0;
}

void sv_dispatch(sv_server *s, const sv_route *route, sv_request *rq, sv_response *rs)
{
    sv_split_path(rq);
    /* Whatever is not a mark sees (and may write) only what is durable. */
    if (!route->batched)
        sv_batch_flush(s);
    if (sb_read_only(s) && strcmp(rq->method, "GET") != 0) {
        sv_error(rs, 503, NULL, "this server is a standby and takes no writes; promote it "
                                "(skillscore promote) to take over from the primary");
        return;
    }
    if (sv_authorize(s, route, rq, rs))
        return;
    route->fn(s, rq, rs);
    if (!rs->status)
        sv_error(rs, 500, NULL, "the handler gave no answer");
    /* Any answer given inside the shared transaction, a resend's 200 included, may rest on rows
     * not yet durable: it waits for the commit. */
    if (route->batched && s->batch_open) {
        rs->deferred = true;
        rs->wait = SV_WAIT_COMMIT;
    } else if (strcmp(rq->method, "GET") != 0)
        sb_hold_write(s, rs); /* any other write is acknowledged once the standby has it */
}

json_t *sv_body_object(sv_request *rq, sv_response *rs)
{
    json_error_t err;
    json_t *v = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        sv_error(rs, 400, NULL, "the body is not valid JSON: line %d, column %d: %s", err.line,
                 err.column, err.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        sv_error(rs, 400, NULL, "the body must be a JSON object");
        return NULL;
    }
    return v;
}

const char *sv_field_string(json_t *o, const char *key, sv_response *rs)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        sv_error(rs, 400, key, "missing field \"%s\"", key);
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        sv_error(rs, 400, key, "field \"%s\" must be a non-empty string", key);
        return NULL;
    }
    if (strlen(json_string_value(v)) != json_string_length(v) || json_string_length(v) > 63) {
        sv_error(rs, 400, key, "field \"%s\" is longer than 63 bytes or holds a NUL", key);
        return NULL;
    }
    return json_string_value(v);
}
