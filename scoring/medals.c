/*
 * medals.c — the delegations' medal table (奖牌榜 / 团体总分), as provincial games and trade-union
 * competitions publish it per 代表队 (州市 or industry system).
 *
 * An entry counts once per award, a team as one entry: the table ranks delegations, not people.
 * The awards counted are the engine's final ones, so an award withheld by a pass mark is not
 * counted. Order: points, then first awards (金牌 + 一等奖), second, third, 优胜奖 — a medal table's
 * usual "then golds, then silvers" with prizes counted alongside the medals of the same tier;
 * rows still equal share a rank (1, 2, 2, 4) and are listed by name so the order is total.
 * Delegations are few (a province has 16 州市), so an insertion sort is enough.
 *
 * The same rows carry WorldSkills' member comparison (docs/worldskills.md W9): medal points per
 * entry and the scale scores' sum and average, each average an exact fraction rounded once.
 */
#include "exact.h"

#include <string.h>

void sc_medal_points_default(sc_medal_points *p)
{
    memset(p, 0, sizeof *p);
    p->points[SC_AWARD_GOLD] = p->points[SC_AWARD_FIRST] = 4;
    p->points[SC_AWARD_SILVER] = p->points[SC_AWARD_SECOND] = 3;
    p->points[SC_AWARD_BRONZE] = p->points[SC_AWARD_THIRD] = 2;
    p->points[SC_AWARD_HONOURABLE] = 1;
}

/* Entries holding an award of tier k (0 first, 1 second, 2 third, 3 优胜奖). */
static int64_t tier(const sc_medal_row *r, int k)
{
    static const sc_award medals[3] = {SC_AWARD_GOLD, SC_AWARD_SILVER, SC_AWARD_BRONZE};
    static const sc_award prizes[3] = {SC_AWARD_FIRST, SC_AWARD_SECOND, SC_AWARD_THIRD};
    if (k == 3)
        return r->count[SC_AWARD_HONOURABLE];
    return r->count[medals[k]] + r->count[prizes[k]];
}

/* < 0 when a is above b on the table's criteria; 0 when they share a rank. */
static int compare_standing(const sc_medal_row *a, const sc_medal_row *b)
{
    if (a->points != b->points)
        return a->points > b->points ? -1 : 1;
    for (int k = 0; k < 4; k++) {
        int64_t x = tier(a, k), y = tier(b, k);
        if (x != y)
            return x > y ? -1 : 1;
    }
    return 0;
}

static int compare_rows(const sc_medal_row *a, const sc_medal_row *b)
{
    int c = compare_standing(a, b);
    return c ? c : strcmp(a->delegation, b->delegation);
}

sc_centi sc_average_centi(int64_t sum, int64_t n)
{
    return n > 0 ? sci_floor_div(200 * sum + n, 2 * n) : 0;
}

int sc_medal_table(const sc_medal_points *points, const sc_medal_item *items, size_t n,
                   sc_medal_row *rows, size_t n_rows)
{
    if (!points || (n > 0 && !items) || (n_rows > 0 && !rows))
        return SC_EINVAL;
    for (int a = 0; a < SC_AWARD_COUNT; a++)
        if (points->points[a] < 0 || points->points[a] > INT32_MAX)
            return SC_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (items[i].delegation >= n_rows || (int)items[i].award < 0 ||
            items[i].award >= SC_AWARD_COUNT || !rows[items[i].delegation].delegation)
            return SC_EINVAL;
    for (size_t d = 0; d < n_rows; d++) {
        memset(rows[d].count, 0, sizeof rows[d].count);
        rows[d].points = rows[d].rank = rows[d].entries = 0;
        rows[d].scaled = rows[d].scale_sum = 0;
    }
    for (size_t i = 0; i < n; i++) {
        sc_medal_row *r = &rows[items[i].delegation];
        r->entries++;
        if (items[i].has_scale) {
            r->scaled++;
            r->scale_sum += items[i].scale;
        }
        if (items[i].award == SC_AWARD_NONE)
            continue;
        r->count[items[i].award]++;
        r->points += points->points[items[i].award];
    }
    for (size_t d = 0; d < n_rows; d++) {
        rows[d].average_points = sc_average_centi(rows[d].points, rows[d].entries);
        rows[d].scale_average = sc_average_centi(rows[d].scale_sum, rows[d].scaled);
    }
    for (size_t i = 1; i < n_rows; i++) {
        sc_medal_row r = rows[i];
        size_t j = i;
        for (; j > 0 && compare_rows(&rows[j - 1], &r) > 0; j--)
            rows[j] = rows[j - 1];
        rows[j] = r;
    }
    for (size_t i = 0; i < n_rows; i++)
        rows[i].rank = (i > 0 && compare_standing(&rows[i - 1], &rows[i]) == 0)
                           ? rows[i - 1].rank
                           : (int64_t)i + 1;
    return SC_OK;
}
