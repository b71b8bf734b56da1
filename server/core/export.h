/*
 * export.h — a stored competition as a file and as results (prefix ex_): its document with every
 * current mark (the export, exactly what `skillscore compute` reads), the export computed, and
 * which events are locked or published. Works on the store alone, so the server and the command
 * line compute the same way.
 */
#ifndef SKILLSCORE_EXPORT_H
#define SKILLSCORE_EXPORT_H

#include "compfile/compfile.h"
#include "server/store/store.h"

#include <jansson.h>
#include <stdbool.h>

/* The competition file id with doc (the stored document, without marks) and every current mark,
 * newline-terminated, malloc'd; NULL when the store cannot be read or memory runs out. */
char *ex_export(st_store *st, const char *id, const json_t *doc, size_t *len);
/* The export read back and computed: final when every mark is in, else provisional
 * (*provisional set). 0 with *full and *r to free (results first), or -1 with diag. */
int ex_compute(st_store *st, const char *id, const json_t *doc, cf_competition **full,
               cf_results **r, bool *provisional, cf_diag *diag);
/* Per event of def: published (or, with published false, locked). calloc'd; NULL when the
 * store cannot be read or memory runs out. */
bool *ex_event_mask(st_store *st, const char *id, const cf_competition *def, bool published);

#endif
