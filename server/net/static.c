/*
 * static.c — see static.h. The file is checked with lstat one path component at a time, so a
 * symlink is refused wherever it sits, without trusting realpath on a path an attacker chose.
 */
#include "server/net/static.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
    const char *ext, *mime;
} types[] = {
    {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},              {".png", "image/png"},
    {".ico", "image/x-icon"},               {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].mime;
    return NULL;
}

int stf_resolve(const char *root, const char *url, char *out, size_t cap, const char **mime)
{
    char rel[512];
    struct stat st;

    if (url[0] != '/' || strlen(url) >= sizeof rel - 16)
        return -1;
    snprintf(rel, sizeof rel, "%s%s", url + 1, url[strlen(url) - 1] == '/' || !url[1]
                                                             ? "index.html" : "");
    /* Each component: not empty, not hidden (which also refuses "." and ".."), no backslash. */
    for (const char *p = rel; *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || p[0] == '.' || memchr(p, '\\', len))
            return -1;
        p += len + (slash ? 1 : 0);
    }
    if ((size_t)snprintf(out, cap, "%s", root) >= cap || lstat(out, &st) || !S_ISDIR(st.st_mode))
        return -1;
    for (char *p = rel; *p;) {
        char *slash = strchr(p, '/');
        size_t at = strlen(out);
        if (slash)
            *slash = '\0';
        if (at + 1 + strlen(p) >= cap)
            return -1;
        snprintf(out + at, cap - at, "/%s", p);
        if (lstat(out, &st) || S_ISLNK(st.st_mode))
            return -1;
        if (!slash)
            break;
        if (!S_ISDIR(st.st_mode))
            return -1;
        p = slash + 1;
    }
    if (!S_ISREG(st.st_mode) || !(*mime = mime_of(out)))
        return -1;
    return 0;
}
