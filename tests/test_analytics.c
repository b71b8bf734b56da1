/*
 * test_analytics.c — judge analytics in the engine, through scoring.h only.
 *
 * Every expected value is worked by hand in the comment above its check, from the formulas in
 * scoring.h ("Judge analytics") and docs/analytics.md: deviation from the panel's median (A1),
 * leniency (A2), Spearman's rho with mid-ranks (A3), discrepancy flags (A4) and the flagging rule
 * with its project defaults (A5).
 */
#include "check.h"
#include "scoring/scoring.h"

#define NO (-1) /* no mark */
#define MAX_J 6
#define MAX_SLOTS 64

/* One event as a dense table: score[entry][item][judge] in hundredths, NO where absent. */
typedef struct event {
    size_t n_entries, n_items, n_judges;
    sc_centi max[4];
    sc_centi discrepancy;
    sc_centi score[12][4][MAX_J];
} event;

typedef struct result {
    int rc;
    sc_judge_item items[MAX_J * 4];
    sc_judge_stats stats[MAX_J];
} result;

static result analyse(const event *ev)
{
    static sc_judged_mark marks[MAX_SLOTS * MAX_J];
    static size_t start[MAX_SLOTS + 1];
    static int64_t scratch[1024];
    size_t n = 0, s = 0;
    result r;

    for (size_t e = 0; e < ev->n_entries; e++)
        for (size_t k = 0; k < ev->n_items; k++) {
            start[s++] = n;
            for (size_t j = 0; j < ev->n_judges; j++)
                if (ev->score[e][k][j] != NO)
                    marks[n++] = (sc_judged_mark){j, ev->score[e][k][j]};
        }
    start[s] = n;
    const sc_centi threshold[4] = {ev->discrepancy, ev->discrepancy, ev->discrepancy,
                                   ev->discrepancy};
    sc_analytics_in in = {ev->max, ev->n_items, threshold, ev->n_entries,
                          marks,   start,       ev->n_judges};
    CHECK(sc_analytics_scratch(ev->n_entries, ev->n_items) <= 1024);
    r.rc = sc_judge_analytics(&in, scratch, 1024, r.items, r.stats);
    return r;
}

/* ---- A1 deviation from the panel's median ---------------------------------------------------- */

TEST(test_deviation_from_an_odd_panels_median_is_exact_a1)
{
    /* One item (max 10.00), one entry, marks 6.00, 7.00, 9.00: median 7.00, med2 = 1400.
     * dev2 = 2·mark − med2: J0 1200 − 1400 = −200 (−1.00), J1 0, J2 1800 − 1400 = +400 (+2.00). */
    event ev = {1, 1, 3, {1000}, 2000, {{{600, 700, 900}}}};
    result r = analyse(&ev);
    CHECK_INT(r.rc, SC_OK);
    CHECK_INT(r.items[0].dev2, -200);
    CHECK_INT(r.items[1].dev2, 0);
    CHECK_INT(r.items[2].dev2, 400);
    CHECK_INT(r.items[2].compared, 1);
    CHECK_INT(r.items[2].max_sum, 1000);
    /* mean deviation = dev2 / (2 × compared): −100 and +200 hundredths */
    CHECK_INT(sc_div_round(r.items[0].dev2, 2 * r.items[0].compared), -100);
    CHECK_INT(sc_div_round(r.items[2].dev2, 2 * r.items[2].compared), 200);
    /* ... which the engine fills in; the item's leniency 5000 × dev2 / max_sum: −10.00% and
     * +20.00% of the maximum 10.00, in hundredths of a percent */
    CHECK_INT(r.items[0].mean_deviation, -100);
    CHECK_INT(r.items[2].mean_deviation, 200);
    CHECK_INT(r.items[0].leniency, -1000);
    CHECK_INT(r.items[2].leniency, 2000);
}

TEST(test_an_even_panels_median_is_the_mean_of_its_two_middle_marks_a1)
{
    /* Marks 6.00, 7.00, 8.00, 9.50: median (7.00 + 8.00) / 2 = 7.50, med2 = 700 + 800 = 1500.
     * J0: 1200 − 1500 = −300 (−1.50); J3: 1900 − 1500 = +400 (+2.00); J1 −100, J2 +100. */
    event ev = {1, 1, 4, {1000}, 2000, {{{600, 700, 800, 950}}}};
    result r = analyse(&ev);
    CHECK_INT(r.rc, SC_OK);
    CHECK_INT(r.items[0].dev2, -300);
    CHECK_INT(r.items[1].dev2, -100);
    CHECK_INT(r.items[2].dev2, 100);
    CHECK_INT(r.items[3].dev2, 400);
    CHECK_INT(sc_div_round(r.items[0].dev2, 2), -150);
}

TEST(test_a_lone_mark_is_counted_but_not_compared_a1)
{
    /* Entry 0 has J0 alone (no panel); entry 1 has J0 8.00 and J1 6.00: med2 = 1400, J0's
     * dev2 = 1600 − 1400 = 200. J0: 2 marks, 1 compared, max_sum 10.00. */
    event ev = {2, 1, 2, {1000}, 2000, {{{500, NO}}, {{800, 600}}}};
    result r = analyse(&ev);
    CHECK_INT(r.rc, SC_OK);
    CHECK_INT(r.items[0].marks, 2);
    CHECK_INT(r.items[0].compared, 1);
    CHECK_INT(r.items[0].dev2, 200);
    CHECK_INT(r.stats[0].max_sum, 1000);
}

/* ---- A2 leniency ------------------------------------------------------------------------------
 */

TEST(test_leniency_is_the_summed_deviation_over_the_summed_maxima_a2)
{
    /* From the odd panel above: J2 leniency = 5000 × 400 / 1000 = 2000 (20.00% of the maximum);
     * J0 = 5000 × −200 / 1000 = −1000 (−10.00%); J1 0. */
    event ev = {1, 1, 3, {1000}, 2000, {{{600, 700, 900}}}};
    result r = analyse(&ev);
    CHECK(r.stats[2].has_leniency);
    CHECK_INT(r.stats[2].leniency, 2000);
    CHECK_INT(r.stats[0].leniency, -1000);
    CHECK_INT(r.stats[1].leniency, 0);
}

TEST(test_leniency_rounds_once_half_away_from_zero_a2)
{
    /* Max 100.00, two judges. Entry 0: 50.00 and 50.01, med2 = 10001, dev2 = ±1. Entry 1:
     * 50.00 and 50.03, med2 = 10003, dev2 = ±3. Over both: J1 dev2 = 1 + 3 = 4, max_sum 20000,
     * leniency = 5000 × 4 / 20000 = 1.00 → 1. Entry 0 alone: 5000 × 1 / 10000 = 0.5 → 1 and
     * −0.5 → −1; entry 1 alone: 1.5 → 2 and −1.5 → −2. Averaging those rounded figures would
     * give 1.5; the exact sum rounded once gives 1. */
    event both = {2, 1, 2, {10000}, 2000, {{{5000, 5001}}, {{5000, 5003}}}};
    event e0 = {1, 1, 2, {10000}, 2000, {{{5000, 5001}}}};
    event e1 = {1, 1, 2, {10000}, 2000, {{{5000, 5003}}}};
    result r = analyse(&both);
    CHECK_INT(r.stats[1].dev2, 4);
    CHECK_INT(r.stats[1].leniency, 1);
    CHECK_INT(r.stats[0].leniency, -1);
    r = analyse(&e0);
    CHECK_INT(r.stats[1].leniency, 1);
    CHECK_INT(r.stats[0].leniency, -1);
    r = analyse(&e1);
    CHECK_INT(r.stats[1].leniency, 2);
    CHECK_INT(r.stats[0].leniency, -2);
    /* the rounding itself: 5/2 → 3, −5/2 → −3, 7/3 → 2, −8/3 → −3 */
    CHECK_INT(sc_div_round(5, 2), 3);
    CHECK_INT(sc_div_round(-5, 2), -3);
    CHECK_INT(sc_div_round(7, 3), 2);
    CHECK_INT(sc_div_round(-8, 3), -3);
}

TEST(test_leniency_sums_over_items_of_different_maxima_a2)
{
    /* Item A max 10.00: J0 9.00 vs 8.00, 8.00 → med2 1600, dev2 = +200. Item B max 30.00: J0
     * 20.00 vs 20.00, 21.00 → med2 4000, dev2 = 0. Leniency = 5000 × 200 / (1000 + 3000) = 250:
     * 2.50% of what J0 marked, not the mean of 10% and 0%. */
    event ev = {1, 2, 3, {1000, 3000}, 2000, {{{900, 800, 800}, {2000, 2000, 2100}}}};
    result r = analyse(&ev);
    CHECK_INT(r.rc, SC_OK);
    CHECK_INT(r.stats[0].dev2, 200);
    CHECK_INT(r.stats[0].max_sum, 4000);
    CHECK_INT(r.stats[0].leniency, 250);
}

/* ---- A3 Spearman's rho ------------------------------------------------------------------------
 */

/* Five entries, one item (max 10.00); J1 and J2 mark 2, 3, 4, 5, 6 (the panel's medians). */
static event five(sc_centi a, sc_centi b, sc_centi c, sc_centi d, sc_centi e)
{
    event ev = {5, 1, 3, {1000}, 2000, {{{0}}}};
    sc_centi j0[5] = {a, b, c, d, e};
    for (size_t i = 0; i < 5; i++) {
        ev.score[i][0][0] = j0[i];
        ev.score[i][0][1] = ev.score[i][0][2] = (sc_centi)(200 + 100 * i);
    }
    return ev;
}

TEST(test_rho_without_ties_a3)
{
    /* J0 marks 1, 4, 3, 2, 5. Medians: (1,2,2)→2, (4,3,3)→3, (3,4,4)→4, (2,5,5)→5, (5,6,6)→6,
     * ranks 1..5. J0's ranks 1, 4, 3, 2, 5; d = 0, 2, 0, −2, 0; Σd² = 8.
     * rho = 1 − 6 × 8 / (5 × 24) = 1 − 48/120 = 3/5 → 60. J1 agrees with the panel: rho = 1. */
    event ev = five(100, 400, 300, 200, 500);
    result r = analyse(&ev);
    CHECK_INT(r.rc, SC_OK);
    CHECK(r.stats[0].has_rho);
    CHECK_INT(r.stats[0].entries, 5);
    CHECK_INT(r.stats[0].rho_num, 3);
    CHECK_INT(r.stats[0].rho_den, 5);
    CHECK_INT(r.stats[0].rho_centi, 60);
    CHECK_INT(r.stats[1].rho_num, 1);
    CHECK_INT(r.stats[1].rho_den, 1);
    CHECK_INT(r.stats[1].rho_centi, 100);
}

TEST(test_rho_of_a_judge_who_reverses_the_order_is_minus_one_a3)
{
    /* J0 marks 6, 5, 4, 3, 2. Medians (6,2,2)→2, (5,3,3)→3, (4,4,4)→4, (3,5,5)→5, (2,6,6)→6,
     * ranks 1..5; J0's 5..1. d = 4, 2, 0, −2, −4, Σd² = 40, rho = 1 − 240/120 = −1. */
    event ev = five(600, 500, 400, 300, 200);
    result r = analyse(&ev);
    CHECK_INT(r.stats[0].rho_num, -1);
    CHECK_INT(r.stats[0].rho_den, 1);
    CHECK_INT(r.stats[0].rho_centi, -100);
}

TEST(test_rho_with_ties_uses_mid_ranks_a3)
{
    /* J0 marks 2, 2, 4, 4, 6. Medians (2,2,2)→2, (2,3,3)→3, (4,4,4)→4, (4,5,5)→5, (6,6,6)→6.
     * J0's mid-ranks 1.5, 1.5, 3.5, 3.5, 5 (doubled 3, 3, 7, 7, 10); the panel's 1..5 (doubled
     * 2, 4, 6, 8, 10). D = 1, −1, 1, −1, 0; ΣD² = 4, Σd² = 1.
     * rho = (2·5·24 − 3·4) / (2·5·24) = 228/240 = 19/20 → 95 (= 1 − 6·1/120). */
    event ev = five(200, 200, 400, 400, 600);
    result r = analyse(&ev);
    CHECK(r.stats[0].has_rho);
    CHECK_INT(r.stats[0].rho_num, 19);
    CHECK_INT(r.stats[0].rho_den, 20);
    CHECK_INT(r.stats[0].rho_centi, 95);
}

TEST(test_rho_is_undefined_below_three_entries_or_without_order_a3)
{
    /* J0 marks entries 0 and 1 only: 2 entries, no rho. */
    event ev = five(100, 400, NO, NO, NO);
    result r = analyse(&ev);
    CHECK_INT(r.stats[0].entries, 2);
    CHECK(!r.stats[0].has_rho);
    CHECK(r.stats[1].has_rho);
    /* J0 gives every entry 5.00: nothing to rank, no rho. */
    ev = five(500, 500, 500, 500, 500);
    r = analyse(&ev);
    CHECK_INT(r.stats[0].entries, 5);
    CHECK(!r.stats[0].has_rho);
}

TEST(test_rho_compares_a_judge_on_the_items_they_marked_a3)
{
    /* Two items. Item 0: J0, J1, J2 all mark 1, 2, 3, 4 on entries 0..3. Item 1 (J1, J2 only):
     * 9, 7, 5, 3, which reverses the panel's totals (10, 9, 8, 7). J0 marked item 0 only, so J0
     * is compared with the medians of item 0 — 1, 2, 3, 4 — and agrees: rho = 1. J1's totals
     * 10, 9, 8, 7 equal the panel's: rho = 1 as well. */
    event ev = {4, 2, 3, {1000, 1000}, 2000, {{{0}}}};
    for (size_t e = 0; e < 4; e++) {
        for (size_t j = 0; j < 3; j++)
            ev.score[e][0][j] = (sc_centi)(100 * (e + 1));
        ev.score[e][1][0] = NO;
        ev.score[e][1][1] = ev.score[e][1][2] = (sc_centi)(900 - 200 * e);
    }
    result r = analyse(&ev);
    CHECK_INT(r.rc, SC_OK);
    CHECK_INT(r.stats[0].entries, 4);
    CHECK_INT(r.stats[0].rho_centi, 100);
    CHECK_INT(r.stats[1].rho_centi, 100);
}

/* ---- A4 discrepancy flags ---------------------------------------------------------------------
 */

TEST(test_a_flag_needs_a_spread_above_the_threshold_and_the_outlier_a4)
{
    /* Max 10.00, threshold 20% = 2.00, spread must EXCEED it.
     * Entry 0: 5.00, 5.00, 7.00: spread 2.00, not above: no flag though J2 is the outlier.
     * Entry 1: 5.00, 5.00, 7.01: spread 2.01: J2 (farthest from the median 5.00) is flagged.
     * Entry 2: 3.99, 5.00, 6.01: spread 2.02, J0 and J2 equally far (1.01): both flagged.
     * Entry 3: 2.00, 5.00, 5.50: spread 3.50, J0 is the outlier: one flag for J0, none for J2. */
    event ev = {4,    1,
                3,    {1000},
                2000, {{{500, 500, 700}}, {{500, 500, 701}}, {{399, 500, 601}}, {{200, 500, 550}}}};
    result r = analyse(&ev);
    CHECK_INT(r.rc, SC_OK);
    CHECK_INT(r.stats[0].flags, 2);
    CHECK_INT(r.stats[1].flags, 0);
    CHECK_INT(r.stats[2].flags, 2);
    /* the event's own threshold: at 30% (3.00) only entry 3's spread of 3.50 is above it */
    ev.discrepancy = 3000;
    r = analyse(&ev);
    CHECK_INT(r.stats[0].flags, 1);
    CHECK_INT(r.stats[2].flags, 0);
}

TEST(test_the_flag_of_the_rho_example_falls_on_the_judge_far_from_the_median_a4)
{
    /* five(1, 4, 3, 2, 5): entry 3 has 2.00, 5.00, 5.00, spread 3.00 > 2.00, J0 is the outlier;
     * the other spreads are 1.00. */
    event ev = five(100, 400, 300, 200, 500);
    result r = analyse(&ev);
    CHECK_INT(r.stats[0].flags, 1);
    CHECK_INT(r.items[0].flags, 1);
    CHECK_INT(r.stats[1].flags + r.stats[2].flags, 0);
}

/* ---- A5 flagging ------------------------------------------------------------------------------
 */

TEST(test_default_thresholds_are_the_projects_a5)
{
    sc_judge_thresholds t;
    sc_judge_thresholds_default(&t);
    CHECK_INT(t.leniency, 500);
    CHECK_INT(t.min_rho, 50);
    CHECK_INT(t.rho_min_entries, 5);
    CHECK_INT(t.max_flags, 3);
}

TEST(test_each_reason_flags_on_its_own_and_only_past_its_threshold_a5)
{
    sc_judge_thresholds t;
    sc_judge_stats s = {0};
    sc_judge_thresholds_default(&t);
    s.has_leniency = true;
    s.leniency = 500; /* 5.00%: not above 5.00% */
    CHECK_INT(sc_judge_flags(&t, &s), 0);
    s.leniency = 501;
    CHECK_INT(sc_judge_flags(&t, &s), SC_JUDGE_LENIENT);
    s.leniency = -501;
    CHECK_INT(sc_judge_flags(&t, &s), SC_JUDGE_SEVERE);
    s.leniency = -500;
    CHECK_INT(sc_judge_flags(&t, &s), 0);

    s.has_rho = true;
    s.entries = 5;
    s.rho_centi = 49;
    CHECK_INT(sc_judge_flags(&t, &s), SC_JUDGE_RANKS);
    s.rho_centi = 50; /* 0.50 is not below 0.50 */
    CHECK_INT(sc_judge_flags(&t, &s), 0);
    s.rho_centi = -100;
    s.entries = 4; /* too few entries for the rule */
    CHECK_INT(sc_judge_flags(&t, &s), 0);
    s.has_rho = false;
    s.entries = 30;
    CHECK_INT(sc_judge_flags(&t, &s), 0);

    s.flags = 2;
    CHECK_INT(sc_judge_flags(&t, &s), 0);
    s.flags = 3;
    CHECK_INT(sc_judge_flags(&t, &s), SC_JUDGE_DISCREPANT);
    t.max_flags = 0; /* off */
    CHECK_INT(sc_judge_flags(&t, &s), 0);

    /* several at once, with the organizer's thresholds: 2.00%, 0.80, 3 entries, 1 flag */
    t = (sc_judge_thresholds){200, 80, 3, 1};
    s = (sc_judge_stats){0};
    s.has_leniency = s.has_rho = true;
    s.leniency = 250;
    s.entries = 3;
    s.rho_centi = 79;
    s.flags = 1;
    CHECK_INT(sc_judge_flags(&t, &s), SC_JUDGE_LENIENT | SC_JUDGE_RANKS | SC_JUDGE_DISCREPANT);
}

TEST(test_the_computed_figures_flag_the_judge_they_describe_a5)
{
    /* The odd panel: J2 +20.00% (lenient), J0 −10.00% (severe), J1 0. */
    sc_judge_thresholds t;
    event ev = {1, 1, 3, {1000}, 2000, {{{600, 700, 900}}}};
    result r = analyse(&ev);
    sc_judge_thresholds_default(&t);
    CHECK_INT(sc_judge_flags(&t, &r.stats[0]), SC_JUDGE_SEVERE);
    CHECK_INT(sc_judge_flags(&t, &r.stats[1]), 0);
    CHECK_INT(sc_judge_flags(&t, &r.stats[2]), SC_JUDGE_LENIENT);
    /* Reversed order (rho −1 over 5 entries): J0 is flagged for ranks, and also lenient or
     * severe by its deviations: 6, 5, 4, 3, 2 against medians 2..6 → dev2 = 800, 400, 0, −400,
     * −800 (sum 0), so its leniency is 0; its 2 flags (entries 0 and 4, spread 4.00) are under
     * 3, and ranks is the only reason. */
    ev = five(600, 500, 400, 300, 200);
    r = analyse(&ev);
    CHECK_INT(r.stats[0].leniency, 0);
    CHECK_INT(sc_judge_flags(&t, &r.stats[0]), SC_JUDGE_RANKS);
}

/* ---- input the engine refuses ------------------------------------------------------------------
 */

TEST(test_bad_input_is_refused_not_guessed)
{
    sc_centi max[1] = {1000};
    sc_judged_mark twice[2] = {{0, 500}, {0, 600}}, far[1] = {{3, 500}}, neg[1] = {{0, -1}};
    size_t start2[2] = {0, 2}, start1[2] = {0, 1}, back[2] = {1, 0};
    sc_judge_item items[3];
    sc_judge_stats stats[3];
    int64_t scratch[16];
    const sc_centi threshold[1] = {2000};
    sc_analytics_in in = {max, 1, threshold, 1, twice, start2, 3};

    CHECK_INT(sc_judge_analytics(&in, scratch, 16, items, stats), SC_EINVAL); /* one judge twice */
    in.marks = far;
    in.slot_start = start1;
    CHECK_INT(sc_judge_analytics(&in, scratch, 16, items, stats), SC_EINVAL); /* judge 3 of 3 */
    in.marks = neg;
    CHECK_INT(sc_judge_analytics(&in, scratch, 16, items, stats), SC_ERANGE);
    in.marks = twice;
    in.slot_start = back;
    CHECK_INT(sc_judge_analytics(&in, scratch, 16, items, stats), SC_EINVAL);
    in.slot_start = start1;
    /* 1 slot + 5 × 1 entry = 6 elements of scratch */
    CHECK_INT(sc_analytics_scratch(1, 1), 6);
    CHECK_INT(sc_judge_analytics(&in, scratch, 5, items, stats), SC_EINVAL);
    CHECK_INT(sc_judge_analytics(&in, scratch, 6, items, stats), SC_OK);
    CHECK_INT(sc_analytics_scratch(SC_ANALYTICS_MAX_ENTRIES + 1, 1), 0);
}

TEST(test_no_entries_is_no_figures)
{
    sc_centi max[1] = {1000};
    size_t start[1] = {0};
    sc_judge_item items[2];
    sc_judge_stats stats[2];
    const sc_centi threshold[1] = {2000};
    sc_analytics_in in = {max, 1, threshold, 0, NULL, start, 2};
    CHECK_INT(sc_judge_analytics(&in, NULL, 0, items, stats), SC_OK);
    CHECK_INT(stats[1].marks, 0);
    CHECK(!stats[1].has_leniency && !stats[1].has_rho);
}
