/*
 * award.c — placings to awards (管理办法 第三十七条) and awards to cash (技能云南 item 28).
 *
 * Bands are cumulative by rank value, so entries that share a rank share an award even when
 * the tie straddles a quota: with quotas 1/1/1 and ranks 1, 1, 3 both first entries get the
 * first award and the third entry the third award, and nobody the second.
 * 优胜奖 goes to entries with no award above and rank <= floor(N / 2) ("排名在参赛总人数50%以内").
 */
#include "scoring.h"

int sc_quota_check(sc_quota q)
{
    if (q.value < 0 || (q.percent && q.value > 10000) || (!q.percent && q.value > INT32_MAX))
        return SC_EQUOTA;
    return SC_OK;
}

int64_t sc_quota_count(sc_quota q, int64_t n, sc_rounding rounding)
{
    int64_t scaled;
    if (!q.percent)
        return q.value;
    scaled = n * q.value; /* in hundredths of a percent of one entry: divide by 10000 */
    switch (rounding) {
    case SC_ROUND_HALF_UP: return (scaled + 5000) / 10000;
    case SC_ROUND_CEIL: return (scaled + 9999) / 10000;
    case SC_ROUND_FLOOR:
    default: return scaled / 10000;
    }
}

sc_award sc_award_for_rank(sc_scheme scheme, const sc_quota quotas[3], sc_rounding rounding,
                           int64_t rank, int64_t n)
{
    static const sc_award prizes[3] = {SC_AWARD_FIRST, SC_AWARD_SECOND, SC_AWARD_THIRD};
    static const sc_award medals[3] = {SC_AWARD_GOLD, SC_AWARD_SILVER, SC_AWARD_BRONZE};
    int64_t limit = 0;

    if (rank <= 0)
        return SC_AWARD_NONE;
    for (int k = 0; k < 3; k++) {
        limit += sc_quota_count(quotas[k], n, rounding);
        if (rank <= limit)
            return scheme == SC_SCHEME_MEDALS ? medals[k] : prizes[k];
    }
    return rank <= n / 2 ? SC_AWARD_HONOURABLE : SC_AWARD_NONE;
}

sc_cash_preset sc_class_cash_preset(sc_class cls)
{
    switch (cls) {
    case SC_CLASS_WORLDSKILLS: return SC_CASH_WS;
    case SC_CLASS_NATIONAL: return SC_CASH_NAT;
    case SC_CLASS_NATIONAL_CLASS1: return SC_CASH_NAT1;
    case SC_CLASS_PROVINCIAL:
    case SC_CLASS_PROVINCIAL_INDUSTRY_1: return SC_CASH_PROV;
    default: return SC_CASH_NONE;
    }
}

void sc_cash_table_preset(sc_cash_preset preset, sc_cash_table *table)
{
    /* 技能云南 item 28, in yuan: 60/40/20/10 万 (世赛), 20/15/8/2 万 (全国技能大赛),
     * 10/5/2 万 or 3/2/1 万 (其他全国一类), 3/2/1 万 (全省综合性、省级一类). */
    static const sc_yuan amounts[][SC_AWARD_COUNT] = {
        /*            none  gold    silver  bronze  first  second third  honourable */
        [SC_CASH_NONE] = {0, 0, 0, 0, 0, 0, 0, 0},
        [SC_CASH_WS] = {0, 600000, 400000, 200000, 0, 0, 0, 100000},
        [SC_CASH_NAT] = {0, 200000, 150000, 80000, 0, 0, 0, 20000},
        [SC_CASH_NAT1] = {0, 100000, 50000, 20000, 30000, 20000, 10000, 0},
        [SC_CASH_PROV] = {0, 30000, 20000, 10000, 0, 0, 0, 0},
    };
    int p = (preset >= SC_CASH_NONE && preset <= SC_CASH_PROV) ? (int)preset : SC_CASH_NONE;
    for (int a = 0; a < SC_AWARD_COUNT; a++)
        table->amount[a] = amounts[p][a];
}
