/*
 * csv.c — see csv.h. Rows with every field empty (Excel leaves them at the end) are dropped.
 */
#include "server/lib/csv.h"

#include "compfile/vec.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, cp = c & 0x07;
        else
            return false;
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += len;
    }
    return true;
}

char *csv_to_utf8(const char *buf, size_t len, const char **encoding, char *err, size_t errlen)
{
    char *out;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        buf += 3, len -= 3;
    if (memchr(buf, '\0', len)) {
        snprintf(err, errlen, "the file holds NUL bytes; save it as CSV (UTF-8 or GB18030)");
        return NULL;
    }
    if (valid_utf8((const unsigned char *)buf, len)) {
        *encoding = "UTF-8";
        if (!(out = malloc(len + 1)))
            return NULL;
        memcpy(out, buf, len);
        out[len] = '\0';
        return out;
    }
    /* GB18030 takes at most 4 bytes per character, UTF-8 at most 4 for the same one. */
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    char *in = (char *)buf, *o;
    size_t inleft = len, cap = len * 2 + 16, outleft = cap;
    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, "the file is not UTF-8 and GB18030 is not available");
        return NULL;
    }
    if (!(out = malloc(cap + 1))) {
        iconv_close(cd);
        return NULL;
    }
    o = out;
    if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
        size_t at = (size_t)(in - buf), line = 1;
        for (size_t i = 0; i < at; i++)
            line += buf[i] == '\n';
        snprintf(err, errlen, "line %zu: the file is neither UTF-8 nor GB18030 (byte %zu)", line,
                 at + 1);
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    *o = '\0';
    *encoding = "GB18030";
    /* GB18030 has a byte order mark of its own (84 31 95 33); it reads as U+FEFF. */
    if (strncmp(out, "\xEF\xBB\xBF", 3) == 0)
        memmove(out, out + 3, strlen(out + 3) + 1);
    return out;
}

typedef struct builder {
    char *field;
    size_t len, cap;
    csv_row row;
    size_t row_cap;
} builder;

static int put_char(builder *b, char c)
{
    if (VEC_RESERVE(b->field, b->cap, b->len + 2, 64))
        return -1;
    b->field[b->len++] = c;
    b->field[b->len] = '\0';
    return 0;
}

static int end_field(builder *b)
{
    char *copy;
    if (VEC_RESERVE(b->row.fields, b->row_cap, b->row.n + 1, 16))
        return -1;
    if (!(copy = strndup(b->field ? b->field : "", b->len)))
        return -1;
    b->row.fields[b->row.n++] = copy;
    b->len = 0;
    return 0;
}

static void free_row(csv_row *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->fields[i]);
        if (r->doubt)
            free(r->doubt[i]);
    }
    free(r->fields);
    free(r->doubt);
}

static int end_row(builder *b, csv_table *t, size_t *cap)
{
    bool empty = true;
    if (end_field(b))
        return -1;
    for (size_t i = 0; i < b->row.n && empty; i++)
        empty = b->row.fields[i][0] == '\0';
    if (empty) {
        free_row(&b->row);
    } else {
        if (VEC_RESERVE(t->rows, *cap, t->n + 1, 64)) {
            free_row(&b->row);
            return -1;
        }
        t->rows[t->n++] = b->row;
    }
    memset(&b->row, 0, sizeof b->row);
    b->row_cap = 0;
    return 0;
}

int csv_parse(const char *text, csv_table *out, char *err, size_t errlen)
{
    builder b = {0};
    size_t cap = 0, line = 1, quote_line = 0;
    const char *p = text;
    bool quoted = false, after_quote = false;

    memset(out, 0, sizeof *out);
    b.row.line = 1;
    for (; *p; p++) {
        char c = *p;
        if (quoted) {
            if (c == '"' && p[1] == '"') {
                if (put_char(&b, '"'))
                    goto oom;
                p++;
            } else if (c == '"') {
                quoted = false;
                after_quote = true;
            } else {
                line += c == '\n';
                if (put_char(&b, c))
                    goto oom;
            }
            continue;
        }
        if (c == ',') {
            if (end_field(&b))
                goto oom;
            after_quote = false;
        } else if (c == '\n' || (c == '\r' && p[1] == '\n')) {
            if (c == '\r')
                p++;
            if (end_row(&b, out, &cap))
                goto oom;
            after_quote = false;
            b.row.line = ++line;
        } else if (after_quote) {
            snprintf(err, errlen, "line %zu: text after a closing quote", line);
            goto fail;
        } else if (c == '"' && b.len == 0) {
            quoted = true;
            quote_line = line;
        } else if (put_char(&b, c))
            goto oom;
    }
    if (quoted) {
        snprintf(err, errlen, "line %zu: a quoted field is never closed", quote_line);
        goto fail;
    }
    if (b.len || b.row.n || after_quote)
        if (end_row(&b, out, &cap))
            goto oom;
    free(b.field);
    free_row(&b.row);
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    free(b.field);
    free_row(&b.row);
    csv_free(out);
    return -1;
}

void csv_free(csv_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free_row(&t->rows[i]);
    free(t->rows);
    memset(t, 0, sizeof *t);
}
