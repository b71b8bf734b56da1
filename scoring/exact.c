/*
 * exact.c — the integer arithmetic shared by the rules (exact.h).
 */
#include "exact.h"

void sci_sort_centi(sc_centi *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        sc_centi v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

sc_centi sci_med2(const sc_centi *sorted, size_t n)
{
    return n % 2 ? 2 * sorted[n / 2] : sorted[n / 2 - 1] + sorted[n / 2];
}

int64_t sci_gcd(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int64_t sci_floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}
