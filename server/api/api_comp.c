/*
 * api_comp.c — competitions: import a skillscore/1 file, list, describe, export, results, audit.
 *
 * An import is checked by cf_read() exactly as `skillscore compute` checks a file (same
 * messages), then stored as its document without marks plus one mark row per mark, all in one
 * transaction with its audit row: a refused file changes nothing.
 */
#include "server/store/audit.h"
#include "server/core/live.h"
#include "server/api/api.h"
#include "server/core/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct warnings {
    json_t *list;
} warnings;

static void collect_warning(void *ctx, const char *message)
{
    json_array_append_new(((warnings *)ctx)->list, json_string(message));
}

static int by_file_order(const void *a, const void *b)
{
    const cf_mark *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int store_marks(sv_server *s, const cf_competition *c, const char *actor)
{
    cf_mark *sorted = malloc((c->n_marks + 1) * sizeof *sorted);
    int rc = ST_OK;
    if (!sorted)
        return ST_ERROR;
    memcpy(sorted, c->marks, c->n_marks * sizeof *sorted);
    qsort(sorted, c->n_marks, sizeof *sorted, by_file_order);
    for (size_t i = 0; i < c->n_marks && rc == ST_OK; i++) {
        const cf_mark *m = &sorted[i];
        const cf_entry *en = &c->entries[m->entry];
        st_mark row = {0};
        snprintf(row.uuid, sizeof row.uuid, "import:%u", m->index);
        snprintf(row.entry, sizeof row.entry, "%s", en->id);
        snprintf(row.criterion, sizeof row.criterion, "%s",
                 cf_item_id(&c->events[en->event], m->criterion));
        snprintf(row.judge, sizeof row.judge, "%s", c->judges[m->judge]);
        snprintf(row.actor, sizeof row.actor, "%s", actor);
        row.score = m->score;
        row.on_behalf = true;
        rc = st_mark_insert(s->store, c->id, &row);
    }
    free(sorted);
    return rc;
}

void api_comp_import(sv_server *s, sv_request *rq, sv_response *rs)
{
    warnings w = {json_array()};
    cf_diag diag = {.warn = collect_warning, .warn_ctx = &w};
    cf_competition *c = NULL;
    json_t *doc = NULL;
    char *text = NULL, *existing = NULL;
    unsigned char sha[32];
    char sha_hex[AUD_HEX];

    if (cf_read(rq->body, rq->body_len, &c, &diag)) {
        sv_error(rs, 400, NULL, "%s", diag.message);
        goto out;
    }
    if (st_comp_doc(s->store, c->id, &existing) == ST_OK) {
        sv_error(rs, 409, "competition.id", "competition %s exists already", c->id);
        goto out;
    }
    /* cf_read accepted the bytes, so jansson does too (BOM aside). */
    {
        const char *b = rq->body;
        size_t n = rq->body_len;
        if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
            b += 3, n -= 3;
        doc = json_loadb(b, n, 0, NULL);
    }
    if (!doc) {
        sv_error(rs, 400, NULL, "the file is not valid JSON");
        goto out;
    }
    json_object_del(doc, "marks");
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    aud_sha256(rq->body, rq->body_len, sha);
    aud_hex(sha, 32, sha_hex);
    if (!text || st_begin(s->store) ||
        st_comp_insert(s->store, c->id, c->name, text) || store_marks(s, c, rq->who.name) ||
        sv_audit(s, rq->who.name, "import", c->id,
                 json_pack("{s:s,s:I,s:I,s:I}", "sha256", sha_hex, "bytes",
                           (json_int_t)rq->body_len, "entries", (json_int_t)c->n_entries,
                           "marks", (json_int_t)c->n_marks)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    sv_comp_drop(s, c->id);
    json_t *o = json_pack("{s:s,s:I,s:I}", "id", c->id, "entries", (json_int_t)c->n_entries,
                          "marks", (json_int_t)c->n_marks);
    if (json_array_size(w.list))
        json_object_set(o, "warnings", w.list);
    sv_json(rs, 201, o);
out:
    json_decref(w.list);
    json_decref(doc);
    free(text);
    free(existing);
    cf_free(c);
}

static void list_one(void *ctx, const char *id, const char *name)
{
    json_array_append_new(ctx, json_pack("{s:s,s:s}", "id", id, "name", name));
}

void api_comp_list(sv_server *s, sv_request *rq, sv_response *rs)
{
    json_t *arr = json_array();
    (void)rq;
    if (st_comp_each(s->store, list_one, arr)) {
        json_decref(arr);
        sv_store_error(s, rs);
        return;
    }
    sv_json(rs, 200, json_pack("{s:o}", "competitions", arr));
}

sv_comp *sv_path_comp(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c;
    int rc = sv_comp_get(s, rq->seg[1], &c);
    if (rc == SV_ENOENT)
        sv_error(rs, 404, NULL, "no competition %s", rq->seg[1]);
    else if (rc == SV_EDB)
        sv_store_error(s, rs);
    else if (rc)
        sv_error(rs, 500, NULL, "competition %s cannot be loaded: %s", rq->seg[1],
                 sv_strerror(rc));
    return rc ? NULL : c;
}

/* A marking scheme as the tablet draws it (issue 18): per aspect its criterion, kind, maximum,
 * deduction and texts. Judges see this; it says nothing about who is marked. */
static json_t *aspects_json(const cf_event *ev)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < ev->n_aspects; k++) {
        const sc_aspect *a = &ev->aspect_rules[k];
        char mx[24], dd[24];
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", ev->aspects[k].id, "criterion",
                              ev->criteria[a->criterion].id, "kind",
                              a->kind == SC_ASPECT_JUDGEMENT ? "J" : "M", "max",
                              sc_centi_format(a->max, mx), "description",
                              ev->aspects[k].description);
        if (a->deduct)
            json_object_set_new(o, "deduct", json_string(sc_centi_format(a->deduct, dd)));
        if (a->kind == SC_ASPECT_JUDGEMENT) {
            json_t *b = json_array();
            for (int l = 0; l < 4; l++)
                json_array_append_new(b, json_string(ev->aspects[k].benchmarks[l]));
            json_object_set_new(o, "benchmarks", b);
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

void api_comp_get(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *events;
    if (!c)
        return;
    events = json_array();
    for (size_t e = 0; e < c->def->n_events; e++) {
        const cf_event *ev = &c->def->events[e];
        st_event_state st;
        json_t *crit = json_array(), *groups = json_array();
        if (st_event_get(s->store, c->id, ev->id, &st)) {
            json_decref(events);
            sv_store_error(s, rs);
            return;
        }
        for (size_t k = 0; k < ev->n_criteria; k++) {
            char mx[24];
            json_array_append_new(crit, json_pack("{s:s,s:s,s:s}", "id", ev->criteria[k].id,
                                                  "name", ev->criteria[k].name, "max",
                                                  sc_centi_format(ev->criteria[k].max, mx)));
        }
        for (size_t i = 0; i < c->def->n_entries; i++) {
            const cf_entry *en = &c->def->entries[i];
            size_t g;
            if (en->event != e)
                continue;
            for (g = 0; g < json_array_size(groups); g++)
                if (strcmp(json_string_value(json_array_get(groups, g)), en->group) == 0)
                    break;
            if (g == json_array_size(groups))
                json_array_append_new(groups, json_string(en->group));
        }
        /* How many judges mark each criterion: what marking progress is counted against. */
        size_t n_judges = 0, n_ok = 0;
        for (size_t j = 0; j < c->def->n_roster; j++)
            n_judges += cf_roster_judges_event(&c->def->roster[j], e);
        for (size_t i = 0; i < c->def->n_entries; i++)
            n_ok += c->def->entries[i].event == e && c->def->entries[i].status == SC_STATUS_OK;
        json_array_append_new(
            events, json_pack("{s:s,s:s,s:o,s:o,s:b,s:b,s:b,s:s,s:I,s:I}", "id", ev->id, "name",
                              ev->name, "criteria", crit, "groups", groups, "locked", st.locked,
                              "published", st.published, "drawn", st.drawn, "aggregation",
                              sc_aggregation_key(ev->rules.aggregation), "judges",
                              (json_int_t)n_judges, "entries_ok", (json_int_t)n_ok));
        if (ev->n_aspects)
            json_object_set_new(json_array_get(events, json_array_size(events) - 1), "aspects",
                                aspects_json(ev));
        char *frozen = NULL;
        if (st_freeze_get(s->store, c->id, ev->id, &frozen)) {
            json_decref(events);
            sv_store_error(s, rs);
            return;
        }
        json_object_set_new(json_array_get(events, json_array_size(events) - 1), "frozen",
                            json_boolean(frozen && !st.published));
        free(frozen);
    }
    /* "delegations": whether entries carry 代表队, so the organizer page offers the medal table. */
    sv_json(rs, 200, json_pack("{s:s,s:s,s:o,s:b}", "id", c->id, "name", c->def->name, "events",
                               events, "delegations", c->def->has_delegations));
}

void api_comp_export(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    size_t len = 0;
    if (!c)
        return;
    rs->body = sv_export(s, c, &len);
    if (!rs->body) {
        sv_store_error(s, rs);
        return;
    }
    rs->len = len;
    rs->status = 200;
}

void api_comp_results(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    bool *mask = NULL, provisional = false;
    cf_diag diag = {0};
    int view;
    uint64_t seq;

    if (!c)
        return;
    view = sv_sees_all(&rq->who, c) ? 1 : 0;
    seq = c->live ? lv_seq(c->live) : 0;
    rs->cache = "hit";
    if (!(c->live && c->results[view].text && c->results[view].seq == seq)) {
        rs->cache = "miss";
        if (!view && !(mask = sv_event_mask(s, c, true))) {
            sv_store_error(s, rs);
            return;
        }
        char *text = sv_results(s, c, mask, &provisional, &diag);
        free(mask);
        if (!text) {
            sv_error(rs, 500, NULL, "cannot compute the results: %s", diag.message);
            return;
        }
        free(c->results[view].text);
        c->results[view].text = text;
        c->results[view].seq = seq;
        c->results[view].provisional = provisional;
    }
    rs->len = strlen(c->results[view].text);
    if (!(rs->body = malloc(rs->len + 1))) {
        sv_error(rs, 500, NULL, "out of memory");
        return;
    }
    memcpy(rs->body, c->results[view].text, rs->len + 1);
    rs->status = 200;
    rs->provisional = c->results[view].provisional;
}

static void audit_row(void *ctx, int64_t seq, const char *at, const char *actor,
                      const char *action, const char *comp, const char *detail)
{
    json_t *d = json_loads(detail, 0, NULL);
    json_array_append_new(ctx, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "seq", (json_int_t)seq,
                                         "at", at, "actor", actor, "action", action,
                                         "competition", comp, "detail",
                                         d ? d : json_string(detail)));
}

void api_comp_audit(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *rows;
    if (!c)
        return;
    rows = json_array();
    if (st_audit_each(s->store, c->id, 500, audit_row, rows)) {
        json_decref(rows);
        sv_store_error(s, rs);
        return;
    }
    sv_json(rs, 200, json_pack("{s:o}", "audit", rows));
}
