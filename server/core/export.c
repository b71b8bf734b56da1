/*
 * export.c — what the store holds, as a competition file and as results (see export.h).
 */
#include "server/core/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_mark(void *ctx, const st_mark *m)
{
    json_t *arr = ctx, *score;
    if (m->score % 100 == 0)
        score = json_integer(m->score / 100);
    else
        score = json_real((double)m->score / 100.0);
    return json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o}", "entry", m->entry,
                                                "criterion", m->criterion, "judge", m->judge,
                                                "score", score));
}

char *ex_export(st_store *st, const char *id, const json_t *stored, size_t *len)
{
    json_t *doc = json_deep_copy(stored), *marks = json_array();
    char *text = NULL;

    if (!doc || !marks || st_marks_current(st, id, add_mark, marks))
        goto out;
    /* Keep the file's key order, marks after entries as in the format's example. */
    json_object_del(doc, "marks");
    if (json_object_set(doc, "marks", marks))
        goto out;
    /* 15 significant digits print a two-decimal score as its shortest text (27.5, not
     * 27.499999999999999), which the reader takes back exactly. */
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (text) {
        size_t n = strlen(text);
        char *t = realloc(text, n + 2);
        if (t) {
            text = t;
            text[n] = '\n';
            text[n + 1] = '\0';
            *len = n + 1;
        } else {
            free(text);
            text = NULL;
        }
    }
out:
    json_decref(doc);
    json_decref(marks);
    return text;
}

int ex_compute(st_store *st, const char *id, const json_t *doc, cf_competition **full,
               cf_results **r, bool *provisional, cf_diag *diag)
{
    size_t len = 0;
    char *text = ex_export(st, id, doc, &len);

    *full = NULL;
    *r = NULL;
    *provisional = false;
    if (!text) {
        snprintf(diag->message, sizeof diag->message, "cannot build the export: %s",
                 st_errmsg(st));
        return -1;
    }
    if (cf_read(text, len, full, diag))
        goto fail;
    free(text);
    text = NULL;
    if (cf_compute(*full, 0, r, diag)) {
        *provisional = true;
        if (cf_compute(*full, SC_ALLOW_INCOMPLETE, r, diag))
            goto fail;
    }
    return 0;
fail:
    free(text);
    cf_free(*full);
    *full = NULL;
    return -1;
}

bool *ex_event_mask(st_store *st, const char *id, const cf_competition *def, bool published)
{
    bool *mask = calloc(def->n_events + 1, sizeof *mask);
    if (!mask)
        return NULL;
    for (size_t e = 0; e < def->n_events; e++) {
        st_event_state es;
        if (st_event_get(st, id, def->events[e].id, &es)) {
            free(mask);
            return NULL;
        }
        mask[e] = published ? es.published : es.locked;
    }
    return mask;
}

