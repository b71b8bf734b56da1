/*
 * comp.h — competitions as the server holds them between requests (prefix sv_): the stored
 * document read once, its live results, the results cached per change, and what is computed
 * from the store (the export, results, the events' state).
 *
 * Ownership: the server owns every sv_comp (sv_server.comps); a pointer from sv_comp_get is
 * good until the competition is dropped (a new document, a failed commit).
 */
#ifndef SKILLSCORE_COMP_H
#define SKILLSCORE_COMP_H

#include "compfile/compfile.h"
#include "server/core/server.h"

#include <jansson.h>

/* A competition as the server holds it between requests. */
typedef struct sv_comp {
    char *id;
    json_t *doc;            /* the stored document: the file as imported, without marks */
    cf_competition *def;    /* doc, read by cf_read */
    struct lv_comp *live;   /* live results (live.h), kept in step with every change */
    /* GET …/results as last computed, per view (0 public, 1 everything), valid while the live
     * seq has not moved: every change that alters results moves it, and a new document makes
     * a new sv_comp. Anonymous screens polling results cost a copy, not a compute. */
    struct {
        char *text;
        uint64_t seq;
        bool provisional;
    } results[2];
    /* The public relay (relay.h): a snapshot is due (at start, after an update was lost);
     * the public updates since the last offer, merged (ws.c); when the last offer and the last
     * snapshot were. */
    bool relay_dirty;
    struct mg_merge *relay_pending;
    int64_t relay_last_us, relay_snap_us;
    struct sv_comp *next;
} sv_comp;

/* The competition with this id, read from the store on first use: SV_OK with *out, or
 * SV_ENOENT, SV_EDB, SV_EBADDOC (logged), SV_ENOMEM. */
int sv_comp_get(sv_server *s, const char *id, sv_comp **out);
void sv_comp_drop(sv_server *s, const char *id);
void sv_comp_free_all(sv_server *s);
/* The competition file with every current mark (the export), malloc'd. */
char *sv_export(sv_server *s, sv_comp *c, size_t *len);
/* The export read back and computed: final when every mark is in, else provisional
 * (*provisional set). 0 with *full and *r to free (results first), or -1 with diag. */
int sv_compute(sv_server *s, sv_comp *c, cf_competition **full, cf_results **r, bool *provisional,
               cf_diag *diag);
/* Per event of c: published (or, with published false, locked). calloc'd; NULL when the store
 * cannot be read or memory runs out. */
bool *sv_event_mask(sv_server *s, const sv_comp *c, bool published);
/* Replaces c's stored document with text and audits it as action with detail (taken), in one
 * transaction; then drops c, which is read again on next use (do not use c after). 0 or -1. */
int sv_comp_save_doc(sv_server *s, sv_comp *c, const char *text, const char *actor,
                     const char *action, json_t *detail);
/* The same inside the caller's transaction, for a change that writes more than the document:
 * after the commit the caller drops c (sv_comp_drop). 0 or -1. */
int sv_comp_write_doc(sv_server *s, sv_comp *c, const char *text, const char *actor,
                      const char *action, json_t *detail);
/* Results as `skillscore compute` prints them for the export: final when every mark is in,
 * else provisional (*provisional set). events_mask, when not NULL, keeps only the events whose
 * flag is true. NULL with diag on failure. */
char *sv_results(sv_server *s, sv_comp *c, const bool *events_mask, bool *provisional,
                 cf_diag *diag);
/* After an event's lock, unlock, publication or draw has been committed: live results follow. */
void sv_live_event(sv_server *s, sv_comp *c, size_t event);
/* The award ceremony (颁奖) from the store onto c's screens (ceremony.h): after it changed, and
 * after any event change (an unpublished event's ceremony ends). Returns 0, -1 when the store
 * failed. *out, when not NULL, gets the ceremony object (a new reference) or NULL. */
int sv_ceremony_refresh(sv_server *s, sv_comp *c, json_t **out);
/* Whether who may see everything of c: names and entry ids before publication (organizer and
 * arbitration; never a judge or chief judge, who mark blind). */
bool sv_sees_all(const sv_principal *who, const sv_comp *c);
/* Whether who is the chief judge of event in c; whether who is a judge (or chief) of it. */
bool sv_chief_of(const sv_principal *who, const sv_comp *c, size_t event);
bool sv_judge_of(const sv_principal *who, const sv_comp *c, size_t event);
/* The roster index of a judge principal in c, or -1. */
long sv_judge_index(const sv_principal *who, const sv_comp *c);

/* Sorts an array of objects by their "number" (工位号) in place, undrawn ones last; false when
 * memory runs out. What judges see comes in this order, never the order of the file. */
bool sv_sort_by_number(json_t *list);
/* The blind numbers of an event as a JSON object entry id -> number (empty when not drawn). */
json_t *sv_numbers(sv_server *s, const char *comp, const char *event);

#endif
