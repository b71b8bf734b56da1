/*
 * api_day.c — the competition day at the venue: check-in (present / absent), disqualification,
 * finishing times, theory scores (imported from the theory exam system, or keyed by hand twice),
 * and paper marking sheets keyed twice when a tablet fails.
 *
 * Everything here changes the competition's document (an entry's status or time, the theory
 * list) or adds a mark, in one transaction with its audit row, refused for a locked event (409);
 * the competition is then read again and its live screens start over, so `GET …/export` and
 * `skillscore compute` of it agree with `GET …/results` at once.
 *
 * Who addresses what: the organizer and arbitration name an entry by its id; a chief judge, a
 * timekeeper and a clerk keying a paper sheet name it by its number (工位号) and event, because
 * they see the hall, not the entry list. Theory scores come from the theory exam by 参赛号 (the
 * entry id): the theory exam is graded by machine, not by a judge who could be swayed.
 *
 * Double keying (录入两遍): a value keyed by one account waits (202); a second account keying the
 * same value confirms it (200); a different value is a 409 that shows both, and stays until a
 * further keying agrees with one of them.
 */
#include "compfile/vec.h"
#include "reports/reports.h"
#include "server/api/api.h"
#include "server/core/batch.h"
#include "server/core/live.h"
#include "server/core/server.h"
#include "server/lib/csv.h"
#include "server/lib/table.h"
#include "server/lib/strmap.h"
#include "server/store/audit.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what a request names -------------------------------------------------------------------- */

/* The entry of path segment 3: an id for the organizer and arbitration, else a number in the
 * event of the body ("event"), or in the caller's events when they judge just one. -1 after a
 * reply. */
static long path_entry(sv_server *s, sv_comp *c, sv_request *rq, json_t *body, sv_response *rs)
{
    const char *seg = rq->seg[3];
    const char *evid = json_string_value(json_object_get(body, "event"));
    char entry[64];
    long ev = -1, ri;
    int rc;

    /* A clerk at the door checks people in by name and ID card: by entry id, as the organizer.
     * A clerk keying a paper sheet uses …/paper, by number. */
    if (rq->who.role == SV_ADMIN || rq->who.role == SV_ARBITRATION ||
        (rq->who.role == SV_CLERK && strstr(rq->path, "/status"))) {
        long ei = cf_entry_index(c->def, seg);
        if (ei < 0)
            sv_error(rs, 404, NULL, "no entry %s in competition %s", seg, c->id);
        return ei;
    }
    if (evid && (ev = cf_event_index(c->def, evid)) < 0) {
        sv_error(rs, 400, "event", "event %s is not in competition %s", evid, c->id);
        return -1;
    }
    ri = sv_judge_index(&rq->who, c);
    if (ev < 0 && ri >= 0 && c->def->roster[ri].n_events == 1)
        ev = (long)c->def->roster[ri].events[0];
    if (ev < 0) {
        sv_error(rs, 400, "event", "name the event (\"event\"): numbers are drawn per event");
        return -1;
    }
    if (rq->who.role == SV_CHIEF && (ri < 0 || !cf_roster_judges_event(&c->def->roster[ri],
                                                                        (size_t)ev))) {
        sv_error(rs, 403, "event", "%s is not the chief judge of event %s", rq->who.name,
                 c->def->events[ev].id);
        return -1;
    }
    rc = st_number_entry(s->store, c->id, c->def->events[ev].id, seg, entry);
    if (rc == ST_NOTFOUND) {
        sv_error(rs, 404, NULL, "no number %s in event %s", seg, c->def->events[ev].id);
        return -1;
    }
    if (rc) {
        sv_store_error(s, rs);
        return -1;
    }
    return cf_entry_index(c->def, entry);
}

/* 409 when the entry's event is locked; -1 after a reply, else 0 with *drawn. */
static int event_open(sv_server *s, sv_comp *c, size_t event, bool *drawn, sv_response *rs)
{
    st_event_state es;
    if (st_event_get(s->store, c->id, c->def->events[event].id, &es)) {
        sv_store_error(s, rs);
        return -1;
    }
    if (es.locked) {
        sv_error(rs, 409, NULL, "event %s is locked; arbitration must unlock it first",
                 c->def->events[event].id);
        return -1;
    }
    if (drawn)
        *drawn = es.drawn;
    return 0;
}

/* A reason: absent or 2 to 250 bytes. NULL with *bad after a 400. */
static const char *reason_of(json_t *body, bool required, bool *bad, sv_response *rs)
{
    json_t *r = json_object_get(body, "reason");
    *bad = false;
    if ((!r || json_is_null(r)) && !required)
        return NULL;
    if (!json_is_string(r) || json_string_length(r) < 2 || json_string_length(r) > 250) {
        sv_error(rs, 400, "reason", required ? "a reason is needed (2 to 250 bytes)"
                                             : "reason must be 2 to 250 bytes");
        *bad = true;
        return NULL;
    }
    return json_string_value(r);
}

/* Writes doc (the competition's changed document) after reading it back as a competition file
 * would be read; audits action with detail (taken). With in_txn the caller's transaction holds
 * it (the caller commits, then drops c); else it commits alone and c is gone afterwards. 0, or
 * -1 after a reply. */
static int save_doc(sv_server *s, sv_comp *c, json_t *doc, const char *actor, const char *action,
                    json_t *detail, bool in_txn, sv_response *rs)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    cf_competition *check = NULL;
    cf_diag diag = {0};
    int rc = -1;

    if (!text) {
        sv_error(rs, 500, NULL, "out of memory");
        json_decref(detail);
        return -1;
    }
    if (cf_read(text, strlen(text), &check, &diag)) {
        sv_error(rs, 400, NULL, "%s", diag.message);
        json_decref(detail);
    } else if (in_txn ? sv_comp_write_doc(s, c, text, actor, action, detail)
                      : sv_comp_save_doc(s, c, text, actor, action, detail))
        sv_store_error(s, rs);
    else
        rc = 0;
    cf_free(check);
    free(text);
    return rc;
}

static int save(sv_server *s, sv_comp *c, json_t *doc, const char *actor, const char *action,
                json_t *detail, sv_response *rs)
{
    return save_doc(s, c, doc, actor, action, detail, false, rs);
}

static json_t *entry_json(sv_comp *c, long ei)
{
    return json_object_get(json_array_get(json_object_get(c->doc, "entries"), (size_t)ei), "id")
               ? json_array_get(json_object_get(c->doc, "entries"), (size_t)ei)
               : NULL;
}

/* How the reply names the entry: its id for those who see ids, else its number. */
static json_t *who_is(sv_server *s, sv_comp *c, const sv_principal *who, long ei)
{
    const cf_entry *en = &c->def->entries[ei];
    if (who->role == SV_ADMIN || who->role == SV_ARBITRATION || who->role == SV_CLERK)
        return json_pack("{s:s}", "entry", en->id);
    json_t *nums = sv_numbers(s, c->id, c->def->events[en->event].id);
    json_t *o = json_pack("{s:s,s:O?}", "event", c->def->events[en->event].id, "number",
                          json_object_get(nums, en->id));
    json_decref(nums);
    return o;
}

/* ---- the list for check-in ----------------------------------------------------------------------- */

/* GET …/entries: every entry with what check-in needs to find a person — names, units, the last
 * four characters of the ID card, the number once drawn, the status. For the organizer and the
 * clerks at the door, never for judges or screens. */
void api_entries_list(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *list, *numbers[64] = {0};
    if (!c)
        return;
    list = json_array();
    for (size_t e = 0; e < c->def->n_events && e < 64; e++)
        numbers[e] = sv_numbers(s, c->id, c->def->events[e].id);
    for (size_t i = 0; i < c->def->n_entries; i++) {
        const cf_entry *en = &c->def->entries[i];
        json_t *people = json_array();
        for (size_t m = 0; m < en->n_members; m++) {
            const cf_member *p = &en->members[m];
            size_t n = p->id_number ? strlen(p->id_number) : 0;
            json_array_append_new(people, json_pack("{s:s,s:s?,s:s?}", "name", p->name, "unit",
                                                    p->unit, "id_tail",
                                                    n >= 4 ? p->id_number + n - 4 : NULL));
        }
        json_t *num = en->event < 64 ? json_object_get(numbers[en->event], en->id) : NULL;
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:O?,s:s,s:o}", "entry", en->id,
                                              "event", c->def->events[en->event].id,
                                              "event_name", c->def->events[en->event].name,
                                              "group", en->group, "number", num, "status",
                                              sc_status_key(en->status), "members", people));
    }
    for (size_t e = 0; e < 64; e++)
        json_decref(numbers[e]);
    sv_json(rs, 200, json_pack("{s:s,s:o}", "competition", c->id, "entries", list));
}

/* ---- check-in and disqualification ------------------------------------------------------------ */

void api_entry_status(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *doc = NULL, *reply = NULL;
    const char *want, *was, *reason;
    long ei;
    bool drawn, bad;
    sc_status to;

    if (!c || !(body = sv_body_object(rq, rs)) || (ei = path_entry(s, c, rq, body, rs)) < 0)
        goto out;
    const cf_entry *en = &c->def->entries[ei];
    if (!(want = sv_field_string(body, "status", rs)))
        goto out;
    if (strcmp(want, "ok") == 0)
        to = SC_STATUS_OK;
    else if (strcmp(want, "absent") == 0)
        to = SC_STATUS_ABSENT;
    else if (strcmp(want, "disqualified") == 0)
        to = SC_STATUS_DISQUALIFIED;
    else {
        sv_error(rs, 400, "status", "status must be ok, absent or disqualified");
        goto out;
    }
    if (event_open(s, c, en->event, &drawn, rs))
        goto out;
    was = sc_status_key(en->status);
    /* Disqualifying is the chief judge's; undoing it is arbitration's alone; check-in is the
     * organizer's or the chief judge's. */
    if (to == SC_STATUS_DISQUALIFIED && en->status != SC_STATUS_DISQUALIFIED &&
        rq->who.role != SV_CHIEF) {
        sv_error(rs, 403, "status", "only the chief judge of the event disqualifies an entry");
        goto out;
    }
    if (en->status == SC_STATUS_DISQUALIFIED && to != SC_STATUS_DISQUALIFIED &&
        rq->who.role != SV_ARBITRATION) {
        sv_error(rs, 403, "status", "only arbitration (监督仲裁) undoes a disqualification");
        goto out;
    }
    if (rq->who.role == SV_CLERK && (to == SC_STATUS_DISQUALIFIED ||
                                     en->status == SC_STATUS_DISQUALIFIED)) {
        sv_error(rs, 403, "status", "a clerk checks entries in; disqualifying is the chief "
                                    "judge's");
        goto out;
    }
    if (rq->who.role == SV_ARBITRATION && en->status != SC_STATUS_DISQUALIFIED) {
        sv_error(rs, 403, "status", "arbitration undoes disqualifications; check-in is the "
                                    "organizer's");
        goto out;
    }
    reason = reason_of(body, to == SC_STATUS_DISQUALIFIED || en->status ==
                                 SC_STATUS_DISQUALIFIED || drawn, &bad, rs);
    if (bad)
        goto out;
    reply = who_is(s, c, &rq->who, ei);
    json_object_set_new(reply, "status", json_string(want));
    if (en->status == to) {
        json_object_set_new(reply, "changed", json_false());
        sv_json(rs, 200, reply);
        reply = NULL;
        goto out;
    }
    doc = json_deep_copy(c->doc);
    json_object_set_new(json_array_get(json_object_get(doc, "entries"), (size_t)ei), "status",
                        json_string(want));
    json_t *detail = json_pack("{s:s,s:s,s:s}", "entry", en->id, "from", was, "to", want);
    if (reason)
        json_object_set_new(detail, "reason", json_string(reason));
    if (save(s, c, doc, rq->who.name, "entry_status", detail, rs))
        goto out;
    json_object_set_new(reply, "changed", json_true());
    sv_json(rs, 200, reply);
    reply = NULL;
out:
    json_decref(reply);
    json_decref(doc);
    json_decref(body);
}

/* ---- finishing times --------------------------------------------------------------------------- */

void api_entry_time(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *doc = NULL, *reply = NULL, *sec, *was;
    long ei;
    json_int_t whole = -1;

    if (!c || !(body = sv_body_object(rq, rs)) || (ei = path_entry(s, c, rq, body, rs)) < 0)
        goto out;
    sec = json_object_get(body, "seconds");
    if (json_is_number(sec)) {
        double v = json_number_value(sec);
        if (!(v >= 0 && v <= 1e7)) {
            sv_error(rs, 400, "seconds", "seconds must be between 0 and 10000000");
            goto out;
        }
        /* The file keeps whole seconds (the tie-break compares them): half a second rounds
         * up. */
        whole = (json_int_t)floor(v + 0.5);
    } else if (!json_is_null(sec)) {
        sv_error(rs, 400, "seconds", "seconds must be a number (or null to clear the time)");
        goto out;
    }
    if (event_open(s, c, c->def->entries[ei].event, NULL, rs))
        goto out;
    reply = who_is(s, c, &rq->who, ei);
    json_object_set_new(reply, "seconds", whole < 0 ? json_null() : json_integer(whole));
    doc = json_deep_copy(c->doc);
    json_t *en = json_array_get(json_object_get(doc, "entries"), (size_t)ei);
    was = json_object_get(entry_json(c, ei), "time_seconds");
    if (whole < 0)
        json_object_del(en, "time_seconds");
    else
        json_object_set_new(en, "time_seconds", json_integer(whole));
    json_t *detail = json_pack("{s:s,s:O?,s:O}", "entry", c->def->entries[ei].id, "was", was,
                               "seconds", json_object_get(reply, "seconds"));
    if (save(s, c, doc, rq->who.name, "entry_time", detail, rs))
        goto out;
    sv_json(rs, 200, reply);
    reply = NULL;
out:
    json_decref(reply);
    json_decref(doc);
    json_decref(body);
}

/* ---- theory scores ----------------------------------------------------------------------------- */

/* Sets entry's theory score in doc's theory list (added when missing). */
static void set_theory(json_t *doc, const char *entry, sc_centi score)
{
    json_t *list = json_object_get(doc, "theory"), *t, *v;
    size_t i;
    if (!list) {
        list = json_array();
        json_object_set_new(doc, "theory", list);
    }
    v = score % 100 == 0 ? json_integer(score / 100) : json_real((double)score / 100.0);
    json_array_foreach(list, i, t) {
        const char *e = json_string_value(json_object_get(t, "entry"));
        if (e && strcmp(e, entry) == 0) {
            json_object_set_new(t, "score", v);
            return;
        }
    }
    json_array_append_new(list, json_pack("{s:s,s:o}", "entry", entry, "score", v));
}

/* The theory exam system's export, read: one score per entry. */
typedef struct ct_score {
    size_t entry;
    sc_centi score;
} ct_score;

typedef struct ct_scores {
    ct_score *items;
    size_t n, cap;
} ct_scores;

static void ct_free(ct_scores *sc)
{
    free(sc->items);
    memset(sc, 0, sizeof *sc);
}

static void trim(char *t)
{
    size_t n = strlen(t), i = 0;
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        t[--n] = '\0';
    while (t[i] == ' ' || t[i] == '\t')
        i++;
    memmove(t, t + i, n - i + 1);
}

/* Whether name is the entry's (a member's name, or the team's line). */
static bool name_matches(const cf_entry *en, const char *name)
{
    char team[512];
    for (size_t m = 0; m < en->n_members; m++)
        if (strcmp(en->members[m].name, name) == 0)
            return true;
    return strcmp(cf_member_names(en, team, sizeof team), name) == 0;
}

/* Reads the CSV or the Excel workbook (table.h): 参赛号 (or entry) and 理论成绩 (or theory),
 * optionally 姓名 (or name), checked against the competition; the heads may sit below a title.
 * 0, or -1 with err naming the line and field; nothing is kept then. */
static int ct_read(const cf_competition *c, const char *body, size_t len, ct_scores *sc,
                   const char **encoding, char *err, size_t errcap)
{
    enum { T_ENTRY, T_SCORE, T_NAME, T_N };
    static const char *const names[T_N][3] = {{"参赛号", "参赛编号", "entry"},
                                               {"理论成绩", "理论", "theory"},
                                               {"姓名", "选手姓名", "name"}};
    int col[T_N] = {-1, -1, -1};
    csv_table t = {0};
    size_t head;
    bool workbook;
    sm_map *seen = NULL;
    int rc = -1;

    if (!len) {
        snprintf(err, errcap, "the body is empty; send the CSV file");
        return -1;
    }
    err[0] = '\0';
    if (tb_read(body, len, &t, encoding, err, errcap)) {
        if (!err[0])
            snprintf(err, errcap, "out of memory");
        goto out;
    }
    workbook = strcmp(*encoding, "xlsx") == 0;
    head = tb_header(&t, names[T_ENTRY], 3);
    if (t.n < head + 2) {
        snprintf(err, errcap, "line %zu: a header row and at least one score row are needed",
                 t.n ? t.rows[head].line : 1);
        goto out;
    }
    csv_row *hr = &t.rows[head];
    for (size_t i = 0; i < hr->n; i++) {
        int k;
        trim(hr->fields[i]);
        for (k = 0; k < T_N; k++)
            if (!strcmp(hr->fields[i], names[k][0]) || !strcmp(hr->fields[i], names[k][1]) ||
                !strcmp(hr->fields[i], names[k][2]))
                break;
        if (k == T_N) {
            snprintf(err, errcap, "line %zu: unknown column \"%.60s\"", hr->line, hr->fields[i]);
            goto out;
        }
        if (col[k] >= 0) {
            snprintf(err, errcap, "line %zu: column \"%s\" appears twice", hr->line, names[k][0]);
            goto out;
        }
        col[k] = (int)i;
    }
    if (col[T_ENTRY] < 0 || col[T_SCORE] < 0) {
        snprintf(err, errcap, "line %zu: the columns 参赛号 (entry) and 理论成绩 (theory) are "
                 "needed", hr->line);
        goto out;
    }
    if (!(seen = sm_new(sizeof(size_t))))
        goto oom;
    for (size_t r = head + 1; r < t.n; r++) {
        csv_row *row = &t.rows[r];
        const char *f[T_N];
        long ei;
        sc_centi score;
        size_t *at;
        bool added;
        for (int k = 0; k < T_N; k++) {
            f[k] = "";
            if (col[k] >= 0 && (size_t)col[k] < row->n) {
                trim(row->fields[col[k]]);
                f[k] = row->fields[col[k]];
                if (row->doubt && row->doubt[col[k]]) {
                    char where[64];
                    tb_where(row, (size_t)col[k], workbook, where, sizeof where);
                    snprintf(err, errcap, "%s (%s): %s", where, names[k][0], row->doubt[col[k]]);
                    goto out;
                }
            }
        }
        if ((ei = cf_entry_index(c, f[T_ENTRY])) < 0) {
            snprintf(err, errcap, "line %zu: 参赛号 (entry) \"%.64s\" is not in competition %s",
                     row->line, f[T_ENTRY], c->id);
            goto out;
        }
        if (sc_centi_parse(f[T_SCORE], strlen(f[T_SCORE]), &score) || score > 10000) {
            snprintf(err, errcap, "line %zu (entry %s): 理论成绩 (theory) \"%.32s\" is not a score "
                     "from 0 to 100 with at most 2 decimals", row->line, f[T_ENTRY], f[T_SCORE]);
            goto out;
        }
        if (col[T_NAME] >= 0 && !name_matches(&c->entries[ei], f[T_NAME])) {
            char who[512];
            snprintf(err, errcap, "line %zu (entry %s): 姓名 (name) \"%.64s\" is not this "
                     "entry's (%s)", row->line, f[T_ENTRY], f[T_NAME],
                     cf_member_names(&c->entries[ei], who, sizeof who));
            goto out;
        }
        if (c->events[c->entries[ei].event].rules.w_theory == 0) {
            snprintf(err, errcap, "line %zu (entry %s): event %s has no theory weight",
                     row->line, f[T_ENTRY], c->events[c->entries[ei].event].id);
            goto out;
        }
        if (!(at = sm_put(seen, f[T_ENTRY], &added)))
            goto oom;
        if (!added) {
            snprintf(err, errcap, "line %zu (entry %s): the entry is on line %zu already",
                     row->line, f[T_ENTRY], *at);
            goto out;
        }
        *at = row->line;
        if (VEC_RESERVE(sc->items, sc->cap, sc->n + 1, 64))
            goto oom;
        sc->items[sc->n++] = (ct_score){(size_t)ei, score};
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errcap, "out of memory");
out:
    if (rc)
        ct_free(sc);
    sm_free(seen);
    csv_free(&t);
    return rc;
}

void api_theory_import(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    ct_scores sc = {0};
    char err[600], sha_hex[AUD_HEX];
    json_t *doc = NULL;
    unsigned char sha[32];
    const char *encoding = "";

    if (!c)
        return;
    if (ct_read(c->def, rq->body, rq->body_len, &sc, &encoding, err, sizeof err)) {
        sv_error(rs, 400, NULL, "%s", err);
        goto out;
    }
    for (size_t i = 0; i < sc.n; i++) {
        size_t ev = c->def->entries[sc.items[i].entry].event;
        if (event_open(s, c, ev, NULL, rs))
            goto out;
    }
    doc = json_deep_copy(c->doc);
    for (size_t i = 0; i < sc.n; i++)
        set_theory(doc, c->def->entries[sc.items[i].entry].id, sc.items[i].score);
    aud_sha256(rq->body, rq->body_len, sha);
    aud_hex(sha, 32, sha_hex);
    size_t n = sc.n;
    if (save(s, c, doc, rq->who.name, "theory_import",
             json_pack("{s:s,s:s,s:I}", "sha256", sha_hex, "encoding", encoding, "scores",
                       (json_int_t)n),
             rs))
        goto out;
    sv_json(rs, 200, json_pack("{s:I,s:s}", "imported", (json_int_t)n, "encoding", encoding));
out:
    ct_free(&sc);
    json_decref(doc);
}

/* What the keyings of one item say. */
typedef struct tally {
    const char *me;
    int64_t mine;
    bool agreed;            /* another account keyed the same value */
    char other_by[64];
    int64_t other;
    bool disagreed;
    json_t *values;         /* [{"by", "score"}] */
} tally;

static void count_keying(void *ctx, const char *by, int64_t value)
{
    tally *t = ctx;
    char sc[24];
    json_array_append_new(t->values, json_pack("{s:s,s:s}", "by", by, "score",
                                               sc_centi_format((sc_centi)value, sc)));
    if (strcmp(by, t->me) == 0)
        return;
    if (value == t->mine) {
        t->agreed = true;
        snprintf(t->other_by, sizeof t->other_by, "%s", by);
    } else
        t->disagreed = true;
}

/* Keys value for item as the caller: 1 when two accounts now agree (keyings cleared, *t says
 * who), 0 when it waits or disagrees (t->disagreed), -1 after a 500. Inside a transaction. */
static int key_value(sv_server *s, sv_comp *c, const char *what, const char *item,
                     const char *by, int64_t value, tally *t, sv_response *rs)
{
    t->me = by;
    t->mine = value;
    t->values = json_array();
    if (st_keying_put(s->store, c->id, what, item, by, value) ||
        st_keyings(s->store, c->id, what, item, count_keying, t)) {
        sv_store_error(s, rs);
        return -1;
    }
    if (!t->agreed)
        return 0;
    if (st_keyings_clear(s->store, c->id, what, item)) {
        sv_store_error(s, rs);
        return -1;
    }
    return 1;
}

static void keying_reply(sv_response *rs, int agreed, tally *t, json_t *about)
{
    if (agreed) {
        json_object_set_new(about, "status", json_string("confirmed"));
        json_object_set_new(about, "keyed_by", json_pack("[s,s]", t->other_by, t->me));
        sv_json(rs, 200, about);
    } else if (t->disagreed) {
        json_object_set_new(about, "status", json_string("disagreement"));
        json_object_set_new(about, "error", json_string(
            "the keyings disagree; the value counts once two accounts key the same"));
        json_object_set_new(about, "values", json_incref(t->values));
        sv_json(rs, 409, about);
    } else {
        json_object_set_new(about, "status", json_string("waiting"));
        json_object_set_new(about, "values", json_incref(t->values));
        sv_json(rs, 202, about);
    }
}

/* A score field: 0 to max with at most two decimals. -1 after a 400. */
static int score_field(json_t *body, sc_centi max, sc_centi *out, sv_response *rs)
{
    json_t *v = json_object_get(body, "score");
    char mx[24];
    if (json_is_integer(v) && json_integer_value(v) >= 0 &&
        json_integer_value(v) <= max / 100) {
        *out = (sc_centi)json_integer_value(v) * 100;
    } else if (!json_is_real(v) || cf_centi_from_double(json_real_value(v), out)) {
        sv_error(rs, 400, "score", "score must be a number from 0 to %s with at most 2 decimals",
                 sc_centi_format_short(max, mx));
        return -1;
    }
    if (*out > max) {
        sv_error(rs, 400, "score", "score is above the maximum %s",
                 sc_centi_format_short(max, mx));
        return -1;
    }
    return 0;
}

void api_theory_key(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *doc = NULL;
    const char *id;
    sc_centi score;
    tally t = {0};
    long ei;
    int agreed;
    char entry[64];

    if (!c || !(body = sv_body_object(rq, rs)) || !(id = sv_field_string(body, "entry", rs)))
        goto out;
    if ((ei = cf_entry_index(c->def, id)) < 0) {
        sv_error(rs, 400, "entry", "entry %s is not in competition %s", id, c->id);
        goto out;
    }
    if (c->def->events[c->def->entries[ei].event].rules.w_theory == 0) {
        sv_error(rs, 400, "entry", "event %s has no theory weight",
                 c->def->events[c->def->entries[ei].event].id);
        goto out;
    }
    if (score_field(body, 10000, &score, rs) ||
        event_open(s, c, c->def->entries[ei].event, NULL, rs))
        goto out;
    snprintf(entry, sizeof entry, "%s", id);
    if (st_begin(s->store)) {
        sv_store_error(s, rs);
        goto out;
    }
    if ((agreed = key_value(s, c, "theory", entry, rq->who.name, score, &t, rs)) < 0)
        goto rollback;
    if (agreed) {
        /* Two accounts agree: the score goes into the document, both names into the audit, in
         * the transaction that clears the keyings. */
        char sc[24];
        doc = json_deep_copy(c->doc);
        set_theory(doc, entry, score);
        if (save_doc(s, c, doc, rq->who.name, "theory",
                     json_pack("{s:s,s:s,s:[s,s]}", "entry", entry, "score",
                               sc_centi_format(score, sc), "keyed_by", t.other_by, rq->who.name),
                     true, rs))
            goto rollback;
    }
    if (st_commit(s->store)) {
        sv_store_error(s, rs);
        goto rollback;
    }
    if (agreed) {
        char sc[24];
        sv_comp_drop(s, rq->seg[1]);
        keying_reply(rs, 1, &t, json_pack("{s:s,s:s}", "entry", entry, "score",
                                          sc_centi_format(score, sc)));
    } else
        keying_reply(rs, 0, &t, json_pack("{s:s}", "entry", entry));
    goto out;
rollback:
    st_rollback(s->store);
out:
    json_decref(t.values);
    json_decref(doc);
    json_decref(body);
}

/* GET …/keyings: what waits for a second keying, or disagrees, with every value and who keyed
 * it, so that the clerks see what to key again. */
static void gather_keying(void *ctx, const char *what, const char *item, const char *by,
                          int64_t value)
{
    json_t *byitem = ctx, *one;
    char key[256], sc[24];
    snprintf(key, sizeof key, "%s\n%s", what, item);
    if (!(one = json_object_get(byitem, key))) {
        one = json_pack("{s:s,s:s,s:[]}", "what", what, "item", item, "values");
        json_object_set_new(byitem, key, one);
    }
    json_array_append_new(json_object_get(one, "values"),
                          json_pack("{s:s,s:s}", "by", by, "score",
                                    sc_centi_format((sc_centi)value, sc)));
}

void api_keyings_list(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *byitem, *list, *one;
    const char *key;
    if (!c)
        return;
    byitem = json_object();
    if (st_keyings_each(s->store, c->id, gather_keying, byitem)) {
        json_decref(byitem);
        sv_store_error(s, rs);
        return;
    }
    list = json_array();
    json_object_foreach(byitem, key, one) {
        json_t *vals = json_object_get(one, "values");
        bool differ = false;
        for (size_t i = 1; i < json_array_size(vals); i++)
            differ |= strcmp(json_string_value(json_object_get(json_array_get(vals, i), "score")),
                             json_string_value(json_object_get(json_array_get(vals, 0),
                                                               "score"))) != 0;
        json_object_set_new(one, "status", json_string(differ ? "disagreement" : "waiting"));
        json_array_append(list, one);
    }
    json_decref(byitem);
    sv_json(rs, 200, json_pack("{s:s,s:o}", "competition", c->id, "keyings", list));
}

/* ---- paper marking sheets ----------------------------------------------------------------------- */

/* POST …/paper {"judge", "event", "number", "criterion", "score"}: a judge's mark from a paper
 * sheet, keyed twice by different accounts; it is stored as that judge's mark once two agree,
 * with who keyed it in the audit. */
void api_paper_key(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL;
    const char *judge, *evid, *number, *crit;
    char entry[64], item[200], uuid[37], why[200];
    unsigned char raw[16];
    sc_centi score;
    tally t = {0};
    long ev, ei, k;
    int agreed;

    if (!c || !(body = sv_body_object(rq, rs)) || !(judge = sv_field_string(body, "judge", rs)) ||
        !(evid = sv_field_string(body, "event", rs)) ||
        !(number = sv_field_string(body, "number", rs)) ||
        !(crit = sv_field_string(body, "criterion", rs)))
        goto out;
    if ((ev = cf_event_index(c->def, evid)) < 0) {
        sv_error(rs, 400, "event", "event %s is not in competition %s", evid, c->id);
        goto out;
    }
    int rc = st_number_entry(s->store, c->id, evid, number, entry);
    if (rc == ST_NOTFOUND) {
        sv_error(rs, 400, "number", "no entry has number %s in event %s", number, evid);
        goto out;
    }
    if (rc) {
        sv_store_error(s, rs);
        goto out;
    }
    ei = cf_entry_index(c->def, entry);
    if ((k = cf_item_index(&c->def->events[ev], crit)) < 0) {
        sv_error(rs, 400, "criterion", "criterion %s is not a criterion of event %s", crit, evid);
        goto out;
    }
    if (cf_judge_may_mark(c->def, judge, (size_t)ev) != CF_JUDGE_OK) {
        sv_error(rs, 400, "judge", "judge %s is not a judge of event %s", judge, evid);
        goto out;
    }
    if (ei >= 0 && sv_refuse_recused(c, judge, (size_t)ei, rs))
        goto out;
    if (score_field(body, cf_item_max(&c->def->events[ev], (size_t)k), &score, rs))
        goto out;
    if (cf_item_check(&c->def->events[ev], (size_t)k, score, why, sizeof why)) {
        sv_error(rs, 400, "score", "%s", why);
        goto out;
    }
    snprintf(item, sizeof item, "%s/%s/%s", entry, crit, judge);
    if (sv_batch_join(s) || st_savepoint(s->store)) {
        sv_store_error(s, rs);
        goto out;
    }
    if ((agreed = key_value(s, c, "mark", item, rq->who.name, score, &t, rs)) < 0)
        goto undo;
    if (!agreed) {
        json_t *about = json_pack("{s:s,s:s,s:s,s:s}", "judge", judge, "event", evid, "number",
                                  number, "criterion", crit);
        keying_reply(rs, 0, &t, about);
        if (st_release(s->store))
            goto undo;
        goto out;
    }
    /* The mark's id is made here: the sheet is the same sheet whoever keys it last. */
    randombytes_buf(raw, sizeof raw);
    raw[6] = (unsigned char)((raw[6] & 0x0f) | 0x40);
    raw[8] = (unsigned char)((raw[8] & 0x3f) | 0x80);
    snprintf(uuid, sizeof uuid, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8], raw[9],
             raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]);
    if (sv_audit(s, rq->who.name, "paper_keyed", c->id,
                 json_pack("{s:s,s:s,s:s,s:s,s:[s,s]}", "entry", entry, "criterion", crit,
                           "judge", judge, "id", uuid, "keyed_by", t.other_by, rq->who.name))) {
        sv_store_error(s, rs);
        goto undo;
    }
    if (api_mark_store(s, c, rq, uuid, ei, k, judge, score, true, rs))
        goto undo;
    if (st_release(s->store))
        goto undo;
    goto out;
undo:
    st_rollback_to(s->store);
out:
    json_decref(t.values);
    json_decref(body);
}

/* ---- the day's papers -------------------------------------------------------------------------- */

/* Entry e's number as the PDFs want them: pointers into the numbers JSON of each event (kept in
 * nums, which the caller frees with json_decref on each). */
static const char **numbers_by_entry(sv_server *s, sv_comp *c, json_t **nums)
{
    const char **out = calloc(c->def->n_entries + 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t e = 0; e < c->def->n_events; e++)
        nums[e] = sv_numbers(s, c->id, c->def->events[e].id);
    for (size_t i = 0; i < c->def->n_entries; i++) {
        json_t *n = nums[c->def->entries[i].event];
        out[i] = n ? json_string_value(json_object_get(n, c->def->entries[i].id)) : NULL;
    }
    return out;
}

static void pdf_reply(sv_response *rs, unsigned char *pdf, size_t len, const char *comp,
                      const char *name)
{
    rs->body = (char *)pdf;
    rs->len = len;
    rs->status = 200;
    rs->ctype = "application/pdf";
    snprintf(rs->filename, sizeof rs->filename, "%s-%s", comp, name);
}

static void base_url(const sv_request *rq, char *out, size_t cap)
{
    snprintf(out, cap, "http://%s", rq->host[0] ? rq->host : "127.0.0.1:8080");
}

typedef enum paper { P_FORMS, P_SLIPS, P_SEALED } paper;

static void day_paper(sv_server *s, sv_request *rq, sv_response *rs, paper which)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *nums[64] = {0};
    const char **numbers = NULL;
    rp_judge judges[64];
    size_t nj = 0, ev = RP_ALL_EVENTS;
    unsigned char *pdf = NULL;
    size_t len = 0;
    char err[400] = "", base[160], name[96];
    rp_opts o = {.font_path = getenv("SKILLSCORE_FONT"), .verify_base = base};
    int rc = -1;

    if (!c)
        return;
    if (c->def->n_events > 64) {
        sv_error(rs, 500, NULL, "more than 64 events");
        return;
    }
    if (which != P_SLIPS) {
        long e = sv_path_event(c, rq, rs);
        if (e < 0)
            return;
        ev = (size_t)e;
    } else {
        char q[80] = "";
        const char *at = strstr(rq->query, "event=");
        if (at)
            snprintf(q, sizeof q, "%.*s", (int)strcspn(at + 6, "&"), at + 6);
        if (q[0] && (ev = (size_t)cf_event_index(c->def, q)) == RP_ALL_EVENTS) {
            sv_error(rs, 404, NULL, "no event %s in competition %s", q, c->id);
            return;
        }
    }
    if (which == P_FORMS && rq->who.role == SV_CHIEF) {
        long ri = sv_judge_index(&rq->who, c);
        if (ri < 0 || !cf_roster_judges_event(&c->def->roster[ri], ev)) {
            sv_error(rs, 403, NULL, "%s is not the chief judge of event %s", rq->who.name,
                     c->def->events[ev].id);
            return;
        }
    }
    if (!(numbers = numbers_by_entry(s, c, nums))) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    base_url(rq, base, sizeof base);
    if (which == P_FORMS) {
        for (size_t j = 0; j < c->def->n_roster && nj < 64; j++)
            if (cf_roster_judges_event(&c->def->roster[j], ev))
                judges[nj++] = (rp_judge){c->def->roster[j].id, c->def->roster[j].name};
        if (!nj) /* no judges list: one blank form for whoever marks */
            judges[nj++] = (rp_judge){"________", NULL};
        rc = rp_marking_forms_pdf(c->def, ev, numbers, judges, nj, &o, &pdf, &len, err,
                                  sizeof err);
        snprintf(name, sizeof name, "%s-forms.pdf", c->def->events[ev].id);
    } else if (which == P_SLIPS) {
        rc = rp_admission_slips_pdf(c->def, ev, numbers, &o, &pdf, &len, err, sizeof err);
        snprintf(name, sizeof name, "%s-slips.pdf",
                 ev == RP_ALL_EVENTS ? "all" : c->def->events[ev].id);
    } else {
        /* The sealed list joins numbers to names: the organizer prints it once for the
         * envelope; any later print is arbitration's, and every print is counted and audited. */
        char counter[200];
        int64_t printed = 0;
        snprintf(counter, sizeof counter, "sealed:%s:%s", c->id, c->def->events[ev].id);
        if (st_counter_get(s->store, counter, &printed)) {
            sv_store_error(s, rs);
            goto out;
        }
        if (printed > 0 && rq->who.role != SV_ARBITRATION) {
            sv_error(rs, 409, NULL, "the sealed list of event %s was printed %lld time(s); "
                     "printing it again is for arbitration (监督仲裁)", c->def->events[ev].id,
                     (long long)printed);
            goto out;
        }
        /* Rendered before it is counted, so a failed render is not a print; on one event loop
         * nobody can print in between. */
        rc = rp_sealed_list_pdf(c->def, ev, numbers, (int)printed + 1, &o, &pdf, &len, err,
                                sizeof err);
        if (rc)
            goto failed;
        if (st_begin(s->store) || st_counter_next(s->store, counter, &printed) ||
            sv_audit(s, rq->who.name, "sealed_print", c->id,
                     json_pack("{s:s,s:I}", "event", c->def->events[ev].id, "print",
                               (json_int_t)printed)) ||
            st_commit(s->store)) {
            st_rollback(s->store);
            free(pdf);
            sv_store_error(s, rs);
            goto out;
        }
        snprintf(name, sizeof name, "%s-sealed-%lld.pdf", c->def->events[ev].id,
                 (long long)printed);
    }
failed:
    if (rc) {
        sv_error(rs, 500, NULL, "cannot write the PDF: %s", err);
        goto out;
    }
    pdf_reply(rs, pdf, len, c->id, name);
out:
    free(numbers);
    for (size_t e = 0; e < 64; e++)
        json_decref(nums[e]);
}

void api_forms_pdf(sv_server *s, sv_request *rq, sv_response *rs) { day_paper(s, rq, rs, P_FORMS); }
void api_slips_pdf(sv_server *s, sv_request *rq, sv_response *rs) { day_paper(s, rq, rs, P_SLIPS); }
void api_sealed_pdf(sv_server *s, sv_request *rq, sv_response *rs)
{
    day_paper(s, rq, rs, P_SEALED);
}
