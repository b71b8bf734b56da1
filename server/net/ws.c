/*
 * ws.c — the /ws protocol: see ws.h.
 *
 * One update is rendered once per view (live.c) and shared by every screen of that view; a
 * connection's queue holds pointers, so 5,000 screens cost 5,000 pointers per update, not 5,000
 * copies. lws_write needs LWS_PRE bytes before the payload for the frame header; a server does
 * not mask, so the payload itself is never written to and one buffer serves every connection.
 */
#include "server/net/ws.h"
#include "server/net/relay.h"

#include "server/core/live.h"
#include "server/core/batch.h"
#include "server/core/comp.h"
#include "server/core/server.h"
#include "server/lib/strmap.h"
#include "server/sec/auth.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define WS_MAX_IN 4096

typedef struct ws_msg {
    unsigned refs;
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes, then the text */
} ws_msg;

typedef struct ws_conn {
    struct lws *wsi;
    struct ws_conn *prev, *next;
    char peer[64];
    bool counted;
    bool subscribed;        /* receives updates of comp */
    bool signed_in;         /* subscribed with a token: the view lasts as long as the session */
    unsigned char token_sha[32];
    int64_t expires;
    char comp[64];
    lv_view view;
    ws_msg **q;             /* ring of queue_max */
    size_t head, n;
    char in[WS_MAX_IN + 1];
    size_t in_len;
    bool in_too_big;
    bool broken;            /* a direct write failed: close at the next writable */
} ws_conn;

struct ws_hub {
    sv_server *s;
    ws_options o;
    void (*schedule)(void *ctx, int64_t us);
    void *schedule_ctx;
    ws_conn *conns;
    sm_map *peers;          /* address -> unsigned, its open live connections */
    bool scheduled;
    int64_t next_us;        /* updates are not sent again before this (monotonic) */
    ws_msg *resync;
};

static int64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static ws_msg *msg_new(const char *text, size_t len)
{
    ws_msg *m = malloc(sizeof *m + LWS_PRE + len + 1);
    if (!m)
        return NULL;
    m->refs = 1;
    m->len = len;
    memcpy(m->data + LWS_PRE, text, len);
    m->data[LWS_PRE + len] = '\0';
    return m;
}

static void msg_unref(ws_msg *m)
{
    if (m && --m->refs == 0)
        free(m);
}

ws_hub *ws_hub_new(sv_server *s, const ws_options *o)
{
    static const char resync[] = "{\"type\":\"resync\",\"reason\":\"this screen fell behind or "
                                 "the competition was reloaded; subscribe again\"}";
    ws_hub *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->s = s;
    h->o = *o;
    if (!h->o.interval_ms)
        h->o.interval_ms = 10;
    if (!h->o.queue_max)
        h->o.queue_max = 64;
    if (!h->o.per_address)
        h->o.per_address = 200;
    if (!h->o.sndbuf)
        h->o.sndbuf = 256 * 1024;
    if (!(h->resync = msg_new(resync, sizeof resync - 1)) ||
        !(h->peers = sm_new(sizeof(unsigned)))) {
        msg_unref(h->resync);
        free(h);
        return NULL;
    }
    return h;
}

void ws_hub_free(ws_hub *h)
{
    if (!h)
        return;
    msg_unref(h->resync);
    sm_free(h->peers);
    free(h);
}

void ws_hub_set_timer(ws_hub *h, void (*schedule)(void *ctx, int64_t us), void *ctx)
{
    h->schedule = schedule;
    h->schedule_ctx = ctx;
}

size_t ws_conn_size(void) { return sizeof(ws_conn); }

/* ---- queues --------------------------------------------------------------------------------- */

static void push(ws_hub *h, ws_conn *c, ws_msg *m)
{
    c->q[(c->head + c->n) % (h->o.queue_max + 1)] = m;
    m->refs++;
    c->n++;
    lws_callback_on_writable(c->wsi);
}

/* An update to a screen with nothing queued goes out at once: with thousands of screens, asking
 * lws for a writable callback each would cost every one a poll change and a second turn. */
static void push_now(ws_hub *h, ws_conn *c, ws_msg *m)
{
    if (c->n || c->broken || lws_send_pipe_choked(c->wsi)) {
        push(h, c, m);
        return;
    }
    if (lws_write(c->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT) < 0) {
        c->broken = true;
        lws_callback_on_writable(c->wsi);
    }
}

static void drop_queue(ws_hub *h, ws_conn *c)
{
    while (c->n) {
        msg_unref(c->q[c->head]);
        c->head = (c->head + 1) % (h->o.queue_max + 1);
        c->n--;
    }
    c->head = 0;
}

/* The screen loses what waits for it and hears nothing more until it subscribes again. */
static void tell_resync(ws_hub *h, ws_conn *c)
{
    drop_queue(h, c);
    c->subscribed = false;
    push(h, c, h->resync);
}

/* Queues an update; a connection already queue_max behind is told to resync instead. */
static void enqueue(ws_hub *h, ws_conn *c, ws_msg *m)
{
    if (!c->subscribed || !m)
        return;
    if (c->n >= h->o.queue_max)
        tell_resync(h, c);
    else
        push_now(h, c, m);
}

/* ---- sessions ------------------------------------------------------------------------------- */

static ws_msg *signed_out_msg(void)
{
    static const char text[] = "{\"type\":\"resync\",\"reason\":\"signed out: the session "
                               "ended or expired; sign in and subscribe again\"}";
    return msg_new(text, sizeof text - 1);
}

/* A screen whose session ended loses its view: it is told so and hears nothing more. */
static void sign_out(ws_hub *h, ws_conn *c)
{
    ws_msg *m = signed_out_msg();
    drop_queue(h, c);
    c->subscribed = false;
    c->signed_in = false;
    if (m) {
        push(h, c, m);
        msg_unref(m);
    }
}

void ws_revalidate(sv_server *s)
{
    ws_hub *h = s->hub;
    int64_t now = (int64_t)time(NULL);
    for (ws_conn *c = h ? h->conns : NULL; c; c = c->next) {
        st_session se;
        int rc;
        if (!c->subscribed || !c->signed_in)
            continue;
        rc = st_session_get(s->store, c->token_sha, &se);
        if (rc == ST_NOTFOUND || (rc == ST_OK && se.expires <= now))
            sign_out(h, c);
    }
}

/* ---- fan-out -------------------------------------------------------------------------------- */

/* The public relay (relay.h). Public updates are merged until an offer is due: per group, the
 * newest head and the newest version of each row (a group sent whole starts over from its
 * rows); from stays the first, seq becomes the last. So the relay gets at most one update per
 * RL_INTERVAL_MS however fast marks come, and it is exactly what an anonymous screen would
 * know after the updates it covers. When anything goes wrong the next offer is a snapshot. */
static void relay_merge(sv_comp *c, json_t *u)
{
    json_t *p = c->relay_pending, *g;
    size_t i;
    if (!p) {
        c->relay_pending = p = json_pack("{s:O,s:O,s:o,s:o}", "from", json_object_get(u, "from"),
                                         "seq", json_object_get(u, "seq"), "groups",
                                         json_object(), "order", json_array());
        if (!p) {
            c->relay_dirty = true;
            return;
        }
    }
    json_object_set(p, "seq", json_object_get(u, "seq"));
    if (json_object_get(u, "ceremony"))
        json_object_set(p, "ceremony", json_object_get(u, "ceremony"));
    json_array_foreach(json_object_get(u, "rankings"), i, g) {
        char key[300];
        json_t *rows = json_object_get(g, "rows"), *r, *have;
        size_t j;
        snprintf(key, sizeof key, "%s\x1f%s", json_string_value(json_object_get(g, "event")),
                 json_string_value(json_object_get(g, "group")));
        have = json_object_get(json_object_get(p, "groups"), key);
        if (!have || json_is_true(json_object_get(g, "full"))) {
            if (!have)
                json_array_append_new(json_object_get(p, "order"), json_string(key));
            have = json_pack("{s:o,s:o}", "head", json_deep_copy(g), "rows", json_object());
            json_object_set_new(json_object_get(p, "groups"), key, have);
        } else {
            /* The newest head, but a group once sent whole stays whole. */
            bool full = json_is_true(json_object_get(json_object_get(have, "head"), "full"));
            json_object_set_new(have, "head", json_deep_copy(g));
            if (full)
                json_object_set_new(json_object_get(have, "head"), "full", json_true());
        }
        json_object_del(json_object_get(have, "head"), "rows");
        json_array_foreach(rows, j, r)
            json_object_set(json_object_get(have, "rows"),
                            json_string_value(json_object_get(r, "key")), r);
    }
}

/* The merged update as a message an anonymous screen could have received. */
static char *relay_text(sv_comp *c, size_t *len)
{
    json_t *p = c->relay_pending, *k, *out, *list = json_array();
    size_t i;
    json_array_foreach(json_object_get(p, "order"), i, k) {
        json_t *have = json_object_get(json_object_get(p, "groups"), json_string_value(k));
        json_t *g = json_deep_copy(json_object_get(have, "head")), *rows = json_array();
        const char *rk;
        json_t *r;
        json_object_foreach(json_object_get(have, "rows"), rk, r)
            json_array_append(rows, r);
        json_object_set_new(g, "rows", rows);
        json_array_append_new(list, g);
    }
    out = json_pack("{s:s,s:s,s:O,s:O,s:o}", "type", "update", "competition", c->id, "from",
                    json_object_get(p, "from"), "seq", json_object_get(p, "seq"), "rankings",
                    list);
    if (out && json_object_get(p, "ceremony"))
        json_object_set(out, "ceremony", json_object_get(p, "ceremony"));
    char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    if (text)
        *len = strlen(text);
    return text;
}

static void relay_update(ws_hub *h, sv_comp *comp, const char *text, size_t len)
{
    json_t *u;
    if (!h->s->relay)
        return;
    if (!text || !(u = json_loadb(text, len, 0, NULL))) {
        comp->relay_dirty = true; /* lost: the next offer is a snapshot */
        return;
    }
    if (!comp->relay_dirty)
        relay_merge(comp, u);
    json_decref(u);
}

static void send_update(ws_hub *h, sv_comp *comp)
{
    char *text[LV_VIEWS] = {0};
    size_t len[LV_VIEWS] = {0};
    ws_msg *m[LV_VIEWS] = {0};

    if (!comp->live || !lv_take_update(comp->live, text, len))
        return;
    relay_update(h, comp, text[LV_PUBLIC], len[LV_PUBLIC]);
    for (int v = 0; v < LV_VIEWS; v++) {
        m[v] = text[v] ? msg_new(text[v], len[v]) : NULL;
        free(text[v]);
    }
    int64_t now = (int64_t)time(NULL);
    for (ws_conn *c = h->conns; c; c = c->next)
        if (c->subscribed && strcmp(c->comp, comp->id) == 0) {
            if (c->signed_in && c->expires <= now)
                sign_out(h, c);
            else if (m[c->view])
                enqueue(h, c, m[c->view]);
            else /* out of memory for this update: the screen must start again */
                tell_resync(h, c);
        }
    for (int v = 0; v < LV_VIEWS; v++)
        msg_unref(m[v]);
}

/* Sends every competition's pending update. A fan-out to many screens takes time of its own
 * (about 6 µs of kernel time per screen on loopback); the next one waits at least twice as long,
 * so screens never take more than a third of the loop from the marks, and a burst is gathered
 * into one update instead of queueing up. */
static void send_all(ws_hub *h)
{
    int64_t start = now_us(), took, gap;
    for (sv_comp *c = h->s->comps; c; c = c->next)
        send_update(h, c);
    took = now_us() - start;
    gap = (int64_t)h->o.interval_ms * 1000 - took;
    h->next_us = now_us() + (gap > 2 * took ? gap : 2 * took);
}

/* Offers what is due to the relay: a snapshot at start, every RL_SNAPSHOT_MS while things
 * change and after anything was lost; otherwise the merged updates, at most every
 * RL_INTERVAL_MS per competition. Returns the microseconds until something is due (0: none). */
static int64_t relay_offer_due(ws_hub *h)
{
    int64_t now = now_us(), wait = 0;
    rl_relay *r = h->s->relay;
    if (!r)
        return 0;
    for (sv_comp *c = h->s->comps; c; c = c->next) {
        if ((!c->relay_dirty && !c->relay_pending) || !c->live)
            continue;
        int64_t left = c->relay_last_us + RL_INTERVAL_MS * 1000 - now;
        if (left > 0) {
            wait = wait && wait < left ? wait : left;
            continue;
        }
        bool snapshot = c->relay_dirty || rl_need_snapshot(r, c->id) ||
                        now - c->relay_snap_us >= RL_SNAPSHOT_MS * 1000;
        size_t len = 0;
        char *text = snapshot ? lv_snapshot(c->live, LV_PUBLIC, &len) : relay_text(c, &len);
        if (!text) {
            c->relay_dirty = true; /* out of memory: a snapshot next turn */
            continue;
        }
        rl_offer(r, c->id, text, len, snapshot);
        free(text);
        json_decref(c->relay_pending);
        c->relay_pending = NULL;
        c->relay_last_us = now;
        if (snapshot) {
            c->relay_dirty = false;
            c->relay_snap_us = now;
        }
    }
    return wait;
}

void ws_timer(sv_server *s)
{
    ws_hub *h = s->hub;
    if (!h)
        return;
    h->scheduled = false;
    sv_batch_flush(h->s); /* never show a mark before it is durable */
    send_all(h);
    ws_tick(s); /* a relay offer may still be waiting for its interval */
}

void ws_tick(sv_server *s)
{
    ws_hub *h = s->hub;
    bool due = false;
    int64_t wait;

    if (!h || s->batch_open)
        return;
    for (sv_comp *c = s->comps; c && !due; c = c->next)
        due = c->live && lv_dirty(c->live);
    if (!due) {
        /* Nothing for the screens; the relay may still wait for its interval. */
        int64_t relay = relay_offer_due(h);
        if (relay > 0 && !h->scheduled && h->schedule) {
            h->schedule(h->schedule_ctx, relay);
            h->scheduled = true;
        }
        return;
    }
    wait = h->next_us - now_us();
    if (wait <= 0) {
        send_all(h);
        relay_offer_due(h);
        return;
    }
    if (!h->scheduled && h->schedule) {
        h->schedule(h->schedule_ctx, wait);
        h->scheduled = true;
    }
}

void ws_comp_reset(sv_server *s, const char *comp)
{
    ws_hub *h = s->hub;
    for (ws_conn *c = h ? h->conns : NULL; c; c = c->next)
        if (c->subscribed && strcmp(c->comp, comp) == 0)
            tell_resync(h, c);
}

/* ---- one connection ------------------------------------------------------------------------- */

static void reply_text(ws_hub *h, ws_conn *c, const char *text, size_t len)
{
    ws_msg *m = msg_new(text, len);
    if (!m)
        return;
    if (c->n < h->o.queue_max)
        push(h, c, m);
    msg_unref(m);
}

static void reply_error(ws_hub *h, ws_conn *c, const char *msg)
{
    json_t *o = json_pack("{s:s,s:s}", "type", "error", "error", msg);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (t)
        reply_text(h, c, t, strlen(t));
    free(t);
    json_decref(o);
}

static void on_message(ws_hub *h, ws_conn *c)
{
    sv_server *s = h->s;
    json_error_t jerr;
    json_t *msg = json_loadb(c->in, c->in_len, JSON_REJECT_DUPLICATES, &jerr), *tok;
    const char *id;
    sv_principal who;
    sv_comp *comp = NULL;
    int rc = SV_OK;
    char *snap;
    size_t len;

    if (!msg || !json_is_object(msg) || !json_is_string(json_object_get(msg, "subscribe"))) {
        reply_error(h, c, "send {\"subscribe\": \"<competition id>\", \"token\": \"<optional>\"}");
        goto out;
    }
    id = json_string_value(json_object_get(msg, "subscribe"));
    tok = json_object_get(msg, "token");
    if (tok && !json_is_string(tok) && !json_is_null(tok)) {
        reply_error(h, c, "token must be a string");
        goto out;
    }
    if ((rc = sv_sign_in(s, json_is_string(tok) ? json_string_value(tok) : "", &who))) {
        char why[160];
        snprintf(why, sizeof why, "%s; sign in again", sv_strerror(rc));
        reply_error(h, c, why);
        goto out;
    }
    /* A snapshot shows durable marks only; a failed commit also drops the cached competitions,
     * so the lookup comes after it. */
    sv_batch_flush(s);
    if (strlen(id) >= sizeof c->comp || (rc = sv_comp_get(s, id, &comp)) || !comp->live) {
        reply_error(h, c, strlen(id) >= sizeof c->comp || rc == SV_ENOENT
                              ? "no such competition"
                              : "the server cannot load this competition now; try again");
        goto out;
    }
    /* Changes not yet sent go to the screens that have the older state first, so the snapshot's
     * seq is exactly where this screen's updates start. */
    send_update(h, comp);
    drop_queue(h, c);
    c->view = sv_sees_all(&who, comp) ? LV_ALL : LV_PUBLIC;
    c->signed_in = who.role != SV_ANON && auth_token_sha(json_string_value(tok), c->token_sha) == 0;
    c->expires = who.expires;
    snprintf(c->comp, sizeof c->comp, "%s", id);
    if (!(snap = lv_snapshot(comp->live, c->view, &len))) {
        reply_error(h, c, "out of memory");
        goto out;
    }
    reply_text(h, c, snap, len);
    free(snap);
    c->subscribed = true;
out:
    json_decref(msg);
}

static int on_open(ws_hub *h, struct lws *wsi, ws_conn *c)
{
    unsigned *p;

    memset(c, 0, sizeof *c);
    c->wsi = wsi;
    lws_get_peer_simple(wsi, c->peer, sizeof c->peer);
    p = sm_put(h->peers, c->peer, NULL);
    if (!p || *p >= h->o.per_address) {
        static const char why[] = "too many connections from this address";
        lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)why,
                         sizeof why - 1);
        return -1;
    }
    if (!(c->q = calloc(h->o.queue_max + 1, sizeof *c->q)))
        return -1;
    {
        int fd = (int)lws_get_socket_fd(wsi), sz = (int)h->o.sndbuf;
        if (fd >= 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    }
    ++*p;
    c->counted = true;
    c->next = h->conns;
    if (h->conns)
        h->conns->prev = c;
    h->conns = c;
    return 0;
}

static void on_close(ws_hub *h, ws_conn *c)
{
    if (!c->counted)
        return;
    unsigned *p = sm_get(h->peers, c->peer);
    if (p && *p && --*p == 0)
        sm_del(h->peers, c->peer);
    if (c->prev)
        c->prev->next = c->next;
    else
        h->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    drop_queue(h, c);
    free(c->q);
    c->q = NULL;
    c->counted = false;
}

static int on_writable(ws_hub *h, ws_conn *c)
{
    ws_msg *m;
    int n;

    if (c->broken)
        return -1;
    if (!c->n)
        return 0;
    m = c->q[c->head];
    c->head = (c->head + 1) % (h->o.queue_max + 1);
    c->n--;
    n = lws_write(c->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
    msg_unref(m);
    if (n < 0)
        return -1;
    if (c->n)
        lws_callback_on_writable(c->wsi);
    return 0;
}

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                size_t len)
{
    sv_server *s = lws_context_user(lws_get_context(wsi));
    ws_hub *h = s ? s->hub : NULL;
    ws_conn *c = user;

    if (!h)
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        return on_open(h, wsi, c);
    case LWS_CALLBACK_CLOSED:
        on_close(h, c);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return on_writable(h, c);
    case LWS_CALLBACK_RECEIVE:
        if (c->in_len + len > WS_MAX_IN)
            c->in_too_big = true;
        else {
            memcpy(c->in + c->in_len, in, len);
            c->in_len += len;
        }
        if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
            return 0;
        if (c->in_too_big)
            reply_error(h, c, "messages to the server are at most 4096 bytes");
        else {
            c->in[c->in_len] = '\0';
            on_message(h, c);
        }
        c->in_len = 0;
        c->in_too_big = false;
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}
