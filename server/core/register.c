/*
 * register.c — see register.h. The key is 32 random bytes kept in the database (settings
 * "cert_key"); it never leaves the server. A certificate is genuine when rebuilding the
 * certificates from the stored results gives the same number with the same signature, so a
 * certificate whose results were changed on arbitration stops verifying.
 */
#include "server/core/register.h"

#include "compfile/vec.h"
#include "server/core/export.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rg_key(st_store *st, unsigned char key[RP_KEY_BYTES])
{
    unsigned char fresh[RP_KEY_BYTES];
    size_t len = 0;
    int rc = st_setting_get(st, "cert_key", key, RP_KEY_BYTES, &len);
    if (rc == ST_OK && len == RP_KEY_BYTES)
        return 0;
    if (rc != ST_NOTFOUND)
        return -1;
    randombytes_buf(fresh, sizeof fresh);
    if (st_begin(st) || st_setting_add(st, "cert_key", fresh, sizeof fresh) || st_commit(st)) {
        st_rollback(st);
        return -1;
    }
    sodium_memzero(fresh, sizeof fresh);
    /* Read back: when two made a key at once, the first one stored is the key. */
    return st_setting_get(st, "cert_key", key, RP_KEY_BYTES, &len) == ST_OK &&
                   len == RP_KEY_BYTES
               ? 0
               : -1;
}

void rg_final_free(rg_final *f)
{
    rp_certs_free(&f->certs);
    cf_results_free(f->r);
    cf_free(f->c);
    free(f->include);
    memset(f, 0, sizeof *f);
}

int rg_final_build(st_store *st, const char *id, const json_t *doc,
                   const unsigned char key[RP_KEY_BYTES], rg_final *f, char *err, size_t errcap)
{
    cf_diag diag = {0};
    bool provisional;

    memset(f, 0, sizeof *f);
    if (ex_compute(st, id, doc, &f->c, &f->r, &provisional, &diag)) {
        snprintf(err, errcap, "cannot compute %s: %s", id, diag.message);
        return -1;
    }
    /* Locked events are complete, so their groups are final even when others are not. */
    if (!(f->include = ex_event_mask(st, id, f->c, false))) {
        snprintf(err, errcap, "cannot read the events' state: %s", st_errmsg(st));
        goto fail;
    }
    if (rp_certs_build(f->c, f->r, f->include, NULL, key, &f->certs, err, errcap))
        goto fail;
    return 0;
fail:
    rg_final_free(f);
    return -1;
}

typedef struct ids {
    char (*id)[64];
    size_t n, cap;
    int oom;
} ids;

static void collect_id(void *ctx, const char *id, const char *name)
{
    ids *x = ctx;
    (void)name;
    if (x->oom || VEC_RESERVE(x->id, x->cap, x->n + 1, 16)) {
        x->oom = 1;
        return;
    }
    snprintf(x->id[x->n++], 64, "%s", id);
}

/* The certificates of one stored competition checked against number and sig. */
static int verify_in(st_store *st, const char *id, const unsigned char key[RP_KEY_BYTES],
                     const char *number, const char *sig, json_t **facts, char *err,
                     size_t errcap)
{
    char *text = NULL;
    json_t *doc;
    rg_final f;
    const rp_cert *k;
    int verdict;

    if (st_comp_doc(st, id, &text)) {
        snprintf(err, errcap, "%s", st_errmsg(st));
        return -1;
    }
    doc = json_loads(text, 0, NULL);
    free(text);
    if (!doc) {
        snprintf(err, errcap, "competition %s does not read back", id);
        return -1;
    }
    verdict = rg_final_build(st, id, doc, key, &f, err, errcap);
    json_decref(doc);
    if (verdict)
        return -1;
    verdict = rp_verify(&f.certs, number, sig, &k);
    if (verdict == RP_GENUINE)
        *facts = rp_cert_facts(f.c, f.r, k);
    rg_final_free(&f);
    return verdict;
}

int rg_verify(st_store *st, const char *number, const char *sig, json_t **facts, char *err,
              size_t errcap)
{
    unsigned char key[RP_KEY_BYTES];
    ids x = {0};
    int verdict = RP_UNKNOWN;

    *facts = NULL;
    if (rg_key(st, key) || st_comp_each(st, collect_id, &x) || x.oom) {
        snprintf(err, errcap, "%s", x.oom ? "out of memory" : st_errmsg(st));
        verdict = -1;
    }
    for (size_t i = 0; i < x.n && verdict == RP_UNKNOWN; i++)
        verdict = verify_in(st, x.id[i], key, number, sig, facts, err, errcap);
    sodium_memzero(key, sizeof key);
    free(x.id);
    return verdict;
}
