/*
 * jobs.h — work that must not hold the event loop, done on a small pool of threads (prefix jb_).
 *
 * A sign-in checks an Argon2id hash: about 30 ms of CPU and 19 MiB. On the loop, a few dozen
 * wrong PINs a second from the Wi-Fi would take every judge's mark 30 ms later each. So the hash
 * is checked on a worker thread while the loop goes on, and the request's reply is parked
 * (http.h) until the job is done.
 *
 * A job's work runs on a worker with only its own argument (no store, no server); its finish
 * runs on the loop, in jb_tick, where it may use everything. Jobs finish in any order.
 *
 * Ownership: the pool belongs to the server; a job's argument belongs to the job until finish,
 * which frees it.
 */
#ifndef SKILLSCORE_JOBS_H
#define SKILLSCORE_JOBS_H

#include <stdbool.h>
#include <stdint.h>

struct sv_server;
struct lws_context;

typedef struct jb_pool jb_pool;

/* A pool of n worker threads (0: one fewer than the cores, at least one) that wakes loop when a job is
 * done; NULL when memory runs out or no thread starts. max_queued bounds jobs waiting. */
jb_pool *jb_new(unsigned n, unsigned max_queued);
void jb_set_loop(jb_pool *p, struct lws_context *loop);
/* Waits for the running jobs, drops the queued ones (their finish is called with done false
 * on this thread), and frees the pool. */
void jb_free(jb_pool *p, struct sv_server *s);

/* Queues a job: its id (> 0), or 0 when the queue is full (nothing was queued). */
uint64_t jb_submit(jb_pool *p, void (*work)(void *arg),
                   void (*finish)(struct sv_server *s, uint64_t id, void *arg, bool done),
                   void *arg);
/* On the loop: calls finish for every job done since the last call. */
void jb_tick(jb_pool *p, struct sv_server *s);

#endif
