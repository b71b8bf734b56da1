/*
 * names.c — the keys and Chinese names of the engine's enums.
 *
 * Keys are the competition file's spelling (competition-file.md); Chinese names are what rules.md
 * §1 and §5–§6 call things, and what certificates and screens print. Lookups are linear over
 * tables of a handful of rows: they run while reading a file, never per mark.
 */
#include "scoring.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int find(const char *const *table, size_t n, const char *s, int *out)
{
    if (!s)
        return SC_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (table[i] && strcmp(table[i], s) == 0) {
            *out = (int)i;
            return SC_OK;
        }
    }
    return SC_EINVAL;
}

static const char *pick(const char *const *table, size_t n, int i)
{
    return (i >= 0 && (size_t)i < n) ? table[i] : NULL;
}

/* Defines sc_<NAME>(value) -> text and sc_<PARSE>(text, &value) for an enum and its table. */
#define KEYED_ENUM(NAME, PARSE, TYPE, TABLE, N)                                                    \
    const char *sc_##NAME(TYPE v) { return pick(TABLE, N, (int)v); }                               \
    int sc_##PARSE(const char *s, TYPE *out)                                                       \
    {                                                                                              \
        int i;                                                                                     \
        int rc = find(TABLE, N, s, &i);                                                            \
        if (rc == SC_OK)                                                                           \
            *out = (TYPE)i;                                                                        \
        return rc;                                                                                 \
    }

const char *sc_strerror(int code)
{
    switch (code) {
    case SC_OK: return "ok";
    case SC_EINVAL: return "invalid argument";
    case SC_ERANGE: return "score out of range";
    case SC_ENOMARKS: return "no mark for a criterion";
    case SC_ETOOFEW: return "trimmed_mean needs at least 3 marks";
    case SC_ETOOMANY: return "single aggregation takes exactly one mark";
    case SC_ENOTHEORY: return "no theory score";
    case SC_EUNEXPECTEDTHEORY: return "theory score for an event without theory";
    case SC_EWEIGHTSUM: return "theory and practical weights must add up to 100";
    case SC_EPRACTICALMIN: return "practical weight must be at least 70 (管理办法 第二十九条)";
    case SC_ECRITERIASUM: return "criteria maxima must add up to 100";
    case SC_EPRECISION: return "more than 2 decimal places";
    case SC_ESYNTAX: return "not a decimal number";
    case SC_ETEAMSIZE: return "team size out of range";
    case SC_EQUOTA: return "quota out of range";
    case SC_ESPREAD: return "the judges' records of an aspect disagree (a discrepancy)";
    case SC_EASPECT: return "not a possible mark of its aspect";
    case SC_EASPECTSUM: return "a criterion's aspects must add up to its maximum";
    default: return "unknown error";
    }
}

static const char *const level_names[] = {NULL, "初级工", "中级工", "高级工", "技师", "高级技师"};

KEYED_ENUM(level_name, level_parse, sc_level, level_names, COUNT(level_names))

static const char *const class_keys[SC_CLASS_COUNT] = {
    "worldskills", "national", "national_class1", "provincial", "provincial_special",
    "provincial_industry_1", "provincial_industry_2", "prefecture", "prefecture_special",
    "prefecture_industry_1", "prefecture_industry_2", "county", "county_special",
    "county_industry", "enterprise", "school",
};

static const char *const class_names[SC_CLASS_COUNT] = {
    "世界技能大赛",
    "中华人民共和国职业技能大赛",
    "其他全国一类职业技能竞赛",
    "云南省职业技能大赛",
    "全省性职业技能专项赛",
    "全省一类行业职业技能竞赛",
    "全省二类行业职业技能竞赛",
    "州(市)职业技能大赛",
    "全州(市)性职业技能专项赛",
    "州(市)一类行业职业技能竞赛",
    "州(市)二类行业职业技能竞赛",
    "县(市、区)职业技能大赛",
    "全县(市、区)性职业技能专项赛",
    "县(市、区)行业职业技能竞赛",
    "企业职业技能竞赛",
    "院校职业技能竞赛",
};

KEYED_ENUM(class_key, class_parse, sc_class, class_keys, SC_CLASS_COUNT)

const char *sc_class_name(sc_class cls) { return pick(class_names, SC_CLASS_COUNT, (int)cls); }

static const char *const aggregation_keys[] = {"mean", "trimmed_mean", "median", "single"};

KEYED_ENUM(aggregation_key, aggregation_parse, sc_aggregation, aggregation_keys, COUNT(aggregation_keys))

static const char *const status_keys[] = {"ok", "absent", "disqualified"};

KEYED_ENUM(status_key, status_parse, sc_status, status_keys, COUNT(status_keys))

static const char *const tie_break_keys[] = {"practical", "theory", "time"};

KEYED_ENUM(tie_break_key, tie_break_parse, sc_tie_break, tie_break_keys, COUNT(tie_break_keys))

static const char *const rounding_keys[] = {"floor", "round", "ceil"};

KEYED_ENUM(rounding_key, rounding_parse, sc_rounding, rounding_keys, COUNT(rounding_keys))

static const char *const scheme_keys[] = {"prizes", "medals"};

KEYED_ENUM(scheme_key, scheme_parse, sc_scheme, scheme_keys, COUNT(scheme_keys))

static const char *const award_names[SC_AWARD_COUNT] = {
    NULL, "金牌", "银牌", "铜牌", "一等奖", "二等奖", "三等奖", "优胜奖",
};

KEYED_ENUM(award_name, award_parse, sc_award, award_names, SC_AWARD_COUNT)
