/*
 * exact.h — internal to scoring/: the integer arithmetic several rules share. Not part of the
 * library's contract (scoring.h is); the sci_ prefix says so.
 */
#ifndef SKILLSCORE_SCORING_EXACT_H
#define SKILLSCORE_SCORING_EXACT_H

#include "scoring.h"

/* Sorts a[0..n) ascending. A panel is a handful of judges: insertion sort beats anything clever. */
void sci_sort_centi(sc_centi *a, size_t n);

/* Twice the median of sorted[0..n), n > 0: an even panel's median (the mean of its middle two)
 * may end in half a hundredth, and twice it is always a whole number of hundredths. */
sc_centi sci_med2(const sc_centi *sorted, size_t n);

/* The greatest common divisor of |a| and |b| (b may be 0: then |a|). */
int64_t sci_gcd(int64_t a, int64_t b);

/* floor(a / b) for b > 0, whatever the sign of a: what rounding half up of a signed exact value
 * needs (floor(v + 1/2)). */
int64_t sci_floor_div(int64_t a, int64_t b);

#endif
