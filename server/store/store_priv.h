/*
 * store_priv.h — what the files of the store share and nobody else sees: the SQLite handle and
 * the error slot. Only store.c and replog.c include it.
 */
#ifndef SKILLSCORE_STORE_PRIV_H
#define SKILLSCORE_STORE_PRIV_H

#include "server/store/store.h"

#include <sqlite3.h>

sqlite3 *st_sqlite(st_store *s);
/* Sets st_errmsg() from a format, and returns ST_ERROR. */
int st_fail(st_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
