/*
 * resolve.c — tying marks and theory scores to entries and criteria, once every id is known.
 *
 * Marks arrive with interned ids in whatever order the file has them. Here each is checked
 * against its entry's event (criterion exists, score within the maximum), judges get compact
 * indices, and the marks are counting-sorted by (entry, criterion) into slots, in which the
 * one-judge-one-mark rule (rules.md §2) is checked.
 */
#include "reader.h"

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

/* Resolves the marks' symbols in place, then counting-sorts them by (entry, criterion). */
static int resolve_marks(reader *r, const uint32_t *entry_of_sym)
{
    cf_competition *c = r->c;
    uint32_t *judge_of_sym = NULL, *crit_sym = NULL;
    size_t *count = NULL, *crit_base = NULL, n_crit_syms = 0;
    cf_mark *sorted = NULL;
    int rc = -1;

    c->n_slots = 0;
    for (size_t i = 0; i < c->n_entries; i++) {
        c->entries[i].first_slot = c->n_slots;
        c->n_slots += c->events[c->entries[i].event].n_criteria;
    }
    /* Criterion ids as symbols, event by event, so that a mark's criterion is found by
     * comparing integers; an id no mark uses is not in the pool (SI_NONE) and matches none. */
    for (size_t e = 0; e < c->n_events; e++)
        n_crit_syms += c->events[e].n_criteria;
    crit_sym = malloc((n_crit_syms + 1) * sizeof *crit_sym);
    crit_base = malloc((c->n_events + 1) * sizeof *crit_base);
    if (!crit_sym || !crit_base) {
        rd_fail_oom(r);
        goto out;
    }
    for (size_t e = 0, at = 0; e < c->n_events; e++) {
        crit_base[e] = at;
        for (size_t k = 0; k < c->events[e].n_criteria; k++, at++) {
            const char *id = c->events[e].criteria[k].id;
            crit_sym[at] = si_find(&r->pool, id, strlen(id));
        }
    }
    judge_of_sym = malloc((r->pool.count + 1) * sizeof *judge_of_sym);
    c->slot_start = calloc(c->n_slots + 2, sizeof *c->slot_start);
    count = c->slot_start;
    if (!judge_of_sym || !count) {
        rd_fail_oom(r);
        goto out;
    }
    memset(judge_of_sym, 0xff, (r->pool.count + 1) * sizeof *judge_of_sym);

    for (size_t i = 0; i < r->n_marks; i++) {
        cf_mark *m = &r->marks[i];
        uint32_t e = entry_of_sym[m->entry];
        if (e == SI_NONE) {
            rd_fail(r, "marks[%zu]: entry \"%s\" is not defined in entries", i,
                 si_str(&r->pool, m->entry));
            goto out;
        }
        size_t ev_index = c->entries[e].event;
        const cf_event *ev = &c->events[ev_index];
        const uint32_t *syms = crit_sym + crit_base[ev_index];
        long k = -1;
        for (size_t j = 0; j < ev->n_criteria; j++) {
            if (syms[j] == m->criterion) {
                k = (long)j;
                break;
            }
        }
        if (k < 0) {
            rd_fail(r, "marks[%zu]: criterion \"%s\" is not a criterion of event %s (entry %s)", i,
                 si_str(&r->pool, m->criterion), ev->id, c->entries[e].id);
            goto out;
        }
        if (m->score > ev->criteria[k].max) {
            char s[24], mx[24];
            rd_fail(r, "marks[%zu]: score %s is above criterion %s's maximum %s", i,
                 sc_centi_format_short(m->score, s), ev->criteria[k].id,
                 sc_centi_format_short(ev->criteria[k].max, mx));
            goto out;
        }
        if (c->has_roster) {
            const char *jid = si_str(&r->pool, m->judge);
            long ri = cf_roster_index(c, jid);
            if (ri < 0) {
                rd_fail(r, "marks[%zu]: judge \"%s\" is not on the judges list", i, jid);
                goto out;
            }
            if (!cf_roster_judges_event(&c->roster[ri], ev_index)) {
                rd_fail(r, "marks[%zu]: judge %s is not a judge of event %s (entry %s)", i, jid,
                        ev->id, c->entries[e].id);
                goto out;
            }
        }
        if (judge_of_sym[m->judge] == SI_NONE) {
            const char *why = cf_id_check(si_str(&r->pool, m->judge));
            if (why) {
                rd_fail(r, "marks[%zu]: judge id %s", i, why);
                goto out;
            }
            char **judges = realloc(c->judges, (c->n_judges + 1) * sizeof *judges);
            if (!judges) {
                rd_fail_oom(r);
                goto out;
            }
            c->judges = judges;
            c->judges[c->n_judges] = rd_strdup(si_str(&r->pool, m->judge));
            if (!c->judges[c->n_judges]) {
                rd_fail_oom(r);
                goto out;
            }
            judge_of_sym[m->judge] = (uint32_t)c->n_judges++;
        }
        m->entry = e;
        m->criterion = (uint32_t)k;
        m->judge = judge_of_sym[m->judge];
        count[c->entries[e].first_slot + (size_t)k + 1]++;
    }
    for (size_t s = 1; s <= c->n_slots; s++)
        count[s] += count[s - 1];
    /* count[s] is now where slot s starts; fill, moving each start forward, then shift back. */
    sorted = malloc((r->n_marks + 1) * sizeof *sorted);
    if (!sorted) {
        rd_fail_oom(r);
        goto out;
    }
    for (size_t i = 0; i < r->n_marks; i++) {
        size_t s = c->entries[r->marks[i].entry].first_slot + r->marks[i].criterion;
        sorted[count[s]++] = r->marks[i];
    }
    memmove(count + 1, count, c->n_slots * sizeof *count);
    count[0] = 0;
    free(r->marks);
    r->marks = NULL;
    c->marks = sorted;
    c->n_marks = r->n_marks;

    /* One judge, one mark per criterion per entry (rules.md §2); slots hold a few marks. */
    for (size_t s = 0; s < c->n_slots; s++) {
        for (size_t i = c->slot_start[s]; i < c->slot_start[s + 1]; i++) {
            for (size_t j = c->slot_start[s]; j < i; j++) {
                if (sorted[i].judge == sorted[j].judge) {
                    const cf_entry *en = &c->entries[sorted[i].entry];
                    rd_fail(r, "marks[%u]: judge %s already marked entry %s criterion %s in "
                            "marks[%u]; a second mark needs a correction", sorted[i].index,
                         c->judges[sorted[i].judge], en->id,
                         c->events[en->event].criteria[sorted[i].criterion].id,
                         sorted[j].index);
                    goto out;
                }
            }
        }
    }
    rc = 0;
out:
    free(judge_of_sym);
    free(crit_sym);
    free(crit_base);
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
