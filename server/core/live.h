/*
 * live.h — live results of one competition (prefix lv_): the current marks held in memory per
 * slot, every (event, group) ranking computed by the scoring library, and the rows each kind of
 * viewer may see, kept so that a change can be sent as the rows that differ.
 *
 * Why its own marks: a mark must cost one (event, group) recompute, not a re-read of the whole
 * competition. The marks here are the store's current marks (loaded once, then kept in step by
 * lv_mark as each mark is accepted); the rankings come from cf_compute_entries, the same engine
 * path as `skillscore compute`.
 *
 * Views: LV_ALL (organizer, arbitration) sees entry ids, names and units everywhere. LV_PUBLIC
 * (displays, judges, chief judges, anyone) sees an unpublished event by blind number only (and
 * nothing while its numbers are not drawn); names and units once published.
 * No view carries ID numbers or judges.
 *
 * Messages (UTF-8 JSON, documented in docs/live.md):
 *   snapshot {"type":"results","competition":ID,"seq":N,"results":{"format":"skillscore-live/1",
 *             "rankings":[group…]}}
 *   update   {"type":"update","competition":ID,"from":M,"seq":N,"rankings":[group…]}
 * and, when entries carry delegations and an event is published, "medal_table" (lv_medal_json)
 * in snapshots and in the update that changed it (null when it went away).
 * where a group is {"event","event_name","group","state","complete","n","full","rows":[row…]};
 * an update's group has "full": false and only the rows that changed, unless its event changed
 * state. seq counts the competition's changes; an update covers changes from..seq.
 *
 * Ownership: an lv_comp borrows def and id (from its sv_comp, which frees it first); message
 * texts returned are malloc'd and the caller's. Not thread-safe; the server's loop owns it.
 */
#ifndef SKILLSCORE_LIVE_H
#define SKILLSCORE_LIVE_H

#include "compfile/compfile.h"
#include "server/store/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum lv_view { LV_PUBLIC, LV_ALL, LV_VIEWS } lv_view;

typedef struct lv_comp lv_comp;

/* Builds the live state from the store (current marks, numbers, event states) and computes
 * every group. NULL with err filled on failure. */
lv_comp *lv_build(st_store *st, const char *id, const cf_competition *def, char *err,
                  size_t errlen);
void lv_free(lv_comp *lc);

/* An accepted mark (or correction) of judge on (entry, criterion): the judge's previous score
 * there is replaced. Returns the change's seq, or 0 when memory ran out (the state is then
 * rebuilt by the caller). */
uint64_t lv_mark(lv_comp *lc, size_t entry, size_t criterion, const char *judge,
                 sc_centi score);
/* An event's lock, unlock, publication or draw: its state and numbers are read again from the
 * store and its groups will be sent in full. Returns the change's seq, 0 on failure. */
uint64_t lv_event_changed(lv_comp *lc, st_store *st, size_t event);

/* Freeze (封榜): the public groups of event as they are now, as the text the store keeps
 * ({"group": group JSON with "frozen": true}); malloc'd, NULL when out of memory. After the
 * store has it, lv_event_changed makes public screens show it instead of the live rows until the
 * freeze is lifted or the event is published. */
char *lv_freeze_text(lv_comp *lc, size_t event, size_t *len);

/* The group (event, group) as view sees it, all rows, parsed; NULL when there is no such group
 * or memory ran out. The caller owns the result. */
json_t *lv_group_json(lv_comp *lc, size_t event, const char *group, lv_view view);
/* The award ceremony (颁奖) shown on every screen: text is a JSON object (ceremony.h) that lc
 * takes, or NULL for none. A change goes out in the next update as "ceremony" (with
 * {"on":false} when it ended) and is in every snapshot while on. Returns the seq. */
uint64_t lv_set_ceremony(lv_comp *lc, char *text);
/* The delegations' medal table over the published events, as screens receive it ("medal_table",
 * docs/live.md), parsed; NULL when there is none (no delegations, nothing published) or memory
 * ran out. The caller owns the result. */
json_t *lv_medal_json(lv_comp *lc);
uint64_t lv_seq(const lv_comp *lc);
/* The current marks held here, each with its judge, per slot of the competition (what the judge
 * analytics read, cf_event_analytics). Valid while lc is. */
cf_judged_source lv_judged_marks(const lv_comp *lc);
/* Whether changes wait to be sent. */
bool lv_dirty(const lv_comp *lc);
/* Recomputes the changed groups and writes one update message per view (malloc'd, set to NULL
 * when out of memory). Returns false when nothing had changed. */
bool lv_take_update(lv_comp *lc, char *msg[LV_VIEWS], size_t len[LV_VIEWS]);
/* The snapshot for a view; the caller takes pending changes out with lv_take_update first. */
char *lv_snapshot(const lv_comp *lc, lv_view view, size_t *len);

#endif
