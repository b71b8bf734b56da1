/*
 * xlsx.c — see xlsx.h. The parts are read in the order they depend on each other: the package
 * relationships name the workbook, the workbook names its first visible sheet and its
 * relationships name the sheet, the shared strings and the styles (which say which number
 * formats are dates). The sheet is read last, as a stream, into (row, column, text) cells; merged
 * areas are filled once the whole sheet is known, and the rows are laid out as csv.h's.
 *
 * Elements are matched by local name (expat splits "namespace|name"), so a workbook written
 * with prefixes (x:row) or in Strict OOXML's namespaces reads the same.
 */
#include "server/lib/xlsx.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define MAX_XML ((size_t)256 << 20)
#define MAX_CELLS ((size_t)2000000)
#define MAX_COLS ((size_t)16384)
#define MAX_ROWS ((size_t)1048576)
#define MAX_RELS 4096

typedef struct text {
    char *p;
    size_t n, cap;
} text;

static int text_add(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->n + n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p)
            return -1;
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
    return 0;
}

typedef struct rel {
    char *id, *type, *target; /* type: the last segment of the relationship type */
} rel;

typedef struct cell {
    size_t col;
    char *text;
    char *doubt;
} cell;

typedef struct row {
    size_t line;
    cell *cells;
    size_t n, cap;
    size_t sorted;           /* cells[0..sorted) are the sheet's own, in column order */
} row;

typedef struct book {
    zip_t *z;
    size_t xml_left;
    size_t cells_left;
    char *err;
    size_t errlen;
    bool failed;
    XML_Parser parser;
    /* relationships of the part being resolved */
    rel *rels;
    size_t n_rels;
    /* the workbook */
    char *sheet_rid;
    bool date1904;
    /* shared strings */
    char **sst;
    size_t n_sst, cap_sst;
    /* styles: whether each cell format (cellXfs index) is a date */
    unsigned *xf_fmt;
    size_t n_xf, cap_xf;
    struct numfmt {
        unsigned id;
        bool date;
    } *fmts;
    size_t n_fmts, cap_fmts;
    int in_xfs;
    /* the sheet */
    row *rows;
    size_t n_rows, cap_rows;
    size_t (*merges)[4]; /* r1, c1, r2, c2: 1-based rows, 0-based columns */
    size_t n_merges, cap_merges;
    /* reading state */
    text buf;
    int rph;               /* inside a phonetic run: its text is not the cell's */
    bool in_text;          /* collecting a <t> or <v> */
    bool in_si, in_is;
    size_t cur_line, last_line, cur_col, last_col;
    char cur_type[16];
    unsigned cur_style;
    bool in_row, in_cell;
} book;

/* Records the first failure and stops the parser; the message is for the organizer. */
static void fail(book *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(book *b, const char *fmt, ...)
{
    va_list ap;
    if (b->failed)
        return;
    b->failed = true;
    va_start(ap, fmt);
    vsnprintf(b->err, b->errlen, fmt, ap);
    va_end(ap);
    if (b->parser)
        XML_StopParser(b->parser, XML_FALSE);
}

static void oom(book *b)
{
    fail(b, "out of memory reading the workbook");
}

static const char *local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

/* An attribute by local name; namespaced says whether it must carry a namespace (r:id). */
static const char *attr(const char **atts, const char *name, bool namespaced)
{
    for (size_t i = 0; atts[i]; i += 2) {
        bool has_ns = strchr(atts[i], '|') != NULL;
        if (has_ns == namespaced && strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    }
    return NULL;
}

static void refuse_dtd(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
                       int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    fail(ud, "the workbook has an XML part with a document type declaration, which Excel never "
             "writes; the file is not a workbook this server reads");
}

/* Streams one part of the archive through expat with the given handlers. 1 when the part is
 * absent (and not required), 0 when read, -1 after fail(). */
static int read_part(book *b, const char *path, bool required, XML_StartElementHandler start,
                     XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
    zip_int64_t at = zip_name_locate(b->z, path, ZIP_FL_NOCASE);
    zip_file_t *f = NULL;
    char chunk[65536];
    zip_int64_t got;
    bool bad = false;
    int rc = -1;

    if (at < 0) {
        if (!required)
            return 1;
        fail(b, "the workbook has no part %s; save it again from Excel or WPS as .xlsx", path);
        return -1;
    }
    if (!(b->parser = XML_ParserCreateNS(NULL, '|'))) {
        oom(b);
        return -1;
    }
    XML_SetUserData(b->parser, b);
    XML_SetElementHandler(b->parser, start, end);
    XML_SetCharacterDataHandler(b->parser, chars);
    XML_SetStartDoctypeDeclHandler(b->parser, refuse_dtd);
    if (!(f = zip_fopen_index(b->z, (zip_uint64_t)at, 0))) {
        fail(b, "cannot open %s in the workbook: %s", path, zip_strerror(b->z));
        goto out;
    }
    while ((got = zip_fread(f, chunk, sizeof chunk)) > 0) {
        if ((size_t)got > b->xml_left) {
            fail(b, "the workbook is too large: more than %zu MiB of XML", MAX_XML >> 20);
            goto out;
        }
        b->xml_left -= (size_t)got;
        if (XML_Parse(b->parser, chunk, (int)got, XML_FALSE) != XML_STATUS_OK) {
            bad = true;
            break;
        }
    }
    if (got < 0 && !bad) {
        fail(b, "the workbook is damaged (%s: %s)", path, zip_file_strerror(f));
        goto out;
    }
    if (!b->failed && (bad || XML_Parse(b->parser, NULL, 0, XML_TRUE) != XML_STATUS_OK))
        fail(b, "the workbook is damaged: %s line %lu: %s", path,
             (unsigned long)XML_GetCurrentLineNumber(b->parser),
             XML_ErrorString(XML_GetErrorCode(b->parser)));
    rc = b->failed ? -1 : 0;
out:
    if (f)
        zip_fclose(f);
    XML_ParserFree(b->parser);
    b->parser = NULL;
    return rc;
}

/* ---- relationships ---------------------------------------------------------------------- */

static void free_rels(book *b)
{
    for (size_t i = 0; i < b->n_rels; i++) {
        free(b->rels[i].id);
        free(b->rels[i].type);
        free(b->rels[i].target);
    }
    free(b->rels);
    b->rels = NULL;
    b->n_rels = 0;
}

static void rel_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book *b = ud;
    const char *id, *type, *target, *mode, *slash;
    rel *grown;
    if (strcmp(local(name), "Relationship") != 0 || b->failed)
        return;
    id = attr(atts, "Id", false);
    type = attr(atts, "Type", false);
    target = attr(atts, "Target", false);
    mode = attr(atts, "TargetMode", false);
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
        return;
    if (b->n_rels >= MAX_RELS) {
        fail(b, "the workbook has more than %d relationships", MAX_RELS);
        return;
    }
    if (!(grown = realloc(b->rels, (b->n_rels + 1) * sizeof *grown))) {
        oom(b);
        return;
    }
    b->rels = grown;
    slash = strrchr(type, '/');
    rel *r = &b->rels[b->n_rels++];
    r->id = strdup(id);
    r->type = strdup(slash ? slash + 1 : type);
    r->target = strdup(target);
    if (!r->id || !r->type || !r->target)
        oom(b);
}

static void no_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

static void no_chars(void *ud, const XML_Char *s, int len)
{
    (void)ud, (void)s, (void)len;
}

/* The part a relationship's target names, from the part whose relationships these are
 * (base "xl/workbook.xml"): "worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml",
 * "/xl/a.xml" → "xl/a.xml", "../b.xml" → "b.xml". */
static void resolve(const char *base, const char *target, char *out, size_t cap)
{
    char path[1024];
    const char *slash = strrchr(base, '/');
    if (target[0] == '/')
        snprintf(path, sizeof path, "%s", target + 1);
    else
        snprintf(path, sizeof path, "%.*s%s%s", slash ? (int)(slash - base) : 0, base,
                 slash ? "/" : "", target);
    /* Remove "seg/../" and "./" pairs. */
    size_t n = 0;
    out[0] = '\0';
    for (char *seg = strtok(path, "/"); seg; seg = strtok(NULL, "/")) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            char *up = strrchr(out, '/');
            n = up ? (size_t)(up - out) : 0;
            out[n] = '\0';
            continue;
        }
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "/" : "", seg);
        if (n >= cap) {
            out[cap - 1] = '\0';
            n = cap - 1;
        }
    }
}

static const rel *rel_of_type(const book *b, const char *type)
{
    for (size_t i = 0; i < b->n_rels; i++)
        if (strcmp(b->rels[i].type, type) == 0)
            return &b->rels[i];
    return NULL;
}

/* ---- the workbook: its first visible sheet and its date system --------------------------- */

static void workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book *b = ud;
    const char *n = local(name);
    if (strcmp(n, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904", false);
        b->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    } else if (strcmp(n, "sheet") == 0 && !b->sheet_rid) {
        const char *state = attr(atts, "state", false), *id = attr(atts, "id", true);
        if (id && !(state && (strcmp(state, "hidden") == 0 || strcmp(state, "veryHidden") == 0)))
            if (!(b->sheet_rid = strdup(id)))
                oom(b);
    }
}

/* ---- shared strings ------------------------------------------------------------------------ */

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book *b = ud;
    const char *n = local(name);
    (void)atts;
    if (strcmp(n, "si") == 0) {
        b->in_si = true;
        b->buf.n = 0;
        if (text_add(&b->buf, "", 0))
            oom(b);
    } else if (strcmp(n, "rPh") == 0)
        b->rph++;
    else if (strcmp(n, "t") == 0 && b->in_si && !b->rph)
        b->in_text = true;
}

static void sst_end(void *ud, const XML_Char *name)
{
    book *b = ud;
    const char *n = local(name);
    if (strcmp(n, "t") == 0)
        b->in_text = false;
    else if (strcmp(n, "rPh") == 0 && b->rph)
        b->rph--;
    else if (strcmp(n, "si") == 0 && b->in_si) {
        b->in_si = false;
        if (b->n_sst == b->cap_sst) {
            size_t cap = b->cap_sst ? b->cap_sst * 2 : 256;
            char **grown = realloc(b->sst, cap * sizeof *grown);
            if (!grown) {
                oom(b);
                return;
            }
            b->sst = grown;
            b->cap_sst = cap;
        }
        if (!(b->sst[b->n_sst] = strdup(b->buf.p ? b->buf.p : ""))) {
            oom(b);
            return;
        }
        b->n_sst++;
    }
}

static void text_chars(void *ud, const XML_Char *s, int len)
{
    book *b = ud;
    if (b->in_text && !b->rph && text_add(&b->buf, s, (size_t)len))
        oom(b);
}

/* ---- styles: which cell formats show dates ------------------------------------------------ */

/* Built-in number formats that are dates or times, Chinese ones (27–36, 50–58) included. */
static bool builtin_date(unsigned id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

/* A format code is a date when it has a date or time letter outside quotes, brackets ([$-804],
 * [Red]) and escaped characters. */
static bool code_is_date(const char *code)
{
    bool quoted = false;
    int bracket = 0;
    for (const char *p = code; *p; p++) {
        if (quoted) {
            quoted = *p != '"';
            continue;
        }
        if (*p == '"')
            quoted = true;
        else if (*p == '[')
            bracket++;
        else if (*p == ']' && bracket)
            bracket--;
        else if ((*p == '\\' || *p == '_' || *p == '*') && p[1])
            p++;
        else if (!bracket && strchr("ymdhsYMDHS", *p))
            return true;
    }
    return false;
}

static bool fmt_is_date(const book *b, unsigned id)
{
    for (size_t i = 0; i < b->n_fmts; i++)
        if (b->fmts[i].id == id)
            return b->fmts[i].date;
    return builtin_date(id);
}

static void styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book *b = ud;
    const char *n = local(name);
    if (strcmp(n, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId", false), *code = attr(atts, "formatCode", false);
        if (!id || !code)
            return;
        if (b->n_fmts == b->cap_fmts) {
            size_t cap = b->cap_fmts ? b->cap_fmts * 2 : 16;
            struct numfmt *grown = b->n_fmts > 100000 ? NULL
                                                      : realloc(b->fmts, cap * sizeof *grown);
            if (!grown) {
                fail(b, "the workbook has too many number formats");
                return;
            }
            b->fmts = grown;
            b->cap_fmts = cap;
        }
        b->fmts[b->n_fmts++] = (struct numfmt){(unsigned)strtoul(id, NULL, 10), code_is_date(code)};
    } else if (strcmp(n, "cellXfs") == 0) {
        b->in_xfs = 1;
    } else if (strcmp(n, "xf") == 0 && b->in_xfs) {
        const char *id = attr(atts, "numFmtId", false);
        if (b->n_xf == b->cap_xf) {
            size_t cap = b->cap_xf ? b->cap_xf * 2 : 64;
            unsigned *grown = b->n_xf > 1000000 ? NULL : realloc(b->xf_fmt, cap * sizeof *grown);
            if (!grown) {
                fail(b, "the workbook has too many cell formats");
                return;
            }
            b->xf_fmt = grown;
            b->cap_xf = cap;
        }
        b->xf_fmt[b->n_xf++] = id ? (unsigned)strtoul(id, NULL, 10) : 0;
    }
}

static void styles_end(void *ud, const XML_Char *name)
{
    book *b = ud;
    if (strcmp(local(name), "cellXfs") == 0)
        b->in_xfs = 0;
}

/* ---- cell values ---------------------------------------------------------------------------- */

/* "A1" → column 0, row 1. 0, or -1 when ref is not a cell reference. */
static int parse_ref(const char *ref, size_t *col, size_t *line)
{
    size_t c = 0, r = 0;
    const char *p = ref;
    if (*p == '$')
        p++;
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
        return -1;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
        c = c * 26 + (size_t)((*p | 0x20) - 'a' + 1);
        if (c > MAX_COLS)
            return -1;
    }
    if (*p == '$')
        p++;
    if (*p < '1' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        r = r * 10 + (size_t)(*p - '0');
        if (r > MAX_ROWS)
            return -1;
    }
    if (*p && *p != ':')
        return -1;
    *col = c - 1;
    *line = r;
    return 0;
}

void xlsx_column_name(size_t i, char out[8])
{
    char rev[8];
    size_t n = 0;
    i++;
    while (i && n < 7) {
        rev[n++] = (char)('A' + (i - 1) % 26);
        i = (i - 1) / 26;
    }
    for (size_t k = 0; k < n; k++)
        out[k] = rev[n - 1 - k];
    out[n] = '\0';
}

/* A decimal number as written in <v>: its significant digits and the power of ten of the last.
 * 0, or -1 when the text is not a plain decimal number. */
static int decimal_parts(const char *s, bool *neg, char *digits, size_t cap, long *exp10)
{
    size_t n = 0;
    long frac = 0, e = 0;
    bool any = false, point = false;
    *neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    for (; (*s >= '0' && *s <= '9') || (*s == '.' && !point); s++) {
        if (*s == '.') {
            point = true;
            continue;
        }
        any = true;
        if (n == 0 && *s == '0') {
            frac += point;
            continue;
        }
        if (n + 1 >= cap)
            return -1;
        digits[n++] = *s;
        frac += point;
    }
    if (!any)
        return -1;
    if (*s == 'e' || *s == 'E') {
        char *end;
        errno = 0;
        e = strtol(s + 1, &end, 10);
        if (end == s + 1 || *end || errno || e > 400 || e < -400)
            return -1;
    } else if (*s)
        return -1;
    digits[n] = '\0';
    *exp10 = e - frac;
    return 0;
}

/* A number cell's text: integers in full when the file has every digit, others with Excel's 15
 * significant digits. *doubt is set (malloc'd) when the number has lost digits. */
static int number_text(const char *v, char *out, size_t cap, char **doubt)
{
    char digits[64], col_digits[128];
    bool neg;
    long e;
    *doubt = NULL;
    if (decimal_parts(v, &neg, digits, sizeof digits, &e)) {
        snprintf(out, cap, "%s", v);
        return 0;
    }
    size_t n = strlen(digits);
    /* Trailing zeros of the significand move into the exponent. */
    while (n && digits[n - 1] == '0') {
        digits[--n] = '\0';
        e++;
    }
    if (n == 0) {
        snprintf(out, cap, "0");
        return 0;
    }
    if (e >= 0 && n + (size_t)e <= 40) {
        size_t len = n + (size_t)e;
        snprintf(col_digits, sizeof col_digits, "%s%s%.*s", neg ? "-" : "", digits, (int)e,
                 "0000000000000000000000000000000000000000");
        snprintf(out, cap, "%s", col_digits);
        if (len > 15) {
            double d = strtod(col_digits, NULL);
            char back[128];
            snprintf(back, sizeof back, "%.0f", d);
            /* 15 significant digits or fewer: what Excel leaves of a longer number. The value of
             * a binary double beyond 2^53: a program wrote the double, not what was typed. */
            bool cut = n <= 15 || (fabs(d) > 9007199254740992.0 && strcmp(back, col_digits) == 0);
            if (cut) {
                char msg[256];
                snprintf(msg, sizeof msg, "the number %s has lost digits: Excel keeps 15, and this "
                         "one has %zu (format the column as text, 设置单元格格式为“文本”, and type "
                         "it again)", v, len);
                if (!(*doubt = strdup(msg)))
                    return -1;
            }
        }
        return 0;
    }
    char *end;
    double d = strtod(v, &end);
    if (*end || !isfinite(d))
        snprintf(out, cap, "%s", v);
    else
        snprintf(out, cap, "%.15g", d);
    return 0;
}

/* Days from 1970-01-01 to y-m-d, and back (Howard Hinnant's civil calendar algorithms). */
static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned long doe = (unsigned long)(z - era * 146097);
    unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned long mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

/* A date serial as the organizer sees it: 2026-04-12, with the time when it has one. */
static void date_text(const book *b, const char *v, char *out, size_t cap)
{
    char *end;
    double serial = strtod(v, &end);
    if (*end || !isfinite(serial) || serial < 0 || serial > 2958466) {
        snprintf(out, cap, "%s", v);
        return;
    }
    long days = (long)floor(serial);
    long secs = lround((serial - (double)days) * 86400.0);
    if (secs >= 86400)
        days++, secs -= 86400;
    long y;
    unsigned m, d;
    /* 1900 system: serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was,
     * so from serial 61 on day 0 is 1899-12-30. */
    long unix_days = b->date1904 ? days - 24107 : days >= 61 ? days - 25569 : days - 25568;
    civil_from_days(unix_days, &y, &m, &d);
    if (serial < 1 && !b->date1904)
        snprintf(out, cap, "%02ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
    else if (secs)
        snprintf(out, cap, "%04ld-%02u-%02u %02ld:%02ld:%02ld", y, m, d, secs / 3600,
                 secs / 60 % 60, secs % 60);
    else
        snprintf(out, cap, "%04ld-%02u-%02u", y, m, d);
}

/* ---- the sheet ----------------------------------------------------------------------------- */

static row *current_row(book *b)
{
    return b->n_rows ? &b->rows[b->n_rows - 1] : NULL;
}

static int put_cell(book *b, row *r, size_t col, char *txt, char *doubt)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        cell *grown = realloc(r->cells, cap * sizeof *grown);
        if (!grown)
            return -1;
        r->cells = grown;
        r->cap = cap;
    }
    if (!b->cells_left) {
        fail(b, "the sheet is too large: more than %zu cells", MAX_CELLS);
        return -1;
    }
    b->cells_left--;
    r->cells[r->n++] = (cell){col, txt, doubt};
    return 0;
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    book *b = ud;
    const char *n = local(name);
    if (b->failed)
        return;
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r", false);
        size_t line = b->last_line + 1;
        if (r) {
            char *end;
            unsigned long v = strtoul(r, &end, 10);
            if (*end || v < 1 || v > MAX_ROWS) {
                fail(b, "the sheet has a row numbered \"%.20s\"", r);
                return;
            }
            line = (size_t)v;
        }
        if (line > MAX_ROWS) {
            fail(b, "the sheet has more than %zu rows", MAX_ROWS);
            return;
        }
        if (b->n_rows == b->cap_rows) {
            size_t cap = b->cap_rows ? b->cap_rows * 2 : 256;
            row *grown = realloc(b->rows, cap * sizeof *grown);
            if (!grown) {
                oom(b);
                return;
            }
            b->rows = grown;
            b->cap_rows = cap;
        }
        if (!b->cells_left) {
            fail(b, "the sheet is too large: more than %zu cells", MAX_CELLS);
            return;
        }
        b->cells_left--;
        b->rows[b->n_rows++] = (row){.line = line};
        b->in_row = true;
        b->cur_line = b->last_line = line;
        b->last_col = (size_t)-1;
    } else if (strcmp(n, "c") == 0 && b->in_row) {
        const char *r = attr(atts, "r", false), *t = attr(atts, "t", false),
                   *s = attr(atts, "s", false);
        size_t col = b->last_col + 1, line;
        if (r && parse_ref(r, &col, &line)) {
            fail(b, "row %zu: a cell is named \"%.20s\", which is not a cell", b->cur_line, r);
            return;
        }
        if (col >= MAX_COLS) {
            fail(b, "row %zu: more than %zu columns", b->cur_line, MAX_COLS);
            return;
        }
        b->cur_col = b->last_col = col;
        snprintf(b->cur_type, sizeof b->cur_type, "%s", t ? t : "n");
        b->cur_style = s ? (unsigned)strtoul(s, NULL, 10) : 0;
        b->in_cell = true;
        b->buf.n = 0;
        if (text_add(&b->buf, "", 0))
            oom(b);
    } else if (strcmp(n, "v") == 0 && b->in_cell) {
        b->in_text = true;
    } else if (strcmp(n, "is") == 0 && b->in_cell) {
        b->in_is = true;
    } else if (strcmp(n, "rPh") == 0) {
        b->rph++;
    } else if (strcmp(n, "t") == 0 && b->in_is) {
        b->in_text = true;
    } else if (strcmp(n, "mergeCell") == 0) {
        const char *ref = attr(atts, "ref", false), *colon;
        size_t c1, r1, c2, r2;
        if (!ref || !(colon = strchr(ref, ':')) || parse_ref(ref, &c1, &r1) ||
            parse_ref(colon + 1, &c2, &r2) || c2 < c1 || r2 < r1)
            return; /* a merge that is not an area changes nothing */
        if (b->n_merges == b->cap_merges) {
            size_t cap = b->cap_merges ? b->cap_merges * 2 : 16;
            size_t(*grown)[4] = b->n_merges > 100000 ? NULL
                                                    : realloc(b->merges, cap * sizeof *grown);
            if (!grown) {
                fail(b, "the sheet has too many merged cells");
                return;
            }
            b->merges = grown;
            b->cap_merges = cap;
        }
        b->merges[b->n_merges][0] = r1;
        b->merges[b->n_merges][1] = c1;
        b->merges[b->n_merges][2] = r2;
        b->merges[b->n_merges][3] = c2;
        b->n_merges++;
    }
}

/* Keeps the text of the cell just read, unless it holds nothing. */
static void end_cell(book *b)
{
    char out[512], *doubt = NULL, *txt;
    const char *v = b->buf.p ? b->buf.p : "";
    const char *t = b->cur_type;
    row *r = current_row(b);
    b->in_cell = false;
    if (!r)
        return;
    if (strcmp(t, "s") == 0) {
        char *end;
        unsigned long k;
        if (!*v)
            return;
        k = strtoul(v, &end, 10);
        if (*end || k >= b->n_sst) {
            char name[8];
            xlsx_column_name(b->cur_col, name);
            fail(b, "row %zu: cell %s%zu refers to text %.20s that the workbook does not have",
                 b->cur_line, name, b->cur_line, v);
            return;
        }
        txt = strdup(b->sst[k]);
    } else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0 || strcmp(t, "e") == 0) {
        txt = strdup(v);
    } else if (strcmp(t, "b") == 0) {
        txt = strdup(strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v);
    } else if (strcmp(t, "d") == 0) {
        /* ISO 8601; a date at midnight is the date alone. */
        size_t len = strlen(v);
        if (len > 10 && strcmp(v + 10, "T00:00:00") == 0)
            len = 10;
        txt = strndup(v, len);
    } else {
        if (!*v)
            return;
        if (b->cur_style < b->n_xf && fmt_is_date(b, b->xf_fmt[b->cur_style])) {
            date_text(b, v, out, sizeof out);
        } else if (number_text(v, out, sizeof out, &doubt)) {
            oom(b);
            return;
        }
        txt = strdup(out);
    }
    if (!txt || !*txt) {
        if (!txt)
            oom(b);
        free(txt);
        free(doubt);
        return;
    }
    if (put_cell(b, r, b->cur_col, txt, doubt)) {
        if (!b->failed)
            oom(b);
        free(txt);
        free(doubt);
    }
}

static void sheet_end(void *ud, const XML_Char *name)
{
    book *b = ud;
    const char *n = local(name);
    if (b->failed)
        return;
    if (strcmp(n, "c") == 0 && b->in_cell)
        end_cell(b);
    else if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0)
        b->in_text = false;
    else if (strcmp(n, "is") == 0)
        b->in_is = false;
    else if (strcmp(n, "rPh") == 0 && b->rph)
        b->rph--;
    else if (strcmp(n, "row") == 0)
        b->in_row = false;
}

/* ---- laying the rows out -------------------------------------------------------------------- */

static int by_line(const void *x, const void *y)
{
    const row *a = x, *b = y;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int by_col(const void *x, const void *y)
{
    const cell *a = x, *b = y;
    return a->col < b->col ? -1 : a->col > b->col;
}

static row *find_row(book *b, size_t line)
{
    size_t lo = 0, hi = b->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->rows[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->n_rows && b->rows[lo].line == line ? &b->rows[lo] : NULL;
}

/* One of the sheet's own cells (not one filled from a merge). */
static cell *find_cell(row *r, size_t col)
{
    size_t lo = 0, hi = r->sorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->cells[mid].col < col)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->sorted && r->cells[lo].col == col ? &r->cells[lo] : NULL;
}

/* Every cell a merged area covers shows its top-left cell's text. Overlapping areas (Excel
 * refuses them) may fill a cell twice; one of the texts stands. */
static int fill_merges(book *b)
{
    size_t area_left = 4 * MAX_CELLS;
    for (size_t i = 0; i < b->n_rows; i++) {
        if (b->rows[i].n)
            qsort(b->rows[i].cells, b->rows[i].n, sizeof *b->rows[i].cells, by_col);
        b->rows[i].sorted = b->rows[i].n;
    }
    for (size_t k = 0; k < b->n_merges && !b->failed; k++) {
        size_t r1 = b->merges[k][0], c1 = b->merges[k][1], r2 = b->merges[k][2],
               c2 = b->merges[k][3];
        row *top = find_row(b, r1);
        cell *first = top ? find_cell(top, c1) : NULL;
        if (!first)
            continue;
        for (size_t line = r1; line <= r2; line++) {
            row *r = find_row(b, line);
            if (!r)
                continue;
            for (size_t col = c1; col <= c2; col++) {
                char *txt, *doubt = NULL;
                if (!area_left--) {
                    fail(b, "the sheet has too many merged cells");
                    return -1;
                }
                if (find_cell(r, col))
                    continue;
                /* top may move when r grows; find the first cell again each time. */
                first = find_cell(find_row(b, r1), c1);
                if (!(txt = strdup(first->text)) ||
                    (first->doubt && !(doubt = strdup(first->doubt))) ||
                    put_cell(b, r, col, txt, doubt)) {
                    free(txt);
                    free(doubt);
                    if (!b->failed)
                        oom(b);
                    return -1;
                }
            }
        }
    }
    return b->failed ? -1 : 0;
}

static void free_csv_row(csv_row *cr)
{
    for (size_t j = 0; j < cr->n; j++) {
        free(cr->fields[j]);
        if (cr->doubt)
            free(cr->doubt[j]);
    }
    free(cr->fields);
    free(cr->doubt);
}

/* The rows with text, as csv.h's table. The cells move into it. */
static int lay_out(book *b, csv_table *out)
{
    size_t cap = 0;
    for (size_t i = 0; i < b->n_rows; i++) {
        row *r = &b->rows[i];
        csv_row cr = {.line = r->line};
        bool doubtful = false;
        if (!r->n)
            continue;
        qsort(r->cells, r->n, sizeof *r->cells, by_col);
        cr.n = r->cells[r->n - 1].col + 1;
        if (cr.n > b->cells_left + r->n) {
            fail(b, "the sheet is too large: more than %zu cells", MAX_CELLS);
            return -1;
        }
        b->cells_left -= cr.n > r->n ? cr.n - r->n : 0;
        for (size_t k = 0; k < r->n; k++)
            doubtful |= r->cells[k].doubt != NULL;
        if (!(cr.fields = calloc(cr.n, sizeof *cr.fields)) ||
            (doubtful && !(cr.doubt = calloc(cr.n, sizeof *cr.doubt)))) {
            free(cr.fields);
            return -1;
        }
        for (size_t k = 0; k < r->n; k++) {
            cell *c = &r->cells[k];
            if (cr.fields[c->col]) { /* the same cell twice: the later one stands */
                free(cr.fields[c->col]);
                if (cr.doubt)
                    free(cr.doubt[c->col]);
            }
            cr.fields[c->col] = c->text;
            if (cr.doubt)
                cr.doubt[c->col] = c->doubt;
            else
                free(c->doubt);
            c->text = c->doubt = NULL;
        }
        bool ok = true;
        for (size_t j = 0; j < cr.n; j++)
            if (!cr.fields[j] && !(cr.fields[j] = strdup("")))
                ok = false;
        if (ok && out->n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            csv_row *grown = realloc(out->rows, ncap * sizeof *grown);
            if (grown) {
                out->rows = grown;
                cap = ncap;
            } else
                ok = false;
        }
        if (!ok) {
            free_csv_row(&cr);
            return -1;
        }
        out->rows[out->n++] = cr;
    }
    return 0;
}

static void free_book(book *b)
{
    free_rels(b);
    free(b->sheet_rid);
    for (size_t i = 0; i < b->n_sst; i++)
        free(b->sst[i]);
    free(b->sst);
    free(b->xf_fmt);
    free(b->fmts);
    for (size_t i = 0; i < b->n_rows; i++) {
        for (size_t k = 0; k < b->rows[i].n; k++) {
            free(b->rows[i].cells[k].text);
            free(b->rows[i].cells[k].doubt);
        }
        free(b->rows[i].cells);
    }
    free(b->rows);
    free(b->merges);
    free(b->buf.p);
}

bool xlsx_is_zip(const void *buf, size_t len)
{
    return len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0;
}

int xlsx_read(const void *buf, size_t len, csv_table *out, char *err, size_t errlen)
{
    book b = {.xml_left = MAX_XML, .cells_left = MAX_CELLS, .err = err, .errlen = errlen};
    zip_source_t *src = NULL;
    zip_error_t zerr;
    char wb_path[1024] = "xl/workbook.xml", rels_path[1100], part[1024];
    const rel *r;
    int rc = -1;

    memset(out, 0, sizeof *out);
    zip_error_init(&zerr);
    if (!(src = zip_source_buffer_create(buf, len, 0, &zerr)) ||
        !(b.z = zip_open_from_source(src, ZIP_RDONLY, &zerr))) {
        fail(&b, "the file is not a workbook Excel can open (%s); save it as .xlsx or CSV",
             zip_error_strerror(&zerr));
        if (src)
            zip_source_free(src);
        goto out;
    }
    /* The package says where the workbook is; xl/workbook.xml when it does not. */
    if (read_part(&b, "_rels/.rels", false, rel_start, no_end, no_chars) < 0)
        goto out;
    if ((r = rel_of_type(&b, "officeDocument")))
        resolve("", r->target, wb_path, sizeof wb_path);
    free_rels(&b);
    if (read_part(&b, wb_path, true, workbook_start, no_end, no_chars) < 0)
        goto out;
    if (!b.sheet_rid) {
        fail(&b, "the workbook has no visible worksheet");
        goto out;
    }
    const char *slash = strrchr(wb_path, '/');
    snprintf(rels_path, sizeof rels_path, "%.*s%s_rels/%s.rels",
             slash ? (int)(slash - wb_path) : 0, wb_path, slash ? "/" : "",
             slash ? slash + 1 : wb_path);
    if (read_part(&b, rels_path, true, rel_start, no_end, no_chars) < 0)
        goto out;
    if ((r = rel_of_type(&b, "sharedStrings"))) {
        resolve(wb_path, r->target, part, sizeof part);
        if (read_part(&b, part, true, sst_start, sst_end, text_chars) < 0)
            goto out;
    }
    if ((r = rel_of_type(&b, "styles"))) {
        resolve(wb_path, r->target, part, sizeof part);
        if (read_part(&b, part, false, styles_start, styles_end, no_chars) < 0)
            goto out;
    }
    r = NULL;
    for (size_t i = 0; i < b.n_rels && !r; i++)
        if (strcmp(b.rels[i].id, b.sheet_rid) == 0)
            r = &b.rels[i];
    if (!r || strcmp(r->type, "worksheet") != 0) {
        fail(&b, "the first sheet of the workbook is not a worksheet (a chart sheet?)");
        goto out;
    }
    resolve(wb_path, r->target, part, sizeof part);
    b.in_text = false;
    b.rph = 0;
    if (read_part(&b, part, true, sheet_start, sheet_end, text_chars) < 0)
        goto out;
    if (b.n_rows)
        qsort(b.rows, b.n_rows, sizeof *b.rows, by_line);
    if (fill_merges(&b))
        goto out;
    if (lay_out(&b, out)) {
        if (!b.failed)
            oom(&b);
        goto out;
    }
    rc = 0;
out:
    if (b.z)
        zip_discard(b.z); /* frees src too */
    free_book(&b);
    if (rc)
        csv_free(out);
    return rc;
}
