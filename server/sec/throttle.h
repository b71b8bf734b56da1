/*
 * throttle.h — who may try a password or PIN now (prefix th_).
 *
 * The venue Wi-Fi is hostile, and a lockout per account would let anyone lock a judge out with
 * five wrong PINs. So the throttle never refuses the right secret from the judge's own tablet:
 *
 * - Per address: every sign-in takes a token from a bucket (TH_BURST, one back every
 *   TH_REFILL seconds), so correct sign-ins cannot burn the CPU either; and after TH_FREE
 *   failures an address waits 1, 2, 4 … up to TH_MAX_WAIT seconds between tries. Failures are
 *   forgotten TH_WINDOW seconds after the last one. This slows the guesser, not the judges.
 * - Per account: after TH_GUARD failures from anywhere within TH_WINDOW, the account is guarded
 *   until TH_WINDOW passes without a failure: sign-ins for it are taken only from a device that
 *   signed in to it before (enrolled: the tablet shows the device token it was given). A judge on
 *   their own tablet is never stopped; a guesser spread over many addresses gets nowhere; a judge
 *   on a new tablet asks the organizer for a new PIN, which lifts the guard (th_forget_account).
 *
 * Memory: an address or account costs one entry while it has a reason to be remembered; entries
 * are swept when stale. At TH_MAX_ADDRS addresses, a new address is refused outright rather
 * than forgetting an old one — the table cannot be flushed by filling it.
 *
 * Ownership: the table belongs to its creator; keys are copied.
 */
#ifndef SKILLSCORE_THROTTLE_H
#define SKILLSCORE_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#define TH_BURST 30
#define TH_REFILL 2
#define TH_FREE 5
#define TH_MAX_WAIT 300
#define TH_GUARD 10
#define TH_WINDOW 900
#define TH_MAX_ADDRS 65536

typedef struct th_table th_table;

typedef enum th_verdict {
    TH_GO = 0,        /* check the secret */
    TH_SLOW_DOWN,     /* this address tries too often: wait */
    TH_GUARDED,       /* this account is guarded and the device is not enrolled */
} th_verdict;

th_table *th_new(void);
void th_free(th_table *t);

/* Before a secret is checked: TH_GO, or why not with *wait the seconds to wait. account may be
 * NULL (no such account: only the address is checked); enrolled tells whether the device is
 * enrolled for it. Takes a token from the address's bucket when it says TH_GO. */
th_verdict th_check(th_table *t, const char *addr, const char *account, bool enrolled, int64_t now,
                    int64_t *wait);
/* The secret was wrong. account NULL for names that are no account. */
void th_failed(th_table *t, const char *addr, const char *account, int64_t now);
/* The account's credentials changed: its guard is lifted. */
void th_forget_account(th_table *t, const char *account);
/* Whether the account is guarded now. */
bool th_guarded(const th_table *t, const char *account, int64_t now);

#endif
