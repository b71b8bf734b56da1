/*
 * test_worldskills.c — WorldSkills marking schemes in the engine, through scoring.h only.
 *
 * Every expected value is worked by hand in docs/worldskills.md; test names end with the rule
 * (W1–W9) that the document states with its source. Where the sources leave a choice, the rule is
 * the project default and the document says so.
 */
#include "scoring/scoring.h"
#include "check.h"

#define J SC_ASPECT_JUDGEMENT
#define M SC_ASPECT_MEASUREMENT

/* docs/worldskills.md W4's criterion B (max 8.00): M1 1.50 yes/no, M2 0.50 yes/no, M3 2.00 with
 * 0.50 per fault, B4 and B5 judgement 2.00 each. Criterion A (92.00) is one yes/no aspect, so the
 * criteria add up to 100. */
static const sc_aspect scheme[] = {
    {0, M, 9200, 0},  /* A1 */
    {1, M, 150, 0},   /* M1 */
    {1, M, 50, 0},    /* M2 */
    {1, M, 200, 50},  /* M3 */
    {1, J, 200, 0},   /* B4 */
    {1, J, 200, 0},   /* B5 */
};
static const sc_centi scheme_max[] = {9200, 800};

TEST(test_aspects_of_a_criterion_add_up_to_its_maximum_w2)
{
    size_t fault;
    sc_aspect bad[6];
    CHECK_INT(sc_aspects_check(scheme, 6, scheme_max, 2, &fault), SC_OK);
    memcpy(bad, scheme, sizeof bad);
    bad[4].max = 250; /* B now adds up to 8.50 */
    CHECK_INT(sc_aspects_check(bad, 6, scheme_max, 2, &fault), SC_EASPECTSUM);
    CHECK_INT(fault, 1);
    memcpy(bad, scheme, sizeof bad);
    bad[4].deduct = 50; /* a deduction on a judgement aspect */
    CHECK_INT(sc_aspects_check(bad, 6, scheme_max, 2, &fault), SC_EINVAL);
    CHECK_INT(fault, 4);
    memcpy(bad, scheme, sizeof bad);
    bad[2].criterion = 2; /* no such criterion */
    CHECK_INT(sc_aspects_check(bad, 6, scheme_max, 2, &fault), SC_EINVAL);
    CHECK_INT(fault, 2);
}

TEST(test_measurement_yes_no_gives_full_mark_or_zero_w3)
{
    sc_frac f;
    sc_centi yes = 150, no = 0, half = 75;
    CHECK_INT(sc_aspect_mark(&scheme[1], &yes, 1, &f), SC_OK);
    CHECK_INT(f.num, 150);
    CHECK_INT(f.den, 1);
    CHECK_INT(sc_aspect_mark(&scheme[2], &no, 1, &f), SC_OK);
    CHECK_INT(f.num, 0);
    /* part marks only with a deduction rule */
    CHECK_INT(sc_aspect_record_check(&scheme[1], half), SC_EASPECT);
    CHECK_INT(sc_aspect_mark(&scheme[1], &half, 1, &f), SC_EASPECT);
}

TEST(test_measurement_deduction_per_fault_and_never_below_zero_w3)
{
    sc_frac f;
    sc_centi three_faults = 50, five_faults = 0, off_step = 120;
    /* M3: 2.00 − 3 × 0.50 = 0.50; 5 faults: max(0, −0.50) = 0 */
    CHECK_INT(sc_aspect_mark(&scheme[3], &three_faults, 1, &f), SC_OK);
    CHECK_INT(f.num, 50);
    CHECK_INT(sc_aspect_mark(&scheme[3], &five_faults, 1, &f), SC_OK);
    CHECK_INT(f.num, 0);
    CHECK_INT(sc_aspect_record_check(&scheme[3], off_step), SC_EASPECT); /* 2.00 − 1.20 ≠ k × 0.50 */
    CHECK_INT(sc_aspect_record_check(&scheme[3], 250), SC_EASPECT);      /* above the maximum */
}

TEST(test_measurement_records_that_differ_are_a_discrepancy_not_an_average_w3)
{
    sc_frac f;
    sc_centi agree[] = {150, 150}, differ[] = {150, 0};
    CHECK_INT(sc_aspect_mark(&scheme[1], agree, 2, &f), SC_OK);
    CHECK_INT(f.num, 150);
    CHECK_INT(sc_aspect_mark(&scheme[1], differ, 2, &f), SC_ESPREAD);
}

TEST(test_judgement_mark_is_max_times_sum_over_three_n_exactly_w4)
{
    sc_frac f;
    sc_centi three[] = {200, 300, 200}, four[] = {200, 200, 300, 300};
    /* B4 2.00 with 2, 3, 2: 2 × 7 / 9 = 14/9 (in hundredths 1400/9) */
    CHECK_INT(sc_aspect_mark(&scheme[4], three, 3, &f), SC_OK);
    CHECK_INT(f.num * 9, 1400 * f.den);
    /* four judges 2, 2, 3, 3: 2 × 10 / 12 = 5/3 */
    CHECK_INT(sc_aspect_mark(&scheme[4], four, 4, &f), SC_OK);
    CHECK_INT(f.num * 3, 500 * f.den);
}

TEST(test_judgement_needs_three_judges_and_whole_scores_0_to_3_w4)
{
    sc_frac f;
    sc_centi two[] = {200, 300}, four_pts[] = {200, 400, 300}, half[] = {150, 200, 200};
    CHECK_INT(sc_aspect_mark(&scheme[4], two, 2, &f), SC_ETOOFEW);
    CHECK_INT(sc_aspect_mark(&scheme[4], four_pts, 3, &f), SC_EASPECT);
    CHECK_INT(sc_aspect_mark(&scheme[4], half, 3, &f), SC_EASPECT);
    CHECK_INT(sc_aspect_mark(&scheme[4], NULL, 0, &f), SC_ENOMARKS);
}

TEST(test_judgement_scores_more_than_one_point_apart_are_a_discrepancy_w5)
{
    sc_frac f;
    sc_centi wide[] = {100, 300, 200}, remarked[] = {200, 300, 200}, four[] = {100, 200, 200, 100},
             low[] = {0, 0, 0}, high[] = {300, 300, 300};
    CHECK_INT(sc_aspect_mark(&scheme[4], wide, 3, &f), SC_ESPREAD);
    CHECK_INT(sc_aspect_mark(&scheme[4], remarked, 3, &f), SC_OK);
    CHECK_INT(sc_aspect_mark(&scheme[4], four, 4, &f), SC_OK);
    CHECK_INT(f.num * 12, 200 * 6 * f.den); /* max × 6/12 */
    CHECK_INT(sc_aspect_mark(&scheme[4], low, 3, &f), SC_OK);
    CHECK_INT(f.num, 0);
    CHECK_INT(sc_aspect_mark(&scheme[4], high, 3, &f), SC_OK);
    CHECK_INT(f.num, 200 * f.den);
}

/* Criterion B's records in aspect order, three judges on each J aspect. */
static sc_centi b_marks[] = {9200, 150, 0, 50, 200, 300, 200, 300, 200, 200};
static const size_t b_counts[] = {1, 1, 1, 1, 3, 3};

TEST(test_criterion_is_the_exact_sum_of_its_aspects_rounded_once_w4)
{
    sc_centi b, a;
    size_t fault;
    /* 3/2 + 0 + 1/2 + 14/9 + 14/9 = 46/9 = 5.111… -> 5.11, not 5.12 (aspects rounded first) */
    CHECK_INT(sc_criterion_from_aspects(scheme, 6, 1, b_marks, b_counts, &b, &fault), SC_OK);
    CHECK_INT(b, 511);
    CHECK_INT(sc_criterion_from_aspects(scheme, 6, 0, b_marks, b_counts, &a, &fault), SC_OK);
    CHECK_INT(a, 9200);
}

TEST(test_a_discrepancy_names_its_aspect_w5)
{
    sc_centi marks[] = {9200, 150, 0, 50, 100, 300, 200, 300, 200, 200}, b;
    size_t fault;
    CHECK_INT(sc_criterion_from_aspects(scheme, 6, 1, marks, b_counts, &b, &fault), SC_ESPREAD);
    CHECK_INT(fault, 4); /* B4 */
}

TEST(test_scale_puts_the_median_at_700_and_spreads_by_the_mean_deviation_w6)
{
    /* x = 82.40, 75.10, 70.00, 66.50, 52.00: m = 70.00, D = 7.80 (dev2 = 2 × 39.00 = 7800 in
     * hundredths of twice the deviation) -> 740, 716, 700, 689, 642 */
    const sc_centi x[] = {8240, 7510, 7000, 6650, 5200};
    const int64_t want[] = {740, 716, 700, 689, 642};
    const bool excellent[] = {true, true, true, false, false};
    int64_t dev2 = 0;
    for (int i = 0; i < 5; i++)
        dev2 += 2 * x[i] > 14000 ? 2 * x[i] - 14000 : 14000 - 2 * x[i];
    CHECK_INT(dev2, 7800);
    for (int i = 0; i < 5; i++) {
        int64_t p;
        CHECK_INT(sc_ws_scale(x[i], 14000, dev2, 5, &p), excellent[i]);
        CHECK_INT(p, want[i]);
    }
}

TEST(test_scale_is_700_for_everyone_when_nobody_differs_w6)
{
    int64_t p;
    CHECK(sc_ws_scale(6000, 12000, 0, 3, &p));
    CHECK_INT(p, 700);
    CHECK(sc_ws_scale(6000, 12000, 0, 1, &p));
    CHECK_INT(p, 700);
}

/* ---- one event with a marking scheme through sc_compute_group ---------------------------------- */

typedef struct ws_fixture {
    sc_competition_rules comp;
    sc_event_rules ev;
    sc_aspect aspect[1];
    sc_centi max[1];
    sc_entry_in in[8];
    sc_centi marks[8][1];
    size_t counts[8][1];
    sc_person people[8][1];
    char ids[8][8];
    sc_entry_out out[8];
    sc_group_summary sum;
    sc_error err;
    size_t n;
} ws_fixture;

/* One criterion of 100 made of one yes/no aspect cannot give W6's spread; an M aspect with a
 * 0.01 deduction can: each entry's record is its total. Medals 1/1/1 (or as told), 700 scale. */
static void ws_init(ws_fixture *fx, int bronze)
{
    memset(fx, 0, sizeof *fx);
    fx->max[0] = 10000;
    fx->aspect[0] = (sc_aspect){0, M, 10000, 1};
    fx->comp.table = SC_TABLE_NONE;
    fx->comp.final_stage = true;
    fx->ev.criterion_max = fx->max;
    fx->ev.n_criteria = 1;
    fx->ev.aspects = fx->aspect;
    fx->ev.n_aspects = 1;
    fx->ev.ws_scale = true;
    fx->ev.w_practical = 100;
    fx->ev.scheme = SC_SCHEME_MEDALS;
    fx->ev.quotas[0] = (sc_quota){false, 1};
    fx->ev.quotas[1] = (sc_quota){false, 1};
    fx->ev.quotas[2] = (sc_quota){false, bronze};
    fx->ev.tie_break[0] = SC_TB_PRACTICAL;
    fx->ev.n_tie_break = 1;
    fx->ev.team_size = 1;
    fx->ev.top_level = SC_LEVEL_1;
    fx->ev.in_catalog = true;
}

static void ws_add(ws_fixture *fx, sc_centi total)
{
    size_t i = fx->n++;
    snprintf(fx->ids[i], sizeof fx->ids[i], "E%zu", i + 1);
    fx->in[i] = (sc_entry_in){.id = fx->ids[i], .status = SC_STATUS_OK,
                              .time_seconds = SC_NO_TIME, .marks = fx->marks[i],
                              .n_marks = fx->counts[i], .members = fx->people[i],
                              .n_members = 1};
    fx->marks[i][0] = total;
    fx->counts[i][0] = 1;
}

static const sc_entry_out *ws_row(const ws_fixture *fx, size_t entry)
{
    for (size_t i = 0; i < fx->n; i++)
        if (fx->out[i].entry == entry)
            return &fx->out[i];
    return NULL;
}

/* W6's five-competitor skill with the fourth total given, computed: SC_OK or the engine's code. */
static int ws_skill(ws_fixture *fx, int bronze, sc_centi fourth)
{
    const sc_centi totals[5] = {8240, 7510, 7000, fourth, 5200};
    ws_init(fx, bronze);
    for (int i = 0; i < 5; i++)
        ws_add(fx, totals[i]);
    return sc_compute_group(&fx->comp, &fx->ev, fx->in, fx->n, 0, fx->out, &fx->sum, &fx->err);
}

TEST(test_scaled_event_gives_scale_scores_and_medals_by_rank_w6_w7)
{
    ws_fixture fx;
    CHECK_INT(ws_skill(&fx, 1, 6650), SC_OK);
    CHECK_INT(ws_row(&fx, 0)->scale, 740);
    CHECK_INT(ws_row(&fx, 0)->award, SC_AWARD_GOLD);
    CHECK_INT(ws_row(&fx, 1)->award, SC_AWARD_SILVER);
    CHECK_INT(ws_row(&fx, 2)->award, SC_AWARD_BRONZE);
    CHECK_INT(ws_row(&fx, 2)->scale, 700);
    /* 689 and 642: below 700, so no medallion — and §5's half-of-N 优胜奖 does not apply */
    CHECK_INT(ws_row(&fx, 3)->scale, 689);
    CHECK_INT(ws_row(&fx, 3)->award, SC_AWARD_NONE);
    CHECK_INT(ws_row(&fx, 4)->scale, 642);
    CHECK(ws_row(&fx, 4)->has_scale);
}

TEST(test_medallion_for_excellence_at_exactly_700_without_a_medal_w7)
{
    ws_fixture fx;
    CHECK_INT(ws_skill(&fx, 0, 6650), SC_OK); /* gold and silver only */
    CHECK_INT(ws_row(&fx, 2)->award, SC_AWARD_HONOURABLE); /* exactly 700 */
    CHECK_INT(ws_row(&fx, 3)->award, SC_AWARD_NONE);
}

TEST(test_medallion_reads_the_exact_scale_not_the_printed_one_w7)
{
    /* 82.40, 75.10, 70.00, 69.99, 52.00: m = 70.00; the fourth prints 700 but is 699.96… */
    ws_fixture fx;
    CHECK_INT(ws_skill(&fx, 0, 6999), SC_OK);
    CHECK_INT(ws_row(&fx, 3)->scale, 700);
    CHECK_INT(ws_row(&fx, 3)->award, SC_AWARD_NONE);
    CHECK_INT(ws_row(&fx, 2)->award, SC_AWARD_HONOURABLE);
}

TEST(test_open_discrepancy_leaves_the_entry_pending_while_marking_and_fails_final_results_w5)
{
    ws_fixture fx;
    sc_aspect j = {0, J, 10000, 0};
    sc_centi scores[2][3] = {{100, 300, 200}, {200, 200, 300}};
    size_t counts[2][1] = {{3}, {3}};
    ws_init(&fx, 1);
    fx.aspect[0] = j;
    for (size_t i = 0; i < 2; i++) {
        ws_add(&fx, 0);
        fx.in[i].marks = scores[i];
        fx.in[i].n_marks = counts[i];
    }
    CHECK_INT(sc_compute_group(&fx.comp, &fx.ev, fx.in, fx.n, 0, fx.out, &fx.sum, &fx.err),
              SC_ESPREAD);
    CHECK_INT(fx.err.entry, 0);
    CHECK_INT(fx.err.criterion, 0); /* the aspect */
    CHECK_INT(sc_compute_group(&fx.comp, &fx.ev, fx.in, fx.n, SC_ALLOW_INCOMPLETE, fx.out,
                               &fx.sum, &fx.err),
              SC_OK);
    CHECK_INT(ws_row(&fx, 0)->outcome, SC_OUT_INCOMPLETE);
    CHECK_INT(ws_row(&fx, 1)->outcome, SC_OUT_RANKED);
    CHECK_INT(ws_row(&fx, 1)->practical, 7778); /* 100 × 7 / 9 = 77.777… */
}

TEST(test_members_compared_by_medal_points_and_scale_averages_w9)
{
    /* 甲 in 3 events: gold, medallion, nothing -> 5 points, average 5/3 = 1.67; scale 740, 703, 655
     * -> 2098, average 699.33. 乙 in 2: silver, bronze -> 5, average 2.50. Both rank 1 by total. */
    sc_medal_points p;
    sc_medal_row rows[2] = {{.delegation = "甲"}, {.delegation = "乙"}};
    const sc_medal_item items[] = {
        {0, SC_AWARD_GOLD, true, 740}, {0, SC_AWARD_HONOURABLE, true, 703},
        {0, SC_AWARD_NONE, true, 655}, {1, SC_AWARD_SILVER, false, 0},
        {1, SC_AWARD_BRONZE, false, 0}};
    sc_medal_points_default(&p);
    CHECK_INT(sc_medal_table(&p, items, 5, rows, 2), SC_OK);
    CHECK_INT(rows[0].points, 5);
    CHECK_INT(rows[1].points, 5);
    const sc_medal_row *jia = strcmp(rows[0].delegation, "甲") == 0 ? &rows[0] : &rows[1];
    const sc_medal_row *yi = jia == &rows[0] ? &rows[1] : &rows[0];
    CHECK_INT(jia->entries, 3);
    CHECK_INT(jia->average_points, 167);
    CHECK_INT(yi->average_points, 250);
    CHECK_INT(jia->scale_sum, 2098);
    CHECK_INT(jia->scale_average, 69933);
    CHECK_INT(yi->scaled, 0);
    CHECK_INT(yi->scale_average, 0);
}

TEST(test_average_rounds_half_up_once_w9)
{
    CHECK_INT(sc_average_centi(5, 3), 167);
    CHECK_INT(sc_average_centi(1, 8), 13); /* 0.125 -> 0.13 */
    CHECK_INT(sc_average_centi(0, 0), 0);
}
