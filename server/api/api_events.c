/*
 * api_events.c — what happens to an event as a whole: drawing the blind numbers (加密), the
 * discrepancy list, locking by the chief judge, unlocking by arbitration, publishing (公示).
 *
 * Discrepancy (rules: the event's discrepancy_percent, default 20% of the criterion's maximum):
 * the current marks of one (entry, criterion) spread wider than the threshold. It stays open
 * until the chief judge corrects a mark or accepts the spread with a reason; an acceptance covers
 * the marks as they were, so a later mark or correction on that slot opens it again.
 */
#include "server/api/api.h"
#include "server/core/live.h"
#include "server/core/register.h"
#include "server/core/server.h"
#include "server/sec/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the discrepancy scan ------------------------------------------------------------------- */

typedef struct slot_marks {
    size_t entry, criterion;
    sc_centi lo, hi;
    int64_t last_seq;
    size_t n;
    json_t *marks; /* [{judge, score}] */
} slot_marks;

typedef struct scan {
    const sv_comp *c;
    size_t event;
    slot_marks *slots; /* per (entry of the event, criterion): entry's first_slot + k */
    size_t n_slots;
} scan;

static int scan_mark(void *ctx, const st_mark *m)
{
    scan *x = ctx;
    long e = cf_entry_index(x->c->def, m->entry);
    const cf_entry *en;
    long k;
    slot_marks *sl;
    char sc[24];

    if (e < 0)
        return 0;
    en = &x->c->def->entries[e];
    if (en->event != x->event)
        return 0;
    k = cf_item_index(&x->c->def->events[en->event], m->criterion);
    if (k < 0)
        return 0;
    sl = &x->slots[en->first_slot + (size_t)k];
    sl->entry = (size_t)e;
    sl->criterion = (size_t)k;
    if (!sl->n || m->score < sl->lo)
        sl->lo = m->score;
    if (!sl->n || m->score > sl->hi)
        sl->hi = m->score;
    if (m->seq > sl->last_seq)
        sl->last_seq = m->seq;
    sl->n++;
    if (!sl->marks)
        sl->marks = json_array();
    json_array_append_new(sl->marks, json_pack("{s:s,s:s}", "judge", m->judge, "score",
                                               sc_centi_format(m->score, sc)));
    return 0;
}

static void scan_free(scan *x)
{
    for (size_t i = 0; x->slots && i < x->n_slots; i++)
        json_decref(x->slots[i].marks);
    free(x->slots);
}

static int scan_event(sv_server *s, const sv_comp *c, size_t event, scan *x)
{
    memset(x, 0, sizeof *x);
    x->c = c;
    x->event = event;
    x->n_slots = c->def->n_slots;
    x->slots = calloc(x->n_slots + 1, sizeof *x->slots);
    if (!x->slots)
        return ST_ERROR;
    return st_marks_current(s->store, c->id, scan_mark, x);
}

/* The widest spread item k tolerates, for showing (spread_too_wide decides, exactly): a judgement
 * aspect's scores are whole points, so the widest it tolerates is 1 point, not the 1.5 of its
 * rule's percent. */
static sc_centi spread_threshold(const cf_event *ev, size_t k)
{
    if (ev->n_aspects && ev->aspect_rules[k].kind == SC_ASPECT_JUDGEMENT)
        return 100;
    return cf_item_max(ev, k) * cf_item_discrepancy(ev, k) / 10000;
}

static bool spread_too_wide(const cf_event *ev, const slot_marks *sl)
{
    return sl->n >= 2 && (sl->hi - sl->lo) * 10000 >
                             cf_item_max(ev, sl->criterion) * cf_item_discrepancy(ev, sl->criterion);
}

/* 1 when the slot's discrepancy is open, 0 when none or accepted, -1 on a store error. */
static int slot_open(sv_server *s, const sv_comp *c, const slot_marks *sl)
{
    const cf_entry *en = &c->def->entries[sl->entry];
    const cf_event *ev = &c->def->events[en->event];
    int64_t upto = 0;
    int rc;
    if (!spread_too_wide(ev, sl))
        return 0;
    rc = st_accept_get(s->store, c->id, en->id, cf_item_id(ev, sl->criterion), &upto);
    if (rc == ST_ERROR)
        return -1;
    return rc == ST_NOTFOUND || upto < sl->last_seq;
}

/* Open send-backs of the event by "entry/criterion": [{judge, note}]. */
static void add_sendback(void *ctx, const st_sendback *b)
{
    char key[200];
    json_t *list;
    snprintf(key, sizeof key, "%s/%s", b->entry, b->criterion);
    if (!(list = json_object_get(ctx, key))) {
        list = json_array();
        json_object_set_new(ctx, key, list);
    }
    json_array_append_new(list, json_pack("{s:s,s:s}", "judge", b->judge, "note", b->note));
}

/* Marks accepted from a judge of the contestant's unit (an event with "conflict": "flag"), for
 * the organizer and arbitration: [{entry, number, criterion, judge}]. Never for a chief judge,
 * whom it would tell a contestant's unit before publication. */
static json_t *conflict_marks(const sv_comp *c, const scan *x, json_t *numbers)
{
    const cf_event *ev = &c->def->events[x->event];
    json_t *out = json_array();
    if (!ev->conflict_flag)
        return out;
    for (size_t i = 0; i < x->n_slots; i++) {
        const slot_marks *sl = &x->slots[i];
        json_t *m;
        size_t k;
        json_array_foreach(sl->marks, k, m) {
            const char *judge = json_string_value(json_object_get(m, "judge"));
            const char *entry = c->def->entries[sl->entry].id;
            json_t *num = json_object_get(numbers, entry);
            if (judge && cf_judge_conflict(c->def, judge, sl->entry))
                json_array_append_new(out, json_pack("{s:s,s:O,s:s,s:s}", "entry", entry, "number",
                                                     num ? num : json_null(), "criterion",
                                                     cf_item_id(ev, sl->criterion), "judge",
                                                     judge));
        }
    }
    return out;
}

void api_discrepancies(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *list, *numbers = NULL, *sent;
    scan x;
    long ev;

    if (!c || (ev = sv_path_event(c, rq, rs)) < 0)
        return;
    if (rq->who.role == SV_CHIEF && !sv_chief_of(&rq->who, c, (size_t)ev)) {
        sv_error(rs, 403, NULL, "%s is not the chief judge of event %s", rq->who.name, rq->seg[3]);
        return;
    }
    sent = json_object();
    if (scan_event(s, c, (size_t)ev, &x) || !(numbers = sv_numbers(s, c->id, rq->seg[3])) ||
        st_sendbacks_open(s->store, c->id, rq->seg[3], add_sendback, sent)) {
        json_decref(numbers);
        json_decref(sent);
        scan_free(&x);
        sv_store_error(s, rs);
        return;
    }
    list = json_array();
    const cf_event *e = &c->def->events[ev];
    for (size_t i = 0; i < x.n_slots; i++) {
        slot_marks *sl = &x.slots[i];
        char spread[24], thr[24];
        int open;
        if (!sl->n || !spread_too_wide(e, sl))
            continue;
        if ((open = slot_open(s, c, sl)) < 0) {
            json_decref(list);
            json_decref(numbers);
            json_decref(sent);
            scan_free(&x);
            sv_store_error(s, rs);
            return;
        }
        const char *entry = c->def->entries[sl->entry].id;
        json_t *num = json_object_get(numbers, entry);
        json_array_append_new(
            list, json_pack("{s:s,s:O,s:s,s:s,s:s,s:O,s:s}", "entry", entry, "number",
                            num ? num : json_null(), "criterion", cf_item_id(e, sl->criterion),
                            "spread", sc_centi_format(sl->hi - sl->lo, spread), "threshold",
                            sc_centi_format(spread_threshold(e, sl->criterion), thr),
                            "marks", sl->marks, "status", open ? "open" : "accepted"));
        json_t *d = json_array_get(list, json_array_size(list) - 1);
        char key[200];
        sv_mark_outliers(json_object_get(d, "marks"));
        snprintf(key, sizeof key, "%s/%s", entry, cf_item_id(e, sl->criterion));
        json_t *sb = json_object_get(sent, key);
        json_object_set_new(d, "sent_back", sb ? json_incref(sb) : json_array());
        /* A chief judge marks blind too: numbers only, in number order. */
        if (rq->who.role == SV_CHIEF)
            json_object_del(d, "entry");
    }
    json_t *conflicts = rq->who.role == SV_CHIEF ? NULL : conflict_marks(c, &x, numbers);
    json_decref(numbers);
    json_decref(sent);
    scan_free(&x);
    if (rq->who.role == SV_CHIEF && !sv_sort_by_number(list)) {
        json_decref(list);
        sv_error(rs, 500, NULL, "out of memory");
        return;
    }
    json_t *reply = json_pack("{s:s,s:o}", "event", e->id, "discrepancies", list);
    if (conflicts)
        json_object_set_new(reply, "conflicts", conflicts);
    sv_json(rs, 200, reply);
}

void api_discrepancy_accept(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *reason;
    const char *crit;
    long ev, ei, k;
    scan x = {0};
    int open;

    if (!c || (ev = sv_path_event(c, rq, rs)) < 0)
        return;
    if (!sv_chief_of(&rq->who, c, (size_t)ev)) {
        sv_error(rs, 403, NULL, "only the chief judge of event %s may accept a discrepancy",
                 rq->seg[3]);
        return;
    }
    if (!(body = sv_body_object(rq, rs)))
        return;
    if ((ei = sv_body_entry(s, c, &rq->who, body, (size_t)ev, rs)) < 0)
        goto out;
    if (c->def->entries[ei].event != (size_t)ev) {
        sv_error(rs, 400, "entry", "entry %s is not in event %s", c->def->entries[ei].id,
                 rq->seg[3]);
        goto out;
    }
    if (!(crit = sv_field_string(body, "criterion", rs)))
        goto out;
    if ((k = cf_item_index(&c->def->events[ev], crit)) < 0) {
        sv_error(rs, 400, "criterion", "criterion %s is not a criterion of event %s", crit,
                 rq->seg[3]);
        goto out;
    }
    if (c->def->events[ev].n_aspects) {
        sv_error(rs, 409, "criterion", "a discrepancy on aspect %s is resolved by marking again "
                 "(send it back or correct it), not accepted (docs/worldskills.md W5)", crit);
        goto out;
    }
    reason = json_object_get(body, "reason");
    if (!json_is_string(reason) || json_string_length(reason) < 2 ||
        json_string_length(reason) > 250) {
        sv_error(rs, 400, "reason", "accepting a discrepancy needs a reason (2 to 250 bytes)");
        goto out;
    }
    if (scan_event(s, c, (size_t)ev, &x)) {
        sv_store_error(s, rs);
        goto out;
    }
    slot_marks *sl = &x.slots[c->def->entries[ei].first_slot + (size_t)k];
    if (!sl->n || (open = slot_open(s, c, sl)) == 0) {
        sv_error(rs, 409, "criterion", "there is no open discrepancy on this entry and criterion");
        goto out;
    }
    if (open < 0) {
        sv_store_error(s, rs);
        goto out;
    }
    const char *entry = c->def->entries[ei].id;
    if (st_begin(s->store) ||
        st_accept_put(s->store, c->id, entry, crit, sl->last_seq, rq->who.name,
                      json_string_value(reason)) ||
        sv_audit(s, rq->who.name, "discrepancy_accept", c->id,
                 json_pack("{s:s,s:s,s:s,s:I}", "entry", entry, "criterion", crit, "reason",
                           json_string_value(reason), "upto_seq", (json_int_t)sl->last_seq)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 200, json_pack("{s:s,s:s,s:s}", "criterion", crit, "status", "accepted",
                               rq->who.role == SV_CHIEF ? "number" : "entry",
                               rq->who.role == SV_CHIEF ? json_string_value(json_object_get(
                                                              body, "number"))
                                                        : entry));
out:
    scan_free(&x);
    json_decref(body);
}

/* ---- draw, lock, unlock, publish ----------------------------------------------------------- */

/* Sets event's state with its audit row, in a transaction of its own or (in_txn) the
 * caller's, which it then commits. */
static int set_state_in(sv_server *s, sv_comp *c, const char *event, const st_event_state *st,
                        const char *actor, const char *action, json_t *detail, bool in_txn)
{
    long ev = cf_event_index(c->def, event);
    /* Publication shows the results themselves: a freeze (封榜) ends with it. */
    if ((!in_txn && st_begin(s->store)) || st_event_put(s->store, c->id, event, st) ||
        (st->published && st_freeze_put(s->store, c->id, event, NULL, actor)) ||
        sv_audit(s, actor, action, c->id, detail) || st_commit(s->store)) {
        st_rollback(s->store);
        return ST_ERROR;
    }
    if (ev >= 0)
        sv_live_event(s, c, (size_t)ev);
    return ST_OK;
}

static int set_state(sv_server *s, sv_comp *c, const char *event, const st_event_state *st,
                     const char *actor, const char *action, json_t *detail)
{
    return set_state_in(s, c, event, st, actor, action, detail, false);
}

/* The competition and event of the path and the event's state: 0, or -1 after a 404 or 500. */
static int path_event_state(sv_server *s, sv_request *rq, sv_response *rs, sv_comp **c, long *ev,
                            st_event_state *st)
{
    if (!(*c = sv_path_comp(s, rq, rs)) || (*ev = sv_path_event(*c, rq, rs)) < 0)
        return -1;
    if (st_event_get(s->store, (*c)->id, rq->seg[3], st)) {
        sv_store_error(s, rs);
        return -1;
    }
    return 0;
}

void api_draw(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c;
    st_event_state st;
    size_t *order = NULL, n = 0, width = 2;
    long ev;

    if (path_event_state(s, rq, rs, &c, &ev, &st))
        return;
    if (st.drawn) {
        sv_error(rs, 409, NULL, "the numbers of event %s are drawn already", rq->seg[3]);
        return;
    }
    order = malloc((c->def->n_entries + 1) * sizeof *order);
    if (!order) {
        sv_error(rs, 500, NULL, "out of memory");
        return;
    }
    for (size_t i = 0; i < c->def->n_entries; i++)
        if (c->def->entries[i].event == (size_t)ev)
            order[n++] = i;
    /* Fisher–Yates with a uniform CSPRNG draw: every assignment is equally likely. */
    for (size_t i = n; i > 1; i--) {
        size_t j = auth_uniform((uint32_t)i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (size_t m = n; m >= 100; m /= 10)
        width++;
    st.drawn = true;
    if (st_begin(s->store))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        char num[24];
        snprintf(num, sizeof num, "%0*zu", (int)width, i + 1);
        if (st_number_put(s->store, c->id, rq->seg[3], c->def->entries[order[i]].id, num))
            goto fail;
    }
    if (st_event_put(s->store, c->id, rq->seg[3], &st) ||
        sv_audit(s, rq->who.name, "draw", c->id,
                 json_pack("{s:s,s:I}", "event", rq->seg[3], "entries", (json_int_t)n)) ||
        st_commit(s->store))
        goto fail;
    free(order);
    sv_live_event(s, c, (size_t)ev);
    sv_json(rs, 200, json_pack("{s:s,s:I}", "event", rq->seg[3], "numbers", (json_int_t)n));
    return;
fail:
    st_rollback(s->store);
    free(order);
    sv_store_error(s, rs);
}


/* The engine's message without its "entry E02-W01 (event E02): " head: only the chief judge locks,
 * and a chief judges blind, so the entry is named by its number in front of it instead. */
static const char *engine_reason(const char *msg)
{
    const char *at = strncmp(msg, "entry ", 6) == 0 ? strstr(msg, "): ") : NULL;
    return at ? at + 3 : msg;
}

typedef struct by_num {
    const char *number; /* NULL before the draw */
    size_t entry;
    bool failed;        /* the engine refuses the entry's group */
} by_num;

static int by_num_cmp(const void *pa, const void *pb)
{
    const by_num *x = pa, *y = pb;
    /* Numbers share one width, so text order is numeric order; undrawn entries go last, and they
     * are named "?" (no number, nothing to learn from their order). */
    if (!x->number || !y->number)
        return !x->number - !y->number;
    return strcmp(x->number, y->number);
}

/* Why entry o.entry blocks the lock, into why ("" when it does not). full is the export (marks
 * included), NULL when the engine is not asked. */
static int entry_blocker(sv_server *s, sv_comp *c, const scan *x, json_t *sent,
                         const cf_competition *full, by_num o, char *why, size_t cap)
{
    const cf_entry *en = &c->def->entries[o.entry];
    const cf_event *ev = &c->def->events[en->event];
    const char *num = o.number ? o.number : "?";

    why[0] = '\0';
    if (en->status == SC_STATUS_OK)
        for (size_t k = 0; k < ev->n_items && !why[0]; k++) {
            const slot_marks *sl = &x->slots[en->first_slot + k];
            size_t n_required = cf_marks_required(c->def, o.entry, k);
            int open;
            if (sl->n < n_required) {
                snprintf(why, cap, "number %s has %zu of %zu marks on criterion %s", num, sl->n,
                         n_required, cf_item_id(ev, k));
            } else if ((open = slot_open(s, c, sl)) < 0) {
                return ST_ERROR;
            } else if (open) {
                snprintf(why, cap, "the discrepancy on number %s criterion %s is open", num,
                         cf_item_id(ev, k));
            }
        }
    for (size_t k = 0; k < ev->n_items && !why[0]; k++) {
        char key[200];
        json_t *first;
        snprintf(key, sizeof key, "%s/%s", en->id, cf_item_id(ev, k));
        if ((first = json_array_get(json_object_get(sent, key), 0)))
            snprintf(why, cap, "the mark of judge %s on number %s criterion %s was sent back for "
                     "review and is not answered yet",
                     json_string_value(json_object_get(first, "judge")), num, cf_item_id(ev, k));
    }
    if (!why[0] && en->status == SC_STATUS_OK && ev->rules.w_theory && !en->has_theory)
        snprintf(why, cap, "number %s has no theory score, and the theory weight is %d", num,
                 ev->rules.w_theory);
    if (!why[0] && full) {
        /* The engine has the last word: what each aggregation needs of this entry alone. */
        long fi = cf_entry_index(full, en->id);
        cf_marks_source src = cf_file_marks(full);
        cf_results *r = NULL;
        cf_diag diag = {0};
        if (fi >= 0) {
            size_t one = (size_t)fi;
            if (cf_compute_entries(full, &src, &one, 1, 0, &r, &diag))
                snprintf(why, cap, "number %s: %s", num, engine_reason(diag.message));
            cf_results_free(r);
        }
    }
    return ST_OK;
}

/* Why the event cannot be locked yet ("" when it can). The message goes to the chief judge only,
 * who judges blind: it names the blocked entry with the lowest number (工位号), never an entry id,
 * a name or a unit, so that refusals taken one after another do not walk the registration list. */
static int lock_blocker(sv_server *s, sv_comp *c, size_t event, char *why, size_t cap)
{
    const cf_event *ev = &c->def->events[event];
    json_t *numbers = NULL, *sent = NULL;
    by_num *order = malloc((c->def->n_entries + 1) * sizeof *order);
    size_t n = 0, len = 0;
    char *text = NULL;
    cf_competition *full = NULL;
    cf_diag diag = {0};
    scan x = {0};
    int rc = ST_ERROR;

    why[0] = '\0';
    if (!order || !(numbers = sv_numbers(s, c->id, ev->id)) || !(sent = json_object()) ||
        scan_event(s, c, event, &x) ||
        st_sendbacks_open(s->store, c->id, ev->id, add_sendback, sent))
        goto cleanup;
    for (size_t i = 0; i < c->def->n_entries; i++)
        if (c->def->entries[i].event == event)
            order[n++] = (by_num){json_string_value(json_object_get(numbers, c->def->entries[i].id)), i,
                                  false};
    qsort(order, n, sizeof *order, by_num_cmp);
    /* Marks, discrepancies, send-backs and theory first, then the engine over the export. */
    for (size_t i = 0; i < n && !why[0]; i++)
        if (entry_blocker(s, c, &x, sent, NULL, order[i], why, cap))
            goto cleanup;
    if (!why[0]) {
        if (!(text = sv_export(s, c, &len)))
            goto cleanup;
        if (cf_read(text, len, &full, &diag)) {
            snprintf(why, cap, "%s", diag.message);
            rc = ST_OK;
            goto cleanup;
        }
        /* The engine has the last word (the marks each aggregation needs, the rules). A group it
         * refuses is searched entry by entry in number order for the one to name. */
        const char *bad_group = NULL;
        char bad_why[sizeof diag.message] = "";
        for (size_t i = 0; i < n; i++) {
            const cf_entry *en = &c->def->entries[order[i].entry];
            cf_results *r = NULL;
            bool seen = false, failed;
            for (size_t j = 0; j < i && !seen; j++)
                seen = strcmp(c->def->entries[order[j].entry].group, en->group) == 0;
            if (seen)
                continue;
            failed = cf_compute_group(full, event, en->group, 0, &r, &diag) != 0;
            cf_results_free(r);
            if (!failed)
                continue;
            if (!bad_group) {
                bad_group = en->group;
                snprintf(bad_why, sizeof bad_why, "%s", engine_reason(diag.message));
            }
            for (size_t j = 0; j < n; j++)
                if (strcmp(c->def->entries[order[j].entry].group, en->group) == 0)
                    order[j].failed = true;
        }
        for (size_t i = 0; i < n && !why[0]; i++)
            if (order[i].failed && entry_blocker(s, c, &x, sent, full, order[i], why, cap))
                goto cleanup;
        if (!why[0] && bad_group)
            snprintf(why, cap, "group %s: %s", bad_group, bad_why);
    }
    rc = ST_OK;
cleanup:
    cf_free(full);
    free(text);
    scan_free(&x);
    json_decref(sent);
    json_decref(numbers);
    free(order);
    return rc;
}

void api_lock(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c;
    st_event_state st;
    char why[600];
    long ev;

    if (path_event_state(s, rq, rs, &c, &ev, &st))
        return;
    if (!sv_chief_of(&rq->who, c, (size_t)ev)) {
        sv_error(rs, 403, NULL, "only the chief judge of event %s may lock it", rq->seg[3]);
        return;
    }
    if (st.locked) {
        sv_error(rs, 409, NULL, "event %s is locked already", rq->seg[3]);
        return;
    }
    if (lock_blocker(s, c, (size_t)ev, why, sizeof why)) {
        sv_store_error(s, rs);
        return;
    }
    if (why[0]) {
        sv_error(rs, 409, NULL, "event %s cannot be locked: %s", rq->seg[3], why);
        return;
    }
    st.locked = true;
    if (set_state(s, c, rq->seg[3], &st, rq->who.name, "lock",
                  json_pack("{s:s}", "event", rq->seg[3]))) {
        sv_store_error(s, rs);
        return;
    }
    sv_json(rs, 200, json_pack("{s:s,s:b,s:b}", "event", rq->seg[3], "locked", 1, "published",
                               st.published));
}

void api_unlock(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c;
    json_t *body = NULL, *reason, *appeal;
    st_event_state st;
    bool was_published;
    long ev;

    if (path_event_state(s, rq, rs, &c, &ev, &st) || !(body = sv_body_object(rq, rs)))
        goto out;
    reason = json_object_get(body, "reason");
    if (!json_is_string(reason) || json_string_length(reason) < 2 ||
        json_string_length(reason) > 250) {
        sv_error(rs, 400, "reason", "unlocking needs a reason (2 to 250 bytes)");
        goto out;
    }
    if (!st.locked) {
        sv_error(rs, 409, NULL, "event %s is not locked", rq->seg[3]);
        goto out;
    }
    /* Results that may change are no longer the published ones. */
    was_published = st.published;
    st.locked = st.published = false;
    appeal = json_object_get(body, "appeal");
    json_t *detail = json_pack("{s:s,s:s,s:b}", "event", rq->seg[3], "reason",
                               json_string_value(reason), "was_published", was_published);
    if (appeal)
        json_object_set(detail, "appeal", appeal);
    /* An upheld appeal keeps the results as they stood, in the unlock's transaction. */
    if (st_begin(s->store)) {
        json_decref(detail);
        sv_store_error(s, rs);
        goto out;
    }
    if (appeal && sv_appeal_unlock(s, c, rq->seg[3], appeal, rq->who.name,
                                   json_string_value(reason), rs)) {
        json_decref(detail);
        st_rollback(s->store);
        goto out;
    }
    if (set_state_in(s, c, rq->seg[3], &st, rq->who.name, "unlock", detail, true)) {
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 200, json_pack("{s:s,s:b,s:b}", "event", rq->seg[3], "locked", 0, "published", 0));
out:
    json_decref(body);
}

void api_publish(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c;
    st_event_state st;
    long ev;

    if (path_event_state(s, rq, rs, &c, &ev, &st))
        return;
    if (!st.locked) {
        sv_error(rs, 409, NULL, "event %s must be locked by its chief judge before publishing",
                 rq->seg[3]);
        return;
    }
    if (st.published) {
        sv_error(rs, 409, NULL, "event %s is published already", rq->seg[3]);
        return;
    }
    if (sv_appeals_block_publish(s, c, rq->seg[3], rs))
        return;
    st.published = true;
    if (set_state(s, c, rq->seg[3], &st, rq->who.name, "publish",
                  json_pack("{s:s}", "event", rq->seg[3]))) {
        sv_store_error(s, rs);
        return;
    }
    /* Certificates already issued follow the new publication at once: one whose facts changed
     * (an upheld appeal) reads 已作废 from now on, not from whenever someone prints again, and
     * says which appeal's decision changed it. The publication stands if this fails; the next
     * printing syncs the register. */
    char why[400] = RG_REISSUE_WHY;
    sv_appeals_published(s, c, rq->seg[3], rq->who.name, why, sizeof why);
    rg_counts n = {0};
    char err[256] = "";
    bool synced = rg_republish(s->store, c->id, c->doc, rq->who.name, why, &n, err,
                               sizeof err) == 0;
    if (!synced)
        fprintf(stderr, "skillscore: publish %s/%s: register not synced: %s\n", c->id,
                rq->seg[3], err);
    sv_json(rs, 200, json_pack("{s:s,s:b,s:b,s:{s:b,s:I,s:I,s:I}}", "event", rq->seg[3],
                               "locked", 1, "published", 1, "certificates", "synced", synced,
                               "issued", (json_int_t)n.issued, "kept", (json_int_t)n.kept,
                               "revoked", (json_int_t)n.revoked));
}

/* ---- freeze (封榜) ---------------------------------------------------------------------------- */

static void freeze(sv_server *s, sv_request *rq, sv_response *rs, bool on)
{
    sv_comp *c;
    st_event_state st;
    char *rows = NULL;
    long ev;

    if (path_event_state(s, rq, rs, &c, &ev, &st))
        return;
    if (st.published) {
        sv_error(rs, 409, NULL, "event %s is published: its results are shown as they are",
                 rq->seg[3]);
        return;
    }
    if (on && !st.drawn) {
        sv_error(rs, 409, NULL, "event %s has no numbers drawn: public screens show nothing of "
                                "it yet", rq->seg[3]);
        return;
    }
    if (on && !(c->live && (rows = lv_freeze_text(c->live, (size_t)ev, NULL)))) {
        sv_error(rs, 500, NULL, "cannot take the public view of event %s", rq->seg[3]);
        return;
    }
    if (st_begin(s->store) || st_freeze_put(s->store, c->id, rq->seg[3], rows, rq->who.name) ||
        sv_audit(s, rq->who.name, on ? "freeze" : "unfreeze", c->id,
                 json_pack("{s:s}", "event", rq->seg[3])) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        free(rows);
        sv_store_error(s, rs);
        return;
    }
    free(rows);
    sv_live_event(s, c, (size_t)ev);
    sv_json(rs, 200, json_pack("{s:s,s:b}", "event", rq->seg[3], "frozen", on));
}

void api_freeze(sv_server *s, sv_request *rq, sv_response *rs) { freeze(s, rq, rs, true); }
void api_unfreeze(sv_server *s, sv_request *rq, sv_response *rs) { freeze(s, rq, rs, false); }
