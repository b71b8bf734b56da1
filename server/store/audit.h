/*
 * audit.h — the hash chain of the audit log (prefix aud_).
 *
 * Each audit row's hash is SHA-256 over the previous row's hash and the row's own fields, so
 * changing, removing or reordering any row breaks every hash after it, and `skillscore audit
 * verify` names the first row that no longer fits. The first row chains to 64 zeros.
 *
 *   hash = SHA-256(prev_hex "\n" seq "\n" at "\n" actor "\n" action "\n" comp "\n" detail)
 */
#ifndef SKILLSCORE_AUDIT_H
#define SKILLSCORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#define AUD_HEX 65 /* 64 hex digits and the terminator */
#define AUD_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Writes the row's hash as lowercase hex into out. Returns 0, or -1 if libcrypto fails. */
int aud_hash(const char *prev_hex, int64_t seq, const char *at, const char *actor,
             const char *action, const char *comp, const char *detail, char out[AUD_HEX]);

/* SHA-256 of len bytes, raw (32 bytes) and as hex. */
int aud_sha256(const void *data, size_t len, unsigned char out[32]);
void aud_hex(const unsigned char *raw, size_t n, char *out);

#endif
