/*
 * roster.c — the optional top-level "judges" list: which judge marks which events, and who is
 * chief judge (裁判长) there. The server signs judges in from this list and refuses a mark from
 * a judge outside the entry's event; the engine never looks at it.
 *
 *   "judges": [{"id": "J01", "name": "李明", "unit": "昆明技师学院", "events": ["E01"],
 *               "chief": true}]
 *
 * A judge's unit serves only 回避 (issue 18): a judge must not mark a contestant of their own
 * unit. The event decides whether such a mark is refused (default) or accepted and flagged; either
 * way the unit never reaches a tablet, and a refused judge is not waited for.
 */
#include "reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_judge(reader *r, cf_roster_judge *j, json_t *o, size_t i)
{
    static const char *const keys[] = {"id", "name", "unit", "events", "chief", NULL};
    cf_competition *c = r->c;
    char path[48];
    json_t *evs, *v;
    size_t k;

    snprintf(path, sizeof path, "judges[%zu]", i);
    if (rd_want_object(r, o, path))
        return -1;
    rd_check_keys(r, o, "judges[]", keys);
    if (rd_get_id(r, o, path, &j->id) ||
        rd_get_string(r, o, "name", path, false, &j->name) ||
        rd_get_string(r, o, "unit", path, false, &j->unit) ||
        rd_get_bool(r, o, "chief", path, false, &j->chief))
        return -1;
    for (size_t p = 0; p < i; p++)
        if (strcmp(c->roster[p].id, j->id) == 0)
            return rd_fail(r, "%s.id: judge \"%s\" is listed twice (also judges[%zu])", path,
                           j->id, p);
    evs = json_object_get(o, "events");
    if (!json_is_array(evs) || json_array_size(evs) == 0)
        return rd_fail(r, "%s.events: must be a non-empty array of event ids", path);
    j->events = calloc(json_array_size(evs), sizeof *j->events);
    if (!j->events)
        return rd_fail_oom(r);
    json_array_foreach(evs, k, v) {
        long ev = json_is_string(v) ? cf_event_index(c, json_string_value(v)) : -1;
        if (!json_is_string(v))
            return rd_fail(r, "%s.events[%zu]: must be an event id (a string)", path, k);
        if (ev < 0)
            return rd_fail(r, "%s.events[%zu]: event \"%s\" is not defined in events", path, k,
                           json_string_value(v));
        for (size_t p = 0; p < j->n_events; p++)
            if (j->events[p] == (size_t)ev)
                return rd_fail(r, "%s.events[%zu]: event %s is listed twice", path, k,
                               json_string_value(v));
        j->events[j->n_events++] = (size_t)ev;
    }
    return 0;
}

int rd_read_roster(reader *r)
{
    cf_competition *c = r->c;
    size_t i;
    json_t *o;

    if (!r->judges || json_is_null(r->judges))
        return 0;
    if (!json_is_array(r->judges))
        return rd_fail(r, "judges: must be an array");
    c->has_roster = true;
    c->roster = calloc(json_array_size(r->judges) + 1, sizeof *c->roster);
    if (!c->roster)
        return rd_fail_oom(r);
    json_array_foreach(r->judges, i, o) {
        c->n_roster = i + 1;
        if (read_judge(r, &c->roster[i], o, i))
            return -1;
    }
    /* W4: a judgement aspect needs three judges; a list that gives the event fewer can never
     * complete it. */
    for (size_t e = 0; e < c->n_events; e++) {
        bool judgement = false;
        size_t n = 0;
        for (size_t k = 0; k < c->events[e].n_aspects; k++)
            judgement |= c->events[e].aspect_rules[k].kind == SC_ASPECT_JUDGEMENT;
        for (size_t j = 0; j < c->n_roster; j++)
            n += cf_roster_judges_event(&c->roster[j], e);
        if (judgement && n < SC_J_MIN_JUDGES)
            return rd_fail(r, "judges: event %s has judgement aspects and %zu listed judge%s; "
                           "they need at least %d (docs/worldskills.md W4)", c->events[e].id, n,
                           n == 1 ? "" : "s", SC_J_MIN_JUDGES);
    }
    return 0;
}

int cf_judge_may_mark(const cf_competition *c, const char *judge, size_t ev)
{
    long ri;
    if (!c->has_roster)
        return CF_JUDGE_OK;
    if ((ri = cf_roster_index(c, judge)) < 0)
        return CF_JUDGE_NOT_LISTED;
    return cf_roster_judges_event(&c->roster[ri], ev) ? CF_JUDGE_OK : CF_JUDGE_NOT_OF_EVENT;
}

bool cf_judge_conflict(const cf_competition *c, const char *judge, size_t entry)
{
    const cf_entry *en = &c->entries[entry];
    long ri = c->has_roster ? cf_roster_index(c, judge) : -1;
    const char *unit = ri >= 0 ? c->roster[ri].unit : NULL;
    if (!unit || !*unit)
        return false;
    for (size_t m = 0; m < en->n_members; m++)
        if (en->members[m].unit && strcmp(en->members[m].unit, unit) == 0)
            return true;
    return false;
}

bool cf_judge_recused(const cf_competition *c, const char *judge, size_t entry)
{
    return !c->events[c->entries[entry].event].conflict_flag && cf_judge_conflict(c, judge, entry);
}

size_t cf_marks_required(const cf_competition *c, size_t entry, size_t item)
{
    size_t ev = c->entries[entry].event, n = 0;
    const cf_event *e = &c->events[ev];
    bool judgement = e->n_aspects && e->aspect_rules[item].kind == SC_ASPECT_JUDGEMENT;

    if (e->n_aspects ? !judgement : e->rules.aggregation == SC_AGG_SINGLE)
        return 1;
    for (size_t j = 0; c->has_roster && j < c->n_roster; j++)
        if (cf_roster_judges_event(&c->roster[j], ev) && !cf_judge_recused(c, c->roster[j].id, entry))
            n++;
    if (judgement && n < SC_J_MIN_JUDGES)
        n = SC_J_MIN_JUDGES;
    return n ? n : 1;
}

void cf_entry_progress(const cf_competition *c, size_t entry,
                       size_t (*count)(const void *ctx, size_t slot), const void *ctx,
                       size_t *done, size_t *of)
{
    const cf_entry *en = &c->entries[entry];
    const cf_event *ev = &c->events[en->event];
    size_t most = 1, least = SIZE_MAX;
    /* One pass: an item short of what it needs has fewer marks than the most any item needs. */
    for (size_t k = 0; k < ev->n_items; k++) {
        size_t need = cf_marks_required(c, entry, k), have = count(ctx, en->first_slot + k);
        if (need > most)
            most = need;
        if (have < need && have < least)
            least = have;
    }
    *done = least == SIZE_MAX ? most : least;
    *of = most;
}
