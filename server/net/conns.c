/*
 * conns.c — see conns.h. Two maps (strmap.h): address → its open connections, and connection →
 * its address. Entries leave as connections close, so both follow the open connections, not
 * the history.
 */
#include "server/net/conns.h"

#include "server/lib/strmap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

typedef struct cn_owner {
    char addr[SM_KEY_MAX + 1];
} cn_owner;

struct cn_table {
    cn_limits l;
    sm_map *addrs;          /* address -> unsigned, its open connections */
    sm_map *owners;         /* "%p" of a connection -> cn_owner */
    unsigned total;
};

cn_table *cn_new(const cn_limits *l)
{
    cn_table *t = calloc(1, sizeof *t);
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
    t->addrs = sm_new(sizeof(unsigned));
    t->owners = sm_new(sizeof(cn_owner));
    if (!t->addrs || !t->owners) {
        cn_free(t);
        return NULL;
    }
    return t;
}

void cn_free(cn_table *t)
{
    if (!t)
        return;
    sm_free(t->addrs);
    sm_free(t->owners);
    free(t);
}

unsigned cn_count(const cn_table *t, const char *addr)
{
    const unsigned *n = sm_get(t->addrs, addr);
    return n ? *n : 0;
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
    char key[32];
    bool added;
    cn_owner *o;
    unsigned *n;

    snprintf(key, sizeof key, "%p", conn);
    if (sm_get(t->owners, key))
        return 0;
    if (!(n = sm_put(t->addrs, addr, NULL)))
        return -1;
    ++*n;
    if (!(o = sm_put(t->owners, key, &added))) {
        if (--*(unsigned *)sm_get(t->addrs, addr) == 0)
            sm_del(t->addrs, addr);
        return -1;
    }
    snprintf(o->addr, sizeof o->addr, "%s", addr);
    t->total++;
    return 0;
}

void cn_close(cn_table *t, const void *conn)
{
    char key[32];
    cn_owner *o, copy;
    unsigned *n;

    snprintf(key, sizeof key, "%p", conn);
    if (!(o = sm_get(t->owners, key)))
        return;
    copy = *o;
    sm_del(t->owners, key);
    if ((n = sm_get(t->addrs, copy.addr)) && --*n == 0)
        sm_del(t->addrs, copy.addr);
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
