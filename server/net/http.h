/*
 * http.h — the libwebsockets protocol callback that serves /api/ (see http.c).
 */
#ifndef SKILLSCORE_HTTP_H
#define SKILLSCORE_HTTP_H

#include <libwebsockets.h>
#include <stdbool.h>

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len);
/* Per-connection state size, for the protocol table. */
size_t http_conn_size(void);

struct sv_server;
struct sv_response;
/* Walks the parked replies (sv_response.deferred); for each, ready may change the reply and
 * its wait, and returns true to send it now. */
void http_wake(struct sv_server *s,
               bool (*ready)(struct sv_server *s, struct sv_response *rs, void *ctx), void *ctx);

#endif
