/*
 * jobs.c — see jobs.h. One mutex guards two singly linked queues, waiting and done; workers
 * sleep on a condition variable. The loop is woken with lws_cancel_service, the one lws call
 * that may come from another thread.
 */
#include "server/core/jobs.h"

#include <libwebsockets.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct job {
    uint64_t id;
    void (*work)(void *arg);
    void (*finish)(struct sv_server *s, uint64_t id, void *arg, bool done);
    void *arg;
    struct job *next;
} job;

struct jb_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *waiting, **waiting_tail, *done;
    unsigned n_threads, n_waiting, max_queued;
    pthread_t *threads;
    bool stop;
    uint64_t next_id;
    struct lws_context *loop;
};

static void *worker(void *arg)
{
    jb_pool *p = arg;
    for (;;) {
        job *j;
        pthread_mutex_lock(&p->mu);
        while (!p->stop && !p->waiting)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        j = p->waiting;
        p->waiting = j->next;
        if (!p->waiting)
            p->waiting_tail = &p->waiting;
        p->n_waiting--;
        pthread_mutex_unlock(&p->mu);

        j->work(j->arg);

        pthread_mutex_lock(&p->mu);
        j->next = p->done;
        p->done = j;
        struct lws_context *loop = p->loop;
        pthread_mutex_unlock(&p->mu);
        if (loop)
            lws_cancel_service(loop);
    }
}

jb_pool *jb_new(unsigned n, unsigned max_queued)
{
    jb_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (!n) {
        /* One core stays the loop's: hashing on every core would take it from the marks. */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 2 ? (unsigned)cores - 1 : 1;
    }
    p->max_queued = max_queued ? max_queued : 64;
    p->waiting_tail = &p->waiting;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (!(p->threads = calloc(n, sizeof *p->threads))) {
        free(p);
        return NULL;
    }
    for (; p->n_threads < n; p->n_threads++)
        if (pthread_create(&p->threads[p->n_threads], NULL, worker, p))
            break;
    if (!p->n_threads) {
        free(p->threads);
        free(p);
        return NULL;
    }
    return p;
}

void jb_set_loop(jb_pool *p, struct lws_context *loop)
{
    pthread_mutex_lock(&p->mu);
    p->loop = loop;
    pthread_mutex_unlock(&p->mu);
}

uint64_t jb_submit(jb_pool *p, void (*work)(void *arg),
                   void (*finish)(struct sv_server *s, uint64_t id, void *arg, bool done),
                   void *arg)
{
    job *j;
    uint64_t id = 0;
    pthread_mutex_lock(&p->mu);
    if (p->n_waiting < p->max_queued && (j = calloc(1, sizeof *j))) {
        j->id = id = ++p->next_id;
        j->work = work;
        j->finish = finish;
        j->arg = arg;
        *p->waiting_tail = j;
        p->waiting_tail = &j->next;
        p->n_waiting++;
        pthread_cond_signal(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return id;
}

void jb_tick(jb_pool *p, struct sv_server *s)
{
    job *done;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    done = p->done;
    p->done = NULL;
    pthread_mutex_unlock(&p->mu);
    while (done) {
        job *next = done->next;
        done->finish(s, done->id, done->arg, true);
        free(done);
        done = next;
    }
}

void jb_free(jb_pool *p, struct sv_server *s)
{
    job *left;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    jb_tick(p, s);
    for (left = p->waiting; left;) {
        job *next = left->next;
        left->finish(s, left->id, left->arg, false);
        free(left);
        left = next;
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->threads);
    free(p);
}
