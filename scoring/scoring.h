/*
 * scoring.h — the skillscore scoring engine: the Yunnan competition rules and nothing else.
 *
 * This header is the whole contract of libscoring. The engine is pure: plain structs in, plain
 * structs out; no I/O, no globals, no allocation (every buffer is the caller's), no floating point.
 * Server, CLI and reports call it; none of them knows a rule.
 *
 * Units
 *   sc_centi  a score in hundredths of a point (27.5 points == 2750). Marks are never negative.
 *   sc_yuan   money in whole yuan.
 *   Percent quotas are in hundredths of a percent (12.5% == 1250).
 *
 * Rounding
 *   Every rounding is "half up" on non-negative values and happens exactly once, where
 *   ../shared/domain/rules.md says: a criterion score after aggregation (§2) and the weighted
 *   total (§3). Means are computed as exact fractions (sum / count) before that one rounding.
 *
 * Errors
 *   Functions that can fail return SC_OK (0) or a negative sc_err; sc_strerror() names it.
 *   sc_compute_group() also fills an sc_error with the entry and criterion at fault, so that the
 *   caller (which knows the record ids and field names) can build a message a user can act on.
 *
 * Policy sources (Chinese originals in ../shared/domain/excerpts/):
 *   管理办法   云南省职业技能竞赛管理办法（试行）(云人社通〔2022〕48号)
 *   2023通知   关于做好职业技能竞赛选手获取相应职业技能等级证书有关工作的通知 (2023-04-10)
 *   技能云南   云南省人民政府关于实施“技能云南”行动的意见 (云政发〔2021〕28号) item 28
 */
#ifndef SKILLSCORE_SCORING_H
#define SKILLSCORE_SCORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sc_centi;
typedef int64_t sc_yuan;

/* The largest score the engine accepts anywhere (a criterion maximum, a mark, a theory score):
 * 1,000,000.00 points. It keeps every product in int64 far from overflow. */
#define SC_CENTI_MAX ((sc_centi)100000000)

/* Most members a team entry may have. The 2023 notice knows teams of 1, 2 and 3; larger teams
 * use the three-person thresholds (rules.md §6). */
#define SC_MAX_MEMBERS 10

/* time_seconds of an entry whose time was not recorded. */
#define SC_NO_TIME ((int64_t)-1)

typedef enum sc_err {
    SC_OK = 0,
    SC_EINVAL = -1,         /* an argument is out of its domain (unknown enum, NULL, ...) */
    SC_ERANGE = -2,         /* a score is negative, above its maximum, or above SC_CENTI_MAX */
    SC_ENOMARKS = -3,       /* an entry that must be scored has no mark for a criterion */
    SC_ETOOFEW = -4,        /* trimmed_mean with fewer than 3 marks */
    SC_ETOOMANY = -5,       /* single with more than one mark */
    SC_ENOTHEORY = -6,      /* the theory weight is above 0 and the entry has no theory score */
    SC_EUNEXPECTEDTHEORY = -7, /* a theory score for an event whose theory weight is 0 */
    SC_EWEIGHTSUM = -8,     /* theory + practical weight is not 100 */
    SC_EPRACTICALMIN = -9,  /* practical weight below 70% (管理办法 第二十九条) */
    SC_ECRITERIASUM = -10,  /* practical criteria maxima do not add up to 100 */
    SC_EPRECISION = -11,    /* a decimal with more than 2 decimal places */
    SC_ESYNTAX = -12,       /* text that is not a decimal number */
    SC_ETEAMSIZE = -13,     /* team size outside 1..SC_MAX_MEMBERS, or members != team size */
    SC_EQUOTA = -14,        /* a percent quota above 100%, or a negative quota */
    SC_ESPREAD = -15,       /* an aspect's records disagree beyond the rule: a discrepancy the
                               chief judge resolves (docs/worldskills.md W3, W5) */
    SC_EASPECT = -16,       /* a record that is not a possible mark of its aspect */
    SC_EASPECTSUM = -17     /* a criterion's aspects do not add up to its maximum */
} sc_err;

/* A short English description of an sc_err ("unknown error" for anything else). Static. */
const char *sc_strerror(int code);

/* ---------------------------------------------------------------------------------------------
 * Names. Every enum has a key (the competition file's spelling) and, where people read it, a
 * Chinese name. The _parse functions return SC_OK or SC_EINVAL; the returned strings are static.
 */

typedef enum sc_level {
    SC_LEVEL_NONE = 0,
    SC_LEVEL_5 = 1, /* 初级工 (五级) */
    SC_LEVEL_4 = 2, /* 中级工 (四级) */
    SC_LEVEL_3 = 3, /* 高级工 (三级) */
    SC_LEVEL_2 = 4, /* 技师 (二级) */
    SC_LEVEL_1 = 5  /* 高级技师 (一级) */
} sc_level;
const char *sc_level_name(sc_level level); /* "初级工" ... "高级技师"; NULL for SC_LEVEL_NONE */
int sc_level_parse(const char *name, sc_level *out);

typedef enum sc_class {
    SC_CLASS_WORLDSKILLS,
    SC_CLASS_NATIONAL,
    SC_CLASS_NATIONAL_CLASS1,
    SC_CLASS_PROVINCIAL,
    SC_CLASS_PROVINCIAL_SPECIAL,
    SC_CLASS_PROVINCIAL_INDUSTRY_1,
    SC_CLASS_PROVINCIAL_INDUSTRY_2,
    SC_CLASS_PREFECTURE,
    SC_CLASS_PREFECTURE_SPECIAL,
    SC_CLASS_PREFECTURE_INDUSTRY_1,
    SC_CLASS_PREFECTURE_INDUSTRY_2,
    SC_CLASS_COUNTY,
    SC_CLASS_COUNTY_SPECIAL,
    SC_CLASS_COUNTY_INDUSTRY,
    SC_CLASS_ENTERPRISE,
    SC_CLASS_SCHOOL,
    SC_CLASS_COUNT
} sc_class;
const char *sc_class_key(sc_class cls);  /* "provincial" */
const char *sc_class_name(sc_class cls); /* "云南省职业技能大赛 (全省综合性)" */
int sc_class_parse(const char *key, sc_class *out);

typedef enum sc_aggregation {
    SC_AGG_MEAN,         /* arithmetic mean of all judges' marks (default) */
    SC_AGG_TRIMMED_MEAN, /* 去掉一个最高分和一个最低分, mean of the rest; needs >= 3 marks */
    SC_AGG_MEDIAN,       /* the median; mean of the two middle marks when the count is even */
    SC_AGG_SINGLE        /* exactly one consensus mark */
} sc_aggregation;
const char *sc_aggregation_key(sc_aggregation agg);
int sc_aggregation_parse(const char *key, sc_aggregation *out);

typedef enum sc_status {
    SC_STATUS_OK,          /* ranked */
    SC_STATUS_ABSENT,      /* 缺考: not ranked, not counted in N */
    SC_STATUS_DISQUALIFIED /* 取消成绩: not ranked, no award, counted in N */
} sc_status;
const char *sc_status_key(sc_status status);
int sc_status_parse(const char *key, sc_status *out);

typedef enum sc_tie_break { SC_TB_PRACTICAL, SC_TB_THEORY, SC_TB_TIME } sc_tie_break;
#define SC_MAX_TIE_BREAK 3
const char *sc_tie_break_key(sc_tie_break tb);
int sc_tie_break_parse(const char *key, sc_tie_break *out);

typedef enum sc_rounding { SC_ROUND_FLOOR, SC_ROUND_HALF_UP, SC_ROUND_CEIL } sc_rounding;
const char *sc_rounding_key(sc_rounding r); /* "floor", "round", "ceil" */
int sc_rounding_parse(const char *key, sc_rounding *out);

typedef enum sc_scheme { SC_SCHEME_PRIZES, SC_SCHEME_MEDALS } sc_scheme;
const char *sc_scheme_key(sc_scheme s);
int sc_scheme_parse(const char *key, sc_scheme *out);

typedef enum sc_award {
    SC_AWARD_NONE,
    SC_AWARD_GOLD,   /* 金牌 */
    SC_AWARD_SILVER, /* 银牌 */
    SC_AWARD_BRONZE, /* 铜牌 */
    SC_AWARD_FIRST,  /* 一等奖 */
    SC_AWARD_SECOND, /* 二等奖 */
    SC_AWARD_THIRD,  /* 三等奖 */
    SC_AWARD_HONOURABLE, /* 优胜奖 */
    SC_AWARD_COUNT
} sc_award;
const char *sc_award_name(sc_award award); /* "金牌" ...; NULL for SC_AWARD_NONE */
int sc_award_parse(const char *name, sc_award *out);

/* ---------------------------------------------------------------------------------------------
 * Decimals. Scores travel as text ("86", "27.5", "91.33"); these convert without floating point.
 */

/* Parses an unsigned decimal with at most 2 decimal places ("27.5", "100", "0.05") into
 * hundredths. SC_EPRECISION for more decimals (trailing zeros count: "1.500" is refused, as the
 * policy's "at most 2 decimals" is about what was written), SC_ESYNTAX for anything else,
 * SC_ERANGE above SC_CENTI_MAX. A leading '-' is SC_ERANGE: no score is negative. */
int sc_centi_parse(const char *text, size_t len, sc_centi *out);

/* Writes v with exactly two decimals ("86.00") into buf (at least 24 bytes). Returns buf. */
char *sc_centi_format(sc_centi v, char *buf);

/* Writes v with the fewest decimals that keep it exact ("100", "27.5", "91.33"). Returns buf. */
char *sc_centi_format_short(sc_centi v, char *buf);

/* ---------------------------------------------------------------------------------------------
 * §2 Marks: one criterion score from several judges' marks.
 *
 * marks[0..n) are reordered in place (sorted ascending). *out receives the criterion score,
 * rounded half up to hundredths. SC_ENOMARKS when n == 0, SC_ETOOFEW for trimmed_mean with
 * n < 3, SC_ETOOMANY for single with n > 1, SC_ERANGE for a negative mark.
 */
int sc_aggregate(sc_aggregation agg, sc_centi *marks, size_t n, sc_centi *out);

/* The panel's outlier(s) for a chief judge's review: the marks farthest from the median of
 * marks[0..n) (exactly: an even panel's median is the mean of its middle two). flag[i] is set
 * for each such mark and cleared for the others; returns how many are flagged. None when n < 3
 * (two marks are equally far from each other) or when every mark is at the same distance 0.
 * marks is not changed; n at most SC_OUTLIER_MAX (more flags none). */
#define SC_OUTLIER_MAX 64
size_t sc_outliers(const sc_centi *marks, size_t n, bool *flag);

/* ---------------------------------------------------------------------------------------------
 * §3 Total: weights in whole percents. sc_weights_check() returns SC_OK, SC_EINVAL (negative),
 * SC_EWEIGHTSUM or SC_EPRACTICALMIN (管理办法 第二十九条: practical at least 70%).
 * sc_total() = (theory × w_theory + practical × w_practical) / 100, rounded half up.
 */
int sc_weights_check(int w_theory, int w_practical);
sc_centi sc_total(sc_centi theory, sc_centi practical, int w_theory, int w_practical);

/* The practical criteria maxima must add up to exactly 100 points: SC_OK or SC_ECRITERIASUM
 * (SC_ERANGE for a maximum that is not above 0 or above SC_CENTI_MAX). */
int sc_criteria_check(const sc_centi *max, size_t n);

/* ---------------------------------------------------------------------------------------------
 * §5 Awards (管理办法 第三十七条).
 */
typedef struct sc_quota {
    bool percent;  /* false: value is a count of entries; true: hundredths of a percent of N */
    int64_t value; /* >= 0; a percent at most 10000 (100%) */
} sc_quota;

/* SC_OK, or SC_EQUOTA for a negative value or a percent above 100%. */
int sc_quota_check(sc_quota q);

/* How many places a quota gives among n counted entries (percent rounded as told). */
int64_t sc_quota_count(sc_quota q, int64_t n, sc_rounding rounding);

/* The award for rank r among n counted entries: the first award for r <= q1, the second for
 * r <= q1 + q2, the third for r <= q1 + q2 + q3 (counts as sc_quota_count gives them), else
 * 优胜奖 for r <= floor(n / 2), else none. r <= 0 (not ranked) gets none. */
sc_award sc_award_for_rank(sc_scheme scheme, const sc_quota quotas[3], sc_rounding rounding,
                           int64_t rank, int64_t n);

/* ---------------------------------------------------------------------------------------------
 * §6 Skill-level promotion (2023通知 二).
 */
typedef enum sc_table { SC_TABLE_NONE, SC_TABLE_A, SC_TABLE_B, SC_TABLE_C } sc_table;

/* The promotion table of a competition class (rules.md §1). */
sc_table sc_class_table(sc_class cls);

/* The base level of the band that rank r falls in, for n counted entries and teams of
 * team_size; SC_LEVEL_NONE outside every band or for SC_TABLE_NONE. */
sc_level sc_band_level(sc_table table, int64_t rank, int64_t n, int team_size);

typedef struct sc_person {
    sc_level level;       /* held in the same or a close occupation (国网可查); NONE if none */
    bool student;         /* 学生选手: promoted at most to 技师 */
    bool promoted_before; /* already promoted in this competition (同一赛事仅能晋升一次) */
} sc_person;

/* ---------------------------------------------------------------------------------------------
 * Rules other organizers publish (issue 17): promotion by rank bands, honour titles, pass marks
 * and the delegations' medal table. Each is off unless the competition file asks for it; the
 * Yunnan rules above stay the default.
 */

/* Places from..to, both inclusive. to == SC_PLACES_HALF stands for floor(N / 2), rules.md §4's
 * "within half" (吕梁: "第4名至参赛人数一半"); the band is then empty when floor(N / 2) < from. */
#define SC_PLACES_HALF ((int64_t)-1)
typedef struct sc_places {
    int64_t from, to;
} sc_places;

/* Whether rank r among n counted entries lies in p. r <= 0 (not ranked) never does. */
bool sc_places_contain(sc_places p, int64_t rank, int64_t n);

/* One promotion band: places -> a level, given outright (no step-up as in the 2023 notice).
 * With a condition (requires != SC_LEVEL_NONE) only a person already holding at least `requires`
 * gets `level`; the others get `otherwise` (SC_LEVEL_NONE: nothing). 石家庄 2010: places 1-3 ->
 * 技师 for those already 高级工, otherwise 高级工 = {{1, 3}, 技师, 高级工, 高级工}. */
typedef struct sc_band {
    sc_places places;
    sc_level level;
    sc_level requires;
    sc_level otherwise;
} sc_band;

typedef struct sc_promotion_rules {
    sc_table table;     /* from the competition class */
    bool final_stage;   /* only the final stage promotes */
    sc_level top_level; /* the occupation's highest level in its national standard */
    bool in_catalog;    /* listed in 国家职业分类大典 (2022) */
    int team_size;
    /* banded: bands[0..n_bands) replace the table; the first band holding the rank applies, and
     * a rank in no band gets nothing. Not owned. */
    bool banded;
    const sc_band *bands;
    size_t n_bands;
} sc_promotion_rules;

/* The level a person is promoted to from rank r among n, or SC_LEVEL_NONE. Applies the
 * current-level step-up (tables) or the band's condition (bands), then the student cap,
 * top_level, in_catalog and once-per-competition rules, whichever way the level was found.
 * Callers pass only ranked, non-disqualified entries' ranks (r >= 1). */
sc_level sc_promote(const sc_promotion_rules *rules, int64_t rank, int64_t n,
                    const sc_person *person);

/* Pass marks (双合格: 泰兴 2021, 重庆 2010, 南宁 2023, 镇江 2009): an entry whose theory or
 * practical score is below its threshold keeps its rank, and the others keep theirs (places are
 * not handed down), but it does not receive what `withholds` lists. The theory threshold is
 * compared only when the event has a theory exam (weight above 0). */
enum {
    SC_WITHHOLD_AWARD = 1u,       /* the award, 优胜奖 included, and with it the cash */
    SC_WITHHOLD_PROMOTION = 2u,   /* the promotion, and with it the skill-level certificate */
    SC_WITHHOLD_CERTIFICATE = 4u, /* the award certificate (获奖证书) */
    SC_WITHHOLD_TITLE = 8u        /* the honour title */
};
typedef struct sc_pass_rules {
    bool active;
    sc_centi theory, practical; /* at least these, in hundredths */
    unsigned withholds;         /* SC_WITHHOLD_ bits */
} sc_pass_rules;

/* ---------------------------------------------------------------------------------------------
 * §7 Cash awards (技能云南 item 28): yuan per person; the coach team gets the same again.
 */
typedef struct sc_cash_table {
    sc_yuan amount[SC_AWARD_COUNT]; /* indexed by sc_award; amount[SC_AWARD_NONE] is 0 */
} sc_cash_table;

typedef enum sc_cash_preset {
    SC_CASH_NONE,
    SC_CASH_WS,   /* 世界技能大赛 (我省选派) */
    SC_CASH_NAT,  /* 全国技能大赛 */
    SC_CASH_NAT1, /* 其他全国一类 */
    SC_CASH_PROV  /* 全省综合性 / 省级一类 */
} sc_cash_preset;

/* The preset a class uses when the competition asks for "preset" (rules.md §1). */
sc_cash_preset sc_class_cash_preset(sc_class cls);

/* Fills *table with a preset's amounts (all zero for SC_CASH_NONE). */
void sc_cash_table_preset(sc_cash_preset preset, sc_cash_table *table);

/* ---------------------------------------------------------------------------------------------
 * WorldSkills marking schemes (世赛评分; docs/worldskills.md, whose W-numbers name the rules and
 * their sources). An event with aspects is marked per aspect instead of per criterion: its
 * criteria (sub-criteria, maxima adding up to 100) are the sums of their aspects.
 *
 * Records, in hundredths like every mark:
 *   measurement (M) yes/no      the mark awarded: 0 or the aspect's maximum (W3)
 *   measurement (M) deduction   the mark awarded: max − k × deduct for k faults, or 0 (W3)
 *   judgement (J)               the judge's score 0, 1, 2 or 3 as 0, 100, 200, 300 (W4)
 */
typedef enum sc_aspect_kind { SC_ASPECT_MEASUREMENT, SC_ASPECT_JUDGEMENT } sc_aspect_kind;

/* Fewest judges a judgement aspect needs (W4: "three or more"). */
#define SC_J_MIN_JUDGES 3

typedef struct sc_aspect {
    size_t criterion;    /* index into the event's criteria */
    sc_aspect_kind kind;
    sc_centi max;        /* above 0 */
    sc_centi deduct;     /* M only: the deduction per fault; 0 for yes/no */
} sc_aspect;

/* An exact non-negative fraction num / den (den > 0), in hundredths of a point. */
typedef struct sc_frac {
    int64_t num, den;
} sc_frac;

/* The scheme is well formed (W1, W2): every aspect names a criterion below n_criteria, has a
 * maximum above 0 and at most SC_CENTI_MAX, a deduction only when it is M (and at most its
 * maximum), and the aspects of each criterion add up to exactly its maximum. SC_OK; SC_EINVAL
 * (*fault = the aspect) or SC_EASPECTSUM (*fault = the criterion). */
int sc_aspects_check(const sc_aspect *aspects, size_t n, const sc_centi *criterion_max,
                     size_t n_criteria, size_t *fault);

/* Whether score is a possible record of aspect a (see Records above): SC_OK or SC_EASPECT. */
int sc_aspect_record_check(const sc_aspect *a, sc_centi score);

/* The aspect's mark from its records scores[0..n), exact and not rounded:
 *   M: every record equal (the judges decide together): that mark; records that differ are
 *      SC_ESPREAD (W3).
 *   J: n >= SC_J_MIN_JUDGES (else SC_ETOOFEW), highest − lowest score at most 1 (else SC_ESPREAD,
 *      the 1-point rule, W5); mark = max × (s1 + … + sn) / (3n) (W4).
 * SC_ENOMARKS for n == 0, SC_EASPECT for a record that is not possible. */
int sc_aspect_mark(const sc_aspect *a, const sc_centi *scores, size_t n, sc_frac *out);

/* Criterion `criterion`'s score in an event with aspects: the exact sum of its aspects' marks
 * (sc_aspect_mark), rounded half up to hundredths once (W4). marks and n_marks as an entry's
 * (sc_entry_in: aspect by aspect). SC_OK, or sc_aspect_mark's error with *fault = the aspect;
 * SC_ERANGE when the exact sum does not fit in 64 bits (judge counts that vary wildly). */
int sc_criterion_from_aspects(const sc_aspect *aspects, size_t n_aspects, size_t criterion,
                              const sc_centi *marks, const size_t *n_marks, sc_centi *out,
                              size_t *fault);

/* The WorldSkills scale (W6, project formula: docs/worldskills.md): for x among the totals of a
 * group whose median is m and whose mean absolute deviation from m is D,
 *     scale = 700 + 25 × (x − m) / D   (exactly 700 when D is 0),
 * given as twice the median (med2) and the sum of |2x − med2| over the group's n totals (dev2).
 * *printed receives it rounded half up to whole points; the result says whether the exact value
 * is at least 700 (the Medallion for Excellence threshold, W7). */
bool sc_ws_scale(sc_centi x, sc_centi med2, int64_t dev2, int64_t n, int64_t *printed);

/* ---------------------------------------------------------------------------------------------
 * One (event, group): from marks to ranks, awards, cash and promotions.
 */
typedef struct sc_competition_rules {
    sc_table table;     /* promotion table, sc_class_table() of the class */
    bool final_stage;
    sc_cash_table cash; /* the table in force (preset, custom, or all zero) */
} sc_competition_rules;

typedef struct sc_event_rules {
    const sc_centi *criterion_max; /* n_criteria maxima (checked with sc_criteria_check) */
    size_t n_criteria;
    sc_aggregation aggregation;
    int w_theory, w_practical;
    sc_scheme scheme;
    sc_quota quotas[3];
    sc_rounding quota_rounding;
    sc_tie_break tie_break[SC_MAX_TIE_BREAK];
    size_t n_tie_break;
    int team_size;
    sc_level top_level; /* SC_LEVEL_1 when the standard has every level */
    bool in_catalog;
    /* Optional (zero: off). banded: promotion by bands[0..n_bands) of this group instead of the
     * class table. titles[0..n_titles): honour titles by places, the first holding the rank
     * applies (ties share it). Arrays not owned. */
    sc_pass_rules pass;
    bool banded;
    const sc_band *bands;
    size_t n_bands;
    const sc_places *titles;
    size_t n_titles;
    /* Optional: a WorldSkills marking scheme. With n_aspects > 0 an entry's marks come aspect by
     * aspect (n_marks has n_aspects counts) and each criterion is the exact sum of its aspects'
     * marks rounded half up to hundredths once (W4); aggregation is not used. Not owned. */
    const sc_aspect *aspects;
    size_t n_aspects;
    /* "scale": "worldskills": every ranked entry gets its scale score (W6), and the Medallion
     * for Excellence (优胜奖, W7) replaces §5's half-of-N rule: an entry without a medal whose
     * exact scale value is at least 700 receives it. */
    bool ws_scale;
} sc_event_rules;

typedef struct sc_entry_in {
    const char *id;         /* unique in the group; orders equal ranks (strcmp). Not owned. */
    sc_status status;
    int64_t time_seconds;   /* SC_NO_TIME when not recorded */
    bool has_theory;
    sc_centi theory;
    sc_centi *marks;        /* all judges' marks, criterion by criterion (aspect by aspect when
                               the event has aspects); reordered in place */
    const size_t *n_marks;  /* n_criteria (n_aspects) counts: marks of item k follow k-1's */
    const sc_person *members;
    size_t n_members;       /* == team_size */
} sc_entry_in;

typedef enum sc_outcome {
    SC_OUT_RANKED,
    SC_OUT_ABSENT,
    SC_OUT_DISQUALIFIED,
    SC_OUT_INCOMPLETE /* only with SC_ALLOW_INCOMPLETE: marks or theory still missing */
} sc_outcome;

typedef struct sc_entry_out {
    size_t entry;         /* index of the entry in the input array */
    sc_outcome outcome;
    bool has_theory;      /* theory is meaningful: ranked and the theory weight is above 0 */
    sc_centi theory, practical, total; /* meaningful when ranked */
    int64_t rank;         /* >= 1 when ranked, 0 otherwise */
    sc_award award;
    sc_yuan cash_per_person, cash_coach;
    sc_level promoted_to[SC_MAX_MEMBERS]; /* per member; SC_LEVEL_NONE when not promoted */
    size_t title;         /* 1 + index into the event's titles; 0 for none */
    bool below_pass;      /* ranked, and below a pass mark */
    unsigned withheld;    /* below_pass: the SC_WITHHOLD_ bits applied; else 0 */
    bool has_scale;       /* ranked in an event with the WorldSkills scale */
    int64_t scale;        /* its scale score, whole points (W6) */
} sc_entry_out;

typedef struct sc_group_summary {
    int64_t n;          /* N: entries with status ok or disqualified */
    int64_t ranked;     /* entries that received a rank */
    int64_t incomplete; /* entries left unranked for missing marks (SC_ALLOW_INCOMPLETE) */
} sc_group_summary;

typedef struct sc_error {
    int code;         /* an sc_err */
    size_t entry;     /* index of the entry at fault, when the error is about one */
    size_t criterion; /* index of the criterion (the aspect, in an event with aspects) at fault,
                         for mark errors */
    size_t count;     /* how many marks that criterion had, for SC_ETOOFEW / SC_ETOOMANY */
} sc_error;

/* Provisional results while marking is still going on: an ok entry with a missing mark or
 * theory score is reported as SC_OUT_INCOMPLETE (counted in N, not ranked) instead of failing;
 * so is an entry with an aspect still short of judges or in discrepancy (SC_ETOOFEW, SC_ESPREAD
 * of an aspect: 待复核). */
#define SC_ALLOW_INCOMPLETE 1u

/* Computes one (event, group). out must hold n elements; it receives one element per entry in
 * results order: ranked entries by rank then id, then the others by id. Each entry's marks are
 * reordered in place. On failure returns the sc_err, fills *err (if not NULL) and leaves out
 * unspecified. No allocation: cost O(M + n log n) for M marks. */
int sc_compute_group(const sc_competition_rules *comp, const sc_event_rules *event,
                     sc_entry_in *in, size_t n, unsigned flags, sc_entry_out *out,
                     sc_group_summary *summary, sc_error *err);

/* ---------------------------------------------------------------------------------------------
 * The delegations' medal table (奖牌榜 / 团体总分): each entry of a delegation (代表队: a 州市 or an
 * industry system) counts once per award it holds after the pass marks, a team as one; points per
 * award are the competition's. Rows are ordered by points, then the count of first awards (金牌 +
 * 一等奖), of second (银牌 + 二等奖), of third (铜牌 + 三等奖), then 优胜奖; rows equal on all of
 * those share a rank (1, 2, 2, 4) and are listed by delegation name (bytes).
 */
typedef struct sc_medal_points {
    int64_t points[SC_AWARD_COUNT]; /* indexed by sc_award; points[SC_AWARD_NONE] is 0 */
} sc_medal_points;

/* 金牌/一等奖 4, 银牌/二等奖 3, 铜牌/三等奖 2, 优胜奖 1. */
void sc_medal_points_default(sc_medal_points *p);

/* One entry counted in the table: its delegation's row, its award after the pass marks, and its
 * WorldSkills scale score where its event has the scale. */
typedef struct sc_medal_item {
    size_t delegation; /* index into rows */
    sc_award award;
    bool has_scale;
    int64_t scale;
} sc_medal_item;

typedef struct sc_medal_row {
    const char *delegation;         /* the caller's; unique among the rows. Not owned. */
    int64_t count[SC_AWARD_COUNT];  /* entries per award; count[SC_AWARD_NONE] is unused */
    int64_t points;
    int64_t rank;
    /* The member comparison of WorldSkills (W9): entries counted (a team is one competitor),
     * the average medal points per entry, and the sum and average of the scale scores of its
     * scaled entries. Averages in hundredths, rounded half up (0 when there is nothing). */
    int64_t entries;
    sc_centi average_points;
    int64_t scaled, scale_sum;
    sc_centi scale_average;
} sc_medal_row;

/* rows[0..n_rows) come with their delegation set; items[0..n) are the entries. Fills every other
 * field of the rows and sorts them into table order. SC_EINVAL for a delegation index out of
 * range or points below 0 (nothing is changed then). */
int sc_medal_table(const sc_medal_points *points, const sc_medal_item *items, size_t n,
                   sc_medal_row *rows, size_t n_rows);

/* sum / n in hundredths, rounded half up (sum >= 0, n > 0; 0 when n is 0). */
sc_centi sc_average_centi(int64_t sum, int64_t n);

/* ---------------------------------------------------------------------------------------------
 * Judge analytics (裁判评分分析; issue 18, docs/analytics.md): how each judge of an event marks,
 * measured against the panel of every slot they marked, for the chief judge while marking and
 * for arbitration after. Nothing here changes a score: the figures point people at marks worth a
 * second look, and the thresholds are the organizer's (project defaults below).
 *
 * Input: one event's marks with the judge of each, by slot. Slot s = entry × n_items + item,
 * with entries numbered 0..n_entries − 1 by the caller and items being the event's criteria (its
 * aspects in an event with aspects). A slot's panel is every mark on it, the judge's own
 * included; its median is exact as twice the median, med2: the middle mark doubled, or the sum
 * of the two middle marks of an even panel (as sc_outliers).
 *
 * Per judge and item (sc_judge_item):
 *   marks     the judge's marks on the item
 *   compared  those on slots with 2 or more marks (a lone mark has no panel to differ from)
 *   dev2      Σ (2·mark − med2) over the compared marks: twice the summed signed deviation
 *   max_sum   Σ the item's maximum over the compared marks
 *   flags     discrepancy flags: slots whose spread (highest − lowest mark) exceeds the event's
 *             threshold (spread × 10000 > maximum × discrepancy, the server's discrepancy list)
 *             AND whose outliers (sc_outliers) include this judge's mark
 *   mean_deviation  dev2 / (2 × compared) hundredths of a point, rounded once (sc_div_round)
 *   leniency  the item's share of the per-judge leniency below: 5000 × dev2 / max_sum
 * Both are 0 and meaningless without compared marks.
 *
 * Per judge (sc_judge_stats): the same sums over every item, and
 *   leniency  Σ deviation / Σ maximum over the compared marks, in hundredths of a percent:
 *             5000 × dev2 / max_sum, rounded once, half away from zero (sc_div_round), so that a
 *             severe judge's −x mirrors a lenient judge's +x. Above 0: marks above the panel.
 *             Undefined (has_leniency false) without compared marks.
 *   rho       Spearman's rank correlation of the judge's per-entry totals with the panel's,
 *             over the entries the judge marked (n of them, `entries`). The judge's total of an
 *             entry is the sum of their marks on it; the panel's is the sum of the medians of the
 *             same slots, so a judge who marks only some items is compared on those items. Ties
 *             take mid-ranks; with the ranks doubled to stay integer (D = 2d),
 *                 rho = 1 − 6·Σd² / (n(n² − 1)) = (2n(n² − 1) − 3·ΣD²) / (2n(n² − 1)),
 *             kept as the exact fraction rho_num / rho_den (reduced, den > 0) and printed as
 *             rho_centi (hundredths, half away from zero). Without ties this is exactly
 *             Spearman's rho; WITH TIES IT IS THE USUAL APPROXIMATION (the formula on mid-ranks),
 *             not the Pearson correlation of the mid-ranks. Undefined (has_rho false) below 3
 *             entries, or when all of the judge's or all of the panel's totals are equal.
 */

/* One mark with its judge. */
typedef struct sc_judged_mark {
    size_t judge;   /* 0 .. n_judges − 1 */
    sc_centi score; /* hundredths, 0 .. SC_CENTI_MAX */
} sc_judged_mark;

typedef struct sc_analytics_in {
    const sc_centi *item_max;  /* n_items maxima, each above 0 and at most SC_CENTI_MAX */
    size_t n_items;
    const sc_centi *discrepancy; /* per item, the spread threshold in hundredths of a percent of
                                    its maximum (2000: 20%, the competition file's default; a
                                    marking scheme's aspects have their own, W3 and W5) */
    size_t n_entries;
    const sc_judged_mark *marks;
    const size_t *slot_start;  /* n_entries × n_items + 1 offsets: slot s holds
                                  marks[slot_start[s] .. slot_start[s + 1]) */
    size_t n_judges;
} sc_analytics_in;

typedef struct sc_judge_item {
    int64_t marks, compared, dev2, flags;
    sc_centi max_sum;
    sc_centi mean_deviation;
    int64_t leniency;          /* hundredths of a percent of the maximum, signed */
} sc_judge_item;

typedef struct sc_judge_stats {
    int64_t marks, compared, dev2, flags; /* over every item */
    sc_centi max_sum;
    bool has_leniency;
    int64_t leniency;          /* hundredths of a percent of the maximum, signed */
    int64_t entries;           /* entries in the rank correlation */
    bool has_rho;
    int64_t rho_num, rho_den;  /* rho exactly, in lowest terms */
    int64_t rho_centi;         /* rho in hundredths (−100 .. 100), rounded */
} sc_judge_stats;

/* The most entries and marks one call takes: every sum above then stays far inside int64. */
#define SC_ANALYTICS_MAX_ENTRIES ((size_t)100000)
#define SC_ANALYTICS_MAX_MARKS ((size_t)4000000)

/* How many int64_t elements of scratch sc_judge_analytics needs (0 when the sizes are too
 * large to take). */
size_t sc_analytics_scratch(size_t n_entries, size_t n_items);

/* Fills items[j × n_items + k] for every judge j and item k, and stats[j] for every judge, from
 * in (see above). scratch[0 .. n_scratch) is the caller's working space (sc_analytics_scratch
 * elements at least); nothing is allocated. SC_OK; SC_EINVAL for a judge index out of range, a
 * judge with two marks on one slot, offsets that go backwards or past the marks, a maximum not
 * above 0, too little scratch or too many entries or marks (SC_ANALYTICS_MAX_*); SC_ERANGE for a
 * mark below 0 or above SC_CENTI_MAX or a slot with more than SC_OUTLIER_MAX marks. On failure
 * items and stats are unspecified. Cost O(n_judges × marks + n_judges × n log n). */
int sc_judge_analytics(const sc_analytics_in *in, int64_t *scratch, size_t n_scratch,
                       sc_judge_item *items, sc_judge_stats *stats);

/* num / den (den > 0) rounded to the nearest integer, halves away from zero: 5/2 → 3,
 * −5/2 → −3. How every signed analytics figure is rounded, once. */
int64_t sc_div_round(int64_t num, int64_t den);

/* When a judge is flagged for the chief judge and 监督仲裁: thresholds the organizer may change
 * (competition file: events[].analytics). Each compares the printed (rounded) figure, so that
 * what the table shows is what decided. */
typedef struct sc_judge_thresholds {
    int64_t leniency;        /* |leniency| above this, hundredths of a percent (500: 5.00%) */
    int64_t min_rho;         /* rho_centi below this (50: 0.50) ... */
    int64_t rho_min_entries; /* ... for a judge with at least this many entries in rho (5) */
    int64_t max_flags;       /* this many discrepancy flags or more (3); 0: never */
} sc_judge_thresholds;

/* The project defaults (docs/analytics.md): 500, 50, 5, 3. */
void sc_judge_thresholds_default(sc_judge_thresholds *t);

/* Why a judge is flagged: a set of these bits, 0 for none. */
enum {
    SC_JUDGE_LENIENT = 1u,    /* leniency above +threshold: marks above the panel (偏松) */
    SC_JUDGE_SEVERE = 2u,     /* leniency below −threshold: marks below the panel (偏严) */
    SC_JUDGE_RANKS = 4u,      /* orders the entries unlike the panel (排序一致性低) */
    SC_JUDGE_DISCREPANT = 8u  /* too often the outlier of a discrepancy (争议分多) */
};
unsigned sc_judge_flags(const sc_judge_thresholds *t, const sc_judge_stats *s);

#endif
