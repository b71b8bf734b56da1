/*
 * intern.h — a string pool that maps each distinct string to a small integer (a symbol).
 *
 * The competition reader meets the same few entry, criterion and judge ids a million times in
 * a large marks array; interning stores each once and lets the reader compare integers.
 * Strings are copied into the pool, which owns them. Pointers from si_str() stay valid until the
 * next si_intern() (the arena may move); symbols stay valid until si_free().
 */
#ifndef SKILLSCORE_INTERN_H
#define SKILLSCORE_INTERN_H

#include <stddef.h>
#include <stdint.h>

#define SI_NONE UINT32_MAX

typedef struct si_pool {
    char *arena;        /* the strings, NUL-terminated, back to back */
    size_t arena_len, arena_cap;
    size_t *offset;     /* offset[sym]: where symbol sym starts in the arena */
    uint32_t count, offset_cap;
    uint32_t *slots;    /* open addressing: sym + 1, or 0 when empty */
    uint32_t slot_mask;
} si_pool;

void si_init(si_pool *pool);
void si_free(si_pool *pool);

/* The symbol of s[0..len), adding it if new; SI_NONE when memory runs out. */
uint32_t si_intern(si_pool *pool, const char *s, size_t len);

/* The symbol of s if it is in the pool, else SI_NONE. */
uint32_t si_find(const si_pool *pool, const char *s, size_t len);

const char *si_str(const si_pool *pool, uint32_t sym);

#endif
