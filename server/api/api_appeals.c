/*
 * api_appeals.c — appeals (申诉) and arbitration (监督仲裁), 管理办法 第三十一条.
 *
 *   GET  …/appeals                        admin, arbitration: every appeal, and per event its
 *                                         window, last publication and deadline
 *   POST …/appeals                        admin: record one on a contestant's behalf
 *   POST …/appeals/{id}/review            arbitration: received → under_review, with a reason
 *   POST …/appeals/{id}/decide            arbitration: → upheld | rejected, with a reason
 *   GET  …/appeals/{id}/delta             admin, arbitration: what the results changed since
 *                                         the event was unlocked for this appeal
 *   POST …/appeals/{id}/confirm           arbitration: confirm that delta (event locked again)
 *   POST …/events/{ev}/appeal-window      admin: {"minutes"} from publication (default 120)
 *
 * An upheld appeal changes nothing by itself: arbitration unlocks the event naming the appeal
 * (POST …/events/{ev}/unlock {"reason","appeal"}), which keeps the published results of the
 * event in the appeal; corrections, status or theory changes follow as usual; the chief judge
 * locks; arbitration confirms the delta (every entry whose rank, total, award, promotion or cash
 * changed, before → after); only then may the organizer publish again (api_events.c asks
 * sv_appeals_block_publish).
 *
 * The record (one JSON document, table appeals): entry, number, appellant, subject,
 * received_at, deadline, late, state, history [{state, by, at, reason}], and once unlocked
 * "before" (the event's published results), then "delta", "confirmed_by", "confirmed_at".
 */
#include "server/api/api.h"
#include "reports/reports.h"
#include "server/core/server.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define APPEAL_WINDOW_DEFAULT 120 /* minutes; common practice, not a policy text (README) */

static void iso_time(time_t t, char out[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "2026-11-25T08:30:00Z" (fractions allowed) as a time; -1 when it is not one. */
static time_t parse_iso(const char *s)
{
    struct tm tm = {0};
    char z = 0;
    int n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
        return -1;
    s += n;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    z = *s;
    if (z != 'Z' || s[1])
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    return timegm(&tm);
}

/* ---- publication time and window ---------------------------------------------------------- */

/* Every event's last publication, {event: "…Z"}, from one pass over the audit chain. */
static void pub_all_row(void *ctx, int64_t seq, const char *at, const char *actor,
                        const char *action, const char *comp, const char *detail)
{
    json_t *out = ctx, *d;
    const char *ev, *was;
    (void)seq, (void)actor, (void)comp;
    if (strcmp(action, "publish") != 0 || !(d = json_loads(detail, 0, NULL)))
        return;
    if ((ev = json_string_value(json_object_get(d, "event"))) &&
        (!(was = json_string_value(json_object_get(out, ev))) || strcmp(at, was) > 0))
        json_object_set_new(out, ev, json_string(at));
    json_decref(d);
}

/* When event was last published (from the audit chain): 0, 1 when never, -1 after a 500. */
static int published_at(sv_server *s, sv_comp *c, const char *event, time_t *when, sv_response *rs)
{
    json_t *pubs = json_object();
    const char *at;
    if (!pubs || st_audit_each(s->store, c->id, 1000000, pub_all_row, pubs)) {
        json_decref(pubs);
        sv_store_error(s, rs);
        return -1;
    }
    at = json_string_value(json_object_get(pubs, event));
    *when = at ? parse_iso(at) : -1;
    json_decref(pubs);
    return *when < 0 ? 1 : 0;
}

static int window_of(sv_server *s, sv_comp *c, const char *event, long *minutes, sv_response *rs)
{
    int rc = st_appeal_window_get(s->store, c->id, event, minutes);
    if (rc == ST_NOTFOUND) {
        *minutes = APPEAL_WINDOW_DEFAULT;
        return 0;
    }
    if (rc) {
        sv_store_error(s, rs);
        return -1;
    }
    return 0;
}

/* ---- records ------------------------------------------------------------------------------- */

static long long path_id(sv_request *rq)
{
    char *end;
    long long id = strtoll(rq->seg[3], &end, 10);
    return *end || id <= 0 ? -1 : id;
}

/* The appeal of the path: its document (caller decrefs) and event, or NULL after a 404/500. */
static json_t *path_appeal(sv_server *s, sv_comp *c, sv_request *rq, sv_response *rs,
                           long long *id, char event[64])
{
    char *text = NULL;
    json_t *doc;
    int rc;
    if ((*id = path_id(rq)) < 0 ||
        (rc = st_appeal_get(s->store, c->id, *id, event, &text)) == ST_NOTFOUND) {
        sv_error(rs, 404, NULL, "no appeal %s in competition %s", rq->seg[3], c->id);
        return NULL;
    }
    if (rc) {
        sv_store_error(s, rs);
        return NULL;
    }
    doc = json_loads(text, 0, NULL);
    free(text);
    if (!doc)
        sv_error(rs, 500, NULL, "appeal %lld does not read back", *id);
    return doc;
}

static int save(sv_server *s, sv_comp *c, long long id, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    int rc = text ? st_appeal_put(s->store, c->id, id, text) : ST_ERROR;
    free(text);
    return rc;
}

/* A step of the appeal's history, now, by who; a state step also sets the appeal's state. */
static void history_add(json_t *doc, const char *state, const char *by, const char *reason)
{
    char at[32];
    iso_time(time(NULL), at);
    json_array_append_new(json_object_get(doc, "history"),
                          json_pack("{s:s,s:s,s:s,s:s?}", "state", state, "by", by, "at", at,
                                    "reason", reason));
}

static void step(json_t *doc, const char *state, const char *by, const char *reason)
{
    json_object_set_new(doc, "state", json_string(state));
    history_add(doc, state, by, reason);
}

/* What a list shows of an appeal: all but the stored results. */
static json_t *shown(long long id, const char *event, json_t *doc)
{
    json_t *o = json_deep_copy(doc);
    json_object_del(o, "before");
    json_object_set_new(o, "id", json_integer(id));
    json_object_set_new(o, "event", json_string(event));
    return o;
}

typedef struct list_ctx {
    json_t *out;
} list_ctx;

static int list_row(void *ctx, long long id, const char *event, const char *text)
{
    list_ctx *x = ctx;
    json_t *doc = json_loads(text, 0, NULL);
    if (doc)
        json_array_append_new(x->out, shown(id, event, doc));
    json_decref(doc);
    return 0;
}

void api_appeals_list(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    list_ctx x;
    json_t *windows, *events, *pubs;
    if (!c)
        return;
    x.out = json_array();
    windows = json_object();
    events = json_array();
    pubs = json_object();
    if (st_appeals_each(s->store, c->id, list_row, &x) ||
        st_audit_each(s->store, c->id, 1000000, pub_all_row, pubs)) {
        sv_store_error(s, rs);
        goto out;
    }
    /* The pages show each event's window and when it closes (or closed): the deadline is what
     * marks an appeal late, so whoever records one sees it first. */
    for (size_t e = 0; e < c->def->n_events; e++) {
        const char *ev = c->def->events[e].id, *pub = json_string_value(json_object_get(pubs, ev));
        time_t at = pub ? parse_iso(pub) : -1;
        char deadline[32] = "";
        long m;
        if (window_of(s, c, ev, &m, rs))
            goto out;
        if (at >= 0)
            iso_time(at + m * 60, deadline);
        json_object_set_new(windows, ev, json_integer(m));
        json_array_append_new(events, json_pack("{s:s,s:s,s:I,s:s?,s:s?}", "event", ev, "name",
                                                c->def->events[e].name, "minutes", (json_int_t)m,
                                                "published_at", pub, "deadline",
                                                deadline[0] ? deadline : NULL));
    }
    sv_json(rs, 200, json_pack("{s:O,s:O,s:O,s:I}", "appeals", x.out, "windows", windows,
                               "events", events, "default_window",
                               (json_int_t)APPEAL_WINDOW_DEFAULT));
out:
    json_decref(x.out);
    json_decref(windows);
    json_decref(events);
    json_decref(pubs);
}

static const char *text_field(json_t *body, const char *key, size_t min, size_t max,
                              const char *what, sv_response *rs)
{
    json_t *v = json_object_get(body, key);
    if (!json_is_string(v) || json_string_length(v) < min || json_string_length(v) > max) {
        sv_error(rs, 400, key, "%s (%zu to %zu bytes)", what, min, max);
        return NULL;
    }
    return json_string_value(v);
}

void api_appeals_add(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *doc = NULL, *jat;
    const char *event, *appellant, *subject;
    char received[32], deadline[32], *text = NULL, number[64] = "";
    time_t now = time(NULL), at = now, pub;
    long ev, ei, minutes;
    long long id;
    int rc;

    if (!c || !(body = sv_body_object(rq, rs)))
        goto out;
    if (!(event = sv_field_string(body, "event", rs)))
        goto out;
    if ((ev = cf_event_index(c->def, event)) < 0) {
        sv_error(rs, 400, "event", "event %s is not in competition %s", event, c->id);
        goto out;
    }
    if ((ei = sv_body_entry(s, c, &rq->who, body, (size_t)ev, rs)) < 0)
        goto out;
    if (c->def->entries[ei].event != (size_t)ev) {
        sv_error(rs, 400, "entry", "entry %s is not in event %s", c->def->entries[ei].id, event);
        goto out;
    }
    if (!(appellant = text_field(body, "appellant", 2, 120,
                                 "appellant: who appeals (the contestant or team leader)", rs)) ||
        !(subject = text_field(body, "subject", 2, 1000, "subject: what is disputed", rs)))
        goto out;
    if ((jat = json_object_get(body, "received_at"))) {
        if ((at = parse_iso(json_string_value(jat))) < 0) {
            sv_error(rs, 400, "received_at", "received_at must be a UTC time like "
                                             "2026-11-25T08:30:00Z");
            goto out;
        }
        if (at > now + 60) {
            sv_error(rs, 400, "received_at", "received_at is in the future");
            goto out;
        }
    }
    if ((rc = published_at(s, c, event, &pub, rs)) < 0)
        goto out;
    if (rc) {
        sv_error(rs, 409, "event", "event %s has not been published: appeals are against "
                                   "published results", event);
        goto out;
    }
    if (window_of(s, c, event, &minutes, rs))
        goto out;
    {
        json_t *nums = sv_numbers(s, c->id, event);
        const char *n = json_string_value(json_object_get(nums, c->def->entries[ei].id));
        snprintf(number, sizeof number, "%s", n ? n : "");
        json_decref(nums);
    }
    iso_time(at, received);
    iso_time(pub + minutes * 60, deadline);
    doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:s,s:[]}", "entry",
                    c->def->entries[ei].id, "number", number, "appellant", appellant, "subject",
                    subject, "received_at", received, "deadline", deadline, "late",
                    at > pub + minutes * 60, "window_minutes", (json_int_t)minutes, "state",
                    "received", "history");
    step(doc, "received", rq->who.name, NULL);
    if (!(text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER)))
        goto oom;
    if (st_begin(s->store) || st_appeal_add(s->store, c->id, event, text, &id) ||
        sv_audit(s, rq->who.name, "appeal", c->id,
                 json_pack("{s:I,s:s,s:s,s:b}", "appeal", (json_int_t)id, "event", event, "entry",
                           c->def->entries[ei].id, "late", at > pub + minutes * 60)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 201, shown(id, event, doc));
    goto out;
oom:
    sv_error(rs, 500, NULL, "out of memory");
out:
    free(text);
    json_decref(doc);
    json_decref(body);
}

/* received → under_review → upheld | rejected, each by arbitration with a reason. */
static void advance(sv_server *s, sv_request *rq, sv_response *rs, bool deciding)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *doc = NULL;
    const char *reason, *to = "under_review", *state;
    char event[64];
    long long id;

    if (!c || !(body = sv_body_object(rq, rs)) || !(doc = path_appeal(s, c, rq, rs, &id, event)))
        goto out;
    if (!(reason = text_field(body, "reason", 2, 1000, "a written reason is needed", rs)))
        goto out;
    state = json_string_value(json_object_get(doc, "state"));
    if (deciding) {
        to = json_string_value(json_object_get(body, "decision"));
        if (!to || (strcmp(to, "upheld") && strcmp(to, "rejected"))) {
            sv_error(rs, 400, "decision", "decision must be \"upheld\" or \"rejected\"");
            goto out;
        }
        if (strcmp(state, "under_review") != 0) {
            sv_error(rs, 409, "decision", "appeal %lld is %s: it is decided once, after review",
                     id, state);
            goto out;
        }
    } else if (strcmp(state, "received") != 0) {
        sv_error(rs, 409, NULL, "appeal %lld is %s already", id, state);
        goto out;
    }
    step(doc, to, rq->who.name, reason);
    if (st_begin(s->store) || save(s, c, id, doc) ||
        sv_audit(s, rq->who.name, deciding ? "appeal_decide" : "appeal_review", c->id,
                 json_pack("{s:I,s:s,s:s,s:s}", "appeal", (json_int_t)id, "event", event, "state",
                           to, "reason", reason)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 200, shown(id, event, doc));
out:
    json_decref(doc);
    json_decref(body);
}

void api_appeal_review(sv_server *s, sv_request *rq, sv_response *rs) { advance(s, rq, rs, false); }
void api_appeal_decide(sv_server *s, sv_request *rq, sv_response *rs) { advance(s, rq, rs, true); }

void api_appeal_window(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *m;
    long ev;
    if (!c || (ev = sv_path_event(c, rq, rs)) < 0 || !(body = sv_body_object(rq, rs)))
        goto out;
    m = json_object_get(body, "minutes");
    if (!json_is_integer(m) || json_integer_value(m) < 0 || json_integer_value(m) > 10080) {
        sv_error(rs, 400, "minutes", "minutes must be a whole number from 0 (none after "
                                     "publication) to 10080 (a week)");
        goto out;
    }
    if (st_begin(s->store) ||
        st_appeal_window_put(s->store, c->id, rq->seg[3], (long)json_integer_value(m)) ||
        sv_audit(s, rq->who.name, "appeal_window", c->id,
                 json_pack("{s:s,s:I}", "event", rq->seg[3], "minutes", json_integer_value(m))) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 200, json_pack("{s:s,s:I}", "event", rq->seg[3], "minutes",
                               json_integer_value(m)));
out:
    json_decref(body);
}

/* ---- the delta ------------------------------------------------------------------------------ */

/* The results of one event as the engine computes them now (JSON, caller decrefs), or NULL
 * after a 500. */
static json_t *event_results(sv_server *s, sv_comp *c, size_t ev, sv_response *rs)
{
    bool *mask = calloc(c->def->n_events + 1, sizeof *mask), prov;
    cf_diag diag = {0};
    char *text;
    json_t *doc = NULL;
    if (!mask) {
        sv_error(rs, 500, NULL, "out of memory");
        return NULL;
    }
    mask[ev] = true;
    if (!(text = sv_results(s, c, mask, &prov, &diag)))
        sv_error(rs, 500, NULL, "cannot compute the results: %s", diag.message);
    else if (!(doc = json_loads(text, 0, NULL)))
        sv_error(rs, 500, NULL, "the results do not read back");
    free(text);
    free(mask);
    return doc;
}

static json_t *facts_of(json_t *e, const char *group)
{
    static const char *const keys[] = {"status", "rank", "total", "award", "promotions", "cash"};
    json_t *o = json_pack("{s:s}", "group", group);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *v = json_object_get(e, keys[i]);
        json_object_set(o, keys[i], v ? v : json_null());
    }
    return o;
}

/* {entry: {group, status, rank, total, award, promotions, cash}} of a results document. */
static json_t *by_entry(json_t *results)
{
    json_t *out = json_object(), *g;
    size_t i, j;
    json_array_foreach(json_object_get(results, "rankings"), i, g) {
        json_t *e;
        const char *group = json_string_value(json_object_get(g, "group"));
        json_array_foreach(json_object_get(g, "entries"), j, e)
            json_object_set_new(out, json_string_value(json_object_get(e, "entry")),
                                facts_of(e, group ? group : ""));
    }
    return out;
}

/* Every entry whose facts differ, in entry order: [{entry, name, before, after}]. */
json_t *sv_results_delta(const sv_comp *c, json_t *before, json_t *after)
{
    json_t *b = by_entry(before), *a = by_entry(after), *out = json_array();
    for (size_t i = 0; i < c->def->n_entries; i++) {
        const cf_entry *en = &c->def->entries[i];
        json_t *x = json_object_get(b, en->id), *y = json_object_get(a, en->id);
        char names[512];
        if ((!x && !y) || (x && y && json_equal(x, y)))
            continue;
        json_array_append_new(out, json_pack("{s:s,s:s,s:O,s:O}", "entry", en->id, "name",
                                             cf_member_names(en, names, sizeof names), "before",
                                             x ? x : json_null(), "after", y ? y : json_null()));
    }
    json_decref(a);
    json_decref(b);
    return out;
}

void api_appeal_delta(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *doc = NULL, *now = NULL;
    char event[64];
    long long id;
    if (!c || !(doc = path_appeal(s, c, rq, rs, &id, event)))
        goto out;
    if (!json_object_get(doc, "before")) {
        sv_error(rs, 409, NULL, "appeal %lld has not unlocked its event: nothing has changed", id);
        goto out;
    }
    if (!(now = event_results(s, c, (size_t)cf_event_index(c->def, event), rs)))
        goto out;
    sv_json(rs, 200, json_pack("{s:I,s:s,s:o,s:O}", "appeal", (json_int_t)id, "event", event,
                               "delta", sv_results_delta(c, json_object_get(doc, "before"), now),
                               "confirmed", json_object_get(doc, "delta") ?: json_null()));
out:
    json_decref(now);
    json_decref(doc);
}

void api_appeal_confirm(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *doc = NULL, *now = NULL, *delta = NULL;
    st_event_state st;
    char event[64], at[32];
    long long id;
    if (!c || !(doc = path_appeal(s, c, rq, rs, &id, event)))
        goto out;
    if (!json_object_get(doc, "before")) {
        sv_error(rs, 409, NULL, "appeal %lld has not unlocked its event: nothing to confirm", id);
        goto out;
    }
    if (st_event_get(s->store, c->id, event, &st)) {
        sv_store_error(s, rs);
        goto out;
    }
    if (!st.locked) {
        sv_error(rs, 409, NULL, "event %s is not locked again yet: the delta may still change",
                 event);
        goto out;
    }
    if (!(now = event_results(s, c, (size_t)cf_event_index(c->def, event), rs)))
        goto out;
    delta = sv_results_delta(c, json_object_get(doc, "before"), now);
    iso_time(time(NULL), at);
    json_object_set(doc, "delta", delta);
    json_object_set_new(doc, "confirmed_by", json_string(rq->who.name));
    json_object_set_new(doc, "confirmed_at", json_string(at));
    history_add(doc, "confirmed", rq->who.name, NULL);
    if (st_begin(s->store) || save(s, c, id, doc) ||
        sv_audit(s, rq->who.name, "appeal_confirm", c->id,
                 json_pack("{s:I,s:s,s:I}", "appeal", (json_int_t)id, "event", event, "changed",
                           (json_int_t)json_array_size(delta))) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 200, shown(id, event, doc));
out:
    json_decref(delta);
    json_decref(now);
    json_decref(doc);
}

/* ---- hooks for unlock and publish (api_events.c) ------------------------------------------- */

int sv_appeal_unlock(sv_server *s, sv_comp *c, const char *event, json_t *appeal, const char *by,
                     const char *reason, sv_response *rs)
{
    json_t *doc = NULL, *before = NULL;
    char ev[64], *text = NULL;
    int rc;
    long long id = json_is_integer(appeal) ? json_integer_value(appeal) : -1;

    if (id <= 0 || (rc = st_appeal_get(s->store, c->id, id, ev, &text)) == ST_NOTFOUND) {
        sv_error(rs, 400, "appeal", "appeal must be the number of an appeal of competition %s",
                 c->id);
        return -1;
    }
    if (rc) {
        sv_store_error(s, rs);
        return -1;
    }
    doc = json_loads(text, 0, NULL);
    free(text);
    if (!doc || strcmp(ev, event) != 0 ||
        strcmp(json_string_value(json_object_get(doc, "state")) ?: "", "upheld") != 0) {
        sv_error(rs, 409, "appeal", "appeal %lld is not an upheld appeal of event %s", id, event);
        json_decref(doc);
        return -1;
    }
    /* The results as they stood: what the delta is counted from (the first unlock's). */
    if (!json_object_get(doc, "before")) {
        if (!(before = event_results(s, c, (size_t)cf_event_index(c->def, event), rs))) {
            json_decref(doc);
            return -1;
        }
        json_object_set_new(doc, "before", before);
    }
    json_object_del(doc, "delta");
    json_object_del(doc, "republished_at");
    json_object_del(doc, "confirmed_by");
    json_object_del(doc, "confirmed_at");
    history_add(doc, "unlocked", by, reason);
    rc = save(s, c, id, doc);
    json_decref(doc);
    if (rc)
        sv_store_error(s, rs);
    return rc ? -1 : 0;
}

typedef struct gate {
    sv_server *s;
    sv_comp *c;
    const char *event;
    json_t *now;
    long long blocking;
    int failed;
} gate;

static int gate_row(void *ctx, long long id, const char *event, const char *text)
{
    gate *g = ctx;
    json_t *doc, *delta;
    if (strcmp(event, g->event) != 0)
        return 0;
    if (!(doc = json_loads(text, 0, NULL)))
        return 0;
    /* An appeal whose confirmed change was published is settled: a later appeal's change to
     * the same event must not send it back to arbitration. */
    if (json_object_get(doc, "before") && !json_object_get(doc, "republished_at")) {
        delta = json_object_get(doc, "delta");
        json_t *again = delta ? sv_results_delta(g->c, json_object_get(doc, "before"), g->now)
                              : NULL;
        if (!delta || !json_equal(delta, again))
            g->blocking = id;
        json_decref(again);
    }
    json_decref(doc);
    return g->blocking != 0;
}

int sv_appeals_block_publish(sv_server *s, sv_comp *c, const char *event, sv_response *rs)
{
    gate g = {.s = s, .c = c, .event = event};
    int rc;
    if (!(g.now = event_results(s, c, (size_t)cf_event_index(c->def, event), rs)))
        return -1;
    rc = st_appeals_each(s->store, c->id, gate_row, &g);
    json_decref(g.now);
    if (rc) {
        sv_store_error(s, rs);
        return -1;
    }
    if (g.blocking) {
        sv_error(rs, 409, NULL, "arbitration must confirm the changes of appeal %lld before event "
                                "%s is published again", g.blocking, event);
        return -1;
    }
    return 0;
}

typedef struct settle {
    const char *event;
    json_t *found; /* [[id, doc], …] */
} settle;

static int settle_row(void *ctx, long long id, const char *event, const char *text)
{
    settle *t = ctx;
    json_t *doc;
    if (strcmp(event, t->event) != 0 || !(doc = json_loads(text, 0, NULL)))
        return 0;
    if (json_object_get(doc, "before") && json_object_get(doc, "delta") &&
        !json_object_get(doc, "republished_at"))
        json_array_append_new(t->found, json_pack("[I,o]", (json_int_t)id, doc));
    else
        json_decref(doc);
    return 0;
}

void sv_appeals_published(sv_server *s, sv_comp *c, const char *event, const char *by, char *why,
                          size_t cap)
{
    settle t = {.event = event, .found = json_array()};
    size_t i, used = 0;
    json_t *pair;
    char at[32], ids[200] = "";
    if (!t.found || st_appeals_each(s->store, c->id, settle_row, &t))
        goto out;
    iso_time(time(NULL), at);
    json_array_foreach(t.found, i, pair) {
        json_t *doc = json_array_get(pair, 1);
        long long id = json_integer_value(json_array_get(pair, 0));
        json_object_set_new(doc, "republished_at", json_string(at));
        history_add(doc, "republished", by, NULL);
        if (save(s, c, id, doc))
            fprintf(stderr, "skillscore: appeal of %s/%s: publication not recorded: %s\n", c->id,
                    event, st_errmsg(s->store));
        if (used + 24 < sizeof ids)
            used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%lld", i ? "、" : "", id);
    }
    /* The verify page of a revoked certificate says which decision changed it: the appeal's
     * number, under which the 仲裁决定书 was printed. */
    if (ids[0])
        snprintf(why, cap, "依监督仲裁决定（申诉编号 %s，见仲裁决定书）成绩变更，证书重新签发", ids);
out:
    json_decref(t.found);
}

/* ---- 仲裁决定书 -------------------------------------------------------------------------------- */

void api_appeal_decision_pdf(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *doc = NULL, *a = NULL;
    unsigned char *pdf = NULL;
    size_t len = 0;
    char event[64], err[300];
    const char *state;
    long long id;
    if (!c || !(doc = path_appeal(s, c, rq, rs, &id, event)))
        goto out;
    state = json_string_value(json_object_get(doc, "state"));
    if (strcmp(state, "upheld") && strcmp(state, "rejected")) {
        sv_error(rs, 409, NULL, "appeal %lld is not decided yet", id);
        goto out;
    }
    a = shown(id, event, doc);
    json_object_set_new(a, "event_name",
                        json_string(c->def->events[cf_event_index(c->def, event)].name));
    rp_opts o = {.font_path = getenv("SKILLSCORE_FONT")};
    if (rp_decision_pdf(a, c->def->name, &o, &pdf, &len, err, sizeof err)) {
        sv_error(rs, 500, NULL, "cannot write the PDF: %s", err);
        goto out;
    }
    snprintf(rs->filename, sizeof rs->filename, "%s-appeal-%lld.pdf", c->id, id);
    rs->status = 200;
    rs->body = (char *)pdf;
    rs->len = len;
    rs->ctype = "application/pdf";
out:
    json_decref(a);
    json_decref(doc);
}
