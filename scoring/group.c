/*
 * group.c — one (event, group) from marks to results: the engine's main entry point.
 *
 * rules.md §4: entries are ordered by total, then by the event's tie-break list (higher
 * practical, higher theory, shorter time — a recorded time beats none); entries equal on all of
 * those share a rank and the next rank skips (1, 2, 2, 4). N counts ok and disqualified entries;
 * absent entries are not counted. Then §5 awards, §7 cash and §6 promotions per member, the
 * honour title of the rank's band, and last the pass marks, which take away what the event says
 * a failing entry does not receive (its rank, and everyone else's, stay as they are). An event
 * with a WorldSkills marking scheme scores its criteria from aspects and may put its entries on
 * the 700 scale, whose medallion replaces §5's 优胜奖 (worldskills.c, docs/worldskills.md).
 *
 * The server calls this after every mark for the one group the mark touched, so it does no
 * allocation and costs O(marks + n log n). The sort is an in-place heap sort over the output
 * array because it needs context (the inputs and the tie-break list) that qsort cannot carry
 * portably; its order is total (ids break the last ties), so stability does not matter.
 */
#include "scoring.h"

#include <string.h>

typedef struct order_ctx {
    const sc_entry_in *in;
    const sc_event_rules *event;
} order_ctx;

/* < 0 when a places before b on performance alone; 0 when they share a rank. */
static int compare_performance(const order_ctx *ctx, const sc_entry_out *a, const sc_entry_out *b)
{
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    for (size_t k = 0; k < ctx->event->n_tie_break; k++) {
        switch (ctx->event->tie_break[k]) {
        case SC_TB_PRACTICAL:
            if (a->practical != b->practical)
                return a->practical > b->practical ? -1 : 1;
            break;
        case SC_TB_THEORY:
            if (a->theory != b->theory)
                return a->theory > b->theory ? -1 : 1;
            break;
        case SC_TB_TIME: {
            int64_t ta = ctx->in[a->entry].time_seconds, tb = ctx->in[b->entry].time_seconds;
            if (ta == tb)
                break;
            if (ta < 0 || tb < 0)
                return ta < 0 ? 1 : -1;
            return ta < tb ? -1 : 1;
        }
        }
    }
    return 0;
}

/* The results order: ranked entries by performance, then everything else; ids break ties. */
static int compare_results(const order_ctx *ctx, const sc_entry_out *a, const sc_entry_out *b)
{
    bool ra = a->outcome == SC_OUT_RANKED, rb = b->outcome == SC_OUT_RANKED;
    if (ra != rb)
        return ra ? -1 : 1;
    if (ra) {
        int c = compare_performance(ctx, a, b);
        if (c)
            return c;
    }
    return strcmp(ctx->in[a->entry].id, ctx->in[b->entry].id);
}

static void swap_out(sc_entry_out *a, sc_entry_out *b)
{
    sc_entry_out t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(const order_ctx *ctx, sc_entry_out *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && compare_results(ctx, &v[child], &v[child + 1]) < 0)
            child++;
        if (compare_results(ctx, &v[root], &v[child]) >= 0)
            return;
        swap_out(&v[root], &v[child]);
        root = child;
    }
}

static void sort_results(const order_ctx *ctx, sc_entry_out *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(ctx, v, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_out(&v[0], &v[end]);
        sift_down(ctx, v, 0, end);
    }
}

static int fail(sc_error *err, int code, size_t entry, size_t criterion, size_t count)
{
    if (err) {
        err->code = code;
        err->entry = entry;
        err->criterion = criterion;
        err->count = count;
    }
    return code;
}

/* The practical score from judges' marks, criterion by criterion (rules.md §2): SC_OK, or an
 * sc_err with the criterion at fault in *crit and its number of marks in *count. */
static int practical_from_criteria(const sc_event_rules *event, sc_entry_in *e, sc_centi *out,
                                   size_t *crit, size_t *count)
{
    size_t offset = 0;
    *out = 0;
    for (size_t k = 0; k < event->n_criteria; k++) {
        sc_centi score;
        size_t n = e->n_marks[k];
        int rc = sc_aggregate(event->aggregation, e->marks + offset, n, &score);
        *crit = k;
        *count = n;
        if (rc != SC_OK)
            return rc;
        if (e->marks[offset + n - 1] > event->criterion_max[k]) /* sorted: last is highest */
            return SC_ERANGE;
        *out += score;
        offset += n;
    }
    return SC_OK;
}

/* The practical score of an event with a marking scheme: each criterion from its aspects
 * (worldskills.c). On failure *crit is the aspect at fault and *count its records. */
static int practical_from_aspects(const sc_event_rules *event, const sc_entry_in *e,
                                  sc_centi *out, size_t *crit, size_t *count)
{
    *out = 0;
    for (size_t k = 0; k < event->n_criteria; k++) {
        sc_centi score;
        int rc = sc_criterion_from_aspects(event->aspects, event->n_aspects, k, e->marks,
                                           e->n_marks, &score, crit);
        if (rc != SC_OK) {
            *count = e->n_marks[*crit];
            return rc;
        }
        *out += score;
    }
    return SC_OK;
}

/* Scores one ok entry into *o: SC_OK, or an sc_err with the item at fault in *crit. */
static int score_entry(const sc_event_rules *event, sc_entry_in *e, sc_entry_out *o,
                       size_t *crit, size_t *count)
{
    sc_centi practical;
    int rc;

    *crit = 0;
    *count = 0;
    if (event->w_theory == 0 && e->has_theory)
        return SC_EUNEXPECTEDTHEORY;
    if (e->has_theory && (e->theory < 0 || e->theory > 10000))
        return SC_ERANGE;
    rc = event->n_aspects > 0 ? practical_from_aspects(event, e, &practical, crit, count)
                              : practical_from_criteria(event, e, &practical, crit, count);
    if (rc != SC_OK)
        return rc;
    if (event->w_theory > 0 && !e->has_theory)
        return SC_ENOTHEORY;
    o->has_theory = event->w_theory > 0;
    o->theory = o->has_theory ? e->theory : 0;
    o->practical = practical;
    o->total = sc_total(o->theory, practical, event->w_theory, event->w_practical);
    return SC_OK;
}

/* Whether a ranked entry is below a pass mark: theory counts only where there is a theory exam. */
static bool below_pass(const sc_event_rules *event, const sc_entry_out *o)
{
    const sc_pass_rules *p = &event->pass;
    if (!p->active)
        return false;
    return (o->has_theory && o->theory < p->theory) || o->practical < p->practical;
}

/* The group's scale (W6): twice the median of the ranked totals and the sum of |2x − 2m|. The
 * ranked entries lead out[] by total, highest first, so the median is read off in place. */
typedef struct scale_ctx {
    sc_centi med2;
    int64_t dev2, n;
} scale_ctx;

static scale_ctx group_scale(const sc_entry_out *out, size_t ranked)
{
    scale_ctx sx = {0, 0, (int64_t)ranked};
    if (ranked == 0)
        return sx;
    sx.med2 = ranked % 2 ? 2 * out[ranked / 2].total
                         : out[ranked / 2 - 1].total + out[ranked / 2].total;
    for (size_t i = 0; i < ranked; i++) {
        int64_t d = 2 * out[i].total - sx.med2;
        sx.dev2 += d < 0 ? -d : d;
    }
    return sx;
}

static void settle_ranked(const sc_competition_rules *comp, const sc_event_rules *event,
                          const sc_entry_in *in, sc_entry_out *o, int64_t n, const scale_ctx *sx)
{
    sc_promotion_rules promo = {
        .table = comp->table,
        .final_stage = comp->final_stage,
        .top_level = event->top_level,
        .in_catalog = event->in_catalog,
        .team_size = event->team_size,
        .banded = event->banded,
        .bands = event->bands,
        .n_bands = event->n_bands,
    };
    const sc_entry_in *e = &in[o->entry];
    unsigned withheld = 0;

    if (below_pass(event, o)) {
        o->below_pass = true;
        withheld = o->withheld = event->pass.withholds;
    }
    o->award = sc_award_for_rank(event->scheme, event->quotas, event->quota_rounding, o->rank, n);
    if (event->ws_scale) {
        bool excellent;
        o->has_scale = true;
        excellent = sc_ws_scale(o->total, sx->med2, sx->dev2, sx->n, &o->scale);
        /* W7: the medallion, not §5's half-of-N rule, goes to those without a medal. */
        if (o->award == SC_AWARD_HONOURABLE)
            o->award = SC_AWARD_NONE;
        if (o->award == SC_AWARD_NONE && excellent)
            o->award = SC_AWARD_HONOURABLE;
    }
    if (withheld & SC_WITHHOLD_AWARD)
        o->award = SC_AWARD_NONE;
    o->cash_per_person = comp->cash.amount[o->award];
    o->cash_coach = o->cash_per_person; /* 对教练团队给予同等标准一次性奖励 */
    for (size_t m = 0; m < e->n_members && m < SC_MAX_MEMBERS; m++)
        o->promoted_to[m] = (withheld & SC_WITHHOLD_PROMOTION)
                                ? SC_LEVEL_NONE
                                : sc_promote(&promo, o->rank, n, &e->members[m]);
    for (size_t t = 0; t < event->n_titles && !(withheld & SC_WITHHOLD_TITLE); t++) {
        if (sc_places_contain(event->titles[t], o->rank, n)) {
            o->title = t + 1;
            break;
        }
    }
}

int sc_compute_group(const sc_competition_rules *comp, const sc_event_rules *event,
                     sc_entry_in *in, size_t n, unsigned flags, sc_entry_out *out,
                     sc_group_summary *summary, sc_error *err)
{
    order_ctx ctx = {in, event};
    sc_group_summary sum = {0, 0, 0};
    size_t ranked = 0;

    if (!comp || !event || (n > 0 && (!in || !out)) || event->n_criteria == 0 ||
        event->n_tie_break > SC_MAX_TIE_BREAK)
        return fail(err, SC_EINVAL, 0, 0, 0);
    if ((event->n_bands > 0 && !event->bands) || (event->n_titles > 0 && !event->titles) ||
        (event->n_aspects > 0 && !event->aspects))
        return fail(err, SC_EINVAL, 0, 0, 0);
    if (event->team_size < 1 || event->team_size > SC_MAX_MEMBERS)
        return fail(err, SC_ETEAMSIZE, 0, 0, 0);

    for (size_t i = 0; i < n; i++) {
        sc_entry_out *o = &out[i];
        memset(o, 0, sizeof *o);
        o->entry = i;
        if (in[i].n_members != (size_t)event->team_size)
            return fail(err, SC_ETEAMSIZE, i, 0, in[i].n_members);
        switch (in[i].status) {
        case SC_STATUS_ABSENT: o->outcome = SC_OUT_ABSENT; continue;
        case SC_STATUS_DISQUALIFIED:
            o->outcome = SC_OUT_DISQUALIFIED;
            sum.n++;
            continue;
        case SC_STATUS_OK: break;
        default: return fail(err, SC_EINVAL, i, 0, 0);
        }
        sum.n++;
        size_t crit, count;
        int rc = score_entry(event, &in[i], o, &crit, &count);
        if (rc == SC_OK) {
            o->outcome = SC_OUT_RANKED;
            ranked++;
        } else if ((flags & SC_ALLOW_INCOMPLETE) &&
                   (rc == SC_ENOMARKS || rc == SC_ENOTHEORY ||
                    (event->n_aspects > 0 && (rc == SC_ETOOFEW || rc == SC_ESPREAD)))) {
            o->outcome = SC_OUT_INCOMPLETE;
            o->has_theory = false;
            o->theory = o->practical = o->total = 0;
            sum.incomplete++;
        } else {
            return fail(err, rc, i, crit, count);
        }
    }

    sort_results(&ctx, out, n);
    scale_ctx sx = group_scale(out, ranked);
    for (size_t i = 0; i < ranked; i++) {
        if (i > 0 && compare_performance(&ctx, &out[i - 1], &out[i]) == 0)
            out[i].rank = out[i - 1].rank;
        else
            out[i].rank = (int64_t)i + 1;
        settle_ranked(comp, event, in, &out[i], sum.n, &sx);
    }
    sum.ranked = (int64_t)ranked;
    if (summary)
        *summary = sum;
    if (err)
        err->code = SC_OK;
    return SC_OK;
}
