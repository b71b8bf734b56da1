/*
 * ws.h — live results over WebSocket at /ws (prefix ws_): subscriptions, fan-out of the live
 * updates (live.h) to every subscriber, back-pressure and limits.
 *
 * A client sends {"subscribe": "<competition id>", "token": "<optional bearer token>"} and gets
 * the snapshot its role may see, then the updates. Updates go out at most every interval_ms and
 * never sooner than the last fan-out took, so a burst of marks costs each screen one message,
 * not one per mark. A fan-out reaches the screens in slices of about 2 ms, the loop answering
 * the judges in between: screens never hold up an acknowledgement for longer than a slice.
 *
 * Back-pressure: each message is built once per view and shared (reference counted) by every
 * screen of that view. A screen whose socket is busy queues pointers; when it can write again,
 * the updates waiting for it go out merged into one (merge.h), so a slow screen gets one fresh
 * update rather than a backlog, and screens behind by the same updates share that merge. At
 * queue_max waiting messages the backlog is merged in place; only when that cannot be done (out
 * of memory, a non-update in the way) does it get {"type":"resync"} and hear nothing more until
 * it subscribes again.
 * The kernel's send buffer is fixed too (sndbuf): left to autotuning, a stalled socket could hold
 * megabytes each, and 5,000 of them would be the machine's memory.
 *
 * Ownership: the hub belongs to the server (sv_server.hub); connections are lws's.
 */
#ifndef SKILLSCORE_WS_H
#define SKILLSCORE_WS_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

struct sv_server;

typedef struct ws_options {
    unsigned interval_ms;   /* the longest an update waits to be sent; default 10 */
    unsigned queue_max;     /* messages per connection; default 64 */
    unsigned per_address;   /* open connections per client address; default 200 */
    unsigned sndbuf;        /* kernel send buffer per connection, bytes; default 262144 */
    unsigned ping_s;        /* a screen quiet this long is pinged; default 30 */
} ws_options;

typedef struct ws_hub ws_hub;

ws_hub *ws_hub_new(struct sv_server *s, const ws_options *o);
void ws_hub_free(ws_hub *h);
/* How the hub asks the loop's owner to call ws_timer once, us microseconds from now. */
void ws_hub_set_timer(ws_hub *h, void (*schedule)(void *ctx, int64_t us), void *ctx);
void ws_timer(struct sv_server *s);
/* Called about once a second: a screen quiet for ping_s seconds is pinged, one quiet for twice
 * that and a second more is closed. lws can do this itself (its idle policy), but it keeps one
 * timer per connection in a sorted list that every HTTP request's timeout walks: with 5,000
 * screens that walk was a tenth of the server. One pass a second costs nothing. */
void ws_sweep(struct sv_server *s);

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                size_t len);
size_t ws_conn_size(void);

/* After each turn of the loop (and after a commit): sends the updates that are due and
 * schedules the rest. */
void ws_tick(struct sv_server *s);
/* The end of a turn of the loop: ws_tick, and the screens' write budget starts again. */
void ws_turn_end(struct sv_server *s);
/* Sessions ended (sign-out, new credentials): every screen subscribed with a token whose
 * session is gone or expired loses its view. */
void ws_revalidate(struct sv_server *s);
/* The competition's state was rebuilt (import, failed commit): its subscribers resync. */
void ws_comp_reset(struct sv_server *s, const char *comp);

#endif
