/*
 * api_marks.c — a judge's mark, a correction, and a judge's marking sheet.
 *
 * A mark carries the client's UUID so that a tablet on flaky venue Wi-Fi can resend it safely:
 * the same id with the same content answers 200 and stores nothing; the same id with other
 * content is a 409. A judge marks only as themself, only in their competition and events, and
 * only while the event is unlocked; the organizer may key in a paper sheet for a judge, recorded
 * as on_behalf. A slot (entry, criterion, judge) holds one current mark; changing it takes a
 * correction with a reason, which appends a row that supersedes the old one.
 */
#include "server/core/live.h"
#include "server/api/api.h"
#include "server/core/batch.h"
#include "server/core/server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char ch = s[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? ch != '-'
                 : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    }
    return true;
}

static void number_found(void *ctx, const char *entry, const char *number)
{
    json_object_set_new(ctx, entry, json_string(number));
}

json_t *sv_numbers(sv_server *s, const char *comp, const char *event)
{
    json_t *o = json_object();
    if (o && st_numbers(s->store, comp, event, number_found, o)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

long sv_path_event(sv_comp *c, sv_request *rq, sv_response *rs)
{
    long ev = cf_event_index(c->def, rq->seg[3]);
    if (ev < 0)
        sv_error(rs, 404, NULL, "no event %s in competition %s", rq->seg[3], c->id);
    return ev;
}

long sv_body_entry(sv_server *s, sv_comp *c, const sv_principal *who, json_t *body,
                   size_t event, sv_response *rs)
{
    json_t *num = json_object_get(body, "number");
    char entry[64];
    long ei;

    if (json_object_get(body, "entry")) {
        const char *id;
        /* Judges mark blind: an entry id in their request could be tried against the numbers
         * they see until one is accepted, which would unmask the draw. */
        if (who->role == SV_JUDGE || who->role == SV_CHIEF) {
            sv_error(rs, 400, "entry", "judges name an entry by its number (工位号), field "
                                       "\"number\", never by its id");
            return -1;
        }
        if (!(id = sv_field_string(body, "entry", rs)))
            return -1;
        if (!id)
            return -1;
        if ((ei = cf_entry_index(c->def, id)) < 0)
            sv_error(rs, 400, "entry", "entry %s is not in competition %s", id, c->id);
        return ei;
    }
    if (!num) {
        sv_error(rs, 400, "entry", "missing field \"entry\" (or \"number\", the 工位号)");
        return -1;
    }
    if (!json_is_string(num) || json_string_length(num) == 0 || json_string_length(num) > 16) {
        sv_error(rs, 400, "number", "field \"number\" must be a string of 1 to 16 bytes");
        return -1;
    }
    long ri = sv_judge_index(who, c);
    size_t n = event != (size_t)-1 ? 1 : ri >= 0 ? c->def->roster[ri].n_events : 0;
    for (size_t i = 0; i < n; i++) {
        size_t ev = event != (size_t)-1 ? event : c->def->roster[ri].events[i];
        int rc = st_number_entry(s->store, c->id, c->def->events[ev].id, json_string_value(num),
                                 entry);
        if (rc == ST_OK)
            return cf_entry_index(c->def, entry);
        if (rc != ST_NOTFOUND) {
            sv_store_error(s, rs);
            return -1;
        }
    }
    sv_error(rs, 400, "number", "no entry has number %s in your events", json_string_value(num));
    return -1;
}

/* What a mark or correction request says, checked against the competition. */
typedef struct mark_req {
    char uuid[37];          /* lower case: a resend in capitals is the same id */
    const char *judge;
    long entry, criterion;
    sc_centi score;
    bool by_number;
    const char *reason;
} mark_req;

static int read_score(json_t *v, sc_centi max, sc_centi *out, sv_response *rs)
{
    char mx[24];
    if (!v) {
        sv_error(rs, 400, "score", "missing field \"score\"");
        return -1;
    }
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0 || i > max / 100 + 1) {
            sv_error(rs, 400, "score", "score %lld is outside 0 to %s", (long long)i,
                     sc_centi_format_short(max, mx));
            return -1;
        }
        *out = (sc_centi)i * 100;
    } else if (json_is_real(v)) {
        int rc = cf_centi_from_double(json_real_value(v), out);
        if (rc == CF_NUM_DECIMALS) {
            sv_error(rs, 400, "score", "score %.15g has more than 2 decimal places",
                     json_real_value(v));
            return -1;
        }
        if (rc) {
            sv_error(rs, 400, "score", "score %.15g is outside 0 to %s", json_real_value(v),
                     sc_centi_format_short(max, mx));
            return -1;
        }
    } else {
        sv_error(rs, 400, "score", "score must be a number");
        return -1;
    }
    if (*out > max) {
        char sc[24];
        sv_error(rs, 400, "score", "score %s is above the criterion's maximum %s",
                 sc_centi_format_short(*out, sc), sc_centi_format_short(max, mx));
        return -1;
    }
    return 0;
}

int sv_refuse_recused(const sv_comp *c, const char *judge, size_t entry, sv_response *rs)
{
    if (!cf_judge_recused(c->def, judge, entry))
        return 0;
    sv_error(rs, 403, "judge", "judge %s shares a unit with this contestant and must not mark "
             "them (回避)", judge);
    return -1;
}

/* Reads and checks everything but the stored state. 0, or -1 with rs filled. */
static int read_mark_req(sv_server *s, sv_comp *c, sv_request *rq, json_t *body, mark_req *m,
                         bool is_correction, sv_response *rs)
{
    const sv_principal *who = &rq->who;
    const char *crit, *id;
    const cf_event *ev;
    long ei = -1;
    char why[200];

    memset(m, 0, sizeof *m);
    if (!(id = sv_field_string(body, "id", rs)))
        return -1;
    if (!is_uuid(id)) {
        sv_error(rs, 400, "id", "id must be a UUID made by the client, like "
                                "\"3f2b8c1e-0d4a-4e7b-9c61-2a5d8e9f0b13\"");
        return -1;
    }
    for (size_t i = 0; i < 36; i++)
        m->uuid[i] = (char)tolower((unsigned char)id[i]);
    if (who->role != SV_ADMIN && strcmp(who->competition, c->id) != 0) {
        sv_error(rs, 403, NULL, "you are signed in for competition %s, not %s", who->competition,
                 c->id);
        return -1;
    }
    if (!(m->judge = sv_field_string(body, "judge", rs)))
        return -1;
    /* A chief judge may correct another judge's mark; post_mark checks the event. */
    if (who->role != SV_ADMIN && !(is_correction && who->role == SV_CHIEF) &&
        strcmp(m->judge, who->name) != 0) {
        sv_error(rs, 403, "judge", "judge %s may not send marks as judge %s", who->name, m->judge);
        return -1;
    }
    m->by_number = json_object_get(body, "entry") == NULL;
    /* A judge of several events names the event, since each event draws its own numbers. */
    if (json_object_get(body, "event")) {
        const char *evid = sv_field_string(body, "event", rs);
        if (!evid)
            return -1;
        if ((ei = cf_event_index(c->def, evid)) < 0) {
            sv_error(rs, 400, "event", "event %s is not in competition %s", evid, c->id);
            return -1;
        }
    }
    if ((m->entry = sv_body_entry(s, c, who, body, (size_t)ei, rs)) < 0)
        return -1;
    if (ei >= 0 && c->def->entries[m->entry].event != (size_t)ei) {
        sv_error(rs, 400, "event", "entry %s is not in event %s", c->def->entries[m->entry].id,
                 c->def->events[ei].id);
        return -1;
    }
    ev = &c->def->events[c->def->entries[m->entry].event];
    switch (cf_judge_may_mark(c->def, m->judge, c->def->entries[m->entry].event)) {
    case CF_JUDGE_NOT_LISTED:
        sv_error(rs, 400, "judge", "judge %s is not on the judges list", m->judge);
        return -1;
    case CF_JUDGE_NOT_OF_EVENT:
        sv_error(rs, who->role == SV_ADMIN ? 400 : 403, "judge",
                 "judge %s is not a judge of event %s", m->judge, ev->id);
        return -1;
    }
    if (!(crit = sv_field_string(body, "criterion", rs)))
        return -1;
    if ((m->criterion = cf_item_index(ev, crit)) < 0) {
        sv_error(rs, 400, "criterion", "criterion %s is not a criterion of event %s", crit,
                 ev->id);
        return -1;
    }
    if (sv_refuse_recused(c, m->judge, (size_t)m->entry, rs))
        return -1;
    /* An aspect's record is checked by its own rule below, which says what it may be. */
    if (read_score(json_object_get(body, "score"),
                   ev->n_aspects ? SC_CENTI_MAX : cf_item_max(ev, (size_t)m->criterion), &m->score,
                   rs))
        return -1;
    if (cf_item_check(ev, (size_t)m->criterion, m->score, why, sizeof why)) {
        sv_error(rs, 400, "score", "%s", why);
        return -1;
    }
    return 0;
}

static json_t *mark_json(const sv_comp *c, const st_mark *row, const sv_principal *who,
                         bool by_number, int status)
{
    char sc[24];
    json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:s}", "id", row->uuid, "seq", (json_int_t)row->seq,
                          "criterion", row->criterion, "judge", row->judge, "score",
                          sc_centi_format(row->score, sc));
    (void)c;
    if (!(who->role == SV_JUDGE || who->role == SV_CHIEF) || !by_number)
        json_object_set_new(o, "entry", json_string(row->entry));
    if (row->supersedes)
        json_object_set_new(o, "supersedes", json_integer(row->supersedes));
    json_object_set_new(o, "stored", json_boolean(status == 201));
    return o;
}

/* The row a checked request would store. */
static void row_of(const sv_comp *c, const sv_request *rq, const mark_req *m, st_mark *row)
{
    const cf_entry *en = &c->def->entries[m->entry];
    const cf_event *ev = &c->def->events[en->event];
    memset(row, 0, sizeof *row);
    snprintf(row->uuid, sizeof row->uuid, "%s", m->uuid);
    snprintf(row->entry, sizeof row->entry, "%s", en->id);
    snprintf(row->criterion, sizeof row->criterion, "%s", cf_item_id(ev, (size_t)m->criterion));
    snprintf(row->judge, sizeof row->judge, "%s", m->judge);
    snprintf(row->actor, sizeof row->actor, "%s", rq->who.name);
    snprintf(row->reason, sizeof row->reason, "%s", m->reason ? m->reason : "");
    row->score = m->score;
    row->on_behalf = strcmp(rq->who.name, m->judge) != 0;
}

/* A resend of a stored request is answered from the store, whatever happened since: true when
 * rs holds that answer (or a store error). */
static bool answered_as_resend(sv_server *s, const sv_comp *c, const sv_request *rq,
                               const mark_req *m, const st_mark *row, bool is_correction,
                               sv_response *rs)
{
    st_mark old;
    int rc = st_mark_by_uuid(s->store, c->id, m->uuid, &old);
    if (rc == ST_NOTFOUND)
        return false;
    if (rc != ST_OK)
        sv_store_error(s, rs);
    else if (strcmp(old.entry, row->entry) == 0 && strcmp(old.criterion, row->criterion) == 0 &&
             strcmp(old.judge, row->judge) == 0 && old.score == row->score &&
             (old.supersedes != 0) == is_correction)
        sv_json(rs, 200, mark_json(c, &old, &rq->who, m->by_number, 200));
    else
        sv_error(rs, 409, "id", "id %s was already used for a different %s", m->uuid,
                 old.supersedes ? "correction" : "mark");
    return true;
}

/* May this mark or correction be stored now: the event open, the caller allowed, the slot empty
 * (a mark) or filled (a correction, whose current row lands in *cur). 0, or -1 after a reply. */
static int slot_allows(sv_server *s, const sv_comp *c, const sv_request *rq, const mark_req *m,
                       const st_mark *row, bool is_correction, st_mark *cur, sv_response *rs)
{
    const cf_entry *en = &c->def->entries[m->entry];
    const cf_event *ev = &c->def->events[en->event];
    st_event_state es;
    int rc;

    if (st_event_get(s->store, c->id, ev->id, &es)) {
        sv_store_error(s, rs);
        return -1;
    }
    if (es.locked) {
        sv_error(rs, 409, NULL, "event %s is locked; arbitration must unlock it first", ev->id);
        return -1;
    }
    if (is_correction && rq->who.role != SV_ADMIN && strcmp(m->judge, rq->who.name) != 0) {
        long ri = sv_judge_index(&rq->who, c);
        if (rq->who.role != SV_CHIEF || ri < 0 ||
            !cf_roster_judges_event(&c->def->roster[ri], en->event)) {
            sv_error(rs, 403, "judge", "only the judge, the chief judge of %s or the organizer "
                                       "may correct this mark", ev->id);
            return -1;
        }
    }
    rc = st_mark_current(s->store, c->id, row->entry, row->criterion, row->judge, cur);
    if (rc == ST_ERROR) {
        sv_store_error(s, rs);
        return -1;
    }
    if (!is_correction && rc == ST_OK) {
        sv_error(rs, 409, "criterion", "judge %s has already marked this entry on criterion %s; "
                 "send a correction with a reason to change it", row->judge, row->criterion);
        return -1;
    }
    if (is_correction && rc == ST_NOTFOUND) {
        sv_error(rs, 409, "criterion", "there is no mark to correct yet; send it as a mark");
        return -1;
    }
    return 0;
}

/* Stores the row with its audit row in its own savepoint of the group commit. 0, or -1 after a
 * reply. */
static int store_row(sv_server *s, const sv_comp *c, const sv_request *rq, const st_mark *cur,
                     st_mark *row, bool is_correction, sv_response *rs)
{
    char sc[24], was[24];
    json_t *detail = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", row->uuid, "entry", row->entry,
                               "criterion", row->criterion, "judge", row->judge, "score",
                               sc_centi_format(row->score, sc), "on_behalf", row->on_behalf);
    if (is_correction) {
        row->supersedes = cur->seq;
        json_object_set_new(detail, "was", json_string(sc_centi_format(cur->score, was)));
        json_object_set_new(detail, "reason", json_string(row->reason));
    }
    if (sv_batch_join(s)) {
        json_decref(detail);
        sv_store_error(s, rs);
        return -1;
    }
    int closed = 0;
    if (st_savepoint(s->store) || st_mark_insert(s->store, c->id, row) ||
        /* A correction answers a send-back of that mark (退回复评), whoever makes it. */
        (is_correction && st_sendback_close(s->store, c->id, row->entry, row->criterion,
                                            row->judge, "corrected", rq->who.name, &closed))) {
        json_decref(detail);
        goto fail;
    }
    if (closed)
        json_object_set_new(detail, "sendback", json_string("answered"));
    /* sv_audit takes detail, whatever it returns. */
    if (sv_audit(s, rq->who.name, is_correction ? "correction" : "mark", c->id, detail) ||
        st_release(s->store))
        goto fail;
    return 0;
fail:
    st_rollback_to(s->store);
    sv_store_error(s, rs);
    return -1;
}

int api_mark_store(sv_server *s, sv_comp *c, const sv_request *rq, const char *uuid, long entry,
                   long criterion, const char *judge, sc_centi score, bool by_number,
                   sv_response *rs)
{
    mark_req m = {.judge = judge, .entry = entry, .criterion = criterion, .score = score,
                  .by_number = by_number};
    st_mark row, cur = {0};
    uint64_t live_seq;
    json_t *reply;

    snprintf(m.uuid, sizeof m.uuid, "%s", uuid);
    row_of(c, rq, &m, &row);
    if (slot_allows(s, c, rq, &m, &row, false, &cur, rs) ||
        store_row(s, c, rq, &cur, &row, false, rs))
        return -1;
    live_seq = c->live ? lv_mark(c->live, (size_t)entry, (size_t)criterion, judge, score) : 0;
    reply = mark_json(c, &row, &rq->who, by_number, 201);
    if (live_seq)
        json_object_set_new(reply, "live_seq", json_integer((json_int_t)live_seq));
    sv_json(rs, 201, reply);
    return 0;
}

/* Shared by marks and corrections: is_correction picks which. */
static void post_mark(sv_server *s, sv_request *rq, sv_response *rs, bool is_correction)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *reply;
    mark_req m;
    st_mark row, cur = {0};
    uint64_t live_seq;

    if (!c || !(body = sv_body_object(rq, rs)) ||
        read_mark_req(s, c, rq, body, &m, is_correction, rs))
        goto out;
    if (is_correction) {
        json_t *r = json_object_get(body, "reason");
        if (!json_is_string(r) || json_string_length(r) < 2 || json_string_length(r) > 250) {
            sv_error(rs, 400, "reason", "a correction needs a reason (2 to 250 bytes)");
            goto out;
        }
        m.reason = json_string_value(r);
    }
    row_of(c, rq, &m, &row);
    if (answered_as_resend(s, c, rq, &m, &row, is_correction, rs) ||
        slot_allows(s, c, rq, &m, &row, is_correction, &cur, rs) ||
        store_row(s, c, rq, &cur, &row, is_correction, rs))
        goto out;
    live_seq = c->live ? lv_mark(c->live, (size_t)m.entry, (size_t)m.criterion, row.judge,
                                 row.score)
                       : 0;
    reply = mark_json(c, &row, &rq->who, m.by_number, 201);
    if (live_seq)
        json_object_set_new(reply, "live_seq", json_integer((json_int_t)live_seq));
    sv_json(rs, 201, reply);
out:
    json_decref(body);
}

void api_marks_post(sv_server *s, sv_request *rq, sv_response *rs) { post_mark(s, rq, rs, false); }

void api_corrections_post(sv_server *s, sv_request *rq, sv_response *rs)
{
    post_mark(s, rq, rs, true);
}

/* ---- the marking sheet ----------------------------------------------------------------------- */

typedef struct sheet_ctx {
    const sv_comp *c;
    size_t event;
    const char *only_judge; /* a judge sees their own marks only */
    json_t *rows;           /* entry id -> row object */
} sheet_ctx;

static int sheet_mark(void *ctx, const st_mark *m)
{
    sheet_ctx *x = ctx;
    json_t *row = json_object_get(x->rows, m->entry), *marks;
    char sc[24];
    if (!row || (x->only_judge && strcmp(m->judge, x->only_judge) != 0))
        return 0;
    marks = json_object_get(row, "marks");
    if (x->only_judge)
        json_object_set_new(marks, m->criterion, json_string(sc_centi_format(m->score, sc)));
    else {
        json_t *per = json_object_get(marks, m->criterion);
        if (!per) {
            per = json_object();
            json_object_set_new(marks, m->criterion, per);
        }
        json_object_set_new(per, m->judge, json_string(sc_centi_format(m->score, sc)));
    }
    return 0;
}

/* Marks sent back for review show on the row: a judge sees their own, with the chief's note. */
static void sheet_sendback(void *ctx, const st_sendback *b)
{
    sheet_ctx *x = ctx;
    json_t *row = json_object_get(x->rows, b->entry), *list;
    if (!row || (x->only_judge && strcmp(b->judge, x->only_judge) != 0))
        return;
    if (!(list = json_object_get(row, "sendbacks"))) {
        list = json_array();
        json_object_set_new(row, "sendbacks", list);
    }
    json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "criterion", b->criterion,
                                          "judge", b->judge, "note", b->note, "by", b->by));
}

/* For the chief judge's review: per row, the judges whose mark on a criterion is farthest from
 * the panel's median, {"A": ["J08"]}, criteria without one left out. */
static void sheet_outliers(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *crit;
        json_t *per, *out = json_object();
        json_object_foreach(json_object_get(row, "marks"), crit, per) {
            const char *judge;
            json_t *score, *list = json_array(), *flagged = json_array(), *m;
            size_t k;
            json_object_foreach(per, judge, score)
                json_array_append_new(list, json_pack("{s:s,s:O}", "judge", judge, "score", score));
            sv_mark_outliers(list);
            json_array_foreach(list, k, m) {
                if (json_object_get(m, "outlier"))
                    json_array_append(flagged, json_object_get(m, "judge"));
            }
            if (json_array_size(flagged))
                json_object_set_new(out, crit, flagged);
            else
                json_decref(flagged);
            json_decref(list);
        }
        json_object_set_new(row, "outliers", out);
    }
}

static int by_number(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "number"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "number"));
    /* Numbers share one width, so text order is numeric order; undrawn rows go last. */
    if (!x || !y)
        return !x - !y;
    return strcmp(x, y);
}

bool sv_sort_by_number(json_t *list)
{
    size_t n = json_array_size(list);
    json_t **rows = malloc((n + 1) * sizeof *rows);
    if (!rows)
        return false;
    for (size_t i = 0; i < n; i++)
        rows[i] = json_incref(json_array_get(list, i));
    qsort(rows, n, sizeof *rows, by_number);
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, rows[i]);
    free(rows);
    return true;
}

/* Marks the mark(s) of [{judge, score}] farthest from the panel's median (sc_outliers) with
 * "outlier": true. */
void sv_mark_outliers(json_t *marks)
{
    size_t n = json_array_size(marks), i;
    sc_centi v[SC_OUTLIER_MAX];
    bool flag[SC_OUTLIER_MAX];
    json_t *m;
    if (n > SC_OUTLIER_MAX)
        return;
    json_array_foreach(marks, i, m) {
        const char *t = json_string_value(json_object_get(m, "score"));
        if (!t || sc_centi_parse(t, strlen(t), &v[i]))
            return;
    }
    if (!sc_outliers(v, n, flag))
        return;
    json_array_foreach(marks, i, m) {
        if (flag[i])
            json_object_set_new(m, "outlier", json_true());
    }
}

void api_sheet(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    bool judge_view;
    json_t *numbers = NULL, *list = NULL;
    sheet_ctx x = {0};
    long ev;

    if (!c || (ev = sv_path_event(c, rq, rs)) < 0)
        return;
    judge_view = rq->who.role == SV_JUDGE || rq->who.role == SV_CHIEF;
    if (judge_view) {
        long ri = sv_judge_index(&rq->who, c);
        if (ri < 0 || !cf_roster_judges_event(&c->def->roster[ri], (size_t)ev)) {
            sv_error(rs, 403, NULL, "%s is not a judge of event %s", rq->who.name, rq->seg[3]);
            return;
        }
        if (rq->who.role == SV_JUDGE)
            x.only_judge = rq->who.name;
    }
    if (!(numbers = sv_numbers(s, c->id, rq->seg[3]))) {
        sv_store_error(s, rs);
        return;
    }
    if (judge_view && json_object_size(numbers) == 0) {
        sv_error(rs, 409, NULL, "the numbers (工位号) of event %s are not drawn yet", rq->seg[3]);
        goto out;
    }
    x.c = c;
    x.event = (size_t)ev;
    x.rows = json_object();
    list = json_array();
    for (size_t i = 0; i < c->def->n_entries; i++) {
        const cf_entry *en = &c->def->entries[i];
        json_t *row, *num;
        if (en->event != (size_t)ev)
            continue;
        num = json_object_get(numbers, en->id);
        row = json_pack("{s:o,s:s,s:o}", "number", num ? json_incref(num) : json_null(),
                        "status", sc_status_key(en->status), "marks", json_object());
        if (!judge_view) {
            json_object_set_new(row, "entry", json_string(en->id));
            json_object_set_new(row, "group", json_string(en->group));
        }
        json_object_set_new(x.rows, en->id, row);
        json_array_append(list, row);
    }
    if (st_marks_current(s->store, c->id, sheet_mark, &x) ||
        st_sendbacks_open(s->store, c->id, rq->seg[3], sheet_sendback, &x)) {
        sv_store_error(s, rs);
        goto out;
    }
    if (!x.only_judge)
        sheet_outliers(list);
    /* Judges see rows in number order, so the order of entries in the file tells nothing. */
    if (judge_view && !sv_sort_by_number(list)) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    /* Who marks this event, so progress can list a judge who has marked nothing yet. A judge
     * sees only themself. */
    json_t *panel = json_array();
    for (size_t j = 0; j < c->def->n_roster; j++) {
        const cf_roster_judge *rj = &c->def->roster[j];
        if (cf_roster_judges_event(rj, (size_t)ev) &&
            (!x.only_judge || strcmp(x.only_judge, rj->id) == 0))
            json_array_append_new(panel, json_string(rj->id));
    }
    sv_json(rs, 200, json_pack("{s:s,s:s,s:O,s:o}", "event", rq->seg[3], "view",
                               judge_view ? (x.only_judge ? "judge" : "chief") : "full", "rows",
                               list, "judges", panel));
out:
    json_decref(numbers);
    json_decref(list);
    json_decref(x.rows);
}
