/*
 * fuzz_pattern.c — libFuzzer target for certificate number patterns (reports/certs.c): any bytes
 * as competition.certificate_pattern over the golden basic competition. Either a message, or a
 * list whose numbers are unique, NUL-terminated and each verifies with its own signature.
 */
#include "reports/reports.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cf_competition *comp;
static cf_results *res;

static void load(void)
{
    FILE *f = fopen("tests/golden/basic.in.json", "rb");
    static char buf[1 << 20];
    size_t n;
    cf_diag diag = {0};
    if (!f)
        abort();
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (cf_read(buf, n, &comp, &diag) || cf_compute(comp, 0, &res, &diag))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char key[RP_KEY_BYTES] = {1, 2, 3};
    char pattern[256], err[300];
    rp_certs certs;
    const rp_cert *k;

    if (!comp)
        load();
    if (size >= sizeof pattern)
        return 0;
    memcpy(pattern, data, size);
    pattern[size] = '\0';
    if (rp_certs_build(comp, res, NULL, pattern, key, &certs, err, sizeof err)) {
        if (!err[0])
            abort();
        return 0;
    }
    for (size_t i = 0; i < certs.n; i++) {
        if (strlen(certs.items[i].number) >= sizeof certs.items[i].number ||
            rp_verify(&certs, certs.items[i].number, certs.items[i].sig, &k) != RP_GENUINE ||
            k != &certs.items[i])
            abort();
    }
    rp_certs_free(&certs);
    return 0;
}
