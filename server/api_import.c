/*
 * api_import.c — adding entries from a CSV file as organizers keep them (报名表): one row per
 * person, team members on consecutive or scattered rows sharing the entry number. Column names
 * are Chinese or English; the order is free.
 *
 *   参赛号,项目,组别,选手编号,姓名,性别,身份证号,工作单位,学生,现等级,曾晋升,教练
 *
 * The rows become entries appended to the competition document, and the whole document is
 * checked again by cf_read(), so a CSV entry obeys exactly the rules of a competition file.
 * Every fault names its line; a refused file changes nothing.
 */
#include "audit.h"
#include "csv.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col { C_ENTRY, C_EVENT, C_GROUP, C_MEMBER, C_NAME, C_GENDER, C_ID_NUMBER, C_UNIT, C_STUDENT,
           C_LEVEL, C_PROMOTED, C_COACH, C_N };

static const struct {
    const char *zh, *alt, *en;
    bool required;
} columns[C_N] = {
    [C_ENTRY] = {"参赛号", "参赛编号", "entry", true},
    [C_EVENT] = {"项目", "竞赛项目", "event", true},
    [C_GROUP] = {"组别", NULL, "group", false},
    [C_MEMBER] = {"选手编号", NULL, "member", true},
    [C_NAME] = {"姓名", NULL, "name", true},
    [C_GENDER] = {"性别", NULL, "gender", false},
    [C_ID_NUMBER] = {"身份证号", "身份证号码", "id_number", false},
    [C_UNIT] = {"工作单位", "单位", "unit", false},
    [C_STUDENT] = {"学生", "是否学生", "student", false},
    [C_LEVEL] = {"现等级", "等级", "level", false},
    [C_PROMOTED] = {"曾晋升", "已晋升", "promoted_before", false},
    [C_COACH] = {"教练", NULL, "coach", false},
};

static void trim(char *s)
{
    size_t n = strlen(s), i = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    memmove(s, s + i, n - i + 1);
}

/* 1 yes, 0 no, -1 neither. */
static int yes_no(const char *s)
{
    static const char *const yes[] = {"是", "yes", "true", "1", "Y", "y"};
    static const char *const no[] = {"否", "no", "false", "0", "N", "n", ""};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (strcmp(s, yes[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (strcmp(s, no[i]) == 0)
            return 0;
    return -1;
}

typedef struct new_entry {
    json_t *obj;
    size_t line;
    size_t member_lines[SC_MAX_MEMBERS + 1];
} new_entry;

/* Rewrites "entries[k].members[m]…" for a new entry into "line L (entry X): …". */
static void name_line(char *msg, size_t cap, const new_entry *added, size_t n_old, size_t n_new)
{
    unsigned long k, m;
    int used = 0;
    char rest[600];
    if (sscanf(msg, "entries[%lu]%n", &k, &used) != 1 || k < n_old || k - n_old >= n_new)
        return;
    const new_entry *e = &added[k - n_old];
    size_t line = e->line;
    int used2 = 0;
    if (sscanf(msg + used, ".members[%lu]%n", &m, &used2) == 1 && m <= SC_MAX_MEMBERS &&
        e->member_lines[m])
        line = e->member_lines[m];
    snprintf(rest, sizeof rest, "%s", msg + used + used2);
    snprintf(msg, cap, "line %zu (entry %.64s)%s%.400s", line,
             json_string_value(json_object_get(e->obj, "id")), rest[0] == '.' ? " field " : "",
             rest[0] == '.' ? rest + 1 : rest);
}

void api_entries_import(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    char err[600], *text = NULL, *doc_text = NULL, sha_hex[AUD_HEX];
    const char *encoding = "";
    csv_table t = {0};
    int col[C_N];
    new_entry *added = NULL;
    size_t n_added = 0, n_old;
    json_t *doc = NULL, *entries;
    cf_competition *check = NULL;
    cf_diag diag = {0};
    unsigned char sha[32];

    if (!c)
        return;
    if (rq->body_len == 0) {
        sv_error(rs, 400, NULL, "the body is empty; send the CSV file");
        return;
    }
    if (!(text = csv_to_utf8(rq->body, rq->body_len, &encoding, err, sizeof err)) ||
        csv_parse(text, &t, err, sizeof err)) {
        sv_error(rs, 400, NULL, "%s", text ? err : err[0] ? err : "out of memory");
        goto out;
    }
    if (t.n < 2) {
        sv_error(rs, 400, NULL, "line 1: a header row and at least one entry row are needed");
        goto out;
    }
    for (int k = 0; k < C_N; k++)
        col[k] = -1;
    for (size_t i = 0; i < t.rows[0].n; i++) {
        char *h = t.rows[0].fields[i];
        int k;
        trim(h);
        for (k = 0; k < C_N; k++)
            if (strcmp(h, columns[k].zh) == 0 || strcmp(h, columns[k].en) == 0 ||
                (columns[k].alt && strcmp(h, columns[k].alt) == 0))
                break;
        if (k == C_N) {
            sv_error(rs, 400, NULL, "line 1: unknown column \"%s\"", h);
            goto out;
        }
        if (col[k] >= 0) {
            sv_error(rs, 400, NULL, "line 1: column \"%s\" appears twice", h);
            goto out;
        }
        col[k] = (int)i;
    }
    for (int k = 0; k < C_N; k++)
        if (columns[k].required && col[k] < 0) {
            sv_error(rs, 400, NULL, "line 1: the column \"%s\" (%s) is missing", columns[k].zh,
                     columns[k].en);
            goto out;
        }

    doc = json_deep_copy(c->doc);
    entries = json_object_get(doc, "entries");
    n_old = json_array_size(entries);
    added = calloc(t.n, sizeof *added);
    if (!doc || !entries || !added) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    for (size_t r = 1; r < t.n; r++) {
        csv_row *row = &t.rows[r];
        const char *f[C_N];
        json_t *member, *entry = NULL;
        long ev;
        int student, promoted;

        for (int k = 0; k < C_N; k++) {
            f[k] = "";
            if (col[k] >= 0 && (size_t)col[k] < row->n) {
                trim(row->fields[col[k]]);
                f[k] = row->fields[col[k]];
            }
        }
        for (int k = 0; k < C_N; k++)
            if (columns[k].required && !f[k][0]) {
                sv_error(rs, 400, columns[k].en, "line %zu: %s (%s) is empty", row->line,
                         columns[k].zh, columns[k].en);
                goto out;
            }
        ev = cf_event_index(c->def, f[C_EVENT]);
        for (size_t e = 0; ev < 0 && e < c->def->n_events; e++)
            if (strcmp(c->def->events[e].name, f[C_EVENT]) == 0)
                ev = (long)e;
        if (ev < 0) {
            sv_error(rs, 400, "event", "line %zu: no event \"%s\" in competition %s", row->line,
                     f[C_EVENT], c->id);
            goto out;
        }
        if ((student = yes_no(f[C_STUDENT])) < 0 || (promoted = yes_no(f[C_PROMOTED])) < 0) {
            sv_error(rs, 400, student < 0 ? "student" : "promoted_before",
                     "line %zu: %s must be 是 or 否", row->line,
                     student < 0 ? columns[C_STUDENT].zh : columns[C_PROMOTED].zh);
            goto out;
        }
        if (cf_entry_index(c->def, f[C_ENTRY]) >= 0) {
            sv_error(rs, 400, "entry", "line %zu: entry %s is already in the competition",
                     row->line, f[C_ENTRY]);
            goto out;
        }
        member = json_pack("{s:s,s:s,s:b,s:b}", "id", f[C_MEMBER], "name", f[C_NAME], "student",
                           student, "promoted_before", promoted);
        json_object_set_new(member, "level", f[C_LEVEL][0] ? json_string(f[C_LEVEL]) : json_null());
        if (f[C_UNIT][0])
            json_object_set_new(member, "unit", json_string(f[C_UNIT]));
        if (f[C_GENDER][0])
            json_object_set_new(member, "gender", json_string(f[C_GENDER]));
        if (f[C_ID_NUMBER][0])
            json_object_set_new(member, "id_number", json_string(f[C_ID_NUMBER]));
        for (size_t a = 0; a < n_added; a++)
            if (strcmp(json_string_value(json_object_get(added[a].obj, "id")), f[C_ENTRY]) == 0)
                entry = added[a].obj;
        if (entry) {
            new_entry *e = NULL;
            for (size_t a = 0; a < n_added; a++)
                if (added[a].obj == entry)
                    e = &added[a];
            if (strcmp(json_string_value(json_object_get(entry, "event")),
                       c->def->events[ev].id) != 0) {
                json_decref(member);
                sv_error(rs, 400, "event", "line %zu: entry %s is in event %s on line %zu",
                         row->line, f[C_ENTRY], json_string_value(json_object_get(entry, "event")),
                         e->line);
                goto out;
            }
            size_t m = json_array_size(json_object_get(entry, "members"));
            if (m <= SC_MAX_MEMBERS)
                e->member_lines[m] = row->line;
            json_array_append_new(json_object_get(entry, "members"), member);
            continue;
        }
        {
            st_event_state st;
            if (st_event_get(s->store, c->id, c->def->events[ev].id, &st)) {
                json_decref(member);
                sv_store_error(s, rs);
                goto out;
            }
            if (st.drawn || st.locked) {
                json_decref(member);
                sv_error(rs, 409, "event", "line %zu: the numbers of event %s are drawn; no more "
                         "entries can join it", row->line, c->def->events[ev].id);
                goto out;
            }
        }
        entry = json_pack("{s:s,s:s,s:s,s:[o]}", "id", f[C_ENTRY], "event", c->def->events[ev].id,
                          "group", f[C_GROUP][0] ? f[C_GROUP] : "默认组", "members", member);
        if (f[C_COACH][0])
            json_object_set_new(entry, "coach", json_string(f[C_COACH]));
        added[n_added].obj = entry;
        added[n_added].line = row->line;
        added[n_added].member_lines[0] = row->line;
        n_added++;
        json_array_append_new(entries, entry);
    }
    doc_text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (!doc_text) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    if (cf_read(doc_text, strlen(doc_text), &check, &diag)) {
        name_line(diag.message, sizeof diag.message, added, n_old, n_added);
        sv_error(rs, 400, NULL, "%s", diag.message);
        goto out;
    }
    aud_sha256(rq->body, rq->body_len, sha);
    aud_hex(sha, 32, sha_hex);
    if (sv_comp_save_doc(s, c, doc_text, rq->who.name, "entries_import",
                         json_pack("{s:s,s:s,s:I,s:I}", "sha256", sha_hex, "encoding", encoding,
                                   "rows", (json_int_t)(t.n - 1), "entries",
                                   (json_int_t)n_added))) {
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 200, json_pack("{s:I,s:I,s:s}", "added", (json_int_t)n_added, "entries",
                               (json_int_t)(n_old + n_added), "encoding", encoding));
out:
    cf_free(check);
    free(doc_text);
    free(added);
    json_decref(doc);
    csv_free(&t);
    free(text);
}
