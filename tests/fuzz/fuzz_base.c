/*
 * fuzz_base.c — libFuzzer target for the verification address check (reports/base.c,
 * rp_base_check) and the short code comparison (rp_short_equal): any bytes as an address. The
 * verdict is one of three; a refusal or a private address says why; an accepted address is a
 * scheme and a host only, and checking it again gives the same verdict and the same text; a
 * trailing dot on the host and capitals in it do not change the verdict. Before fuzzing, every
 * address of base_cases.h must get its listed verdict (the spellings of loopback and private
 * hosts a browser takes).
 */
#include "reports/reports.h"
#include "tests/fuzz/base_cases.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (size_t i = 0; i < sizeof base_cases / sizeof *base_cases; i++) {
        char out[256], err[300] = "";
        int v = rp_base_check(base_cases[i].address, out, sizeof out, err, sizeof err);
        if (v != base_cases[i].verdict) {
            fprintf(stderr, "fuzz_base: %s: verdict %d, expected %d (%s)\n",
                    base_cases[i].address, v, base_cases[i].verdict, err);
            abort();
        }
    }
    return 0;
}

/* The verdict of base with its host changed: a trailing dot added (before any port) when dot,
 * else upper-cased. -1 when that cannot be made. */
static int variant(const char *base, bool dot)
{
    char in[600], out[256], err[300];
    const char *host = strstr(base, "://");
    size_t at;
    /* One byte more must stay within the 200 bytes an address may have. */
    if (!host || strlen(base) + 1 > 200)
        return -1;
    host += 3;
    at = (size_t)(host - base) + strcspn(host, dot ? ":/" : "/");
    if (dot && (host[0] == '[' || at == 0 || base[at - 1] == '.'))
        return -1;
    if (dot)
        snprintf(in, sizeof in, "%.*s.%s", (int)at, base, base + at);
    else {
        snprintf(in, sizeof in, "%s", base);
        for (size_t i = (size_t)(host - base); i < at; i++)
            in[i] = (char)toupper((unsigned char)in[i]);
        /* 0x and inet_aton's hex are case-blind too; so is every name. */
    }
    return rp_base_check(in, out, sizeof out, err, sizeof err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[512], out[256], again[256], err[300];
    int v, w;
    if (size >= sizeof in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    err[0] = '\0';
    v = rp_base_check(in, out, sizeof out, err, sizeof err);
    if (v != RP_BASE_OK && v != RP_BASE_PRIVATE && v != RP_BASE_BAD)
        abort();
    if (v != RP_BASE_OK && !err[0])
        abort();
    if (v != RP_BASE_BAD) {
        const char *host = strncmp(out, "https://", 8) == 0  ? out + 8
                           : strncmp(out, "http://", 7) == 0 ? out + 7
                                                             : NULL;
        if (!host || !*host || strpbrk(host, "/?#"))
            abort();
        w = rp_base_check(out, again, sizeof again, err, sizeof err);
        if (w != v || strcmp(again, out) != 0)
            abort();
        /* "localhost." is localhost, "LOCALHOST" too: no spelling turns private into public. */
        if ((w = variant(out, true)) >= 0 && w != v)
            abort();
        if ((w = variant(out, false)) >= 0 && w != v)
            abort();
    }
    /* The short code of a 32-digit signature matches it, and nothing else of the input does. */
    static const char sig[] = "0123456789abcdef0123456789abcdef";
    char code[32];
    rp_short_code(sig, code, sizeof code);
    if (!rp_short_equal(sig, code))
        abort();
    if (rp_short_equal(sig, in) && strlen(in) < 12)
        abort();
    return 0;
}
