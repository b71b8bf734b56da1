/*
 * parked.c — see parked.h. An unordered array: a reply leaves it by swapping in the last one.
 */
#include "server/core/parked.h"

#include "compfile/vec.h"
#include "server/core/server.h"

#include <stdlib.h>

void pk_init(pk_list *l, void (*release)(void *conn))
{
    l->items = NULL;
    l->n = l->cap = 0;
    l->release = release;
}

void pk_free(pk_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

int pk_park(pk_list *l, void *conn, sv_response *rs)
{
    if (VEC_RESERVE(l->items, l->cap, l->n + 1, 64))
        return -1;
    l->items[l->n].conn = conn;
    l->items[l->n].rs = rs;
    l->n++;
    rs->wait_since_us = sv_now_us();
    return 0;
}

void pk_forget(pk_list *l, void *conn)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].conn == conn) {
            l->items[i] = l->items[--l->n];
            return;
        }
}

void pk_wake(sv_server *s, bool (*ready)(sv_server *s, sv_response *rs, void *ctx), void *ctx)
{
    pk_list *l = &s->parked;
    for (size_t i = 0; i < l->n;) {
        pk_entry e = l->items[i];
        if (!ready(s, e.rs, ctx)) {
            i++;
            continue;
        }
        e.rs->deferred = false;
        l->items[i] = l->items[--l->n];
        if (l->release)
            l->release(e.conn);
    }
}

size_t pk_count(const sv_server *s) { return s->parked.n; }
