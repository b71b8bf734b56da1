/*
 * read.c — reading and checking a skillscore/1 competition file.
 *
 * Two passes over two shapes of data:
 *  - The top-level object is walked here, member by member. Small members (format, competition,
 *    events, entries) are decoded whole by jansson and checked once all are in, because entries
 *    refer to events whatever order the file puts them in.
 *  - The large arrays (marks, theory) are walked element by element: each element is decoded by
 *    jansson on its own (JSON_DISABLE_EOF_CHECK tells how many bytes it took), checked, reduced
 *    to 24 bytes with its ids interned, and freed. A million marks never exist as a million
 *    jansson objects, which keeps `compute` within a few times the file's size in memory.
 * References from marks and theory to entries and criteria are resolved at the end, when every
 * id is known; then marks are counting-sorted by (entry, criterion) into slots.
 *
 * Every check names the record and field and stops at the first fault: a user fixes one line
 * and runs again, and nothing half-read is ever returned.
 */
#include "compfile.h"
#include "intern.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WARNED 32

typedef struct raw_theory {
    uint32_t entry_sym;
    uint32_t index;
    sc_centi score;
} raw_theory;

typedef struct reader {
    const char *buf;
    size_t len, pos;
    cf_diag *diag;
    bool failed;
    cf_competition *c;
    si_pool pool;

    json_t *format, *competition, *events, *entries;
    uint32_t *entry_sym;   /* n_entries */

    cf_mark *marks;        /* raw while streaming: entry, criterion, judge hold symbols */
    size_t n_marks, cap_marks;
    raw_theory *theory;
    size_t n_theory, cap_theory;

    char *warned[MAX_WARNED];
    size_t n_warned;
} reader;

static int fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(reader *r, const char *fmt, ...)
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

static int fail_oom(reader *r) { return fail(r, "out of memory"); }

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ---- unknown fields: warned about once per kind, then ignored ------------------------------ */

static void warn_unknown(reader *r, const char *kind, const char *key)
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
        char *p = dup_string(pattern);
        if (p)
            r->warned[r->n_warned++] = p;
    }
    snprintf(msg, sizeof msg, "warning: %s: unknown field, ignored", pattern);
    r->diag->warn(r->diag->warn_ctx, msg);
}

static void check_keys(reader *r, json_t *obj, const char *kind, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t i = 0;
        (void)v;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i])
            warn_unknown(r, kind, key);
    }
}

/* ---- typed field access ------------------------------------------------------------------- */

static int want_object(reader *r, json_t *v, const char *path)
{
    return json_is_object(v) ? 0 : fail(r, "%s: must be an object", path);
}

/* A string field. required: missing is an error; otherwise missing or null gives *out = NULL. */
static int get_string(reader *r, json_t *obj, const char *key, const char *path, bool required,
                      char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return fail(r, "%s: missing field \"%s\"", path, key);
        return 0;
    }
    if (!json_is_string(v))
        return fail(r, "%s: field \"%s\" must be a string", path, key);
    if (required && json_string_length(v) == 0)
        return fail(r, "%s: field \"%s\" must not be empty", path, key);
    *out = dup_string(json_string_value(v));
    return *out ? 0 : fail_oom(r);
}

static int get_bool(reader *r, json_t *obj, const char *key, const char *path, bool dflt,
                    bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_boolean(v))
        return fail(r, "%s: field \"%s\" must be true or false", path, key);
    *out = json_is_true(v);
    return 0;
}

static int get_int(reader *r, json_t *obj, const char *key, const char *path, int64_t lo,
                   int64_t hi, int64_t dflt, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v))
        return fail(r, "%s: field \"%s\" must be a whole number", path, key);
    *out = json_integer_value(v);
    if (*out < lo || *out > hi)
        return fail(r, "%s: field \"%s\" is %lld, outside %lld..%lld", path, key,
                    (long long)*out, (long long)lo, (long long)hi);
    return 0;
}

/* A score: a JSON number >= 0 with at most two decimals, as exact hundredths.
 *
 * jansson hands over a fraction as the double nearest to what was written. For a candidate c
 * hundredths, (double)c / 100.0 is the double nearest to c/100 (IEEE division rounds
 * correctly), which is exactly what the parser produced if the text was c/100 written with at
 * most two decimals. So the equality below is an exact test, and c is the exact value. */
static int number_centi(reader *r, json_t *v, const char *path, const char *field,
                        sc_centi *out)
{
    if (!v)
        return fail(r, "%s: missing field \"%s\"", path, field);
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0)
            return fail(r, "%s: %s %lld is negative", path, field, (long long)i);
        if (i > SC_CENTI_MAX / 100)
            return fail(r, "%s: %s %lld is too large", path, field, (long long)i);
        *out = (sc_centi)i * 100;
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d < 0)
            return fail(r, "%s: %s %.15g is negative", path, field, d);
        if (!(d <= (double)SC_CENTI_MAX / 100))
            return fail(r, "%s: %s %.15g is too large", path, field, d);
        sc_centi c = (sc_centi)llround(d * 100);
        if ((double)c / 100.0 != d)
            return fail(r, "%s: %s %.15g has more than 2 decimal places", path, field, d);
        *out = c;
        return 0;
    }
    return fail(r, "%s: %s must be a number", path, field);
}

/* A percent text "12.5%" into hundredths of a percent. */
static int parse_percent(const char *s, sc_centi *out)
{
    size_t n = strlen(s);
    if (n < 2 || s[n - 1] != '%')
        return SC_ESYNTAX;
    return sc_centi_parse(s, n - 1, out);
}

/* ---- the top-level walk -------------------------------------------------------------------- */

static void skip_ws(reader *r)
{
    while (r->pos < r->len) {
        char ch = r->buf[r->pos];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
            break;
        r->pos++;
    }
}

static int fail_at(reader *r, size_t offset, const char *what)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < offset && i < r->len; i++) {
        if (r->buf[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)r->buf[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    return fail(r, "line %zu, column %zu: %s", line, col, what);
}

/* Decodes the JSON value at r->pos and moves past it. Scalars other than strings are cut at
 * their delimiter first: jansson may read a byte past a bare number or literal. */
static json_t *next_value(reader *r)
{
    json_error_t e;
    json_t *v;
    size_t start, end;
    int flags = JSON_DECODE_ANY | JSON_REJECT_DUPLICATES;

    skip_ws(r);
    if (r->pos >= r->len) {
        fail_at(r, r->pos, "unexpected end of file");
        return NULL;
    }
    start = r->pos;
    char ch = r->buf[start];
    if (ch == '{' || ch == '[' || ch == '"') {
        end = r->len;
        flags |= JSON_DISABLE_EOF_CHECK;
    } else {
        end = start;
        while (end < r->len && !strchr(",]} \t\r\n", r->buf[end]))
            end++;
    }
    v = json_loadb(r->buf + start, end - start, (size_t)flags, &e);
    if (!v) {
        char what[200];
        snprintf(what, sizeof what, "%s", e.text);
        fail_at(r, start + (e.position > 0 ? (size_t)e.position : 0), what);
        return NULL;
    }
    r->pos = (flags & JSON_DISABLE_EOF_CHECK) ? start + (size_t)e.position : end;
    return v;
}

static int expect(reader *r, char ch)
{
    char what[64];
    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == ch) {
        r->pos++;
        return 0;
    }
    snprintf(what, sizeof what, "expected '%c'", ch);
    return fail_at(r, r->pos, what);
}

/* After an element: 1 when another follows (','), 0 at the closing bracket, -1 on error. */
static int next_or_close(reader *r, char close)
{
    char what[64];
    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == ',') {
        r->pos++;
        return 1;
    }
    if (r->pos < r->len && r->buf[r->pos] == close) {
        r->pos++;
        return 0;
    }
    snprintf(what, sizeof what, "expected ',' or '%c'", close);
    return fail_at(r, r->pos, what);
}

static const char *const mark_keys[] = {"entry", "criterion", "judge", "score", "id", NULL};

static int intern_field(reader *r, json_t *obj, const char *key, const char *path,
                        uint32_t *sym)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return fail(r, "%s: missing field \"%s\"", path, key);
    if (!json_is_string(v))
        return fail(r, "%s: field \"%s\" must be a string", path, key);
    if (json_string_length(v) == 0)
        return fail(r, "%s: field \"%s\" must not be empty", path, key);
    *sym = si_intern(&r->pool, json_string_value(v), json_string_length(v));
    return *sym == SI_NONE ? fail_oom(r) : 0;
}

static int store_mark(reader *r, const cf_mark *m, size_t index)
{
    if (index > UINT32_MAX - 1)
        return fail(r, "marks[%zu]: too many marks", index);
    if (r->n_marks == r->cap_marks) {
        size_t cap = r->cap_marks ? r->cap_marks * 2 : 1024;
        cf_mark *marks = realloc(r->marks, cap * sizeof *marks);
        if (!marks)
            return fail_oom(r);
        r->marks = marks;
        r->cap_marks = cap;
    }
    r->marks[r->n_marks] = *m;
    r->marks[r->n_marks++].index = (uint32_t)index;
    return 0;
}

/* The fields of one mark, read without building a path: the path is written only when a field
 * is wrong, by reading it again through the checking helpers. A million marks pay nothing for
 * error messages they never need. */
static bool mark_fast(reader *r, json_t *v, cf_mark *m)
{
    const char *names[3] = {"entry", "criterion", "judge"};
    uint32_t *syms[3] = {&m->entry, &m->criterion, &m->judge};
    json_t *score;

    if (!json_is_object(v))
        return false;
    for (int k = 0; k < 3; k++) {
        json_t *s = json_object_get(v, names[k]);
        if (!json_is_string(s) || json_string_length(s) == 0)
            return false;
        *syms[k] = si_intern(&r->pool, json_string_value(s), json_string_length(s));
        if (*syms[k] == SI_NONE)
            return false;
    }
    score = json_object_get(v, "score");
    if (json_is_integer(score) && json_integer_value(score) >= 0 &&
        json_integer_value(score) <= SC_CENTI_MAX / 100) {
        m->score = (sc_centi)json_integer_value(score) * 100;
        return true;
    }
    if (json_is_real(score)) {
        double d = json_real_value(score);
        if (d >= 0 && d <= (double)SC_CENTI_MAX / 100) {
            m->score = (sc_centi)llround(d * 100);
            return (double)m->score / 100.0 == d;
        }
    }
    return false;
}

static int take_mark(reader *r, json_t *v, size_t index)
{
    cf_mark m = {0};

    if (!mark_fast(r, v, &m)) {
        char path[48];
        snprintf(path, sizeof path, "marks[%zu]", index);
        if (want_object(r, v, path) || intern_field(r, v, "entry", path, &m.entry) ||
            intern_field(r, v, "criterion", path, &m.criterion) ||
            intern_field(r, v, "judge", path, &m.judge) ||
            number_centi(r, json_object_get(v, "score"), path, "score", &m.score))
            return -1;
        return fail(r, "%s: could not be read", path); /* not reached: one check above fails */
    }
    if (json_object_size(v) != 4) /* the usual shape has exactly the four fields read above */
        check_keys(r, v, "marks[]", mark_keys);
    return store_mark(r, &m, index);
}

static const char *const theory_keys[] = {"entry", "score", NULL};

static int take_theory(reader *r, json_t *v, size_t index)
{
    char path[48];
    raw_theory t = {0};

    snprintf(path, sizeof path, "theory[%zu]", index);
    if (want_object(r, v, path) || intern_field(r, v, "entry", path, &t.entry_sym) ||
        number_centi(r, json_object_get(v, "score"), path, "score", &t.score))
        return -1;
    check_keys(r, v, "theory[]", theory_keys);
    if (t.score > 10000)
        return fail(r, "%s: score %s is above the theory maximum 100", path,
                    sc_centi_format_short(t.score, (char[24]){0}));
    t.index = (uint32_t)index;
    if (r->n_theory == r->cap_theory) {
        size_t cap = r->cap_theory ? r->cap_theory * 2 : 256;
        raw_theory *th = realloc(r->theory, cap * sizeof *th);
        if (!th)
            return fail_oom(r);
        r->theory = th;
        r->cap_theory = cap;
    }
    r->theory[r->n_theory++] = t;
    return 0;
}

/* ---- the fast path for the common mark --------------------------------------------------------
 *
 * Nearly every mark in a file looks like {"entry": "T001", "criterion": "A", "judge": "J1",
 * "score": 27.5}. Decoding that with jansson costs an object, a hash table and four values per
 * mark, which is most of the time `compute` spends on a large file. This recognises exactly that
 * shape — the four fields once each in any order, strings of printable ASCII without escapes,
 * plain decimals without sign or exponent and with at most two decimals — straight from the
 * bytes, and reads the score as exact hundredths without a double in between. Anything else
 * (other fields, escapes, non-ASCII ids, exponents, negative or malformed numbers, a field
 * twice) is left to jansson, which then accepts it or says precisely what is wrong: the fast path
 * only ever accepts a subset of what jansson accepts, with the same meaning.
 */

static size_t skip_ws_at(const char *b, size_t i, size_t len)
{
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
        i++;
    return i;
}

/* A plain string at b[i] ('"' expected); its body in [*start, *end); returns the index after it
 * or 0 when it is not plain. */
static size_t plain_string(const char *b, size_t i, size_t len, size_t *start, size_t *end)
{
    if (i >= len || b[i] != '"')
        return 0;
    *start = ++i;
    while (i < len && b[i] != '"') {
        unsigned char ch = (unsigned char)b[i];
        if (ch < 0x20 || ch >= 0x7f || ch == '\\')
            return 0;
        i++;
    }
    if (i >= len)
        return 0;
    *end = i;
    return i + 1;
}

/* Returns the index after the mark object at b[i], with *m filled, or 0 to fall back. */
static size_t mark_bytes(reader *r, size_t i, cf_mark *m)
{
    static const char *const names[4] = {"entry", "criterion", "judge", "score"};
    const char *b = r->buf;
    size_t len = r->len;
    unsigned seen = 0;

    if (i >= len || b[i] != '{')
        return 0;
    i++;
    for (int field = 0; field < 4; field++) {
        size_t ks, ke, vs, ve;
        int k;
        i = skip_ws_at(b, i, len);
        if (!(i = plain_string(b, i, len, &ks, &ke)))
            return 0;
        for (k = 0; k < 4; k++) {
            if (ke - ks == strlen(names[k]) && memcmp(b + ks, names[k], ke - ks) == 0)
                break;
        }
        if (k == 4 || (seen & (1u << k)))
            return 0;
        seen |= 1u << k;
        i = skip_ws_at(b, i, len);
        if (i >= len || b[i] != ':')
            return 0;
        i = skip_ws_at(b, i + 1, len);
        if (k < 3) {
            uint32_t *sym = k == 0 ? &m->entry : k == 1 ? &m->criterion : &m->judge;
            if (!(i = plain_string(b, i, len, &vs, &ve)) || ve == vs)
                return 0;
            *sym = si_intern(&r->pool, b + vs, ve - vs);
            if (*sym == SI_NONE)
                return 0;
        } else {
            vs = i;
            while (i < len && ((b[i] >= '0' && b[i] <= '9') || b[i] == '.'))
                i++;
            /* JSON forbids leading zeros ("01"); leave those to jansson to refuse */
            if (i - vs > 1 && b[vs] == '0' && b[vs + 1] != '.')
                return 0;
            if (sc_centi_parse(b + vs, i - vs, &m->score) != SC_OK)
                return 0;
        }
        i = skip_ws_at(b, i, len);
        if (i >= len || b[i] != (field == 3 ? '}' : ','))
            return 0;
        i++;
    }
    return i;
}

/* Walks a large array element by element, handing each decoded element to take(). */
static int stream_array(reader *r, const char *name,
                        int (*take)(reader *r, json_t *v, size_t index))
{
    size_t index = 0;
    int more;

    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == 'n' && r->len - r->pos >= 4 &&
        memcmp(r->buf + r->pos, "null", 4) == 0) {
        r->pos += 4;
        return 0;
    }
    if (r->pos >= r->len || r->buf[r->pos] != '[')
        return fail(r, "%s: must be an array", name);
    r->pos++;
    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == ']') {
        r->pos++;
        return 0;
    }
    do {
        json_t *v;
        int rc;
        if (take == take_mark) {
            cf_mark m = {0};
            size_t after;
            skip_ws(r);
            if ((after = mark_bytes(r, r->pos, &m)) != 0) {
                if (store_mark(r, &m, index++))
                    return -1;
                r->pos = after;
                continue;
            }
        }
        if (!(v = next_value(r)))
            return -1;
        rc = take(r, v, index++);
        json_decref(v);
        if (rc)
            return -1;
    } while ((more = next_or_close(r, ']')) == 1);
    return more;
}

static int walk_top(reader *r)
{
    static const char *const known[] = {"format", "competition", "events", "entries",
                                        "marks", "theory", NULL};
    bool seen_marks = false, seen_theory = false;
    int more;

    if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    if (expect(r, '{'))
        return -1;
    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == '}') {
        r->pos++;
        goto done;
    }
    do {
        json_t *key, **slot = NULL;
        const char *k;

        skip_ws(r);
        if (r->pos >= r->len || r->buf[r->pos] != '"')
            return fail_at(r, r->pos, "expected a field name");
        key = next_value(r);
        if (!key)
            return -1;
        k = json_string_value(key);
        if (expect(r, ':')) {
            json_decref(key);
            return -1;
        }
        if (strcmp(k, "format") == 0)
            slot = &r->format;
        else if (strcmp(k, "competition") == 0)
            slot = &r->competition;
        else if (strcmp(k, "events") == 0)
            slot = &r->events;
        else if (strcmp(k, "entries") == 0)
            slot = &r->entries;

        if (slot && *slot) {
            fail(r, "field \"%s\" appears twice at the top level", k);
        } else if (strcmp(k, "marks") == 0 || strcmp(k, "theory") == 0) {
            bool *seen = k[0] == 'm' ? &seen_marks : &seen_theory;
            if (*seen)
                fail(r, "field \"%s\" appears twice at the top level", k);
            else {
                *seen = true;
                stream_array(r, k, k[0] == 'm' ? take_mark : take_theory);
            }
        } else {
            json_t *v = next_value(r);
            if (v && slot)
                *slot = v;
            else if (v) {
                size_t i = 0;
                while (known[i] && strcmp(known[i], k) != 0)
                    i++;
                if (!known[i])
                    warn_unknown(r, "(top level)", k);
                json_decref(v);
            }
        }
        json_decref(key);
        if (r->failed)
            return -1;
    } while ((more = next_or_close(r, '}')) == 1);
    if (more < 0)
        return -1;
done:
    skip_ws(r);
    if (r->pos != r->len)
        return fail_at(r, r->pos, "text after the end of the competition object");
    return 0;
}

/* ---- competition ---------------------------------------------------------------------------- */

static int read_cash(reader *r, json_t *cash)
{
    cf_competition *c = r->c;
    const char *key;
    json_t *v;

    sc_cash_table_preset(sc_class_cash_preset(c->cls), &c->cash);
    c->cash_mode = CF_CASH_PRESET;
    if (!cash || json_is_null(cash))
        return 0;
    if (json_is_string(cash)) {
        if (strcmp(json_string_value(cash), "preset") == 0)
            return 0;
        if (strcmp(json_string_value(cash), "none") == 0) {
            c->cash_mode = CF_CASH_NONE;
            sc_cash_table_preset(SC_CASH_NONE, &c->cash);
            return 0;
        }
        return fail(r, "competition: cash \"%s\" must be \"preset\", \"none\" or a table",
                    json_string_value(cash));
    }
    if (!json_is_object(cash))
        return fail(r, "competition: cash must be \"preset\", \"none\" or a table");
    c->cash_mode = CF_CASH_CUSTOM;
    sc_cash_table_preset(SC_CASH_NONE, &c->cash);
    json_object_foreach(cash, key, v) {
        sc_award a;
        if (sc_award_parse(key, &a) != SC_OK)
            return fail(r, "competition.cash: \"%s\" is not an award (金牌, 银牌, 铜牌, 一等奖, "
                           "二等奖, 三等奖, 优胜奖)", key);
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return fail(r, "competition.cash: \"%s\" must be a whole number of yuan, 0 or more",
                        key);
        if (json_integer_value(v) > 1000000000)
            return fail(r, "competition.cash: \"%s\" is too large", key);
        c->cash.amount[a] = json_integer_value(v);
    }
    return 0;
}

static int read_competition(reader *r)
{
    static const char *const known[] = {"id", "name", "class", "stage", "cash", "code",
                                        "organizer", "certificate_issuer", "appraisal_centre",
                                        "date", NULL};
    cf_competition *c = r->c;
    json_t *o = r->competition;
    char *cls = NULL, *stage = NULL;
    int rc = -1;

    if (!o)
        return fail(r, "missing field \"competition\"");
    if (want_object(r, o, "competition"))
        return -1;
    check_keys(r, o, "competition", known);
    if (get_string(r, o, "id", "competition", true, &c->id) ||
        get_string(r, o, "name", "competition", true, &c->name) ||
        get_string(r, o, "class", "competition", true, &cls) ||
        get_string(r, o, "stage", "competition", false, &stage) ||
        get_string(r, o, "code", "competition", false, &c->code) ||
        get_string(r, o, "organizer", "competition", false, &c->organizer) ||
        get_string(r, o, "certificate_issuer", "competition", false, &c->certificate_issuer) ||
        get_string(r, o, "appraisal_centre", "competition", false, &c->appraisal_centre) ||
        get_string(r, o, "date", "competition", false, &c->date))
        goto out;
    if (sc_class_parse(cls, &c->cls) != SC_OK) {
        fail(r, "competition: class \"%s\" is not a known class (see rules.md §1: provincial, "
                "prefecture, county, national, worldskills, ...)", cls);
        goto out;
    }
    c->final_stage = true;
    if (stage && strcmp(stage, "selection") == 0)
        c->final_stage = false;
    else if (stage && strcmp(stage, "final") != 0) {
        fail(r, "competition: stage \"%s\" must be \"final\" or \"selection\"", stage);
        goto out;
    }
    if (c->date) {
        int y, m, d;
        char tail;
        if (strlen(c->date) != 10 || sscanf(c->date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
            m < 1 || m > 12 || d < 1 || d > 31) {
            fail(r, "competition: date \"%s\" must be YYYY-MM-DD", c->date);
            goto out;
        }
    }
    rc = read_cash(r, json_object_get(o, "cash"));
out:
    free(cls);
    free(stage);
    return rc;
}

/* ---- events ------------------------------------------------------------------------------- */

static int read_criteria(reader *r, cf_event *ev, json_t *arr, const char *path)
{
    char p[96];
    size_t n = json_array_size(arr);
    sc_centi sum = 0;
    int rc;

    if (!json_is_array(arr) || n == 0)
        return fail(r, "%s: field \"criteria\" must be a non-empty array", path);
    ev->criteria = calloc(n, sizeof *ev->criteria);
    ev->criterion_max = calloc(n, sizeof *ev->criterion_max);
    if (!ev->criteria || !ev->criterion_max)
        return fail_oom(r);
    ev->n_criteria = n;
    for (size_t i = 0; i < n; i++) {
        static const char *const known[] = {"id", "name", "max", NULL};
        json_t *o = json_array_get(arr, i);
        cf_criterion *cr = &ev->criteria[i];
        snprintf(p, sizeof p, "%s.criteria[%zu]", path, i);
        if (want_object(r, o, p) || get_string(r, o, "id", p, true, &cr->id) ||
            get_string(r, o, "name", p, false, &cr->name) ||
            number_centi(r, json_object_get(o, "max"), p, "max", &cr->max))
            return -1;
        check_keys(r, o, "events[].criteria[]", known);
        if (cr->max == 0)
            return fail(r, "%s: max must be above 0", p);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ev->criteria[j].id, cr->id) == 0)
                return fail(r, "%s: criterion id \"%s\" is used twice in event %s", p, cr->id,
                            ev->id);
        }
        ev->criterion_max[i] = cr->max;
        sum += cr->max;
    }
    rc = sc_criteria_check(ev->criterion_max, n);
    if (rc == SC_ECRITERIASUM)
        return fail(r, "%s.criteria: the maxima add up to %s, not 100 (rules.md §2)", path,
                    sc_centi_format_short(sum, (char[24]){0}));
    if (rc != SC_OK)
        return fail(r, "%s.criteria: %s", path, sc_strerror(rc));
    return 0;
}

static int read_awards(reader *r, cf_event *ev, json_t *o, const char *path)
{
    static const char *const known[] = {"scheme", "quotas", "quota_rounding", NULL};
    static const sc_quota dflt[3] = {{true, 1000}, {true, 2000}, {true, 3000}};
    sc_event_rules *ru = &ev->rules;
    char p[96], *scheme = NULL, *rounding = NULL;
    json_t *quotas;
    int rc = -1;

    memcpy(ru->quotas, dflt, sizeof dflt);
    ru->scheme = SC_SCHEME_PRIZES;
    ru->quota_rounding = SC_ROUND_FLOOR;
    if (!o || json_is_null(o))
        return 0;
    snprintf(p, sizeof p, "%s.awards", path);
    if (want_object(r, o, p))
        return -1;
    check_keys(r, o, "events[].awards", known);
    if (get_string(r, o, "scheme", p, false, &scheme) ||
        get_string(r, o, "quota_rounding", p, false, &rounding))
        goto out;
    if (scheme && sc_scheme_parse(scheme, &ru->scheme) != SC_OK) {
        fail(r, "%s: scheme \"%s\" must be \"prizes\" or \"medals\"", p, scheme);
        goto out;
    }
    if (rounding && sc_rounding_parse(rounding, &ru->quota_rounding) != SC_OK) {
        fail(r, "%s: quota_rounding \"%s\" must be \"floor\", \"round\" or \"ceil\"", p,
             rounding);
        goto out;
    }
    quotas = json_object_get(o, "quotas");
    if (quotas && !json_is_null(quotas)) {
        if (!json_is_array(quotas) || json_array_size(quotas) != 3) {
            fail(r, "%s: quotas must be an array of 3 items (first, second, third award)", p);
            goto out;
        }
        for (size_t i = 0; i < 3; i++) {
            json_t *q = json_array_get(quotas, i);
            sc_quota *dst = &ru->quotas[i];
            if (json_is_integer(q)) {
                dst->percent = false;
                dst->value = json_integer_value(q);
            } else if (json_is_string(q)) {
                int prc = parse_percent(json_string_value(q), &dst->value);
                dst->percent = true;
                if (prc != SC_OK) {
                    fail(r, "%s: quotas[%zu] \"%s\" must be a count like 3 or a percent like "
                            "\"10%%\" with at most 2 decimals", p, i, json_string_value(q));
                    goto out;
                }
            } else {
                fail(r, "%s: quotas[%zu] must be a whole count or a percent string", p, i);
                goto out;
            }
            if (sc_quota_check(*dst) != SC_OK) {
                fail(r, "%s: quotas[%zu] must be 0 or more and at most 100%%", p, i);
                goto out;
            }
        }
    }
    rc = 0;
out:
    free(scheme);
    free(rounding);
    return rc;
}

static int read_tie_break(reader *r, cf_event *ev, json_t *arr, const char *path)
{
    sc_event_rules *ru = &ev->rules;
    ru->tie_break[0] = SC_TB_PRACTICAL;
    ru->tie_break[1] = SC_TB_TIME;
    ru->n_tie_break = 2;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr) || json_array_size(arr) > SC_MAX_TIE_BREAK)
        return fail(r, "%s: tie_break must be an array of up to 3 of \"practical\", \"theory\", "
                       "\"time\"", path);
    ru->n_tie_break = json_array_size(arr);
    for (size_t i = 0; i < ru->n_tie_break; i++) {
        const char *k = json_string_value(json_array_get(arr, i));
        if (!k || sc_tie_break_parse(k, &ru->tie_break[i]) != SC_OK)
            return fail(r, "%s: tie_break[%zu] must be \"practical\", \"theory\" or \"time\"",
                        path, i);
        for (size_t j = 0; j < i; j++) {
            if (ru->tie_break[j] == ru->tie_break[i])
                return fail(r, "%s: tie_break lists \"%s\" twice", path, k);
        }
    }
    return 0;
}

static int read_occupation(reader *r, cf_event *ev, json_t *o, const char *path)
{
    static const char *const known[] = {"code", "name", "in_catalog", "top_level", NULL};
    char p[96], *top = NULL;
    int rc = -1;

    ev->rules.in_catalog = true;
    ev->rules.top_level = SC_LEVEL_1;
    if (!o || json_is_null(o))
        return 0;
    snprintf(p, sizeof p, "%s.occupation", path);
    if (want_object(r, o, p))
        return -1;
    check_keys(r, o, "events[].occupation", known);
    if (get_string(r, o, "code", p, false, &ev->occupation_code) ||
        get_string(r, o, "name", p, false, &ev->occupation_name) ||
        get_bool(r, o, "in_catalog", p, true, &ev->rules.in_catalog) ||
        get_string(r, o, "top_level", p, false, &top))
        goto out;
    if (top && sc_level_parse(top, &ev->rules.top_level) != SC_OK) {
        fail(r, "%s: top_level \"%s\" must be one of 初级工, 中级工, 高级工, 技师, 高级技师", p,
             top);
        goto out;
    }
    rc = 0;
out:
    free(top);
    return rc;
}

static int read_event(reader *r, cf_event *ev, json_t *o, size_t i)
{
    static const char *const known[] = {"id", "name", "occupation", "team_size", "weights",
                                        "aggregation", "criteria", "awards", "tie_break",
                                        "discrepancy_percent", NULL};
    char path[48], *agg = NULL;
    int64_t team, wt = 0, wp = 100;
    json_t *w;
    int rc = -1;

    snprintf(path, sizeof path, "events[%zu]", i);
    if (want_object(r, o, path))
        return -1;
    check_keys(r, o, "events[]", known);
    if (get_string(r, o, "id", path, true, &ev->id) ||
        get_string(r, o, "name", path, true, &ev->name))
        return -1;
    for (size_t j = 0; j < i; j++) {
        if (strcmp(r->c->events[j].id, ev->id) == 0)
            return fail(r, "%s: event id \"%s\" is already used by events[%zu]", path, ev->id, j);
    }
    if (read_occupation(r, ev, json_object_get(o, "occupation"), path) ||
        get_int(r, o, "team_size", path, 1, SC_MAX_MEMBERS, 1, &team))
        return -1;
    ev->rules.team_size = (int)team;

    w = json_object_get(o, "weights");
    if (w && !json_is_null(w)) {
        static const char *const wk[] = {"theory", "practical", NULL};
        char p[64];
        snprintf(p, sizeof p, "%s.weights", path);
        if (want_object(r, w, p))
            return -1;
        check_keys(r, w, "events[].weights", wk);
        if (!json_object_get(w, "theory") || !json_object_get(w, "practical"))
            return fail(r, "%s: needs both \"theory\" and \"practical\" (whole percents)", p);
        if (get_int(r, w, "theory", p, 0, 100, 0, &wt) ||
            get_int(r, w, "practical", p, 0, 100, 100, &wp))
            return -1;
        rc = sc_weights_check((int)wt, (int)wp);
        if (rc == SC_EWEIGHTSUM)
            return fail(r, "%s: theory %lld + practical %lld must add up to 100", p,
                        (long long)wt, (long long)wp);
        if (rc == SC_EPRACTICALMIN)
            return fail(r, "%s: practical %lld is below 70; 管理办法 第二十九条 requires the "
                           "practical weight to be at least 70%%", p, (long long)wp);
        rc = -1;
    }
    ev->rules.w_theory = (int)wt;
    ev->rules.w_practical = (int)wp;

    if (get_string(r, o, "aggregation", path, false, &agg))
        return -1;
    ev->rules.aggregation = SC_AGG_MEAN;
    if (agg && sc_aggregation_parse(agg, &ev->rules.aggregation) != SC_OK) {
        fail(r, "%s: aggregation \"%s\" must be \"mean\", \"trimmed_mean\", \"median\" or "
                "\"single\"", path, agg);
        goto out;
    }
    if (read_criteria(r, ev, json_object_get(o, "criteria"), path) ||
        read_awards(r, ev, json_object_get(o, "awards"), path) ||
        read_tie_break(r, ev, json_object_get(o, "tie_break"), path))
        goto out;
    ev->rules.criterion_max = ev->criterion_max;
    ev->rules.n_criteria = ev->n_criteria;

    ev->discrepancy = 2000;
    json_t *d = json_object_get(o, "discrepancy_percent");
    if (d && !json_is_null(d)) {
        if (number_centi(r, d, path, "discrepancy_percent", &ev->discrepancy))
            goto out;
        if (ev->discrepancy > 10000) {
            fail(r, "%s: discrepancy_percent must be at most 100", path);
            goto out;
        }
    }
    rc = 0;
out:
    free(agg);
    return rc;
}

static int read_events(reader *r)
{
    size_t n;
    if (!r->events)
        return fail(r, "missing field \"events\"");
    n = json_array_size(r->events);
    if (!json_is_array(r->events) || n == 0)
        return fail(r, "events: must be a non-empty array");
    r->c->events = calloc(n, sizeof *r->c->events);
    if (!r->c->events)
        return fail_oom(r);
    for (size_t i = 0; i < n; i++) {
        r->c->n_events = i + 1;
        if (read_event(r, &r->c->events[i], json_array_get(r->events, i), i))
            return -1;
    }
    return 0;
}

/* ---- entries ------------------------------------------------------------------------------- */

static int read_member(reader *r, cf_member *m, sc_person *p, json_t *o, const char *path)
{
    static const char *const known[] = {"id", "name", "student", "level", "promoted_before",
                                        "unit", "id_number", "gender", NULL};
    json_t *lv;

    if (want_object(r, o, path))
        return -1;
    check_keys(r, o, "entries[].members[]", known);
    if (get_string(r, o, "id", path, true, &m->id) ||
        get_string(r, o, "name", path, true, &m->name) ||
        get_string(r, o, "unit", path, false, &m->unit) ||
        get_string(r, o, "id_number", path, false, &m->id_number) ||
        get_string(r, o, "gender", path, false, &m->gender) ||
        get_bool(r, o, "student", path, false, &p->student) ||
        get_bool(r, o, "promoted_before", path, false, &p->promoted_before))
        return -1;
    p->level = SC_LEVEL_NONE;
    lv = json_object_get(o, "level");
    if (lv && !json_is_null(lv)) {
        if (!json_is_string(lv) || sc_level_parse(json_string_value(lv), &p->level) != SC_OK)
            return fail(r, "%s: level %s%s%s must be one of 初级工, 中级工, 高级工, 技师, "
                           "高级技师, or null", path, json_is_string(lv) ? "\"" : "",
                        json_is_string(lv) ? json_string_value(lv) : "(not a string)",
                        json_is_string(lv) ? "\"" : "");
    }
    return 0;
}

static int read_entry(reader *r, cf_entry *en, json_t *o, size_t i)
{
    static const char *const known[] = {"id", "event", "group", "status", "time_seconds",
                                        "members", "coach", NULL};
    char path[48], p[80], *event = NULL, *status = NULL;
    json_t *members;
    long ev;
    int rc = -1;

    snprintf(path, sizeof path, "entries[%zu]", i);
    if (want_object(r, o, path))
        return -1;
    check_keys(r, o, "entries[]", known);
    if (get_string(r, o, "id", path, true, &en->id) ||
        get_string(r, o, "event", path, true, &event) ||
        get_string(r, o, "group", path, false, &en->group) ||
        get_string(r, o, "status", path, false, &status) ||
        get_string(r, o, "coach", path, false, &en->coach) ||
        get_int(r, o, "time_seconds", path, 0, INT32_MAX, SC_NO_TIME, &en->time_seconds))
        goto out;
    ev = cf_event_index(r->c, event);
    if (ev < 0) {
        fail(r, "%s (%s): event \"%s\" is not defined in events", path, en->id, event);
        goto out;
    }
    en->event = (size_t)ev;
    if (!en->group && !(en->group = dup_string("默认组"))) {
        fail_oom(r);
        goto out;
    }
    if (en->group[0] == '\0') {
        fail(r, "%s (%s): group must not be empty", path, en->id);
        goto out;
    }
    en->status = SC_STATUS_OK;
    if (status && sc_status_parse(status, &en->status) != SC_OK) {
        fail(r, "%s (%s): status \"%s\" must be \"ok\", \"absent\" or \"disqualified\"", path,
             en->id, status);
        goto out;
    }
    members = json_object_get(o, "members");
    if (!json_is_array(members)) {
        fail(r, "%s (%s): field \"members\" must be an array", path, en->id);
        goto out;
    }
    int team = r->c->events[ev].rules.team_size;
    if (json_array_size(members) != (size_t)team) {
        fail(r, "%s (%s): has %zu members, but event %s has team_size %d", path, en->id,
             json_array_size(members), r->c->events[ev].id, team);
        goto out;
    }
    en->members = calloc((size_t)team, sizeof *en->members);
    if (!en->members) {
        fail_oom(r);
        goto out;
    }
    en->n_members = (size_t)team;
    for (size_t m = 0; m < en->n_members; m++) {
        snprintf(p, sizeof p, "%s.members[%zu]", path, m);
        if (read_member(r, &en->members[m], &en->persons[m], json_array_get(members, m), p))
            goto out;
    }
    rc = 0;
out:
    free(event);
    free(status);
    return rc;
}

/* Ids are unique: entries among entries, and people across the whole competition — a person
 * competes once per competition, which is also what makes 二(五)'s one promotion per person
 * per competition hold. */
static int check_unique_ids(reader *r)
{
    cf_competition *c = r->c;
    uint32_t *first_entry = NULL, *first_person = NULL, *person_sym = NULL;
    size_t n_people = 0;
    int rc = -1;

    r->entry_sym = malloc((c->n_entries + 1) * sizeof *r->entry_sym);
    for (size_t i = 0; i < c->n_entries; i++)
        n_people += c->entries[i].n_members;
    person_sym = malloc((n_people + 1) * sizeof *person_sym);
    if (!r->entry_sym || !person_sym) {
        fail_oom(r);
        goto out;
    }
    for (size_t i = 0, k = 0; i < c->n_entries; i++) {
        cf_entry *en = &c->entries[i];
        r->entry_sym[i] = si_intern(&r->pool, en->id, strlen(en->id));
        for (size_t m = 0; m < en->n_members; m++)
            person_sym[k++] = si_intern(&r->pool, en->members[m].id, strlen(en->members[m].id));
    }
    first_entry = malloc((r->pool.count + 1) * sizeof *first_entry);
    first_person = malloc((r->pool.count + 1) * sizeof *first_person);
    if (!first_entry || !first_person) {
        fail_oom(r);
        goto out;
    }
    memset(first_entry, 0xff, (r->pool.count + 1) * sizeof *first_entry);
    memset(first_person, 0xff, (r->pool.count + 1) * sizeof *first_person);
    for (size_t i = 0, k = 0; i < c->n_entries; i++) {
        cf_entry *en = &c->entries[i];
        uint32_t s = r->entry_sym[i];
        if (s == SI_NONE) {
            fail_oom(r);
            goto out;
        }
        if (first_entry[s] != SI_NONE) {
            fail(r, "entries[%zu]: entry id \"%s\" is already used by entries[%u]", i, en->id,
                 first_entry[s]);
            goto out;
        }
        first_entry[s] = (uint32_t)i;
        for (size_t m = 0; m < en->n_members; m++, k++) {
            uint32_t ps = person_sym[k];
            if (ps == SI_NONE) {
                fail_oom(r);
                goto out;
            }
            if (first_person[ps] != SI_NONE) {
                fail(r, "entries[%zu].members[%zu]: person id \"%s\" already competes in "
                        "entries[%u] (%s); a person enters one event per competition", i, m,
                     en->members[m].id, first_person[ps], c->entries[first_person[ps]].id);
                goto out;
            }
            first_person[ps] = (uint32_t)i;
        }
    }
    rc = 0;
out:
    free(first_entry);
    free(first_person);
    free(person_sym);
    return rc;
}

static int read_entries(reader *r)
{
    size_t n;
    if (!r->entries || json_is_null(r->entries))
        return check_unique_ids(r);
    if (!json_is_array(r->entries))
        return fail(r, "entries: must be an array");
    n = json_array_size(r->entries);
    r->c->entries = calloc(n + 1, sizeof *r->c->entries);
    if (!r->c->entries)
        return fail_oom(r);
    for (size_t i = 0; i < n; i++) {
        r->c->n_entries = i + 1;
        if (read_entry(r, &r->c->entries[i], json_array_get(r->entries, i), i))
            return -1;
    }
    return check_unique_ids(r);
}

/* ---- resolving marks and theory -------------------------------------------------------------- */

static int resolve_theory(reader *r, const uint32_t *entry_of_sym)
{
    cf_competition *c = r->c;
    uint32_t *seen = calloc(c->n_entries + 1, sizeof *seen);
    int rc = -1;

    if (!seen)
        return fail_oom(r);
    for (size_t i = 0; i < r->n_theory; i++) {
        raw_theory *t = &r->theory[i];
        uint32_t e = entry_of_sym[t->entry_sym];
        if (e == SI_NONE) {
            fail(r, "theory[%u]: entry \"%s\" is not defined in entries", t->index,
                 si_str(&r->pool, t->entry_sym));
            goto out;
        }
        cf_entry *en = &c->entries[e];
        const cf_event *ev = &c->events[en->event];
        if (ev->rules.w_theory == 0) {
            fail(r, "theory[%u]: event %s has no theory exam (theory weight 0), so entry %s "
                    "takes no theory score", t->index, ev->id, en->id);
            goto out;
        }
        if (seen[e]) {
            fail(r, "theory[%u]: a second theory score for entry %s (the first is theory[%u])",
                 t->index, en->id, seen[e] - 1);
            goto out;
        }
        seen[e] = t->index + 1;
        en->has_theory = true;
        en->theory = t->score;
    }
    rc = 0;
out:
    free(seen);
    return rc;
}

/* Resolves the marks' symbols in place, then counting-sorts them by (entry, criterion). */
static int resolve_marks(reader *r, const uint32_t *entry_of_sym)
{
    cf_competition *c = r->c;
    uint32_t *judge_of_sym = NULL, *crit_sym = NULL;
    size_t *count = NULL, *crit_base = NULL, n_crit_syms = 0;
    cf_mark *sorted = NULL;
    int rc = -1;

    c->n_slots = 0;
    for (size_t i = 0; i < c->n_entries; i++) {
        c->entries[i].first_slot = c->n_slots;
        c->n_slots += c->events[c->entries[i].event].n_criteria;
    }
    /* Criterion ids as symbols, event by event, so that a mark's criterion is found by
     * comparing integers; an id no mark uses is not in the pool (SI_NONE) and matches none. */
    for (size_t e = 0; e < c->n_events; e++)
        n_crit_syms += c->events[e].n_criteria;
    crit_sym = malloc((n_crit_syms + 1) * sizeof *crit_sym);
    crit_base = malloc((c->n_events + 1) * sizeof *crit_base);
    if (!crit_sym || !crit_base) {
        fail_oom(r);
        goto out;
    }
    for (size_t e = 0, at = 0; e < c->n_events; e++) {
        crit_base[e] = at;
        for (size_t k = 0; k < c->events[e].n_criteria; k++, at++) {
            const char *id = c->events[e].criteria[k].id;
            crit_sym[at] = si_find(&r->pool, id, strlen(id));
        }
    }
    judge_of_sym = malloc((r->pool.count + 1) * sizeof *judge_of_sym);
    c->slot_start = calloc(c->n_slots + 2, sizeof *c->slot_start);
    count = c->slot_start;
    if (!judge_of_sym || !count) {
        fail_oom(r);
        goto out;
    }
    memset(judge_of_sym, 0xff, (r->pool.count + 1) * sizeof *judge_of_sym);

    for (size_t i = 0; i < r->n_marks; i++) {
        cf_mark *m = &r->marks[i];
        uint32_t e = entry_of_sym[m->entry];
        if (e == SI_NONE) {
            fail(r, "marks[%zu]: entry \"%s\" is not defined in entries", i,
                 si_str(&r->pool, m->entry));
            goto out;
        }
        size_t ev_index = c->entries[e].event;
        const cf_event *ev = &c->events[ev_index];
        const uint32_t *syms = crit_sym + crit_base[ev_index];
        long k = -1;
        for (size_t j = 0; j < ev->n_criteria; j++) {
            if (syms[j] == m->criterion) {
                k = (long)j;
                break;
            }
        }
        if (k < 0) {
            fail(r, "marks[%zu]: criterion \"%s\" is not a criterion of event %s (entry %s)", i,
                 si_str(&r->pool, m->criterion), ev->id, c->entries[e].id);
            goto out;
        }
        if (m->score > ev->criteria[k].max) {
            char s[24], mx[24];
            fail(r, "marks[%zu]: score %s is above criterion %s's maximum %s", i,
                 sc_centi_format_short(m->score, s), ev->criteria[k].id,
                 sc_centi_format_short(ev->criteria[k].max, mx));
            goto out;
        }
        if (judge_of_sym[m->judge] == SI_NONE) {
            char **judges = realloc(c->judges, (c->n_judges + 1) * sizeof *judges);
            if (!judges) {
                fail_oom(r);
                goto out;
            }
            c->judges = judges;
            c->judges[c->n_judges] = dup_string(si_str(&r->pool, m->judge));
            if (!c->judges[c->n_judges]) {
                fail_oom(r);
                goto out;
            }
            judge_of_sym[m->judge] = (uint32_t)c->n_judges++;
        }
        m->entry = e;
        m->criterion = (uint32_t)k;
        m->judge = judge_of_sym[m->judge];
        count[c->entries[e].first_slot + (size_t)k + 1]++;
    }
    for (size_t s = 1; s <= c->n_slots; s++)
        count[s] += count[s - 1];
    /* count[s] is now where slot s starts; fill, moving each start forward, then shift back. */
    sorted = malloc((r->n_marks + 1) * sizeof *sorted);
    if (!sorted) {
        fail_oom(r);
        goto out;
    }
    for (size_t i = 0; i < r->n_marks; i++) {
        size_t s = c->entries[r->marks[i].entry].first_slot + r->marks[i].criterion;
        sorted[count[s]++] = r->marks[i];
    }
    memmove(count + 1, count, c->n_slots * sizeof *count);
    count[0] = 0;
    free(r->marks);
    r->marks = NULL;
    c->marks = sorted;
    c->n_marks = r->n_marks;

    /* One judge, one mark per criterion per entry (rules.md §2); slots hold a few marks. */
    for (size_t s = 0; s < c->n_slots; s++) {
        for (size_t i = c->slot_start[s]; i < c->slot_start[s + 1]; i++) {
            for (size_t j = c->slot_start[s]; j < i; j++) {
                if (sorted[i].judge == sorted[j].judge) {
                    const cf_entry *en = &c->entries[sorted[i].entry];
                    fail(r, "marks[%u]: judge %s already marked entry %s criterion %s in "
                            "marks[%u]; a second mark needs a correction", sorted[i].index,
                         c->judges[sorted[i].judge], en->id,
                         c->events[en->event].criteria[sorted[i].criterion].id,
                         sorted[j].index);
                    goto out;
                }
            }
        }
    }
    rc = 0;
out:
    free(judge_of_sym);
    free(crit_sym);
    free(crit_base);
    return rc;
}

static int resolve(reader *r)
{
    uint32_t *entry_of_sym = malloc((r->pool.count + 1) * sizeof *entry_of_sym);
    int rc;
    if (!entry_of_sym)
        return fail_oom(r);
    memset(entry_of_sym, 0xff, (r->pool.count + 1) * sizeof *entry_of_sym);
    for (size_t i = 0; i < r->c->n_entries; i++)
        entry_of_sym[r->entry_sym[i]] = (uint32_t)i;
    rc = resolve_theory(r, entry_of_sym);
    if (rc == 0)
        rc = resolve_marks(r, entry_of_sym);
    free(entry_of_sym);
    return rc;
}

/* ---- entry point ----------------------------------------------------------------------------- */

int cf_read(const char *buf, size_t len, cf_competition **out, cf_diag *diag)
{
    reader r;
    int rc = -1;

    memset(&r, 0, sizeof r);
    r.buf = buf;
    r.len = len;
    r.diag = diag;
    diag->message[0] = '\0';
    *out = NULL;
    si_init(&r.pool);
    if (len > CF_MAX_FILE_BYTES) {
        fail(&r, "the file is larger than %zu bytes", CF_MAX_FILE_BYTES);
        goto out;
    }
    r.c = calloc(1, sizeof *r.c);
    if (!r.c) {
        fail_oom(&r);
        goto out;
    }
    if (walk_top(&r))
        goto out;
    if (!r.format) {
        fail(&r, "missing field \"format\" (expected \"%s\")", CF_FORMAT);
        goto out;
    }
    if (!json_is_string(r.format) || strcmp(json_string_value(r.format), CF_FORMAT) != 0) {
        fail(&r, "format: expected \"%s\"", CF_FORMAT);
        goto out;
    }
    if (read_competition(&r) || read_events(&r) || read_entries(&r) || resolve(&r))
        goto out;
    *out = r.c;
    r.c = NULL;
    rc = 0;
out:
    cf_free(r.c);
    json_decref(r.format);
    json_decref(r.competition);
    json_decref(r.events);
    json_decref(r.entries);
    free(r.entry_sym);
    free(r.marks);
    free(r.theory);
    for (size_t i = 0; i < r.n_warned; i++)
        free(r.warned[i]);
    si_free(&r.pool);
    return rc;
}
