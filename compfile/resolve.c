/*
 * resolve.c — tying marks and theory scores to entries and criteria, once every id is known.
 *
 * Marks arrive with interned ids in whatever order the file has them. Here each is checked
 * against its entry's event (criterion exists, score within the maximum), judges get compact
 * indices, and the marks are counting-sorted by (entry, criterion) into slots, in which the
 * one-judge-one-mark rule (rules.md §2) is checked.
 */
#include "reader.h"
#include "vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- resolving marks and theory -------------------------------------------------------------- */

static int resolve_theory(reader *r, const uint32_t *entry_of_sym)
{
    cf_competition *c = r->c;
    uint32_t *seen = calloc(c->n_entries + 1, sizeof *seen);
    int rc = -1;

    if (!seen)
        return rd_fail_oom(r);
    for (size_t i = 0; i < r->n_theory; i++) {
        raw_theory *t = &r->theory[i];
        uint32_t e = entry_of_sym[t->entry_sym];
        if (e == SI_NONE) {
            rd_fail(r, "theory[%u]: entry \"%s\" is not defined in entries", t->index,
                 si_str(&r->pool, t->entry_sym));
            goto out;
        }
        cf_entry *en = &c->entries[e];
        const cf_event *ev = &c->events[en->event];
        if (ev->rules.w_theory == 0) {
            rd_fail(r, "theory[%u]: event %s has no theory exam (theory weight 0), so entry %s "
                    "takes no theory score", t->index, ev->id, en->id);
            goto out;
        }
        if (seen[e]) {
            rd_fail(r, "theory[%u]: a second theory score for entry %s (the first is theory[%u])",
                 t->index, en->id, seen[e] - 1);
            goto out;
        }
        seen[e] = t->index + 1;
        en->has_theory = true;
        en->theory = t->score;
    }
    rc = 0;
out:
    free(seen);
    return rc;
}

/* Slots, one per (entry, item), numbered entry by entry: an item is what judges mark, a
 * criterion or, under a marking scheme, an aspect. */
static void number_slots(cf_competition *c)
{
    c->n_slots = 0;
    for (size_t i = 0; i < c->n_entries; i++) {
        c->entries[i].first_slot = c->n_slots;
        c->n_slots += c->events[c->entries[i].event].n_items;
    }
}

/* Item ids as symbols, event by event (event e's start at base[e]), so that a mark's item is
 * found by comparing integers; an id no mark uses is not in the pool (SI_NONE) and matches
 * none. */
typedef struct crit_syms {
    uint32_t *sym;
    size_t *base;
} crit_syms;

static int criterion_symbols(reader *r, crit_syms *cs)
{
    const cf_competition *c = r->c;
    size_t n = 0;
    for (size_t e = 0; e < c->n_events; e++)
        n += c->events[e].n_items;
    cs->sym = malloc((n + 1) * sizeof *cs->sym);
    cs->base = malloc((c->n_events + 1) * sizeof *cs->base);
    if (!cs->sym || !cs->base)
        return rd_fail_oom(r);
    for (size_t e = 0, at = 0; e < c->n_events; e++) {
        cs->base[e] = at;
        for (size_t k = 0; k < c->events[e].n_items; k++, at++) {
            const char *id = cf_item_id(&c->events[e], k);
            cs->sym[at] = si_find(&r->pool, id, strlen(id));
        }
    }
    return 0;
}

/* State of resolving the marks: symbols to indices, and the slot counts. */
typedef struct resolving {
    const uint32_t *entry_of_sym;
    crit_syms cs;
    uint32_t *judge_of_sym;     /* SI_NONE until the judge is first seen */
    size_t judges_cap;
    size_t *count;              /* per slot + 1: marks, then where the slot starts */
} resolving;

/* The judge of a mark as an index into c->judges, added when first seen. */
static long judge_index(reader *r, resolving *rv, const cf_mark *m, size_t i)
{
    cf_competition *c = r->c;
    const char *jid = si_str(&r->pool, m->judge), *why;
    if (rv->judge_of_sym[m->judge] != SI_NONE)
        return rv->judge_of_sym[m->judge];
    if ((why = cf_id_check(jid)))
        return rd_fail(r, "marks[%zu]: judge id %s", i, why);
    if (VEC_RESERVE(c->judges, rv->judges_cap, c->n_judges + 1, 16) ||
        !(c->judges[c->n_judges] = rd_strdup(jid)))
        return rd_fail_oom(r);
    rv->judge_of_sym[m->judge] = (uint32_t)c->n_judges;
    return (long)c->n_judges++;
}

/* Checks mark i against the competition and rewrites its symbols as indices. */
static int resolve_one(reader *r, resolving *rv, size_t i)
{
    cf_competition *c = r->c;
    cf_mark *m = &r->marks[i];
    uint32_t e = rv->entry_of_sym[m->entry];
    size_t ev_index;
    const cf_event *ev;
    long k = -1, j;
    char why[200];

    if (e == SI_NONE)
        return rd_fail(r, "marks[%zu]: entry \"%s\" is not defined in entries", i,
                       si_str(&r->pool, m->entry));
    ev_index = c->entries[e].event;
    ev = &c->events[ev_index];
    for (size_t x = 0; x < ev->n_items && k < 0; x++)
        if (rv->cs.sym[rv->cs.base[ev_index] + x] == m->criterion)
            k = (long)x;
    if (k < 0)
        return rd_fail(r, "marks[%zu]: criterion \"%s\" is not %s of event %s (entry %s)", i,
                       si_str(&r->pool, m->criterion),
                       ev->n_aspects ? "an aspect of the marking scheme" : "a criterion", ev->id,
                       c->entries[e].id);
    if (cf_item_check(ev, (size_t)k, m->score, why, sizeof why))
        return rd_fail(r, "marks[%zu]: %s", i, why);
    switch (cf_judge_may_mark(c, si_str(&r->pool, m->judge), ev_index)) {
    case CF_JUDGE_NOT_LISTED:
        return rd_fail(r, "marks[%zu]: judge \"%s\" is not on the judges list", i,
                       si_str(&r->pool, m->judge));
    case CF_JUDGE_NOT_OF_EVENT:
        return rd_fail(r, "marks[%zu]: judge %s is not a judge of event %s (entry %s)", i,
                       si_str(&r->pool, m->judge), ev->id, c->entries[e].id);
    }
    if (cf_judge_recused(c, si_str(&r->pool, m->judge), e))
        return rd_fail(r, "marks[%zu]: judge %s shares a unit with entry %s and must not mark it "
                       "(回避; event %s refuses such marks, \"conflict\": \"flag\" accepts them)",
                       i, si_str(&r->pool, m->judge), c->entries[e].id, ev->id);
    if ((j = judge_index(r, rv, m, i)) < 0)
        return -1;
    m->entry = e;
    m->criterion = (uint32_t)k;
    m->judge = (uint32_t)j;
    rv->count[c->entries[e].first_slot + (size_t)k + 1]++;
    return 0;
}

/* Counting sort of the marks into their slots; c->slot_start (the counts) becomes the starts. */
static int sort_into_slots(reader *r, size_t *count)
{
    cf_competition *c = r->c;
    cf_mark *sorted = malloc((r->n_marks + 1) * sizeof *sorted);
    if (!sorted)
        return rd_fail_oom(r);
    for (size_t sl = 1; sl <= c->n_slots; sl++)
        count[sl] += count[sl - 1];
    /* count[s] is now where slot s starts; fill, moving each start forward, then shift back. */
    for (size_t i = 0; i < r->n_marks; i++) {
        size_t sl = c->entries[r->marks[i].entry].first_slot + r->marks[i].criterion;
        sorted[count[sl]++] = r->marks[i];
    }
    memmove(count + 1, count, c->n_slots * sizeof *count);
    count[0] = 0;
    free(r->marks);
    r->marks = NULL;
    c->marks = sorted;
    c->n_marks = r->n_marks;
    return 0;
}

/* One judge, one mark per criterion per entry (rules.md §2); slots hold a few marks. */
static int one_mark_per_judge(reader *r)
{
    const cf_competition *c = r->c;
    const cf_mark *m = c->marks;
    for (size_t sl = 0; sl < c->n_slots; sl++)
        for (size_t i = c->slot_start[sl]; i < c->slot_start[sl + 1]; i++)
            for (size_t j = c->slot_start[sl]; j < i; j++)
                if (m[i].judge == m[j].judge) {
                    const cf_entry *en = &c->entries[m[i].entry];
                    return rd_fail(r, "marks[%u]: judge %s already marked entry %s criterion %s "
                                   "in marks[%u]; a second mark needs a correction", m[i].index,
                                   c->judges[m[i].judge], en->id,
                                   cf_item_id(&c->events[en->event], m[i].criterion), m[j].index);
                }
    return 0;
}

static int resolve_marks(reader *r, const uint32_t *entry_of_sym)
{
    cf_competition *c = r->c;
    resolving rv = {.entry_of_sym = entry_of_sym};
    int rc = -1;

    number_slots(c);
    if (criterion_symbols(r, &rv.cs))
        goto out;
    rv.judge_of_sym = malloc((r->pool.count + 1) * sizeof *rv.judge_of_sym);
    rv.count = c->slot_start = calloc(c->n_slots + 2, sizeof *c->slot_start);
    if (!rv.judge_of_sym || !rv.count) {
        rd_fail_oom(r);
        goto out;
    }
    memset(rv.judge_of_sym, 0xff, (r->pool.count + 1) * sizeof *rv.judge_of_sym);
    for (size_t i = 0; i < r->n_marks; i++)
        if (resolve_one(r, &rv, i))
            goto out;
    if (sort_into_slots(r, rv.count) || one_mark_per_judge(r))
        goto out;
    rc = 0;
out:
    free(rv.judge_of_sym);
    free(rv.cs.sym);
    free(rv.cs.base);
    return rc;
}

int rd_resolve(reader *r)
{
    uint32_t *entry_of_sym = malloc((r->pool.count + 1) * sizeof *entry_of_sym);
    int rc;
    if (!entry_of_sym)
        return rd_fail_oom(r);
    memset(entry_of_sym, 0xff, (r->pool.count + 1) * sizeof *entry_of_sym);
    for (size_t i = 0; i < r->c->n_entries; i++)
        entry_of_sym[r->entry_sym[i]] = (uint32_t)i;
    rc = resolve_theory(r, entry_of_sym);
    if (rc == 0)
        rc = resolve_marks(r, entry_of_sym);
    free(entry_of_sym);
    return rc;
}
