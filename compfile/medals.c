/*
 * medals.c — the delegations' medal table of a computed competition: which delegations there
 * are, which awards their entries hold, and the engine's sc_medal_table over them.
 *
 * A delegation is listed when one of its entries is in the results' groups, awards or not, so
 * a 代表队 that won nothing still appears (with 0 points, last). The columns follow the events'
 * schemes: a medals-only competition shows no 一等奖 column.
 */
#include "compfile.h"

#include <stdlib.h>
#include <string.h>

const char *cf_title_of(const cf_competition *c, const sc_entry_out *o)
{
    const cf_event *ev = &c->events[c->entries[o->entry].event];
    return o->title && o->title <= ev->n_titles ? ev->titles[o->title - 1].title : NULL;
}

size_t cf_medal_columns(const cf_competition *c, sc_award cols[SC_AWARD_COUNT])
{
    bool medals = false, prizes = false;
    size_t n = 0;
    for (size_t e = 0; e < c->n_events; e++) {
        medals |= c->events[e].rules.scheme == SC_SCHEME_MEDALS;
        prizes |= c->events[e].rules.scheme == SC_SCHEME_PRIZES;
    }
    if (medals) {
        cols[n++] = SC_AWARD_GOLD;
        cols[n++] = SC_AWARD_SILVER;
        cols[n++] = SC_AWARD_BRONZE;
    }
    if (prizes) {
        cols[n++] = SC_AWARD_FIRST;
        cols[n++] = SC_AWARD_SECOND;
        cols[n++] = SC_AWARD_THIRD;
    }
    cols[n++] = SC_AWARD_HONOURABLE;
    return n;
}

int cf_medal_table(const cf_competition *c, const cf_results *r, sc_medal_row **rows, size_t *n)
{
    size_t total = 0, n_items = 0, nrows = 0;
    sc_medal_item *items = NULL;
    sc_medal_row *out = NULL;
    int rc = -1;

    *rows = NULL;
    *n = 0;
    for (size_t g = 0; g < r->n_groups; g++)
        total += r->groups[g].n;
    items = malloc((total + 1) * sizeof *items);
    out = calloc(total + 1, sizeof *out);
    if (!items || !out)
        goto out;
    /* Delegations are few: a linear search per entry keeps this simple. */
    for (size_t g = 0; g < r->n_groups; g++)
        for (size_t i = 0; i < r->groups[g].n; i++) {
            const sc_entry_out *o = &r->groups[g].entries[i];
            const char *name = c->entries[o->entry].delegation;
            size_t d = 0;
            if (!name)
                continue;
            while (d < nrows && strcmp(out[d].delegation, name) != 0)
                d++;
            if (d == nrows)
                out[nrows++].delegation = name;
            items[n_items++] = (sc_medal_item){.delegation = d, .award = o->award,
                                               .has_scale = o->has_scale, .scale = o->scale};
        }
    if (sc_medal_table(&c->medal_points, items, n_items, out, nrows) != SC_OK)
        goto out;
    *rows = out;
    *n = nrows;
    out = NULL;
    rc = 0;
out:
    free(items);
    free(out);
    return rc;
}
