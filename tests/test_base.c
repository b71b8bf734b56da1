/*
 * test_base.c — the verification address check (reports/base.c, rp_base_check): every case of
 * tests/fuzz/base_cases.h gets its verdict, a refused or private one says why, and an accepted
 * one comes back without its trailing slash.
 */
#include "tests/check.h"
#include "tests/fuzz/base_cases.h"

TEST(every_listed_address_gets_its_verdict)
{
    for (size_t i = 0; i < sizeof base_cases / sizeof *base_cases; i++) {
        char out[256] = "", err[300] = "";
        int v = rp_base_check(base_cases[i].address, out, sizeof out, err, sizeof err);
        if (v != base_cases[i].verdict)
            CHECK_FAIL_("%s: verdict %d, expected %d (%s)", base_cases[i].address, v,
                        base_cases[i].verdict, err);
        if (v != RP_BASE_OK && !err[0])
            CHECK_FAIL_("%s: no reason given", base_cases[i].address);
    }
}

TEST(a_private_address_is_named_and_the_address_kept_as_given)
{
    char out[256], err[300];
    CHECK_INT(rp_base_check("http://[::ffff:127.0.0.1]:8080/", out, sizeof out, err, sizeof err),
              RP_BASE_PRIVATE);
    CHECK_STR(out, "http://[::ffff:127.0.0.1]:8080");
    CHECK_CONTAINS(err, "[::ffff:127.0.0.1]");
    CHECK_CONTAINS(err, "private");
    CHECK_INT(rp_base_check("https://jieguo.example.cn/", out, sizeof out, err, sizeof err),
              RP_BASE_OK);
    CHECK_STR(out, "https://jieguo.example.cn");
}
