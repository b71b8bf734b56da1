/*
 * results.c — running the engine over a competition, and the results document.
 *
 * Entries are grouped by (event id, group name) in byte order, which is also the order of the
 * document's rankings. For each group the marks of each entry are copied out of the
 * competition's slots into scratch (the engine sorts marks in place, and the competition stays
 * untouched so it can be computed again), the engine computes, and the group's entry indices
 * are mapped back to the competition's.
 */
#include "compfile.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct group_key {
    const cf_competition *c;
    size_t entry;
} group_key;

static int compare_group(const cf_competition *c, size_t a, size_t b)
{
    const cf_entry *x = &c->entries[a], *y = &c->entries[b];
    int d = strcmp(c->events[x->event].id, c->events[y->event].id);
    if (d == 0)
        d = strcmp(x->group, y->group);
    return d;
}

static int compare_keys(const void *pa, const void *pb)
{
    const group_key *a = pa, *b = pb;
    int d = compare_group(a->c, a->entry, b->entry);
    if (d == 0)
        d = (a->entry > b->entry) - (a->entry < b->entry);
    return d;
}

static void competition_rules(const cf_competition *c, sc_competition_rules *rules)
{
    rules->table = sc_class_table(c->cls);
    rules->final_stage = c->final_stage;
    rules->cash = c->cash;
}

static void describe_error(const cf_competition *c, const cf_event *ev, const cf_entry *en,
                           const sc_error *e, cf_diag *diag)
{
    const char *crit = cf_item_id(ev, e->criterion);
    if (ev->n_aspects) {
        const char *why = NULL;
        switch (e->code) {
        case SC_ENOMARKS: why = "has no mark"; break;
        case SC_ETOOFEW: why = "has fewer than 3 judges' scores; a judgement aspect needs 3 or "
                               "more (docs/worldskills.md W4)"; break;
        case SC_ESPREAD:
            why = ev->aspect_rules[e->criterion].kind == SC_ASPECT_JUDGEMENT
                      ? "is a discrepancy: the judges' scores differ by more than 1 point; they "
                        "discuss and mark again (docs/worldskills.md W5)"
                      : "is a discrepancy: the judges' records differ; a measurement is decided "
                        "together (docs/worldskills.md W3)";
            break;
        default: break;
        }
        if (why) {
            snprintf(diag->message, sizeof diag->message, "entry %s (event %s): aspect %s %s",
                     en->id, ev->id, crit, why);
            return;
        }
    }
    switch (e->code) {
    case SC_ENOMARKS:
        snprintf(diag->message, sizeof diag->message,
                 "entry %s (event %s): no mark for criterion %s", en->id, ev->id, crit);
        break;
    case SC_ETOOFEW:
        snprintf(diag->message, sizeof diag->message,
                 "entry %s (event %s): criterion %s has %zu mark%s; trimmed_mean needs at least "
                 "3 (去掉一个最高分和一个最低分)", en->id, ev->id, crit, e->count,
                 e->count == 1 ? "" : "s");
        break;
    case SC_ETOOMANY:
        snprintf(diag->message, sizeof diag->message,
                 "entry %s (event %s): criterion %s has %zu marks; aggregation single takes "
                 "exactly one", en->id, ev->id, crit, e->count);
        break;
    case SC_ENOTHEORY:
        snprintf(diag->message, sizeof diag->message,
                 "entry %s (event %s): no theory score, and the theory weight is %d", en->id,
                 ev->id, ev->rules.w_theory);
        break;
    default:
        snprintf(diag->message, sizeof diag->message, "entry %s (event %s): %s", en->id, ev->id,
                 sc_strerror(e->code));
        break;
    }
    (void)c;
}

/* The marks of the competition itself, read from its slots. */
static size_t file_count(const void *ctx, size_t slot)
{
    const cf_competition *c = ctx;
    return c->slot_start[slot + 1] - c->slot_start[slot];
}

static void file_copy(const void *ctx, size_t slot, sc_centi *dst)
{
    const cf_competition *c = ctx;
    for (size_t m = c->slot_start[slot]; m < c->slot_start[slot + 1]; m++)
        *dst++ = c->marks[m].score;
}

cf_marks_source cf_file_marks(const cf_competition *c)
{
    return (cf_marks_source){file_count, file_copy, c};
}

static bool applies(const char *item_group, const char *group)
{
    return !item_group || strcmp(item_group, group) == 0;
}

/* The event's rules for one group: its bands and titles picked out (competition-file.md: the
 * items naming the group and the items naming none, in file order) into bands and titles, which
 * hold n_bands and n_titles elements; title_of[k] is the event's index of the group's title k. */
static void group_rules(const cf_event *ev, const char *group, sc_event_rules *rules,
                        sc_band *bands, sc_places *titles, size_t *title_of)
{
    *rules = ev->rules;
    rules->banded = ev->n_bands > 0;
    rules->bands = bands;
    rules->n_bands = 0;
    for (size_t k = 0; k < ev->n_bands; k++)
        if (applies(ev->bands[k].group, group))
            bands[rules->n_bands++] = ev->bands[k].band;
    rules->titles = titles;
    rules->n_titles = 0;
    for (size_t k = 0; k < ev->n_titles; k++)
        if (applies(ev->titles[k].group, group)) {
            title_of[rules->n_titles] = k;
            titles[rules->n_titles++] = ev->titles[k].places;
        }
}

/* Computes the group made of entries idx[0..n) (all of one event and group) into out. */
static int compute_one(const cf_competition *c, const cf_marks_source *src, const size_t *idx,
                       size_t n, unsigned flags, cf_group_result *g, sc_entry_out *out,
                       cf_diag *diag)
{
    const cf_entry *first = &c->entries[idx[0]];
    const cf_event *ev = &c->events[first->event];
    sc_competition_rules rules;
    sc_event_rules erules;
    sc_entry_in *in = calloc(n, sizeof *in);
    size_t total_marks = 0;
    sc_centi *scratch = NULL;
    size_t *counts = NULL, *title_of = malloc((ev->n_titles + 1) * sizeof *title_of);
    sc_band *bands = malloc((ev->n_bands + 1) * sizeof *bands);
    sc_places *titles = malloc((ev->n_titles + 1) * sizeof *titles);
    sc_error err;
    int rc = -1;

    counts = malloc((n * ev->n_items + 1) * sizeof *counts);
    if (!in || !counts || !title_of || !bands || !titles)
        goto oom;
    group_rules(ev, first->group, &erules, bands, titles, title_of);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ev->n_items; k++) {
            size_t cnt = src->count(src->ctx, c->entries[idx[i]].first_slot + k);
            counts[i * ev->n_items + k] = cnt;
            total_marks += cnt;
        }
    if (!(scratch = malloc((total_marks + 1) * sizeof *scratch)))
        goto oom;
    competition_rules(c, &rules);
    for (size_t i = 0, at = 0; i < n; i++) {
        const cf_entry *en = &c->entries[idx[i]];
        in[i].id = en->id;
        in[i].status = en->status;
        in[i].time_seconds = en->time_seconds;
        in[i].has_theory = en->has_theory;
        in[i].theory = en->theory;
        in[i].marks = scratch + at;
        in[i].n_marks = counts + i * ev->n_items;
        in[i].members = en->persons;
        in[i].n_members = en->n_members;
        for (size_t k = 0; k < ev->n_items; k++) {
            src->copy(src->ctx, en->first_slot + k, scratch + at);
            at += counts[i * ev->n_items + k];
        }
    }
    if (sc_compute_group(&rules, &erules, in, n, flags, out, &g->summary, &err) != SC_OK) {
        describe_error(c, ev, &c->entries[idx[err.entry < n ? err.entry : 0]], &err, diag);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        out[i].entry = idx[out[i].entry];
        if (out[i].title)
            out[i].title = title_of[out[i].title - 1] + 1;
    }
    g->event = first->event;
    g->group = first->group;
    g->entries = out;
    g->n = n;
    rc = 0;
    goto out;
oom:
    snprintf(diag->message, sizeof diag->message, "out of memory");
out:
    free(in);
    free(scratch);
    free(counts);
    free(title_of);
    free(bands);
    free(titles);
    return rc;
}

int cf_group_entries(const cf_competition *c,
                     bool (*keep)(const cf_competition *c, size_t entry, const void *ctx),
                     const void *ctx, size_t **idx, size_t *n, size_t **starts,
                     size_t *n_groups)
{
    group_key *keys = calloc(c->n_entries + 1, sizeof *keys);
    size_t k = 0, g = 0;

    *idx = calloc(c->n_entries + 1, sizeof **idx);
    *starts = calloc(c->n_entries + 2, sizeof **starts);
    *n = *n_groups = 0;
    if (!keys || !*idx || !*starts) {
        free(keys);
        free(*idx);
        free(*starts);
        *idx = *starts = NULL;
        return -1;
    }
    for (size_t i = 0; i < c->n_entries; i++)
        if (!keep || keep(c, i, ctx))
            keys[k++] = (group_key){c, i};
    qsort(keys, k, sizeof *keys, compare_keys);
    for (size_t i = 0; i < k; i++) {
        (*idx)[i] = keys[i].entry;
        if (i == 0 || compare_group(c, (*idx)[i - 1], (*idx)[i]) != 0)
            (*starts)[g++] = i;
    }
    (*starts)[g] = k;
    *n = k;
    *n_groups = g;
    free(keys);
    return 0;
}

/* Computes the groups formed by the entries for which keep(c, i, ctx) is true. */
static int compute_where(const cf_competition *c, unsigned flags,
                         bool (*keep)(const cf_competition *, size_t, const void *),
                         const void *ctx, cf_results **out, cf_diag *diag)
{
    cf_results *r = calloc(1, sizeof *r);
    size_t *idx = NULL, *starts = NULL, n = 0, n_groups = 0;
    int rc = -1;
    const cf_marks_source file_marks = cf_file_marks(c);

    *out = NULL;
    diag->message[0] = '\0';
    if (!r || cf_group_entries(c, keep, ctx, &idx, &n, &starts, &n_groups))
        goto oom;
    r->outs = calloc(n + 1, sizeof *r->outs);
    r->groups = calloc(n_groups + 1, sizeof *r->groups);
    if (!r->outs || !r->groups)
        goto oom;
    for (size_t g = 0; g < n_groups; g++) {
        if (compute_one(c, &file_marks, idx + starts[g], starts[g + 1] - starts[g], flags,
                        &r->groups[r->n_groups], r->outs + starts[g], diag))
            goto out;
        r->n_groups++;
    }
    *out = r;
    r = NULL;
    rc = 0;
    goto out;
oom:
    snprintf(diag->message, sizeof diag->message, "out of memory");
out:
    cf_results_free(r);
    free(idx);
    free(starts);
    return rc;
}

static bool keep_all(const cf_competition *c, size_t i, const void *ctx)
{
    (void)c;
    (void)i;
    (void)ctx;
    return true;
}

typedef struct group_filter {
    size_t event;
    const char *group;
} group_filter;

static bool keep_group(const cf_competition *c, size_t i, const void *ctx)
{
    const group_filter *f = ctx;
    return c->entries[i].event == f->event && strcmp(c->entries[i].group, f->group) == 0;
}

int cf_compute(const cf_competition *c, unsigned flags, cf_results **out, cf_diag *diag)
{
    return compute_where(c, flags, keep_all, NULL, out, diag);
}

int cf_compute_group(const cf_competition *c, size_t event, const char *group, unsigned flags,
                     cf_results **out, cf_diag *diag)
{
    group_filter f = {event, group};
    return compute_where(c, flags, keep_group, &f, out, diag);
}

int cf_compute_entries(const cf_competition *c, const cf_marks_source *src, const size_t *entries,
                       size_t n, unsigned flags, cf_results **out, cf_diag *diag)
{
    cf_results *r = calloc(1, sizeof *r);

    *out = NULL;
    diag->message[0] = '\0';
    if (!r || !(r->outs = calloc(n + 1, sizeof *r->outs)) ||
        !(r->groups = calloc(1, sizeof *r->groups))) {
        cf_results_free(r);
        snprintf(diag->message, sizeof diag->message, "out of memory");
        return -1;
    }
    if (n) {
        if (compute_one(c, src, entries, n, flags, &r->groups[0], r->outs, diag)) {
            cf_results_free(r);
            return -1;
        }
        r->n_groups = 1;
    }
    *out = r;
    return 0;
}

void cf_results_free(cf_results *r)
{
    if (!r)
        return;
    free(r->groups);
    free(r->outs);
    free(r);
}

/* ---- the results document --------------------------------------------------------------------- */

static json_t *score_or_null(bool present, sc_centi v)
{
    char buf[24];
    return present ? json_string(sc_centi_format(v, buf)) : json_null();
}

static json_t *entry_json(const cf_competition *c, const sc_entry_out *o)
{
    const cf_entry *en = &c->entries[o->entry];
    const cf_event *ev = &c->events[en->event];
    bool ranked = o->outcome == SC_OUT_RANKED;
    json_t *j = json_object(), *cash = json_object(), *promos = json_array();
    const char *award = sc_award_name(o->award);

    json_object_set_new(j, "entry", json_string(en->id));
    json_object_set_new(j, "status", json_string(sc_status_key(en->status)));
    json_object_set_new(j, "rank", ranked ? json_integer(o->rank) : json_null());
    json_object_set_new(j, "theory", score_or_null(ranked && o->has_theory, o->theory));
    json_object_set_new(j, "practical", score_or_null(ranked, o->practical));
    json_object_set_new(j, "total", score_or_null(ranked, o->total));
    json_object_set_new(j, "award", award ? json_string(award) : json_null());
    json_object_set_new(cash, "per_person", json_integer(o->cash_per_person));
    json_object_set_new(cash, "coach", json_integer(o->cash_coach));
    json_object_set_new(j, "cash", cash);
    for (size_t m = 0; m < en->n_members && m < SC_MAX_MEMBERS; m++) {
        const char *from = sc_level_name(en->persons[m].level);
        if (o->promoted_to[m] == SC_LEVEL_NONE)
            continue;
        json_t *p = json_object();
        json_object_set_new(p, "member", json_string(en->members[m].id));
        json_object_set_new(p, "from", from ? json_string(from) : json_null());
        json_object_set_new(p, "to", json_string(sc_level_name(o->promoted_to[m])));
        json_array_append_new(promos, p);
    }
    json_object_set_new(j, "promotions", promos);
    /* Issue 17's keys appear only where the file uses the rule, so older files print the same
     * bytes as before. */
    if (ev->n_titles) {
        const char *title = cf_title_of(c, o);
        json_object_set_new(j, "title", title ? json_string(title) : json_null());
    }
    if (ev->has_pass) {
        json_t *withheld = json_array();
        json_object_set_new(j, "passed", ranked ? json_boolean(!o->below_pass) : json_null());
        for (unsigned bit = 1; bit <= SC_WITHHOLD_TITLE; bit <<= 1)
            if (o->withheld & bit)
                json_array_append_new(withheld, json_string(cf_withhold_key(bit)));
        json_object_set_new(j, "withheld", withheld);
    }
    if (en->delegation)
        json_object_set_new(j, "delegation", json_string(en->delegation));
    if (ev->rules.ws_scale)
        json_object_set_new(j, "scale", o->has_scale ? json_integer(o->scale) : json_null());
    if (o->outcome == SC_OUT_INCOMPLETE)
        json_object_set_new(j, "pending", json_true());
    return j;
}

/* "medal_table": the points in force, the tie-break, and a row per delegation with its count of
 * each award column, its points and rank. NULL when memory runs out. */
static json_t *medal_table_json(const cf_competition *c, const cf_results *r)
{
    sc_award cols[SC_AWARD_COUNT];
    size_t ncols = cf_medal_columns(c, cols), n = 0;
    sc_medal_row *rows = NULL;
    json_t *mt, *points, *arr;
    bool scaled = false;

    if (cf_medal_table(c, r, &rows, &n))
        return NULL;
    mt = json_object();
    points = json_object();
    arr = json_array();
    for (size_t k = 0; k < ncols; k++)
        json_object_set_new(points, sc_award_name(cols[k]),
                            json_integer(c->medal_points.points[cols[k]]));
    json_object_set_new(mt, "points", points);
    json_object_set_new(mt, "order", json_string("points, then 金牌+一等奖, 银牌+二等奖, 铜牌+三等奖, "
                                                 "优胜奖; equal rows share a rank"));
    for (size_t e = 0; e < c->n_events; e++)
        scaled |= c->events[e].rules.ws_scale;
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_object();
        char avg[24];
        json_object_set_new(row, "rank", json_integer(rows[i].rank));
        json_object_set_new(row, "delegation", json_string(rows[i].delegation));
        for (size_t k = 0; k < ncols; k++)
            json_object_set_new(row, sc_award_name(cols[k]), json_integer(rows[i].count[cols[k]]));
        json_object_set_new(row, "points", json_integer(rows[i].points));
        /* WorldSkills' member comparison (W9), where the competition has scaled events. */
        if (scaled) {
            json_object_set_new(row, "entries", json_integer(rows[i].entries));
            json_object_set_new(row, "average_points",
                                json_string(sc_centi_format(rows[i].average_points, avg)));
            json_object_set_new(row, "scale_total", json_integer(rows[i].scale_sum));
            json_object_set_new(row, "scale_average",
                                rows[i].scaled ? json_string(sc_centi_format(rows[i].scale_average,
                                                                             avg))
                                               : json_null());
        }
        json_array_append_new(arr, row);
    }
    json_object_set_new(mt, "rows", arr);
    free(rows);
    return mt;
}

char *cf_results_json(const cf_competition *c, const cf_results *r)
{
    json_t *doc = json_object(), *rankings = json_array();
    char *text, *out = NULL;

    json_object_set_new(doc, "format", json_string(CF_RESULTS_FORMAT));
    json_object_set_new(doc, "competition", json_string(c->id));
    for (size_t g = 0; g < r->n_groups; g++) {
        const cf_group_result *gr = &r->groups[g];
        json_t *group = json_object(), *entries = json_array();
        json_object_set_new(group, "event", json_string(c->events[gr->event].id));
        json_object_set_new(group, "group", json_string(gr->group));
        json_object_set_new(group, "n", json_integer(gr->summary.n));
        for (size_t i = 0; i < gr->n; i++)
            json_array_append_new(entries, entry_json(c, &gr->entries[i]));
        json_object_set_new(group, "entries", entries);
        json_array_append_new(rankings, group);
    }
    json_object_set_new(doc, "rankings", rankings);
    if (c->has_delegations) {
        json_t *mt = medal_table_json(c, r);
        if (!mt) {
            json_decref(doc);
            return NULL;
        }
        json_object_set_new(doc, "medal_table", mt);
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (text) {
        size_t n = strlen(text);
        out = malloc(n + 2);
        if (out) {
            memcpy(out, text, n);
            out[n] = '\n';
            out[n + 1] = '\0';
        }
        free(text);
    }
    return out;
}
