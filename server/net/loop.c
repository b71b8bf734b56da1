/*
 * loop.c — the server's event loop: see loop.h.
 */
#include "server/net/loop.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

typedef struct sl_slot {
    void (*fn)(void *arg);
    void *arg;
    uv_timer_t uv;                 /* SL_UV */
    uv_idle_t now;                 /* SL_UV, a call "at once": after the next turn's I/O */
    lws_sorted_usec_list_t sul;    /* SL_POLL */
    struct sl_loop *loop;
} sl_slot;

struct sl_loop {
    sl_kind kind;
    struct lws_context *ctx;
    void (*turn)(void *arg);
    void *arg;
    sl_slot slots[SL_TIMERS];
    uv_loop_t uv;
    uv_check_t check;              /* the end of every turn */
    uv_signal_t sigint, sigterm;
    bool uv_ready;
    void *foreign[1];
};

/* SIGINT and SIGTERM in the poll loop; one loop per process. */
static volatile sig_atomic_t interrupted;
static _Atomic(struct lws_context *) signal_ctx;

static void on_signal(int sig)
{
    struct lws_context *ctx = atomic_load(&signal_ctx);
    (void)sig;
    interrupted = 1;
    if (ctx)
        lws_cancel_service(ctx);
}

/* A loop left for the process to end (sl_abandon): still referenced, so not a leak. */
static sl_loop *volatile abandoned;

/* ---- libuv ---------------------------------------------------------------------------------- */

static void on_check(uv_check_t *h)
{
    sl_loop *l = h->data;
    if (l->turn)
        l->turn(l->arg);
}

static void on_uv_signal(uv_signal_t *h, int sig)
{
    (void)sig;
    uv_stop(h->loop);
}

static void on_uv_timer(uv_timer_t *t)
{
    sl_slot *s = t->data;
    if (s->fn)
        s->fn(s->arg);
}

static void on_uv_idle(uv_idle_t *i)
{
    sl_slot *s = i->data;
    uv_idle_stop(i);
    if (s->fn)
        s->fn(s->arg);
}

static int start_uv(sl_loop *l)
{
    if (uv_loop_init(&l->uv))
        return -1;
    l->uv_ready = true;
    uv_check_init(&l->uv, &l->check);
    l->check.data = l;
    uv_signal_init(&l->uv, &l->sigint);
    uv_signal_init(&l->uv, &l->sigterm);
    for (int i = 0; i < SL_TIMERS; i++) {
        uv_timer_init(&l->uv, &l->slots[i].uv);
        l->slots[i].uv.data = &l->slots[i];
        uv_idle_init(&l->uv, &l->slots[i].now);
        l->slots[i].now.data = &l->slots[i];
    }
    return 0;
}

/* ---- poll ----------------------------------------------------------------------------------- */

static void on_sul(lws_sorted_usec_list_t *sul)
{
    sl_slot *s = lws_container_of(sul, sl_slot, sul);
    if (s->fn)
        s->fn(s->arg);
}

/* ---- both ----------------------------------------------------------------------------------- */

sl_loop *sl_new(sl_kind kind)
{
    sl_loop *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->kind = kind;
    for (int i = 0; i < SL_TIMERS; i++)
        l->slots[i].loop = l;
    if (kind == SL_UV && start_uv(l)) {
        free(l);
        return NULL;
    }
    return l;
}

const char *sl_name(const sl_loop *l) { return l->kind == SL_UV ? "libuv (epoll)" : "poll"; }

void sl_prepare(sl_loop *l, struct lws_context_creation_info *info)
{
    if (l->kind != SL_UV)
        return;
    info->options |= LWS_SERVER_OPTION_LIBUV;
    l->foreign[0] = &l->uv;
    info->foreign_loops = l->foreign;
    info->pcontext = &l->ctx; /* lws clears it when the context is finally gone */
}

void sl_attach(sl_loop *l, struct lws_context *ctx, void (*turn)(void *arg), void *arg)
{
    l->ctx = ctx;
    l->turn = turn;
    l->arg = arg;
}

void sl_schedule(sl_loop *l, sl_timer t, int64_t us, void (*fn)(void *arg), void *arg)
{
    sl_slot *s = &l->slots[t];
    s->fn = fn;
    s->arg = arg;
    if (l->kind == SL_UV) {
        /* libuv 1.44 runs a timer started for 0 ms inside a timer callback again in the same
         * timer phase, before any I/O: work cut into slices "at once" would run as one piece.
         * An idle handle runs once per turn, and keeps the poll from blocking. */
        if (us <= 0) {
            uv_timer_stop(&s->uv);
            uv_idle_start(&s->now, on_uv_idle);
            return;
        }
        uv_idle_stop(&s->now);
        /* libuv counts milliseconds: round up, a timer is never early. */
        uv_timer_start(&s->uv, on_uv_timer, (uint64_t)(us + 999) / 1000, 0);
    } else if (l->ctx)
        lws_sul_schedule(l->ctx, 0, &s->sul, on_sul, (lws_usec_t)(us > 0 ? us : 0));
}

void sl_run(sl_loop *l)
{
    interrupted = 0;
    if (l->kind == SL_UV) {
        uv_check_start(&l->check, on_check);
        uv_signal_start(&l->sigint, on_uv_signal, SIGINT);
        uv_signal_start(&l->sigterm, on_uv_signal, SIGTERM);
        uv_run(&l->uv, UV_RUN_DEFAULT);
        uv_check_stop(&l->check);
        uv_signal_stop(&l->sigint);
        uv_signal_stop(&l->sigterm);
    } else {
        atomic_store(&signal_ctx, l->ctx);
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        while (!interrupted) {
            if (lws_service(l->ctx, 0) < 0)
                break;
            if (l->turn)
                l->turn(l->arg);
        }
    }
    if (l->turn)
        l->turn(l->arg);
}

void sl_stop(sl_loop *l)
{
    interrupted = 1;
    if (l->kind == SL_UV)
        uv_stop(&l->uv);
}

void sl_wake(sl_loop *l)
{
    if (l->ctx)
        lws_cancel_service(l->ctx);
}

/* Turns of the loop until nothing is left to close (bounded: a handle that never closes must not
 * hang the shutdown). */
static void drain(sl_loop *l)
{
    for (int i = 0; i < 10000 && uv_run(&l->uv, UV_RUN_NOWAIT); i++)
        ;
}

void sl_abandon(sl_loop *l)
{
    abandoned = l; /* with its context: both stay reachable */
    l->uv_ready = false;
}

void sl_close_context(sl_loop *l)
{
    struct lws_context *ctx = l->ctx;
    if (!ctx)
        return;
    atomic_store(&signal_ctx, NULL);
    if (l->kind != SL_UV) {
        for (int i = 0; i < SL_TIMERS; i++)
            lws_sul_cancel(&l->slots[i].sul);
        lws_context_destroy(ctx);
        l->ctx = NULL;
        return;
    }
    /* On a foreign loop lws closes its handles asynchronously: the first call starts it, the
     * loop runs the closes, the second finishes (lws sets info.pcontext, l->ctx, to NULL when
     * the context is gone; a third call covers a close that took one more turn). */
    for (int i = 0; i < 3 && l->ctx; i++) {
        lws_context_destroy(l->ctx);
        drain(l);
    }
}

void sl_free(sl_loop *l)
{
    if (!l)
        return;
    if (!l->uv_ready && l->kind == SL_UV)
        return; /* abandoned */
    if (l->uv_ready) {
        uv_close((uv_handle_t *)&l->check, NULL);
        uv_close((uv_handle_t *)&l->sigint, NULL);
        uv_close((uv_handle_t *)&l->sigterm, NULL);
        for (int i = 0; i < SL_TIMERS; i++) {
            uv_close((uv_handle_t *)&l->slots[i].uv, NULL);
            uv_close((uv_handle_t *)&l->slots[i].now, NULL);
        }
        drain(l);
        uv_loop_close(&l->uv);
    }
    free(l);
}
