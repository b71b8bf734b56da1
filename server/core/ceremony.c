/* ceremony.c — see ceremony.h. */
#include "server/core/ceremony.h"

#include <stdlib.h>
#include <string.h>

typedef struct cer_row {
    json_int_t rank;
    const json_t *row;
} cer_row;

static int by_rank(const void *pa, const void *pb)
{
    const cer_row *a = pa, *b = pb;
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static const char *award_of(const json_t *row)
{
    return json_string_value(json_object_get(row, "award"));
}

json_t *cer_build(const json_t *group, long step, long *steps)
{
    const json_t *rows = json_object_get(group, "rows");
    const char *state = json_string_value(json_object_get(group, "state"));
    size_t n = 0, i, tier_first[64], n_tiers = 0;
    cer_row *awarded = NULL;
    json_t *out = NULL, *tiers, *tier = json_null();

    *steps = 0;
    if (!state || strcmp(state, "published") != 0 || !json_is_array(rows))
        return NULL;
    if (!(awarded = calloc(json_array_size(rows) + 1, sizeof *awarded)))
        return NULL;
    for (i = 0; i < json_array_size(rows); i++) {
        const json_t *r = json_array_get(rows, i);
        if (award_of(r) && json_is_integer(json_object_get(r, "rank")))
            awarded[n++] = (cer_row){json_integer_value(json_object_get(r, "rank")), r};
    }
    qsort(awarded, n, sizeof *awarded, by_rank);
    /* Ranked best first, an award's entries are consecutive: a tier starts where it changes. */
    for (i = 0; i < n && n_tiers < sizeof tier_first / sizeof *tier_first; i++)
        if (i == 0 || strcmp(award_of(awarded[i].row), award_of(awarded[i - 1].row)) != 0)
            tier_first[n_tiers++] = i;
    *steps = (long)n_tiers;
    if (step < 0)
        step = 0;
    if (step > (long)n_tiers)
        step = (long)n_tiers;

    tiers = json_array();
    for (size_t t = n_tiers; t-- > 0;) {
        size_t end = t + 1 < n_tiers ? tier_first[t + 1] : n;
        json_array_append_new(tiers, json_pack("{s:s,s:I}", "award",
                                               award_of(awarded[tier_first[t]].row), "count",
                                               (json_int_t)(end - tier_first[t])));
    }
    if (step > 0) {
        size_t t = n_tiers - (size_t)step, end = t + 1 < n_tiers ? tier_first[t + 1] : n;
        json_t *list = json_array();
        for (i = tier_first[t]; i < end; i++) {
            const json_t *r = awarded[i].row;
            json_t *o = json_pack("{s:I}", "rank", awarded[i].rank);
            for (const char *const *k = (const char *const[]){"name", "unit", "total", NULL}; *k;
                 k++)
                json_object_set(o, *k, json_object_get(r, *k) ? json_object_get(r, *k)
                                                              : json_null());
            /* Only where the file has them: older ceremonies stay the same bytes. */
            for (const char *const *k = (const char *const[]){"title", "delegation", NULL}; *k;
                 k++)
                if (json_object_get(r, *k))
                    json_object_set(o, *k, json_object_get(r, *k));
            json_array_append_new(list, o);
        }
        tier = json_pack("{s:s,s:o}", "award", award_of(awarded[tier_first[t]].row),
                         "rows", list);
    }
    out = json_pack("{s:b,s:O,s:O,s:O,s:I,s:I,s:o,s:o}", "on", 1, "event",
                    json_object_get(group, "event"), "event_name",
                    json_object_get(group, "event_name"), "group", json_object_get(group, "group"),
                    "step", (json_int_t)step, "steps", (json_int_t)n_tiers, "tiers", tiers, "tier",
                    tier);
    free(awarded);
    return out;
}

json_t *cer_build_medals(const json_t *table, long step, long *steps)
{
    const json_t *rows = json_object_get(table, "rows");
    size_t n = json_array_size(rows), per = CER_MEDAL_ROWS;
    long n_pages = n ? (long)((n + per - 1) / per) : 1;
    json_t *pages = json_array(), *shown = json_null();

    *steps = n_pages;
    step = step < 0 ? 0 : step > n_pages ? n_pages : step;
    /* Step k shows page n_pages - k: the bottom of the table first, its top last. */
    for (long k = 1; k <= n_pages; k++) {
        size_t first = (size_t)(n_pages - k) * per, end = first + per < n ? first + per : n;
        json_array_append_new(
            pages, json_pack("{s:O?,s:O?,s:I}", "first",
                             json_object_get(json_array_get(rows, first), "rank"), "last",
                             json_object_get(json_array_get(rows, end ? end - 1 : 0), "rank"),
                             "count", (json_int_t)(end - first)));
        if (k != step)
            continue;
        /* The title card carries no row, a page only its own: nothing is revealed early. */
        json_t *page = json_array();
        for (size_t i = first; i < end; i++)
            json_array_append(page, json_array_get(rows, i));
        shown = json_pack("{s:O,s:O,s:o}", "columns", json_object_get(table, "columns"), "points",
                          json_object_get(table, "points"), "rows", page);
    }
    return json_pack("{s:b,s:b,s:I,s:I,s:O,s:O,s:o,s:o}", "on", 1, "medal_table", 1, "step",
                     (json_int_t)step, "steps", (json_int_t)n_pages, "events",
                     json_object_get(table, "events"), "published",
                     json_object_get(table, "published"), "pages", pages, "table", shown);
}
