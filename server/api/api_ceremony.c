/*
 * api_ceremony.c — the award ceremony (颁奖): the organizer steps one published (event, group)
 * from its lowest award up to its highest, and every display of the competition follows over
 * /ws (ceremony.h, docs/live.md).
 *
 *   GET  …/ceremony   the ceremony now, every published group with its award tiers, and the
 *                     delegations' medal table when there is one ("medal_table": {"steps",
 *                     "events","published","delegations","pages"} or null)
 *   POST …/ceremony   {"event","group","step"} to show a step; {"medal_table": true,"step"}
 *                     for the medal table after the groups; {"event": null} to end
 *
 * Both are the organizer's. The state is stored (a restart or the standby shows the same step)
 * and each change is audited.
 */
#include "server/api/api.h"
#include "server/core/ceremony.h"
#include "server/core/live.h"
#include "server/core/server.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether group is a group of event's entries. */
static bool has_group(const sv_comp *c, size_t event, const char *group)
{
    for (size_t i = 0; i < c->def->n_entries; i++)
        if (c->def->entries[i].event == event && strcmp(c->def->entries[i].group, group) == 0)
            return true;
    return false;
}

/* Every published group, in file order, with its tiers: what the remote offers. */
static json_t *choices(sv_server *s, sv_comp *c)
{
    json_t *list = json_array();
    for (size_t e = 0; e < c->def->n_events; e++) {
        st_event_state st;
        if (st_event_get(s->store, c->id, c->def->events[e].id, &st) || !st.published)
            continue;
        json_t *seen = json_object();
        for (size_t i = 0; i < c->def->n_entries; i++) {
            const cf_entry *en = &c->def->entries[i];
            json_t *g, *cer;
            long steps;
            if (en->event != e || json_object_get(seen, en->group))
                continue;
            json_object_set_new(seen, en->group, json_true());
            if (!(g = lv_group_json(c->live, e, en->group, LV_PUBLIC)))
                continue;
            if ((cer = cer_build(g, 0, &steps)))
                json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:I,s:O}", "event",
                                                      c->def->events[e].id, "event_name",
                                                      c->def->events[e].name, "group", en->group,
                                                      "steps", (json_int_t)steps, "tiers",
                                                      json_object_get(cer, "tiers")));
            json_decref(cer);
            json_decref(g);
        }
        json_decref(seen);
    }
    return list;
}

/* The medal table as the remote offers it, or null: over the published events only. */
static json_t *medal_choice(sv_comp *c)
{
    json_t *m = lv_medal_json(c->live), *cer, *o = NULL;
    long steps;
    if (!m)
        return json_null();
    if ((cer = cer_build_medals(m, 0, &steps)))
        o = json_pack("{s:I,s:O,s:O,s:I,s:O}", "steps", (json_int_t)steps, "events",
                      json_object_get(m, "events"), "published", json_object_get(m, "published"),
                      "delegations", (json_int_t)json_array_size(json_object_get(m, "rows")),
                      "pages", json_object_get(cer, "pages"));
    json_decref(cer);
    json_decref(m);
    return o ? o : json_null();
}

static void reply(sv_server *s, sv_comp *c, json_t *cer, sv_response *rs)
{
    sv_json(rs, 200, json_pack("{s:o,s:o,s:o}", "ceremony",
                               cer ? cer : json_pack("{s:b}", "on", 0), "groups", choices(s, c),
                               "medal_table", medal_choice(c)));
}

/* "step" of body, absent being 0; false (the error sent) when it is not a whole number. */
static bool step_of(json_t *body, long *step, sv_response *rs)
{
    json_t *jstep = json_object_get(body, "step");
    if (jstep && !json_is_integer(jstep)) {
        sv_error(rs, 400, "step", "step must be a whole number");
        return false;
    }
    *step = jstep ? (long)json_integer_value(jstep) : 0;
    return true;
}

void api_ceremony_get(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *cer;
    if (!c)
        return;
    if (sv_ceremony_refresh(s, c, &cer)) {
        sv_store_error(s, rs);
        return;
    }
    reply(s, c, cer, rs);
}

void api_ceremony_post(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body, *jev, *jmt, *g = NULL, *cer = NULL, *detail;
    const char *event = NULL, *group = NULL;
    long ev = -1, step = 0, steps = 0;
    st_event_state st;

    if (!c || !(body = sv_body_object(rq, rs)))
        return;
    jev = json_object_get(body, "event");
    jmt = json_object_get(body, "medal_table");
    if (jmt && !json_is_boolean(jmt)) {
        sv_error(rs, 400, "medal_table", "medal_table must be true or false");
        goto out;
    }
    if (json_is_true(jmt)) {
        if (!step_of(body, &step, rs))
            goto out;
        /* Over published events only; nothing to show before the first publication. */
        if (!(g = lv_medal_json(c->live))) {
            sv_error(rs, 409, "medal_table", "%s has no medal table to show: its entries carry no "
                     "delegation, or no event is published yet", c->id);
            goto out;
        }
        if (!(cer = cer_build_medals(g, 0, &steps))) {
            sv_error(rs, 500, NULL, "out of memory");
            goto out;
        }
        json_decref(cer);
        cer = NULL;
        if (step < 0 || step > steps) {
            sv_error(rs, 400, "step", "step must be from 0 (the title) to %ld (the top of the "
                     "medal table)", steps);
            goto out;
        }
        event = CER_MEDALS;
        group = "";
    } else if (!jev) {
        sv_error(rs, 400, "event", "missing field \"event\" (an event id, or null to end; or "
                                    "\"medal_table\": true)");
        goto out;
    }
    if (!json_is_true(jmt) && !json_is_null(jev)) {
        if (!(event = json_string_value(jev))) {
            sv_error(rs, 400, "event", "event must be an event id or null");
            goto out;
        }
        for (size_t e = 0; e < c->def->n_events; e++)
            if (strcmp(c->def->events[e].id, event) == 0)
                ev = (long)e;
        if (ev < 0) {
            sv_error(rs, 400, "event", "event %s is not in competition %s", event, c->id);
            goto out;
        }
        if (st_event_get(s->store, c->id, event, &st)) {
            sv_store_error(s, rs);
            goto out;
        }
        if (!st.published) {
            sv_error(rs, 409, "event", "event %s is not published: a ceremony shows published "
                                       "results only", event);
            goto out;
        }
        if (!(group = sv_field_string(body, "group", rs)))
            goto out;
        if (!has_group(c, (size_t)ev, group)) {
            sv_error(rs, 400, "group", "%s is not a group of event %s", group, event);
            goto out;
        }
        if (!step_of(body, &step, rs))
            goto out;
        if (!(g = lv_group_json(c->live, (size_t)ev, group, LV_PUBLIC)) ||
            !(cer = cer_build(g, 0, &steps))) {
            sv_error(rs, 500, NULL, "cannot take the results of %s %s", event, group);
            goto out;
        }
        if (step < 0 || step > steps) {
            sv_error(rs, 400, "step", "step must be from 0 (the title) to %ld (the highest award)",
                     steps);
            goto out;
        }
        json_decref(cer);
        cer = NULL;
    }
    detail = json_is_true(jmt) ? json_pack("{s:b,s:I}", "medal_table", 1, "step",
                                           (json_int_t)step)
             : event ? json_pack("{s:s,s:s,s:I}", "event", event, "group", group, "step",
                                 (json_int_t)step)
                     : json_pack("{s:b}", "end", 1);
    if (st_begin(s->store) || st_ceremony_put(s->store, c->id, event, group, step, rq->who.name) ||
        sv_audit(s, rq->who.name, "ceremony", c->id, detail) || st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    if (sv_ceremony_refresh(s, c, &cer)) {
        sv_store_error(s, rs);
        goto out;
    }
    if (s->hooks.live_changed)
        s->hooks.live_changed(s);
    reply(s, c, cer, rs);
    cer = NULL;
out:
    json_decref(cer);
    json_decref(g);
    json_decref(body);
}
