/*
 * batch.h — group commit (prefix sv_batch_). With synchronous=FULL every COMMIT waits for an
 * fsync of the WAL; marks that arrive in one turn of the event loop therefore share one
 * transaction, each in its own savepoint, and their replies are parked until it is durable.
 */
#ifndef SKILLSCORE_BATCH_H
#define SKILLSCORE_BATCH_H

#include "server/core/server.h"

/* sv_batch_join opens the shared transaction when none is open (0, or -1
 * with the store's message); sv_batch_flush commits it, answers the waiting connections (500 to
 * all when the commit failed, after dropping the in-memory state built on it). */
int sv_batch_join(sv_server *s);
void sv_batch_flush(sv_server *s);

#endif
