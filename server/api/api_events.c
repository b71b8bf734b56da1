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
    k = cf_criterion_index(&x->c->def->events[en->event], m->criterion);
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

static bool spread_too_wide(const cf_event *ev, const slot_marks *sl)
{
    /* spread > max × percent, with the percent in hundredths: compare as integers. */
    return sl->n >= 2 && (sl->hi - sl->lo) * 10000 > ev->criteria[sl->criterion].max * ev->discrepancy;
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
    rc = st_accept_get(s->store, c->id, en->id, ev->criteria[sl->criterion].id, &upto);
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
                            num ? num : json_null(), "criterion", e->criteria[sl->criterion].id,
                            "spread", sc_centi_format(sl->hi - sl->lo, spread), "threshold",
                            sc_centi_format(e->criteria[sl->criterion].max * e->discrepancy / 10000,
                                            thr),
                            "marks", sl->marks, "status", open ? "open" : "accepted"));
        json_t *d = json_array_get(list, json_array_size(list) - 1);
        char key[200];
        sv_mark_outliers(json_object_get(d, "marks"));
        snprintf(key, sizeof key, "%s/%s", entry, e->criteria[sl->criterion].id);
        json_t *sb = json_object_get(sent, key);
        json_object_set_new(d, "sent_back", sb ? json_incref(sb) : json_array());
        /* A chief judge marks blind too: numbers only, in number order. */
        if (rq->who.role == SV_CHIEF)
            json_object_del(d, "entry");
    }
    json_decref(numbers);
    json_decref(sent);
    scan_free(&x);
    if (rq->who.role == SV_CHIEF && !sv_sort_by_number(list)) {
        json_decref(list);
        sv_error(rs, 500, NULL, "out of memory");
        return;
    }
    sv_json(rs, 200, json_pack("{s:s,s:o}", "event", e->id, "discrepancies", list));
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
    if ((k = cf_criterion_index(&c->def->events[ev], crit)) < 0) {
        sv_error(rs, 400, "criterion", "criterion %s is not a criterion of event %s", crit,
                 rq->seg[3]);
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

/* Why the event cannot be locked yet ("" when it can). */
static int lock_blocker(sv_server *s, sv_comp *c, size_t event, char *why, size_t cap)
{
    const cf_event *ev = &c->def->events[event];
    size_t n_required = cf_marks_required(c->def, event);
    scan x;
    int rc = ST_OK;

    why[0] = '\0';
    if (scan_event(s, c, event, &x)) {
        scan_free(&x);
        return ST_ERROR;
    }
    for (size_t i = 0; i < c->def->n_entries && !why[0]; i++) {
        const cf_entry *en = &c->def->entries[i];
        if (en->event != event || en->status != SC_STATUS_OK)
            continue;
        for (size_t k = 0; k < ev->n_criteria && !why[0]; k++) {
            const slot_marks *sl = &x.slots[en->first_slot + k];
            if (sl->n < n_required)
                snprintf(why, cap, "entry %s has %zu of %zu marks on criterion %s", en->id, sl->n,
                         n_required, ev->criteria[k].id);
            else {
                int open = slot_open(s, c, sl);
                if (open < 0)
                    rc = ST_ERROR;
                else if (open)
                    snprintf(why, cap, "the discrepancy on entry %s criterion %s is open", en->id,
                             ev->criteria[k].id);
            }
        }
    }
    scan_free(&x);
    if (rc == ST_OK && !why[0]) {
        json_t *sent = json_object();
        if (!sent || st_sendbacks_open(s->store, c->id, ev->id, add_sendback, sent))
            rc = ST_ERROR;
        else if (json_object_size(sent)) {
            const char *key = json_object_iter_key(json_object_iter(sent));
            const char *slash = strchr(key, '/');
            json_t *first = json_array_get(json_object_iter_value(json_object_iter(sent)), 0);
            snprintf(why, cap, "the mark of judge %s on entry %.*s criterion %s was sent back "
                     "for review and is not answered yet",
                     json_string_value(json_object_get(first, "judge")), (int)(slash - key), key,
                     slash + 1);
        }
        json_decref(sent);
    }
    if (rc == ST_OK && !why[0]) {
        /* The engine has the last word: theory scores, and the marks each aggregation needs. */
        size_t len = 0;
        char *text = sv_export(s, c, &len);
        cf_competition *full = NULL;
        cf_results *r = NULL;
        cf_diag diag = {0};
        if (!text)
            return ST_ERROR;
        if (cf_read(text, len, &full, &diag) == 0)
            for (size_t i = 0; i < full->n_entries && !why[0]; i++) {
                const cf_entry *en = &full->entries[i];
                bool seen = false;
                for (size_t j = 0; j < i && !seen; j++)
                    seen = full->entries[j].event == event && strcmp(full->entries[j].group, en->group) == 0;
                if (en->event != event || seen)
                    continue;
                if (cf_compute_group(full, event, en->group, 0, &r, &diag))
                    snprintf(why, cap, "%s", diag.message);
                cf_results_free(r);
                r = NULL;
            }
        else
            snprintf(why, cap, "%s", diag.message);
        cf_free(full);
        free(text);
    }
    return rc;
}

/* Only the chief judge locks, and a chief judges blind: every entry id of the event in a message
 * to them becomes its number (工位号). */
static void blind_ids(sv_server *s, sv_comp *c, size_t event, char *text, size_t cap)
{
    json_t *numbers = sv_numbers(s, c->id, c->def->events[event].id);
    unsigned replaced = 0;
    for (size_t i = 0; numbers && i < c->def->n_entries && replaced < 8; i++) {
        const cf_entry *en = &c->def->entries[i];
        const char *num = json_string_value(json_object_get(numbers, en->id)), *at;
        char out[600], with[64];
        if (en->event != event || !(at = strstr(text, en->id)))
            continue;
        snprintf(with, sizeof with, "number %s", num ? num : "?");
        /* "entry E02-W01" reads "number 07"; a bare id is replaced by the number alone. */
        size_t pre = (size_t)(at - text);
        if (pre >= 6 && strncmp(at - 6, "entry ", 6) == 0)
            pre -= 6;
        else
            snprintf(with, sizeof with, "%s", num ? num : "?");
        snprintf(out, sizeof out, "%.*s%s%s", (int)pre, text, with, at + strlen(en->id));
        snprintf(text, cap, "%s", out);
        replaced++;
        i = (size_t)-1; /* start again: the text may name another entry */
    }
    json_decref(numbers);
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
        blind_ids(s, c, (size_t)ev, why, sizeof why);
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
    char why[400] = "成绩经复核变更，证书重新签发";
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
