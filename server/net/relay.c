/* relay.c — see relay.h. */
#include "server/net/relay.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RL_QUEUE 128

typedef struct slot {
    char comp[64];
    char *text[RL_QUEUE];    /* messages not yet sent, oldest first */
    size_t len[RL_QUEUE];
    bool snap[RL_QUEUE];     /* text[i] is a whole snapshot (a subscriber can start there) */
    size_t n;
    unsigned gen;            /* moves when the queue is emptied: a message in flight is stale */
    bool need_snapshot;      /* updates were dropped: subscribers need a whole snapshot */
} slot;

struct rl_relay {
    char url[512];
    void (*wake)(void *arg); /* asks the loop for a turn, from this thread */
    void *wake_arg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake_cond;
    bool stopping;
    slot slots[RL_MAX_COMPS];
    int next;                /* where the next search for work starts: competitions take turns */
    /* Slots whose need_snapshot is set, kept by need(): the loop asks rl_need_snapshot for every
     * competition at the end of every turn, and this lets it answer "no" without the lock. */
    atomic_int needing;
    bool full_said;          /* the "more than RL_MAX_COMPS" line was written */
    uint64_t sent, failed, replaced;
};

/* Sets a slot's need_snapshot, keeping the count of slots that have it. Under the lock. */
static void need(rl_relay *r, slot *s, bool on)
{
    if (s->need_snapshot != on)
        atomic_fetch_add(&r->needing, on ? 1 : -1);
    s->need_snapshot = on;
}

/* The start of nchan's JSON reply to a publish ({"messages": N, ...}); more is not needed. */
typedef struct reply {
    char text[256];
    size_t n;
} reply;

static size_t keep_reply(char *p, size_t size, size_t n, void *ctx)
{
    reply *rp = ctx;
    size_t len = size * n, room = sizeof rp->text - 1 - rp->n;
    memcpy(rp->text + rp->n, p, len < room ? len : room);
    rp->n += len < room ? len : room;
    rp->text[rp->n] = '\0';
    return len;
}

/* How many messages the channel holds after a publish, from nchan's reply; -1 when the reply
 * does not say. */
static long queued_messages(const reply *rp)
{
    const char *at = strstr(rp->text, "\"messages\":");
    return at ? strtol(at + sizeof "\"messages\":" - 1, NULL, 10) : -1;
}

/* POSTs one message (an update or a snapshot); 0 when the relay took it (2xx), with how many
 * messages the channel now holds in *queued (-1: not said). */
static int post(CURL *h, const char *url, const char *comp, const char *text, size_t len,
                long *queued)
{
    char target[640];
    long code = 0;
    reply rp = {.n = 0};
    *queued = -1;
    snprintf(target, sizeof target, "%s/%s", url, comp);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &rp);
    curl_easy_setopt(h, CURLOPT_URL, target);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    if (curl_easy_perform(h) != CURLE_OK)
        return -1;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code >= 300)
        return -1;
    *queued = queued_messages(&rp);
    return 0;
}

/* The relay may have lost what it held (a failed post: it may be restarting; a fresh channel:
 * it was restarted). Whatever is queued as updates has no base there any more, for any
 * competition, quiet ones included: each queue keeps only what follows its first snapshot, and
 * one with none asks the loop for a snapshot. Called with the lock; true when a snapshot was
 * asked for (the loop must be woken: it may be idle). */
static bool relay_lost(rl_relay *r)
{
    bool ask = false;
    for (int i = 0; i < RL_MAX_COMPS; i++) {
        slot *s = &r->slots[i];
        size_t k = 0;
        if (!s->comp[0])
            continue;
        while (k < s->n && !s->snap[k])
            free(s->text[k++]);
        if (k) {
            memmove(s->text, s->text + k, (s->n - k) * sizeof *s->text);
            memmove(s->len, s->len + k, (s->n - k) * sizeof *s->len);
            memmove(s->snap, s->snap + k, (s->n - k) * sizeof *s->snap);
            s->n -= k;
            r->replaced += k;
        }
        if (!s->n && !s->need_snapshot) {
            need(r, s, true);
            ask = true;
        }
    }
    return ask;
}

static void *run(void *arg)
{
    rl_relay *r = arg;
    CURL *h = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    long backoff_ms = 0;

    /* nchan answers a publish in JSON when asked: how many messages the channel holds. */
    headers = headers ? curl_slist_append(headers, "Accept: application/json") : NULL;
    if (h) {
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_reply);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    }
    pthread_mutex_lock(&r->lock);
    while (!r->stopping) {
        slot *s = NULL;
        /* Round robin: a busy competition must not keep a quieter one's updates waiting. */
        for (int k = 0; k < RL_MAX_COMPS && !s; k++) {
            int i = (r->next + k) % RL_MAX_COMPS;
            if (r->slots[i].n) {
                s = &r->slots[i];
                r->next = (i + 1) % RL_MAX_COMPS;
            }
        }
        if (!s || backoff_ms) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            long wait = backoff_ms ? backoff_ms : 1000;
            until.tv_sec += wait / 1000;
            until.tv_nsec += (wait % 1000) * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&r->wake_cond, &r->lock, &until);
            if (backoff_ms && !r->stopping)
                backoff_ms = 0; /* try again with whatever is newest now */
            continue;
        }
        /* Take the oldest out and send it without the lock (the loop may offer more). */
        char comp[64], *text = s->text[0];
        size_t len = s->len[0];
        bool snap = s->snap[0], ask;
        unsigned gen = s->gen;
        long queued = -1;
        snprintf(comp, sizeof comp, "%s", s->comp);
        memmove(s->text, s->text + 1, (s->n - 1) * sizeof *s->text);
        memmove(s->len, s->len + 1, (s->n - 1) * sizeof *s->len);
        memmove(s->snap, s->snap + 1, (s->n - 1) * sizeof *s->snap);
        s->n--;
        pthread_mutex_unlock(&r->lock);
        int rc = h ? post(h, r->url, comp, text, len, &queued) : -1;
        pthread_mutex_lock(&r->lock);
        if (rc == 0) {
            r->sent++;
            free(text);
            backoff_ms = 0;
            /* An update that is alone in its channel found a relay that had lost everything
             * (restarted between two posts, so none failed): start again from snapshots. */
            if (!snap && queued == 1 && relay_lost(r) && r->wake) {
                pthread_mutex_unlock(&r->lock);
                r->wake(r->wake_arg);
                pthread_mutex_lock(&r->lock);
            }
            continue;
        }
        /* Failed. A snapshot goes back to the front (what follows it in the queue are its
         * updates) unless a newer one replaced the queue meanwhile; an update is dropped, and
         * so is every update queued anywhere before a snapshot: the next post that succeeds,
         * for every competition, is a snapshot. */
        if (snap && s->gen == gen && s->n < RL_QUEUE) {
            memmove(s->text + 1, s->text, s->n * sizeof *s->text);
            memmove(s->len + 1, s->len, s->n * sizeof *s->len);
            memmove(s->snap + 1, s->snap, s->n * sizeof *s->snap);
            s->text[0] = text;
            s->len[0] = len;
            s->snap[0] = true;
            s->n++;
        } else {
            free(text);
            r->replaced++;
        }
        ask = relay_lost(r);
        r->failed++;
        backoff_ms = 500;
        if (ask && r->wake) {
            /* Outside the lock: the loop's turn asks rl_need_snapshot, which takes it. */
            pthread_mutex_unlock(&r->lock);
            r->wake(r->wake_arg);
            pthread_mutex_lock(&r->lock);
        }
    }
    pthread_mutex_unlock(&r->lock);
    curl_slist_free_all(headers);
    if (h)
        curl_easy_cleanup(h);
    return NULL;
}

rl_relay *rl_start(const char *url, void (*wake)(void *arg), void *wake_arg, char *err,
                   size_t errcap)
{
    rl_relay *r;
    size_t n = url ? strlen(url) : 0;
    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) || n >= 500) {
        snprintf(err, errcap, "--relay must be the relay's publisher URL, like "
                              "http://relay.example.cn/pub");
        return NULL;
    }
    if (!(r = calloc(1, sizeof *r))) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    snprintf(r->url, sizeof r->url, "%.*s", (int)(url[n - 1] == '/' ? n - 1 : n), url);
    r->wake = wake;
    r->wake_arg = wake_arg;
    atomic_init(&r->needing, 0);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake_cond, NULL);
    if (pthread_create(&r->thread, NULL, run, r)) {
        snprintf(err, errcap, "cannot start the relay thread");
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->wake_cond);
        free(r);
        return NULL;
    }
    return r;
}

static void clear(slot *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->text[i]);
    s->n = 0;
    s->gen++;
}

void rl_offer(rl_relay *r, const char *comp, const char *text, size_t len, bool snapshot)
{
    char *copy = malloc(len + 1);
    slot *s = NULL, *free_slot = NULL;
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < RL_MAX_COMPS && !s; i++) {
        if (strcmp(r->slots[i].comp, comp) == 0)
            s = &r->slots[i];
        else if (!free_slot && !r->slots[i].comp[0])
            free_slot = &r->slots[i];
    }
    if (!s && (s = free_slot))
        snprintf(s->comp, sizeof s->comp, "%s", comp);
    if (!s || !copy) {
        if (s)
            need(r, s, true);
        else if (!r->full_said) {
            /* Said once: the public sees the first RL_MAX_COMPS competitions, not the rest. */
            r->full_said = true;
            fprintf(stderr, "skillscore: relay: more than %d competitions; %s is not published\n",
                    RL_MAX_COMPS, comp);
        }
        goto out;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (snapshot) {
        /* A whole state: nothing queued before it is needed any more. The one being sent may
         * still go out; it is older, and subscribers take the newer snapshot after it. */
        if (s->n)
            r->replaced += s->n;
        clear(s);
        need(r, s, false);
    } else if (s->need_snapshot || s->n == RL_QUEUE) {
        /* Too far behind (a dead or slow relay): drop the updates and ask for a snapshot. */
        r->replaced += s->n;
        clear(s);
        need(r, s, true);
        goto out;
    }
    s->text[s->n] = copy;
    s->snap[s->n] = snapshot;
    s->len[s->n++] = len;
    copy = NULL;
    pthread_cond_signal(&r->wake_cond);
out:
    pthread_mutex_unlock(&r->lock);
    free(copy);
}

bool rl_need_snapshot(rl_relay *r, const char *comp)
{
    bool need = false;
    if (atomic_load(&r->needing) == 0)
        return false;
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < RL_MAX_COMPS; i++)
        if (strcmp(r->slots[i].comp, comp) == 0)
            need = r->slots[i].need_snapshot;
    pthread_mutex_unlock(&r->lock);
    return need;
}

void rl_stats(rl_relay *r, uint64_t *sent, uint64_t *failed, uint64_t *replaced)
{
    pthread_mutex_lock(&r->lock);
    *sent = r->sent;
    *failed = r->failed;
    *replaced = r->replaced;
    pthread_mutex_unlock(&r->lock);
}

void rl_stop(rl_relay *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = true;
    pthread_cond_signal(&r->wake_cond);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    for (int i = 0; i < RL_MAX_COMPS; i++)
        clear(&r->slots[i]);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake_cond);
    free(r);
}
