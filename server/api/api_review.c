/*
 * api_review.c — the chief judge's review before lock (issue 14):
 *   POST …/events/{ev}/sendback          the chief sends one judge's mark back (退回复评)
 *   POST …/events/{ev}/sendback/confirm  that judge keeps the mark as it is
 *   GET  …/events/{ev}/standings         the event's provisional standings by 工位号
 *
 * A send-back stays open until its judge corrects the mark (api_marks.c closes it in the
 * correction's own savepoint) or confirms it here; while one is open the event cannot be
 * locked. It changes no score, so the live results do not move; the judge's tablet learns of it
 * from its marking sheet.
 *
 * The chief judges blind like everyone on the floor: every request and answer names entries by
 * number, and the standings carry no entry id, name or unit for a chief.
 */
#include "server/api/api.h"
#include "server/core/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The (entry, criterion) a body names within event ev; 0, or -1 after a reply. */
static int body_slot(sv_server *s, sv_comp *c, sv_request *rq, json_t *body, size_t ev,
                     long *ei, const char **crit, sv_response *rs)
{
    if ((*ei = sv_body_entry(s, c, &rq->who, body, ev, rs)) < 0)
        return -1;
    if (c->def->entries[*ei].event != ev) {
        sv_error(rs, 400, "entry", "entry %s is not in event %s", c->def->entries[*ei].id,
                 c->def->events[ev].id);
        return -1;
    }
    if (!(*crit = sv_field_string(body, "criterion", rs)))
        return -1;
    if (cf_item_index(&c->def->events[ev], *crit) < 0) {
        sv_error(rs, 400, "criterion", "criterion %s is not a criterion of event %s", *crit,
                 c->def->events[ev].id);
        return -1;
    }
    return 0;
}

static int event_unlocked(sv_server *s, sv_comp *c, size_t ev, sv_response *rs)
{
    st_event_state es;
    if (st_event_get(s->store, c->id, c->def->events[ev].id, &es)) {
        sv_store_error(s, rs);
        return -1;
    }
    if (es.locked) {
        sv_error(rs, 409, NULL, "event %s is locked", c->def->events[ev].id);
        return -1;
    }
    return 0;
}

/* How a reply names the entry: by the number the caller used, else by id (the organizer). */
static json_t *slot_reply(sv_request *rq, json_t *body, const cf_entry *en, const char *crit)
{
    json_t *num = json_object_get(body, "number");
    if (json_is_string(num) && rq->who.role != SV_ADMIN)
        return json_pack("{s:O,s:s}", "number", num, "criterion", crit);
    return json_pack("{s:s,s:s}", "entry", en->id, "criterion", crit);
}

void api_sendback(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *note, *reply;
    const char *crit, *judge;
    st_mark cur;
    long ev, ei;
    int rc;

    if (!c || (ev = sv_path_event(c, rq, rs)) < 0)
        return;
    if (!sv_chief_of(&rq->who, c, (size_t)ev)) {
        sv_error(rs, 403, NULL, "only the chief judge of event %s sends a mark back",
                 c->def->events[ev].id);
        return;
    }
    if (!(body = sv_body_object(rq, rs)) ||
        body_slot(s, c, rq, body, (size_t)ev, &ei, &crit, rs) ||
        !(judge = sv_field_string(body, "judge", rs)))
        goto out;
    if (cf_judge_may_mark(c->def, judge, (size_t)ev) != CF_JUDGE_OK) {
        sv_error(rs, 400, "judge", "%s is not a judge of event %s", judge, c->def->events[ev].id);
        goto out;
    }
    note = json_object_get(body, "note");
    if (!json_is_string(note) || json_string_length(note) < 2 || json_string_length(note) > 250) {
        sv_error(rs, 400, "note", "say what to review (note, 2 to 250 bytes)");
        goto out;
    }
    if (event_unlocked(s, c, (size_t)ev, rs))
        goto out;
    const cf_entry *en = &c->def->entries[ei];
    rc = st_mark_current(s->store, c->id, en->id, crit, judge, &cur);
    if (rc == ST_NOTFOUND) {
        sv_error(rs, 409, "judge", "judge %s has no mark here to send back", judge);
        goto out;
    }
    if (rc) {
        sv_store_error(s, rs);
        goto out;
    }
    st_sendback b = {.competition = c->id, .event = c->def->events[ev].id, .entry = en->id,
                     .criterion = crit, .judge = judge, .note = json_string_value(note),
                     .by = rq->who.name};
    if (st_begin(s->store)) {
        sv_store_error(s, rs);
        goto out;
    }
    rc = st_sendback_open(s->store, &b);
    if (rc == ST_EXISTS) {
        st_rollback(s->store);
        sv_error(rs, 409, "judge", "this mark of judge %s is already sent back and not yet "
                                   "answered", judge);
        goto out;
    }
    if (rc ||
        sv_audit(s, rq->who.name, "sendback", c->id,
                 json_pack("{s:s,s:s,s:s,s:s,s:s}", "event", b.event, "entry", en->id,
                           "criterion", crit, "judge", judge, "note", b.note)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    reply = slot_reply(rq, body, en, crit);
    json_object_set_new(reply, "judge", json_string(judge));
    json_object_set_new(reply, "note", json_string(b.note));
    json_object_set_new(reply, "status", json_string("open"));
    sv_json(rs, 201, reply);
out:
    json_decref(body);
}

void api_sendback_confirm(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *reply;
    const char *crit;
    long ev, ei;
    int closed = 0;

    if (!c || (ev = sv_path_event(c, rq, rs)) < 0)
        return;
    if (!sv_judge_of(&rq->who, c, (size_t)ev)) {
        sv_error(rs, 403, NULL, "%s is not a judge of event %s", rq->who.name,
                 c->def->events[ev].id);
        return;
    }
    if (!(body = sv_body_object(rq, rs)) ||
        body_slot(s, c, rq, body, (size_t)ev, &ei, &crit, rs) ||
        event_unlocked(s, c, (size_t)ev, rs))
        goto out;
    const cf_entry *en = &c->def->entries[ei];
    if (st_begin(s->store) ||
        st_sendback_close(s->store, c->id, en->id, crit, rq->who.name, "confirmed",
                          rq->who.name, &closed)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    if (!closed) {
        st_rollback(s->store);
        sv_error(rs, 404, NULL, "nothing of yours is sent back here");
        goto out;
    }
    if (sv_audit(s, rq->who.name, "sendback_confirm", c->id,
                 json_pack("{s:s,s:s,s:s}", "event", c->def->events[ev].id, "entry", en->id,
                           "criterion", crit)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    reply = slot_reply(rq, body, en, crit);
    json_object_set_new(reply, "status", json_string("confirmed"));
    sv_json(rs, 200, reply);
out:
    json_decref(body);
}

/* ---- standings ------------------------------------------------------------------------------- */

typedef struct count_ctx {
    const sv_comp *c;
    size_t event;
    size_t *n; /* marks per slot (entry's first_slot + item) */
} count_ctx;

static int count_mark(void *ctx, const st_mark *m)
{
    count_ctx *x = ctx;
    long e = cf_entry_index(x->c->def, m->entry), k;
    if (e < 0 || x->c->def->entries[e].event != x->event)
        return 0;
    k = cf_item_index(&x->c->def->events[x->event], m->criterion);
    if (k >= 0)
        x->n[x->c->def->entries[e].first_slot + (size_t)k]++;
    return 0;
}

static size_t counted(const void *ctx, size_t slot)
{
    const size_t *n = ctx;
    return n[slot];
}

static json_t *or_null(json_t *v) { return v ? v : json_null(); }

/* Every (event, group) ranking of the results document for one event, as rows by number. */
static json_t *standing_rows(const sv_comp *c, size_t ev, json_t *results, json_t *numbers,
                             const size_t *count, bool named)
{
    json_t *rows = json_array(), *g;
    size_t gi;
    const cf_event *e = &c->def->events[ev];

    json_array_foreach(json_object_get(results, "rankings"), gi, g) {
        json_t *r;
        size_t ri;
        const char *gev = json_string_value(json_object_get(g, "event"));
        if (!gev || strcmp(gev, e->id) != 0)
            continue;
        json_array_foreach(json_object_get(g, "entries"), ri, r) {
            const char *id = json_string_value(json_object_get(r, "entry"));
            long ei = id ? cf_entry_index(c->def, id) : -1;
            size_t done, of;
            if (ei < 0)
                continue;
            cf_entry_progress(c->def, (size_t)ei, counted, count, &done, &of);
            json_t *row = json_pack(
                "{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:{s:I,s:I}}", "number",
                or_null(json_object_get(numbers, id)), "group", json_object_get(g, "group"),
                "status", json_object_get(r, "status"), "rank",
                or_null(json_object_get(r, "rank")), "theory",
                or_null(json_object_get(r, "theory")), "practical",
                or_null(json_object_get(r, "practical")), "total",
                or_null(json_object_get(r, "total")), "progress", "done",
                (json_int_t)done, "of", (json_int_t)of);
            if (named)
                json_object_set_new(row, "entry", json_string(id));
            json_array_append_new(rows, row);
        }
    }
    return rows;
}

void api_standings(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *results = NULL, *numbers = NULL, *rows = NULL;
    bool *mask = NULL, provisional = false;
    cf_diag diag = {0};
    count_ctx x = {0};
    char *text = NULL;
    long ev;

    if (!c || (ev = sv_path_event(c, rq, rs)) < 0)
        return;
    if (rq->who.role == SV_CHIEF && !sv_chief_of(&rq->who, c, (size_t)ev)) {
        sv_error(rs, 403, NULL, "%s is not the chief judge of event %s", rq->who.name,
                 c->def->events[ev].id);
        return;
    }
    if (!(mask = calloc(c->def->n_events, sizeof *mask)) ||
        !(x.n = calloc(c->def->n_slots + 1, sizeof *x.n))) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    mask[ev] = true;
    x.c = c;
    x.event = (size_t)ev;
    if (st_marks_current(s->store, c->id, count_mark, &x) ||
        !(numbers = sv_numbers(s, c->id, c->def->events[ev].id))) {
        sv_store_error(s, rs);
        goto out;
    }
    if (!(text = sv_results(s, c, mask, &provisional, &diag))) {
        sv_error(rs, 500, NULL, "cannot compute the results: %s", diag.message);
        goto out;
    }
    if (!(results = json_loads(text, 0, NULL)) ||
        !(rows = standing_rows(c, (size_t)ev, results, numbers, x.n, sv_sees_all(&rq->who, c))) ||
        !sv_sort_by_number(rows)) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    sv_json(rs, 200, json_pack("{s:s,s:b,s:O}", "event", c->def->events[ev].id, "provisional",
                               provisional, "rows", rows));
out:
    json_decref(rows);
    json_decref(results);
    json_decref(numbers);
    free(text);
    free(x.n);
    free(mask);
}
