/*
 * register.h — certificates from the stored results (prefix rg_): the signing key kept in the
 * database, the signed certificates of the locked events, the register that issues them once and
 * keeps them (table certificates), and checking a certificate's number and code against it. Works on the store alone: the server's pages and `skillscore certificates` /
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

/* The certificates of a competition's published (or locked) events, from its stored results. */
typedef struct rg_final {
    cf_competition *c;       /* read from the export */
    cf_results *r;
    bool *include;           /* per event: published (or locked), so final */
    rp_certs certs;          /* of those events, signed */
} rg_final;
/* 0 with *f to free with rg_final_free, or -1 with err. doc is the stored document. */
/* published: the published events (what certificates state), else the locked ones (the sheets
 * the officials sign before publication). */
int rg_final_build(st_store *st, const char *id, const json_t *doc,
                   const unsigned char key[RP_KEY_BYTES], bool published, rg_final *f, char *err,
                   size_t errcap);
void rg_final_free(rg_final *f);

/* Who a certificate is for, as the register keys it: "A|entry|member" (kind, entry id, member
 * index; never an ID number). */
#define RG_HOLDER 160
void rg_holder(const cf_competition *c, const rp_cert *k, char out[RG_HOLDER]);
/* The first fact in which a certificate as issued and one stated now differ (either way; the
 * number and the register's own fields left out), or NULL when they state the same. */
const char *rg_facts_diff(json_t *issued, json_t *now);

/* The certificate register. What rg_sync did: */
typedef struct rg_counts {
    size_t issued, kept, revoked;
} rg_counts;
/* Brings the register of competition c in line with certs (as rp_certs_build listed them from
 * c and r for the events include marks): a holder whose certificate states the same facts keeps
 * its number and signature; one whose facts changed gets a new number, and the old certificate
 * is revoked with why, naming the new one; a holder of an included event who no longer earns a
 * certificate has it revoked. Events not included are left alone (an unlocked event's
 * certificates stay as issued until it is locked again). certs' numbers and signatures become
 * the register's. One transaction of its own. 0, or -1 with err (nothing changed). When
 * may_revoke is false, a sync that would revoke anything changes nothing and returns
 * RG_WOULD_REVOKE, err naming the first such certificate and the fact that changed. */
#define RG_WOULD_REVOKE (-2)
int rg_sync(st_store *st, const cf_competition *c, const cf_results *r, const bool *include,
            const char *pattern, const unsigned char key[RP_KEY_BYTES], rp_certs *certs,
            bool may_revoke, const char *by, const char *why, rg_counts *n, char *err,
            size_t errcap);
/* The reason a revocation gives when results changed and no appeal is named. */
#define RG_REISSUE_WHY "成绩经复核变更，证书重新签发"

/* rg_final_build of the published events, then rg_sync: the final certificates as issued. */
int rg_final_sync(st_store *st, const char *id, const json_t *doc, const char *by,
                  const char *why, rg_final *f, rg_counts *n, char *err, size_t errcap);
/* After a publication: when competition id has issued certificates, the register follows the
 * published results at once (rg_final_sync), so a certificate whose facts changed stops
 * verifying as soon as the new results are public, not when someone prints again. Nothing when
 * none was issued yet. 0, or -1 with err. */
int rg_republish(st_store *st, const char *id, const json_t *doc, const char *by,
                 const char *why, rg_counts *n, char *err, size_t errcap);

/* Checks a certificate against the register, across every competition: RP_GENUINE or
 * RP_REVOKED (with "revoked_at", "revoked_why" and "replaced_by") with *facts as issued (caller
 * decrefs), RP_UNKNOWN, RP_FORGED, or -1 with err. */
int rg_verify(st_store *st, const char *number, const char *sig, json_t **facts, char *err,
              size_t errcap);

#endif
