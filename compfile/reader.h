/*
 * reader.h — internal to compfile/: the state of one cf_read() and the helpers its parts share.
 *
 * Reading is split by job: read.c walks the top level and streams the large arrays (with the
 * fast path for common marks), records.c checks the competition, events and entries,
 * resolve.c ties marks and theory scores to entries and criteria, and fields.c reads typed
 * fields and writes the messages. Every rd_ function that can fail records the first failure in
 * the reader (rd_fail) and returns -1; later failures keep the first message.
 */
#ifndef SKILLSCORE_READER_H
#define SKILLSCORE_READER_H

#include "compfile.h"
#include "intern.h"

#include <jansson.h>
#include <stdbool.h>

#define MAX_WARNED 32

typedef struct raw_theory {
    uint32_t entry_sym;
    uint32_t index;
    sc_centi score;
} raw_theory;

typedef struct reader {
    const char *buf;
    size_t len, pos;
    cf_diag *diag;
    bool failed;
    cf_competition *c;
    si_pool pool;

    json_t *format, *competition, *events, *entries, *judges;
    uint32_t *entry_sym;   /* n_entries */

    cf_mark *marks;        /* raw while streaming: entry, criterion, judge hold symbols */
    size_t n_marks, cap_marks;
    raw_theory *theory;
    size_t n_theory, cap_theory;

    char *warned[MAX_WARNED];
    size_t n_warned;
} reader;

/* fields.c */
int rd_fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rd_fail_oom(reader *r);
char *rd_strdup(const char *s);
void rd_warn_unknown(reader *r, const char *kind, const char *key);
/* Warns about each key of obj not in the NULL-terminated list known. */
void rd_check_keys(reader *r, json_t *obj, const char *kind, const char *const *known);
int rd_want_object(reader *r, json_t *v, const char *path);
/* A string field: required (missing or empty is an error) or optional (missing or null gives
 * NULL). *out is malloc'd and owned by the caller. */
int rd_get_string(reader *r, json_t *obj, const char *key, const char *path, bool required,
                  char **out);
/* The required "id" field of obj, checked by cf_id_check. */
int rd_get_id(reader *r, json_t *obj, const char *path, char **out);
int rd_get_bool(reader *r, json_t *obj, const char *key, const char *path, bool dflt, bool *out);
int rd_get_int(reader *r, json_t *obj, const char *key, const char *path, int64_t lo, int64_t hi,
               int64_t dflt, int64_t *out);
/* A score: a JSON number >= 0 with at most two decimals, as exact hundredths. */
int rd_number_centi(reader *r, json_t *v, const char *path, const char *field, sc_centi *out);
/* A non-empty string field, interned. */
int rd_intern_field(reader *r, json_t *obj, const char *key, const char *path, uint32_t *sym);

/* records.c */
int rd_read_competition(reader *r);
int rd_read_events(reader *r);
int rd_read_entries(reader *r);

/* local_rules.c: pass marks, promotion bands, titles (an event's), medal points (competition's) */
int rd_read_local_rules(reader *r, cf_event *ev, json_t *event, const char *path);
int rd_read_medal_points(reader *r, json_t *points);
/* Once entries are read: a band or title naming a group that no entry of its event is in would
 * never apply (a misspelt group silently takes promotions or titles away), so it is refused,
 * naming the field and the groups there are. Events without entries yet are left alone. */
int rd_check_rule_groups(reader *r);

/* marking.c: a WorldSkills marking scheme, the scale and the conflict rule (an event's); sets
 * the event's items */
int rd_read_marking(reader *r, cf_event *ev, json_t *event, const char *path);
/* analytics.c: an event's "analytics" thresholds (defaults when o is NULL) */
int rd_read_analytics(reader *r, cf_event *ev, json_t *o, const char *path);

/* roster.c */
int rd_read_roster(reader *r);

/* resolve.c */
int rd_resolve(reader *r);

#endif
