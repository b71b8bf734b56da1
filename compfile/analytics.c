/*
 * analytics.c — judge analytics of one event from a competition (compfile.h "Judge analytics"):
 * the event's "analytics" thresholds as the file gives them, and the glue that lays an event's
 * marks out as the engine wants them (slot = entry of the event × items + item, judges numbered
 * in the order the result lists them) and hands the figures back with the judges' ids and names.
 *
 * An item is what a judge marks in a slot: a criterion, or an aspect of a WorldSkills marking
 * scheme (compfile.h: cf_event.n_items, cf_item_max, cf_item_discrepancy).
 */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void item_text(const cf_event *ev, size_t k, const char **id, const char **name)
{
    *id = cf_item_id(ev, k);
    *name = ev->n_aspects ? ev->aspects[k].description : ev->criteria[k].name;
}

/* ---- the competition file's "analytics" ----------------------------------------------------- */

/* A number from lo to hi (hundredths) with at most two decimals; negative allowed when lo is. */
static int read_hundredths(reader *r, json_t *o, const char *key, const char *path, sc_centi lo,
                           sc_centi hi, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    sc_centi c = 0;
    bool ok = false;

    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        ok = i >= lo / 100 && i <= hi / 100;
        c = ok ? (sc_centi)i * 100 : 0;
    } else if (json_is_real(v)) {
        double d = json_real_value(v);
        ok = cf_centi_from_double(d < 0 ? -d : d, &c) == 0;
        c = d < 0 ? -c : c;
        ok = ok && c >= lo && c <= hi;
    }
    if (!ok)
        return rd_fail(r, "%s: %s must be a number from %s to %s with at most 2 decimals", path,
                       key, sc_centi_format_short(lo, (char[24]){0}),
                       sc_centi_format_short(hi, (char[24]){0}));
    *out = c;
    return 0;
}

static int read_count(reader *r, json_t *o, const char *key, const char *path, int64_t lo,
                      int64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > 1000000)
        return rd_fail(r, "%s: %s must be a whole number from %lld to 1000000", path, key,
                       (long long)lo);
    *out = json_integer_value(v);
    return 0;
}

int rd_read_analytics(reader *r, cf_event *ev, json_t *o, const char *path)
{
    static const char *const known[] = {"leniency_percent", "min_correlation", "max_flags",
                                        "correlation_min_entries", NULL};
    sc_judge_thresholds *t = &ev->analytics;
    char p[96];

    sc_judge_thresholds_default(t);
    if (!o || json_is_null(o))
        return 0;
    snprintf(p, sizeof p, "%s.analytics", path);
    if (rd_want_object(r, o, p))
        return -1;
    rd_check_keys(r, o, "events[].analytics", known);
    /* Rho below 3 entries is undefined, so a smaller minimum would read as a promise it cannot
     * keep. */
    return read_hundredths(r, o, "leniency_percent", p, 0, 10000, &t->leniency) ||
                   read_hundredths(r, o, "min_correlation", p, -100, 100, &t->min_rho) ||
                   read_count(r, o, "max_flags", p, 1, &t->max_flags) ||
                   read_count(r, o, "correlation_min_entries", p, 3, &t->rho_min_entries)
               ? -1
               : 0;
}

/* ---- the analysis --------------------------------------------------------------------------- */

const char *cf_judge_reason_key(unsigned bit)
{
    switch (bit) {
    case SC_JUDGE_LENIENT:
        return "lenient";
    case SC_JUDGE_SEVERE:
        return "severe";
    case SC_JUDGE_RANKS:
        return "ranks";
    case SC_JUDGE_DISCREPANT:
        return "discrepancies";
    default:
        return NULL;
    }
}

/* The competition's own marks as a source. */
static void file_copy(const void *ctx, size_t slot, sc_centi *scores, const char **judges)
{
    const cf_competition *c = ctx;
    for (size_t i = c->slot_start[slot], n = 0; i < c->slot_start[slot + 1]; i++, n++) {
        scores[n] = c->marks[i].score;
        judges[n] = c->judges[c->marks[i].judge];
    }
}

/* The judges met so far, by id, in order of their first mark. */
typedef struct seen {
    const char **id;
    size_t n, cap;
} seen;

static long seen_index(seen *s, const char *id)
{
    for (size_t j = 0; j < s->n; j++)
        if (strcmp(s->id[j], id) == 0)
            return (long)j;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        const char **grown = realloc(s->id, cap * sizeof *grown);
        if (!grown)
            return -1;
        s->id = grown;
        s->cap = cap;
    }
    s->id[s->n] = id;
    return (long)s->n++;
}

/* Where a judge is listed: the judges list's order for the event's listed judges, then the
 * others in order of their first mark. */
typedef struct place {
    size_t key, first;
} place;

static int by_place(const void *pa, const void *pb)
{
    const place *a = pa, *b = pb;
    return a->key != b->key ? (a->key > b->key) - (a->key < b->key)
                            : (a->first > b->first) - (a->first < b->first);
}

void cf_analytics_free(cf_analytics *a)
{
    if (!a)
        return;
    for (size_t j = 0; a->judges && j < a->n_judges; j++)
        free(a->judges[j].id);
    free(a->judges);
    free(a->rows);
    free(a->item_id);
    free(a->item_name);
    free(a->item_max);
    free(a);
}

int cf_event_analytics(const cf_competition *c, size_t event, const cf_judged_source *src,
                       cf_analytics **out, cf_diag *diag)
{
    const cf_event *ev = &c->events[event];
    cf_judged_source own = {cf_file_marks(c).count, file_copy, c};
    size_t ni = ev->n_items, ne = 0, n_slots, n_marks = 0, widest = 0, *start = NULL;
    size_t *entries = NULL, *perm = NULL;
    sc_judged_mark *marks = NULL;
    sc_centi *scores = NULL;
    const char **judges = NULL;
    int64_t *scratch = NULL;
    sc_centi *threshold = NULL;
    sc_judge_stats *stats = NULL;
    place *order = NULL;
    seen who = {0};
    cf_analytics *a = NULL;
    int rc;

    *out = NULL;
    if (!src)
        src = &own;
    if (!(entries = malloc((c->n_entries + 1) * sizeof *entries)))
        goto oom;
    for (size_t i = 0; i < c->n_entries; i++)
        if (c->entries[i].event == event)
            entries[ne++] = i;
    n_slots = ne * ni;
    if (!(start = malloc((n_slots + 1) * sizeof *start)))
        goto oom;
    for (size_t e = 0; e < ne; e++)
        for (size_t k = 0; k < ni; k++) {
            size_t n = src->count(src->ctx, c->entries[entries[e]].first_slot + k);
            start[e * ni + k] = n_marks;
            n_marks += n;
            widest = n > widest ? n : widest;
        }
    start[n_slots] = n_marks;
    if (widest > SC_OUTLIER_MAX || ne > SC_ANALYTICS_MAX_ENTRIES ||
        n_marks > SC_ANALYTICS_MAX_MARKS) {
        snprintf(diag->message, sizeof diag->message,
                 "event %s is larger than judge analytics takes (at most %d marks per slot, "
                 "%zu entries and %zu marks per event)",
                 ev->id, SC_OUTLIER_MAX, SC_ANALYTICS_MAX_ENTRIES, SC_ANALYTICS_MAX_MARKS);
        goto fail;
    }
    if (!(marks = malloc((n_marks + 1) * sizeof *marks)) ||
        !(scores = malloc((widest + 1) * sizeof *scores)) ||
        !(judges = malloc((widest + 1) * sizeof *judges)))
        goto oom;
    for (size_t s = 0; s < n_slots; s++) {
        size_t n = start[s + 1] - start[s];
        src->copy(src->ctx, c->entries[entries[s / ni]].first_slot + s % ni, scores, judges);
        for (size_t i = 0; i < n; i++) {
            long j = seen_index(&who, judges[i]);
            if (j < 0)
                goto oom;
            marks[start[s] + i] = (sc_judged_mark){(size_t)j, scores[i]};
        }
    }

    /* Number the judges in the order the result lists them. */
    if (!(order = malloc((who.n + 1) * sizeof *order)) ||
        !(perm = malloc((who.n + 1) * sizeof *perm)))
        goto oom;
    for (size_t j = 0; j < who.n; j++) {
        long ri = cf_roster_index(c, who.id[j]);
        bool listed = ri >= 0 && cf_roster_judges_event(&c->roster[ri], event);
        order[j] = (place){listed ? (size_t)ri : c->n_roster, j};
    }
    qsort(order, who.n, sizeof *order, by_place);
    for (size_t j = 0; j < who.n; j++)
        perm[order[j].first] = j;
    for (size_t i = 0; i < n_marks; i++)
        marks[i].judge = perm[marks[i].judge];

    if (!(a = calloc(1, sizeof *a)) || !(a->judges = calloc(who.n + 1, sizeof *a->judges)) ||
        !(a->rows = calloc(who.n * ni + 1, sizeof *a->rows)) ||
        !(a->item_id = calloc(ni + 1, sizeof *a->item_id)) ||
        !(a->item_name = calloc(ni + 1, sizeof *a->item_name)) ||
        !(a->item_max = calloc(ni + 1, sizeof *a->item_max)) ||
        !(threshold = calloc(ni + 1, sizeof *threshold)) ||
        !(stats = calloc(who.n + 1, sizeof *stats)) ||
        !(scratch = malloc((sc_analytics_scratch(ne, ni) + 1) * sizeof *scratch)))
        goto oom;
    a->event = event;
    a->thresholds = ev->analytics;
    a->n_items = ni;
    for (size_t k = 0; k < ni; k++) {
        item_text(ev, k, &a->item_id[k], &a->item_name[k]);
        a->item_max[k] = cf_item_max(ev, k);
        threshold[k] = cf_item_discrepancy(ev, k);
    }
    sc_analytics_in in = {a->item_max, ni, threshold, ne, marks, start, who.n};
    rc = sc_judge_analytics(&in, scratch, sc_analytics_scratch(ne, ni) + 1, a->rows, stats);
    if (rc != SC_OK) {
        /* The sizes are checked above and the reader and the server keep one mark per judge
         * and slot: this is a source that broke that promise. */
        snprintf(diag->message, sizeof diag->message,
                 "event %s: the judges' marks cannot be analysed (%s): a judge with two marks "
                 "on one slot?",
                 ev->id, sc_strerror(rc));
        goto fail;
    }
    for (size_t j = 0; j < who.n; j++) {
        cf_judge_analytics *ja = &a->judges[j];
        const char *id = who.id[order[j].first];
        long ri = cf_roster_index(c, id);
        a->n_judges = j + 1;
        if (!(ja->id = strdup(id)))
            goto oom;
        ja->listed = order[j].key < c->n_roster;
        ja->name = ri >= 0 ? c->roster[ri].name : NULL;
        ja->chief = ja->listed && c->roster[ri].chief;
        ja->stats = stats[j];
        ja->items = a->rows + j * ni;
        ja->reasons = sc_judge_flags(&a->thresholds, &stats[j]);
        a->n_flagged += ja->reasons != 0;
    }
    *out = a;
    a = NULL;
    rc = 0;
    goto done;
oom:
    snprintf(diag->message, sizeof diag->message, "out of memory");
fail:
    rc = -1;
done:
    cf_analytics_free(a);
    free(entries);
    free(start);
    free(marks);
    free(scores);
    free(judges);
    free(scratch);
    free(threshold);
    free(stats);
    free(order);
    free(perm);
    free(who.id);
    return rc;
}
