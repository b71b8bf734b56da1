/*
 * audit.c — hashing for the audit chain (see audit.h). OpenSSL's libcrypto is already on the
 * machine as a libwebsockets dependency, so SHA-256 comes from there rather than our own code.
 */
#include "server/store/audit.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

int aud_sha256(const void *data, size_t len, unsigned char out[32])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32 ? 0 : -1;
}

void aud_hex(const unsigned char *raw, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[raw[i] >> 4];
        out[2 * i + 1] = digits[raw[i] & 15];
    }
    out[2 * n] = '\0';
}

static int feed(EVP_MD_CTX *ctx, const char *s, int last)
{
    if (s && EVP_DigestUpdate(ctx, s, strlen(s)) != 1)
        return -1;
    return last ? 0 : (EVP_DigestUpdate(ctx, "\n", 1) == 1 ? 0 : -1);
}

int aud_hash(const char *prev_hex, int64_t seq, const char *at, const char *actor,
             const char *action, const char *comp, const char *detail, char out[AUD_HEX])
{
    unsigned char raw[32];
    unsigned int n = 0;
    char seqs[24];
    int rc = -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    if (!ctx)
        return -1;
    snprintf(seqs, sizeof seqs, "%" PRId64, seq);
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 || feed(ctx, prev_hex, 0) ||
        feed(ctx, seqs, 0) || feed(ctx, at, 0) || feed(ctx, actor, 0) || feed(ctx, action, 0) ||
        feed(ctx, comp, 0) || feed(ctx, detail, 1) || EVP_DigestFinal_ex(ctx, raw, &n) != 1 ||
        n != 32)
        goto out;
    aud_hex(raw, 32, out);
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}
