/*
 * throttle.c — see throttle.h. Two maps (strmap.h): address → its bucket and failures, account →
 * its failures. The bucket counts in tenths of a token so refills need no floating point.
 */
#include "server/sec/throttle.h"

#include "server/lib/strmap.h"

#include <stdlib.h>

typedef struct th_addr {
    int64_t refilled;       /* when tokens was last topped up */
    int tokens;             /* tenths of a token */
    int failures;
    int64_t last_failure;
    int64_t next_try;       /* no try before this */
} th_addr;

typedef struct th_account {
    int failures;
    int64_t last_failure;
} th_account;

struct th_table {
    sm_map *addrs, *accounts;
    int64_t swept;
};

th_table *th_new(void)
{
    th_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->addrs = sm_new(sizeof(th_addr));
    t->accounts = sm_new(sizeof(th_account));
    if (!t->addrs || !t->accounts) {
        th_free(t);
        return NULL;
    }
    return t;
}

void th_free(th_table *t)
{
    if (!t)
        return;
    sm_free(t->addrs);
    sm_free(t->accounts);
    free(t);
}

static bool addr_stale(void *ctx, const char *key, void *value)
{
    const th_addr *a = value;
    int64_t now = *(const int64_t *)ctx;
    (void)key;
    /* A full bucket and no failure worth remembering: nothing to keep. */
    return now - a->refilled >= (int64_t)TH_BURST * TH_REFILL &&
           (a->failures == 0 || now - a->last_failure > TH_WINDOW) && a->next_try <= now;
}

static bool account_stale(void *ctx, const char *key, void *value)
{
    const th_account *a = value;
    (void)key;
    return *(const int64_t *)ctx - a->last_failure > TH_WINDOW;
}

static void sweep(th_table *t, int64_t now)
{
    if (now - t->swept < 60 && sm_size(t->addrs) < TH_MAX_ADDRS)
        return;
    t->swept = now;
    sm_sweep(t->addrs, addr_stale, &now);
    sm_sweep(t->accounts, account_stale, &now);
}

/* The entry of addr with its bucket topped up; NULL when the table is full or memory is out. */
static th_addr *addr_entry(th_table *t, const char *addr, int64_t now)
{
    th_addr *a = sm_get(t->addrs, addr);
    bool added;

    if (!a) {
        sweep(t, now);
        if (sm_size(t->addrs) >= TH_MAX_ADDRS || !(a = sm_put(t->addrs, addr, &added)))
            return NULL;
        a->refilled = now;
        a->tokens = TH_BURST * 10;
    }
    if (now > a->refilled) {
        int64_t more = (now - a->refilled) * 10 / TH_REFILL;
        a->tokens = more >= TH_BURST * 10 - a->tokens ? TH_BURST * 10 : a->tokens + (int)more;
        a->refilled = now;
    }
    if (a->failures && now - a->last_failure > TH_WINDOW)
        a->failures = 0;
    return a;
}

bool th_guarded(const th_table *t, const char *account, int64_t now)
{
    const th_account *a = account ? sm_get(t->accounts, account) : NULL;
    return a && a->failures >= TH_GUARD && now - a->last_failure <= TH_WINDOW;
}

th_verdict th_check(th_table *t, const char *addr, const char *account, bool enrolled, int64_t now,
                    int64_t *wait)
{
    th_addr *a = addr_entry(t, addr, now);

    *wait = 0;
    if (!a) {
        *wait = 60;
        return TH_SLOW_DOWN;
    }
    if (a->next_try > now) {
        *wait = a->next_try - now;
        return TH_SLOW_DOWN;
    }
    if (a->tokens < 10) {
        *wait = TH_REFILL;
        return TH_SLOW_DOWN;
    }
    if (!enrolled && th_guarded(t, account, now)) {
        const th_account *acc = sm_get(t->accounts, account);
        *wait = TH_WINDOW - (now - acc->last_failure);
        return TH_GUARDED;
    }
    a->tokens -= 10;
    return TH_GO;
}

void th_failed(th_table *t, const char *addr, const char *account, int64_t now)
{
    th_addr *a = addr_entry(t, addr, now);
    if (a) {
        a->failures++;
        a->last_failure = now;
        if (a->failures >= TH_FREE) {
            int shift = a->failures - TH_FREE;
            int64_t w = shift >= 9 ? TH_MAX_WAIT : (int64_t)1 << shift;
            a->next_try = now + (w > TH_MAX_WAIT ? TH_MAX_WAIT : w);
        }
    }
    if (account) {
        th_account *acc = sm_put(t->accounts, account, NULL);
        if (acc) {
            if (now - acc->last_failure > TH_WINDOW)
                acc->failures = 0;
            acc->failures++;
            acc->last_failure = now;
        }
    }
}

void th_forget_account(th_table *t, const char *account) { sm_del(t->accounts, account); }
