/*
 * register.c — see register.h. The key is 32 random bytes kept in the database (settings
 * "cert_key"); it never leaves the server. Certificates are issued into the register once: a
 * number, once given, stays with its holder while the facts it states hold; when arbitration
 * changes them the certificate is revoked (the verify page says so and names the replacement),
 * and the others keep their numbers.
 */
#include "server/core/register.h"

#include "compfile/vec.h"
#include "server/core/export.h"
#include "server/store/store.h"

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
                   const unsigned char key[RP_KEY_BYTES], bool published, rg_final *f, char *err,
                   size_t errcap)
{
    cf_diag diag = {0};
    bool provisional;

    memset(f, 0, sizeof *f);
    if (ex_compute(st, id, doc, &f->c, &f->r, &provisional, &diag)) {
        snprintf(err, errcap, "cannot compute %s: %s", id, diag.message);
        return -1;
    }
    /* Locked events are complete, so their groups are final even when others are not. */
    if (!(f->include = ex_event_mask(st, id, f->c, published))) {
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

/* ---- the register ---------------------------------------------------------------------------- */

/* Who a certificate is for: its kind, entry and member (never an ID number). */
void rg_holder(const cf_competition *c, const rp_cert *k, char out[RG_HOLDER])
{
    snprintf(out, RG_HOLDER, "%c|%s|%zu", (char)k->kind, c->entries[k->entry].id, k->member);
}

const char *rg_facts_diff(json_t *issued, json_t *now)
{
    static const char *const skip[] = {"number", "issued_at", "revoked_at", "revoked_why",
                                       "replaced_by"};
    const char *key;
    json_t *v;
    /* Both ways: a fact one of them has and the other lacks (an award lost) is a change too. */
    for (int pass = 0; pass < 2; pass++) {
        json_t *a = pass ? now : issued, *b = pass ? issued : now;
        json_object_foreach(a, key, v) {
            bool skipped = false;
            for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
                skipped |= strcmp(key, skip[i]) == 0;
            if (!skipped && !json_equal(v, json_object_get(b, key)))
                return key;
        }
    }
    return NULL;
}

/* A number no certificate of the register has: the one rp_certs_build gave when it is free
 * (so a first issue numbers exactly as before), else the pattern's next free sequence. */
static int free_number(st_store *st, const cf_competition *c, const char *pattern, rp_cert *k,
                       char *err, size_t errcap)
{
    for (long seq = 0; seq < 10000000; seq++) {
        st_cert x;
        int rc;
        if (seq > 0 && rp_cert_renumber(c, pattern, k, seq, err, errcap))
            return -1;
        if ((rc = st_cert_get(st, k->number, &x)) == ST_NOTFOUND)
            return 0;
        if (rc) {
            snprintf(err, errcap, "%s", st_errmsg(st));
            return -1;
        }
        st_cert_clear(&x);
    }
    snprintf(err, errcap, "no free certificate number left");
    return -1;
}

typedef struct stale {
    char (*number)[96];
    size_t n, cap;
    const cf_competition *c;
    const bool *include;
    const rp_certs *certs;
    int oom;
} stale;

/* Collects the active certificates of included events whose holder has none now. */
static int collect_stale(void *ctx, const st_cert *x)
{
    stale *sx = ctx;
    bool included = false, held = false;
    for (size_t e = 0; e < sx->c->n_events; e++)
        if (strcmp(sx->c->events[e].id, x->event) == 0)
            included = !sx->include || sx->include[e];
    for (size_t i = 0; included && !held && i < sx->certs->n; i++) {
        char h[RG_HOLDER];
        rg_holder(sx->c, &sx->certs->items[i], h);
        held = strcmp(h, x->holder) == 0;
    }
    if (!included || held)
        return 0;
    if (VEC_RESERVE(sx->number, sx->cap, sx->n + 1, 16)) {
        sx->oom = 1;
        return 1;
    }
    snprintf(sx->number[sx->n++], 96, "%s", x->number);
    return 0;
}

/* The text of a fact for a message: a string as it is, anything else as JSON, absent as 无. */
static void fact_text(json_t *v, char *out, size_t cap)
{
    char *t = NULL;
    if (!v)
        snprintf(out, cap, "无");
    else if (json_is_string(v))
        snprintf(out, cap, "%s", json_string_value(v));
    else {
        t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        snprintf(out, cap, "%s", t ? t : "?");
        free(t);
    }
}

/* One audit row, detail given as JSON (taken). Inside the caller's transaction. */
static int audit(st_store *st, const char *by, const char *action, const char *comp,
                 json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    int rc = text ? st_audit(st, by, action, comp, text) : ST_ERROR;
    free(text);
    json_decref(detail);
    return rc;
}

int rg_sync(st_store *st, const cf_competition *c, const cf_results *r, const bool *include,
            const char *pattern, const unsigned char key[RP_KEY_BYTES], rp_certs *certs,
            bool may_revoke, const char *by, const char *why, rg_counts *n, char *err,
            size_t errcap)
{
    stale sx = {.c = c, .include = include, .certs = certs};
    rg_counts none = {0};
    json_t *fresh = json_array();
    int rc = -1;

    if (!n)
        n = &none;
    memset(n, 0, sizeof *n);
    if (!fresh) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    if (st_begin(st)) {
        snprintf(err, errcap, "%s", st_errmsg(st));
        json_decref(fresh);
        return -1;
    }
    for (size_t i = 0; i < certs->n; i++) {
        rp_cert *k = &certs->items[i];
        char holder[RG_HOLDER], *text = NULL;
        json_t *facts = rp_cert_facts(c, r, k), *was = NULL;
        st_cert x;
        int got = ST_NOTFOUND;
        bool same = false;

        rg_holder(c, k, holder);
        if (!facts)
            goto oom_one;
        if ((got = st_cert_active(st, c->id, holder, &x)) != ST_OK && got != ST_NOTFOUND)
            goto store_one;
        if (got == ST_OK) {
            was = json_loads(x.facts, 0, NULL);
            same = was && !rg_facts_diff(was, facts);
        }
        if (got == ST_OK && !same && !may_revoke) {
            const char *what = rg_facts_diff(was, facts);
            char a[160], b[160];
            fact_text(what ? json_object_get(was, what) : NULL, a, sizeof a);
            fact_text(what ? json_object_get(facts, what) : NULL, b, sizeof b);
            snprintf(err, errcap, "已签发的证书 %s（%s）将被作废：%s 由 %s 变为 %s", x.number,
                     json_string_value(json_object_get(was, "name")) ?: "?", what ? what : "?",
                     a, b);
            rc = RG_WOULD_REVOKE;
            goto fail_one;
        }
        if (same) {
            snprintf(k->number, sizeof k->number, "%s", x.number);
            snprintf(k->sig, sizeof k->sig, "%.*s", RP_SIG_HEX, x.sig);
            n->kept++;
        } else {
            if (free_number(st, c, pattern, k, err, errcap) || rp_cert_sign(c, r, key, k))
                goto fail_one;
            json_object_set_new(facts, "number", json_string(k->number));
            if (!(text = json_dumps(facts, JSON_COMPACT | JSON_PRESERVE_ORDER)))
                goto oom_one;
            /* The old one goes first: a holder has one active certificate of a kind. A
             * revocation is an act of its own in the audit chain (what, why, the replacement);
             * the issues of one sync are one row, listed after the loop. */
            if ((got == ST_OK &&
                 (st_cert_revoke(st, x.number, why, k->number) ||
                  audit(st, by, "certificate_revoke", c->id,
                        json_pack("{s:s,s:s,s:s,s:s}", "number", x.number, "holder", holder,
                                  "reason", why, "replaced_by", k->number)))) ||
                st_cert_put(st, c->id, c->events[c->entries[k->entry].event].id, holder,
                            k->number, text, k->sig, by))
                goto store_one;
            if (json_array_append_new(fresh, json_string(k->number)))
                goto oom_one;
            n->issued++;
            n->revoked += got == ST_OK;
        }
        if (got == ST_OK)
            st_cert_clear(&x);
        free(text);
        json_decref(facts);
        json_decref(was);
        continue;
    store_one:
        snprintf(err, errcap, "%s", st_errmsg(st));
        goto fail_one;
    oom_one:
        snprintf(err, errcap, "out of memory");
    fail_one:
        if (got == ST_OK)
            st_cert_clear(&x);
        free(text);
        json_decref(facts);
        json_decref(was);
        goto out;
    }
    if (st_certs_active(st, c->id, collect_stale, &sx) || sx.oom) {
        snprintf(err, errcap, "%s", sx.oom ? "out of memory" : st_errmsg(st));
        goto out;
    }
    if (sx.n && !may_revoke) {
        snprintf(err, errcap, "已签发的证书 %s 的持有人按现在的成绩不再获得这张证书，它将被作废",
                 sx.number[0]);
        rc = RG_WOULD_REVOKE;
        goto out;
    }
    for (size_t i = 0; i < sx.n; i++) {
        if (st_cert_revoke(st, sx.number[i], why, NULL) ||
            audit(st, by, "certificate_revoke", c->id,
                  json_pack("{s:s,s:s,s:n}", "number", sx.number[i], "reason", why,
                            "replaced_by"))) {
            snprintf(err, errcap, "%s", st_errmsg(st));
            goto out;
        }
        n->revoked++;
    }
    if (n->issued && audit(st, by, "certificates_issue", c->id,
                           json_pack("{s:I,s:I,s:I,s:O}", "count", (json_int_t)n->issued,
                                     "kept", (json_int_t)n->kept, "revoked",
                                     (json_int_t)n->revoked, "numbers", fresh))) {
        snprintf(err, errcap, "%s", st_errmsg(st));
        goto out;
    }
    if (st_commit(st)) {
        snprintf(err, errcap, "%s", st_errmsg(st));
        goto out;
    }
    rc = 0;
out:
    if (rc)
        st_rollback(st);
    free(sx.number);
    json_decref(fresh);
    return rc;
}

int rg_final_sync(st_store *st, const char *id, const json_t *doc, const char *by,
                  const char *why, rg_final *f, rg_counts *n, char *err, size_t errcap)
{
    unsigned char key[RP_KEY_BYTES];
    int rc;
    if (rg_key(st, key)) {
        snprintf(err, errcap, "cannot read the signing key: %s", st_errmsg(st));
        return -1;
    }
    /* Certificates state published results only: a result locked again after an appeal is not
     * final until arbitration confirmed the changes and it is published again. */
    rc = rg_final_build(st, id, doc, key, true, f, err, errcap);
    if (!rc && (rc = rg_sync(st, f->c, f->r, f->include, NULL, key, &f->certs, true, by, why, n,
                             err, errcap)))
        rg_final_free(f);
    sodium_memzero(key, sizeof key);
    return rc;
}

int rg_verify(st_store *st, const char *number, const char *sig, json_t **facts, char *err,
              size_t errcap)
{
    st_cert x;
    int rc;

    *facts = NULL;
    if ((rc = st_cert_get(st, number, &x)) == ST_NOTFOUND)
        return RP_UNKNOWN;
    if (rc) {
        snprintf(err, errcap, "%s", st_errmsg(st));
        return -1;
    }
    /* The full code from the QR link, or the short one a person typed from the paper. */
    if (!(strlen(sig) == RP_SIG_HEX ? rp_sig_equal(x.sig, sig) : rp_short_equal(x.sig, sig))) {
        st_cert_clear(&x);
        return RP_FORGED;
    }
    if (!(*facts = json_loads(x.facts, 0, NULL))) {
        snprintf(err, errcap, "certificate %s does not read back", number);
        st_cert_clear(&x);
        return -1;
    }
    json_object_set_new(*facts, "issued_at", json_string(x.issued_at));
    rc = RP_GENUINE;
    if (x.revoked) {
        json_object_set_new(*facts, "revoked_at", json_string(x.revoked_at));
        json_object_set_new(*facts, "revoked_why", json_string(x.revoked_why));
        if (x.replaced_by[0])
            json_object_set_new(*facts, "replaced_by", json_string(x.replaced_by));
        rc = RP_REVOKED;
    }
    st_cert_clear(&x);
    return rc;
}

static int stop_at_first(void *ctx, const st_cert *c)
{
    (void)c;
    *(bool *)ctx = true;
    return 1;
}

int rg_republish(st_store *st, const char *id, const json_t *doc, const char *by,
                 const char *why, rg_counts *n, char *err, size_t errcap)
{
    bool any = false;
    rg_final f;
    int rc = st_certs_active(st, id, stop_at_first, &any);
    if (n)
        memset(n, 0, sizeof *n);
    if (rc < 0 && !any) {
        snprintf(err, errcap, "%s", st_errmsg(st));
        return -1;
    }
    if (!any)
        return 0;
    if (rg_final_sync(st, id, doc, by, why, &f, n, err, errcap))
        return -1;
    rg_final_free(&f);
    return 0;
}
