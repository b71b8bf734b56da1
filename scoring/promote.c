/*
 * promote.c — skill-level promotion by placing (2023通知 二, rules.md §6).
 *
 * Three band tables, chosen by the competition class:
 *   A (全省技能大赛、全省专项赛、全省一类行业): top band (single r<=3, pairs r<=2, teams of 3 r=1)
 *     -> 技师; after it, r <= floor(N/2) -> 高级工.                                     二(一)
 *   B (全省二类行业、州市大赛、州市专项、州市一类行业): r=1 -> 技师; 2..4 -> 高级工;
 *     5..floor(N/2) -> 中级工.                                                           二(二)
 *   C (州市二类行业、县级): top band as A -> 高级工; after it, r <= floor(N/2) -> 中级工.  二(三)
 * Only the last band of each table stops at half of N; the others are fixed by rank alone.
 *
 * From the band's base level L and the level C already held: C < L gives L, C == L gives the
 * level above L ("已有…的，可晋升为…"), C > L gives nothing. Then the caps of 二(四) (occupation's
 * top level, students at most 技师, not in the 2022 catalogue: none) and the once-per-competition
 * rule of 二(五).
 *
 * Other organizers publish bands of places instead (issue 17), and the competition file may give
 * them per group in place of the class table: the 2012 national notice (高级组 1-5 -> 技师,
 * 6-15 -> 高级工; 中级组 1-5 -> 高级工, 6-15 -> 中级工), 吕梁 (第4名至参赛人数一半 -> 高级工, half
 * as floor(N/2)), 石家庄 2010 (技师 only for those already 高级工, otherwise 高级工). A band names
 * the level it gives; there is no step-up, because those notices give the level outright. The
 * caps and the once-per-competition rule apply to bands as to tables.
 */
#include "scoring.h"

sc_table sc_class_table(sc_class cls)
{
    switch (cls) {
    case SC_CLASS_PROVINCIAL:
    case SC_CLASS_PROVINCIAL_SPECIAL:
    case SC_CLASS_PROVINCIAL_INDUSTRY_1: return SC_TABLE_A;
    case SC_CLASS_PROVINCIAL_INDUSTRY_2:
    case SC_CLASS_PREFECTURE:
    case SC_CLASS_PREFECTURE_SPECIAL:
    case SC_CLASS_PREFECTURE_INDUSTRY_1: return SC_TABLE_B;
    case SC_CLASS_PREFECTURE_INDUSTRY_2:
    case SC_CLASS_COUNTY:
    case SC_CLASS_COUNTY_SPECIAL:
    case SC_CLASS_COUNTY_INDUSTRY: return SC_TABLE_C;
    default: return SC_TABLE_NONE;
    }
}

/* The last rank of the top band of tables A and C: 单人赛项前3名、双人赛项前2名、三人赛项第1名. */
static int64_t top_band_last(int team_size)
{
    if (team_size <= 1)
        return 3;
    if (team_size == 2)
        return 2;
    return 1;
}

sc_level sc_band_level(sc_table table, int64_t rank, int64_t n, int team_size)
{
    int64_t half = n / 2;

    if (rank < 1)
        return SC_LEVEL_NONE;
    switch (table) {
    case SC_TABLE_A:
        if (rank <= top_band_last(team_size))
            return SC_LEVEL_2;
        return rank <= half ? SC_LEVEL_3 : SC_LEVEL_NONE;
    case SC_TABLE_B:
        if (rank == 1)
            return SC_LEVEL_2;
        if (rank <= 4)
            return SC_LEVEL_3;
        return rank <= half ? SC_LEVEL_4 : SC_LEVEL_NONE;
    case SC_TABLE_C:
        if (rank <= top_band_last(team_size))
            return SC_LEVEL_3;
        return rank <= half ? SC_LEVEL_4 : SC_LEVEL_NONE;
    case SC_TABLE_NONE:
    default: return SC_LEVEL_NONE;
    }
}

bool sc_places_contain(sc_places p, int64_t rank, int64_t n)
{
    int64_t to = p.to == SC_PLACES_HALF ? n / 2 : p.to;
    return rank >= 1 && rank >= p.from && rank <= to;
}

/* The level a band gives this person before the caps: SC_LEVEL_NONE outside every band. */
static sc_level band_level(const sc_promotion_rules *rules, int64_t rank, int64_t n,
                           const sc_person *person)
{
    for (size_t i = 0; i < rules->n_bands; i++) {
        const sc_band *b = &rules->bands[i];
        if (!sc_places_contain(b->places, rank, n))
            continue;
        if (b->requires != SC_LEVEL_NONE && person->level < b->requires)
            return b->otherwise;
        return b->level;
    }
    return SC_LEVEL_NONE;
}

sc_level sc_promote(const sc_promotion_rules *rules, int64_t rank, int64_t n,
                    const sc_person *person)
{
    sc_level base, to;

    if (!rules->final_stage || !rules->in_catalog || person->promoted_before)
        return SC_LEVEL_NONE;
    if (rules->banded) {
        to = band_level(rules, rank, n, person);
        if (to == SC_LEVEL_NONE)
            return SC_LEVEL_NONE;
    } else {
        base = sc_band_level(rules->table, rank, n, rules->team_size);
        if (base == SC_LEVEL_NONE || person->level > base)
            return SC_LEVEL_NONE;
        to = person->level == base ? (sc_level)(base + 1) : base;
    }
    if (to > SC_LEVEL_1)
        to = SC_LEVEL_1;
    if (person->student && to > SC_LEVEL_2)
        to = SC_LEVEL_2;
    if (rules->top_level != SC_LEVEL_NONE && to > rules->top_level)
        to = rules->top_level;
    return to > person->level ? to : SC_LEVEL_NONE;
}
