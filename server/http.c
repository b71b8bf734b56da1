/*
 * http.c — libwebsockets callbacks for /api/: collect the request (method, path, query, bearer
 * token, peer, body up to the route's limit), hand it to sv_dispatch(), and write the response
 * when the socket is writable. Static pages under / are served by an lws file mount (serve.c).
 *
 * One connection carries one request at a time (HTTP/1.1 keep-alive), so its state is a single
 * http_conn, reset when the next request starts. Everything runs on the lws event loop thread.
 */
#include "http.h"

#include "server.h"

#include <libwebsockets.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct http_conn {
    sv_request rq;
    sv_response rs;
    const sv_route *route;
    char method[8];
    char *body;
    size_t body_len, body_cap, limit;
    bool too_big, responded;
    bool waiting;           /* in s->waiting until the group commit */
    bool head_due;          /* released: the head goes out at the next writable */
    size_t sent;
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

/* Writes the status line and headers, then asks for the body to be written. */
static int send_head(struct lws *wsi, http_conn *c)
{
    unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf;
    sv_response *rs = &c->rs;

    c->responded = true;
    if (lws_add_http_common_headers(wsi, (unsigned)rs->status,
                                    rs->ctype ? rs->ctype : "application/json; charset=utf-8",
                                    (lws_filepos_t)rs->len, &p, end))
        return -1;
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &p, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                    (const unsigned char *)"nosniff", 7, &p, end))
        return -1;
    if (rs->retry_after[0] &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"retry-after:",
                                    (const unsigned char *)rs->retry_after,
                                    (int)strlen(rs->retry_after), &p, end))
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
                                        (const unsigned char *)disp, (int)n, &p, end))
            return -1;
    }
    if (rs->provisional &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"x-skillscore-provisional:",
                                    (const unsigned char *)"yes", 3, &p, end))
        return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

static void unwait(sv_server *s, struct lws *wsi)
{
    for (size_t i = 0; i < s->n_waiting; i++)
        if (s->waiting[i] == wsi) {
            s->waiting[i] = s->waiting[--s->n_waiting];
            return;
        }
}

static int wait_for_commit(sv_server *s, struct lws *wsi, http_conn *c)
{
    if (s->n_waiting == s->cap_waiting) {
        size_t cap = s->cap_waiting ? s->cap_waiting * 2 : 64;
        void **w = realloc(s->waiting, cap * sizeof *w);
        if (!w)
            return -1;
        s->waiting = w;
        s->cap_waiting = cap;
    }
    s->waiting[s->n_waiting++] = wsi;
    c->waiting = true;
    return 0;
}

void http_release(sv_server *s, bool ok)
{
    for (size_t i = 0; i < s->n_waiting; i++) {
        struct lws *wsi = s->waiting[i];
        http_conn *c = lws_wsi_user(wsi);
        if (!ok)
            sv_error(&c->rs, 500, NULL, "the database could not store this; send it again");
        c->waiting = false;
        c->head_due = true;
        lws_callback_on_writable(wsi);
    }
    s->n_waiting = 0;
}

static int respond(struct lws *wsi, http_conn *c)
{
    sv_server *s = lws_context_user(lws_get_context(wsi));
    if (c->too_big)
        sv_error(&c->rs, 413, NULL, "the request body is larger than %zu bytes", c->limit);
    else {
        c->rq.body = c->body ? c->body : "";
        c->rq.body_len = c->body_len;
        sv_dispatch(s, c->route, &c->rq, &c->rs);
        if (c->rs.deferred) {
            c->responded = true; /* a body arriving now is not a new request */
            return wait_for_commit(s, wsi, c);
        }
    }
    return send_head(wsi, c);
}

static int on_request(struct lws *wsi, http_conn *c)
{
    char uri[512], clen[24];
    const char *method;
    int status = 404;

    conn_reset(c);
    method = method_of(wsi, uri, sizeof uri);
    if (!method) {
        sv_error(&c->rs, 405, NULL, "method not supported");
        return send_head(wsi, c);
    }
    snprintf(c->method, sizeof c->method, "%s", method);
    c->rq.method = c->method;
    snprintf(c->rq.path, sizeof c->rq.path, "%s", uri);
    read_query(wsi, c->rq.query, sizeof c->rq.query);
    read_token(wsi, c->rq.token, sizeof c->rq.token);
    lws_get_peer_simple(wsi, c->rq.peer, sizeof c->rq.peer);
    if (lws_hdr_copy(wsi, c->rq.host, sizeof c->rq.host, WSI_TOKEN_HOST) <= 0)
        c->rq.host[0] = '\0';

    c->route = sv_route_find(method, uri, &status);
    if (!c->route) {
        if (status == 405)
            sv_error(&c->rs, 405, NULL, "%s is not allowed on %s", method, uri);
        else
            sv_error(&c->rs, 404, NULL, "no such endpoint: %s", uri);
        return send_head(wsi, c);
    }
    c->limit = c->route->max_body ? c->route->max_body : SV_MAX_BODY;
    if (strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0)
        return respond(wsi, c);
    if (lws_hdr_copy(wsi, clen, sizeof clen, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
        unsigned long long n = strtoull(clen, NULL, 10);
        if (n > c->limit) {
            /* Refuse before reading; lws drops the connection after the reply because the
             * unread body would otherwise be taken as the next request. */
            c->too_big = true;
            respond(wsi, c);
            return 0;
        }
        if (n == 0)
            return respond(wsi, c);
    } else
        return respond(wsi, c);
    return 0; /* the body follows in LWS_CALLBACK_HTTP_BODY */
}

static int on_body(http_conn *c, const void *in, size_t len)
{
    if (c->too_big || c->responded)
        return 0;
    if (c->body_len + len > c->limit) {
        c->too_big = true;
        return 0;
    }
    if (c->body_len + len + 1 > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 4096;
        while (cap < c->body_len + len + 1)
            cap *= 2;
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

static int on_writable(struct lws *wsi, http_conn *c)
{
    enum { CHUNK = 32 * 1024 };
    unsigned char buf[LWS_PRE + CHUNK];
    size_t n = c->rs.len - c->sent;
    bool last;

    if (c->head_due) {
        c->head_due = false;
        return send_head(wsi, c);
    }
    if (!c->responded || c->waiting)
        return 0;
    if (n > CHUNK)
        n = CHUNK;
    last = c->sent + n == c->rs.len;
    if (n)
        memcpy(buf + LWS_PRE, c->rs.body + c->sent, n);
    if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
        (int)n)
        return -1;
    c->sent += n;
    if (!last) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    bool close = c->too_big;
    conn_reset(c);
    if (close || lws_http_transaction_completed(wsi))
        return -1;
    return 0;
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
    http_conn *c = user;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return on_request(wsi, c);
    case LWS_CALLBACK_HTTP_BODY:
        return on_body(c, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (c->responded)
            return 0;
        return respond(wsi, c);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return on_writable(wsi, c);
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (c) {
            if (c->waiting)
                unwait(lws_context_user(lws_get_context(wsi)), wsi);
            conn_reset(c);
        }
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

size_t http_conn_size(void) { return sizeof(http_conn); }
