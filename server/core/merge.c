/*
 * merge.c — live updates merged into one: see merge.h.
 */
#include "server/core/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mg_merge {
    json_t *from, *seq, *ceremony; /* owned references */
    json_t *medals;                /* the newest "medal_table" (json null when it went away) */
    json_t *groups;                /* "event\x1fgroup" -> {"head": group without rows, "rows"} */
    json_t *order;                 /* keys in first-seen order */
    size_t count;
    bool broken;
};

mg_merge *mg_new(void)
{
    mg_merge *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->groups = json_object();
    m->order = json_array();
    if (!m->groups || !m->order) {
        mg_free(m);
        return NULL;
    }
    return m;
}

void mg_free(mg_merge *m)
{
    if (!m)
        return;
    json_decref(m->from);
    json_decref(m->seq);
    json_decref(m->ceremony);
    json_decref(m->medals);
    json_decref(m->groups);
    json_decref(m->order);
    free(m);
}

static void keep(json_t **slot, json_t *v)
{
    json_incref(v);
    json_decref(*slot);
    *slot = v;
}

static bool add_group(mg_merge *m, json_t *g)
{
    char key[300];
    json_t *rows = json_object_get(g, "rows"), *r, *have, *head;
    size_t j;
    bool full = json_is_true(json_object_get(g, "full"));

    snprintf(key, sizeof key, "%s\x1f%s", json_string_value(json_object_get(g, "event")),
             json_string_value(json_object_get(g, "group")));
    have = json_object_get(m->groups, key);
    if (!have && json_array_append_new(m->order, json_string(key)))
        return false;
    if (have && !full)
        /* A group once sent whole stays whole: its rows here are all it has. */
        full = json_is_true(json_object_get(json_object_get(have, "head"), "full"));
    else {
        have = json_pack("{s:o,s:o}", "head", json_object(), "rows", json_object());
        if (!have || json_object_set_new(m->groups, key, have))
            return false;
    }
    if (!(head = json_copy(g)))
        return false;
    json_object_del(head, "rows");
    if (full)
        json_object_set_new(head, "full", json_true());
    json_object_set_new(have, "head", head);
    json_array_foreach(rows, j, r)
        if (json_object_set(json_object_get(have, "rows"),
                            json_string_value(json_object_get(r, "key")), r))
            return false;
    return true;
}

bool mg_add(mg_merge *m, const json_t *u)
{
    json_t *g, *type = json_object_get(u, "type");
    size_t i;
    if (m->broken || !type || strcmp(json_string_value(type), "update") != 0) {
        m->broken = true;
        return false;
    }
    if (!m->from)
        keep(&m->from, json_object_get(u, "from"));
    keep(&m->seq, json_object_get(u, "seq"));
    if (json_object_get(u, "ceremony"))
        keep(&m->ceremony, json_object_get(u, "ceremony"));
    if (json_object_get(u, "medal_table"))
        keep(&m->medals, json_object_get(u, "medal_table"));
    json_array_foreach(json_object_get(u, "rankings"), i, g)
        if (!add_group(m, g)) {
            m->broken = true;
            return false;
        }
    m->count++;
    return true;
}

bool mg_add_text(mg_merge *m, const char *text, size_t len)
{
    json_t *u = json_loadb(text, len, 0, NULL);
    bool ok = u && mg_add(m, u);
    json_decref(u);
    if (!ok)
        m->broken = true;
    return ok;
}

size_t mg_count(const mg_merge *m) { return m->count; }

char *mg_text(const mg_merge *m, const char *comp, size_t *len)
{
    json_t *k, *out = NULL, *list;
    size_t i;
    char *text = NULL;

    if (m->broken || !m->count || !(list = json_array()))
        return NULL;
    json_array_foreach(m->order, i, k) {
        json_t *have = json_object_get(m->groups, json_string_value(k));
        json_t *g = json_copy(json_object_get(have, "head")), *rows = json_array(), *r;
        const char *rk;
        if (!g || !rows) {
            json_decref(g);
            json_decref(rows);
            goto out;
        }
        json_object_foreach(json_object_get(have, "rows"), rk, r)
            json_array_append(rows, r);
        json_object_set_new(g, "rows", rows);
        json_array_append_new(list, g);
    }
    out = json_pack("{s:s,s:s,s:O,s:O,s:O}", "type", "update", "competition", comp, "from",
                    m->from, "seq", m->seq, "rankings", list);
    if (out && m->ceremony)
        json_object_set(out, "ceremony", m->ceremony);
    if (out && m->medals)
        json_object_set(out, "medal_table", m->medals);
    if (out && (text = json_dumps(out, JSON_COMPACT)))
        *len = strlen(text);
out:
    json_decref(list);
    json_decref(out);
    return text;
}
