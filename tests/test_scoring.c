/*
 * test_scoring.c — the scoring engine, rule by rule, through scoring.h only.
 *
 * Test names say the rule and end with where it comes from: rules.md section, or the policy
 * article (管理办法 = 云人社通〔2022〕48号; notice = the 2023-04-10 promotion notice, section 二;
 * item28 = 云政发〔2021〕28号 技能云南 item 28). Expected values are worked by hand in the comments.
 */
#include "scoring/scoring.h"
#include "check.h"

/* ---- a small (event, group) builder ------------------------------------------------------- */

#define FX_MAX 64

typedef struct fixture {
    sc_competition_rules comp;
    sc_event_rules ev;
    sc_centi max[2];
    sc_entry_in in[FX_MAX];
    sc_centi marks[FX_MAX][8];
    size_t counts[FX_MAX][2];
    sc_person people[FX_MAX][SC_MAX_MEMBERS];
    char ids[FX_MAX][32];
    sc_entry_out out[FX_MAX];
    sc_group_summary sum;
    sc_error err;
    size_t n;
} fixture;

/* One criterion of 100 marked by one judge, no theory: an entry's total is its mark.
 * Provincial final (table A, PROV cash), prizes 1/1/1 by count, tie-break practical, time. */
static void fx_init(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->max[0] = 10000;
    fx->comp.table = SC_TABLE_A;
    fx->comp.final_stage = true;
    sc_cash_table_preset(SC_CASH_PROV, &fx->comp.cash);
    fx->ev.criterion_max = fx->max;
    fx->ev.n_criteria = 1;
    fx->ev.aggregation = SC_AGG_SINGLE;
    fx->ev.w_theory = 0;
    fx->ev.w_practical = 100;
    fx->ev.scheme = SC_SCHEME_PRIZES;
    for (int k = 0; k < 3; k++)
        fx->ev.quotas[k] = (sc_quota){false, 1};
    fx->ev.quota_rounding = SC_ROUND_FLOOR;
    fx->ev.tie_break[0] = SC_TB_PRACTICAL;
    fx->ev.tie_break[1] = SC_TB_TIME;
    fx->ev.n_tie_break = 2;
    fx->ev.team_size = 1;
    fx->ev.top_level = SC_LEVEL_1;
    fx->ev.in_catalog = true;
}

static sc_entry_in *fx_add(fixture *fx, const char *id, sc_centi score)
{
    size_t i = fx->n++;
    sc_entry_in *e = &fx->in[i];
    snprintf(fx->ids[i], sizeof fx->ids[i], "%s", id);
    e->id = fx->ids[i];
    e->status = SC_STATUS_OK;
    e->time_seconds = SC_NO_TIME;
    e->marks = fx->marks[i];
    e->marks[0] = score;
    fx->counts[i][0] = 1;
    e->n_marks = fx->counts[i];
    e->members = fx->people[i];
    e->n_members = (size_t)fx->ev.team_size;
    return e;
}

static int fx_run(fixture *fx, unsigned flags)
{
    for (size_t i = 0; i < fx->n; i++)
        fx->in[i].n_members = (size_t)fx->ev.team_size;
    return sc_compute_group(&fx->comp, &fx->ev, fx->in, fx->n, flags, fx->out, &fx->sum,
                            &fx->err);
}

/* The output row of the entry with this id. */
static const sc_entry_out *fx_row(const fixture *fx, const char *id)
{
    for (size_t i = 0; i < fx->n; i++) {
        if (strcmp(fx->in[fx->out[i].entry].id, id) == 0)
            return &fx->out[i];
    }
    return NULL;
}

static int64_t fx_rank(const fixture *fx, const char *id) { return fx_row(fx, id)->rank; }

/* ---- decimals ----------------------------------------------------------------------------- */

static sc_centi parse(const char *s, int *rc)
{
    sc_centi v = -1;
    *rc = sc_centi_parse(s, strlen(s), &v);
    return v;
}

TEST(test_scores_parse_exactly_with_at_most_two_decimals_rules_2)
{
    int rc;
    CHECK_INT(parse("27.5", &rc), 2750);
    CHECK_INT(rc, SC_OK);
    CHECK_INT(parse("100", &rc), 10000);
    CHECK_INT(parse("0.05", &rc), 5);
    CHECK_INT(parse("91.33", &rc), 9133);
    parse("1.234", &rc);
    CHECK_INT(rc, SC_EPRECISION);
    parse("1.500", &rc);
    CHECK_INT(rc, SC_EPRECISION);
    parse("-1", &rc);
    CHECK_INT(rc, SC_ERANGE);
    parse("1.", &rc);
    CHECK_INT(rc, SC_ESYNTAX);
    parse(".5", &rc);
    CHECK_INT(rc, SC_ESYNTAX);
    parse("1e2", &rc);
    CHECK_INT(rc, SC_ESYNTAX);
    parse("99999999999", &rc);
    CHECK_INT(rc, SC_ERANGE);
}

TEST(test_scores_format_with_two_decimals_and_short)
{
    char b[24];
    CHECK_STR(sc_centi_format(8600, b), "86.00");
    CHECK_STR(sc_centi_format(5, b), "0.05");
    CHECK_STR(sc_centi_format(0, b), "0.00");
    CHECK_STR(sc_centi_format_short(10050, b), "100.5");
    CHECK_STR(sc_centi_format_short(10000, b), "100");
    CHECK_STR(sc_centi_format_short(9133, b), "91.33");
    CHECK_STR(sc_centi_format_short(0, b), "0");
}

/* ---- §2 aggregation --------------------------------------------------------------------------- */

static sc_centi agg(sc_aggregation a, const sc_centi *m, size_t n, int *rc)
{
    sc_centi copy[16], out = -1;
    memcpy(copy, m, n * sizeof *m);
    *rc = sc_aggregate(a, copy, n, &out);
    return out;
}

TEST(test_mean_is_exact_then_rounded_half_up_rules_2)
{
    int rc;
    /* (85.00 + 85.01) / 2 = 85.005 -> 85.01 */
    CHECK_INT(agg(SC_AGG_MEAN, (sc_centi[]){8500, 8501}, 2, &rc), 8501);
    CHECK_INT(rc, SC_OK);
    /* (1 + 2 + 2) / 3 = 1.6666… -> 1.67 */
    CHECK_INT(agg(SC_AGG_MEAN, (sc_centi[]){100, 200, 200}, 3, &rc), 167);
    /* (0.02 + 0 + 0) / 3 = 0.00666… -> 0.01; (0.01 + 0 + 0) / 3 = 0.0033… -> 0.00 */
    CHECK_INT(agg(SC_AGG_MEAN, (sc_centi[]){2, 0, 0}, 3, &rc), 1);
    CHECK_INT(agg(SC_AGG_MEAN, (sc_centi[]){1, 0, 0}, 3, &rc), 0);
    /* a third of a hundredth below the half stays down: (0.01+0.01+0)/4 = 0.005 -> 0.01 */
    CHECK_INT(agg(SC_AGG_MEAN, (sc_centi[]){1, 1, 0, 0}, 4, &rc), 1);
}

TEST(test_trimmed_mean_drops_one_highest_and_one_lowest_rules_2)
{
    int rc;
    /* 60, 70, 80, 85, 90: drop 60 and 90; (70 + 80 + 85) / 3 = 78.333… -> 78.33 */
    CHECK_INT(agg(SC_AGG_TRIMMED_MEAN, (sc_centi[]){7000, 9000, 8000, 8500, 6000}, 5, &rc),
              7833);
    CHECK_INT(rc, SC_OK);
    /* equal extremes: only one of each is dropped */
    CHECK_INT(agg(SC_AGG_TRIMMED_MEAN, (sc_centi[]){9000, 9000, 8000, 8000}, 4, &rc), 8500);
    CHECK_INT(agg(SC_AGG_TRIMMED_MEAN, (sc_centi[]){5000, 6000, 7000}, 3, &rc), 6000);
}

TEST(test_outliers_are_the_marks_farthest_from_the_panel_median)
{
    bool f[6];
    /* median 30: 22 is 8 away, the farthest */
    CHECK_INT(sc_outliers((sc_centi[]){3000, 2950, 2200, 3100, 3000}, 5, f), 1);
    CHECK_INT(f[2], 1);
    CHECK_INT(f[0] + f[1] + f[3] + f[4], 0);
    /* even panel: median (28 + 30) / 2 = 29; 25 and 33 are both 4 away */
    CHECK_INT(sc_outliers((sc_centi[]){2500, 2800, 3000, 3300}, 4, f), 2);
    CHECK_INT(f[0] && f[3] && !f[1] && !f[2], 1);
    /* the median 28.005 is not rounded: 27.95 and 28.06 are both 0.055 from it */
    CHECK_INT(sc_outliers((sc_centi[]){2800, 2801, 2801, 2800, 2795, 2806}, 6, f), 2);
    CHECK_INT(f[4] && f[5], 1);
    /* all equal, or two marks: none */
    CHECK_INT(sc_outliers((sc_centi[]){3000, 3000, 3000}, 3, f), 0);
    CHECK_INT(sc_outliers((sc_centi[]){1000, 3000}, 2, f), 0);
    CHECK_INT(f[0] + f[1], 0);
}

TEST(test_trimmed_mean_needs_three_marks_rules_2)
{
    int rc;
    agg(SC_AGG_TRIMMED_MEAN, (sc_centi[]){5000, 6000}, 2, &rc);
    CHECK_INT(rc, SC_ETOOFEW);
}

TEST(test_median_of_odd_and_even_counts_rules_2)
{
    int rc;
    CHECK_INT(agg(SC_AGG_MEDIAN, (sc_centi[]){1000, 3000, 2000}, 3, &rc), 2000);
    /* (10.01 + 10.02) / 2 = 10.015 -> 10.02 */
    CHECK_INT(agg(SC_AGG_MEDIAN, (sc_centi[]){1002, 1001}, 2, &rc), 1002);
    CHECK_INT(agg(SC_AGG_MEDIAN, (sc_centi[]){4000, 1000, 9000, 2000}, 4, &rc), 3000);
}

TEST(test_single_takes_exactly_one_mark_rules_2)
{
    int rc;
    CHECK_INT(agg(SC_AGG_SINGLE, (sc_centi[]){4321}, 1, &rc), 4321);
    CHECK_INT(rc, SC_OK);
    agg(SC_AGG_SINGLE, (sc_centi[]){4321, 4000}, 2, &rc);
    CHECK_INT(rc, SC_ETOOMANY);
}

TEST(test_no_marks_and_negative_marks_are_errors_rules_2)
{
    int rc;
    sc_centi out;
    CHECK_INT(sc_aggregate(SC_AGG_MEAN, NULL, 0, &out), SC_ENOMARKS);
    agg(SC_AGG_MEAN, (sc_centi[]){-1, 5}, 2, &rc);
    CHECK_INT(rc, SC_ERANGE);
}

TEST(test_adding_a_mark_equal_to_the_mean_keeps_a_mean_criterion_property)
{
    /* For many random mark sets whose mean is a whole hundredth, adding that mean as one more
     * judge's mark leaves the criterion score unchanged. */
    uint32_t seed = 12345;
    int checked = 0;
    for (int t = 0; t < 2000; t++) {
        sc_centi m[9];
        size_t n = 1 + t % 7;
        sc_centi sum = 0, a, b;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            m[i] = (seed >> 8) % 10001;
            sum += m[i];
        }
        if (sum % (sc_centi)n)
            m[0] += (sc_centi)n - sum % (sc_centi)n, sum += (sc_centi)n - sum % (sc_centi)n;
        sc_centi copy[9];
        memcpy(copy, m, sizeof m);
        CHECK_INT(sc_aggregate(SC_AGG_MEAN, copy, n, &a), SC_OK);
        m[n] = sum / (sc_centi)n;
        CHECK_INT(sc_aggregate(SC_AGG_MEAN, m, n + 1, &b), SC_OK);
        CHECK_INT(a, b);
        checked++;
    }
    CHECK_INT(checked, 2000);
}

/* ---- §3 total ---------------------------------------------------------------------------------- */

TEST(test_practical_weight_at_least_70_percent_guanli_banfa_article_29)
{
    CHECK_INT(sc_weights_check(20, 80), SC_OK);
    CHECK_INT(sc_weights_check(30, 70), SC_OK);
    CHECK_INT(sc_weights_check(0, 100), SC_OK);
    CHECK_INT(sc_weights_check(31, 69), SC_EPRACTICALMIN);
    CHECK_INT(sc_weights_check(50, 50), SC_EPRACTICALMIN);
    CHECK_INT(sc_weights_check(20, 70), SC_EWEIGHTSUM);
    CHECK_INT(sc_weights_check(-10, 110), SC_EINVAL);
}

TEST(test_total_is_weighted_sum_rounded_half_up_guanli_banfa_article_29)
{
    /* 86.00 × 20% + 91.33 × 80% = 17.2 + 73.064 = 90.264 -> 90.26 (competition-file.md) */
    CHECK_INT(sc_total(8600, 9133, 20, 80), 9026);
    /* 0.01 × 30% + 0.06 × 70% = 0.003 + 0.042 = 0.045 -> 0.05 (the half goes up) */
    CHECK_INT(sc_total(1, 6, 30, 70), 5);
    /* no theory exam: the total is the practical score */
    CHECK_INT(sc_total(0, 7777, 0, 100), 7777);
}

TEST(test_practical_criteria_add_up_to_100_rules_2)
{
    CHECK_INT(sc_criteria_check((sc_centi[]){3000, 7000}, 2), SC_OK);
    CHECK_INT(sc_criteria_check((sc_centi[]){3000, 6999}, 2), SC_ECRITERIASUM);
    CHECK_INT(sc_criteria_check((sc_centi[]){0, 10000}, 2), SC_ERANGE);
}

/* ---- §4 ranking ---------------------------------------------------------------------------------- */

TEST(test_equal_totals_share_a_rank_and_the_next_rank_skips_rules_4)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.n_tie_break = 0;
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 8000);
    fx_add(&fx, "C", 8000);
    fx_add(&fx, "D", 7000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_rank(&fx, "A"), 1);
    CHECK_INT(fx_rank(&fx, "B"), 2);
    CHECK_INT(fx_rank(&fx, "C"), 2);
    CHECK_INT(fx_rank(&fx, "D"), 4);
    /* results order: by rank, then id */
    CHECK_STR(fx.in[fx.out[1].entry].id, "B");
    CHECK_STR(fx.in[fx.out[2].entry].id, "C");
}

TEST(test_tie_break_higher_practical_first_rules_4)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.w_theory = 30;
    fx.ev.w_practical = 70;
    /* A: theory 100, practical 70 -> 30 + 49 = 79.00; B: theory 30, practical 100 -> 9 + 70 = 79 */
    sc_entry_in *a = fx_add(&fx, "A", 7000), *b = fx_add(&fx, "B", 10000);
    a->has_theory = b->has_theory = true;
    a->theory = 10000;
    b->theory = 3000;
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "A")->total, 7900);
    CHECK_INT(fx_row(&fx, "B")->total, 7900);
    CHECK_INT(fx_rank(&fx, "B"), 1);
    CHECK_INT(fx_rank(&fx, "A"), 2);
}

TEST(test_tie_break_theory_when_listed_rules_4)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.w_theory = 30;
    fx.ev.w_practical = 70;
    fx.ev.tie_break[0] = SC_TB_THEORY;
    fx.ev.n_tie_break = 1;
    sc_entry_in *a = fx_add(&fx, "A", 7000), *b = fx_add(&fx, "B", 10000);
    a->has_theory = b->has_theory = true;
    a->theory = 10000;
    b->theory = 3000;
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_rank(&fx, "A"), 1);
    CHECK_INT(fx_rank(&fx, "B"), 2);
}

TEST(test_tie_break_shorter_time_first_and_no_time_last_rules_4)
{
    fixture fx;
    fx_init(&fx);
    fx_add(&fx, "A", 8000)->time_seconds = 5400;
    fx_add(&fx, "B", 8000)->time_seconds = 5000;
    fx_add(&fx, "C", 8000);
    fx_add(&fx, "D", 8000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_rank(&fx, "B"), 1);
    CHECK_INT(fx_rank(&fx, "A"), 2);
    /* neither has a time: still equal, they share rank 3 */
    CHECK_INT(fx_rank(&fx, "C"), 3);
    CHECK_INT(fx_rank(&fx, "D"), 3);
}

TEST(test_absent_not_counted_disqualified_counted_in_n_rules_4)
{
    fixture fx;
    fx_init(&fx);
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 8000);
    fx_add(&fx, "C", 9900)->status = SC_STATUS_DISQUALIFIED;
    fx_add(&fx, "D", 0)->status = SC_STATUS_ABSENT;
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx.sum.n, 3);
    CHECK_INT(fx.sum.ranked, 2);
    CHECK_INT(fx_rank(&fx, "A"), 1);
    CHECK_INT(fx_rank(&fx, "B"), 2);
    const sc_entry_out *c = fx_row(&fx, "C");
    CHECK_INT(c->outcome, SC_OUT_DISQUALIFIED);
    CHECK_INT(c->rank, 0);
    CHECK_INT(c->award, SC_AWARD_NONE);
    CHECK_INT(c->promoted_to[0], SC_LEVEL_NONE);
    CHECK_INT(c->cash_per_person, 0);
    CHECK_INT(fx_row(&fx, "D")->outcome, SC_OUT_ABSENT);
    /* unranked entries come last, by id */
    CHECK_STR(fx.in[fx.out[2].entry].id, "C");
    CHECK_STR(fx.in[fx.out[3].entry].id, "D");
}

TEST(test_missing_mark_is_an_error_naming_entry_and_criterion_rules_2)
{
    fixture fx;
    fx_init(&fx);
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 8000);
    fx.counts[1][0] = 0;
    CHECK_INT(fx_run(&fx, 0), SC_ENOMARKS);
    CHECK_INT(fx.err.entry, 1);
    CHECK_INT(fx.err.criterion, 0);
}

TEST(test_missing_theory_is_an_error_when_theory_weighs_rules_3)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.w_theory = 20;
    fx.ev.w_practical = 80;
    fx_add(&fx, "A", 9000);
    CHECK_INT(fx_run(&fx, 0), SC_ENOTHEORY);
}

TEST(test_provisional_results_leave_incomplete_entries_unranked)
{
    fixture fx;
    fx_init(&fx);
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 8000);
    fx_add(&fx, "C", 0);
    fx.counts[2][0] = 0;
    CHECK_INT(fx_run(&fx, SC_ALLOW_INCOMPLETE), SC_OK);
    CHECK_INT(fx_row(&fx, "C")->outcome, SC_OUT_INCOMPLETE);
    CHECK_INT(fx_row(&fx, "C")->rank, 0);
    CHECK_INT(fx.sum.n, 3);
    CHECK_INT(fx.sum.incomplete, 1);
    CHECK_INT(fx_rank(&fx, "B"), 2);
}

TEST(test_mark_above_criterion_maximum_is_refused_rules_2)
{
    fixture fx;
    fx_init(&fx);
    fx_add(&fx, "A", 10001);
    CHECK_INT(fx_run(&fx, 0), SC_ERANGE);
}

TEST(test_rank_is_monotone_in_total_and_shuffling_changes_nothing_property)
{
    uint32_t seed = 777;
    for (int round = 0; round < 200; round++) {
        fixture a, b;
        size_t n = 2 + (size_t)(round % 40);
        size_t perm[FX_MAX];
        fx_init(&a);
        fx_init(&b);
        a.ev.quotas[0] = (sc_quota){true, 1000};
        a.ev.quotas[1] = (sc_quota){true, 2000};
        a.ev.quotas[2] = (sc_quota){true, 3000};
        b.ev.quotas[0] = a.ev.quotas[0];
        b.ev.quotas[1] = a.ev.quotas[1];
        b.ev.quotas[2] = a.ev.quotas[2];
        for (size_t i = 0; i < n; i++) {
            char id[32];
            seed = seed * 1103515245u + 12345u;
            snprintf(id, sizeof id, "T%02zu", i);
            sc_entry_in *e = fx_add(&a, id, 5000 + (sc_centi)((seed >> 8) % 40) * 100);
            e->time_seconds = (seed >> 20) % 3 ? (int64_t)((seed >> 4) % 4) : SC_NO_TIME;
            if ((seed >> 12) % 9 == 0)
                e->status = SC_STATUS_ABSENT;
            if ((seed >> 14) % 13 == 0)
                e->status = SC_STATUS_DISQUALIFIED;
            perm[i] = i;
        }
        for (size_t i = n; i-- > 1;) {
            seed = seed * 1103515245u + 12345u;
            size_t j = (seed >> 8) % (i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        for (size_t i = 0; i < n; i++) {
            sc_entry_in *src = &a.in[perm[i]];
            sc_entry_in *e = fx_add(&b, src->id, src->marks[0]);
            e->status = src->status;
            e->time_seconds = src->time_seconds;
        }
        CHECK_INT(fx_run(&a, 0), SC_OK);
        CHECK_INT(fx_run(&b, 0), SC_OK);
        for (size_t i = 0; i < n; i++) {
            const sc_entry_out *x = &a.out[i], *y = &b.out[i];
            CHECK_STR(a.in[x->entry].id, b.in[y->entry].id);
            CHECK_INT(x->rank, y->rank);
            CHECK_INT(x->award, y->award);
            CHECK_INT(x->total, y->total);
            if (i > 0 && x->outcome == SC_OUT_RANKED && a.out[i - 1].outcome == SC_OUT_RANKED) {
                CHECK(a.out[i - 1].total >= x->total);
                CHECK(a.out[i - 1].rank <= x->rank);
                if (a.out[i - 1].total > x->total)
                    CHECK(a.out[i - 1].rank < x->rank);
            }
        }
    }
}

/* ---- §5 awards ------------------------------------------------------------------------------------ */

TEST(test_percent_quota_rounding_floor_round_ceil_rules_5)
{
    sc_quota ten = {true, 1000}, half = {true, 1250};
    /* 10% of 25 = 2.5 */
    CHECK_INT(sc_quota_count(ten, 25, SC_ROUND_FLOOR), 2);
    CHECK_INT(sc_quota_count(ten, 25, SC_ROUND_HALF_UP), 3);
    CHECK_INT(sc_quota_count(ten, 25, SC_ROUND_CEIL), 3);
    /* 10% of 24 = 2.4 */
    CHECK_INT(sc_quota_count(ten, 24, SC_ROUND_HALF_UP), 2);
    CHECK_INT(sc_quota_count(ten, 24, SC_ROUND_CEIL), 3);
    /* 12.5% of 8 = 1 exactly, whatever the rounding */
    CHECK_INT(sc_quota_count(half, 8, SC_ROUND_FLOOR), 1);
    CHECK_INT(sc_quota_count(half, 8, SC_ROUND_CEIL), 1);
    CHECK_INT(sc_quota_count((sc_quota){false, 4}, 100, SC_ROUND_CEIL), 4);
    CHECK_INT(sc_quota_check((sc_quota){true, 10001}), SC_EQUOTA);
    CHECK_INT(sc_quota_check((sc_quota){false, -1}), SC_EQUOTA);
}

TEST(test_award_bands_are_cumulative_by_rank_guanli_banfa_article_37)
{
    const sc_quota q[3] = {{false, 1}, {false, 2}, {false, 3}};
    /* N = 20: first r<=1, second r<=3, third r<=6, 优胜奖 r<=10 */
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, q, SC_ROUND_FLOOR, 1, 20), SC_AWARD_FIRST);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, q, SC_ROUND_FLOOR, 2, 20), SC_AWARD_SECOND);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, q, SC_ROUND_FLOOR, 3, 20), SC_AWARD_SECOND);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, q, SC_ROUND_FLOOR, 6, 20), SC_AWARD_THIRD);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, q, SC_ROUND_FLOOR, 7, 20), SC_AWARD_HONOURABLE);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, q, SC_ROUND_FLOOR, 10, 20),
              SC_AWARD_HONOURABLE);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, q, SC_ROUND_FLOOR, 11, 20), SC_AWARD_NONE);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_MEDALS, q, SC_ROUND_FLOOR, 1, 20), SC_AWARD_GOLD);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_MEDALS, q, SC_ROUND_FLOOR, 3, 20), SC_AWARD_SILVER);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_MEDALS, q, SC_ROUND_FLOOR, 4, 20), SC_AWARD_BRONZE);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_MEDALS, q, SC_ROUND_FLOOR, 0, 20), SC_AWARD_NONE);
}

TEST(test_honourable_mention_within_half_of_n_even_and_odd_guanli_banfa_article_37)
{
    const sc_quota none[3] = {{false, 0}, {false, 0}, {false, 0}};
    /* N = 21: floor(21/2) = 10 */
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, none, SC_ROUND_FLOOR, 10, 21),
              SC_AWARD_HONOURABLE);
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, none, SC_ROUND_FLOOR, 11, 21), SC_AWARD_NONE);
    /* N = 1: floor(1/2) = 0, nobody */
    CHECK_INT(sc_award_for_rank(SC_SCHEME_PRIZES, none, SC_ROUND_FLOOR, 1, 1), SC_AWARD_NONE);
}

TEST(test_tie_across_a_quota_boundary_shares_the_higher_award_guanli_banfa_article_37)
{
    fixture fx;
    fx_init(&fx); /* quotas 1, 1, 1 by count */
    fx.ev.n_tie_break = 0;
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 9000);
    fx_add(&fx, "C", 8000);
    fx_add(&fx, "D", 7000);
    fx_add(&fx, "E", 6000);
    fx_add(&fx, "F", 5000);
    fx_add(&fx, "G", 4000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    /* ranks 1, 1, 3: both firsts get 一等奖, nobody 二等奖, rank 3 is within q1+q2+q3 = 3 */
    CHECK_INT(fx_row(&fx, "A")->award, SC_AWARD_FIRST);
    CHECK_INT(fx_row(&fx, "B")->award, SC_AWARD_FIRST);
    CHECK_INT(fx_row(&fx, "C")->award, SC_AWARD_THIRD);
    CHECK_INT(fx_row(&fx, "D")->award, SC_AWARD_NONE); /* N = 7, half = 3 */
}

TEST(test_tie_straddling_half_of_n_shares_the_honourable_mention_guanli_banfa_article_37)
{
    fixture fx;
    fx_init(&fx);
    for (int k = 0; k < 3; k++)
        fx.ev.quotas[k] = (sc_quota){false, 0};
    fx.ev.n_tie_break = 0;
    /* N = 6, half = 3: ranks 1, 2, 3, 3, 5, 6 -> both rank 3 get 优胜奖 */
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 8000);
    fx_add(&fx, "C", 7000);
    fx_add(&fx, "D", 7000);
    fx_add(&fx, "E", 6000);
    fx_add(&fx, "F", 5000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "C")->award, SC_AWARD_HONOURABLE);
    CHECK_INT(fx_row(&fx, "D")->award, SC_AWARD_HONOURABLE);
    CHECK_INT(fx_row(&fx, "E")->award, SC_AWARD_NONE);
}

/* ---- §6 promotion --------------------------------------------------------------------------------- */

TEST(test_class_promotion_tables_rules_1)
{
    CHECK_INT(sc_class_table(SC_CLASS_PROVINCIAL), SC_TABLE_A);
    CHECK_INT(sc_class_table(SC_CLASS_PROVINCIAL_SPECIAL), SC_TABLE_A);
    CHECK_INT(sc_class_table(SC_CLASS_PROVINCIAL_INDUSTRY_1), SC_TABLE_A);
    CHECK_INT(sc_class_table(SC_CLASS_PROVINCIAL_INDUSTRY_2), SC_TABLE_B);
    CHECK_INT(sc_class_table(SC_CLASS_PREFECTURE), SC_TABLE_B);
    CHECK_INT(sc_class_table(SC_CLASS_PREFECTURE_SPECIAL), SC_TABLE_B);
    CHECK_INT(sc_class_table(SC_CLASS_PREFECTURE_INDUSTRY_1), SC_TABLE_B);
    CHECK_INT(sc_class_table(SC_CLASS_PREFECTURE_INDUSTRY_2), SC_TABLE_C);
    CHECK_INT(sc_class_table(SC_CLASS_COUNTY), SC_TABLE_C);
    CHECK_INT(sc_class_table(SC_CLASS_COUNTY_SPECIAL), SC_TABLE_C);
    CHECK_INT(sc_class_table(SC_CLASS_COUNTY_INDUSTRY), SC_TABLE_C);
    CHECK_INT(sc_class_table(SC_CLASS_WORLDSKILLS), SC_TABLE_NONE);
    CHECK_INT(sc_class_table(SC_CLASS_NATIONAL), SC_TABLE_NONE);
    CHECK_INT(sc_class_table(SC_CLASS_NATIONAL_CLASS1), SC_TABLE_NONE);
    CHECK_INT(sc_class_table(SC_CLASS_ENTERPRISE), SC_TABLE_NONE);
    CHECK_INT(sc_class_table(SC_CLASS_SCHOOL), SC_TABLE_NONE);
}

TEST(test_table_a_singles_top_three_technician_then_senior_to_half_notice_2_1)
{
    /* N = 20 (even), half 10 */
    CHECK_INT(sc_band_level(SC_TABLE_A, 1, 20, 1), SC_LEVEL_2);
    CHECK_INT(sc_band_level(SC_TABLE_A, 3, 20, 1), SC_LEVEL_2);
    CHECK_INT(sc_band_level(SC_TABLE_A, 4, 20, 1), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_A, 10, 20, 1), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_A, 11, 20, 1), SC_LEVEL_NONE);
    /* N = 9 (odd), half 4 */
    CHECK_INT(sc_band_level(SC_TABLE_A, 4, 9, 1), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_A, 5, 9, 1), SC_LEVEL_NONE);
}

TEST(test_table_a_pairs_top_band_is_rank_two_notice_2_1)
{
    CHECK_INT(sc_band_level(SC_TABLE_A, 2, 10, 2), SC_LEVEL_2);
    CHECK_INT(sc_band_level(SC_TABLE_A, 3, 10, 2), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_A, 5, 11, 2), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_A, 6, 11, 2), SC_LEVEL_NONE);
}

TEST(test_table_a_teams_of_three_top_band_is_rank_one_notice_2_1)
{
    CHECK_INT(sc_band_level(SC_TABLE_A, 1, 8, 3), SC_LEVEL_2);
    CHECK_INT(sc_band_level(SC_TABLE_A, 2, 8, 3), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_A, 4, 8, 3), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_A, 5, 8, 3), SC_LEVEL_NONE);
    /* teams larger than 3 use the three-person thresholds (rules.md §6) */
    CHECK_INT(sc_band_level(SC_TABLE_A, 2, 8, 4), SC_LEVEL_3);
}

TEST(test_top_band_is_fixed_even_beyond_half_of_n_notice_2_1)
{
    /* N = 4, half 2: rank 3 of a singles event still gets 技师 */
    CHECK_INT(sc_band_level(SC_TABLE_A, 3, 4, 1), SC_LEVEL_2);
    CHECK_INT(sc_band_level(SC_TABLE_C, 3, 4, 1), SC_LEVEL_3);
}

TEST(test_table_b_first_technician_two_to_four_senior_then_intermediate_notice_2_2)
{
    CHECK_INT(sc_band_level(SC_TABLE_B, 1, 20, 1), SC_LEVEL_2);
    CHECK_INT(sc_band_level(SC_TABLE_B, 1, 20, 3), SC_LEVEL_2);
    CHECK_INT(sc_band_level(SC_TABLE_B, 2, 20, 2), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_B, 4, 20, 1), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_B, 5, 20, 1), SC_LEVEL_4);
    CHECK_INT(sc_band_level(SC_TABLE_B, 10, 20, 1), SC_LEVEL_4);
    CHECK_INT(sc_band_level(SC_TABLE_B, 11, 20, 1), SC_LEVEL_NONE);
    /* 2–4 are fixed: N = 4 (half 2) still promotes rank 4 */
    CHECK_INT(sc_band_level(SC_TABLE_B, 4, 4, 1), SC_LEVEL_3);
    /* N = 9, half 4: rank 5 gets nothing; N = 10: rank 5 gets 中级工 */
    CHECK_INT(sc_band_level(SC_TABLE_B, 5, 9, 1), SC_LEVEL_NONE);
    CHECK_INT(sc_band_level(SC_TABLE_B, 5, 10, 1), SC_LEVEL_4);
}

TEST(test_table_c_top_band_senior_then_intermediate_to_half_notice_2_3)
{
    CHECK_INT(sc_band_level(SC_TABLE_C, 3, 20, 1), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_C, 4, 20, 1), SC_LEVEL_4);
    CHECK_INT(sc_band_level(SC_TABLE_C, 2, 20, 2), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_C, 3, 20, 2), SC_LEVEL_4);
    CHECK_INT(sc_band_level(SC_TABLE_C, 1, 20, 3), SC_LEVEL_3);
    CHECK_INT(sc_band_level(SC_TABLE_C, 2, 20, 3), SC_LEVEL_4);
    CHECK_INT(sc_band_level(SC_TABLE_C, 11, 20, 1), SC_LEVEL_NONE);
    CHECK_INT(sc_band_level(SC_TABLE_NONE, 1, 20, 1), SC_LEVEL_NONE);
}

static sc_promotion_rules promo_a(void)
{
    return (sc_promotion_rules){.table = SC_TABLE_A, .final_stage = true, .top_level = SC_LEVEL_1,
                                .in_catalog = true, .team_size = 1};
}

TEST(test_current_level_below_band_is_promoted_to_band_notice_2_1)
{
    sc_promotion_rules r = promo_a();
    sc_person none = {SC_LEVEL_NONE, false, false}, mid = {SC_LEVEL_4, false, false};
    CHECK_INT(sc_promote(&r, 1, 20, &none), SC_LEVEL_2);
    CHECK_INT(sc_promote(&r, 5, 20, &mid), SC_LEVEL_3);
}

TEST(test_current_level_equal_to_band_steps_up_one_level_notice_2_1)
{
    sc_promotion_rules r = promo_a();
    sc_person tech = {SC_LEVEL_2, false, false}, senior = {SC_LEVEL_3, false, false};
    /* 已有技师…可晋升为高级技师 */
    CHECK_INT(sc_promote(&r, 1, 20, &tech), SC_LEVEL_1);
    /* 已有高级工…可晋升为技师 */
    CHECK_INT(sc_promote(&r, 6, 20, &senior), SC_LEVEL_2);
}

TEST(test_current_level_above_band_gets_nothing_notice_2_1)
{
    sc_promotion_rules r = promo_a();
    sc_person tech = {SC_LEVEL_2, false, false}, top = {SC_LEVEL_1, false, false};
    CHECK_INT(sc_promote(&r, 6, 20, &tech), SC_LEVEL_NONE);
    CHECK_INT(sc_promote(&r, 1, 20, &top), SC_LEVEL_NONE);
}

TEST(test_student_promoted_at_most_to_technician_notice_2_4)
{
    sc_promotion_rules r = promo_a();
    sc_person student_tech = {SC_LEVEL_2, true, false}, student_none = {SC_LEVEL_NONE, true, false};
    sc_person student_senior = {SC_LEVEL_3, true, false};
    CHECK_INT(sc_promote(&r, 1, 20, &student_tech), SC_LEVEL_NONE);
    CHECK_INT(sc_promote(&r, 1, 20, &student_none), SC_LEVEL_2);
    CHECK_INT(sc_promote(&r, 6, 20, &student_senior), SC_LEVEL_2);
}

TEST(test_occupation_top_level_caps_promotion_notice_2_4)
{
    sc_promotion_rules r = promo_a();
    sc_person none = {SC_LEVEL_NONE, false, false}, senior = {SC_LEVEL_3, false, false};
    r.top_level = SC_LEVEL_3;
    CHECK_INT(sc_promote(&r, 1, 20, &none), SC_LEVEL_3);
    CHECK_INT(sc_promote(&r, 1, 20, &senior), SC_LEVEL_NONE);
}

TEST(test_occupation_not_in_2022_catalog_gets_no_promotion_notice_2_4)
{
    sc_promotion_rules r = promo_a();
    sc_person none = {SC_LEVEL_NONE, false, false};
    r.in_catalog = false;
    CHECK_INT(sc_promote(&r, 1, 20, &none), SC_LEVEL_NONE);
}

TEST(test_one_promotion_per_competition_notice_2_5)
{
    sc_promotion_rules r = promo_a();
    sc_person before = {SC_LEVEL_NONE, false, true};
    CHECK_INT(sc_promote(&r, 1, 20, &before), SC_LEVEL_NONE);
}

TEST(test_selection_stage_and_classes_without_table_promote_nobody_rules_6)
{
    sc_promotion_rules r = promo_a();
    sc_person none = {SC_LEVEL_NONE, false, false};
    r.final_stage = false;
    CHECK_INT(sc_promote(&r, 1, 20, &none), SC_LEVEL_NONE);
    r = promo_a();
    r.table = sc_class_table(SC_CLASS_NATIONAL);
    CHECK_INT(sc_promote(&r, 1, 20, &none), SC_LEVEL_NONE);
}

TEST(test_every_team_member_is_promoted_on_their_own_level_notice_2_1)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.team_size = 2;
    /* N = 6 pairs; the winning pair: one member holds 技师, one is a student holding 技师,
     * and the second pair (rank 2, still top band for pairs) holds nothing / 高级工. */
    sc_entry_in *a = fx_add(&fx, "A", 9000);
    fx.people[0][0] = (sc_person){SC_LEVEL_2, false, false};
    fx.people[0][1] = (sc_person){SC_LEVEL_2, true, false};
    fx_add(&fx, "B", 8000);
    fx.people[1][0] = (sc_person){SC_LEVEL_NONE, false, false};
    fx.people[1][1] = (sc_person){SC_LEVEL_3, false, false};
    fx_add(&fx, "C", 7000);
    fx.people[2][0] = (sc_person){SC_LEVEL_3, false, false};
    fx.people[2][1] = (sc_person){SC_LEVEL_4, false, true};
    fx_add(&fx, "D", 6000);
    fx_add(&fx, "E", 5000);
    fx_add(&fx, "F", 4000);
    (void)a;
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "A")->promoted_to[0], SC_LEVEL_1);
    CHECK_INT(fx_row(&fx, "A")->promoted_to[1], SC_LEVEL_NONE);
    CHECK_INT(fx_row(&fx, "B")->promoted_to[0], SC_LEVEL_2);
    CHECK_INT(fx_row(&fx, "B")->promoted_to[1], SC_LEVEL_2);
    /* rank 3 of pairs: second band 高级工 (3 <= half 3) */
    CHECK_INT(fx_row(&fx, "C")->promoted_to[0], SC_LEVEL_2);
    CHECK_INT(fx_row(&fx, "C")->promoted_to[1], SC_LEVEL_NONE);
    CHECK_INT(fx_row(&fx, "D")->promoted_to[0], SC_LEVEL_NONE);
}

TEST(test_tied_entries_share_the_promotion_band_of_their_rank_rules_6)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.n_tie_break = 0;
    /* ranks 1, 2, 3, 3, 5 ... of 10 singles: both rank-3 entries get 技师 */
    fx_add(&fx, "A", 9500);
    fx_add(&fx, "B", 9400);
    fx_add(&fx, "C", 9300);
    fx_add(&fx, "D", 9300);
    for (int i = 0; i < 6; i++) {
        char id[16];
        snprintf(id, sizeof id, "Z%d", i);
        fx_add(&fx, id, 5000 - i * 100);
    }
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "C")->promoted_to[0], SC_LEVEL_2);
    CHECK_INT(fx_row(&fx, "D")->promoted_to[0], SC_LEVEL_2);
    CHECK_INT(fx_row(&fx, "Z0")->rank, 5);
    CHECK_INT(fx_row(&fx, "Z0")->promoted_to[0], SC_LEVEL_3);
    CHECK_INT(fx_row(&fx, "Z1")->promoted_to[0], SC_LEVEL_NONE); /* rank 6 > half 5 */
}

/* ---- §7 cash ---------------------------------------------------------------------------------------- */

TEST(test_cash_presets_per_person_in_yuan_jineng_yunnan_item_28)
{
    sc_cash_table t;
    sc_cash_table_preset(SC_CASH_WS, &t);
    CHECK_INT(t.amount[SC_AWARD_GOLD], 600000);
    CHECK_INT(t.amount[SC_AWARD_SILVER], 400000);
    CHECK_INT(t.amount[SC_AWARD_BRONZE], 200000);
    CHECK_INT(t.amount[SC_AWARD_HONOURABLE], 100000);
    sc_cash_table_preset(SC_CASH_NAT, &t);
    CHECK_INT(t.amount[SC_AWARD_GOLD], 200000);
    CHECK_INT(t.amount[SC_AWARD_SILVER], 150000);
    CHECK_INT(t.amount[SC_AWARD_BRONZE], 80000);
    CHECK_INT(t.amount[SC_AWARD_HONOURABLE], 20000);
    sc_cash_table_preset(SC_CASH_NAT1, &t);
    CHECK_INT(t.amount[SC_AWARD_GOLD], 100000);
    CHECK_INT(t.amount[SC_AWARD_SILVER], 50000);
    CHECK_INT(t.amount[SC_AWARD_BRONZE], 20000);
    CHECK_INT(t.amount[SC_AWARD_FIRST], 30000);
    CHECK_INT(t.amount[SC_AWARD_SECOND], 20000);
    CHECK_INT(t.amount[SC_AWARD_THIRD], 10000);
    CHECK_INT(t.amount[SC_AWARD_HONOURABLE], 0);
    sc_cash_table_preset(SC_CASH_PROV, &t);
    CHECK_INT(t.amount[SC_AWARD_GOLD], 30000);
    CHECK_INT(t.amount[SC_AWARD_SILVER], 20000);
    CHECK_INT(t.amount[SC_AWARD_BRONZE], 10000);
    CHECK_INT(t.amount[SC_AWARD_FIRST], 0);
    sc_cash_table_preset(SC_CASH_NONE, &t);
    CHECK_INT(t.amount[SC_AWARD_GOLD], 0);
}

TEST(test_class_cash_presets_jineng_yunnan_item_28)
{
    CHECK_INT(sc_class_cash_preset(SC_CLASS_WORLDSKILLS), SC_CASH_WS);
    CHECK_INT(sc_class_cash_preset(SC_CLASS_NATIONAL), SC_CASH_NAT);
    CHECK_INT(sc_class_cash_preset(SC_CLASS_NATIONAL_CLASS1), SC_CASH_NAT1);
    CHECK_INT(sc_class_cash_preset(SC_CLASS_PROVINCIAL), SC_CASH_PROV);
    CHECK_INT(sc_class_cash_preset(SC_CLASS_PROVINCIAL_INDUSTRY_1), SC_CASH_PROV);
    CHECK_INT(sc_class_cash_preset(SC_CLASS_PROVINCIAL_SPECIAL), SC_CASH_NONE);
    CHECK_INT(sc_class_cash_preset(SC_CLASS_PREFECTURE), SC_CASH_NONE);
}

TEST(test_coach_team_gets_the_same_amount_again_jineng_yunnan_item_28)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.scheme = SC_SCHEME_MEDALS;
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 8000);
    fx_add(&fx, "C", 7000);
    fx_add(&fx, "D", 6000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "A")->cash_per_person, 30000);
    CHECK_INT(fx_row(&fx, "A")->cash_coach, 30000);
    CHECK_INT(fx_row(&fx, "B")->cash_per_person, 20000);
    CHECK_INT(fx_row(&fx, "C")->cash_per_person, 10000);
    CHECK_INT(fx_row(&fx, "D")->cash_per_person, 0);
}

TEST(test_prizes_under_a_medals_only_preset_pay_nothing_rules_7)
{
    fixture fx;
    fx_init(&fx); /* PROV preset, prizes scheme: 一等奖 has no amount */
    fx_add(&fx, "A", 9000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "A")->award, SC_AWARD_FIRST);
    CHECK_INT(fx_row(&fx, "A")->cash_per_person, 0);
}

/* ---- issue 17: fixed counts with ties, pass marks, promotion bands, titles, medal table ------ */

TEST(test_fixed_counts_1_3_6_with_ties_share_awards_and_honourable_mention_follows_guanli_banfa_article_37)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.quotas[0] = (sc_quota){false, 1};
    fx.ev.quotas[1] = (sc_quota){false, 3};
    fx.ev.quotas[2] = (sc_quota){false, 6};
    fx.ev.n_tie_break = 0;
    /* 24 entries; ties at 1 (two firsts), across the 4/5 boundary and across the 10/11 boundary.
     * Ranks: A,B 1; C 3; D,E 4; F 6; G..I 7..9; J,K 10; L 12; then 13..24. Cumulative limits 1, 4,
     * 10: A,B 一等奖; C, D, E 二等奖 (rank <= 4); F..K 三等奖 (rank <= 10, J and K share 10);
     * L..: 优胜奖 while rank <= floor(24/2) = 12, so only L; M.. nothing. */
    static const sc_centi scores[24] = {9900, 9900, 9800, 9700, 9700, 9600, 9500, 9400, 9300,
                                        9200, 9200, 9100, 9000, 8900, 8800, 8700, 8600, 8500,
                                        8400, 8300, 8200, 8100, 8000, 7900};
    char id[2] = "A";
    for (int i = 0; i < 24; i++) {
        id[0] = (char)('A' + i);
        fx_add(&fx, id, scores[i]);
    }
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "A")->award, SC_AWARD_FIRST);
    CHECK_INT(fx_row(&fx, "B")->award, SC_AWARD_FIRST);
    CHECK_INT(fx_rank(&fx, "C"), 3);
    CHECK_INT(fx_row(&fx, "C")->award, SC_AWARD_SECOND);
    CHECK_INT(fx_rank(&fx, "E"), 4);
    CHECK_INT(fx_row(&fx, "E")->award, SC_AWARD_SECOND);
    CHECK_INT(fx_row(&fx, "F")->award, SC_AWARD_THIRD);
    CHECK_INT(fx_rank(&fx, "K"), 10);
    CHECK_INT(fx_row(&fx, "K")->award, SC_AWARD_THIRD);
    CHECK_INT(fx_rank(&fx, "L"), 12);
    CHECK_INT(fx_row(&fx, "L")->award, SC_AWARD_HONOURABLE);
    CHECK_INT(fx_row(&fx, "M")->award, SC_AWARD_NONE);
}

/* Two criteria-free scores for a pass-mark fixture: theory 20 / practical 80. */
static void fx_with_theory(fixture *fx, const char *id, sc_centi theory, sc_centi practical)
{
    sc_entry_in *e = fx_add(fx, id, practical);
    e->has_theory = true;
    e->theory = theory;
}

TEST(test_below_either_pass_mark_withholds_award_and_promotion_but_keeps_ranks_taixing_2021)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.w_theory = 20;
    fx.ev.w_practical = 80;
    fx.ev.pass = (sc_pass_rules){true, 6000, 6000, SC_WITHHOLD_AWARD | SC_WITHHOLD_PROMOTION};
    /* 泰兴 2021 双合格: theory and practical each at least 60.
     * A: 55 / 95 -> total 87.00, rank 1, below the theory mark: no 一等奖, no cash, no promotion.
     * B: 60 / 80 -> 76.00 rank 2, passes exactly at 60: 二等奖.  C: 90 / 59.99 -> 65.99 rank 3,
     * below the practical mark. D: 70 / 60 -> 62.00 rank 4. Nobody moves up into A's place. */
    fx_with_theory(&fx, "A", 5500, 9500);
    fx_with_theory(&fx, "B", 6000, 8000);
    fx_with_theory(&fx, "C", 9000, 5999);
    fx_with_theory(&fx, "D", 7000, 6000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_rank(&fx, "A"), 1);
    CHECK_INT(fx_row(&fx, "A")->total, 8700);
    CHECK(fx_row(&fx, "A")->below_pass);
    CHECK_INT(fx_row(&fx, "A")->award, SC_AWARD_NONE);
    CHECK_INT(fx_row(&fx, "A")->cash_per_person, 0);
    CHECK_INT(fx_row(&fx, "A")->promoted_to[0], SC_LEVEL_NONE);
    CHECK_INT(fx_row(&fx, "A")->withheld, SC_WITHHOLD_AWARD | SC_WITHHOLD_PROMOTION);
    CHECK(!fx_row(&fx, "B")->below_pass);
    CHECK_INT(fx_row(&fx, "B")->award, SC_AWARD_SECOND);
    CHECK_INT(fx_row(&fx, "B")->promoted_to[0], SC_LEVEL_2); /* table A top band */
    CHECK(fx_row(&fx, "C")->below_pass);
    CHECK_INT(fx_row(&fx, "C")->award, SC_AWARD_NONE);
    CHECK_INT(fx_rank(&fx, "D"), 4);
    CHECK_INT(fx_row(&fx, "D")->withheld, 0);
}

TEST(test_pass_mark_withholding_only_the_certificate_keeps_award_and_promotion_chongqing_2010)
{
    fixture fx;
    fx_init(&fx);
    fx.ev.pass = (sc_pass_rules){true, 0, 6000, SC_WITHHOLD_CERTIFICATE};
    /* No theory exam: the theory mark is not compared; practical 50 < 60 withholds the award
     * certificate only (重庆 2010: 两项均合格者颁发证书). */
    fx_add(&fx, "A", 5000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK(fx_row(&fx, "A")->below_pass);
    CHECK_INT(fx_row(&fx, "A")->withheld, SC_WITHHOLD_CERTIFICATE);
    CHECK_INT(fx_row(&fx, "A")->award, SC_AWARD_FIRST);
    CHECK_INT(fx_row(&fx, "A")->promoted_to[0], SC_LEVEL_2);
}

static sc_band band(int64_t from, int64_t to, sc_level level)
{
    return (sc_band){{from, to}, level, SC_LEVEL_NONE, SC_LEVEL_NONE};
}

static sc_promotion_rules promo_bands(const sc_band *b, size_t n)
{
    sc_promotion_rules r = promo_a();
    r.banded = true;
    r.bands = b;
    r.n_bands = n;
    return r;
}

TEST(test_national_2012_senior_group_1_5_technician_6_15_senior_worker_no_step_up_national_2012)
{
    /* 2012 national notice: 高级组 places 1-5 -> 技师, 6-15 -> 高级工; 中级组 1-5 -> 高级工,
     * 6-15 -> 中级工. A band gives its level outright: a 高级工 at place 6 gets nothing (no step-up). */
    sc_band senior[] = {band(1, 5, SC_LEVEL_2), band(6, 15, SC_LEVEL_3)};
    sc_band inter[] = {band(1, 5, SC_LEVEL_3), band(6, 15, SC_LEVEL_4)};
    sc_promotion_rules s = promo_bands(senior, 2), m = promo_bands(inter, 2);
    sc_person none = {SC_LEVEL_NONE, false, false}, sen = {SC_LEVEL_3, false, false};
    CHECK_INT(sc_promote(&s, 5, 40, &sen), SC_LEVEL_2);
    CHECK_INT(sc_promote(&s, 6, 40, &none), SC_LEVEL_3);
    CHECK_INT(sc_promote(&s, 6, 40, &sen), SC_LEVEL_NONE);
    CHECK_INT(sc_promote(&s, 15, 40, &none), SC_LEVEL_3);
    CHECK_INT(sc_promote(&s, 16, 40, &none), SC_LEVEL_NONE);
    CHECK_INT(sc_promote(&m, 1, 40, &none), SC_LEVEL_3);
    CHECK_INT(sc_promote(&m, 15, 40, &none), SC_LEVEL_4);
    /* fixed bands do not stop at half of N: N = 10, place 15 does not exist, place 6 still counts */
    CHECK_INT(sc_promote(&m, 6, 10, &none), SC_LEVEL_4);
}

TEST(test_lvliang_places_4_to_half_of_n_rounded_down_senior_worker_lvliang)
{
    /* 吕梁: 第4名至参赛人数一半 -> 高级工; half = floor(N / 2). N = 13: places 4..6. N = 7: half 3 < 4,
     * nobody. */
    sc_band b[] = {band(1, 3, SC_LEVEL_2), band(4, SC_PLACES_HALF, SC_LEVEL_3)};
    sc_promotion_rules r = promo_bands(b, 2);
    sc_person none = {SC_LEVEL_NONE, false, false};
    CHECK_INT(sc_promote(&r, 4, 13, &none), SC_LEVEL_3);
    CHECK_INT(sc_promote(&r, 6, 13, &none), SC_LEVEL_3);
    CHECK_INT(sc_promote(&r, 7, 13, &none), SC_LEVEL_NONE);
    CHECK_INT(sc_promote(&r, 4, 7, &none), SC_LEVEL_NONE);
    CHECK(sc_places_contain((sc_places){4, SC_PLACES_HALF}, 4, 8));
    CHECK(!sc_places_contain((sc_places){4, SC_PLACES_HALF}, 4, 7));
}

TEST(test_shijiazhuang_2010_technician_only_for_senior_workers_otherwise_senior_worker)
{
    /* 石家庄 2010: places 1-3 -> 技师 for those already 高级工, otherwise 高级工. */
    sc_band b[] = {{{1, 3}, SC_LEVEL_2, SC_LEVEL_3, SC_LEVEL_3}};
    sc_promotion_rules r = promo_bands(b, 1);
    sc_person none = {SC_LEVEL_NONE, false, false}, mid = {SC_LEVEL_4, false, false};
    sc_person sen = {SC_LEVEL_3, false, false}, tech = {SC_LEVEL_2, false, false};
    CHECK_INT(sc_promote(&r, 1, 20, &sen), SC_LEVEL_2);
    CHECK_INT(sc_promote(&r, 2, 20, &mid), SC_LEVEL_3);
    CHECK_INT(sc_promote(&r, 3, 20, &none), SC_LEVEL_3);
    CHECK_INT(sc_promote(&r, 1, 20, &tech), SC_LEVEL_NONE); /* holds it already */
    CHECK_INT(sc_promote(&r, 4, 20, &sen), SC_LEVEL_NONE);
    /* the caps still apply: not in the catalogue, nothing */
    r.in_catalog = false;
    CHECK_INT(sc_promote(&r, 1, 20, &sen), SC_LEVEL_NONE);
}

TEST(test_banded_group_in_compute_replaces_the_class_table_national_2012)
{
    fixture fx;
    sc_band b[] = {band(1, 1, SC_LEVEL_3)};
    fx_init(&fx); /* table A would give rank 1 技师 */
    fx.ev.banded = true;
    fx.ev.bands = b;
    fx.ev.n_bands = 1;
    fx_add(&fx, "A", 9000);
    fx_add(&fx, "B", 8000);
    fx_add(&fx, "C", 7000);
    fx_add(&fx, "D", 6000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "A")->promoted_to[0], SC_LEVEL_3);
    CHECK_INT(fx_row(&fx, "B")->promoted_to[0], SC_LEVEL_NONE); /* table A would give 技师 */
}

TEST(test_titles_by_places_ties_share_and_failing_pass_withholds_title_kunming_2023)
{
    fixture fx;
    /* 昆明 2023 style: 1 技术状元, 2-3 优秀技术标兵, 4-6 技术标兵. */
    sc_places t[] = {{1, 1}, {2, 3}, {4, 6}};
    fx_init(&fx);
    fx.ev.titles = t;
    fx.ev.n_titles = 3;
    fx.ev.n_tie_break = 0;
    fx.ev.pass = (sc_pass_rules){true, 0, 6000, SC_WITHHOLD_TITLE};
    /* ranks: A 1, B 2, C 3, D 3 (tie shares 优秀技术标兵), E 5, F 6 below 60: no title, G 7 none */
    fx_add(&fx, "A", 9500);
    fx_add(&fx, "B", 9000);
    fx_add(&fx, "C", 8500);
    fx_add(&fx, "D", 8500);
    fx_add(&fx, "E", 7000);
    fx_add(&fx, "F", 5900);
    fx_add(&fx, "G", 5000);
    CHECK_INT(fx_run(&fx, 0), SC_OK);
    CHECK_INT(fx_row(&fx, "A")->title, 1);
    CHECK_INT(fx_row(&fx, "B")->title, 2);
    CHECK_INT(fx_row(&fx, "D")->title, 2);
    CHECK_INT(fx_row(&fx, "E")->title, 3);
    CHECK_INT(fx_rank(&fx, "F"), 6);
    CHECK_INT(fx_row(&fx, "F")->title, 0);
    CHECK_INT(fx_row(&fx, "G")->title, 0);
    CHECK_INT(fx_row(&fx, "F")->award, SC_AWARD_NONE); /* beyond 1/1/1 and floor(7/2) = 3 */
}

TEST(test_medal_table_points_then_golds_then_silvers_and_shared_ranks_medal_table)
{
    /* points 4/3/2/1: 曲靖 gold+bronze = 6; 昆明 silver+silver = 6, fewer golds -> below 曲靖;
     * 玉溪 一等奖 + 二等奖 = 7 -> first; 大理 bronze + 优胜奖 + 优胜奖 = 4; 红河 三等奖 + 优胜奖 x2 = 4,
     * the same first/second/third/优胜 tiers as 大理 -> shares rank 4, listed by name; 普洱 nothing. */
    sc_medal_points p;
    sc_medal_row rows[6] = {{.delegation = "曲靖"}, {.delegation = "昆明"}, {.delegation = "玉溪"},
                            {.delegation = "大理"}, {.delegation = "红河"}, {.delegation = "普洱"}};
    const size_t d[] = {0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5};
    const sc_award a[] = {SC_AWARD_GOLD, SC_AWARD_BRONZE, SC_AWARD_SILVER, SC_AWARD_SILVER,
                          SC_AWARD_FIRST, SC_AWARD_SECOND, SC_AWARD_BRONZE, SC_AWARD_HONOURABLE,
                          SC_AWARD_HONOURABLE, SC_AWARD_THIRD, SC_AWARD_HONOURABLE,
                          SC_AWARD_HONOURABLE, SC_AWARD_NONE};
    sc_medal_item items[13];
    for (size_t i = 0; i < 13; i++)
        items[i] = (sc_medal_item){.delegation = d[i], .award = a[i]};
    sc_medal_points_default(&p);
    CHECK_INT(sc_medal_table(&p, items, 13, rows, 6), SC_OK);
    CHECK_STR(rows[0].delegation, "玉溪");
    CHECK_INT(rows[0].points, 7);
    CHECK_INT(rows[0].rank, 1);
    CHECK_STR(rows[1].delegation, "曲靖");
    CHECK_INT(rows[1].rank, 2);
    CHECK_STR(rows[2].delegation, "昆明");
    CHECK_INT(rows[2].points, 6);
    CHECK_INT(rows[2].rank, 3);
    CHECK_INT(rows[3].rank, 4);
    CHECK_INT(rows[4].rank, 4);
    CHECK(strcmp(rows[3].delegation, rows[4].delegation) < 0);
    CHECK_INT(rows[3].points, 4);
    CHECK_STR(rows[5].delegation, "普洱");
    CHECK_INT(rows[5].points, 0);
    CHECK_INT(rows[5].rank, 6);
    CHECK_INT(rows[2].count[SC_AWARD_SILVER], 2);
    /* configurable points: 优胜奖 worth 0 and 铜牌 5 put 大理 (5) above 红河 (2) */
    p.points[SC_AWARD_HONOURABLE] = 0;
    p.points[SC_AWARD_BRONZE] = 5;
    sc_medal_row again[6] = {{.delegation = "曲靖"}, {.delegation = "昆明"}, {.delegation = "玉溪"},
                             {.delegation = "大理"}, {.delegation = "红河"}, {.delegation = "普洱"}};
    CHECK_INT(sc_medal_table(&p, items, 13, again, 6), SC_OK);
    CHECK_STR(again[0].delegation, "曲靖"); /* 4 + 5 = 9 */
    CHECK_INT(again[0].points, 9);
    /* a bad delegation index is refused */
    const sc_medal_item bad[] = {{.delegation = 6, .award = SC_AWARD_GOLD}};
    CHECK_INT(sc_medal_table(&p, bad, 1, again, 6), SC_EINVAL);
}

/* ---- names ------------------------------------------------------------------------------------------ */

TEST(test_names_round_trip)
{
    sc_level l;
    sc_class c;
    sc_award a;
    CHECK_INT(sc_level_parse("高级技师", &l), SC_OK);
    CHECK_INT(l, SC_LEVEL_1);
    CHECK_STR(sc_level_name(SC_LEVEL_3), "高级工");
    CHECK(sc_level_name(SC_LEVEL_NONE) == NULL);
    CHECK_INT(sc_level_parse("高工", &l), SC_EINVAL);
    for (int k = 0; k < SC_CLASS_COUNT; k++) {
        CHECK_INT(sc_class_parse(sc_class_key((sc_class)k), &c), SC_OK);
        CHECK_INT(c, k);
    }
    CHECK_INT(sc_award_parse("优胜奖", &a), SC_OK);
    CHECK_INT(a, SC_AWARD_HONOURABLE);
}
