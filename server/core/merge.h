/*
 * merge.h — live updates merged into one (prefix mg_): what a screen that missed some updates
 * needs to be where the last of them leaves it.
 *
 * Per (event, group): the newest head and the newest version of each row, by its key (a group
 * sent whole starts over from its rows, and stays whole); `from` stays the first update's,
 * `seq` becomes the last's; the newest ceremony state and medal table win. The result is an
 * update of the same form (live.h, docs/live.md) as those it covers, so a screen cannot tell it
 * from one sent late.
 * Used for the public relay (one offer per interval) and for a screen that fell behind.
 *
 * Ownership: an mg_merge is the caller's (mg_free); texts returned are malloc'd and the
 * caller's. Updates passed in are only read.
 */
#ifndef SKILLSCORE_MG_MERGE_H
#define SKILLSCORE_MG_MERGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct mg_merge mg_merge;

mg_merge *mg_new(void);
void mg_free(mg_merge *m);
/* Adds the next update (parsed). false when out of memory or when u is not an update: the
 * merge is then unusable and the caller falls back to a snapshot. */
bool mg_add(mg_merge *m, const json_t *u);
/* Adds the next update from its text. */
bool mg_add_text(mg_merge *m, const char *text, size_t len);
/* How many updates were added. */
size_t mg_count(const mg_merge *m);
/* The merged update for competition comp; NULL when nothing was added or memory ran out. */
char *mg_text(const mg_merge *m, const char *comp, size_t *len);

#endif
