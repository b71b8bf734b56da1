/*
 * batch.c — group commit. With synchronous=FULL every COMMIT waits for an fsync of the WAL, and
 * one fsync per mark caps the marks a venue can send at the disk's fsync rate. Marks that arrive
 * in one turn of the event loop therefore share one transaction: each runs in its own savepoint
 * (a refused mark undoes only itself), and no reply leaves before the COMMIT that makes its mark
 * durable. The loop commits at the end of every turn, so a lone mark waits for nothing.
 */
#include "server/core/batch.h"

#include "server/core/comp.h"
#include "server/core/server.h"
#include "server/core/standby.h"

#include <stdio.h>

int sv_batch_join(sv_server *s)
{
    if (s->batch_open)
        return 0;
    if (st_begin(s->store))
        return -1;
    s->batch_open = true;
    return 0;
}

void sv_batch_flush(sv_server *s)
{
    bool ok;

    if (!s->batch_open)
        return;
    s->batch_open = false;
    ok = st_commit(s->store) == ST_OK;
    if (!ok) {
        fprintf(stderr, "skillscore: group commit failed: %s\n", st_errmsg(s->store));
        st_rollback(s->store);
        /* The live results counted marks that are not stored: drop every cached competition
         * (its screens are told to resync), to be built again from the store. */
        while (s->comps)
            sv_comp_drop(s, s->comps->id);
    }
    sb_committed(s, ok);
}
