/*
 * certs.c — which certificates the results call for, their numbers and their signatures
 * (reports.h). No I/O: the key comes from the caller (the server keeps it in its database).
 *
 * The order of the list is the numbering order, so it must depend on the results only: events in
 * file order, then the results' groups of that event in their order (group name bytes), entries in
 * rank order (the engine's results order), members in entry order, award before level.
 */
#include "reports.h"

#include "compfile/vec.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Expands pattern for one certificate; seq < 0 leaves "{seq}" as a marker (the counting key).
 * 0, or -1 with err set. */
static int expand(const char *pattern, const cf_competition *c, const cf_event *ev, rp_kind kind,
                  long seq, char *out, size_t cap, char *err, size_t errcap)
{
    char year[16] = "";
    size_t n = 0;
    bool has_seq = false;

    if (c->date && strlen(c->date) >= 4)
        snprintf(year, sizeof year, "%.4s", c->date);
    else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
    }
    for (const char *p = pattern; *p;) {
        char piece[96];
        if (*p != '{') {
            piece[0] = *p++;
            piece[1] = '\0';
        } else {
            const char *close = strchr(p, '}');
            char name[32];
            int width = 0;
            if (!close || close - p - 1 >= (long)sizeof name) {
                snprintf(err, errcap, "certificate pattern \"%s\": a '{' without its '}'", pattern);
                return -1;
            }
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
            p = close + 1;
            if (strcmp(name, "code") == 0)
                snprintf(piece, sizeof piece, "%s", c->code ? c->code : c->id);
            else if (strcmp(name, "year") == 0)
                snprintf(piece, sizeof piece, "%s", year);
            else if (strcmp(name, "event") == 0)
                snprintf(piece, sizeof piece, "%s", ev->id);
            else if (strcmp(name, "kind") == 0)
                snprintf(piece, sizeof piece, "%c", (char)kind);
            else if (strcmp(name, "seq") == 0 ||
                     (sscanf(name, "seq:%d", &width) == 1 && width >= 1 && width <= 9)) {
                has_seq = true;
                if (seq < 0)
                    snprintf(piece, sizeof piece, "{seq}");
                else
                    snprintf(piece, sizeof piece, "%0*ld", width ? width : 1, seq);
            } else {
                snprintf(err, errcap, "certificate pattern \"%s\": unknown placeholder {%s} (use "
                         "{code}, {year}, {event}, {kind}, {seq} or {seq:N})", pattern, name);
                return -1;
            }
        }
        size_t k = strlen(piece);
        if (n + k >= cap) {
            snprintf(err, errcap, "certificate pattern \"%s\" makes numbers longer than %zu bytes",
                     pattern, cap - 1);
            return -1;
        }
        memcpy(out + n, piece, k + 1);
        n += k;
    }
    if (!has_seq) {
        snprintf(err, errcap, "certificate pattern \"%s\" has no {seq}: numbers would repeat",
                 pattern);
        return -1;
    }
    return 0;
}

static const char *kind_key(rp_kind k) { return k == RP_AWARD ? "award" : "level"; }

/* The signed text: every fact the certificate states, one field per line, in a fixed order. */
static char *facts_text(const cf_competition *c, const cf_results *r, const rp_cert *k)
{
    const cf_entry *en = &c->entries[k->entry];
    const cf_member *m = &en->members[k->member];
    const char *award = sc_award_name(k->award), *level = sc_level_name(k->level);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "skillscore-certificate/1\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%lld\n%s\n%s\n",
            k->number, c->id, kind_key(k->kind), m->id, m->name, c->events[en->event].id,
            r->groups[k->group].group, en->id, (long long)k->rank, award ? award : "",
            k->kind == RP_LEVEL && level ? level : "");
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int sign(const unsigned char key[RP_KEY_BYTES], const cf_competition *c,
                const cf_results *r, rp_cert *k)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    char *text = facts_text(c, r, k);
    if (!text)
        return -1;
    if (!HMAC(EVP_sha256(), key, RP_KEY_BYTES, (const unsigned char *)text, strlen(text), mac,
              &maclen)) {
        free(text);
        return -1;
    }
    free(text);
    for (int i = 0; i < RP_SIG_HEX / 2; i++)
        snprintf(k->sig + 2 * i, 3, "%02x", mac[i]);
    return 0;
}

typedef struct counter {
    char key[96];
    long n;
} counter;

/* The next sequence number for a number whose other parts are key. */
static long next_seq(counter **tab, size_t *n, size_t *cap, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*tab)[i].key, key) == 0)
            return ++(*tab)[i].n;
    if (VEC_RESERVE(*tab, *cap, *n + 1, 16))
        return -1;
    snprintf((*tab)[*n].key, sizeof (*tab)[*n].key, "%s", key);
    (*tab)[*n].n = 1;
    return (*tab)[(*n)++].n;
}

static int push(rp_certs *out, size_t *cap, const rp_cert *k)
{
    if (VEC_RESERVE(out->items, *cap, out->n + 1, 64))
        return -1;
    out->items[out->n++] = *k;
    return 0;
}

/* What numbering one list needs as it grows. */
typedef struct builder {
    const cf_competition *c;
    const cf_results *r;
    const char *pattern;
    const unsigned char *key;
    rp_certs *out;
    size_t cap;
    counter *seqs;
    size_t n_seqs, cap_seqs;
    char *err;
    size_t errcap;
} builder;

/* Numbers, signs and appends one certificate. 0, or -1 with b->err set (or empty: memory). */
static int add(builder *b, rp_cert *k)
{
    const cf_event *ev = &b->c->events[b->c->entries[k->entry].event];
    char keytext[96];
    long seq;
    if (expand(b->pattern, b->c, ev, k->kind, -1, keytext, sizeof keytext, b->err, b->errcap) ||
        (seq = next_seq(&b->seqs, &b->n_seqs, &b->cap_seqs, keytext)) < 0 ||
        expand(b->pattern, b->c, ev, k->kind, seq, k->number, sizeof k->number, b->err,
               b->errcap) ||
        sign(b->key, b->c, b->r, k) || push(b->out, &b->cap, k))
        return -1;
    return 0;
}

int rp_certs_build(const cf_competition *c, const cf_results *r, const bool *include,
                   const char *pattern, const unsigned char key[RP_KEY_BYTES], rp_certs *out,
                   char *err, size_t errcap)
{
    builder b = {.c = c, .r = r, .pattern = pattern, .key = key, .out = out, .err = err,
                 .errcap = errcap};

    memset(out, 0, sizeof *out);
    if (errcap)
        err[0] = '\0';
    if (!b.pattern)
        b.pattern = c->certificate_pattern ? c->certificate_pattern : RP_DEFAULT_PATTERN;
    for (size_t e = 0; e < c->n_events; e++) {
        if (include && !include[e])
            continue;
        for (size_t g = 0; g < r->n_groups; g++) {
            const cf_group_result *gr = &r->groups[g];
            for (size_t i = 0; gr->event == e && i < gr->n; i++) {
                const sc_entry_out *o = &gr->entries[i];
                for (size_t m = 0; m < c->entries[o->entry].n_members; m++) {
                    rp_cert k = {.kind = RP_AWARD, .group = g, .entry = o->entry, .member = m,
                                 .rank = o->rank, .award = o->award, .level = SC_LEVEL_NONE};
                    /* a pass mark may withhold the award certificate but not the award */
                    if (o->award != SC_AWARD_NONE && !(o->withheld & SC_WITHHOLD_CERTIFICATE) &&
                        add(&b, &k))
                        goto fail;
                    k.kind = RP_LEVEL;
                    k.level = o->promoted_to[m];
                    if (k.level != SC_LEVEL_NONE && add(&b, &k))
                        goto fail;
                }
            }
        }
    }
    free(b.seqs);
    return 0;
fail:
    if (errcap && !err[0])
        snprintf(err, errcap, "out of memory while listing certificates");
    free(b.seqs);
    rp_certs_free(out);
    return -1;
}

void rp_certs_free(rp_certs *certs)
{
    free(certs->items);
    certs->items = NULL;
    certs->n = 0;
}

const rp_cert *rp_certs_find(const rp_certs *certs, const char *number)
{
    for (size_t i = 0; i < certs->n; i++)
        if (strcmp(certs->items[i].number, number) == 0)
            return &certs->items[i];
    return NULL;
}

bool rp_sig_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != RP_SIG_HEX || lb != RP_SIG_HEX)
        return false;
    return CRYPTO_memcmp(a, b, RP_SIG_HEX) == 0;
}

int rp_verify(const rp_certs *certs, const char *number, const char *sig, const rp_cert **found)
{
    const rp_cert *k = rp_certs_find(certs, number);
    *found = NULL;
    if (!k)
        return RP_UNKNOWN;
    if (!rp_sig_equal(k->sig, sig))
        return RP_FORGED;
    *found = k;
    return RP_GENUINE;
}

json_t *rp_cert_facts(const cf_competition *c, const cf_results *r, const rp_cert *k)
{
    const cf_entry *en = &c->entries[k->entry];
    const cf_member *m = &en->members[k->member];
    const cf_event *ev = &c->events[en->event];
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "number", k->number,
                          "competition", c->id, "competition_name", c->name, "kind",
                          kind_key(k->kind), "name", m->name, "event", ev->id, "event_name",
                          ev->name, "group", r->groups[k->group].group, "rank",
                          (json_int_t)k->rank);
    if (!o)
        return NULL;
    if (m->unit)
        json_object_set_new(o, "unit", json_string(m->unit));
    if (ev->occupation_name)
        json_object_set_new(o, "occupation", json_string(ev->occupation_name));
    if (sc_award_name(k->award))
        json_object_set_new(o, "award", json_string(sc_award_name(k->award)));
    if (k->kind == RP_LEVEL)
        json_object_set_new(o, "level", json_string(sc_level_name(k->level)));
    if (c->certificate_issuer)
        json_object_set_new(o, "issuer", json_string(c->certificate_issuer));
    if (c->date)
        json_object_set_new(o, "date", json_string(c->date));
    return o;
}

int rp_cert_renumber(const cf_competition *c, const char *pattern, rp_cert *k, long seq,
                     char *err, size_t errcap)
{
    const cf_event *ev = &c->events[c->entries[k->entry].event];
    if (!pattern)
        pattern = c->certificate_pattern ? c->certificate_pattern : RP_DEFAULT_PATTERN;
    return expand(pattern, c, ev, k->kind, seq, k->number, sizeof k->number, err, errcap);
}

int rp_cert_sign(const cf_competition *c, const cf_results *r,
                 const unsigned char key[RP_KEY_BYTES], rp_cert *k)
{
    return sign(key, c, r, k);
}

void rp_short_code(const char *sig, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < 12 && sig[i] && n + 2 < cap; i++) {
        if (i && i % 4 == 0)
            out[n++] = '-';
        out[n++] = (char)toupper((unsigned char)sig[i]);
    }
    out[n] = '\0';
}

bool rp_short_equal(const char *sig, const char *code)
{
    char a[16], b[16];
    size_t n = 0;
    for (const char *q = code; *q && n < 13; q++)
        if (*q != '-' && *q != ' ')
            b[n++] = (char)tolower((unsigned char)*q);
    if (n != 12 || strlen(sig) < 12)
        return false;
    memcpy(a, sig, 12);
    return CRYPTO_memcmp(a, b, 12) == 0;
}
