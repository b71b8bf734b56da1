/*
 * fuzz_base.c — libFuzzer target for the verification address check (reports/base.c,
 * rp_base_check) and the short code comparison (rp_short_equal): any bytes as an address. The
 * verdict is one of three; a refusal or a private address says why; an accepted address is a
 * scheme and a host only, and checking it again gives the same verdict and the same text.
 */
#include "reports/reports.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
