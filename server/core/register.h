/*
 * register.h — certificates from the stored results (prefix sv_ for now): the signing key kept in
 * the database, the certificates of the locked events, and checking a certificate's number and
 * code. The server's pages and the command line call the same functions.
 */
#ifndef SKILLSCORE_REGISTER_H
#define SKILLSCORE_REGISTER_H

#include "reports/reports.h"
#include "server/core/comp.h"

typedef struct sv_final {
    cf_competition *c;       /* read from the export */
    cf_results *r;
    bool *include;           /* per event: locked, so final */
    rp_certs certs;          /* of the locked events, signed */
} sv_final;
/* The certificate signing key, made and stored on first use. 0, or -1 (st_errmsg tells). */
int sv_cert_key(st_store *st, unsigned char key[RP_KEY_BYTES]);
int sv_final_build(sv_server *s, sv_comp *c, const unsigned char key[RP_KEY_BYTES], sv_final *f,
                   char *err, size_t errcap);
void sv_final_free(sv_final *f);
/* Checks a certificate against every stored competition: RP_GENUINE with *facts (caller
 * decrefs), RP_UNKNOWN, RP_FORGED, or -1 with err. */
int sv_verify(sv_server *s, const char *number, const char *sig, json_t **facts, char *err,
              size_t errcap);

#endif
