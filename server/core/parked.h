/*
 * parked.h — replies that may not go out yet (prefix pk_).
 *
 * A handler that cannot answer at once (a mark waiting for the group commit, a write waiting for
 * the standby, a sign-in waiting for its hash, a standby's long poll) sets rs->deferred and the
 * kind of wait in its response; the transport parks the connection here. Whoever can end a wait
 * (the commit, the standby's acknowledgement, a finished job) walks the parked replies with
 * pk_wake, may change a reply, and releases it; the transport then sends it.
 *
 * This room knows connections only as opaque handles and their responses: it calls the
 * transport back through the release function it was given (pk_init), never by name, so the
 * core does not depend on the transport above it.
 *
 * Ownership: the list belongs to the server; handles and responses to the transport.
 */
#ifndef SKILLSCORE_PARKED_H
#define SKILLSCORE_PARKED_H

#include <stdbool.h>
#include <stddef.h>

struct sv_server;
struct sv_response;

typedef struct pk_entry {
    void *conn;                 /* the transport's handle */
    struct sv_response *rs;     /* lives in the transport's connection state */
} pk_entry;

typedef struct pk_list {
    pk_entry *items;
    size_t n, cap;
    void (*release)(void *conn); /* the transport sends conn's reply at its next chance */
} pk_list;

void pk_init(pk_list *l, void (*release)(void *conn));
void pk_free(pk_list *l);
/* Parks conn with its response (rs->wait_since_us is set). 0, or -1 when memory runs out. */
int pk_park(pk_list *l, void *conn, struct sv_response *rs);
/* conn has gone: forget it without releasing. */
void pk_forget(pk_list *l, void *conn);
/* Walks the parked replies; ready may change a reply and returns true to release it now. */
void pk_wake(struct sv_server *s, bool (*ready)(struct sv_server *s, struct sv_response *rs,
                                                 void *ctx),
             void *ctx);
size_t pk_count(const struct sv_server *s);

#endif
