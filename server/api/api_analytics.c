/*
 * api_analytics.c — the judge analytics of an event (裁判评分分析, issue 18) as JSON and as the
 * 裁判评分分析表 PDF:
 *
 *   GET /api/competitions/{id}/events/{ev}/analytics
 *   GET /api/competitions/{id}/events/{ev}/reports/analytics.pdf
 *
 * For the event's chief judge while marking, the organizer and 监督仲裁 (routes.c keeps judges,
 * displays and everyone else out before a handler runs; here a chief of another event is refused
 * before any mark is read). The figures rest on the marks the server holds now — the live
 * results' current marks, corrections applied — and are computed by
 * compfile's cf_event_analytics over the engine. The answer names judges only: a chief judge
 * marks blind, so no entry id, number, name or unit appears in it.
 */
#include "server/api/api.h"
#include "server/core/live.h"
#include "server/core/server.h"

#include "reports/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The path's competition and event, the caller allowed on it, and the analytics of its current
 * marks: 0 with *c, *ev and *a (the caller frees *a), or -1 after a reply. */
static int analyse(sv_server *s, sv_request *rq, sv_response *rs, sv_comp **c, long *ev,
                   cf_analytics **a)
{
    cf_diag diag = {0};

    *a = NULL;
    if (!(*c = sv_path_comp(s, rq, rs)) || (*ev = sv_path_event(*c, rq, rs)) < 0)
        return -1;
    /* Before a mark is read: a chief judge sees the analytics of their own events only. */
    if (rq->who.role == SV_CHIEF && !sv_chief_of(&rq->who, *c, (size_t)*ev)) {
        sv_error(rs, 403, NULL, "%s is not the chief judge of event %s", rq->who.name, rq->seg[3]);
        return -1;
    }
    /* The marks the live results hold: corrections applied, the same as the store's current
     * marks, and already in memory per slot with their judge. */
    if (!(*c)->live) {
        sv_error(rs, 500, NULL, "the live marks of competition %s could not be loaded",
                 (*c)->id);
        return -1;
    }
    cf_judged_source src = lv_judged_marks((*c)->live);
    if (cf_event_analytics((*c)->def, (size_t)*ev, &src, a, &diag)) {
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
                      centi_or_null(it->compared > 0, it->mean_deviation), "leniency",
                      centi_or_null(it->max_sum > 0, it->leniency),
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
