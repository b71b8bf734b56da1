/*
 * strmap.h — a hash map from short strings to fixed-size values (prefix sm_), for the server's
 * bookkeeping by address, account or connection.
 *
 * Open addressing with linear probing, kept at most half full, backward-shift deletion (no
 * tombstones: a map that had a million keys and now has ten is as fast as one that had ten).
 * The hash is seeded per map, so keys cannot be chosen to collide.
 *
 * Ownership: the map owns copies of keys and values. A value pointer returned by sm_get or
 * sm_put stays valid until the next sm_put, sm_del or sm_sweep on the same map.
 */
#ifndef SKILLSCORE_STRMAP_H
#define SKILLSCORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#define SM_KEY_MAX 95 /* longer keys are cut to this many bytes */

typedef struct sm_map sm_map;

/* A map whose values are value_size bytes; NULL when memory runs out. */
sm_map *sm_new(size_t value_size);
void sm_free(sm_map *m);

/* The value of key, or NULL. */
void *sm_get(const sm_map *m, const char *key);
/* The value of key, added zeroed when missing (*added tells); NULL when memory runs out. */
void *sm_put(sm_map *m, const char *key, bool *added);
void sm_del(sm_map *m, const char *key);
size_t sm_size(const sm_map *m);
/* Calls drop for every entry and removes those it returns true for; drop may see an entry
 * twice (entries move when others are removed), so it should only look, not count. */
void sm_sweep(sm_map *m, bool (*drop)(void *ctx, const char *key, void *value), void *ctx);

#endif
