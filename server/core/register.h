/*
 * register.h — certificates from the stored results (prefix rg_): the signing key kept in the
 * database, the signed certificates of the locked events, and checking a certificate's number
 * and code. Works on the store alone: the server's pages and `skillscore certificates` /
 * `skillscore verify` call the same functions.
 */
#ifndef SKILLSCORE_REGISTER_H
#define SKILLSCORE_REGISTER_H

#include "compfile/compfile.h"
#include "reports/reports.h"
#include "server/store/store.h"

#include <jansson.h>
#include <stdbool.h>

/* The certificate signing key, made and stored on first use. 0, or -1 (st_errmsg tells). */
int rg_key(st_store *st, unsigned char key[RP_KEY_BYTES]);

/* The certificates of a competition's locked events, from its stored results. */
typedef struct rg_final {
    cf_competition *c;       /* read from the export */
    cf_results *r;
    bool *include;           /* per event: locked, so final */
    rp_certs certs;          /* of the locked events, signed */
} rg_final;
/* 0 with *f to free with rg_final_free, or -1 with err. doc is the stored document. */
int rg_final_build(st_store *st, const char *id, const json_t *doc,
                   const unsigned char key[RP_KEY_BYTES], rg_final *f, char *err, size_t errcap);
void rg_final_free(rg_final *f);

/* Checks a certificate against every stored competition: RP_GENUINE with *facts (caller
 * decrefs), RP_UNKNOWN, RP_FORGED, or -1 with err. */
int rg_verify(st_store *st, const char *number, const char *sig, json_t **facts, char *err,
              size_t errcap);

#endif
