/*
 * api_import.c — adding entries from a CSV file as organizers keep them (报名表): one row per
 * person, team members on consecutive or scattered rows sharing the entry number. Column names
 * are Chinese or English; the order is free.
 *
 *   参赛号,项目,组别,选手编号,姓名,性别,身份证号,工作单位,学生,现等级,曾晋升,教练,代表队
 *
 * 代表队 (delegation: a 州市 or an industry system, for the medal table) is the entry's: a team's
 * later rows may leave it empty, but may not name another.
 *
 * The same table may come as an Excel workbook (.xlsx, told by its content; table.h): the heads
 * are found by their names below any title rows, and lines are Excel's row numbers.
 *
 * The rows become entries appended to the competition document, and the whole document is
 * checked again by cf_read(), so a CSV entry obeys exactly the rules of a competition file.
 * Every fault names its line; a refused file changes nothing.
 */
#include "server/store/audit.h"
#include "server/lib/csv.h"
#include "server/lib/table.h"
#include "server/api/api.h"
#include "server/core/server.h"
#include "server/lib/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col { C_ENTRY, C_EVENT, C_GROUP, C_MEMBER, C_NAME, C_GENDER, C_ID_NUMBER, C_UNIT, C_STUDENT,
           C_LEVEL, C_PROMOTED, C_COACH, C_DELEGATION, C_N };

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
    [C_DELEGATION] = {"代表队", "代表团", "delegation", false},
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

/* Maps the header row to columns: 0, or -1 with a 400 naming its line. */
static int map_columns(csv_row *head, int col[C_N], sv_response *rs)
{
    for (int k = 0; k < C_N; k++)
        col[k] = -1;
    for (size_t i = 0; i < head->n; i++) {
        char *h = head->fields[i];
        int k;
        trim(h);
        for (k = 0; k < C_N; k++)
            if (strcmp(h, columns[k].zh) == 0 || strcmp(h, columns[k].en) == 0 ||
                (columns[k].alt && strcmp(h, columns[k].alt) == 0))
                break;
        if (k == C_N) {
            sv_error(rs, 400, NULL, "line %zu: unknown column \"%s\"", head->line, h);
            return -1;
        }
        if (col[k] >= 0) {
            sv_error(rs, 400, NULL, "line %zu: column \"%s\" appears twice", head->line, h);
            return -1;
        }
        col[k] = (int)i;
    }
    for (int k = 0; k < C_N; k++)
        if (columns[k].required && col[k] < 0) {
            sv_error(rs, 400, NULL, "line %zu: the column \"%s\" (%s) is missing", head->line,
                     columns[k].zh, columns[k].en);
            return -1;
        }
    return 0;
}

/* One CSV import: what is being added, and where each entry was first seen. */
typedef struct import {
    sv_server *s;
    sv_comp *c;
    json_t *entries;        /* the new document's entries array */
    new_entry *added;
    size_t n_added, n_old;
    sm_map *by_id;          /* entry id -> size_t index into added */
    bool *event_open;       /* per event: not drawn or locked (read once) */
    bool workbook;          /* an .xlsx: messages name the column too */
} import;

/* A row's person as a member object; NULL after a 400. */
static json_t *member_of(const char *const f[C_N], const csv_row *row, sv_response *rs)
{
    int student = yes_no(f[C_STUDENT]), promoted = yes_no(f[C_PROMOTED]);
    json_t *m;
    if (student < 0 || promoted < 0) {
        sv_error(rs, 400, student < 0 ? "student" : "promoted_before",
                 "line %zu: %s must be 是 or 否", row->line,
                 student < 0 ? columns[C_STUDENT].zh : columns[C_PROMOTED].zh);
        return NULL;
    }
    m = json_pack("{s:s,s:s,s:b,s:b}", "id", f[C_MEMBER], "name", f[C_NAME], "student", student,
                  "promoted_before", promoted);
    json_object_set_new(m, "level", f[C_LEVEL][0] ? json_string(f[C_LEVEL]) : json_null());
    if (f[C_UNIT][0])
        json_object_set_new(m, "unit", json_string(f[C_UNIT]));
    if (f[C_GENDER][0])
        json_object_set_new(m, "gender", json_string(f[C_GENDER]));
    if (f[C_ID_NUMBER][0])
        json_object_set_new(m, "id_number", json_string(f[C_ID_NUMBER]));
    return m;
}

/* Adds one row: a new entry, or a further member of one seen on an earlier line. 0, or -1 with
 * rs filled. */
static int add_row(import *im, csv_row *row, const int col[C_N], sv_response *rs)
{
    const cf_competition *def = im->c->def;
    const char *f[C_N];
    json_t *member, *entry;
    size_t *seen;
    long ev;

    for (int k = 0; k < C_N; k++) {
        f[k] = "";
        if (col[k] >= 0 && (size_t)col[k] < row->n) {
            trim(row->fields[col[k]]);
            f[k] = row->fields[col[k]];
            if (row->doubt && row->doubt[col[k]]) {
                char where[64];
                tb_where(row, (size_t)col[k], im->workbook, where, sizeof where);
                sv_error(rs, 400, columns[k].en, "%s (%s): %s", where, columns[k].zh,
                         row->doubt[col[k]]);
                return -1;
            }
        }
    }
    for (int k = 0; k < C_N; k++)
        if (columns[k].required && !f[k][0]) {
            sv_error(rs, 400, columns[k].en, "line %zu: %s (%s) is empty", row->line,
                     columns[k].zh, columns[k].en);
            return -1;
        }
    ev = cf_event_index(def, f[C_EVENT]);
    for (size_t e = 0; ev < 0 && e < def->n_events; e++)
        if (strcmp(def->events[e].name, f[C_EVENT]) == 0)
            ev = (long)e;
    if (ev < 0) {
        sv_error(rs, 400, "event", "line %zu: no event \"%s\" in competition %s", row->line,
                 f[C_EVENT], im->c->id);
        return -1;
    }
    if (cf_entry_index(def, f[C_ENTRY]) >= 0) {
        sv_error(rs, 400, "entry", "line %zu: entry %s is already in the competition", row->line,
                 f[C_ENTRY]);
        return -1;
    }
    if (!(member = member_of(f, row, rs)))
        return -1;
    if ((seen = sm_get(im->by_id, f[C_ENTRY]))) {
        new_entry *e = &im->added[*seen];
        const char *was = json_string_value(json_object_get(e->obj, "event"));
        size_t m = json_array_size(json_object_get(e->obj, "members"));
        if (strcmp(was, def->events[ev].id) != 0) {
            json_decref(member);
            sv_error(rs, 400, "event", "line %zu: entry %s is in event %s on line %zu", row->line,
                     f[C_ENTRY], was, e->line);
            return -1;
        }
        /* A team belongs to one delegation: a member row may repeat it or leave it empty. */
        if (f[C_DELEGATION][0]) {
            const char *d = json_string_value(json_object_get(e->obj, "delegation"));
            if (d && strcmp(d, f[C_DELEGATION]) != 0) {
                json_decref(member);
                sv_error(rs, 400, "delegation", "line %zu: entry %s is in 代表队 \"%s\" on line %zu, "
                         "not \"%s\" (a team belongs to one delegation)", row->line, f[C_ENTRY], d,
                         e->line, f[C_DELEGATION]);
                return -1;
            }
            if (!d)
                json_object_set_new(e->obj, "delegation", json_string(f[C_DELEGATION]));
        }
        if (m <= SC_MAX_MEMBERS)
            e->member_lines[m] = row->line;
        json_array_append_new(json_object_get(e->obj, "members"), member);
        return 0;
    }
    if (!im->event_open[ev]) {
        json_decref(member);
        sv_error(rs, 409, "event", "line %zu: the numbers of event %s are drawn; no more entries "
                 "can join it", row->line, def->events[ev].id);
        return -1;
    }
    entry = json_pack("{s:s,s:s,s:s,s:[o]}", "id", f[C_ENTRY], "event", def->events[ev].id,
                      "group", f[C_GROUP][0] ? f[C_GROUP] : "默认组", "members", member);
    if (f[C_COACH][0])
        json_object_set_new(entry, "coach", json_string(f[C_COACH]));
    if (f[C_DELEGATION][0])
        json_object_set_new(entry, "delegation", json_string(f[C_DELEGATION]));
    if (!(seen = sm_put(im->by_id, f[C_ENTRY], NULL))) {
        json_decref(entry);
        sv_error(rs, 500, NULL, "out of memory");
        return -1;
    }
    *seen = im->n_added;
    im->added[im->n_added].obj = entry;
    im->added[im->n_added].line = row->line;
    im->added[im->n_added].member_lines[0] = row->line;
    im->n_added++;
    json_array_append_new(im->entries, entry);
    return 0;
}

/* Which events still take entries: not drawn and not locked. 0, or -1 after a 500. */
static int read_open_events(import *im, sv_response *rs)
{
    for (size_t e = 0; e < im->c->def->n_events; e++) {
        st_event_state st;
        if (st_event_get(im->s->store, im->c->id, im->c->def->events[e].id, &st)) {
            sv_store_error(im->s, rs);
            return -1;
        }
        im->event_open[e] = !st.drawn && !st.locked;
    }
    return 0;
}

void api_entries_import(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    char err[600], *doc_text = NULL, sha_hex[AUD_HEX];
    const char *encoding = "";
    csv_table t = {0};
    size_t head = 0;
    int col[C_N];
    import im = {.s = s, .c = c};
    json_t *doc = NULL;
    cf_competition *check = NULL;
    cf_diag diag = {0};
    unsigned char sha[32];

    if (!c)
        return;
    if (rq->body_len == 0) {
        sv_error(rs, 400, NULL, "the body is empty; send the CSV file");
        return;
    }
    err[0] = '\0';
    if (tb_read(rq->body, rq->body_len, &t, &encoding, err, sizeof err)) {
        sv_error(rs, 400, NULL, "%s", err[0] ? err : "out of memory");
        goto out;
    }
    static const char *const entry_heads[] = {"参赛号", "参赛编号", "entry"};
    head = tb_header(&t, entry_heads, 3);
    if (t.n < head + 2) {
        sv_error(rs, 400, NULL, "line %zu: a header row and at least one entry row are needed",
                 t.n ? t.rows[head].line : 1);
        goto out;
    }
    if (map_columns(&t.rows[head], col, rs))
        goto out;
    im.workbook = strcmp(encoding, "xlsx") == 0;
    doc = json_deep_copy(c->doc);
    im.entries = json_object_get(doc, "entries");
    im.n_old = json_array_size(im.entries);
    im.added = calloc(t.n, sizeof *im.added);
    im.by_id = sm_new(sizeof(size_t));
    im.event_open = calloc(c->def->n_events + 1, sizeof *im.event_open);
    if (!doc || !im.entries || !im.added || !im.by_id || !im.event_open) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    if (read_open_events(&im, rs))
        goto out;
    for (size_t r = head + 1; r < t.n; r++)
        if (add_row(&im, &t.rows[r], col, rs))
            goto out;
    doc_text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (!doc_text) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    /* The whole document is read again: a CSV entry obeys exactly the rules of a file. */
    if (cf_read(doc_text, strlen(doc_text), &check, &diag)) {
        name_line(diag.message, sizeof diag.message, im.added, im.n_old, im.n_added);
        sv_error(rs, 400, NULL, "%s", diag.message);
        goto out;
    }
    aud_sha256(rq->body, rq->body_len, sha);
    aud_hex(sha, 32, sha_hex);
    if (sv_comp_save_doc(s, c, doc_text, rq->who.name, "entries_import",
                         json_pack("{s:s,s:s,s:I,s:I}", "sha256", sha_hex, "encoding", encoding,
                                   "rows", (json_int_t)(t.n - head - 1), "entries",
                                   (json_int_t)im.n_added))) {
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 200, json_pack("{s:I,s:I,s:s}", "added", (json_int_t)im.n_added, "entries",
                               (json_int_t)(im.n_old + im.n_added), "encoding", encoding));
out:
    cf_free(check);
    free(doc_text);
    free(im.added);
    free(im.event_open);
    sm_free(im.by_id);
    json_decref(doc);
    csv_free(&t);
}
