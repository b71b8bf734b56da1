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
#include "server/core/merge.h"
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
    bool update;            /* {"type":"update"}: may be merged with the updates after it */
    uint64_t id;            /* unique per message, for the merge cache */
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
    int64_t heard_us;       /* when the screen last sent anything, a pong included */
    bool ping_due;          /* a ping goes out at the next writable */
    bool pinged;            /* and was sent, unanswered so far */
} ws_conn;

#define WS_MERGE_CACHE 8

/* A fan-out under way: every subscriber of comps[i] gets m[i][its view]. Screens are reached
 * in slices of at most WS_SLICE_US, the loop answering judges in between, so a fan-out to
 * thousands of screens never holds an acknowledgement for longer than one slice. */
#define WS_SLICE_US 2000
#define WS_TURN_WRITES 256  /* about as long as a slice */
#define WS_FAN_COMPS 16
typedef struct ws_fan {
    size_t n;
    char comp[WS_FAN_COMPS][64];
    ws_msg *m[WS_FAN_COMPS][LV_VIEWS];
    ws_conn *next;          /* the next screen to reach; NULL when all were */
    bool active;
    int64_t busy_us;        /* time spent in its slices */
} ws_fan;

struct ws_hub {
    sv_server *s;
    ws_options o;
    void (*schedule)(void *ctx, int64_t us);
    void *schedule_ctx;
    ws_conn *conns;
    sm_map *peers;          /* address -> unsigned, its open live connections */
    bool scheduled;
    int64_t scheduled_us;   /* when the pending timer fires (monotonic), if scheduled */
    int64_t next_us;        /* updates are not sent again before this (monotonic) */
    ws_msg *resync;
    ws_fan fan;
    unsigned turn_writes;   /* queued messages written in this turn of the loop */
    uint64_t msg_ids;
    /* Merged backlogs, shared by the screens that are behind by the same updates. */
    struct {
        uint64_t first, last;
        ws_msg *m;
    } cache[WS_MERGE_CACHE];
    size_t cache_next;
};

static int64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void fan_end(ws_hub *h);
static void cache_clear(ws_hub *h);

static ws_msg *msg_new(const char *text, size_t len)
{
    ws_msg *m = malloc(sizeof *m + LWS_PRE + len + 1);
    if (!m)
        return NULL;
    m->refs = 1;
    m->update = false;
    m->id = 0;
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
    if (!h->o.ping_s)
        h->o.ping_s = 30;
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
    fan_end(h);
    cache_clear(h);
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
    /* lws_partial_buffered, not lws_send_pipe_choked: the latter is a select() per screen. A
     * full socket shows here after one write lws had to keep. */
    if (c->n || c->broken || lws_partial_buffered(c->wsi)) {
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

static void cache_clear(ws_hub *h)
{
    for (size_t i = 0; i < WS_MERGE_CACHE; i++) {
        msg_unref(h->cache[i].m);
        h->cache[i].m = NULL;
    }
}

/* The updates at the head of c's queue as one message, when there are two or more (*k of
 * them): a screen that fell behind gets one fresh update, not the backlog. Screens behind by
 * the same updates share one merge. NULL when the head is not such a run or memory ran out;
 * otherwise a reference the caller releases. */
static ws_msg *merged_head(ws_hub *h, ws_conn *c, size_t *k)
{
    size_t cap = h->o.queue_max + 1, n = 0, len = 0, i;
    uint64_t first, last;
    mg_merge *g = NULL;
    char *text = NULL;
    ws_msg *m = NULL;

    while (n < c->n && c->q[(c->head + n) % cap]->update)
        n++;
    if (n < 2)
        return NULL;
    first = c->q[c->head]->id;
    last = c->q[(c->head + n - 1) % cap]->id;
    for (i = 0; i < WS_MERGE_CACHE; i++)
        if (h->cache[i].m && h->cache[i].first == first && h->cache[i].last == last) {
            h->cache[i].m->refs++;
            *k = n;
            return h->cache[i].m;
        }
    if (!(g = mg_new()))
        return NULL;
    for (i = 0; i < n; i++) {
        ws_msg *q = c->q[(c->head + i) % cap];
        if (!mg_add_text(g, (const char *)q->data + LWS_PRE, q->len))
            goto out;
    }
    if (!(text = mg_text(g, c->comp, &len)) || !(m = msg_new(text, len)))
        goto out;
    m->update = true;
    m->id = ++h->msg_ids;
    i = h->cache_next++ % WS_MERGE_CACHE;
    msg_unref(h->cache[i].m);
    h->cache[i].first = first;
    h->cache[i].last = last;
    h->cache[i].m = m;
    m->refs++;
    *k = n;
out:
    free(text);
    mg_free(g);
    return m;
}

static void drop_head(ws_hub *h, ws_conn *c, size_t k)
{
    while (k-- && c->n) {
        msg_unref(c->q[c->head]);
        c->head = (c->head + 1) % (h->o.queue_max + 1);
        c->n--;
    }
}

/* Queues an update. A connection already queue_max behind has its backlog merged into one
 * update; only when that cannot be done is it told to resync. */
static void enqueue(ws_hub *h, ws_conn *c, ws_msg *m)
{
    if (!c->subscribed || !m)
        return;
    if (c->n >= h->o.queue_max) {
        size_t k = 0;
        ws_msg *mm = merged_head(h, c, &k);
        if (!mm || k < c->n) {
            msg_unref(mm);
            tell_resync(h, c);
            return;
        }
        drop_queue(h, c);
        push(h, c, mm);
        msg_unref(mm);
    }
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

static void relay_update(ws_hub *h, sv_comp *comp, const char *text, size_t len)
{
    if (!h->s->relay)
        return;
    if (comp->relay_dirty)
        return; /* a snapshot is due anyway */
    if (!comp->relay_pending)
        comp->relay_pending = mg_new();
    if (!text || !comp->relay_pending || !mg_add_text(comp->relay_pending, text, len))
        comp->relay_dirty = true; /* lost: the next offer is a snapshot */
}

/* Takes comp's pending update into the fan-out being prepared. */
static void fan_take(ws_hub *h, sv_comp *comp)
{
    char *text[LV_VIEWS] = {0};
    size_t len[LV_VIEWS] = {0};
    ws_fan *f = &h->fan;

    /* A competition beyond WS_FAN_COMPS keeps its changes for the next fan-out. */
    if (!comp->live || f->n == WS_FAN_COMPS || !lv_take_update(comp->live, text, len))
        return;
    relay_update(h, comp, text[LV_PUBLIC], len[LV_PUBLIC]);
    snprintf(f->comp[f->n], sizeof f->comp[f->n], "%s", comp->id);
    for (int v = 0; v < LV_VIEWS; v++) {
        ws_msg *m = text[v] ? msg_new(text[v], len[v]) : NULL;
        if (m) {
            m->update = true;
            m->id = ++h->msg_ids;
        }
        f->m[f->n][v] = m;
        free(text[v]);
    }
    f->n++;
}

/* A fan-out of the pending updates of comp, or of every competition (NULL). */
static void fan_start(ws_hub *h, sv_comp *only)
{
    ws_fan *f = &h->fan;
    cache_clear(h); /* merges of older updates will not be asked for again */
    f->n = 0;
    f->busy_us = 0;
    if (only)
        fan_take(h, only);
    else
        for (sv_comp *c = h->s->comps; c; c = c->next)
            fan_take(h, c);
    f->active = f->n > 0;
    f->next = f->active ? h->conns : NULL;
}

static void fan_end(ws_hub *h)
{
    ws_fan *f = &h->fan;
    for (size_t i = 0; i < f->n; i++)
        for (int v = 0; v < LV_VIEWS; v++) {
            msg_unref(f->m[i][v]);
            f->m[i][v] = NULL;
        }
    f->n = 0;
    f->next = NULL;
    f->active = false;
}

/* Reaches screens until budget_us has been spent (0: all of them). true when the fan-out is
 * over. Screens that connect meanwhile are put at the head of the list, behind the cursor: their
 * snapshot already holds what is being sent. */
static bool fan_step(ws_hub *h, int64_t budget_us)
{
    ws_fan *f = &h->fan;
    int64_t start = now_us(), wall = (int64_t)time(NULL);
    unsigned k = 0;

    while (f->next) {
        ws_conn *c = f->next;
        f->next = c->next;
        for (size_t i = 0; c->subscribed && i < f->n; i++) {
            if (strcmp(c->comp, f->comp[i]) != 0)
                continue;
            if (c->signed_in && c->expires <= wall)
                sign_out(h, c);
            else if (f->m[i][c->view])
                enqueue(h, c, f->m[i][c->view]);
            else /* out of memory for this update: the screen must start again */
                tell_resync(h, c);
            break;
        }
        if (budget_us && ++k % 32 == 0 && now_us() - start >= budget_us)
            break;
    }
    f->busy_us += now_us() - start;
    if (f->next)
        return false;
    fan_end(h);
    return true;
}

static void schedule(ws_hub *h, int64_t us)
{
    if (h->schedule) {
        h->schedule(h->schedule_ctx, us);
        h->scheduled = true;
        h->scheduled_us = now_us() + us;
    }
}

/* The timer fires within us: moved earlier if it was set for later (the relay's interval, up to
 * 100 ms, must not hold back the screens' 10 ms one), left alone otherwise. */
static void schedule_within(ws_hub *h, int64_t us)
{
    if (!h->scheduled || h->scheduled_us > now_us() + us)
        schedule(h, us);
}

/* One slice of the fan-out under way; the loop comes back for the next. When it is over, the
 * next fan-out waits for the interval, and at least as long as this one took: screens never take
 * more than half the loop from the judges, and a burst of marks becomes one update per screen
 * instead of a queue. */
static void fan_continue(ws_hub *h)
{
    if (!fan_step(h, WS_SLICE_US)) {
        schedule(h, 0);
        return;
    }
    int64_t busy = h->fan.busy_us, gap = (int64_t)h->o.interval_ms * 1000 - busy;
    h->next_us = now_us() + (gap > busy ? gap : busy);
}

/* Offers what is due to the relay, for every competition, quiet ones included: a snapshot at
 * start, whenever the relay asks for one (rl_need_snapshot: it failed or was restarted), every
 * RL_SNAPSHOT_MS while things change and every RL_KEYFRAME_MS while they do not; otherwise the
 * merged updates. At most one offer per RL_INTERVAL_MS per competition. Returns the microseconds
 * until something held back by that interval is due (0: nothing is). It runs at the end of every
 * turn; an idle loop still turns once a second (the sweep) and when the relay's thread wakes it,
 * which is soon enough for a keyframe and for a snapshot the relay asked for. */
static int64_t relay_offer_due(ws_hub *h)
{
    int64_t now = now_us(), wait = 0;
    rl_relay *r = h->s->relay;
    if (!r)
        return 0;
    for (sv_comp *c = h->s->comps; c; c = c->next) {
        if (!c->live)
            continue;
        bool need = c->relay_dirty || rl_need_snapshot(r, c->id),
             keyframe = now - c->relay_snap_us >= RL_KEYFRAME_MS * 1000;
        if (!need && !keyframe && !c->relay_pending)
            continue;
        int64_t left = c->relay_last_us + RL_INTERVAL_MS * 1000 - now;
        if (left > 0) {
            wait = wait && wait < left ? wait : left;
            continue;
        }
        bool snapshot = need || keyframe || now - c->relay_snap_us >= RL_SNAPSHOT_MS * 1000;
        size_t len = 0;
        char *text = snapshot ? lv_snapshot(c->live, LV_PUBLIC, &len)
                              : mg_text(c->relay_pending, c->id, &len);
        if (!text) {
            c->relay_dirty = true; /* out of memory: a snapshot next turn */
            continue;
        }
        rl_offer(r, c->id, text, len, snapshot);
        free(text);
        mg_free(c->relay_pending);
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
    ws_tick(s);
}

void ws_tick(sv_server *s)
{
    ws_hub *h = s->hub;
    bool due = false;
    int64_t wait;

    if (!h || s->batch_open)
        return;
    if (h->fan.active) {
        fan_continue(h);
        return;
    }
    for (sv_comp *c = s->comps; c && !due; c = c->next)
        due = c->live && lv_dirty(c->live);
    if (!due) {
        /* Nothing for the screens; the relay may still wait for its interval. */
        int64_t relay = relay_offer_due(h);
        if (relay > 0)
            schedule_within(h, relay);
        return;
    }
    wait = h->next_us - now_us();
    if (wait <= 0) {
        fan_start(h, NULL);
        if (h->fan.active)
            fan_continue(h);
        relay_offer_due(h);
        return;
    }
    schedule_within(h, wait);
}

void ws_turn_end(sv_server *s)
{
    if (s->hub)
        s->hub->turn_writes = 0;
    ws_tick(s);
}

/* Screens that subscribed together fall quiet together: pinged all in one sweep, 5,000 of them
 * would be 5,000 writes in one turn, held against the judges. A sweep pings at most twice its
 * share (every screen once per ping_s, at least a turn's worth); the rest wait a second, well
 * inside the 2 × ping_s a screen may stay quiet. */
void ws_sweep(sv_server *s)
{
    ws_hub *h = s->hub;
    int64_t now = now_us(), ping = (int64_t)(h ? h->o.ping_s : 0) * 1000000;
    size_t n = 0, pings = 0, cap;
    for (ws_conn *c = h ? h->conns : NULL; c; c = c->next)
        n++;
    cap = h ? 2 * n / (h->o.ping_s ? h->o.ping_s : 1) : 0;
    if (cap < WS_TURN_WRITES)
        cap = WS_TURN_WRITES;
    for (ws_conn *c = h ? h->conns : NULL; c; c = c->next) {
        int64_t quiet = now - c->heard_us;
        if (quiet >= 2 * ping + 1000000)
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
        else if (quiet >= ping && !c->pinged && !c->ping_due && pings < cap) {
            c->ping_due = true;
            pings++;
            lws_callback_on_writable(c->wsi);
        }
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
    if (h->fan.active)
        fan_step(h, 0); /* what is under way reaches everyone first */
    fan_start(h, comp);
    fan_step(h, 0);
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
    c->heard_us = now_us();
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
    if (h->fan.next == c)
        h->fan.next = c->next;
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
    if (c->ping_due) {
        /* Not empty: lws 4.1 does not pass an empty pong to the protocol. */
        unsigned char ping[LWS_PRE + 1] = {[LWS_PRE] = 'p'};
        c->ping_due = false;
        c->pinged = true;
        if (lws_write(c->wsi, ping + LWS_PRE, 1, LWS_WRITE_PING) < 0)
            return -1;
        if (c->n)
            lws_callback_on_writable(c->wsi);
        return 0;
    }
    if (!c->n)
        return 0;
    /* Screens that fell behind all become writable in the same turn; written all at once they
     * would hold the judges' acknowledgements for as long. The rest wait for the next turn. */
    if (h->turn_writes >= WS_TURN_WRITES) {
        lws_callback_on_writable(c->wsi);
        return 0;
    }
    h->turn_writes++;
    size_t k = 0;
    if ((m = merged_head(h, c, &k)))
        drop_head(h, c, k);
    else {
        m = c->q[c->head];
        c->head = (c->head + 1) % (h->o.queue_max + 1);
        c->n--;
    }
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
    case LWS_CALLBACK_RECEIVE_PONG:
        c->heard_us = now_us();
        c->pinged = false;
        return 0;
    case LWS_CALLBACK_RECEIVE:
        c->heard_us = now_us();
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
