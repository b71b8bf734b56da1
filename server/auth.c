/*
 * auth.c — see auth.h for the choices. The throttle is a small open-addressed table: an attacker
 * who fills it only evicts the oldest windows, and a slot is found in a few probes.
 */
#include "auth.h"

#include "audit.h"

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

static size_t slot_hash(const char *key)
{
    size_t h = 1469598103934665603u;
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211u;
    return h % AUTH_THROTTLE_SLOTS;
}

/* The slot holding key, or NULL. */
static const auth_slot *find(const auth_throttle *t, const char *key)
{
    size_t h = slot_hash(key);
    for (size_t i = 0; i < 8; i++) {
        const auth_slot *s = &t->slots[(h + i) % AUTH_THROTTLE_SLOTS];
        if (strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

int64_t auth_throttle_wait(const auth_throttle *t, const char *key, int64_t now)
{
    const auth_slot *s = find(t, key);
    return s && s->locked_until > now ? s->locked_until - now : 0;
}

void auth_throttle_fail(auth_throttle *t, const char *key, int limit, int64_t now)
{
    auth_slot *s = (auth_slot *)find(t, key);
    if (!s) {
        /* Take an empty slot or the one whose window is oldest among the probes. */
        size_t h = slot_hash(key);
        auth_slot *victim = NULL;
        for (size_t i = 0; i < 8; i++) {
            auth_slot *c = &t->slots[(h + i) % AUTH_THROTTLE_SLOTS];
            if (!c->key[0] || !victim || c->window_start < victim->window_start)
                victim = c;
            if (!c->key[0])
                break;
        }
        s = victim;
        memset(s, 0, sizeof *s);
        snprintf(s->key, sizeof s->key, "%s", key);
    }
    if (now - s->window_start > AUTH_WINDOW) {
        s->window_start = now;
        s->failures = 0;
    }
    if (++s->failures >= limit)
        s->locked_until = now + AUTH_LOCKOUT;
}

void auth_throttle_clear(auth_throttle *t, const char *key)
{
    auth_slot *s = (auth_slot *)find(t, key);
    if (s && s->locked_until == 0)
        memset(s, 0, sizeof *s);
}
