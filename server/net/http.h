/*
 * http.h — HTTP/1.1 on libwebsockets (prefix http_): the API under /api/ and /verify/, and the
 * pages of judge-client/, one request at a time per connection (see http.c).
 */
#ifndef SKILLSCORE_HTTP_H
#define SKILLSCORE_HTTP_H

#include <libwebsockets.h>
#include <stdbool.h>

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len);
/* Per-connection state size, for the protocol table. */
size_t http_conn_size(void);

/* The release function of the parked replies (parked.h): the connection (a struct lws *) sends
 * its reply at the next writable. */
void http_release(void *conn);

#endif
