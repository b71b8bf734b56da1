/*
 * loop.h — the server's event loop: libwebsockets on libuv (epoll), or lws's own poll() loop.
 *
 * lws 4.1's default loop is poll(), which walks every descriptor on every turn: with 5,000
 * screens that walk, not the marks, was most of the server's time. On libuv the kernel reports
 * only the ready sockets. The loop is libuv's, created here and handed to lws as a "foreign"
 * loop, because lws 4.1 as Debian builds it (event libs as plugins) does not export the call that
 * would give back a loop it made itself. lws's own timers (its sul scheduler: HTTP head and body
 * timeouts, keep-alive idle, the LWS_TO_KILL_ASYNC hang-up ws_sweep asks for) run on it too;
 * one with a real delay is seen firing on libuv in tests/server/test_hostile.py
 * (test_a_connection_that_never_finishes_its_head_is_closed, --http-timeout 2). The screens'
 * ping and idle policy is not lws's but the server's own sweep (ws_sweep, ws.h says why), on an
 * sl_timer; tests/server/test_live.py (reaped_by_ping) shows it on both loops.
 *
 * Every turn of the loop ends with the owner's `turn` function: what arrived in that turn is
 * made durable together (group commit) and then shown. The one-shot timers (sl_timer) are the
 * loop's own: on libuv they are libuv timers, because an lws timer scheduled outside an
 * lws callback is only noticed at lws's next I/O.
 *
 * Ownership: sl_new returns a loop the caller frees with sl_free after sl_close_context.
 * Single-threaded except sl_wake, which any thread may call.
 */
#ifndef SKILLSCORE_SL_LOOP_H
#define SKILLSCORE_SL_LOOP_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum { SL_POLL, SL_UV } sl_kind;
typedef enum { SL_HUB, SL_STANDBY, SL_SWEEP, SL_TIMERS } sl_timer;

typedef struct sl_loop sl_loop;

/* NULL when out of memory or when libuv cannot start. */
sl_loop *sl_new(sl_kind kind);
/* "libuv (epoll)" or "poll". */
const char *sl_name(const sl_loop *l);
/* Adds what lws needs to run on this loop to the creation info (options, foreign loop); info
 * must not outlive l. */
void sl_prepare(sl_loop *l, struct lws_context_creation_info *info);
/* The context created from that info, and the function ending every turn. */
void sl_attach(sl_loop *l, struct lws_context *ctx, void (*turn)(void *arg), void *arg);
/* Calls fn(arg) once, us microseconds from now (replacing what that timer had pending). */
void sl_schedule(sl_loop *l, sl_timer t, int64_t us, void (*fn)(void *arg), void *arg);
/* Runs until SIGINT or SIGTERM (or sl_stop); then a last turn. */
void sl_run(sl_loop *l);
void sl_stop(sl_loop *l);
/* From any thread: the loop takes a turn soon. */
void sl_wake(sl_loop *l);
/* A context lws returned although it failed (on a foreign loop it does, half destroyed, with
 * callbacks into an event-lib plugin it may already have unloaded): left alone, with the loop,
 * for the process to end. */
void sl_abandon(sl_loop *l);
/* Destroys the attached context, letting lws close its handles on the loop. */
void sl_close_context(sl_loop *l);
void sl_free(sl_loop *l);

#endif
