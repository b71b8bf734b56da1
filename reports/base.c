/*
 * base.c — the verification address certificates point at (reports.h, rp_base_check). A QR code
 * is printed once and read for years, by phones anywhere: the address must be the one the public
 * can reach, so a loopback or private address is named as such and the caller decides.
 *
 * Hosts are parsed as a browser parses them (the WHATWG URL rules), not matched as text: an
 * address ending in a number is IPv4 in any of its spellings (127.1, 0x7f.1, 2130706433),
 * bracketed ones are IPv6 in any of theirs (::1, 0:0:0:0:0:0:0:1, ::ffff:127.0.0.1), and a
 * trailing dot names the same host. Each is then classified by its address.
 */
#include "reports.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Whether an IPv4 address (host order) is one phones outside the venue cannot reach: this
 * network (0/8), private (10/8, 172.16/12, 192.168/16), shared/CGNAT (100.64/10), loopback
 * (127/8), link-local (169.254/16), IETF protocol assignments (192.0.0/24), benchmarking
 * (198.18/15), documentation (192.0.2/24, 198.51.100/24, 203.0.113/24), multicast and reserved
 * (224/3 and up). */
static bool private_v4(uint32_t a)
{
    return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
           (a & 0xffc00000u) == 0x64400000u ||  /* 100.64/10 */
           (a & 0xffff0000u) == 0xa9fe0000u ||  /* 169.254/16 */
           (a & 0xfff00000u) == 0xac100000u ||  /* 172.16/12 */
           (a & 0xffff0000u) == 0xc0a80000u ||  /* 192.168/16 */
           (a & 0xffffff00u) == 0xc0000000u ||  /* 192.0.0/24 */
           (a & 0xffffff00u) == 0xc0000200u ||  /* 192.0.2/24 */
           (a & 0xfffe0000u) == 0xc6120000u ||  /* 198.18/15 */
           (a & 0xffffff00u) == 0xc6336400u ||  /* 198.51.100/24 */
           (a & 0xffffff00u) == 0xcb007100u ||  /* 203.0.113/24 */
           (a >> 28) >= 14;                     /* 224/4 multicast, 240/4 reserved */
}

/* The same for IPv6: unspecified (::), loopback (::1), an IPv4 address carried inside
 * (::ffff:a.b.c.d mapped, ::a.b.c.d compatible, 64:ff9b::a.b.c.d NAT64) as that address, unique
 * local (fc00::/7), link-local (fe80::/10), site-local (fec0::/10), multicast (ff00::/8) and
 * documentation (2001:db8::/32). */
static bool private_v6(const unsigned char b[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char zero[12] = {0};
    uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
    if (!memcmp(b, mapped, 12) || !memcmp(b, nat64, 12) || !memcmp(b, zero, 12))
        return private_v4(v4); /* :: and ::1 fall here too: 0.0.0.0 and 0.0.0.1 are in 0/8 */
    return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
           (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || b[0] == 0xff ||
           (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);
}

/* Whether the last dot-separated label of name is a number (decimal, or 0x hex): a browser then
 * reads the whole host as an IPv4 address, or refuses it. */
static bool ends_in_number(const char *name)
{
    const char *last = strrchr(name, '.');
    last = last ? last + 1 : name;
    if (!*last)
        return false;
    if (last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
        for (const char *p = last + 2; *p; p++)
            if (!isxdigit((unsigned char)*p))
                return false;
        return true;
    }
    for (const char *p = last; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

static bool ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n > m && !strcasecmp(name + n - m, suffix);
}

/* Classifies host (no port; "[…]" for IPv6): RP_BASE_PRIVATE, RP_BASE_OK, or RP_BASE_BAD with
 * err saying why. */
static int classify(const char *host, char *err, size_t errcap)
{
    char name[256];
    size_t n = strlen(host);

    if (host[0] == '[') {
        unsigned char b[16];
        if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof name) {
            snprintf(err, errcap, "“%s”不是有效的 IPv6 地址（应写成 [2001:db8::1] 的样子）", host);
            return RP_BASE_BAD;
        }
        snprintf(name, sizeof name, "%.*s", (int)(n - 2), host + 1);
        if (inet_pton(AF_INET6, name, b) != 1) {
            snprintf(err, errcap, "“%s”不是有效的 IPv6 地址", host);
            return RP_BASE_BAD;
        }
        return private_v6(b) ? RP_BASE_PRIVATE : RP_BASE_OK;
    }
    /* "localhost." is localhost: a trailing dot only says the name is complete. */
    snprintf(name, sizeof name, "%s", host);
    n = strlen(name);
    if (n && name[n - 1] == '.')
        name[--n] = '\0';
    if (!n || name[0] == '.' || strstr(name, "..") || name[0] == '-') {
        snprintf(err, errcap, "“%s”不是有效的主机名", host);
        return RP_BASE_BAD;
    }
    if (ends_in_number(name)) {
        struct in_addr a;
        /* inet_aton takes every spelling a browser takes: 127.1, 0177.0.0.1, 0x7f000001. */
        if (!inet_aton(name, &a)) {
            snprintf(err, errcap, "“%s”不是有效的 IPv4 地址", host);
            return RP_BASE_BAD;
        }
        return private_v4(ntohl(a.s_addr)) ? RP_BASE_PRIVATE : RP_BASE_OK;
    }
    /* Names that resolve on the machine or the LAN only: localhost (RFC 6761), mDNS .local,
     * home.arpa (RFC 8375), .internal, and a bare name without a dot. */
    if (!strcasecmp(name, "localhost") || ends_with(name, ".localhost") ||
        ends_with(name, ".local") || ends_with(name, ".home.arpa") ||
        ends_with(name, ".internal") || !strchr(name, '.'))
        return RP_BASE_PRIVATE;
    return RP_BASE_OK;
}

int rp_base_check(const char *base, char *out, size_t cap, char *err, size_t errcap)
{
    const char *host;
    char name[256], *port = NULL;
    size_t n, len;
    int verdict;

    if (!base || !*base) {
        snprintf(err, errcap, "没有验证地址：给出手机扫码打开的地址，如 https://jieguo.example.cn "
                              "(no verification address)");
        return RP_BASE_BAD;
    }
    len = strlen(base);
    if (base[len - 1] == '/')
        len--;
    if (len >= cap || len > 200) {
        snprintf(err, errcap, "验证地址超过 200 字节");
        return RP_BASE_BAD;
    }
    if (!strncmp(base, "https://", 8))
        host = base + 8;
    else if (!strncmp(base, "http://", 7))
        host = base + 7;
    else {
        snprintf(err, errcap, "验证地址“%s”须以 http:// 或 https:// 开头", base);
        return RP_BASE_BAD;
    }
    n = strcspn(host, "/?#");
    if (host + n < base + len || n == 0) {
        snprintf(err, errcap, "验证地址“%s”只能是协议和主机（及端口），不能带路径", base);
        return RP_BASE_BAD;
    }
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)host[i]) && !strchr(".-:[]", host[i])) {
            snprintf(err, errcap, "验证地址“%s”含有主机名中不能有的字符", base);
            return RP_BASE_BAD;
        }
    /* The host and the port: "[v6]:port", "name:port". */
    snprintf(name, sizeof name, "%.*s", (int)n, host);
    if (name[0] == '[') {
        char *close = strchr(name, ']');
        if (!close || (close[1] && close[1] != ':')) {
            snprintf(err, errcap, "验证地址“%s”的 IPv6 地址须写在 [ ] 中，其后只能是 :端口", base);
            return RP_BASE_BAD;
        }
        if (close[1])
            port = close + 2;
        close[1] = '\0';
    } else if (strchr(name, '[') || strchr(name, ']')) {
        snprintf(err, errcap, "验证地址“%s”含有主机名中不能有的字符", base);
        return RP_BASE_BAD;
    } else if ((port = strchr(name, ':'))) {
        *port++ = '\0';
    }
    if (port) {
        char *end;
        long p = strtol(port, &end, 10);
        if (!isdigit((unsigned char)port[0]) || *end || p < 1 || p > 65535) {
            snprintf(err, errcap, "验证地址“%s”的端口须是 1 到 65535 的数", base);
            return RP_BASE_BAD;
        }
    }
    if ((verdict = classify(name, err, errcap)) == RP_BASE_BAD)
        return verdict;
    snprintf(out, cap, "%.*s", (int)len, base);
    if (verdict == RP_BASE_PRIVATE)
        snprintf(err, errcap, "%s 是本机或内网地址（loopback or private），场馆网络之外的手机打不开",
                 name);
    return verdict;
}
