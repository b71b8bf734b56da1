/*
 * reports.h — certificates (证书) and result sheets as PDF, and what makes a certificate checkable
 * (prefix rp_).
 *
 * What is issued (rules.md §8): an award certificate (获奖证书) to each member of an entry with an
 * award or 优胜奖, and a skill-level certificate (职业技能等级证书) for each promotion, "一赛一授权"
 * in the name of the organizing committee office with the appraisal centre's seal text. The
 * scoring engine decides who gets what; this module only lists and draws it.
 *
 * Numbers. rp_certs_build() lists the certificates in a fixed order — events in file order, groups
 * in results order, entries in rank order, members in entry order, the award before the level —
 * and numbers them from a pattern (RP_DEFAULT_PATTERN, or competition.certificate_pattern):
 *   {code} competition.code (else its id)   {year} the year of competition.date
 *   {event} event id   {kind} A (award) or L (level)   {seq} or {seq:N} a sequence, N digits
 * The sequence counts certificates whose number is otherwise the same, so numbers are unique
 * whatever the pattern, and the same results always give the same numbers: printing again
 * reproduces them.
 *
 * Verification. Each certificate carries a signature: HMAC-SHA-256, under a 32-byte key that only
 * the venue server holds, of the certificate's facts (number, competition, kind, person, event,
 * group, rank, award or level) — 128 bits of it in hex. The QR code holds
 *   {verify_base}/verify/{number}?sig={signature}
 * The server's register (server/core/register.h) keeps every issued certificate with its
 * signature and answers a number and signature from it, comparing in constant time
 * (rp_sig_equal); results changed since printing revoke the certificates they change.
 *
 * PDF (libharu). Every function writes one PDF into memory (*pdf malloc'd, caller frees) and
 * embeds the font once per document. Text that would run past its box is set smaller, then
 * wrapped, never cut. Errors: -1 with a message in err.
 *
 * Ownership: an rp_certs holds indices into the competition and results it was built from and
 * string pointers into the competition; free it (rp_certs_free) before them.
 */
#ifndef SKILLSCORE_REPORTS_H
#define SKILLSCORE_REPORTS_H

#include "compfile/compfile.h"

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RP_DEFAULT_PATTERN "{code}-{year}-{event}-{kind}{seq:4}"
#define RP_KEY_BYTES 32
#define RP_SIG_HEX 32 /* characters of signature text */
#define RP_DEFAULT_FONT "/usr/share/fonts/truetype/arphic/uming.ttc"

typedef enum rp_kind { RP_AWARD = 'A', RP_LEVEL = 'L' } rp_kind;

typedef struct rp_cert {
    rp_kind kind;
    char number[96];
    char sig[RP_SIG_HEX + 1];
    size_t group;            /* index into the results' groups */
    size_t entry, member;    /* indices into the competition's entries and the entry's members */
    int64_t rank;
    sc_award award;          /* the entry's award (also on level certificates) */
    sc_level level;          /* RP_LEVEL: the level promoted to */
} rp_cert;

typedef struct rp_certs {
    rp_cert *items;
    size_t n;
} rp_certs;

/* Lists and numbers every certificate of r (see above) for the events whose include flag is true
 * (include NULL: every event). pattern NULL: the competition's, else RP_DEFAULT_PATTERN. A pattern
 * without {seq}, with an unknown placeholder or producing a number over 95 bytes is refused. */
int rp_certs_build(const cf_competition *c, const cf_results *r, const bool *include,
                   const char *pattern, const unsigned char key[RP_KEY_BYTES], rp_certs *out,
                   char *err, size_t errcap);
void rp_certs_free(rp_certs *certs);

/* Gives k the number pattern makes with sequence seq (pattern NULL: the competition's), for a
 * register that hands out numbers of its own; sign it again after. 0, or -1 with err. */
int rp_cert_renumber(const cf_competition *c, const char *pattern, rp_cert *k, long seq,
                     char *err, size_t errcap);
/* Signs k's facts (its number included) into k->sig. 0, or -1 when memory ran out. */
int rp_cert_sign(const cf_competition *c, const cf_results *r,
                 const unsigned char key[RP_KEY_BYTES], rp_cert *k);
/* The certificate with this number, or NULL. */
const rp_cert *rp_certs_find(const rp_certs *certs, const char *number);
/* The short code printed beside the QR code for a person to type or read out: the first 12
 * hex digits of the signature in capitals, in groups of four ("C98C-7F6E-FFDC"). */
void rp_short_code(const char *sig, char *out, size_t cap);
/* Whether code (a short code, dashes and case ignored) is the short code of sig, in constant
 * time. */
bool rp_short_equal(const char *sig, const char *code);
/* A rank in Chinese numerals: 1 一, 12 十二, 20 二十, 105 一百零五 (as 第…名 writes it). */
void rp_rank_chinese(long long n, char *out, size_t cap);
/* Whether two signature texts are equal, in time that does not depend on where they differ. */
bool rp_sig_equal(const char *a, const char *b);

/* Checks a number and signature against certs: RP_GENUINE with *found set, RP_UNKNOWN when no
 * certificate has the number, RP_FORGED when the signature does not match. */
enum { RP_GENUINE = 0, RP_UNKNOWN = 1, RP_FORGED = 2, RP_REVOKED = 3 };
int rp_verify(const rp_certs *certs, const char *number, const char *sig, const rp_cert **found);

/* The facts a certificate states, as JSON (caller decrefs): number, competition, kind, name,
 * unit, event, occupation, group, rank, award, level. What /verify shows. */
json_t *rp_cert_facts(const cf_competition *c, const cf_results *r, const rp_cert *k);

/* Checks a verification address: "http[s]://host[:port]" with nothing after it (a trailing "/"
 * is dropped; the address goes into out). RP_BASE_OK; RP_BASE_PRIVATE for a loopback, private,
 * link-local or .local host, which phones outside the venue cannot reach (allowed only when the
 * organizer says so, for a venue-only deployment); RP_BASE_BAD. err says why for both. */
enum { RP_BASE_OK = 0, RP_BASE_PRIVATE = 1, RP_BASE_BAD = 2 };
int rp_base_check(const char *base, char *out, size_t cap, char *err, size_t errcap);

typedef struct rp_opts {
    const char *font_path;   /* NULL: RP_DEFAULT_FONT */
    const char *verify_base; /* e.g. "https://jieguo.example.cn" (rp_base_check); required
                              * for certificates, which are refused without it */
} rp_opts;

/* Certificates certs[0..n) (pointers into an rp_certs), one A4 landscape page each. */
int rp_certificates_pdf(const cf_competition *c, const cf_results *r, const rp_cert *const *certs,
                        size_t n, const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                        size_t errcap);

/* 仲裁决定书: one appeal as api_appeals.c records it (with "id", "event", "event_name" and, once
 * confirmed, "delta"), on A4 portrait with the competition in the header. */
int rp_decision_pdf(const json_t *appeal, const char *competition, const rp_opts *o,
                    unsigned char **pdf, size_t *len, char *err, size_t errcap);

/* 成绩公示表: one table per (event, group) of r whose include flag is true, page x/y in the
 * footer, signature lines for 裁判长 and 监督仲裁 after each group. certs (may be NULL) adds the
 * certificate numbers to the promotion column. */
int rp_results_pdf(const cf_competition *c, const cf_results *r, const bool *include,
                   const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap);

/* 晋升名册 for the appraisal centre: every promotion with its certificate number. */
int rp_promotions_pdf(const cf_competition *c, const cf_results *r, const rp_certs *certs,
                      const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                      size_t errcap);

/* 奖金发放表: per entry with cash, the per-person amount for each member and the coach team's
 * amount, with totals; whole yuan. */
int rp_cash_pdf(const cf_competition *c, const cf_results *r, const bool *include,
                const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap);

/* 代表队奖牌榜: the delegations' medal table of r (cf_medal_table), with the points in force and
 * the tie-break stated under the title. */
int rp_medal_table_pdf(const cf_competition *c, const cf_results *r, const rp_opts *o,
                       unsigned char **pdf, size_t *len, char *err, size_t errcap);

/* ---- the papers of a competition day (dayforms.c) ----
 * numbers[e] is entry e's 工位号, NULL before the draw (numbers itself may be NULL). */
#define RP_ALL_EVENTS ((size_t)-1)

typedef struct rp_judge {
    const char *id, *name;   /* name may be NULL */
} rp_judge;

/* Blank marking forms of event ev, A4 landscape: for each judge a table of 工位号 × criteria
 * (with their maxima) and room to write, signature lines below. Numbers only, never names. */
int rp_marking_forms_pdf(const cf_competition *c, size_t ev, const char *const *numbers,
                         const rp_judge *judges, size_t n_judges, const rp_opts *o,
                         unsigned char **pdf, size_t *len, char *err, size_t errcap);
/* Admission slips (准考证 · 检录单) of event ev (RP_ALL_EVENTS: every entry), eight to an A4
 * page: the competition, names, event and group, entry id and number, units, ID-card tails, and
 * a QR code of {verify_base}/checkin/?c={competition}&entry={entry} for check-in by camera. */
int rp_admission_slips_pdf(const cf_competition *c, size_t ev, const char *const *numbers,
                           const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                           size_t errcap);
/* The draw of event ev for the supervision envelope (密封): 工位号 ↔ entry, names and units,
 * "第 print_no 次打印", signature lines. */
int rp_sealed_list_pdf(const cf_competition *c, size_t ev, const char *const *numbers,
                       int print_no, const rp_opts *o, unsigned char **pdf, size_t *len,
                       char *err, size_t errcap);

/* ---- 裁判评分分析表 (analytics.c; issue 18, docs/analytics.md) ----
 * The judge analytics of one event (cf_event_analytics), A4 landscape: a summary row per judge
 * (marks, leniency, rank correlation, discrepancy flags, 关注 with the reasons in Chinese for a
 * flagged judge), the formulas and thresholds, then a table per judge with each criterion's
 * deviation from the panels' medians; signature lines for 裁判长 and 监督仲裁, page x/y. Judges
 * only: no entry, number or contestant is named. status (may be NULL) says which marks the
 * figures rest on ("评分进行中…"). */
int rp_analytics_pdf(const cf_competition *c, const cf_analytics *a, const char *status,
                     const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                     size_t errcap);
/* The reasons of SC_JUDGE_ bits in Chinese, joined with "；" into out (cap bytes), each with the
 * figure and threshold that decided it: "偏松：宽严度 +12.34%，高于 +5.00%". "" for none. */
char *rp_judge_reasons(const cf_judge_analytics *j, const sc_judge_thresholds *t, char *out,
                       size_t cap);

#endif
