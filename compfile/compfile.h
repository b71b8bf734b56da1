/*
 * compfile.h — the skillscore/1 competition file and the skillscore-results/1 document.
 *
 * cf_read() turns the bytes of a competition file into a cf_competition, checking everything
 * that can be checked without computing (types, ids, references, ranges, decimals, weights,
 * criteria sums, team sizes, duplicates). cf_compute() runs the scoring engine over every
 * (event, group); cf_results_json() writes the results document. The CLI, the server and the
 * reports all go through these three, so `skillscore compute` and the server's results endpoint
 * print the same bytes.
 *
 * Errors: every failing function returns a negative value and writes one line into the
 * caller's cf_diag that names the record and field, like
 *   marks[17]: score 100.5 is above criterion A's maximum 100
 * Nothing is returned on failure (no half-read competition).
 *
 * Ownership: a cf_competition owns every string and array it points to; cf_free() releases it.
 * A cf_results points into the competition it was computed from and must be freed first.
 *
 * The file arrives as JSON; jansson decodes numbers with a fraction as doubles. The reader turns
 * such a double back into the exact two-decimal text it came from (printing it with two decimals
 * and checking that this reads back to the same double) and parses that text into hundredths,
 * so no score ever passes through floating-point arithmetic. A number written with more than two
 * decimals is refused; one with more than 15 significant digits cannot be told apart from its
 * two-decimal neighbour and is read as that neighbour.
 */
#ifndef SKILLSCORE_COMPFILE_H
#define SKILLSCORE_COMPFILE_H

#include "scoring/scoring.h"

#include <stddef.h>
#include <stdint.h>

#define CF_FORMAT "skillscore/1"
#define CF_RESULTS_FORMAT "skillscore-results/1"

/* Request bodies and files larger than this are refused before parsing. */
#define CF_MAX_FILE_BYTES ((size_t)1 << 30)
/* Every id (competition, event, criterion, entry, person, judge) is 1 to CF_ID_MAX bytes of
 * UTF-8 without control characters or slashes, and is not "." or "..": ids name files, URL
 * path segments and database keys. cf_id_check applies the rule wherever an id comes in. */
#define CF_ID_MAX 63

typedef struct cf_diag {
    char message[512];
    /* Optional: called once per kind of unknown field ("events[].weigths"), which is ignored. */
    void (*warn)(void *ctx, const char *message);
    void *warn_ctx;
} cf_diag;

typedef struct cf_member {
    char *id, *name;
    char *unit, *id_number, *gender; /* optional; NULL when absent. id_number is private. */
} cf_member;

typedef struct cf_criterion {
    char *id, *name;
    sc_centi max;
} cf_criterion;

/* Rules some organizers publish (issue 17; competition-file.md): promotion bands and honour
 * titles of an event, each for one group (group set) or for every group (group NULL). A group
 * uses, in file order, the items naming it and the items naming none; the first that holds the
 * rank applies. */
typedef struct cf_band {
    char *group;             /* NULL: every group */
    sc_band band;
} cf_band;

typedef struct cf_title {
    char *group;             /* NULL: every group */
    char *title;             /* e.g. 技术状元 */
    sc_places places;
} cf_title;

/* One aspect of a WorldSkills marking scheme (docs/worldskills.md; the event's "marking"). The
 * engine's view of it (criterion, kind, max, deduct) is the event's aspect_rules[k]. */
typedef struct cf_aspect {
    char *id;
    char *description;       /* what is assessed (评分细则); required */
    char *benchmarks[4];     /* J: what makes a 0, 1, 2, 3 (评价标准); NULL for M */
} cf_aspect;

typedef struct cf_event {
    char *id, *name;
    char *occupation_code, *occupation_name; /* optional */
    cf_criterion *criteria;
    sc_centi *criterion_max; /* the same maxima, contiguous, for the engine */
    size_t n_criteria;
    sc_event_rules rules;    /* rules.criterion_max points at criterion_max */
    sc_centi discrepancy;    /* optional field discrepancy_percent, in hundredths of a percent
                                of a criterion's maximum; default 2000 (20%) */
    bool has_pass;           /* "pass" given: rules.pass is active */
    cf_band *bands;          /* "promotion": {"bands": [...]}; n_bands > 0 replaces the table */
    size_t n_bands;
    cf_title *titles;        /* "titles": [...] */
    size_t n_titles;
    /* "marking": a WorldSkills marking scheme (issue 18). With one, judges mark aspects, and
     * rules.aspects points at aspect_rules. */
    cf_aspect *aspects;
    sc_aspect *aspect_rules;
    size_t n_aspects;
    /* What judges mark per entry: the aspects with a marking scheme, else the criteria. An
     * entry's slot first_slot + k holds the marks of its item k, and a mark's "criterion" field
     * names an item (cf_item_id). */
    size_t n_items;
    /* "conflict": what happens to a mark by a judge of a contestant's unit (回避): refused
     * (default) or accepted and flagged for the organizer and arbitration. */
    bool conflict_flag;
    sc_judge_thresholds analytics; /* "analytics": when a judge is flagged (cf_event_analytics) */
} cf_event;

typedef struct cf_entry {
    char *id;
    size_t event;            /* index into events */
    char *group;
    sc_status status;
    int64_t time_seconds;    /* SC_NO_TIME when absent or null */
    cf_member *members;
    sc_person persons[SC_MAX_MEMBERS]; /* members' levels and flags, for the engine */
    size_t n_members;
    char *coach;             /* optional */
    char *delegation;        /* optional: 代表队 (a 州市 or an industry system), for the medal table */
    bool has_theory;
    sc_centi theory;
    size_t first_slot;       /* marks of (this entry, criterion k) are slot first_slot + k */
} cf_entry;

typedef struct cf_mark {
    uint32_t entry;          /* index into entries */
    uint32_t criterion;      /* index into the entry's event's criteria */
    uint32_t judge;          /* index into judges */
    uint32_t index;          /* position in the file's marks array */
    sc_centi score;
} cf_mark;

/* The optional top-level "judges" list (the project's addition to skillscore/1): who may mark
 * which events, and who is chief judge (裁判长) there. When the list is present, every mark must
 * come from a listed judge of the entry's event; when absent, any judge id is accepted. */
typedef struct cf_roster_judge {
    char *id, *name;         /* name optional */
    char *unit;              /* optional: the judge's 工作单位, for 回避 (never shown on a tablet) */
    size_t *events;          /* indices into events, at least one */
    size_t n_events;
    bool chief;              /* chief judge of each of its events */
} cf_roster_judge;

typedef enum cf_cash_mode { CF_CASH_PRESET, CF_CASH_NONE, CF_CASH_CUSTOM } cf_cash_mode;

typedef struct cf_competition {
    char *id, *name;
    sc_class cls;
    bool final_stage;
    cf_cash_mode cash_mode;
    sc_cash_table cash;      /* the table in force, whatever the mode */
    char *code, *organizer, *certificate_issuer, *appraisal_centre, *date; /* optional */
    char *certificate_pattern; /* optional: how certificate numbers are made (reports.h) */
    sc_medal_points medal_points; /* "medal_points", else sc_medal_points_default */
    bool has_delegations;    /* some entry has a delegation: the results carry a medal table */

    cf_event *events;
    size_t n_events;
    cf_entry *entries;
    size_t n_entries;

    /* Marks sorted by (entry, criterion, file order). Slot s = entries[e].first_slot + k holds
     * marks[slot_start[s] .. slot_start[s + 1]). */
    cf_mark *marks;
    size_t n_marks;
    size_t *slot_start;      /* n_slots + 1 */
    size_t n_slots;

    char **judges;           /* distinct judge ids of the marks, in order of first appearance */
    size_t n_judges;

    cf_roster_judge *roster; /* the "judges" list; NULL and 0 when the file has none */
    size_t n_roster;
    bool has_roster;
} cf_competition;

/* Reads a competition file from buf[0..len). Returns 0 and *out (free with cf_free), or -1 with
 * diag->message set. A UTF-8 byte order mark at the start is skipped. */
int cf_read(const char *buf, size_t len, cf_competition **out, cf_diag *diag);
void cf_free(cf_competition *c);

/* A JSON number (as jansson's double) as exact hundredths, by the rule above: 0 and *out, or one
 * of the CF_NUM_ codes (NaN counts as too large). Integers need no help: multiply by 100. */
enum { CF_NUM_NEGATIVE = -1, CF_NUM_TOO_LARGE = -2, CF_NUM_DECIMALS = -3 };
int cf_centi_from_double(double d, sc_centi *out);

/* A team's names joined with 、 (one name for a single entry), and its members' units, each
 * once, joined the same way; into out of cap bytes, cut at a whole character when too long.
 * Returns out. The one place a team is written as one line. */
char *cf_member_names(const cf_entry *en, char *out, size_t cap);
char *cf_member_units(const cf_entry *en, char *out, size_t cap);

/* The entries for which keep is true (every entry when keep is NULL) in the order of the results
 * document: by (event id, group name), then file order, in *idx (*n of them); group g is
 * idx[(*starts)[g] .. (*starts)[g + 1]), *n_groups of them. The one place entries are grouped.
 * Caller frees *idx and *starts. 0, or -1 when memory runs out. */
int cf_group_entries(const cf_competition *c,
                     bool (*keep)(const cf_competition *c, size_t entry, const void *ctx),
                     const void *ctx, size_t **idx, size_t *n, size_t **starts,
                     size_t *n_groups);

/* Lookups by id; -1 when absent. Linear: for tools, not for inner loops. */
long cf_event_index(const cf_competition *c, const char *id);
long cf_entry_index(const cf_competition *c, const char *id);
long cf_criterion_index(const cf_event *e, const char *id);
long cf_roster_index(const cf_competition *c, const char *id);
/* Whether roster judge j may mark event ev. */
bool cf_roster_judges_event(const cf_roster_judge *j, size_t ev);
/* The judges-list rule, the one place it is written: with a list, only a listed judge of the
 * entry's event may mark; without one, anyone. CF_JUDGE_OK, or why not. */
enum { CF_JUDGE_OK = 0, CF_JUDGE_NOT_LISTED = -1, CF_JUDGE_NOT_OF_EVENT = -2 };
int cf_judge_may_mark(const cf_competition *c, const char *judge, size_t ev);
/* The marks item k of entry `entry` needs before the entry is complete: every listed judge of
 * the entry's event who may mark it (not one in conflict with it, cf_judge_conflict, when the
 * event refuses those); one for a single consensus mark, a measurement aspect (decided by the
 * judges together) or without a judges list. */
size_t cf_marks_required(const cf_competition *c, size_t entry, size_t item);

/* How far an entry is marked, counted in judges: *of is the most marks any of its items needs
 * (cf_marks_required), *done the fewest any item has, an item with all it needs counting as done
 * (a measurement aspect needs one consensus mark). count(ctx, slot) is a slot's marks. The one
 * place progress is defined: the live screens and the chief's standings both show it. */
void cf_entry_progress(const cf_competition *c, size_t entry,
                       size_t (*count)(const void *ctx, size_t slot), const void *ctx,
                       size_t *done, size_t *of);

/* 回避: whether a judge's unit (judges list) is the unit of a member of the entry. Units compare
 * as bytes; a judge or member without a unit conflicts with nobody. */
bool cf_judge_conflict(const cf_competition *c, const char *judge, size_t entry);
/* 回避 as the entry's event applies it: the judge's marks of the entry are refused (a conflict,
 * and the event does not accept-and-flag it). The one place the refusal rule is written. */
bool cf_judge_recused(const cf_competition *c, const char *judge, size_t entry);

/* The item k of an event (cf_event.n_items): its id, its largest possible record (a criterion's
 * maximum; 3.00 for a judgement aspect, whose records are its judges' 0–3), and index by id
 * (-1 when none). */
const char *cf_item_id(const cf_event *ev, size_t k);
sc_centi cf_item_max(const cf_event *ev, size_t k);
/* The discrepancy rule of item k, the one place it is written: the widest spread of its marks
 * (highest − lowest) that is not a discrepancy, as hundredths of a percent of cf_item_max: the
 * event's discrepancy_percent for a criterion; 50% of 3 points for a judgement aspect (1 point
 * apart is allowed, 2 is not: W5); 0 for a measurement aspect (records must agree: W3). Marks
 * lo..hi are a discrepancy when (hi − lo) × 10000 > cf_item_max × this. */
sc_centi cf_item_discrepancy(const cf_event *ev, size_t k);
long cf_item_index(const cf_event *ev, const char *id);
/* Whether score is a possible record of item k: 0, or -1 with why (e.g. "is above criterion A's
 * maximum 30", "must be 0, 1, 2 or 3 for judgement aspect B4") written into why[0..cap). */
int cf_item_check(const cf_event *ev, size_t k, sc_centi score, char *why, size_t cap);

typedef struct cf_group_result {
    size_t event;            /* index into events */
    const char *group;       /* points into an entry of the competition */
    sc_group_summary summary;
    sc_entry_out *entries;   /* results order; entries[i].entry is an index into c->entries */
    size_t n;
} cf_group_result;

typedef struct cf_results {
    cf_group_result *groups; /* ordered by event id, then group name (bytes) */
    size_t n_groups;
    sc_entry_out *outs;      /* storage for every group's entries */
} cf_results;

/* Computes every (event, group). flags: 0 for final results (a missing mark is an error that
 * names the entry and criterion), or SC_ALLOW_INCOMPLETE for provisional results. */
int cf_compute(const cf_competition *c, unsigned flags, cf_results **out, cf_diag *diag);

/* Computes one (event, group) only: what the server does after a mark. *out receives a
 * cf_results with one group (or none when the group has no entries). */
int cf_compute_group(const cf_competition *c, size_t event, const char *group, unsigned flags,
                     cf_results **out, cf_diag *diag);

/* Where a computation takes the marks of a slot from, when not from the competition itself (the
 * server keeps live marks in its own store): count(ctx, slot) marks, copied by copy(ctx, slot, dst)
 * into dst[0 .. count). */
typedef struct cf_marks_source {
    size_t (*count)(const void *ctx, size_t slot);
    void (*copy)(const void *ctx, size_t slot, sc_centi *dst);
    const void *ctx;
} cf_marks_source;

/* The competition's own marks as a source (what cf_compute uses). */
cf_marks_source cf_file_marks(const cf_competition *c);

/* Computes one (event, group) given as its entries (indices in ascending order, all of one event
 * and group) with marks from src: the cost grows with the group, not the competition. *out has
 * one group, or none when n is 0. Same results as cf_compute_group with the same marks. */
int cf_compute_entries(const cf_competition *c, const cf_marks_source *src, const size_t *entries,
                       size_t n, unsigned flags, cf_results **out, cf_diag *diag);

void cf_results_free(cf_results *r);

/* The result's title (技术状元 …) of an entry, or NULL: out->title names the event's titles. */
const char *cf_title_of(const cf_competition *c, const sc_entry_out *o);
/* The SC_WITHHOLD_ bits as the file spells them: "award", "promotion", "certificate", "title";
 * NULL for anything else. What the results document lists under "withheld". */
const char *cf_withhold_key(unsigned bit);

/* The delegations' medal table over the groups of r (sc_medal_table): one row per delegation that
 * has an entry in them, in table order; the names point into c. *rows is malloc'd (caller
 * frees), *n may be 0. 0, or -1 when memory runs out. */
int cf_medal_table(const cf_competition *c, const cf_results *r, sc_medal_row **rows, size_t *n);
/* The award columns a medal table shows, in order: the medals and/or the prizes that the events'
 * schemes use, then 优胜奖. Returns how many (at most 7) are in cols. */
size_t cf_medal_columns(const cf_competition *c, sc_award cols[SC_AWARD_COUNT]);

/* The results document as UTF-8 JSON text (2-space indent), newline-terminated. Caller frees.
 * NULL only when memory runs out. */
char *cf_results_json(const cf_competition *c, const cf_results *r);

/* NULL when id is a valid id (CF_ID_MAX), else why not (a static text). */
const char *cf_id_check(const char *id);

/* ================================================================================================
 * Judge analytics (裁判评分分析; issue 18, compfile/analytics.c, docs/analytics.md).
 *
 * cf_event_analytics() runs the engine's sc_judge_analytics over one event: the marks of every
 * slot (entry, item) with the judge who gave each, from the competition file itself or from a
 * source the caller supplies (the server's current marks), and flags judges by the event's
 * thresholds. Items are the event's criteria. The result names judges, never entries: it may be
 * shown to a chief judge who marks blind.
 *
 * The thresholds come from the optional event field
 *   "analytics": {"leniency_percent": 5, "min_correlation": 0.5, "max_flags": 3,
 *                 "correlation_min_entries": 5}
 * (each optional; the defaults are sc_judge_thresholds_default's), read into cf_event.analytics.
 *
 * Judges are listed in the judges list's order (those of the event who gave a mark), then any
 * other judge who gave one, in order of their first mark. A judge without a mark in the event is
 * not listed.
 *
 * Ownership: a cf_analytics owns its judges' ids and rows; names and item texts point into the
 * competition, which must outlive it. cf_analytics_free() releases it.
 */

/* Marks of a slot with their judges, for a computation that does not take them from the
 * competition: count(ctx, slot) marks; copy(ctx, slot, scores, judges) writes the scores and
 * the judge id of each into scores[0 .. count) and judges[0 .. count) (strings that stay valid
 * until cf_event_analytics returns). Slot numbers are the competition's (first_slot + k). */
typedef struct cf_judged_source {
    size_t (*count)(const void *ctx, size_t slot);
    void (*copy)(const void *ctx, size_t slot, sc_centi *scores, const char **judges);
    const void *ctx;
} cf_judged_source;

typedef struct cf_judge_analytics {
    char *id;
    const char *name;       /* from the judges list; NULL when not given or not listed */
    bool listed;            /* on the judges list for this event */
    bool chief;             /* listed as chief judge (裁判长) */
    sc_judge_stats stats;
    sc_judge_item *items;   /* n_items rows, in item order */
    unsigned reasons;       /* sc_judge_flags with the event's thresholds: SC_JUDGE_ bits */
} cf_judge_analytics;

typedef struct cf_analytics {
    size_t event;                   /* index into the competition's events */
    sc_judge_thresholds thresholds; /* the event's */
    size_t n_items;
    const char **item_id, **item_name; /* n_items each; a name may be NULL */
    sc_centi *item_max;             /* n_items maxima */
    cf_judge_analytics *judges;
    size_t n_judges;
    size_t n_flagged;               /* judges with reasons */
    sc_judge_item *rows;            /* storage of every judge's items */
} cf_analytics;

/* The analytics of event ev with the marks of src (NULL: the competition's own marks). 0 and
 * *out, or -1 with diag naming the event and the fault (a judge with two marks on one slot, a
 * slot with more marks than the engine takes, out of memory). */
int cf_event_analytics(const cf_competition *c, size_t ev, const cf_judged_source *src,
                       cf_analytics **out, cf_diag *diag);
void cf_analytics_free(cf_analytics *a);

/* An SC_JUDGE_ bit as a key: "lenient", "severe", "ranks", "discrepancies"; NULL for anything
 * else. What JSON carries under "reasons". */
const char *cf_judge_reason_key(unsigned bit);

#endif
