/*
 * marks.c — from judges' marks to a criterion score, and from theory and practical to a total.
 *
 * rules.md §2 and §3. A mean is the exact fraction sum / n, rounded half up to hundredths once:
 * for non-negative sum, round(sum / n) == (2·sum + n) / (2·n) in integer division. The median of
 * an even count is (a + b) / 2, which is either exact or ends in .5 of a hundredth, so
 * (a + b + 1) / 2 rounds it half up.
 */
#include "exact.h"


static sc_centi mean_half_up(sc_centi sum, int64_t n)
{
    return (2 * sum + n) / (2 * n);
}

int sc_aggregate(sc_aggregation agg, sc_centi *marks, size_t n, sc_centi *out)
{
    sc_centi sum = 0;

    if (n == 0)
        return SC_ENOMARKS;
    for (size_t i = 0; i < n; i++) {
        if (marks[i] < 0 || marks[i] > SC_CENTI_MAX)
            return SC_ERANGE;
    }
    sci_sort_centi(marks, n);
    for (size_t i = 0; i < n; i++)
        sum += marks[i];

    switch (agg) {
    case SC_AGG_MEAN:
        *out = mean_half_up(sum, (int64_t)n);
        return SC_OK;
    case SC_AGG_TRIMMED_MEAN:
        if (n < 3)
            return SC_ETOOFEW;
        *out = mean_half_up(sum - marks[0] - marks[n - 1], (int64_t)n - 2);
        return SC_OK;
    case SC_AGG_MEDIAN:
        *out = (n % 2) ? marks[n / 2] : (marks[n / 2 - 1] + marks[n / 2] + 1) / 2;
        return SC_OK;
    case SC_AGG_SINGLE:
        if (n > 1)
            return SC_ETOOMANY;
        *out = marks[0];
        return SC_OK;
    }
    return SC_EINVAL;
}

int sc_weights_check(int w_theory, int w_practical)
{
    if (w_theory < 0 || w_practical < 0)
        return SC_EINVAL;
    if (w_theory + w_practical != 100)
        return SC_EWEIGHTSUM;
    if (w_practical < 70)
        return SC_EPRACTICALMIN;
    return SC_OK;
}

sc_centi sc_total(sc_centi theory, sc_centi practical, int w_theory, int w_practical)
{
    return (theory * w_theory + practical * w_practical + 50) / 100;
}

int sc_criteria_check(const sc_centi *max, size_t n)
{
    sc_centi sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (max[i] <= 0 || max[i] > SC_CENTI_MAX)
            return SC_ERANGE;
        sum += max[i];
    }
    return sum == 10000 ? SC_OK : SC_ECRITERIASUM;
}

size_t sc_outliers(const sc_centi *marks, size_t n, bool *flag)
{
    sc_centi sorted[SC_OUTLIER_MAX], med2, far = 0;
    size_t hits = 0;

    for (size_t i = 0; i < n; i++)
        flag[i] = false;
    if (n < 3 || n > SC_OUTLIER_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        sorted[i] = marks[i];
    sci_sort_centi(sorted, n);
    /* Twice the median, so that an even panel's median stays an integer. */
    med2 = sci_med2(sorted, n);
    for (size_t i = 0; i < n; i++) {
        sc_centi d = 2 * marks[i] > med2 ? 2 * marks[i] - med2 : med2 - 2 * marks[i];
        if (d > far)
            far = d;
    }
    if (far == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        sc_centi d = 2 * marks[i] > med2 ? 2 * marks[i] - med2 : med2 - 2 * marks[i];
        if (d == far) {
            flag[i] = true;
            hits++;
        }
    }
    return hits;
}
