/*
 * strmap.c — see strmap.h. Keys live inline in the slots; values in a parallel array.
 */
#include "server/lib/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct sm_slot {
    char key[SM_KEY_MAX + 1];
    bool used;
} sm_slot;

struct sm_map {
    sm_slot *slots;
    unsigned char *values;
    size_t vsize, cap, n;
    uint64_t seed;
};

static uint64_t hash(const sm_map *m, const char *key)
{
    uint64_t h = 1469598103934665603u ^ m->seed;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    return h ^ (h >> 33);
}

static int alloc_table(sm_map *m, size_t cap)
{
    sm_slot *s = calloc(cap, sizeof *s);
    unsigned char *v = calloc(cap, m->vsize ? m->vsize : 1);
    if (!s || !v) {
        free(s);
        free(v);
        return -1;
    }
    m->slots = s;
    m->values = v;
    m->cap = cap;
    return 0;
}

sm_map *sm_new(size_t value_size)
{
    sm_map *m = calloc(1, sizeof *m);
    struct timespec ts;
    if (!m)
        return NULL;
    m->vsize = value_size;
    if (alloc_table(m, 16)) {
        free(m);
        return NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    m->seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)m;
    return m;
}

void sm_free(sm_map *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->values);
    free(m);
}

/* The slot of key, or the free slot where it would go. */
static size_t find(const sm_map *m, const char *key)
{
    size_t i = (size_t)hash(m, key) & (m->cap - 1);
    while (m->slots[i].used && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void cut(char out[SM_KEY_MAX + 1], const char *key)
{
    size_t n = strlen(key);
    if (n > SM_KEY_MAX)
        n = SM_KEY_MAX;
    memcpy(out, key, n);
    out[n] = '\0';
}

void *sm_get(const sm_map *m, const char *key)
{
    char k[SM_KEY_MAX + 1];
    size_t i;
    cut(k, key);
    i = find(m, k);
    return m->slots[i].used ? m->values + i * m->vsize : NULL;
}

static int grow(sm_map *m)
{
    sm_slot *os = m->slots;
    unsigned char *ov = m->values;
    size_t ocap = m->cap;
    if (alloc_table(m, ocap * 2)) {
        m->slots = os;
        m->values = ov;
        m->cap = ocap;
        return -1;
    }
    for (size_t i = 0; i < ocap; i++)
        if (os[i].used) {
            size_t j = find(m, os[i].key);
            m->slots[j] = os[i];
            memcpy(m->values + j * m->vsize, ov + i * m->vsize, m->vsize);
        }
    free(os);
    free(ov);
    return 0;
}

void *sm_put(sm_map *m, const char *key, bool *added)
{
    char k[SM_KEY_MAX + 1];
    size_t i;
    bool dummy;
    if (!added)
        added = &dummy;
    cut(k, key);
    i = find(m, k);
    *added = !m->slots[i].used;
    if (!*added)
        return m->values + i * m->vsize;
    if ((m->n + 1) * 2 > m->cap) {
        if (grow(m))
            return NULL;
        i = find(m, k);
    }
    memcpy(m->slots[i].key, k, sizeof k);
    m->slots[i].used = true;
    memset(m->values + i * m->vsize, 0, m->vsize);
    m->n++;
    return m->values + i * m->vsize;
}

/* Removes slot i, pulling later members of its probe run into the hole. */
static void erase(sm_map *m, size_t i)
{
    for (size_t j = (i + 1) & (m->cap - 1); m->slots[j].used; j = (j + 1) & (m->cap - 1)) {
        size_t h = (size_t)hash(m, m->slots[j].key) & (m->cap - 1);
        /* j may fill the hole at i unless its home lies cyclically in (i, j]. */
        bool stays = i < j ? (h > i && h <= j) : (h > i || h <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            memcpy(m->values + i * m->vsize, m->values + j * m->vsize, m->vsize);
            i = j;
        }
    }
    memset(&m->slots[i], 0, sizeof m->slots[i]);
    m->n--;
}

void sm_del(sm_map *m, const char *key)
{
    char k[SM_KEY_MAX + 1];
    size_t i;
    cut(k, key);
    i = find(m, k);
    if (m->slots[i].used)
        erase(m, i);
}

size_t sm_size(const sm_map *m) { return m->n; }

void sm_sweep(sm_map *m, bool (*drop)(void *ctx, const char *key, void *value), void *ctx)
{
    /* Erasing shifts later entries back, so a slot is looked at again after an erase. */
    for (size_t i = 0; i < m->cap;) {
        if (m->slots[i].used && drop(ctx, m->slots[i].key, m->values + i * m->vsize)) {
            erase(m, i);
            continue;
        }
        i++;
    }
}
