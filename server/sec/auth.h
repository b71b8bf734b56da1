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
 * Guessing online is slowed by throttle.h, which never locks the right secret out.
 */
#ifndef SKILLSCORE_AUTH_H
#define SKILLSCORE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_TOKEN_HEX 65

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

#endif
