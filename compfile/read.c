/*
 * read.c — reading a skillscore/1 competition file: the top-level walk and the large arrays.
 *
 * Two passes over two shapes of data:
 *  - The top-level object is walked here, member by member. Small members (format, competition,
 *    events, entries) are decoded whole by jansson and checked once all are in, because entries
 *    refer to events whatever order the file puts them in.
 *  - The large arrays (marks, theory) are walked element by element: a mark of the common shape
 *    is read straight from the bytes (the fast path below); any other element is decoded by
 *    jansson on its own (JSON_DISABLE_EOF_CHECK tells how many bytes it took). Each is checked,
 *    reduced to 24 bytes with its ids interned, and dropped. A million marks never exist as a
 *    million jansson objects, which keeps `compute` within a few times the file's size.
 * Then records.c checks the competition, events and entries, and resolve.c ties marks and
 * theory scores to them.
 *
 * Every check names the record and field and stops at the first fault: a user fixes one line
 * and runs again, and nothing half-read is ever returned.
 */
#include "reader.h"
#include "vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the top-level walk -------------------------------------------------------------------- */

static size_t skip_ws_at(const char *b, size_t i, size_t len)
{
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
        i++;
    return i;
}

static void skip_ws(reader *r) { r->pos = skip_ws_at(r->buf, r->pos, r->len); }

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
    return rd_fail(r, "line %zu, column %zu: %s", line, col, what);
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

static int store_mark(reader *r, const cf_mark *m, size_t index)
{
    if (index > UINT32_MAX - 1)
        return rd_fail(r, "marks[%zu]: too many marks", index);
    if (VEC_RESERVE(r->marks, r->cap_marks, r->n_marks + 1, 1024))
        return rd_fail_oom(r);
    r->marks[r->n_marks] = *m;
    r->marks[r->n_marks++].index = (uint32_t)index;
    return 0;
}

/* A mark the fast path left to jansson: read through the checking helpers, which name the
 * field at fault. */
static int take_mark(reader *r, json_t *v, size_t index)
{
    char path[48];
    cf_mark m = {0};

    snprintf(path, sizeof path, "marks[%zu]", index);
    if (rd_want_object(r, v, path) || rd_intern_field(r, v, "entry", path, &m.entry) ||
        rd_intern_field(r, v, "criterion", path, &m.criterion) ||
        rd_intern_field(r, v, "judge", path, &m.judge) ||
        rd_number_centi(r, json_object_get(v, "score"), path, "score", &m.score))
        return -1;
    rd_check_keys(r, v, "marks[]", mark_keys);
    return store_mark(r, &m, index);
}

static const char *const theory_keys[] = {"entry", "score", NULL};

static int take_theory(reader *r, json_t *v, size_t index)
{
    char path[48];
    raw_theory t = {0};

    snprintf(path, sizeof path, "theory[%zu]", index);
    if (rd_want_object(r, v, path) || rd_intern_field(r, v, "entry", path, &t.entry_sym) ||
        rd_number_centi(r, json_object_get(v, "score"), path, "score", &t.score))
        return -1;
    rd_check_keys(r, v, "theory[]", theory_keys);
    if (t.score > 10000)
        return rd_fail(r, "%s: score %s is above the theory maximum 100", path,
                    sc_centi_format_short(t.score, (char[24]){0}));
    t.index = (uint32_t)index;
    if (VEC_RESERVE(r->theory, r->cap_theory, r->n_theory + 1, 256))
        return rd_fail_oom(r);
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

/* The fast hook of the marks array: 1 when the element at r->pos was a common mark and is
 * stored, 0 to leave it to jansson, -1 on error. */
static int take_mark_bytes(reader *r, size_t index)
{
    cf_mark m = {0};
    size_t after;

    skip_ws(r);
    if ((after = mark_bytes(r, r->pos, &m)) == 0)
        return 0;
    if (store_mark(r, &m, index))
        return -1;
    r->pos = after;
    return 1;
}

/* Walks a large array element by element. fast (may be NULL) gets the first look at each
 * element's bytes; what it leaves is decoded by jansson and handed to take(). */
static int stream_array(reader *r, const char *name, int (*fast)(reader *r, size_t index),
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
        return rd_fail(r, "%s: must be an array", name);
    r->pos++;
    skip_ws(r);
    if (r->pos < r->len && r->buf[r->pos] == ']') {
        r->pos++;
        return 0;
    }
    do {
        json_t *v;
        int rc = fast ? fast(r, index) : 0;
        if (rc < 0)
            return -1;
        if (rc > 0) {
            index++;
            continue;
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
                                        "marks", "theory", "judges", NULL};
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
        else if (strcmp(k, "judges") == 0)
            slot = &r->judges;

        if (slot && *slot) {
            rd_fail(r, "field \"%s\" appears twice at the top level", k);
        } else if (strcmp(k, "marks") == 0 || strcmp(k, "theory") == 0) {
            bool *seen = k[0] == 'm' ? &seen_marks : &seen_theory;
            if (*seen)
                rd_fail(r, "field \"%s\" appears twice at the top level", k);
            else {
                *seen = true;
                if (k[0] == 'm')
                    stream_array(r, k, take_mark_bytes, take_mark);
                else
                    stream_array(r, k, NULL, take_theory);
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
                    rd_warn_unknown(r, "(top level)", k);
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
        rd_fail(&r, "the file is larger than %zu bytes", CF_MAX_FILE_BYTES);
        goto out;
    }
    r.c = calloc(1, sizeof *r.c);
    if (!r.c) {
        rd_fail_oom(&r);
        goto out;
    }
    if (walk_top(&r))
        goto out;
    if (!r.format) {
        rd_fail(&r, "missing field \"format\" (expected \"%s\")", CF_FORMAT);
        goto out;
    }
    if (!json_is_string(r.format) || strcmp(json_string_value(r.format), CF_FORMAT) != 0) {
        rd_fail(&r, "format: expected \"%s\"", CF_FORMAT);
        goto out;
    }
    if (rd_read_competition(&r) || rd_read_events(&r) || rd_read_entries(&r) ||
        rd_check_rule_groups(&r) || rd_read_roster(&r) || rd_resolve(&r))
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
    json_decref(r.judges);
    free(r.entry_sym);
    free(r.marks);
    free(r.theory);
    for (size_t i = 0; i < r.n_warned; i++)
        free(r.warned[i]);
    si_free(&r.pool);
    return rc;
}
