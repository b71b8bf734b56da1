/*
 * intern.c — see intern.h. FNV-1a hashing into a power-of-two open-addressing table that is
 * kept at most half full, so a lookup touches one or two slots.
 */
#include "intern.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void si_init(si_pool *pool) { memset(pool, 0, sizeof *pool); }

void si_free(si_pool *pool)
{
    free(pool->arena);
    free(pool->offset);
    free(pool->slots);
    memset(pool, 0, sizeof *pool);
}

const char *si_str(const si_pool *pool, uint32_t sym)
{
    return sym < pool->count ? pool->arena + pool->offset[sym] : NULL;
}

static int same(const si_pool *pool, uint32_t sym, const char *s, size_t len)
{
    const char *t = pool->arena + pool->offset[sym];
    return strncmp(t, s, len) == 0 && t[len] == '\0';
}

uint32_t si_find(const si_pool *pool, const char *s, size_t len)
{
    if (!pool->slots)
        return SI_NONE;
    for (uint32_t i = hash(s, len) & pool->slot_mask;; i = (i + 1) & pool->slot_mask) {
        uint32_t v = pool->slots[i];
        if (v == 0)
            return SI_NONE;
        if (same(pool, v - 1, s, len))
            return v - 1;
    }
}

static int grow_slots(si_pool *pool)
{
    uint32_t cap = pool->slots ? (pool->slot_mask + 1) * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t sym = 0; sym < pool->count; sym++) {
        const char *t = pool->arena + pool->offset[sym];
        uint32_t i = hash(t, strlen(t)) & (cap - 1);
        while (slots[i])
            i = (i + 1) & (cap - 1);
        slots[i] = sym + 1;
    }
    free(pool->slots);
    pool->slots = slots;
    pool->slot_mask = cap - 1;
    return 0;
}

uint32_t si_intern(si_pool *pool, const char *s, size_t len)
{
    uint32_t sym = si_find(pool, s, len);
    if (sym != SI_NONE)
        return sym;
    if (pool->count == SI_NONE - 1)
        return SI_NONE;
    if (!pool->slots || (uint64_t)(pool->count + 1) * 2 > (uint64_t)pool->slot_mask + 1) {
        if (grow_slots(pool) != 0)
            return SI_NONE;
    }
    if (pool->count == pool->offset_cap) {
        size_t cap = pool->offset_cap;
        if (VEC_RESERVE(pool->offset, cap, (size_t)pool->count + 1, 64))
            return SI_NONE;
        pool->offset_cap = (uint32_t)cap;
    }
    if (VEC_RESERVE(pool->arena, pool->arena_cap, pool->arena_len + len + 1, 1024))
        return SI_NONE;
    memcpy(pool->arena + pool->arena_len, s, len);
    pool->arena[pool->arena_len + len] = '\0';
    sym = pool->count++;
    pool->offset[sym] = pool->arena_len;
    pool->arena_len += len + 1;

    uint32_t i = hash(s, len) & pool->slot_mask;
    while (pool->slots[i])
        i = (i + 1) & pool->slot_mask;
    pool->slots[i] = sym + 1;
    return sym;
}
