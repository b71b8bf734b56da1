/*
 * base.c — the verification address certificates point at (reports.h, rp_base_check). A QR code
 * is printed once and read for years, by phones anywhere: the address must be the one the public
 * can reach, so a loopback or private address is named as such and the caller decides.
 */
#include "reports.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Whether host (no port) is reachable only from the machine or its LAN. */
static bool private_host(const char *host)
{
    unsigned a, b, c, d;
    char tail;
    if (!strcasecmp(host, "localhost") ||
        (strlen(host) > 6 && !strcasecmp(host + strlen(host) - 6, ".local")))
        return true;
    if (host[0] == '[') /* IPv6: loopback, unique local (fc00::/7) and link-local (fe80::/10) */
        return !strncmp(host, "[::1]", 5) || !strncasecmp(host, "[fc", 3) ||
               !strncasecmp(host, "[fd", 3) || !strncasecmp(host, "[fe8", 4) ||
               !strncasecmp(host, "[fe9", 4) || !strncasecmp(host, "[fea", 4) ||
               !strncasecmp(host, "[feb", 4);
    if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4)
        return strchr(host, '.') == NULL; /* a bare name resolves on the LAN only */
    return a == 127 || a == 10 || a == 0 || (a == 172 && b >= 16 && b <= 31) ||
           (a == 192 && b == 168) || (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
}

int rp_base_check(const char *base, char *out, size_t cap, char *err, size_t errcap)
{
    const char *host;
    char name[256];
    size_t n, len;

    if (!base || !*base) {
        snprintf(err, errcap, "no verification address: give the address phones will open, "
                              "like https://jieguo.example.cn");
        return RP_BASE_BAD;
    }
    len = strlen(base);
    if (base[len - 1] == '/')
        len--;
    if (len >= cap || len > 200) {
        snprintf(err, errcap, "the verification address is longer than 200 bytes");
        return RP_BASE_BAD;
    }
    if (!strncmp(base, "https://", 8))
        host = base + 8;
    else if (!strncmp(base, "http://", 7))
        host = base + 7;
    else {
        snprintf(err, errcap, "the verification address \"%s\" must start with http:// or "
                              "https://", base);
        return RP_BASE_BAD;
    }
    n = strcspn(host, "/?#");
    if (host + n < base + len || n == 0) {
        snprintf(err, errcap, "the verification address \"%s\" must be a scheme and a host (and "
                              "port) only, with no path", base);
        return RP_BASE_BAD;
    }
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)host[i]) && !strchr(".-:[]", host[i])) {
            snprintf(err, errcap, "the verification address \"%s\" has a character a host "
                                  "name cannot have", base);
            return RP_BASE_BAD;
        }
    snprintf(out, cap, "%.*s", (int)len, base);
    /* The host without its port. */
    snprintf(name, sizeof name, "%.*s", (int)n, host);
    if (name[0] == '[') {
        char *close = strchr(name, ']');
        if (close)
            close[1] = '\0';
    } else if (strchr(name, ':'))
        *strchr(name, ':') = '\0';
    if (private_host(name)) {
        snprintf(err, errcap, "%s is a loopback or private address: phones outside the venue "
                              "network cannot open it", name);
        return RP_BASE_PRIVATE;
    }
    return RP_BASE_OK;
}
