/*
 * model.c — releasing a cf_competition and finding things in it by id.
 */
#include "compfile.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void free_event(cf_event *ev)
{
    free(ev->id);
    free(ev->name);
    free(ev->occupation_code);
    free(ev->occupation_name);
    for (size_t k = 0; ev->criteria && k < ev->n_criteria; k++) {
        free(ev->criteria[k].id);
        free(ev->criteria[k].name);
    }
    free(ev->criteria);
    free(ev->criterion_max);
    for (size_t k = 0; ev->bands && k < ev->n_bands; k++)
        free(ev->bands[k].group);
    free(ev->bands);
    for (size_t k = 0; ev->titles && k < ev->n_titles; k++) {
        free(ev->titles[k].group);
        free(ev->titles[k].title);
    }
    free(ev->titles);
    for (size_t k = 0; ev->aspects && k < ev->n_aspects; k++) {
        free(ev->aspects[k].id);
        free(ev->aspects[k].description);
        for (int b = 0; b < 4; b++)
            free(ev->aspects[k].benchmarks[b]);
    }
    free(ev->aspects);
    free(ev->aspect_rules);
}

static void free_entry(cf_entry *en)
{
    free(en->id);
    free(en->group);
    free(en->coach);
    free(en->delegation);
    for (size_t m = 0; en->members && m < en->n_members; m++) {
        free(en->members[m].id);
        free(en->members[m].name);
        free(en->members[m].unit);
        free(en->members[m].id_number);
        free(en->members[m].gender);
    }
    free(en->members);
}

void cf_free(cf_competition *c)
{
    if (!c)
        return;
    free(c->id);
    free(c->name);
    free(c->code);
    free(c->organizer);
    free(c->certificate_issuer);
    free(c->appraisal_centre);
    free(c->certificate_pattern);
    free(c->date);
    for (size_t i = 0; c->events && i < c->n_events; i++)
        free_event(&c->events[i]);
    for (size_t i = 0; c->roster && i < c->n_roster; i++) {
        free(c->roster[i].id);
        free(c->roster[i].name);
        free(c->roster[i].unit);
        free(c->roster[i].events);
    }
    free(c->roster);
    free(c->events);
    for (size_t i = 0; c->entries && i < c->n_entries; i++)
        free_entry(&c->entries[i]);
    free(c->entries);
    free(c->marks);
    free(c->slot_start);
    for (size_t i = 0; i < c->n_judges; i++)
        free(c->judges[i]);
    free(c->judges);
    free(c);
}

long cf_event_index(const cf_competition *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_events; i++) {
        if (c->events[i].id && strcmp(c->events[i].id, id) == 0)
            return (long)i;
    }
    return -1;
}

long cf_entry_index(const cf_competition *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_entries; i++) {
        if (c->entries[i].id && strcmp(c->entries[i].id, id) == 0)
            return (long)i;
    }
    return -1;
}

long cf_criterion_index(const cf_event *e, const char *id)
{
    for (size_t k = 0; id && k < e->n_criteria; k++) {
        if (strcmp(e->criteria[k].id, id) == 0)
            return (long)k;
    }
    return -1;
}

const char *cf_item_id(const cf_event *ev, size_t k)
{
    if (k >= ev->n_items)
        return "?";
    return ev->n_aspects ? ev->aspects[k].id : ev->criteria[k].id;
}

sc_centi cf_item_max(const cf_event *ev, size_t k)
{
    if (!ev->n_aspects)
        return ev->criteria[k].max;
    return ev->aspect_rules[k].kind == SC_ASPECT_JUDGEMENT ? 300 : ev->aspect_rules[k].max;
}

sc_centi cf_item_discrepancy(const cf_event *ev, size_t k)
{
    if (!ev->n_aspects)
        return ev->discrepancy;
    return ev->aspect_rules[k].kind == SC_ASPECT_JUDGEMENT ? 5000 : 0;
}

long cf_item_index(const cf_event *ev, const char *id)
{
    if (!ev->n_aspects)
        return cf_criterion_index(ev, id);
    for (size_t k = 0; id && k < ev->n_aspects; k++)
        if (strcmp(ev->aspects[k].id, id) == 0)
            return (long)k;
    return -1;
}

int cf_item_check(const cf_event *ev, size_t k, sc_centi score, char *why, size_t cap)
{
    char sc[24], mx[24], dd[24];
    const sc_aspect *a;

    if (!ev->n_aspects) {
        if (score <= ev->criteria[k].max)
            return 0;
        snprintf(why, cap, "score %s is above criterion %s's maximum %s",
                 sc_centi_format_short(score, sc), ev->criteria[k].id,
                 sc_centi_format_short(ev->criteria[k].max, mx));
        return -1;
    }
    a = &ev->aspect_rules[k];
    if (sc_aspect_record_check(a, score) == SC_OK)
        return 0;
    sc_centi_format_short(score, sc);
    sc_centi_format_short(a->max, mx);
    if (a->kind == SC_ASPECT_JUDGEMENT)
        snprintf(why, cap, "score %s must be 0, 1, 2 or 3 for judgement aspect %s", sc,
                 ev->aspects[k].id);
    else if (a->deduct)
        snprintf(why, cap, "score %s must be %s less a whole number of %s deductions, or 0, for "
                 "measurement aspect %s", sc, mx, sc_centi_format_short(a->deduct, dd),
                 ev->aspects[k].id);
    else
        snprintf(why, cap, "score %s must be 0 or %s (no or yes) for measurement aspect %s", sc,
                 mx, ev->aspects[k].id);
    return -1;
}

long cf_roster_index(const cf_competition *c, const char *id)
{
    for (size_t i = 0; i < c->n_roster; i++)
        if (strcmp(c->roster[i].id, id) == 0)
            return (long)i;
    return -1;
}

bool cf_roster_judges_event(const cf_roster_judge *j, size_t ev)
{
    for (size_t i = 0; i < j->n_events; i++)
        if (j->events[i] == ev)
            return true;
    return false;
}

/* Appends piece (after 、 unless first) to out, whole or not at all. */
static void join(char *out, size_t cap, size_t *at, const char *piece)
{
    static const char sep[] = "、";
    size_t need = (*at ? sizeof sep - 1 : 0) + strlen(piece);
    if (*at + need + 1 > cap)
        return;
    *at += (size_t)snprintf(out + *at, cap - *at, "%s%s", *at ? sep : "", piece);
}

char *cf_member_names(const cf_entry *en, char *out, size_t cap)
{
    size_t at = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < en->n_members && cap; i++)
        join(out, cap, &at, en->members[i].name);
    return out;
}

char *cf_member_units(const cf_entry *en, char *out, size_t cap)
{
    size_t at = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < en->n_members && cap; i++) {
        const char *u = en->members[i].unit;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = en->members[j].unit && strcmp(en->members[j].unit, u ? u : "") == 0;
        if (u && *u && !seen)
            join(out, cap, &at, u);
    }
    return out;
}
