/*
 * comp.c — competitions as the server holds them: the stored document, read once by cf_read()
 * and kept until it changes, and the two documents built from it with the current marks, the
 * export and the results.
 *
 * The results are computed from the export's bytes with the same three calls the CLI makes
 * (cf_read, cf_compute, cf_results_json), so the server cannot drift from `skillscore compute`.
 */
#include "server/core/live.h"
#include "server/core/comp.h"
#include "server/core/merge.h"
#include "server/core/ceremony.h"

#include "server/core/export.h"

#include "server/core/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void comp_free(sv_comp *c)
{
    if (!c)
        return;
    lv_free(c->live);
    mg_free(c->relay_pending);
    free(c->results[0].text);
    free(c->results[1].text);
    free(c->id);
    json_decref(c->doc);
    cf_free(c->def);
    free(c);
}

/* c->live from the store; 0, or -1 (logged) with c->live NULL. */
static int build_live(sv_server *s, sv_comp *c)
{
    char err[256];
    if (!(c->live = lv_build(s->store, c->id, c->def, err, sizeof err))) {
        fprintf(stderr, "skillscore: %s\n", err);
        return -1;
    }
    return 0;
}

int sv_comp_get(sv_server *s, const char *id, sv_comp **out)
{
    sv_comp *c = NULL;
    char *text = NULL;
    json_error_t jerr;
    cf_diag diag = {0};
    int rc;

    *out = NULL;
    for (c = s->comps; c; c = c->next)
        if (strcmp(c->id, id) == 0) {
            *out = c;
            return SV_OK;
        }
    if ((rc = st_comp_doc(s->store, id, &text)))
        return rc == ST_NOTFOUND ? SV_ENOENT : SV_EDB;
    rc = SV_ENOMEM;
    if (!(c = calloc(1, sizeof *c)) || !(c->id = strdup(id)))
        goto fail;
    c->doc = json_loads(text, 0, &jerr);
    if (!c->doc || cf_read(text, strlen(text), &c->def, &diag)) {
        fprintf(stderr, "skillscore: stored competition %s does not read back: %s\n", id,
                diag.message[0] ? diag.message : jerr.text);
        rc = SV_EBADDOC;
        goto fail;
    }
    free(text);
    text = NULL;
    if (build_live(s, c) || sv_ceremony_refresh(s, c, NULL)) {
        rc = SV_EDB;
        goto fail;
    }
    c->next = s->comps;
    s->comps = c;
    *out = c;
    return SV_OK;
fail:
    free(text);
    comp_free(c);
    return rc;
}

void sv_comp_drop(sv_server *s, const char *id)
{
    for (sv_comp **p = &s->comps; *p; p = &(*p)->next)
        if (strcmp((*p)->id, id) == 0) {
            sv_comp *c = *p;
            *p = c->next;
            if (s->hooks.comp_reset)
            s->hooks.comp_reset(s, c->id);
            comp_free(c);
            return;
        }
}

void sv_comp_free_all(sv_server *s)
{
    while (s->comps) {
        sv_comp *c = s->comps;
        s->comps = c->next;
        comp_free(c);
    }
}

char *sv_export(sv_server *s, sv_comp *c, size_t *len)
{
    return ex_export(s->store, c->id, c->doc, len);
}

int sv_compute(sv_server *s, sv_comp *c, cf_competition **full, cf_results **r, bool *provisional,
               cf_diag *diag)
{
    return ex_compute(s->store, c->id, c->doc, full, r, provisional, diag);
}

bool *sv_event_mask(sv_server *s, const sv_comp *c, bool published)
{
    return ex_event_mask(s->store, c->id, c->def, published);
}

int sv_comp_write_doc(sv_server *s, sv_comp *c, const char *text, const char *actor,
                      const char *action, json_t *detail)
{
    if (st_comp_update_doc(s->store, c->id, text)) {
        json_decref(detail);
        return -1;
    }
    return sv_audit(s, actor, action, c->id, detail) ? -1 : 0;
}

int sv_comp_save_doc(sv_server *s, sv_comp *c, const char *text, const char *actor,
                     const char *action, json_t *detail)
{
    if (st_begin(s->store)) {
        json_decref(detail);
        return -1;
    }
    if (sv_comp_write_doc(s, c, text, actor, action, detail) || st_commit(s->store)) {
        st_rollback(s->store);
        return -1;
    }
    sv_comp_drop(s, c->id);
    return 0;
}

char *sv_results(sv_server *s, sv_comp *c, const bool *events_mask, bool *provisional,
                 cf_diag *diag)
{
    char *json = NULL;
    cf_competition *full = NULL;
    cf_results *r = NULL;

    if (sv_compute(s, c, &full, &r, provisional, diag))
        return NULL;
    if (events_mask) {
        size_t kept = 0;
        for (size_t g = 0; g < r->n_groups; g++)
            if (events_mask[r->groups[g].event])
                r->groups[kept++] = r->groups[g];
        r->n_groups = kept;
        /* What is left is published, hence locked and complete: final either way. */
        if (*provisional) {
            bool pending = false;
            for (size_t g = 0; g < r->n_groups; g++)
                pending |= r->groups[g].summary.incomplete > 0;
            *provisional = pending;
        }
    }
    json = cf_results_json(full, r);
    cf_results_free(r);
    cf_free(full);
    return json;
}

void sv_live_event(sv_server *s, sv_comp *c, size_t event)
{
    if (c->live && !lv_event_changed(c->live, s->store, event)) {
        /* The store could not be read: build this competition's live state again, and its
         * screens start over (c itself stays, for the caller). */
        lv_free(c->live);
        build_live(s, c);
        if (s->hooks.comp_reset)
            s->hooks.comp_reset(s, c->id);
        return;
    }
    sv_ceremony_refresh(s, c, NULL);
    if (s->hooks.live_changed)
        s->hooks.live_changed(s);
}

int sv_ceremony_refresh(sv_server *s, sv_comp *c, json_t **out)
{
    char *event = NULL, *group = NULL, *text = NULL;
    long step = 0, steps = 0;
    json_t *g = NULL, *cer = NULL;

    if (out)
        *out = NULL;
    if (!c->live)
        return 0;
    if (st_ceremony_get(s->store, c->id, &event, &group, &step))
        return -1;
    if (event && strcmp(event, CER_MEDALS) == 0) {
        /* No table any more (the events were unpublished): the ceremony ends on every screen. */
        if ((g = lv_medal_json(c->live)))
            cer = cer_build_medals(g, step, &steps);
    } else if (event) {
        long ev = -1;
        for (size_t e = 0; e < c->def->n_events; e++)
            if (strcmp(c->def->events[e].id, event) == 0)
                ev = (long)e;
        if (ev >= 0 && (g = lv_group_json(c->live, (size_t)ev, group, LV_PUBLIC)))
            cer = cer_build(g, step, &steps);
    }
    if (cer)
        text = json_dumps(cer, JSON_COMPACT | JSON_PRESERVE_ORDER);
    lv_set_ceremony(c->live, text);
    if (out)
        *out = cer;
    else
        json_decref(cer);
    json_decref(g);
    free(event);
    free(group);
    return 0;
}

bool sv_sees_all(const sv_principal *who, const sv_comp *c)
{
    /* A chief judge judges blind too: before publication they see numbers, like the hall. */
    (void)c;
    return who->role == SV_ADMIN || who->role == SV_ARBITRATION;
}

bool sv_chief_of(const sv_principal *who, const sv_comp *c, size_t event)
{
    long ri = sv_judge_index(who, c);
    return who->role == SV_CHIEF && ri >= 0 && cf_roster_judges_event(&c->def->roster[ri], event);
}

bool sv_judge_of(const sv_principal *who, const sv_comp *c, size_t event)
{
    long ri = sv_judge_index(who, c);
    return ri >= 0 && cf_roster_judges_event(&c->def->roster[ri], event);
}

long sv_judge_index(const sv_principal *who, const sv_comp *c)
{
    if ((who->role != SV_JUDGE && who->role != SV_CHIEF) || strcmp(who->competition, c->id) != 0)
        return -1;
    return cf_roster_index(c->def, who->name);
}
