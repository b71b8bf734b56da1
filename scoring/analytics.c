/*
 * analytics.c — judge analytics: deviation from the panel's median, leniency, Spearman's rank
 * correlation and discrepancy flags per judge (scoring.h "Judge analytics", docs/analytics.md).
 *
 * Two walks over the marks. The first visits each slot once: the panel's doubled median (kept in
 * the caller's scratch for the second walk), its spread and its outliers, and each mark's
 * deviation and flag into its judge's item row. The second visits the slots once per judge to
 * build the judge's and the panel's per-entry totals, which are ranked by a heap sort on indices
 * (no allocation, n log n) and correlated. Everything stays integer: doubled medians, doubled
 * mid-ranks, exact fractions, one rounding per printed figure.
 */
#include "exact.h"

int64_t sc_div_round(int64_t num, int64_t den)
{
    /* |num| < INT64_MAX / 2 for every caller here: the bounds in scoring.h keep it so. */
    if (num >= 0)
        return (2 * num + den) / (2 * den);
    return -((-2 * num + den) / (2 * den));
}


/* ---- ranks ----------------------------------------------------------------------------------- */

/* Orders indices by value, then by index, so the order is total and the same on every machine. */
static bool before(const int64_t *v, int64_t a, int64_t b)
{
    return v[a] < v[b] || (v[a] == v[b] && a < b);
}

static void sift(int64_t *idx, size_t root, size_t n, const int64_t *v)
{
    for (;;) {
        size_t child = 2 * root + 1;
        int64_t t;
        if (child >= n)
            return;
        if (child + 1 < n && before(v, idx[child], idx[child + 1]))
            child++;
        if (!before(v, idx[root], idx[child]))
            return;
        t = idx[root];
        idx[root] = idx[child];
        idx[child] = t;
        root = child;
    }
}

static void heap_sort(int64_t *idx, size_t n, const int64_t *v)
{
    for (size_t i = n / 2; i-- > 0;)
        sift(idx, i, n, v);
    for (size_t end = n; end-- > 1;) {
        int64_t t = idx[0];
        idx[0] = idx[end];
        idx[end] = t;
        sift(idx, 0, end, v);
    }
}

/* Doubled mid-ranks of v[0..n) into r (idx is working space): a group of equal values at sorted
 * positions i..j (from 0) shares the mid-rank (i + 1 + j + 1) / 2, doubled i + j + 2. Returns
 * false when every value is equal (no order to correlate). */
static bool mid_ranks2(const int64_t *v, size_t n, int64_t *idx, int64_t *r)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = (int64_t)i;
    heap_sort(idx, n, v);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
            j++;
        if (i == 0 && j == n - 1)
            return false;
        for (size_t t = i; t <= j; t++)
            r[idx[t]] = (int64_t)(i + j + 2);
        i = j + 1;
    }
    return true;
}

/* Spearman's rho from doubled ranks (scoring.h): (2n(n² − 1) − 3ΣD²) / (2n(n² − 1)). */
static void spearman(const int64_t *rj, const int64_t *rp, size_t n, sc_judge_stats *st)
{
    int64_t nn = (int64_t)n, d2 = 0, den = 2 * nn * (nn * nn - 1), num, g;
    for (size_t i = 0; i < n; i++)
        d2 += (rj[i] - rp[i]) * (rj[i] - rp[i]);
    num = den - 3 * d2;
    g = sci_gcd(num, den);
    st->has_rho = true;
    st->rho_num = num / g;
    st->rho_den = den / g;
    st->rho_centi = sc_div_round(100 * st->rho_num, st->rho_den);
}

/* ---- the analysis --------------------------------------------------------------------------- */

size_t sc_analytics_scratch(size_t n_entries, size_t n_items)
{
    if (n_entries > SC_ANALYTICS_MAX_ENTRIES || n_items > SC_ANALYTICS_MAX_MARKS ||
        (n_items && n_entries > (SIZE_MAX - 5 * SC_ANALYTICS_MAX_ENTRIES) / n_items))
        return 0;
    return n_entries * n_items + 5 * n_entries;
}

/* The input is well formed (scoring.h lists what is refused). */
static int check_input(const sc_analytics_in *in, size_t n_slots)
{
    size_t n_marks;
    for (size_t k = 0; k < in->n_items; k++)
        if (in->item_max[k] <= 0 || in->item_max[k] > SC_CENTI_MAX || in->discrepancy[k] < 0 ||
            in->discrepancy[k] > 10000)
            return SC_EINVAL;
    for (size_t s = 0; s < n_slots; s++) {
        size_t a = in->slot_start[s], b = in->slot_start[s + 1];
        if (b < a)
            return SC_EINVAL;
        if (b - a > SC_OUTLIER_MAX)
            return SC_ERANGE;
        for (size_t i = a; i < b; i++) {
            const sc_judged_mark *m = &in->marks[i];
            if (m->judge >= in->n_judges)
                return SC_EINVAL;
            if (m->score < 0 || m->score > SC_CENTI_MAX)
                return SC_ERANGE;
            for (size_t p = a; p < i; p++)
                if (in->marks[p].judge == m->judge)
                    return SC_EINVAL; /* one judge, one mark per slot (rules.md §2) */
        }
    }
    n_marks = in->slot_start[n_slots] - in->slot_start[0];
    return n_marks > SC_ANALYTICS_MAX_MARKS ? SC_EINVAL : SC_OK;
}

/* First walk: each slot's doubled median into med2[s], and each mark's deviation and discrepancy
 * flag into its judge's row of item k. */
static void walk_slots(const sc_analytics_in *in, size_t n_slots, int64_t *med2,
                       sc_judge_item *items)
{
    for (size_t s = 0; s < n_slots; s++) {
        size_t a = in->slot_start[s], n = in->slot_start[s + 1] - a, k = s % in->n_items;
        sc_centi scores[SC_OUTLIER_MAX], sorted[SC_OUTLIER_MAX];
        bool outlier[SC_OUTLIER_MAX] = {false};
        bool wide;

        med2[s] = 0;
        if (n == 0)
            continue;
        for (size_t i = 0; i < n; i++)
            scores[i] = sorted[i] = in->marks[a + i].score;
        sci_sort_centi(sorted, n);
        med2[s] = sci_med2(sorted, n);
        wide = n >= 2 && (sorted[n - 1] - sorted[0]) * 10000 > in->item_max[k] * in->discrepancy[k];
        if (wide)
            sc_outliers(scores, n, outlier);
        for (size_t i = 0; i < n; i++) {
            sc_judge_item *row = &items[in->marks[a + i].judge * in->n_items + k];
            row->marks++;
            if (n >= 2) {
                row->compared++;
                row->dev2 += 2 * scores[i] - med2[s];
                row->max_sum += in->item_max[k];
            }
            if (wide && outlier[i])
                row->flags++;
        }
    }
}

/* Second walk, for judge j: the totals of the entries j marked, ranked and correlated. */
static void correlate(const sc_analytics_in *in, size_t j, const int64_t *med2, int64_t *work,
                      sc_judge_stats *st)
{
    size_t ne = in->n_entries, n = 0;
    int64_t *jt = work, *pt = work + ne, *idx = work + 2 * ne, *rj = work + 3 * ne,
            *rp = work + 4 * ne;

    for (size_t e = 0; e < ne; e++) {
        bool marked = false;
        int64_t judge_total = 0, panel_total = 0;
        for (size_t k = 0; k < in->n_items; k++) {
            size_t s = e * in->n_items + k;
            for (size_t i = in->slot_start[s]; i < in->slot_start[s + 1]; i++) {
                if (in->marks[i].judge != j)
                    continue;
                marked = true;
                judge_total += in->marks[i].score;
                panel_total += med2[s];
                break;
            }
        }
        if (marked) {
            jt[n] = judge_total;
            pt[n] = panel_total;
            n++;
        }
    }
    st->entries = (int64_t)n;
    if (n >= 3 && mid_ranks2(jt, n, idx, rj) && mid_ranks2(pt, n, idx, rp))
        spearman(rj, rp, n, st);
}

int sc_judge_analytics(const sc_analytics_in *in, int64_t *scratch, size_t n_scratch,
                       sc_judge_item *items, sc_judge_stats *stats)
{
    size_t n_slots, need;
    int rc;

    if (!in || (in->n_items && (!in->item_max || !in->discrepancy)) ||
        (in->n_judges && (!items || !stats)))
        return SC_EINVAL;
    need = sc_analytics_scratch(in->n_entries, in->n_items);
    if ((need == 0 && in->n_entries > 0) || n_scratch < need || (need && !scratch))
        return SC_EINVAL;
    n_slots = in->n_entries * in->n_items;
    if (!in->slot_start || (n_slots && !in->marks))
        return SC_EINVAL;
    if ((rc = check_input(in, n_slots)) != SC_OK)
        return rc;

    for (size_t j = 0; j < in->n_judges; j++) {
        for (size_t k = 0; k < in->n_items; k++)
            items[j * in->n_items + k] = (sc_judge_item){0};
        stats[j] = (sc_judge_stats){0};
        stats[j].rho_den = 1;
    }
    if (n_slots == 0)
        return SC_OK;
    walk_slots(in, n_slots, scratch, items);
    for (size_t j = 0; j < in->n_judges; j++) {
        sc_judge_stats *st = &stats[j];
        for (size_t k = 0; k < in->n_items; k++) {
            sc_judge_item *row = &items[j * in->n_items + k];
            if (row->compared) {
                row->mean_deviation = sc_div_round(row->dev2, 2 * row->compared);
                row->leniency = sc_div_round(5000 * row->dev2, row->max_sum);
            }
            st->marks += row->marks;
            st->compared += row->compared;
            st->dev2 += row->dev2;
            st->flags += row->flags;
            st->max_sum += row->max_sum;
        }
        if (st->max_sum > 0) {
            st->has_leniency = true;
            /* 10000 × (dev2 / 2) / max_sum: hundredths of a percent. */
            st->leniency = sc_div_round(5000 * st->dev2, st->max_sum);
        }
        correlate(in, j, scratch, scratch + n_slots, st);
    }
    return SC_OK;
}

/* ---- flagging -------------------------------------------------------------------------------- */

void sc_judge_thresholds_default(sc_judge_thresholds *t)
{
    t->leniency = 500;
    t->min_rho = 50;
    t->rho_min_entries = 5;
    t->max_flags = 3;
}

unsigned sc_judge_flags(const sc_judge_thresholds *t, const sc_judge_stats *s)
{
    unsigned why = 0;
    if (s->has_leniency && s->leniency > t->leniency)
        why |= SC_JUDGE_LENIENT;
    if (s->has_leniency && s->leniency < -t->leniency)
        why |= SC_JUDGE_SEVERE;
    if (s->has_rho && s->entries >= t->rho_min_entries && s->rho_centi < t->min_rho)
        why |= SC_JUDGE_RANKS;
    if (t->max_flags > 0 && s->flags >= t->max_flags)
        why |= SC_JUDGE_DISCREPANT;
    return why;
}
