/*
 * api_analytics.c — the judge analytics of an event (裁判评分分析, issue 18) as JSON and as the
 * 裁判评分分析表 PDF:
 *
 *   GET /api/competitions/{id}/events/{ev}/analytics
 *   GET /api/competitions/{id}/events/{ev}/reports/analytics.pdf
 *
 * For the event's chief judge while marking, the organizer and 监督仲裁 (routes.c keeps judges,
 * displays and everyone else out before a handler runs; here a chief of another event is refused
 * before any mark is read). The figures rest on the marks the server holds now — the store's
 * current marks, corrections applied, as the discrepancy list reads them — and are computed by
 * compfile's cf_event_analytics over the engine. The answer names judges only: a chief judge
 * marks blind, so no entry id, number, name or unit appears in it.
 */
#include "server/api/api.h"
#include "server/core/server.h"
#include "server/lib/strmap.h"

#include "reports/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the marks held now, as a judged source ------------------------------------------------ */

typedef struct held_mark {
    size_t slot; /* the competition's slot: entry's first_slot + criterion */
    size_t seq;  /* order of arrival, to keep the sort stable */
    char judge[64];
    sc_centi score;
} held_mark;

typedef struct held {
    const cf_competition *def;
    size_t event;
    sm_map *entry_of; /* entry id -> index into def->entries (entries of the event only) */
    held_mark *m;
    size_t n, cap;
    size_t *start; /* per slot of the competition: marks m[start[s] .. start[s + 1]) */
    bool oom;
} held;

static int take_mark(void *ctx, const st_mark *sm)
{
    held *h = ctx;
    const size_t *e = sm_get(h->entry_of, sm->entry);
    long k;
    if (!e)
        return 0; /* another event's entry */
    k = cf_item_index(&h->def->events[h->event], sm->criterion);
    if (k < 0)
        return 0;
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 256;
        held_mark *grown = realloc(h->m, cap * sizeof *grown);
        if (!grown) {
            h->oom = true;
            return 1;
        }
        h->m = grown;
        h->cap = cap;
    }
    held_mark *m = &h->m[h->n];
    m->slot = h->def->entries[*e].first_slot + (size_t)k;
    m->seq = h->n++;
    snprintf(m->judge, sizeof m->judge, "%s", sm->judge);
    m->score = sm->score;
    return 0;
}

static int by_slot(const void *pa, const void *pb)
{
    const held_mark *a = pa, *b = pb;
    return a->slot != b->slot ? (a->slot > b->slot) - (a->slot < b->slot)
                              : (a->seq > b->seq) - (a->seq < b->seq);
}

static size_t held_count(const void *ctx, size_t slot)
{
    const held *h = ctx;
    return h->start[slot + 1] - h->start[slot];
}

static void held_copy(const void *ctx, size_t slot, sc_centi *scores, const char **judges)
{
    const held *h = ctx;
    for (size_t i = h->start[slot], n = 0; i < h->start[slot + 1]; i++, n++) {
        scores[n] = h->m[i].score;
        judges[n] = h->m[i].judge;
    }
}

static void held_free(held *h)
{
    sm_free(h->entry_of);
    free(h->m);
    free(h->start);
}

/* Reads the event's current marks into h: ST_OK, or ST_ERROR (store or memory). */
static int held_read(sv_server *s, const sv_comp *c, size_t event, held *h)
{
    const cf_competition *def = c->def;
    memset(h, 0, sizeof *h);
    h->def = def;
    h->event = event;
    if (!(h->entry_of = sm_new(sizeof(size_t))) ||
        !(h->start = calloc(def->n_slots + 1, sizeof *h->start)))
        return ST_ERROR;
    for (size_t i = 0; i < def->n_entries; i++) {
        size_t *v;
        if (def->entries[i].event != event)
            continue;
        if (!(v = sm_put(h->entry_of, def->entries[i].id, NULL)))
            return ST_ERROR;
        *v = i;
    }
    if (st_marks_current(s->store, c->id, take_mark, h) || h->oom)
        return ST_ERROR;
    if (h->n)
        qsort(h->m, h->n, sizeof *h->m, by_slot);
    /* Counting sort's offsets: start[s] is the first mark of slot s. */
    for (size_t i = 0; i < h->n; i++)
        h->start[h->m[i].slot + 1]++;
    for (size_t slot = 0; slot < def->n_slots; slot++)
        h->start[slot + 1] += h->start[slot];
    return ST_OK;
}

/* The path's competition and event, the caller allowed on it, and the analytics of its current
 * marks: 0 with *c, *ev and *a (the caller frees *a), or -1 after a reply. */
static int analyse(sv_server *s, sv_request *rq, sv_response *rs, sv_comp **c, long *ev,
                   cf_analytics **a)
{
    held h;
    cf_diag diag = {0};
    int rc;

    *a = NULL;
    if (!(*c = sv_path_comp(s, rq, rs)) || (*ev = sv_path_event(*c, rq, rs)) < 0)
        return -1;
    /* Before a mark is read: a chief judge sees the analytics of their own events only. */
    if (rq->who.role == SV_CHIEF && !sv_chief_of(&rq->who, *c, (size_t)*ev)) {
        sv_error(rs, 403, NULL, "%s is not the chief judge of event %s", rq->who.name, rq->seg[3]);
        return -1;
    }
    if (held_read(s, *c, (size_t)*ev, &h)) {
        held_free(&h);
        sv_store_error(s, rs);
        return -1;
    }
    cf_judged_source src = {held_count, held_copy, &h};
    rc = cf_event_analytics((*c)->def, (size_t)*ev, &src, a, &diag);
    held_free(&h);
    if (rc) {
        sv_error(rs, 500, NULL, "cannot analyse the marks of event %s: %s", rq->seg[3],
                 diag.message);
        return -1;
    }
    return 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_t *centi_or_null(bool has, int64_t v)
{
    char buf[24];
    return has ? json_string(sc_centi_format(v, buf)) : json_null();
}

static json_t *judge_json(const cf_analytics *a, const cf_judge_analytics *j)
{
    const sc_judge_stats *st = &j->stats;
    json_t *items = json_array(), *reasons = json_array(), *o;
    char text[600], exact[48];

    for (size_t k = 0; k < a->n_items; k++) {
        const sc_judge_item *it = &j->items[k];
        json_array_append_new(
            items,
            json_pack("{s:s,s:I,s:I,s:o,s:o,s:I}", "item", a->item_id[k], "marks",
                      (json_int_t)it->marks, "compared", (json_int_t)it->compared, "mean_deviation",
                      centi_or_null(it->compared > 0,
                                    it->compared ? sc_div_round(it->dev2, 2 * it->compared) : 0),
                      "leniency",
                      centi_or_null(it->max_sum > 0,
                                    it->max_sum ? sc_div_round(5000 * it->dev2, it->max_sum) : 0),
                      "flags", (json_int_t)it->flags));
    }
    for (unsigned bit = 1; bit <= SC_JUDGE_DISCREPANT; bit <<= 1)
        if (j->reasons & bit)
            json_array_append_new(reasons, json_string(cf_judge_reason_key(bit)));
    snprintf(exact, sizeof exact, "%lld/%lld", (long long)st->rho_num, (long long)st->rho_den);
    o = json_pack("{s:s,s:o,s:b,s:b,s:I,s:I,s:o,s:o,s:o,s:I,s:I,s:b,s:o,s:o}", "id", j->id, "name",
                  j->name ? json_string(j->name) : json_null(), "listed", j->listed, "chief",
                  j->chief, "marks", (json_int_t)st->marks, "compared", (json_int_t)st->compared,
                  "leniency", centi_or_null(st->has_leniency, st->leniency), "rho",
                  centi_or_null(st->has_rho, st->rho_centi), "rho_exact",
                  st->has_rho ? json_string(exact) : json_null(), "rho_entries",
                  (json_int_t)st->entries, "flags", (json_int_t)st->flags, "flagged",
                  j->reasons != 0, "reasons", reasons, "items", items);
    /* The reasons as the 裁判评分分析表 words them, with the figure and the threshold. */
    json_object_set_new(o, "reason_text",
                        json_string(rp_judge_reasons(j, &a->thresholds, text, sizeof text)));
    return o;
}

void api_analytics(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c;
    cf_analytics *a;
    json_t *items, *judges;
    char b[24], d[24], m[24];
    long ev;

    if (analyse(s, rq, rs, &c, &ev, &a))
        return;
    const cf_event *e = &c->def->events[ev];
    items = json_array();
    judges = json_array();
    for (size_t k = 0; k < a->n_items; k++)
        json_array_append_new(
            items, json_pack("{s:s,s:o,s:s}", "id", a->item_id[k], "name",
                             a->item_name[k] ? json_string(a->item_name[k]) : json_null(), "max",
                             sc_centi_format(a->item_max[k], m)));
    for (size_t j = 0; j < a->n_judges; j++)
        json_array_append_new(judges, judge_json(a, &a->judges[j]));
    sv_json(rs, 200,
            json_pack("{s:s,s:s,s:{s:s,s:s,s:I,s:I,s:s},s:o,s:I,s:o}", "event", e->id, "event_name",
                      e->name, "thresholds", "leniency_percent",
                      sc_centi_format(a->thresholds.leniency, b), "min_correlation",
                      sc_centi_format(a->thresholds.min_rho, d), "correlation_min_entries",
                      (json_int_t)a->thresholds.rho_min_entries, "max_flags",
                      (json_int_t)a->thresholds.max_flags, "discrepancy_percent",
                      sc_centi_format(e->discrepancy, m), "items", items, "flagged",
                      (json_int_t)a->n_flagged, "judges", judges));
    cf_analytics_free(a);
}

/* ---- PDF ------------------------------------------------------------------------------------- */

void api_analytics_pdf(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c;
    cf_analytics *a;
    st_event_state st;
    unsigned char *pdf = NULL;
    size_t len = 0;
    char err[400];
    long ev;

    if (analyse(s, rq, rs, &c, &ev, &a))
        return;
    if (st_event_get(s->store, c->id, rq->seg[3], &st)) {
        cf_analytics_free(a);
        sv_store_error(s, rs);
        return;
    }
    rp_opts o = {.font_path = getenv("SKILLSCORE_FONT")};
    int rc = rp_analytics_pdf(c->def, a,
                              st.locked ? "赛项已锁定：依据最终评分。"
                                        : "评分进行中：依据截至打印时已提交的评分，结果可能变化。",
                              &o, &pdf, &len, err, sizeof err);
    cf_analytics_free(a);
    if (rc) {
        sv_error(rs, 500, NULL, "cannot write the PDF: %s", err);
        return;
    }
    rs->status = 200;
    rs->body = (char *)pdf;
    rs->len = len;
    rs->ctype = "application/pdf";
    snprintf(rs->filename, sizeof rs->filename, "%s-%s-analytics.pdf", c->id, rq->seg[3]);
}
