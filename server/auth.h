/*
 * auth.h — passwords, PINs, bearer tokens and sign-in throttling (prefix auth_).
 *
 * Passwords and PINs are hashed with Argon2id (libsodium's crypto_pwhash_str), a memory-hard KDF,
 * at t=2 and 19 MiB: the parameters OWASP recommends as a floor, and about 30 ms here, so a
 * sign-in does not stall the server's single event loop. A six-digit PIN stays guessable offline
 * whatever the KDF; what protects it online is the throttle below.
 *
 * Tokens are 256 random bits (getrandom through libsodium), sent to the client as 64 hex digits;
 * the store keeps only their SHA-256, so a copy of the database signs nobody in.
 *
 * Throttle: after AUTH_MAX_FAILURES failed sign-ins for one account, or AUTH_MAX_ADDR_FAILURES
 * from one address, within AUTH_WINDOW seconds, further attempts are refused for AUTH_LOCKOUT
 * seconds (429 with Retry-After), even with the right password. Kept in memory: a restart clears
 * it, which an attacker cannot cause from the network.
 */
#ifndef SKILLSCORE_AUTH_H
#define SKILLSCORE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_MAX_FAILURES 5
#define AUTH_MAX_ADDR_FAILURES 20
#define AUTH_WINDOW 600
#define AUTH_LOCKOUT 300
#define AUTH_TOKEN_HEX 65
#define AUTH_THROTTLE_SLOTS 1024

/* Call once before anything else here. 0, or -1 when libsodium cannot start. */
int auth_init(void);

/* Hash of a password or PIN, malloc'd; NULL when memory runs out. */
char *auth_hash(const char *secret);
bool auth_verify(const char *hash, const char *secret);

/* A new token: hex for the client, raw SHA-256 for the store. */
void auth_new_token(char hex[AUTH_TOKEN_HEX], unsigned char sha[32]);
/* SHA-256 of a token as the client sent it. -1 when it is not 64 hex digits. */
int auth_token_sha(const char *hex, unsigned char sha[32]);

/* n random decimal digits (a PIN), or a password of n letters and digits without look-alikes. */
void auth_random_digits(char *out, size_t n);
void auth_random_password(char *out, size_t n);
/* A uniformly random integer in [0, n). */
uint32_t auth_uniform(uint32_t n);

typedef struct auth_slot {
    char key[96];
    int failures;
    int64_t window_start, locked_until;
} auth_slot;

typedef struct auth_throttle {
    auth_slot slots[AUTH_THROTTLE_SLOTS];
} auth_throttle;

/* Seconds until key may try again; 0 when it may now. */
int64_t auth_throttle_wait(const auth_throttle *t, const char *key, int64_t now);
void auth_throttle_fail(auth_throttle *t, const char *key, int limit, int64_t now);
void auth_throttle_clear(auth_throttle *t, const char *key);

#endif
