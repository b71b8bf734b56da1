/*
 * conns.h — every TCP connection the server holds, counted per client address (prefix cn_).
 *
 * The venue Wi-Fi is hostile: one address that opens a thousand idle sockets must not use up the
 * process's descriptors and lock out the judges. Every accepted socket (HTTP or WebSocket, they
 * share the port) is counted against its address before lws reads a byte from it, and refused
 * when the address already holds per_address connections. When the server as a whole nears its
 * descriptor budget (total), an address that already holds `crowded` or more connections is
 * refused too, so a tablet that arrives late still gets in while a flooder does not.
 *
 * The table is open addressing with backward-shift deletion: an address leaves it when its last
 * connection closes, so the table is as large as the set of connected addresses, whatever an
 * attacker sends.
 *
 * Ownership: the table belongs to its creator; address strings are copied in; a connection is
 * named by a pointer the caller chooses (lws's wsi) and never dereferenced here.
 */
#ifndef SKILLSCORE_CONNS_H
#define SKILLSCORE_CONNS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cn_table cn_table;

typedef struct cn_limits {
    unsigned per_address;   /* connections one address may hold; default 256 */
    unsigned total;         /* the server's budget of connections; default from RLIMIT_NOFILE */
    unsigned crowded;       /* beyond 7/8 of total, addresses holding this many are refused; 8 */
} cn_limits;

/* A table with the limits (zeros take the defaults); NULL when memory runs out. */
cn_table *cn_new(const cn_limits *l);
void cn_free(cn_table *t);

/* Whether a new connection from addr is within the limits: 0, or -1 when it is refused. */
int cn_admit(const cn_table *t, const char *addr);
/* Counts connection conn (any pointer that names it while it is open) from addr: 0, or -1
 * when memory runs out (nothing counted). */
int cn_open(cn_table *t, const void *conn, const char *addr);
/* Connection conn has closed; nothing happens for a conn that was never counted. */
void cn_close(cn_table *t, const void *conn);
/* How many connections addr holds now, and all addresses together. */
unsigned cn_count(const cn_table *t, const char *addr);
unsigned cn_total(const cn_table *t);
/* The limits in force (defaults filled in). */
cn_limits cn_limits_of(const cn_table *t);

/* The key a peer is counted and throttled under, from a connected socket: an IPv4 address as
 * is, an IPv6 address by its /64 (one host holds a whole /64), "?" when it cannot be read. */
void cn_peer_key(int fd, char *out, size_t cap);

/* Raises the soft descriptor limit to the hard one; returns the soft limit now in force. */
unsigned cn_raise_fd_limit(void);

#endif
