/*
 * worldskills.c — WorldSkills marking schemes: aspects, the 1-point rule and the 700 scale.
 *
 * docs/worldskills.md states each rule (W1–W9) with its source. The arithmetic is exact: a
 * judgement aspect's mark max × Σs / (3n) stays a fraction, a criterion adds its aspects'
 * fractions and is rounded half up to hundredths once (W4), so three judges' ninths never add
 * up rounding errors. The scale 700 + 25 (x − m) / D is kept in integers by working with twice
 * the median (an even group's median ends in half a hundredth) and the sum of |2x − 2m|, and is
 * rounded to whole points only when printed; the medallion threshold reads the exact value.
 */
#include "exact.h"

int sc_aspects_check(const sc_aspect *aspects, size_t n, const sc_centi *criterion_max,
                     size_t n_criteria, size_t *fault)
{
    *fault = 0;
    for (size_t i = 0; i < n; i++) {
        const sc_aspect *a = &aspects[i];
        *fault = i;
        if (a->criterion >= n_criteria || a->max <= 0 || a->max > SC_CENTI_MAX ||
            a->deduct < 0 || a->deduct > a->max ||
            (a->kind != SC_ASPECT_MEASUREMENT && a->kind != SC_ASPECT_JUDGEMENT) ||
            (a->kind == SC_ASPECT_JUDGEMENT && a->deduct != 0))
            return SC_EINVAL;
    }
    for (size_t k = 0; k < n_criteria; k++) {
        sc_centi sum = 0;
        for (size_t i = 0; i < n; i++)
            if (aspects[i].criterion == k)
                sum += aspects[i].max;
        if (sum != criterion_max[k]) {
            *fault = k;
            return SC_EASPECTSUM;
        }
    }
    return SC_OK;
}

int sc_aspect_record_check(const sc_aspect *a, sc_centi score)
{
    if (score < 0)
        return SC_EASPECT;
    if (a->kind == SC_ASPECT_JUDGEMENT)
        return score % 100 == 0 && score <= 300 ? SC_OK : SC_EASPECT;
    if (score == 0 || score == a->max)
        return SC_OK;
    if (a->deduct > 0 && score < a->max && (a->max - score) % a->deduct == 0)
        return SC_OK;
    return SC_EASPECT;
}

int sc_aspect_mark(const sc_aspect *a, const sc_centi *scores, size_t n, sc_frac *out)
{
    sc_centi lo, hi, sum = 0;

    if (n == 0)
        return SC_ENOMARKS;
    lo = hi = scores[0];
    for (size_t i = 0; i < n; i++) {
        if (sc_aspect_record_check(a, scores[i]) != SC_OK)
            return SC_EASPECT;
        if (scores[i] < lo)
            lo = scores[i];
        if (scores[i] > hi)
            hi = scores[i];
        sum += scores[i];
    }
    if (a->kind == SC_ASPECT_MEASUREMENT) {
        if (lo != hi)
            return SC_ESPREAD;
        out->num = lo;
        out->den = 1;
        return SC_OK;
    }
    if (n < SC_J_MIN_JUDGES)
        return SC_ETOOFEW;
    if (hi - lo > 100)
        return SC_ESPREAD;
    /* max × (Σ score/100) / (3n): the scores are whole points, held as hundredths. */
    out->num = a->max * (sum / 100);
    out->den = 3 * (int64_t)n;
    return SC_OK;
}


/* *acc += f, exactly, with the fraction kept in lowest terms; -1 when it would overflow. */
static int frac_add(sc_frac *acc, sc_frac f)
{
    int64_t g = sci_gcd(acc->den, f.den), l, x, y;
    if (acc->den / g > INT64_MAX / f.den)
        return -1;
    l = acc->den / g * f.den;
    if (acc->num > INT64_MAX / (l / acc->den) || f.num > INT64_MAX / (l / f.den))
        return -1;
    x = acc->num * (l / acc->den);
    y = f.num * (l / f.den);
    if (x > INT64_MAX - y)
        return -1;
    acc->num = x + y;
    acc->den = l;
    g = sci_gcd(acc->num, acc->den);
    if (g > 1) {
        acc->num /= g;
        acc->den /= g;
    }
    return 0;
}

int sc_criterion_from_aspects(const sc_aspect *aspects, size_t n_aspects, size_t criterion,
                              const sc_centi *marks, const size_t *n_marks, sc_centi *out,
                              size_t *fault)
{
    sc_frac sum = {0, 1};
    size_t offset = 0;

    *fault = 0;
    for (size_t i = 0; i < n_aspects; offset += n_marks[i], i++) {
        sc_frac f;
        int rc;
        if (aspects[i].criterion != criterion)
            continue;
        *fault = i;
        rc = sc_aspect_mark(&aspects[i], marks + offset, n_marks[i], &f);
        if (rc != SC_OK)
            return rc;
        if (frac_add(&sum, f))
            return SC_ERANGE;
    }
    /* floor(num / den + 1/2) for num >= 0 */
    if (sum.num > (INT64_MAX - sum.den) / 2)
        return SC_ERANGE;
    *out = (2 * sum.num + sum.den) / (2 * sum.den);
    return SC_OK;
}


bool sc_ws_scale(sc_centi x, sc_centi med2, int64_t dev2, int64_t n, int64_t *printed)
{
    /* (x − m) / D = (2x − med2) / 2 ÷ (dev2 / 2n) = n (2x − med2) / dev2, so
     * scale = 700 + 25 n (2x − med2) / dev2, rounded: 700 + floor((50 n d + dev2) / (2 dev2)). */
    int64_t d = 2 * x - med2;
    if (n <= 1 || dev2 <= 0) {
        *printed = 700;
        return true;
    }
    *printed = 700 + sci_floor_div(50 * n * d + dev2, 2 * dev2);
    return d >= 0;
}
