/*
 * live.c — the live results of one competition; see live.h.
 *
 * A group's rows are rendered as compact JSON once per view when the group is recomputed and
 * kept; an update carries the rows whose text changed, so what a mark costs on the wire is the
 * rows it moved, not the group. Groups are kept in the results document's order (event id, then
 * group name, bytes), entries inside a group in ascending index, which is the order
 * cf_compute_entries needs for its tie order to match `skillscore compute`.
 */
#include "server/core/live.h"

#include "compfile/vec.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lv_jmark {
    uint32_t judge; /* index into lc->judges */
    sc_centi score;
} lv_jmark;

typedef struct lv_slot {
    uint32_t n, cap;
    lv_jmark *m;
} lv_slot;

typedef struct lv_group {
    size_t event;
    const char *group;
    size_t *entries;        /* ascending entry indices */
    size_t n;
    size_t *order[LV_VIEWS]; /* per view, the order of its rows: positions into entries */
    char **rows[LV_VIEWS];  /* per position in entries */
    bool *changed[LV_VIEWS];
    bool dirty;             /* marks changed: recompute before sending */
    bool pending;           /* goes into the next update */
    bool full;              /* the next update carries every row */
    bool complete;
    char *error;            /* the engine's message when the last compute failed */
    char *frozen;           /* frozen (封榜): the public group as it was, sent instead */
    sc_entry_out *outs;     /* published: the last compute's outcomes, for the medal table */
    size_t n_outs;          /* 0 while unpublished (or when the compute failed) */
} lv_group;

struct lv_comp {
    const char *id;
    const cf_competition *def;
    lv_slot *slots;
    char **judges;
    size_t n_judges, cap_judges;
    lv_group *groups;
    size_t n_groups;
    size_t *group_of;       /* entry -> group */
    size_t *pos_in_group;   /* entry -> position in its group's entries */
    struct sort_ctx *by_id; /* entries sorted by id: marks and numbers name entries by id */
    char **numbers;         /* entry -> blind number, or NULL */
    bool *locked, *published, *drawn; /* per event */
    uint64_t seq, sent_seq;
    char *ceremony;         /* the award ceremony's message part (lv_set_ceremony), or NULL */
    bool ceremony_pending;  /* goes into the next update */
    char *medals;           /* the medal table's message part over published events, or NULL */
    bool medals_dirty;      /* a published group was recomputed or an event changed state */
    bool medals_pending;    /* its text changed: goes into the next update */
};

/* ---- text ------------------------------------------------------------------------------------ */

/* Appends v as compact JSON and drops v; open_object leaves an object open ("{…") so that
 * fields can follow. */
static void text_json(vec_text *b, json_t *v, bool open_object)
{
    char *t = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    if (!t) {
        b->oom = 1;
        return;
    }
    vec_text_put(b, t, strlen(t) - (open_object ? 1 : 0));
    free(t);
}

static char *text_take(vec_text *b, size_t *len)
{
    if (len)
        *len = b->len;
    return vec_text_take(b);
}

/* ---- marks ---------------------------------------------------------------------------------- */

static size_t slot_count(const void *ctx, size_t slot)
{
    const lv_comp *lc = ctx;
    return lc->slots[slot].n;
}

static void slot_copy(const void *ctx, size_t slot, sc_centi *dst)
{
    const lv_comp *lc = ctx;
    for (uint32_t i = 0; i < lc->slots[slot].n; i++)
        dst[i] = lc->slots[slot].m[i].score;
}

static void slot_copy_judged(const void *ctx, size_t slot, sc_centi *dst, const char **judges)
{
    const lv_comp *lc = ctx;
    for (uint32_t i = 0; i < lc->slots[slot].n; i++) {
        dst[i] = lc->slots[slot].m[i].score;
        judges[i] = lc->judges[lc->slots[slot].m[i].judge];
    }
}

cf_judged_source lv_judged_marks(const lv_comp *lc)
{
    return (cf_judged_source){slot_count, slot_copy_judged, lc};
}

static long judge_intern(lv_comp *lc, const char *judge)
{
    for (size_t j = 0; j < lc->n_judges; j++)
        if (strcmp(lc->judges[j], judge) == 0)
            return (long)j;
    if (VEC_RESERVE(lc->judges, lc->cap_judges, lc->n_judges + 1, 16))
        return -1;
    if (!(lc->judges[lc->n_judges] = strdup(judge)))
        return -1;
    return (long)lc->n_judges++;
}

static int slot_put(lv_comp *lc, size_t slot, const char *judge, sc_centi score)
{
    lv_slot *s = &lc->slots[slot];
    long j = judge_intern(lc, judge);
    if (j < 0)
        return -1;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->m[i].judge == (uint32_t)j) {
            s->m[i].score = score;
            return 0;
        }
    if (s->n == s->cap) {
        size_t cap = s->cap; /* kept as uint32_t: a slot per entry and criterion adds up */
        if (VEC_RESERVE(s->m, cap, (size_t)s->n + 1, 4))
            return -1;
        s->cap = (uint32_t)cap;
    }
    s->m[s->n].judge = (uint32_t)j;
    s->m[s->n].score = score;
    s->n++;
    return 0;
}

/* ---- rows ----------------------------------------------------------------------------------- */

static json_t *score_json(bool present, sc_centi v)
{
    char buf[24];
    return present ? json_string(sc_centi_format(v, buf)) : json_null();
}

static json_t *names_json(const cf_entry *en)
{
    char buf[1024];
    return json_string(cf_member_names(en, buf, sizeof buf));
}

/* How far an entry is marked (cf_entry_progress) by the marks held here. */
static void progress(const lv_comp *lc, size_t entry, size_t *done, size_t *of)
{
    cf_entry_progress(lc->def, entry, slot_count, lc, done, of);
}

/* Complete: every criterion has every mark it needs, and the theory score where it counts.
 * Before publication the public sees a total only for complete entries (docs/live.md). */
static bool complete(const lv_comp *lc, const cf_entry *en)
{
    size_t done, of;
    if (en->status != SC_STATUS_OK)
        return true;
    progress(lc, (size_t)(en - lc->def->entries), &done, &of);
    return done >= of && (lc->def->events[en->event].rules.w_theory == 0 || en->has_theory);
}

/* One row as view sees it. o is the entry's outcome, NULL for an incomplete entry before
 * publication on the public view (then only its progress shows). fair marks a public row
 * before publication: ranked among the complete entries only, provisional, no award. */
static char *render_row(const lv_comp *lc, const cf_entry *en, size_t entry, const sc_entry_out *o,
                        size_t pos, lv_view view, bool fair)
{
    bool published = lc->published[en->event];
    bool named = view == LV_ALL || published;
    bool ranked = o && o->outcome == SC_OUT_RANKED;
    const char *number = lc->numbers[entry];
    const char *award = o && !fair ? sc_award_name(o->award) : NULL;
    json_t *r = json_object();
    char *text;

    json_object_set_new(r, "key", json_string(named ? en->id : number ? number : ""));
    json_object_set_new(r, "pos", json_integer((json_int_t)pos));
    if (named)
        json_object_set_new(r, "entry", json_string(en->id));
    json_object_set_new(r, "number", number ? json_string(number) : json_null());
    if (named) {
        json_object_set_new(r, "name", names_json(en));
        json_object_set_new(r, "unit", en->n_members && en->members[0].unit
                                           ? json_string(en->members[0].unit)
                                           : json_null());
        /* Issue 17's facts tell who stands behind a row (a delegation names a 州市, a title or
         * a missed pass mark a place), so only where names are shown; a row without them is
         * the same bytes as before. */
        if (en->delegation)
            json_object_set_new(r, "delegation", json_string(en->delegation));
        if (o && !fair) {
            const char *title = cf_title_of(lc->def, o);
            if (title)
                json_object_set_new(r, "title", json_string(title));
            if (o->outcome == SC_OUT_RANKED && o->below_pass)
                json_object_set_new(r, "below_pass", json_true());
        }
    }
    json_object_set_new(r, "status", json_string(sc_status_key(en->status)));
    json_object_set_new(r, "rank", ranked ? json_integer(o->rank) : json_null());
    json_object_set_new(r, "theory", score_json(ranked && o->has_theory, o ? o->theory : 0));
    json_object_set_new(r, "practical", score_json(ranked, o ? o->practical : 0));
    json_object_set_new(r, "total", score_json(ranked, o ? o->total : 0));
    json_object_set_new(r, "award", award ? json_string(award) : json_null());
    /* The WorldSkills scale (issue 18) goes with the award: it depends on every complete entry's
     * total and decides the medallion, so a fair row before publication does not carry it. */
    if (ranked && !fair && o->has_scale)
        json_object_set_new(r, "scale", json_integer(o->scale));
    if (fair && ranked)
        json_object_set_new(r, "provisional", json_true());
    if (!o || o->outcome == SC_OUT_INCOMPLETE) {
        size_t done, of;
        progress(lc, entry, &done, &of);
        json_object_set_new(r, "pending", json_true());
        json_object_set_new(r, "progress", json_pack("{s:I,s:I}", "done", (json_int_t)done,
                                                     "of", (json_int_t)of));
    }
    text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(r);
    return text;
}

/* Whether the public may see any row of the group: not before the numbers hide who is who. */
static bool public_hidden(const lv_comp *lc, const lv_group *g)
{
    return !lc->published[g->event] && !lc->drawn[g->event];
}

/* Keeps a rendered row, flagging it when its text changed. false when memory ran out. */
static bool keep_row(lv_group *g, lv_view v, size_t k, char *row)
{
    if (!row)
        return false;
    if (g->rows[v][k] && strcmp(g->rows[v][k], row) == 0) {
        free(row);
        return true;
    }
    free(g->rows[v][k]);
    g->rows[v][k] = row;
    g->changed[v][k] = true;
    return true;
}

typedef struct numbered {
    const char *number;     /* NULL before the draw */
    size_t k;               /* position in the group's entries */
} numbered;

static int by_number(const void *pa, const void *pb)
{
    const numbered *x = pa, *y = pb;
    if (!x->number || !y->number)
        return !x->number - !y->number;
    return strcmp(x->number, y->number);
}

/* The public rows before publication: in number order, ranked among the complete entries only,
 * provisional, no award; an incomplete entry shows its progress, never a partial total. */
static int render_fair(lv_comp *lc, lv_group *g)
{
    cf_marks_source src = {slot_count, slot_copy, lc};
    size_t *sub = malloc((g->n + 1) * sizeof *sub), ns = 0;
    const sc_entry_out **out = calloc(g->n + 1, sizeof *out);
    numbered *order = malloc((g->n + 1) * sizeof *order);
    cf_results *r = NULL;
    cf_diag diag = {0};
    int rc = -1;

    if (!sub || !out || !order)
        goto done;
    for (size_t k = 0; k < g->n; k++)
        if (complete(lc, &lc->def->entries[g->entries[k]]))
            sub[ns++] = g->entries[k];
    if (ns && cf_compute_entries(lc->def, &src, sub, ns, SC_ALLOW_INCOMPLETE, &r, &diag) == 0)
        for (size_t p = 0; r->n_groups && p < r->groups[0].n; p++)
            out[lc->pos_in_group[r->groups[0].entries[p].entry]] = &r->groups[0].entries[p];
    /* Numbers share one width, so text order is numeric order. */
    for (size_t k = 0; k < g->n; k++)
        order[k] = (numbered){lc->numbers[g->entries[k]], k};
    qsort(order, g->n, sizeof *order, by_number);
    for (size_t p = 0; p < g->n; p++)
        g->order[LV_PUBLIC][p] = order[p].k;
    for (size_t p = 0; p < g->n; p++) {
        size_t k = g->order[LV_PUBLIC][p];
        if (!keep_row(g, LV_PUBLIC, k,
                      render_row(lc, &lc->def->entries[g->entries[k]], g->entries[k], out[k], p,
                                 LV_PUBLIC, true)))
            goto done;
    }
    rc = 0;
done:
    cf_results_free(r);
    free(sub);
    free(out);
    free(order);
    return rc;
}

/* Recomputes g and renders its rows; a row whose text changed is flagged. */
static int recompute(lv_comp *lc, lv_group *g)
{
    cf_marks_source src = {slot_count, slot_copy, lc};
    cf_results *r = NULL;
    cf_diag diag = {0};
    bool published = lc->published[g->event];

    g->dirty = false;
    free(g->error);
    g->error = NULL;
    /* The medal table counts published groups only: whatever this compute gives, a group that
     * counted or now counts makes it be built again. */
    if (published || g->n_outs)
        lc->medals_dirty = true;
    g->n_outs = 0;
    if (cf_compute_entries(lc->def, &src, g->entries, g->n, SC_ALLOW_INCOMPLETE, &r, &diag)) {
        g->error = strdup(diag.message);
        return g->error ? 0 : -1;
    }
    if (published && r->n_groups && r->groups[0].n <= g->n) {
        memcpy(g->outs, r->groups[0].entries, r->groups[0].n * sizeof *g->outs);
        g->n_outs = r->groups[0].n;
    }
    g->complete = true;
    for (size_t k = 0; k < g->n; k++)
        g->complete &= complete(lc, &lc->def->entries[g->entries[k]]);
    for (size_t p = 0; r->n_groups && p < r->groups[0].n; p++) {
        const sc_entry_out *o = &r->groups[0].entries[p];
        size_t k = lc->pos_in_group[o->entry];
        g->order[LV_ALL][p] = k;
        if (published)
            g->order[LV_PUBLIC][p] = k;
        for (int v = 0; v < LV_VIEWS; v++) {
            if (v == LV_PUBLIC && !published)
                continue;
            if (!keep_row(g, (lv_view)v, k,
                          render_row(lc, &lc->def->entries[o->entry], o->entry, o, p, (lv_view)v,
                                     false))) {
                cf_results_free(r);
                return -1;
            }
        }
    }
    cf_results_free(r);
    return published ? 0 : render_fair(lc, g);
}

static const char *state_name(const lv_comp *lc, size_t event)
{
    return lc->published[event] ? "published" : lc->locked[event] ? "locked" : "open";
}

/* Whether the public sees g as it was frozen: until publication. */
static bool public_frozen(const lv_comp *lc, const lv_group *g)
{
    return g->frozen && !lc->published[g->event];
}

/* Appends group g as the view sees it; all rows, or the changed ones. freeze marks the text
 * taken for a freeze. */
static void group_text_as(const lv_comp *lc, const lv_group *g, lv_view view, bool all,
                          bool freeze, vec_text *b)
{
    const cf_event *ev = &lc->def->events[g->event];
    bool hidden = view == LV_PUBLIC && public_hidden(lc, g);
    if (view == LV_PUBLIC && !freeze && public_frozen(lc, g)) {
        vec_text_puts(b, g->frozen);
        return;
    }
    json_t *h = json_pack("{s:s,s:s,s:s,s:s,s:b,s:I,s:b}", "event", ev->id, "event_name",
                          ev->name, "group", g->group, "state", state_name(lc, g->event),
                          "complete", g->complete, "n", (json_int_t)g->n, "full", all);
    if (h && hidden)
        json_object_set_new(h, "hidden", json_true());
    if (h && freeze)
        json_object_set_new(h, "frozen", json_true());
    if (h && g->error && view == LV_ALL)
        json_object_set_new(h, "error", json_string(g->error));
    text_json(b, h, true);
    vec_text_puts(b, ",\"rows\":[");
    bool first = true;
    for (size_t p = 0; !hidden && p < g->n; p++) {
        size_t k = g->order[view][p];
        if (!g->rows[view][k] || (!all && !g->changed[view][k]))
            continue;
        if (!first)
            vec_text_puts(b, ",");
        vec_text_puts(b, g->rows[view][k]);
        first = false;
    }
    vec_text_puts(b, "]}");
}

static void group_text(const lv_comp *lc, const lv_group *g, lv_view view, bool all, vec_text *b)
{
    group_text_as(lc, g, view, all, false, b);
}

/* ---- the medal table ------------------------------------------------------------------------ */

/* The delegations' medal table (cf_medal_table) over the published groups only, as the message
 * part every screen gets:
 *   {"events":E,"published":P,"columns":[award…],"points":[…],
 *    "rows":[{"rank","delegation","counts":[…per column],"points"}…]}
 * NULL when no published entry has a delegation, and so before any publication: an unpublished
 * event's entries must not show through a delegation's count (the blind rule, docs/live.md),
 * so until a publication nothing of the table is sent at all. The text is the same for every view: the
 * table is an official result, not a working view. A change sets medals_pending. */
static int medals_build(lv_comp *lc)
{
    const cf_competition *c = lc->def;
    cf_group_result *view = NULL;
    cf_results r = {0};
    sc_medal_row *rows = NULL;
    sc_award cols[SC_AWARD_COUNT];
    size_t n = 0, ncols, published = 0;
    json_t *o = NULL, *jcols, *jpts, *jrows;
    char *text = NULL;
    int rc = -1;

    if (c->has_delegations) {
        if (!(view = calloc(lc->n_groups + 1, sizeof *view)))
            goto out;
        for (size_t g = 0; g < lc->n_groups; g++) {
            const lv_group *gr = &lc->groups[g];
            if (lc->published[gr->event] && gr->n_outs)
                view[r.n_groups++] = (cf_group_result){.event = gr->event, .group = gr->group,
                                                       .entries = gr->outs, .n = gr->n_outs};
        }
        r.groups = view;
    }
    if (r.n_groups && cf_medal_table(c, &r, &rows, &n))
        goto out;
    /* Published events whose entries carry no delegation make no table either. */
    if (n) {
        for (size_t e = 0; e < c->n_events; e++)
            published += lc->published[e];
        ncols = cf_medal_columns(c, cols);
        jcols = json_array();
        jpts = json_array();
        jrows = json_array();
        for (size_t k = 0; k < ncols; k++) {
            json_array_append_new(jcols, json_string(sc_award_name(cols[k])));
            json_array_append_new(jpts, json_integer(c->medal_points.points[cols[k]]));
        }
        for (size_t i = 0; i < n; i++) {
            json_t *counts = json_array();
            for (size_t k = 0; k < ncols; k++)
                json_array_append_new(counts, json_integer(rows[i].count[cols[k]]));
            json_array_append_new(jrows, json_pack("{s:I,s:s,s:o,s:I}", "rank",
                                                   (json_int_t)rows[i].rank, "delegation",
                                                   rows[i].delegation, "counts", counts,
                                                   "points", (json_int_t)rows[i].points));
        }
        o = json_pack("{s:I,s:I,s:o,s:o,s:o}", "events", (json_int_t)c->n_events, "published",
                      (json_int_t)published, "columns", jcols, "points", jpts, "rows", jrows);
        if (!o || !(text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
            goto out;
    }
    if ((text || lc->medals) && (!text || !lc->medals || strcmp(text, lc->medals) != 0)) {
        free(lc->medals);
        lc->medals = text;
        text = NULL;
        lc->medals_pending = true;
    }
    lc->medals_dirty = false;
    rc = 0;
out:
    free(text);
    free(rows);
    free(view);
    json_decref(o);
    return rc;
}

/* ---- building ------------------------------------------------------------------------------- */

typedef struct sort_ctx {
    const cf_competition *c;
    size_t i;
} sort_ctx;

static int by_entry_id(const void *pa, const void *pb)
{
    const sort_ctx *a = pa, *b = pb;
    return strcmp(a->c->entries[a->i].id, b->c->entries[b->i].id);
}

/* The entry with this id, by binary search in lc->by_id; -1 when absent. */
static long entry_lookup(const lv_comp *lc, const char *id)
{
    size_t lo = 0, hi = lc->def->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(lc->def->entries[lc->by_id[mid].i].id, id);
        if (d == 0)
            return (long)lc->by_id[mid].i;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

typedef struct load_ctx {
    lv_comp *lc;
    int failed;
} load_ctx;

static int load_mark(void *ctx, const st_mark *m)
{
    load_ctx *x = ctx;
    long e = entry_lookup(x->lc, m->entry), k;
    if (e < 0)
        return 0; /* an entry no longer in the file: not part of any ranking */
    k = cf_item_index(&x->lc->def->events[x->lc->def->entries[e].event], m->criterion);
    if (k < 0)
        return 0;
    if (slot_put(x->lc, x->lc->def->entries[e].first_slot + (size_t)k, m->judge, m->score)) {
        x->failed = 1;
        return 1;
    }
    return 0;
}

static void load_number(void *ctx, const char *entry, const char *number)
{
    load_ctx *x = ctx;
    long e = entry_lookup(x->lc, entry);
    if (e < 0)
        return;
    free(x->lc->numbers[e]);
    if (!(x->lc->numbers[e] = strdup(number)))
        x->failed = 1;
}

/* The event's freeze from the store onto its groups: {"group": "group text"}. */
static int load_freeze(lv_comp *lc, st_store *st, size_t event)
{
    char *text = NULL;
    json_t *o = NULL;
    if (st_freeze_get(st, lc->id, lc->def->events[event].id, &text))
        return -1;
    if (text && !(o = json_loads(text, 0, NULL))) {
        free(text);
        return -1;
    }
    free(text);
    for (size_t g = 0; g < lc->n_groups; g++) {
        lv_group *gr = &lc->groups[g];
        const char *t;
        if (gr->event != event)
            continue;
        free(gr->frozen);
        gr->frozen = NULL;
        if (o && (t = json_string_value(json_object_get(o, gr->group))) && !(gr->frozen = strdup(t))) {
            json_decref(o);
            return -1;
        }
    }
    json_decref(o);
    return 0;
}

static int load_event(lv_comp *lc, st_store *st, size_t event)
{
    st_event_state es;
    load_ctx nx = {lc, 0};
    const char *id = lc->def->events[event].id;

    if (st_event_get(st, lc->id, id, &es) || (lc->groups && load_freeze(lc, st, event)))
        return -1;
    lc->locked[event] = es.locked;
    lc->published[event] = es.published;
    lc->drawn[event] = es.drawn;
    for (size_t e = 0; e < lc->def->n_entries; e++)
        if (lc->def->entries[e].event == event) {
            free(lc->numbers[e]);
            lc->numbers[e] = NULL;
        }
    if (st_numbers(st, lc->id, id, load_number, &nx) || nx.failed)
        return -1;
    return 0;
}

static sort_ctx *ids_sorted(const cf_competition *c)
{
    sort_ctx *ids = malloc((c->n_entries + 1) * sizeof *ids);
    if (!ids)
        return NULL;
    for (size_t i = 0; i < c->n_entries; i++)
        ids[i] = (sort_ctx){c, i};
    qsort(ids, c->n_entries, sizeof *ids, by_entry_id);
    return ids;
}

static int make_groups(lv_comp *lc)
{
    const cf_competition *c = lc->def;
    size_t *idx = NULL, *starts = NULL, n = 0, n_groups = 0;
    int rc = -1;

    if (cf_group_entries(c, NULL, NULL, &idx, &n, &starts, &n_groups))
        return -1;
    lc->groups = calloc(n_groups + 1, sizeof *lc->groups);
    if (!lc->groups)
        goto out;
    for (size_t gi = 0; gi < n_groups; gi++) {
        size_t start = starts[gi], end = starts[gi + 1];
        const cf_entry *first = &c->entries[idx[start]];
        lv_group *g = &lc->groups[lc->n_groups++];
        g->event = first->event;
        g->group = first->group;
        g->n = end - start;
        g->entries = malloc(g->n * sizeof *g->entries);
        g->order[LV_ALL] = calloc(g->n, sizeof *g->order[LV_ALL]);
        g->order[LV_PUBLIC] = calloc(g->n, sizeof *g->order[LV_PUBLIC]);
        g->outs = calloc(g->n, sizeof *g->outs);
        for (int v = 0; v < LV_VIEWS; v++) {
            g->rows[v] = calloc(g->n, sizeof *g->rows[v]);
            g->changed[v] = calloc(g->n, sizeof *g->changed[v]);
            if (!g->rows[v] || !g->changed[v])
                goto out;
        }
        if (!g->entries || !g->order[LV_ALL] || !g->order[LV_PUBLIC] || !g->outs)
            goto out;
        for (size_t k = 0; k < g->n; k++) {
            size_t e = idx[start + k];
            g->entries[k] = e;
            g->order[LV_ALL][k] = g->order[LV_PUBLIC][k] = k;
            lc->group_of[e] = (size_t)(g - lc->groups);
            lc->pos_in_group[e] = k;
        }
        g->dirty = true;
    }
    rc = 0;
out:
    free(idx);
    free(starts);
    return rc;
}

lv_comp *lv_build(st_store *st, const char *id, const cf_competition *def, char *err,
                  size_t errlen)
{
    lv_comp *lc = calloc(1, sizeof *lc);
    size_t ne = def->n_entries + 1, nv = def->n_events + 1;

    if (!lc)
        goto oom;
    lc->id = id;
    lc->def = def;
    lc->slots = calloc(def->n_slots + 1, sizeof *lc->slots);
    lc->group_of = calloc(ne, sizeof *lc->group_of);
    lc->pos_in_group = calloc(ne, sizeof *lc->pos_in_group);
    lc->numbers = calloc(ne, sizeof *lc->numbers);
    lc->locked = calloc(nv, sizeof(bool));
    lc->published = calloc(nv, sizeof(bool));
    lc->drawn = calloc(nv, sizeof(bool));
    lc->by_id = ids_sorted(def);
    if (!lc->slots || !lc->group_of || !lc->pos_in_group || !lc->numbers || !lc->locked ||
        !lc->published || !lc->drawn || !lc->by_id || make_groups(lc))
        goto oom;
    load_ctx lx = {lc, 0};
    if (st_marks_current(st, id, load_mark, &lx) || lx.failed)
        goto store;
    for (size_t e = 0; e < def->n_events; e++)
        if (load_event(lc, st, e))
            goto store;
    for (size_t g = 0; g < lc->n_groups; g++) {
        if (recompute(lc, &lc->groups[g]))
            goto oom;
        for (int v = 0; v < LV_VIEWS; v++)
            memset(lc->groups[g].changed[v], 0, lc->groups[g].n * sizeof(bool));
    }
    if (medals_build(lc))
        goto oom;
    lc->medals_pending = false;
    return lc;
store:
    snprintf(err, errlen, "live results of %s: %s", id, st_errmsg(st));
    goto fail;
oom:
    snprintf(err, errlen, "live results of %s: out of memory", id);
fail:
    lv_free(lc);
    return NULL;
}

void lv_free(lv_comp *lc)
{
    if (!lc)
        return;
    free(lc->ceremony);
    free(lc->medals);
    for (size_t s = 0; lc->slots && s < lc->def->n_slots; s++)
        free(lc->slots[s].m);
    free(lc->slots);
    for (size_t j = 0; j < lc->n_judges; j++)
        free(lc->judges[j]);
    free(lc->judges);
    for (size_t g = 0; g < lc->n_groups; g++) {
        lv_group *gr = &lc->groups[g];
        for (int v = 0; v < LV_VIEWS; v++) {
            for (size_t k = 0; gr->rows[v] && k < gr->n; k++)
                free(gr->rows[v][k]);
            free(gr->rows[v]);
            free(gr->changed[v]);
        }
        free(gr->entries);
        free(gr->order[LV_ALL]);
        free(gr->order[LV_PUBLIC]);
        free(gr->error);
        free(gr->frozen);
        free(gr->outs);
    }
    free(lc->groups);
    for (size_t e = 0; lc->numbers && e < lc->def->n_entries; e++)
        free(lc->numbers[e]);
    free(lc->numbers);
    free(lc->group_of);
    free(lc->pos_in_group);
    free(lc->by_id);
    free(lc->locked);
    free(lc->published);
    free(lc->drawn);
    free(lc);
}

/* ---- changes -------------------------------------------------------------------------------- */

uint64_t lv_mark(lv_comp *lc, size_t entry, size_t criterion, const char *judge,
                 sc_centi score)
{
    lv_group *g = &lc->groups[lc->group_of[entry]];
    if (slot_put(lc, lc->def->entries[entry].first_slot + criterion, judge, score))
        return 0;
    g->dirty = g->pending = true;
    return ++lc->seq;
}

uint64_t lv_event_changed(lv_comp *lc, st_store *st, size_t event)
{
    if (load_event(lc, st, event))
        return 0;
    lc->medals_dirty = true; /* a publication adds the event to the table, an unlock takes it out */
    for (size_t g = 0; g < lc->n_groups; g++)
        if (lc->groups[g].event == event)
            lc->groups[g].dirty = lc->groups[g].pending = lc->groups[g].full = true;
    return ++lc->seq;
}

uint64_t lv_seq(const lv_comp *lc) { return lc->seq; }

bool lv_dirty(const lv_comp *lc) { return lc->seq != lc->sent_seq; }

bool lv_take_update(lv_comp *lc, char *msg[LV_VIEWS], size_t len[LV_VIEWS])
{
    if (!lv_dirty(lc))
        return false;
    for (size_t g = 0; g < lc->n_groups; g++)
        if (lc->groups[g].dirty && recompute(lc, &lc->groups[g]))
            lc->groups[g].full = true; /* out of memory mid-way: send what there is, whole */
    if (lc->medals_dirty)
        medals_build(lc); /* out of memory: still dirty, built again with the next change */
    for (int v = 0; v < LV_VIEWS; v++) {
        vec_text b = {0};
        json_t *h = json_pack("{s:s,s:s,s:I,s:I}", "type", "update", "competition", lc->id,
                              "from", (json_int_t)(lc->sent_seq + 1), "seq", (json_int_t)lc->seq);
        bool first = true;
        text_json(&b, h, true);
        vec_text_puts(&b, ",\"rankings\":[");
        for (size_t g = 0; g < lc->n_groups; g++) {
            /* A frozen group shows the public nothing new until the freeze changes. */
            if (!lc->groups[g].pending ||
                (v == LV_PUBLIC && public_frozen(lc, &lc->groups[g]) && !lc->groups[g].full))
                continue;
            if (!first)
                vec_text_puts(&b, ",");
            group_text(lc, &lc->groups[g], (lv_view)v, lc->groups[g].full, &b);
            first = false;
        }
        vec_text_puts(&b, "]");
        if (lc->ceremony_pending) {
            vec_text_puts(&b, ",\"ceremony\":");
            vec_text_puts(&b, lc->ceremony ? lc->ceremony : "{\"on\":false}");
        }
        if (lc->medals_pending) {
            vec_text_puts(&b, ",\"medal_table\":");
            vec_text_puts(&b, lc->medals ? lc->medals : "null");
        }
        vec_text_puts(&b, "}");
        msg[v] = text_take(&b, &len[v]);
    }
    lc->ceremony_pending = lc->medals_pending = false;
    for (size_t g = 0; g < lc->n_groups; g++) {
        lv_group *gr = &lc->groups[g];
        if (!gr->pending)
            continue;
        gr->pending = gr->full = false;
        for (int v = 0; v < LV_VIEWS; v++)
            memset(gr->changed[v], 0, gr->n * sizeof(bool));
    }
    lc->sent_seq = lc->seq;
    return true;
}

char *lv_snapshot(const lv_comp *lc, lv_view view, size_t *len)
{
    vec_text b = {0};
    json_t *h = json_pack("{s:s,s:s,s:I}", "type", "results", "competition", lc->id, "seq",
                          (json_int_t)lc->seq);
    text_json(&b, h, true);
    vec_text_puts(&b, ",\"results\":{\"format\":\"skillscore-live/1\",\"rankings\":[");
    for (size_t g = 0; g < lc->n_groups; g++) {
        if (g)
            vec_text_puts(&b, ",");
        group_text(lc, &lc->groups[g], view, true, &b);
    }
    vec_text_puts(&b, "]}");
    if (lc->ceremony) {
        vec_text_puts(&b, ",\"ceremony\":");
        vec_text_puts(&b, lc->ceremony);
    }
    if (lc->medals) {
        vec_text_puts(&b, ",\"medal_table\":");
        vec_text_puts(&b, lc->medals);
    }
    vec_text_puts(&b, "}");
    return text_take(&b, len);
}

json_t *lv_group_json(lv_comp *lc, size_t event, const char *group, lv_view view)
{
    for (size_t g = 0; g < lc->n_groups; g++) {
        lv_group *gr = &lc->groups[g];
        vec_text b = {0};
        char *t;
        json_t *o;
        if (gr->event != event || strcmp(gr->group, group) != 0)
            continue;
        if (gr->dirty && recompute(lc, gr))
            gr->full = true;
        group_text(lc, gr, view, true, &b);
        if (!(t = text_take(&b, NULL)))
            return NULL;
        o = json_loads(t, 0, NULL);
        free(t);
        return o;
    }
    return NULL;
}

uint64_t lv_set_ceremony(lv_comp *lc, char *text)
{
    bool same = (!text && !lc->ceremony) || (text && lc->ceremony && strcmp(text, lc->ceremony) == 0);
    free(lc->ceremony);
    lc->ceremony = text;
    if (same)
        return lc->seq;
    lc->ceremony_pending = true;
    return ++lc->seq;
}

char *lv_freeze_text(lv_comp *lc, size_t event, size_t *len)
{
    json_t *o = json_object();
    char *out;
    for (size_t g = 0; o && g < lc->n_groups; g++) {
        lv_group *gr = &lc->groups[g];
        vec_text b = {0};
        char *t;
        if (gr->event != event)
            continue;
        if (gr->dirty && recompute(lc, gr))
            gr->full = true;
        group_text_as(lc, gr, LV_PUBLIC, true, true, &b);
        if (!(t = text_take(&b, NULL)) || json_object_set_new(o, gr->group, json_string(t))) {
            free(t);
            json_decref(o);
            return NULL;
        }
        free(t);
    }
    out = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (out && len)
        *len = strlen(out);
    return out;
}

json_t *lv_medal_json(lv_comp *lc)
{
    /* A publication marks its groups dirty; the table must count them as they now are. */
    for (size_t g = 0; g < lc->n_groups; g++) {
        lv_group *gr = &lc->groups[g];
        if (gr->dirty && lc->published[gr->event] && recompute(lc, gr))
            gr->full = true;
    }
    if (lc->medals_dirty && medals_build(lc))
        return NULL;
    return lc->medals ? json_loads(lc->medals, 0, NULL) : NULL;
}
