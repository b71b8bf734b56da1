/*
 * base_cases.h — verification addresses and the verdict rp_base_check must give them
 * (reports/base.c), shared by the unit test (tests/test_base.c) and the fuzz target
 * (tests/fuzz/fuzz_base.c checks them once before fuzzing). Issue 15's audit found 127.1,
 * [::ffff:127.0.0.1], [0:0:0:0:0:0:0:1], [::] and localhost. accepted as public: every spelling
 * a browser takes for a loopback or private host is listed here.
 */
#ifndef SKILLSCORE_BASE_CASES_H
#define SKILLSCORE_BASE_CASES_H

#include "reports/reports.h"

typedef struct base_case {
    const char *address;
    int verdict;
} base_case;

static const base_case base_cases[] = {
    /* loopback, in every spelling */
    {"http://127.0.0.1:8080", RP_BASE_PRIVATE},
    {"http://127.1", RP_BASE_PRIVATE},
    {"http://127.0.1", RP_BASE_PRIVATE},
    {"http://0x7f.1", RP_BASE_PRIVATE},
    {"http://0177.0.0.1", RP_BASE_PRIVATE},
    {"http://2130706433", RP_BASE_PRIVATE},
    {"http://0x7f000001:80", RP_BASE_PRIVATE},
    {"http://127.0.0.1.", RP_BASE_PRIVATE},
    {"http://127.255.255.254", RP_BASE_PRIVATE},
    {"http://[::1]:8080", RP_BASE_PRIVATE},
    {"http://[0:0:0:0:0:0:0:1]", RP_BASE_PRIVATE},
    {"http://[0000:0000:0000:0000:0000:0000:0000:0001]:443", RP_BASE_PRIVATE},
    {"http://[::ffff:127.0.0.1]", RP_BASE_PRIVATE},
    {"http://[::ffff:7f00:1]", RP_BASE_PRIVATE},
    {"http://[::127.0.0.1]", RP_BASE_PRIVATE},
    {"http://[64:ff9b::127.0.0.1]", RP_BASE_PRIVATE},
    {"http://localhost", RP_BASE_PRIVATE},
    {"http://localhost.", RP_BASE_PRIVATE},
    {"http://LOCALHOST:8080", RP_BASE_PRIVATE},
    {"http://jieguo.localhost", RP_BASE_PRIVATE},
    /* unspecified */
    {"http://0.0.0.0", RP_BASE_PRIVATE},
    {"http://0", RP_BASE_PRIVATE},
    {"http://[::]", RP_BASE_PRIVATE},
    {"http://[::]:8080", RP_BASE_PRIVATE},
    /* private, shared and link-local IPv4, also mapped into IPv6 */
    {"http://10.0.0.5", RP_BASE_PRIVATE},
    {"http://10.255.255.255", RP_BASE_PRIVATE},
    {"http://10.1", RP_BASE_PRIVATE},
    {"http://172.16.0.1", RP_BASE_PRIVATE},
    {"http://172.20.1.1", RP_BASE_PRIVATE},
    {"http://172.31.255.255", RP_BASE_PRIVATE},
    {"http://192.168.1.10:8080", RP_BASE_PRIVATE},
    {"http://192.168.1.10.", RP_BASE_PRIVATE},
    {"http://0xc0a8010a", RP_BASE_PRIVATE},
    {"http://169.254.1.1", RP_BASE_PRIVATE},
    {"http://100.64.0.1", RP_BASE_PRIVATE},
    {"http://[::ffff:192.168.1.10]", RP_BASE_PRIVATE},
    {"http://[::ffff:10.0.0.1]:8080", RP_BASE_PRIVATE},
    /* unique local fc00::/7 and link-local fe80::/10 */
    {"http://[fc00::1]", RP_BASE_PRIVATE},
    {"http://[fd12:3456:789a::1]", RP_BASE_PRIVATE},
    {"http://[FD00::1]", RP_BASE_PRIVATE},
    {"http://[fe80::1]", RP_BASE_PRIVATE},
    {"http://[febf:ffff::1]", RP_BASE_PRIVATE},
    /* names of the machine or the LAN */
    {"http://venue.local", RP_BASE_PRIVATE},
    {"http://venue.local.", RP_BASE_PRIVATE},
    {"http://skillscore", RP_BASE_PRIVATE},
    {"http://router.home.arpa", RP_BASE_PRIVATE},
    /* public */
    {"https://jieguo.example.cn", RP_BASE_OK},
    {"https://jieguo.example.cn.", RP_BASE_OK},
    {"https://jieguo.example.cn:8443/", RP_BASE_OK},
    {"http://202.98.96.68", RP_BASE_OK},
    {"http://172.15.0.1", RP_BASE_OK},
    {"http://172.32.0.1", RP_BASE_OK},
    {"http://192.169.0.1", RP_BASE_OK},
    {"http://11.0.0.1", RP_BASE_OK},
    {"http://[2400:da00::6666]", RP_BASE_OK},
    {"http://[::ffff:202.98.96.68]", RP_BASE_OK},
    {"http://[fbff::1]", RP_BASE_OK},
    {"http://[fec0::1]", RP_BASE_PRIVATE},
    {"http://127.example.cn", RP_BASE_OK},
    {"http://localhost.example.cn", RP_BASE_OK},
    /* not an address */
    {"", RP_BASE_BAD},
    {"ftp://x.cn", RP_BASE_BAD},
    {"https://x.cn/verify", RP_BASE_BAD},
    {"jieguo.example.cn", RP_BASE_BAD},
    {"https://x cn", RP_BASE_BAD},
    {"http://256.1.1.1", RP_BASE_BAD},
    {"http://1.2.3.4.5", RP_BASE_BAD},
    {"http://example.123", RP_BASE_BAD},
    {"http://[::1", RP_BASE_BAD},
    {"http://[::g]", RP_BASE_BAD},
    {"http://[::1]x", RP_BASE_BAD},
    {"http://a[::1]", RP_BASE_BAD},
    {"http://[127.0.0.1]", RP_BASE_BAD},
    {"http://x.cn:0", RP_BASE_BAD},
    {"http://x.cn:65536", RP_BASE_BAD},
    {"http://x.cn:8a", RP_BASE_BAD},
    {"http://x.cn:", RP_BASE_BAD},
    {"http://x..cn", RP_BASE_BAD},
    {"http://.x.cn", RP_BASE_BAD},
    {"http://.", RP_BASE_BAD},
    {"http://user@x.cn", RP_BASE_BAD},
};

#endif
