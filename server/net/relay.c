/* relay.c — see relay.h. */
#include "server/net/relay.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct slot {
    char comp[64];
    char *text;              /* the newest snapshot not yet sent, or NULL */
    size_t len;
} slot;

struct rl_relay {
    char url[512];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    slot slots[RL_MAX_COMPS];
    uint64_t sent, failed, replaced;
};

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n;
}

/* POSTs one snapshot; 0 when the relay took it (2xx). */
static int post(CURL *h, const char *url, const char *comp, const char *text, size_t len)
{
    char target[640];
    long code = 0;
    snprintf(target, sizeof target, "%s/%s", url, comp);
    curl_easy_setopt(h, CURLOPT_URL, target);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    if (curl_easy_perform(h) != CURLE_OK)
        return -1;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    return code >= 200 && code < 300 ? 0 : -1;
}

static void *run(void *arg)
{
    rl_relay *r = arg;
    CURL *h = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    long backoff_ms = 0;

    if (h) {
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    }
    pthread_mutex_lock(&r->lock);
    while (!r->stopping) {
        slot *s = NULL;
        for (int i = 0; i < RL_MAX_COMPS && !s; i++)
            if (r->slots[i].text)
                s = &r->slots[i];
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
            pthread_cond_timedwait(&r->wake, &r->lock, &until);
            if (backoff_ms && !r->stopping)
                backoff_ms = 0; /* try again with whatever is newest now */
            continue;
        }
        /* Take the snapshot out, send it without the lock: the loop may offer a newer one. */
        char comp[64], *text = s->text;
        size_t len = s->len;
        snprintf(comp, sizeof comp, "%s", s->comp);
        s->text = NULL;
        pthread_mutex_unlock(&r->lock);
        int rc = h ? post(h, r->url, comp, text, len) : -1;
        pthread_mutex_lock(&r->lock);
        if (rc == 0) {
            r->sent++;
            free(text);
            backoff_ms = 0;
            continue;
        }
        r->failed++;
        /* Keep it unless something newer came: the relay must end up with the newest state. */
        slot *again = NULL;
        for (int i = 0; i < RL_MAX_COMPS && !again; i++)
            if (strcmp(r->slots[i].comp, comp) == 0)
                again = &r->slots[i];
        if (again && !again->text) {
            again->text = text;
            again->len = len;
        } else
            free(text);
        backoff_ms = 500;
    }
    pthread_mutex_unlock(&r->lock);
    curl_slist_free_all(headers);
    if (h)
        curl_easy_cleanup(h);
    return NULL;
}

rl_relay *rl_start(const char *url, char *err, size_t errcap)
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
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    if (pthread_create(&r->thread, NULL, run, r)) {
        snprintf(err, errcap, "cannot start the relay thread");
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->wake);
        free(r);
        return NULL;
    }
    return r;
}

void rl_offer(rl_relay *r, const char *comp, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    slot *s = NULL, *free_slot = NULL;
    if (!copy)
        return; /* the next offer carries the state as well */
    memcpy(copy, text, len);
    copy[len] = '\0';
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < RL_MAX_COMPS && !s; i++) {
        if (strcmp(r->slots[i].comp, comp) == 0)
            s = &r->slots[i];
        else if (!free_slot && !r->slots[i].comp[0])
            free_slot = &r->slots[i];
    }
    if (!s && (s = free_slot))
        snprintf(s->comp, sizeof s->comp, "%s", comp);
    if (s) {
        if (s->text) {
            free(s->text);
            r->replaced++;
        }
        s->text = copy;
        s->len = len;
        copy = NULL;
        pthread_cond_signal(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
    free(copy);
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
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    for (int i = 0; i < RL_MAX_COMPS; i++)
        free(r->slots[i].text);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    free(r);
}
