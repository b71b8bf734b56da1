/*
 * auth.c — see auth.h for the choices.
 */
#include "server/sec/auth.h"

#include "server/store/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define OPSLIMIT 2
#define MEMLIMIT (19u * 1024 * 1024)

int auth_init(void) { return sodium_init() < 0 ? -1 : 0; }

char *auth_hash(const char *secret)
{
    char *out = malloc(crypto_pwhash_STRBYTES);
    if (!out)
        return NULL;
    if (crypto_pwhash_str(out, secret, strlen(secret), OPSLIMIT, MEMLIMIT) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

bool auth_verify(const char *hash, const char *secret)
{
    return crypto_pwhash_str_verify(hash, secret, strlen(secret)) == 0;
}

void auth_new_token(char hex[AUTH_TOKEN_HEX], unsigned char sha[32])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    aud_hex(raw, sizeof raw, hex);
    aud_sha256(hex, 64, sha);
    sodium_memzero(raw, sizeof raw);
}

int auth_token_sha(const char *hex, unsigned char sha[32])
{
    size_t n = strlen(hex);
    if (n != 64)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
            return -1;
    return aud_sha256(hex, 64, sha);
}

uint32_t auth_uniform(uint32_t n) { return randombytes_uniform(n); }

void auth_random_digits(char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + randombytes_uniform(10));
    out[n] = '\0';
}

void auth_random_password(char *out, size_t n)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[n] = '\0';
}
