/*
 * local_rules.c — the rules that prefecture, city, trade-union and industry competitions publish
 * beyond the Yunnan defaults (issue 17), as optional fields of skillscore/1:
 *
 *   events[].pass        {"theory": 60, "practical": 60, "withholds": ["award", "promotion", ...]}
 *                        双合格 (泰兴 2021, 重庆 2010, 南宁 2023, 镇江 2009)
 *   events[].promotion   {"bands": [{"group": "高级组", "from": 1, "to": 5, "level": "技师"},
 *                                   {"from": 4, "to": "half", "level": "高级工"},
 *                                   {"from": 1, "to": 3, "level": "技师", "requires": "高级工",
 *                                    "otherwise": "高级工"}]}
 *                        bands instead of the class's table (2012 national notice, 吕梁, 石家庄 2010)
 *   events[].titles      [{"from": 1, "to": 1, "title": "技术状元"}, ...] (昆明 2023)
 *   competition.medal_points  {"金牌": 4, "银牌": 3, ...} for the delegations' medal table
 *
 * A file without them reads and scores exactly as before. Every fault names the record and field,
 * and overlapping places are refused rather than resolved silently by order: an organizer who
 * writes two bands for place 5 has made a mistake the published notice does not contain.
 */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const withhold_keys[] = {"award", "promotion", "certificate", "title"};
#define N_WITHHOLD 4

const char *cf_withhold_key(unsigned bit)
{
    for (unsigned i = 0; i < N_WITHHOLD; i++)
        if (bit == 1u << i)
            return withhold_keys[i];
    return NULL;
}

static const char levels_text[] = "one of 初级工, 中级工, 高级工, 技师, 高级技师";

/* ---- pass marks ------------------------------------------------------------------------------ */

static int read_threshold(reader *r, json_t *o, const char *key, const char *p, sc_centi *out)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (rd_number_centi(r, v, p, key, out))
        return -1;
    if (*out > 10000)
        return rd_fail(r, "%s: %s %s is above 100", p, key,
                       sc_centi_format_short(*out, (char[24]){0}));
    return 0;
}

static int read_pass(reader *r, cf_event *ev, json_t *o, const char *path)
{
    static const char *const known[] = {"theory", "practical", "withholds", NULL};
    sc_pass_rules *pass = &ev->rules.pass;
    char p[96];
    json_t *w;

    if (!o || json_is_null(o))
        return 0;
    snprintf(p, sizeof p, "%s.pass", path);
    if (rd_want_object(r, o, p))
        return -1;
    rd_check_keys(r, o, "events[].pass", known);
    if (!json_object_get(o, "theory") && !json_object_get(o, "practical"))
        return rd_fail(r, "%s: needs \"theory\" or \"practical\" (the lowest passing score)", p);
    if (read_threshold(r, o, "theory", p, &pass->theory) ||
        read_threshold(r, o, "practical", p, &pass->practical))
        return -1;
    if (pass->theory > 0 && ev->rules.w_theory == 0)
        return rd_fail(r, "%s: theory %s is set, but event %s has no theory exam (theory weight 0)",
                       p, sc_centi_format_short(pass->theory, (char[24]){0}), ev->id);
    pass->withholds = SC_WITHHOLD_AWARD | SC_WITHHOLD_PROMOTION | SC_WITHHOLD_CERTIFICATE |
                      SC_WITHHOLD_TITLE;
    w = json_object_get(o, "withholds");
    if (w && !json_is_null(w)) {
        if (!json_is_array(w) || json_array_size(w) == 0)
            return rd_fail(r, "%s: withholds must be a non-empty array of \"award\", \"promotion\", "
                           "\"certificate\", \"title\"", p);
        pass->withholds = 0;
        for (size_t i = 0; i < json_array_size(w); i++) {
            const char *k = json_string_value(json_array_get(w, i));
            unsigned bit = 0;
            for (unsigned b = 0; k && b < N_WITHHOLD; b++)
                if (strcmp(k, withhold_keys[b]) == 0)
                    bit = 1u << b;
            if (!bit)
                return rd_fail(r, "%s: withholds[%zu] must be \"award\", \"promotion\", "
                               "\"certificate\" or \"title\"", p, i);
            if (pass->withholds & bit)
                return rd_fail(r, "%s: withholds lists \"%s\" twice", p, k);
            pass->withholds |= bit;
        }
    }
    pass->active = true;
    ev->has_pass = true;
    return 0;
}

/* ---- places: bands and titles ------------------------------------------------------------------ */

/* "from" (required, >= 1) and "to" (>= from, or "half" for floor(N/2); default from). */
static int read_places(reader *r, json_t *o, const char *p, sc_places *out)
{
    json_t *to = json_object_get(o, "to");
    int64_t from;

    if (!json_object_get(o, "from"))
        return rd_fail(r, "%s: missing field \"from\" (the first place of the band)", p);
    if (rd_get_int(r, o, "from", p, 1, INT32_MAX, 1, &from))
        return -1;
    out->from = from;
    out->to = from;
    if (!to || json_is_null(to))
        return 0;
    if (json_is_string(to) && strcmp(json_string_value(to), "half") == 0) {
        out->to = SC_PLACES_HALF;
        return 0;
    }
    if (!json_is_integer(to))
        return rd_fail(r, "%s: field \"to\" must be a place (a whole number) or \"half\" (floor of "
                       "N / 2)", p);
    out->to = json_integer_value(to);
    if (out->to < out->from || out->to > INT32_MAX)
        return rd_fail(r, "%s: to %lld is before from %lld", p, (long long)out->to,
                       (long long)out->from);
    return 0;
}

static bool same_group(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether two bands can hold the same place; "half" counts as open-ended. */
static bool overlap(sc_places a, sc_places b)
{
    int64_t at = a.to == SC_PLACES_HALF ? INT64_MAX : a.to;
    int64_t bt = b.to == SC_PLACES_HALF ? INT64_MAX : b.to;
    return a.from <= bt && b.from <= at;
}

static int read_group(reader *r, json_t *o, const char *p, char **group)
{
    if (rd_get_string(r, o, "group", p, false, group))
        return -1;
    if (*group && !**group)
        return rd_fail(r, "%s: group must not be empty (leave it out for every group)", p);
    return 0;
}

static int read_level(reader *r, json_t *o, const char *key, const char *p, sc_level *out)
{
    json_t *v = json_object_get(o, key);
    *out = SC_LEVEL_NONE;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || sc_level_parse(json_string_value(v), out) != SC_OK)
        return rd_fail(r, "%s: %s %s%s%s must be %s", p, key, json_is_string(v) ? "\"" : "",
                       json_is_string(v) ? json_string_value(v) : "(not a string)",
                       json_is_string(v) ? "\"" : "", levels_text);
    return 0;
}

static int read_band(reader *r, cf_band *b, json_t *o, const char *p)
{
    static const char *const known[] = {"group", "from", "to", "level", "requires", "otherwise",
                                        NULL};
    if (rd_want_object(r, o, p))
        return -1;
    rd_check_keys(r, o, "events[].promotion.bands[]", known);
    if (read_group(r, o, p, &b->group) || read_places(r, o, p, &b->band.places))
        return -1;
    if (!json_object_get(o, "level") || json_is_null(json_object_get(o, "level")))
        return rd_fail(r, "%s: missing field \"level\" (%s)", p, levels_text);
    if (read_level(r, o, "level", p, &b->band.level) ||
        read_level(r, o, "requires", p, &b->band.requires) ||
        read_level(r, o, "otherwise", p, &b->band.otherwise))
        return -1;
    if (b->band.otherwise != SC_LEVEL_NONE && b->band.requires == SC_LEVEL_NONE)
        return rd_fail(r, "%s: otherwise is only meaningful with requires (the level a person "
                       "must already hold for %s)", p, sc_level_name(b->band.level));
    if (b->band.otherwise != SC_LEVEL_NONE && b->band.otherwise >= b->band.level)
        return rd_fail(r, "%s: otherwise %s must be below level %s", p,
                       sc_level_name(b->band.otherwise), sc_level_name(b->band.level));
    return 0;
}

static int read_promotion(reader *r, cf_event *ev, json_t *o, const char *path)
{
    static const char *const known[] = {"bands", NULL};
    char p[96], q[128];
    json_t *bands;
    size_t n;

    if (!o || json_is_null(o))
        return 0;
    snprintf(p, sizeof p, "%s.promotion", path);
    if (rd_want_object(r, o, p))
        return -1;
    rd_check_keys(r, o, "events[].promotion", known);
    bands = json_object_get(o, "bands");
    n = json_array_size(bands);
    if (!json_is_array(bands) || n == 0)
        return rd_fail(r, "%s: bands must be a non-empty array of {\"from\", \"to\", \"level\"}", p);
    if (!(ev->bands = calloc(n, sizeof *ev->bands)))
        return rd_fail_oom(r);
    for (size_t i = 0; i < n; i++) {
        cf_band *b = &ev->bands[i];
        ev->n_bands = i + 1;
        snprintf(q, sizeof q, "%s.bands[%zu]", p, i);
        if (read_band(r, b, json_array_get(bands, i), q))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (same_group(ev->bands[j].group, b->group) &&
                overlap(ev->bands[j].band.places, b->band.places))
                return rd_fail(r, "%s: places overlap those of bands[%zu]", q, j);
    }
    return 0;
}

static int read_titles(reader *r, cf_event *ev, json_t *arr, const char *path)
{
    static const char *const known[] = {"group", "from", "to", "title", NULL};
    char p[128];
    size_t n = json_array_size(arr);

    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr) || n == 0)
        return rd_fail(r, "%s: titles must be a non-empty array of {\"from\", \"to\", \"title\"}",
                       path);
    if (!(ev->titles = calloc(n, sizeof *ev->titles)))
        return rd_fail_oom(r);
    for (size_t i = 0; i < n; i++) {
        cf_title *t = &ev->titles[i];
        json_t *o = json_array_get(arr, i);
        ev->n_titles = i + 1;
        snprintf(p, sizeof p, "%s.titles[%zu]", path, i);
        if (rd_want_object(r, o, p))
            return -1;
        rd_check_keys(r, o, "events[].titles[]", known);
        if (read_group(r, o, p, &t->group) || read_places(r, o, p, &t->places) ||
            rd_get_string(r, o, "title", p, true, &t->title))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (same_group(ev->titles[j].group, t->group) &&
                overlap(ev->titles[j].places, t->places))
                return rd_fail(r, "%s: places overlap those of titles[%zu]", p, j);
    }
    return 0;
}

int rd_read_local_rules(reader *r, cf_event *ev, json_t *event, const char *path)
{
    return read_pass(r, ev, json_object_get(event, "pass"), path) ||
                   read_promotion(r, ev, json_object_get(event, "promotion"), path) ||
                   read_titles(r, ev, json_object_get(event, "titles"), path)
               ? -1
               : 0;
}

/* ---- medal points ------------------------------------------------------------------------------ */

int rd_read_medal_points(reader *r, json_t *points)
{
    sc_medal_points *mp = &r->c->medal_points;
    const char *key;
    json_t *v;

    sc_medal_points_default(mp);
    if (!points || json_is_null(points))
        return 0;
    if (!json_is_object(points))
        return rd_fail(r, "competition.medal_points: must be a table like {\"金牌\": 4, \"银牌\": 3, "
                       "\"铜牌\": 2, \"优胜奖\": 1}");
    memset(mp, 0, sizeof *mp);
    json_object_foreach(points, key, v) {
        sc_award a;
        if (sc_award_parse(key, &a) != SC_OK)
            return rd_fail(r, "competition.medal_points: \"%s\" is not an award (金牌, 银牌, 铜牌, "
                           "一等奖, 二等奖, 三等奖, 优胜奖)", key);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
            return rd_fail(r, "competition.medal_points: \"%s\" must be a whole number of points "
                           "from 0 to 1000000", key);
        mp->points[a] = json_integer_value(v);
    }
    return 0;
}

/* ---- the groups the rules name ----------------------------------------------------------------- */

/* Whether an entry of event e is in group. */
static bool event_has_group(const cf_competition *c, size_t e, const char *group)
{
    for (size_t i = 0; i < c->n_entries; i++)
        if (c->entries[i].event == e && strcmp(c->entries[i].group, group) == 0)
            return true;
    return false;
}

/* Refuses p's group when no entry of event e is in it, naming the groups there are. */
static int check_group(reader *r, size_t e, const char *group, const char *p)
{
    const cf_competition *c = r->c;
    char have[512] = "";
    size_t len = 0;

    if (!group || event_has_group(c, e, group))
        return 0;
    /* The groups of the event's entries, each once, in file order: what was probably meant. */
    for (size_t i = 0; i < c->n_entries && len < sizeof have; i++) {
        const cf_entry *en = &c->entries[i];
        bool seen = false;
        if (en->event != e)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = c->entries[j].event == e && strcmp(c->entries[j].group, en->group) == 0;
        if (!seen)
            len += (size_t)snprintf(have + len, sizeof have - len, "%s\"%s\"", len ? ", " : "",
                                    en->group);
    }
    return rd_fail(r, "%s: group \"%s\" is not a group of event %s (its entries' groups: %s)", p,
                   group, c->events[e].id, have);
}

int rd_check_rule_groups(reader *r)
{
    const cf_competition *c = r->c;
    char p[128];

    for (size_t e = 0; e < c->n_events; e++) {
        const cf_event *ev = &c->events[e];
        bool any = false;
        for (size_t i = 0; i < c->n_entries && !any; i++)
            any = c->entries[i].event == e;
        /* An event whose entries come later (an entries import re-reads the file) is checked
         * then: with none yet, no group can be told from a misspelt one. */
        if (!any)
            continue;
        for (size_t i = 0; i < ev->n_bands; i++) {
            snprintf(p, sizeof p, "events[%zu].promotion.bands[%zu]", e, i);
            if (check_group(r, e, ev->bands[i].group, p))
                return -1;
        }
        for (size_t i = 0; i < ev->n_titles; i++) {
            snprintf(p, sizeof p, "events[%zu].titles[%zu]", e, i);
            if (check_group(r, e, ev->titles[i].group, p))
                return -1;
        }
    }
    return 0;
}
