/*
 * fields.c — typed fields of a competition file, and the messages that name them.
 *
 * A message names the record and the field ("events[0].weights: ...") because that is what a
 * user can find in their file; it is built where the fault is known, like jansson's json_error_t.
 */
#include "reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rd_fail(reader *r, const char *fmt, ...)
{
    va_list ap;
    if (r->failed)
        return -1;
    r->failed = true;
    va_start(ap, fmt);
    vsnprintf(r->diag->message, sizeof r->diag->message, fmt, ap);
    va_end(ap);
    return -1;
}

int rd_fail_oom(reader *r) { return rd_fail(r, "out of memory"); }

char *rd_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ---- unknown fields: warned about once per kind, then ignored ------------------------------ */

void rd_warn_unknown(reader *r, const char *kind, const char *key)
{
    char pattern[160], msg[256];
    if (!r->diag->warn)
        return;
    snprintf(pattern, sizeof pattern, "%s.%s", kind, key);
    for (size_t i = 0; i < r->n_warned; i++) {
        if (strcmp(r->warned[i], pattern) == 0)
            return;
    }
    if (r->n_warned < MAX_WARNED) {
        char *p = rd_strdup(pattern);
        if (p)
            r->warned[r->n_warned++] = p;
    }
    snprintf(msg, sizeof msg, "warning: %s: unknown field, ignored", pattern);
    r->diag->warn(r->diag->warn_ctx, msg);
}

void rd_check_keys(reader *r, json_t *obj, const char *kind, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t i = 0;
        (void)v;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i])
            rd_warn_unknown(r, kind, key);
    }
}

/* ---- typed field access ------------------------------------------------------------------- */

int rd_want_object(reader *r, json_t *v, const char *path)
{
    return json_is_object(v) ? 0 : rd_fail(r, "%s: must be an object", path);
}

/* A string field. required: missing is an error; otherwise missing or null gives *out = NULL. */
int rd_get_string(reader *r, json_t *obj, const char *key, const char *path, bool required,
                      char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return rd_fail(r, "%s: missing field \"%s\"", path, key);
        return 0;
    }
    if (!json_is_string(v))
        return rd_fail(r, "%s: field \"%s\" must be a string", path, key);
    if (required && json_string_length(v) == 0)
        return rd_fail(r, "%s: field \"%s\" must not be empty", path, key);
    *out = rd_strdup(json_string_value(v));
    return *out ? 0 : rd_fail_oom(r);
}

const char *cf_id_check(const char *id)
{
    size_t n = strlen(id);
    if (n == 0)
        return "is empty";
    if (n > CF_ID_MAX)
        return "is longer than 63 bytes";
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return "may not be \".\" or \"..\"";
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            return "may not hold control characters, \"/\" or \"\\\"";
    return NULL;
}

int rd_get_id(reader *r, json_t *obj, const char *path, char **out)
{
    const char *why;
    if (rd_get_string(r, obj, "id", path, true, out))
        return -1;
    if ((why = cf_id_check(*out)))
        return rd_fail(r, "%s: field \"id\" %s", path, why);
    return 0;
}

int rd_get_bool(reader *r, json_t *obj, const char *key, const char *path, bool dflt,
                    bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_boolean(v))
        return rd_fail(r, "%s: field \"%s\" must be true or false", path, key);
    *out = json_is_true(v);
    return 0;
}

int rd_get_int(reader *r, json_t *obj, const char *key, const char *path, int64_t lo,
                   int64_t hi, int64_t dflt, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v))
        return rd_fail(r, "%s: field \"%s\" must be a whole number", path, key);
    *out = json_integer_value(v);
    if (*out < lo || *out > hi)
        return rd_fail(r, "%s: field \"%s\" is %lld, outside %lld..%lld", path, key,
                    (long long)*out, (long long)lo, (long long)hi);
    return 0;
}

/* A score: a JSON number >= 0 with at most two decimals, as exact hundredths.
 *
 * jansson hands over a fraction as the double nearest to what was written. For a candidate c
 * hundredths, (double)c / 100.0 is the double nearest to c/100 (IEEE division rounds
 * correctly), which is exactly what the parser produced if the text was c/100 written with at
 * most two decimals. So the equality below is an exact test, and c is the exact value. */
int rd_number_centi(reader *r, json_t *v, const char *path, const char *field,
                        sc_centi *out)
{
    if (!v)
        return rd_fail(r, "%s: missing field \"%s\"", path, field);
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0)
            return rd_fail(r, "%s: %s %lld is negative", path, field, (long long)i);
        if (i > SC_CENTI_MAX / 100)
            return rd_fail(r, "%s: %s %lld is too large", path, field, (long long)i);
        *out = (sc_centi)i * 100;
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        switch (cf_centi_from_double(d, out)) {
        case CF_NUM_NEGATIVE:
            return rd_fail(r, "%s: %s %.15g is negative", path, field, d);
        case CF_NUM_TOO_LARGE:
            return rd_fail(r, "%s: %s %.15g is too large", path, field, d);
        case CF_NUM_DECIMALS:
            return rd_fail(r, "%s: %s %.15g has more than 2 decimal places", path, field, d);
        }
        return 0;
    }
    return rd_fail(r, "%s: %s must be a number", path, field);
}

int rd_intern_field(reader *r, json_t *obj, const char *key, const char *path,
                        uint32_t *sym)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return rd_fail(r, "%s: missing field \"%s\"", path, key);
    if (!json_is_string(v))
        return rd_fail(r, "%s: field \"%s\" must be a string", path, key);
    if (json_string_length(v) == 0)
        return rd_fail(r, "%s: field \"%s\" must not be empty", path, key);
    *sym = si_intern(&r->pool, json_string_value(v), json_string_length(v));
    return *sym == SI_NONE ? rd_fail_oom(r) : 0;
}

int cf_centi_from_double(double d, sc_centi *out)
{
    sc_centi c;

    if (d < 0)
        return CF_NUM_NEGATIVE;
    if (!(d <= (double)SC_CENTI_MAX / 100))
        return CF_NUM_TOO_LARGE;
    c = (sc_centi)llround(d * 100);
    if ((double)c / 100.0 != d)
        return CF_NUM_DECIMALS;
    *out = c;
    return 0;
}
