/*
 * check.h — the smallest test harness that reads well: TEST(name) defines a test and registers
 * it; CHECK_* compare values and report the expression, the file and the line. main() runs
 * every test and ends with the plain closing line "N passed, N failed".
 *
 * One test file per module; tests use public headers only.
 */
#ifndef SKILLSCORE_CHECK_H
#define SKILLSCORE_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct check_test {
    const char *name;
    void (*fn)(void);
} check_test;

#define CHECK_MAX_TESTS 512
static check_test check_tests[CHECK_MAX_TESTS];
static int check_n_tests;
static int check_failed_now;

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        if (check_n_tests < CHECK_MAX_TESTS)                                                       \
            check_tests[check_n_tests++] = (check_test){#name, name};                              \
    }                                                                                              \
    static void name(void)

#define CHECK_FAIL_(...)                                                                           \
    do {                                                                                           \
        fprintf(stderr, "    %s:%d: ", __FILE__, __LINE__);                                        \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        check_failed_now = 1;                                                                      \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            CHECK_FAIL_("CHECK(%s) failed", #cond);                                                \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_)                                                                  \
            CHECK_FAIL_("%s == %lld, expected %s == %lld", #a, check_a_, #b, check_b_);            \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0)                             \
            CHECK_FAIL_("%s == \"%s\", expected \"%s\"", #a, check_a_ ? check_a_ : "(null)",       \
                        check_b_ ? check_b_ : "(null)");                                           \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *check_h_ = (hay), *check_n_ = (needle);                                        \
        if (!check_h_ || !strstr(check_h_, check_n_))                                              \
            CHECK_FAIL_("%s == \"%s\" does not contain \"%s\"", #hay,                              \
                        check_h_ ? check_h_ : "(null)", check_n_);                                 \
    } while (0)

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < check_n_tests; i++) {
        if (argc > 1 && !strstr(check_tests[i].name, argv[1]))
            continue;
        check_failed_now = 0;
        check_tests[i].fn();
        if (check_failed_now) {
            failed++;
            fprintf(stderr, "FAIL %s\n", check_tests[i].name);
        } else {
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
