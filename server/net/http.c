/*
 * http.c — libwebsockets callbacks for /api/: collect the request (method, path, query, bearer
 * token, peer, body up to the route's limit), hand it to sv_dispatch(), and write the response
 * when the socket is writable. Static pages under / are served by an lws file mount (serve.c).
 *
 * One connection carries one request at a time (HTTP/1.1 keep-alive), so its state is a single
 * http_conn, reset when the next request starts. Everything runs on the lws event loop thread.
 */
#include "server/net/http.h"

#include "server/net/conns.h"
#include "server/api/api.h"
#include "server/core/parked.h"
#include "server/core/server.h"
#include "server/net/static.h"

#include <libwebsockets.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A connection's request goes through these states, and every lws callback is checked against
 * them: lws 4.1 mishandles bytes that follow a request on the same connection (pipelining) —
 * it delivers the first request's completion again and the next request's head as its body —
 * so a callback out of its state means the client sent more than one request at a time. That
 * connection gets the answer to its first request and is then closed; browsers never pipeline.
 */
typedef enum hc_state {
    HC_IDLE,    /* waiting for a request's head */
    HC_BODY,    /* reading the body of an authorised request */
    HC_REFUSED, /* answered before its body: what follows is not read, the connection closes */
    HC_ANSWER,  /* the handler ran; its reply waits for the group commit */
    HC_CLOSING, /* the reply is written; close once lws has sent it all */
    HC_FILE,    /* lws is sending a page's file */
} hc_state;

typedef struct http_conn {
    hc_state state;
    sv_request rq;
    sv_response rs;
    const sv_route *route;
    char method[8];
    char *body;
    size_t body_len, body_cap, limit;
    bool close_after;       /* pipelined or refused: close once the reply is out */
    bool waiting;           /* parked (parked.h) until its wait is over */
    bool had_body;          /* the request declared a body (see send_reply) */
} http_conn;

static void conn_reset(http_conn *c)
{
    free(c->body);
    free(c->rs.body);
    memset(c, 0, sizeof *c);
}

static const char *method_of(struct lws *wsi, char *uri, size_t cap)
{
    static const struct {
        enum lws_token_indexes tok;
        const char *name;
    } methods[] = {{WSI_TOKEN_GET_URI, "GET"},
                   {WSI_TOKEN_POST_URI, "POST"},
                   {WSI_TOKEN_PUT_URI, "PUT"},
                   {WSI_TOKEN_DELETE_URI, "DELETE"},
                   {WSI_TOKEN_PATCH_URI, "PATCH"},
                   {WSI_TOKEN_OPTIONS_URI, "OPTIONS"}};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (lws_hdr_total_length(wsi, methods[i].tok) > 0) {
            lws_hdr_copy(wsi, uri, (int)cap, methods[i].tok);
            return methods[i].name;
        }
    return NULL;
}

static void read_query(struct lws *wsi, char *out, size_t cap)
{
    char frag[256];
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i) > 0;
         i++) {
        int n = snprintf(out + at, cap - at, "%s%s", at ? "&" : "", frag);
        if (n < 0 || (size_t)n >= cap - at)
            break;
        at += (size_t)n;
    }
}

static void read_token(struct lws *wsi, char *out, size_t cap)
{
    char h[120];
    out[0] = '\0';
    if (lws_hdr_copy(wsi, h, sizeof h, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0)
        return;
    if (strncasecmp(h, "Bearer ", 7) == 0)
        snprintf(out, cap, "%s", h + 7);
    else
        snprintf(out, cap, "%s", "(not a bearer token)");
}

/* lws 4.1 hands a request that was pipelined behind another (sent before the first was
 * answered) the bytes of its own head as its body: a body that starts with this request's
 * request line is that, never a body the client sent. */
static bool pipelined(const http_conn *c)
{
    size_t m = strlen(c->method), u = strlen(c->rq.path);
    return c->body_len > m + 1 + u && memcmp(c->body, c->method, m) == 0 && c->body[m] == ' ' &&
           memcmp(c->body + m + 1, c->rq.path, u) == 0;
}

/* Writes the status line and headers into buf; 0 and *p past them, or -1. */
static int put_head(struct lws *wsi, http_conn *c, unsigned char **p, unsigned char *end)
{
    sv_response *rs = &c->rs;

    if (lws_add_http_common_headers(wsi, (unsigned)rs->status,
                                    rs->ctype ? rs->ctype : "application/json; charset=utf-8",
                                    (lws_filepos_t)rs->len, p, end))
        return -1;
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, p, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                    (const unsigned char *)"nosniff", 7, p, end))
        return -1;
    if (c->close_after &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:",
                                    (const unsigned char *)"close", 5, p, end))
        return -1;
    if (rs->retry_after[0] &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"retry-after:",
                                    (const unsigned char *)rs->retry_after,
                                    (int)strlen(rs->retry_after), p, end))
        return -1;
    if (rs->filename[0]) {
        /* RFC 6266: an ASCII fallback name, and the UTF-8 name percent-encoded. */
        char disp[400], fallback[sizeof rs->filename];
        size_t n = 0;
        /* Percent-encode what is not a plain name character; that text doubles as the
         * fallback name when nothing needed encoding. */
        for (const unsigned char *f = (const unsigned char *)rs->filename;
             *f && n + 4 < sizeof fallback; f++)
            n += (size_t)(isalnum(*f) || strchr("-._", *f)
                              ? snprintf(fallback + n, sizeof fallback - n, "%c", *f)
                              : snprintf(fallback + n, sizeof fallback - n, "%%%02X", *f));
        n = (size_t)snprintf(disp, sizeof disp, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                             strchr(fallback, '%') ? "download" : fallback, fallback);
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                        (const unsigned char *)disp, (int)n, p, end))
            return -1;
    }
    if (rs->cache &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"x-skillscore-cache:",
                                    (const unsigned char *)rs->cache, (int)strlen(rs->cache), p,
                                    end))
        return -1;
    if (rs->provisional &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"x-skillscore-provisional:",
                                    (const unsigned char *)"yes", 3, p, end))
        return -1;
    return lws_finalize_http_header(wsi, p, end) ? -1 : 0;
}

/*
 * Writes the whole reply and ends the transaction in the same callback; lws keeps what the
 * socket does not take at once and sends it before anything else. A request without a body is
 * answered inside LWS_CALLBACK_HTTP, so lws reads a next request only once this one is answered:
 * replies go out in the order the requests came. A request with a body is answered from the
 * next writable, never inside the body's completion: told there that the transaction ended, lws
 * 4.1 reads the next request's head as that request's body. Writing the reply and ending the
 * transaction in one callback leaves no moment in which the client, having its answer, can send
 * the next request while lws still thinks the last body is being read. The return value is the
 * callback's: -1 closes.
 */
static int send_reply(struct lws *wsi, http_conn *c)
{
    enum { HEAD = 2048 };
    size_t len = c->rs.len;
    unsigned char *buf = malloc(LWS_PRE + HEAD + len), *start = buf + LWS_PRE, *p = start;
    int n;

    if (!buf)
        return -1;
    if (put_head(wsi, c, &p, start + HEAD)) {
        free(buf);
        return -1;
    }
    if (len)
        memcpy(p, c->rs.body, len);
    p += len;
    n = lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL);
    free(buf);
    if (n < 0)
        return -1;
    if (c->close_after) {
        /* lws tells us writable only once what it kept is sent: then close. */
        conn_reset(c);
        c->state = HC_CLOSING;
        lws_callback_on_writable(wsi);
        return 0;
    }
    conn_reset(c);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int wait_for_commit(sv_server *s, struct lws *wsi, http_conn *c)
{
    if (pk_park(&s->parked, wsi, &c->rs))
        return -1;
    c->waiting = true;
    return 0;
}

void http_release(void *conn)
{
    struct lws *wsi = conn;
    http_conn *c = lws_wsi_user(wsi);
    c->waiting = false;
    lws_callback_on_writable(wsi);
}

/* Answers without reading the body that may follow: the connection closes after the reply, so
 * the unread bytes are never taken for a request. */
static int refuse(struct lws *wsi, http_conn *c)
{
    c->state = HC_REFUSED;
    c->close_after = true;
    return send_reply(wsi, c);
}

/* The request is whole: run its handler and send (or park) the reply. */
static int answer(struct lws *wsi, http_conn *c)
{
    sv_server *s = lws_context_user(lws_get_context(wsi));

    c->state = HC_ANSWER;
    c->rq.body = c->body ? c->body : "";
    c->rq.body_len = c->body_len;
    sv_dispatch(s, c->route, &c->rq, &c->rs);
    if (c->rs.deferred)
        return wait_for_commit(s, wsi, c);
    if (c->had_body) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    return send_reply(wsi, c);
}

/* The declared body length: 0 and *n set, or -1 when the header is not a plain decimal number
 * (a list, a sign, letters: requests that different parsers would frame differently). */
static int content_length(struct lws *wsi, bool *present, unsigned long long *n)
{
    char v[32];
    int len = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);

    *present = len > 0;
    *n = 0;
    if (!*present)
        return 0;
    if (len >= (int)sizeof v - 1 || lws_hdr_copy(wsi, v, sizeof v, WSI_TOKEN_HTTP_CONTENT_LENGTH) != len)
        return -1;
    for (int i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        if (*n > (~0ull - 9) / 10)
            return -1;
        *n = *n * 10 + (unsigned long long)(v[i] - '0');
    }
    return 0;
}

/* A GET that names no endpoint: a page's file (static.h), a folder without its slash (moved),
 * or a 404. */
static int serve_file(struct lws *wsi, http_conn *c, const char *uri)
{
    sv_server *s = lws_context_user(lws_get_context(wsi));
    char file[1024], slashed[520];
    const char *mime;
    int n;

    if (stf_resolve(s->static_dir, uri, file, sizeof file, &mime) == 0) {
        c->state = HC_FILE;
        n = lws_serve_http_file(wsi, file, mime, NULL, 0);
        if (n < 0)
            return -1;
        if (n > 0) {
            conn_reset(c);
            return 0;
        }
        return 0;
    }
    snprintf(slashed, sizeof slashed, "%s/", uri);
    if (uri[strlen(uri) - 1] != '/' &&
        stf_resolve(s->static_dir, slashed, file, sizeof file, &mime) == 0) {
        unsigned char buf[LWS_PRE + 1024], *p = buf + LWS_PRE;
        int len = lws_http_redirect(wsi, 301, (const unsigned char *)slashed,
                                    (int)strlen(slashed), &p, buf + sizeof buf);
        if (len < 0)
            return -1;
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    sv_error(&c->rs, 404, NULL, "no such page or endpoint: %s", uri);
    return send_reply(wsi, c);
}

static int on_request(struct lws *wsi, http_conn *c)
{
    sv_server *s = lws_context_user(lws_get_context(wsi));
    char uri[512];
    const char *method;
    int status = 404;
    bool has_len;
    unsigned long long n;

    if (c->state != HC_IDLE) {
        /* A second request before the first is answered: pipelining (see hc_state). */
        c->close_after = true;
        return 0;
    }
    conn_reset(c);
    method = method_of(wsi, uri, sizeof uri);
    if (!method) {
        sv_error(&c->rs, 405, NULL, "method not supported");
        return refuse(wsi, c);
    }
    snprintf(c->method, sizeof c->method, "%s", method);
    c->rq.method = c->method;
    snprintf(c->rq.path, sizeof c->rq.path, "%s", uri);
    read_query(wsi, c->rq.query, sizeof c->rq.query);
    read_token(wsi, c->rq.token, sizeof c->rq.token);
    cn_peer_key(lws_get_socket_fd(wsi), c->rq.peer, sizeof c->rq.peer);
    if (lws_hdr_copy(wsi, c->rq.host, sizeof c->rq.host, WSI_TOKEN_HOST) <= 0)
        c->rq.host[0] = '\0';

    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
        sv_error(&c->rs, 411, NULL, "send the body with a Content-Length, not chunked");
        return refuse(wsi, c);
    }
    if (content_length(wsi, &has_len, &n)) {
        sv_error(&c->rs, 400, NULL, "the Content-Length header is not a decimal number");
        return refuse(wsi, c);
    }
    c->route = sv_route_find(method, uri, &status);
    if (!c->route && status == 404 && strcmp(method, "GET") == 0 && !n &&
        strncmp(uri, "/api/", 5) != 0)
        return serve_file(wsi, c, uri);
    if (!c->route) {
        if (status == 405)
            sv_error(&c->rs, 405, NULL, "%s is not allowed on %s", method, uri);
        else
            sv_error(&c->rs, 404, NULL, "no such endpoint: %s", uri);
        return n ? refuse(wsi, c) : send_reply(wsi, c);
    }
    if (!n)
        return answer(wsi, c);
    /* Nothing of a body is read, let alone kept, for a caller who may not send it. */
    if (sv_authorize(s, c->route, &c->rq, &c->rs))
        return refuse(wsi, c);
    c->limit = c->route->max_body ? c->route->max_body : SV_MAX_BODY;
    if (n > c->limit) {
        sv_error(&c->rs, 413, NULL, "the request body is larger than %zu bytes", c->limit);
        return refuse(wsi, c);
    }
    c->state = HC_BODY;
    c->had_body = true;
    return 0; /* the body follows in LWS_CALLBACK_HTTP_BODY */
}

static int on_body(struct lws *wsi, http_conn *c, const void *in, size_t len)
{
    if (c->state != HC_BODY) {
        if (c->state == HC_IDLE)
            return -1;
        c->close_after = c->state == HC_ANSWER ? true : c->close_after;
        return 0;
    }
    if (c->body_len + len > c->limit) {
        sv_error(&c->rs, 413, NULL, "the request body is larger than %zu bytes", c->limit);
        return refuse(wsi, c);
    }
    if (c->body_len + len + 1 > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 4096;
        while (cap < c->body_len + len + 1)
            cap *= 2;
        if (cap > c->limit + 1)
            cap = c->limit + 1;
        char *b = realloc(c->body, cap);
        if (!b)
            return -1;
        c->body = b;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, in, len);
    c->body_len += len;
    c->body[c->body_len] = '\0';
    return 0;
}

static int on_body_done(struct lws *wsi, http_conn *c)
{
    if (c->state == HC_BODY && pipelined(c)) {
        sv_error(&c->rs, 400, NULL, "send one request at a time on a connection");
        return refuse(wsi, c);
    }
    if (c->state == HC_BODY)
        return answer(wsi, c);
    if (c->state == HC_ANSWER) {
        /* Still waiting for the commit: answer that, then close. */
        c->close_after = true;
        return 0;
    }
    /* A completion out of turn: lws has buffered a further request (see hc_state) and would
     * deliver this again at every turn of the loop, starving everyone else. */
    return -1;
}

static int on_writable(struct lws *wsi, http_conn *c)
{
    if (c->state == HC_CLOSING)
        return -1;
    if (c->state == HC_ANSWER && !c->waiting)
        return send_reply(wsi, c);
    return 0;
}

/*
 * Every accepted socket is counted against its address before lws reads from it (conns.h).
 * lws asks about a socket (FILTER_NETWORK_CONNECTION, with the descriptor but before the
 * connection's wsi exists) and then creates its wsi (WSI_CREATE, in the same call): the first
 * decides, the second counts and ties the count to the wsi, so a socket refused or lost in
 * between is never counted.
 */
static char pending_key[64];

static int on_filter(sv_server *s, int fd)
{
    pending_key[0] = '\0';
    if (!s->conns)
        return 0;
    cn_peer_key(fd, pending_key, sizeof pending_key);
    if (cn_admit(s->conns, pending_key)) {
        pending_key[0] = '\0';
        return -1;
    }
    return 0;
}

static void on_created(sv_server *s, struct lws *wsi)
{
    if (pending_key[0] && s->conns)
        cn_open(s->conns, wsi, pending_key);
    pending_key[0] = '\0';
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
    http_conn *c = user;

    switch (reason) {
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
        return on_filter(lws_context_user(lws_get_context(wsi)), (int)(lws_intptr_t)in);
    case LWS_CALLBACK_WSI_CREATE:
        on_created(lws_context_user(lws_get_context(wsi)), wsi);
        return 0;
    case LWS_CALLBACK_WSI_DESTROY: {
        sv_server *s = lws_context_user(lws_get_context(wsi));
        if (s->conns)
            cn_close(s->conns, wsi);
        return 0;
    }
    case LWS_CALLBACK_HTTP:
        return on_request(wsi, c);
    case LWS_CALLBACK_HTTP_BODY:
        return on_body(wsi, c, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return on_body_done(wsi, c);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return on_writable(wsi, c);
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
        conn_reset(c);
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        /* lws frees this state when it rebinds for a next request; one that comes while a
         * reply still waits for the commit is pipelined past it: that connection ends. */
        if (c && (c->state == HC_ANSWER || c->state == HC_CLOSING))
            lws_set_timeout(wsi, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
        /* fallthrough */
    case LWS_CALLBACK_CLOSED_HTTP:
        if (c) {
            if (c->waiting) {
                sv_server *s = lws_context_user(lws_get_context(wsi));
                pk_forget(&s->parked, wsi);
            }
            conn_reset(c);
        }
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

size_t http_conn_size(void) { return sizeof(http_conn); }
