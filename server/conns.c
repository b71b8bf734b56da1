/*
 * conns.c — see conns.h. Two small open-addressing tables (linear probing, at most half full,
 * backward-shift deletion): address → number of connections, and connection → address. Both
 * shrink back as connections close, so their size follows the connections, not the history.
 * The hash is seeded per table, so addresses cannot be picked to collide.
 */
#include "conns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#define CN_ADDR 64

typedef struct cn_entry {
    char addr[CN_ADDR];
    const void *owner;      /* the connection (owner table); NULL in the address table */
    unsigned n;             /* connections (address table), 1 (owner table); 0: slot free */
} cn_entry;

typedef struct cn_map {
    cn_entry *slots;
    size_t cap, used;
    bool by_owner;
} cn_map;

struct cn_table {
    cn_limits l;
    cn_map addrs, owners;
    unsigned total;
    uint64_t seed;
};

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    return h;
}

static size_t home(const cn_table *t, const cn_map *m, const cn_entry *e)
{
    uint64_t h = 1469598103934665603u ^ t->seed;
    if (m->by_owner)
        h = mix(h ^ (uint64_t)(uintptr_t)e->owner);
    else {
        for (const char *s = e->addr; *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211u;
        h = mix(h);
    }
    return (size_t)h & (m->cap - 1);
}

static bool same(const cn_map *m, const cn_entry *a, const cn_entry *b)
{
    return m->by_owner ? a->owner == b->owner : strcmp(a->addr, b->addr) == 0;
}

/* The slot holding key's entry, or the free slot where it would go (*found false). */
static cn_entry *find(const cn_table *t, const cn_map *m, const cn_entry *key, bool *found)
{
    for (size_t i = home(t, m, key);; i = (i + 1) & (m->cap - 1)) {
        cn_entry *e = &m->slots[i];
        if (!e->n || same(m, e, key)) {
            *found = e->n != 0;
            return e;
        }
    }
}

static int map_init(cn_map *m, bool by_owner)
{
    m->cap = 64;
    m->used = 0;
    m->by_owner = by_owner;
    m->slots = calloc(m->cap, sizeof *m->slots);
    return m->slots ? 0 : -1;
}

static int grow(cn_table *t, cn_map *m)
{
    cn_entry *old = m->slots;
    size_t oldcap = m->cap;
    bool found;

    if (!(m->slots = calloc(oldcap * 2, sizeof *m->slots))) {
        m->slots = old;
        return -1;
    }
    m->cap = oldcap * 2;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].n)
            *find(t, m, &old[i], &found) = old[i];
    free(old);
    return 0;
}

/* The entry for key, added with n = 0 when missing; NULL when memory runs out. */
static cn_entry *upsert(cn_table *t, cn_map *m, const cn_entry *key)
{
    bool found;
    cn_entry *e = find(t, m, key, &found);
    if (found)
        return e;
    if ((m->used + 1) * 2 > m->cap) {
        if (grow(t, m))
            return NULL;
        e = find(t, m, key, &found);
    }
    *e = *key;
    e->n = 0;
    m->used++;
    return e;
}

/* Backward-shift deletion: later members of the probe run move into the hole, so no lookup
 * stops early at it. */
static void erase(cn_table *t, cn_map *m, cn_entry *e)
{
    size_t i = (size_t)(e - m->slots), j;
    for (j = (i + 1) & (m->cap - 1); m->slots[j].n; j = (j + 1) & (m->cap - 1)) {
        size_t h = home(t, m, &m->slots[j]);
        /* j may fill i unless its home lies cyclically in (i, j]. */
        bool stays = i < j ? (h > i && h <= j) : (h > i || h <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    memset(&m->slots[i], 0, sizeof m->slots[i]);
    m->used--;
}

cn_table *cn_new(const cn_limits *l)
{
    cn_table *t = calloc(1, sizeof *t);
    struct timespec ts;

    if (!t)
        return NULL;
    t->l = *l;
    if (!t->l.per_address)
        t->l.per_address = 256;
    if (!t->l.total) {
        unsigned fds = cn_raise_fd_limit();
        /* Keep descriptors for the database, its WAL, files being served and lws itself. */
        t->l.total = fds > 128 ? fds - 64 : fds / 2;
    }
    if (!t->l.crowded)
        t->l.crowded = 8;
    if (map_init(&t->addrs, false) || map_init(&t->owners, true)) {
        cn_free(t);
        return NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t->seed = mix((uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)t);
    return t;
}

void cn_free(cn_table *t)
{
    if (!t)
        return;
    free(t->addrs.slots);
    free(t->owners.slots);
    free(t);
}

unsigned cn_count(const cn_table *t, const char *addr)
{
    cn_entry key = {.n = 1};
    bool found;
    const cn_entry *e;
    snprintf(key.addr, sizeof key.addr, "%s", addr);
    e = find(t, &t->addrs, &key, &found);
    return found ? e->n : 0;
}

int cn_admit(const cn_table *t, const char *addr)
{
    unsigned n = cn_count(t, addr);
    if (n >= t->l.per_address || t->total >= t->l.total)
        return -1;
    if (n >= t->l.crowded && t->total >= t->l.total - t->l.total / 8)
        return -1;
    return 0;
}

int cn_open(cn_table *t, const void *conn, const char *addr)
{
    cn_entry okey = {.owner = conn, .n = 1}, akey = {.n = 1}, *a, *o;
    bool found;

    snprintf(okey.addr, sizeof okey.addr, "%s", addr);
    snprintf(akey.addr, sizeof akey.addr, "%s", addr);
    if (find(t, &t->owners, &okey, &found) && found)
        return 0;
    /* upsert leaves a new entry at n = 0, which reads as free: set n before the next lookup. */
    if (!(a = upsert(t, &t->addrs, &akey)))
        return -1;
    a->n++;
    if (!(o = upsert(t, &t->owners, &okey))) {
        if (--a->n == 0)
            erase(t, &t->addrs, a);
        return -1;
    }
    o->n = 1;
    t->total++;
    return 0;
}

void cn_close(cn_table *t, const void *conn)
{
    cn_entry key = {.owner = conn, .n = 1}, *o, *a;
    bool found;

    o = find(t, &t->owners, &key, &found);
    if (!found)
        return;
    snprintf(key.addr, sizeof key.addr, "%s", o->addr);
    erase(t, &t->owners, o);
    key.owner = NULL;
    a = find(t, &t->addrs, &key, &found);
    if (found && --a->n == 0)
        erase(t, &t->addrs, a);
    t->total--;
}

unsigned cn_total(const cn_table *t) { return t->total; }

cn_limits cn_limits_of(const cn_table *t) { return t->l; }

unsigned cn_raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r))
        return 1024;
    if (r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max > 65536 ? 65536 : r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
        getrlimit(RLIMIT_NOFILE, &r);
    }
    return r.rlim_cur > 65536 ? 65536u : (unsigned)r.rlim_cur;
}

void cn_peer_key(int fd, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char text[INET6_ADDRSTRLEN];

    snprintf(out, cap, "?");
    if (getpeername(fd, (struct sockaddr *)&ss, &len))
        return;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        if (inet_ntop(AF_INET, &a->sin_addr, text, sizeof text))
            snprintf(out, cap, "%s", text);
    } else if (ss.ss_family == AF_INET6) {
        struct in6_addr a = ((const struct sockaddr_in6 *)&ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&a)) {
            if (inet_ntop(AF_INET, &a.s6_addr[12], text, sizeof text))
                snprintf(out, cap, "%s", text);
            return;
        }
        memset(&a.s6_addr[8], 0, 8);
        if (inet_ntop(AF_INET6, &a, text, sizeof text))
            snprintf(out, cap, "%s/64", text);
    }
}
