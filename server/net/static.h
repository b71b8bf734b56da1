/*
 * static.h — the pages of judge-client/ (tablet, display, organizer), served as files
 * (prefix stf_).
 *
 * A URL path names a file under the static root only: "..", a symlink anywhere on the way, a
 * hidden name (".git") or anything that is not a regular file is not found. lws's own file mount
 * follows symlinks out of its folder, which is why the server maps paths itself and hands lws
 * only a checked file to send.
 */
#ifndef SKILLSCORE_STATIC_H
#define SKILLSCORE_STATIC_H

#include <stddef.h>

/* The file for url (a path such as "/judge/" or "/common/api.js") under root, written to out
 * with its MIME type in *mime: 0, or -1 when there is no such file to serve. A path ending in
 * "/" names that folder's index.html. */
int stf_resolve(const char *root, const char *url, char *out, size_t cap, const char **mime);

#endif
