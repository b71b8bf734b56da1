/*
 * pdf.c — see pdf.h. Units are PDF points (1/72 inch); y grows upwards, so a table's cursor y
 * starts near the top of the page and moves down.
 */
#include "pdf.h"

#include <pthread.h>
#include <qrencode.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MARGIN 36.0f
#define FOOTER 24.0f
#define CELL_SIZE 10.0f
#define CELL_PAD 4.0f
#define LINE_GAP 3.0f
#define HEAD_SPACE 70.0f /* competition, title and subtitle above a table */

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
    pdf_doc *d = user;
    if (!d->error) {
        d->error = error;
        d->detail = detail;
    }
}

/* Opens a document with the font at path (a collection's first face when collection). */
static int open_with(pdf_doc *d, const char *path, bool collection, const char *title,
                     char *err, size_t errcap);
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

int pdf_open(pdf_doc *d, const rp_opts *o, const char *title, char *err, size_t errcap)
{
    const char *path = o && o->font_path ? o->font_path : RP_DEFAULT_FONT;
    memset(d, 0, sizeof *d);
    d->font_fd = -1;
    return open_with(d, path, strstr(path, ".ttc") != NULL, title, err, errcap);
}

static int open_with(pdf_doc *d, const char *path, bool collection, const char *title,
                     char *err, size_t errcap)
{
    const char *name;
    FILE *probe;

    /* libharu reports a missing file as an error code; say which file in words. */
    if (!(probe = fopen(path, "rb"))) {
        snprintf(err, errcap, "cannot read the font %s (package fonts-arphic-uming)", path);
        return -1;
    }
    fclose(probe);
    if (!(d->doc = HPDF_New(on_error, d))) {
        snprintf(err, errcap, "cannot create a PDF document (out of memory)");
        return -1;
    }
    HPDF_SetCompressionMode(d->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(d->doc);
    HPDF_SetCurrentEncoder(d->doc, "UTF-8");
    pthread_mutex_lock(&load_lock);
    name = collection ? HPDF_LoadTTFontFromFile2(d->doc, path, 0, HPDF_TRUE)
                      : HPDF_LoadTTFontFromFile(d->doc, path, HPDF_TRUE);
    pthread_mutex_unlock(&load_lock);
    if (name)
        d->font = HPDF_GetFont(d->doc, name, "UTF-8");
    if (!d->font || d->error) {
        snprintf(err, errcap, "cannot load the font %s (libharu error 0x%04X)", path,
                 (unsigned)d->error);
        pdf_discard(d);
        return -1;
    }
    HPDF_SetInfoAttr(d->doc, HPDF_INFO_CREATOR, "skillscore");
    if (title)
        HPDF_SetInfoAttr(d->doc, HPDF_INFO_TITLE, title);
    return 0;
}

void pdf_discard(pdf_doc *d)
{
    if (d->doc)
        HPDF_Free(d->doc);
    d->doc = NULL;
    if (d->font_fd >= 0)
        close(d->font_fd);
    d->font_fd = -1;
    free(d->cps);
    d->cps = NULL;
}

int pdf_finish(pdf_doc *d, unsigned char **out, size_t *len, char *err, size_t errcap)
{
    HPDF_UINT32 size;
    unsigned char *buf = NULL;

    *out = NULL;
    *len = 0;
    if (d->error || HPDF_SaveToStream(d->doc) != HPDF_OK)
        goto fail;
    size = HPDF_GetStreamSize(d->doc);
    if (!(buf = malloc(size ? size : 1)))
        goto fail;
    if (HPDF_ResetStream(d->doc) != HPDF_OK || HPDF_ReadFromStream(d->doc, buf, &size) > 1 ||
        d->error)
        goto fail;
    pdf_discard(d);
    *out = buf;
    *len = size;
    return 0;
fail:
    snprintf(err, errcap, "cannot write the PDF (libharu error 0x%04X, detail %u)",
             (unsigned)d->error, (unsigned)d->detail);
    free(buf);
    pdf_discard(d);
    return -1;
}

HPDF_Page pdf_page(pdf_doc *d, bool landscape)
{
    if (d->collect)
        return NULL;
    HPDF_Page p = HPDF_AddPage(d->doc);
    HPDF_Page_SetSize(p, HPDF_PAGE_SIZE_A4, landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
    return p;
}

float pdf_width(const pdf_doc *d, const char *text, float size)
{
    if (d->collect) { /* an estimate: the characters are what counts on this run */
        float w = 0;
        for (const unsigned char *q = (const unsigned char *)text; *q; q++)
            w += *q < 0x80 ? size * 0.5f : (*q & 0xC0) != 0x80 ? size : 0;
        return w;
    }
    HPDF_TextWidth w = HPDF_Font_TextWidth(d->font, (const HPDF_BYTE *)text, (HPDF_UINT)strlen(text));
    return (float)w.width * size / 1000.0f;
}

float pdf_fit(const pdf_doc *d, const char *text, float size, float min, float maxw)
{
    float w = pdf_width(d, text, size);
    if (w <= maxw || w <= 0)
        return size;
    float s = size * maxw / w;
    return s < min ? min : s;
}

/* Length of the UTF-8 character at s (1 for a stray byte, so the loop always moves). */
static size_t u8len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : c >> 5 == 6 ? 2 : c >> 4 == 14 ? 3 : c >> 3 == 30 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (!s[i])
            return i;
    return n;
}

/* Whether the UTF-8 character at s is one of the characters of set. */
static bool strchr_u8(const char *set, const char *s)
{
    size_t n = u8len(s);
    for (const char *p = set; *p; p += u8len(p))
        if (u8len(p) == n && memcmp(p, s, n) == 0)
            return true;
    return false;
}

size_t pdf_wrap(const pdf_doc *d, const char *text, float size, float maxw, char **lines,
                size_t max)
{
    size_t n = 0, len = strlen(text);
    const char *start = text;
    char *buf = malloc(len + 1);
    if (!buf)
        return 0;
    while (*start && n < max) {
        size_t take = 0, ok = 0;
        /* Greedy: the longest prefix that fits; CJK text may break between any characters. */
        while (start[take]) {
            size_t k = take + u8len(start + take);
            memcpy(buf, start, k);
            buf[k] = '\0';
            if (pdf_width(d, buf, size) > maxw && ok)
                break;
            ok = take = k;
        }
        /* A list of facts joined by " · " breaks after a separator, not inside a fact. */
        if (start[ok]) {
            static const char sep[] = " \xC2\xB7 ";
            for (size_t p = ok; p-- > 1;)
                if (p + sizeof sep - 1 <= ok && memcmp(start + p, sep, sizeof sep - 1) == 0) {
                    ok = p + sizeof sep - 1;
                    break;
                }
        }
        /* A number or a Latin word is not cut in two ("20 / 000元"): the line ends before it,
         * unless it fills the whole line. */
        if (start[ok] && ok > 0) {
            size_t back = ok;
            while (back > 0 && (isalnum((unsigned char)start[back - 1]) || start[back - 1] == '.'))
                back--;
            if (back > 0 && back < ok &&
                (isalnum((unsigned char)start[ok]) || start[ok] == '.'))
                ok = back;
        }
        /* Chinese line breaking (避头): closing punctuation never starts a line. */
        while (start[ok] && strchr_u8("，。、；：！？）》」』”’,.;:!?)", start + ok))
            ok += u8len(start + ok);
        if (n == max - 1)
            ok = strlen(start); /* the last line takes the rest */
        lines[n] = strndup(start, ok);
        if (!lines[n])
            break;
        n++;
        start += ok;
    }
    free(buf);
    if (n == 0 && max > 0 && (lines[0] = strdup("")))
        n = 1;
    return n;
}

void pdf_free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
}

/* Records the characters of text (collecting run). */
static void collect(pdf_doc *d, const char *text)
{
    for (const unsigned char *q = (const unsigned char *)text; *q;) {
        uint32_t c;
        size_t k = u8len((const char *)q);
        if (k == 1)
            c = *q;
        else if (k == 2)
            c = (uint32_t)(q[0] & 0x1F) << 6 | (q[1] & 0x3Fu);
        else if (k == 3)
            c = (uint32_t)(q[0] & 0x0F) << 12 | (uint32_t)(q[1] & 0x3F) << 6 | (q[2] & 0x3Fu);
        else
            c = (uint32_t)(q[0] & 0x07) << 18 | (uint32_t)(q[1] & 0x3F) << 12 |
                (uint32_t)(q[2] & 0x3F) << 6 | (q[3] & 0x3Fu);
        q += k;
        if (c < 0x80)
            continue; /* ASCII is always in the subset */
        size_t i = 0;
        while (i < d->ncps && d->cps[i] != c)
            i++;
        if (i < d->ncps)
            continue;
        if (d->ncps == d->capcps) {
            size_t cap = d->capcps ? d->capcps * 2 : 256;
            uint32_t *grown = realloc(d->cps, cap * sizeof *grown);
            if (!grown) {
                d->error = HPDF_FAILD_TO_ALLOC_MEM;
                return;
            }
            d->cps = grown;
            d->capcps = cap;
        }
        d->cps[d->ncps++] = c;
    }
}

void pdf_text(pdf_doc *d, HPDF_Page p, float x, float y, float size, int align, const char *text)
{
    if (d->collect) {
        collect(d, text);
        return;
    }
    float w = align == PDF_LEFT ? 0 : pdf_width(d, text, size);
    HPDF_Page_BeginText(p);
    HPDF_Page_SetFontAndSize(p, d->font, size);
    HPDF_Page_TextOut(p, align == PDF_CENTER ? x - w / 2 : align == PDF_RIGHT ? x - w : x, y, text);
    HPDF_Page_EndText(p);
}

const char *pdf_level_long(sc_level level)
{
    switch (level) {
    case SC_LEVEL_5: return "初级工（五级）";
    case SC_LEVEL_4: return "中级工（四级）";
    case SC_LEVEL_3: return "高级工（三级）";
    case SC_LEVEL_2: return "技师（二级）";
    case SC_LEVEL_1: return "高级技师（一级）";
    default: return "";
    }
}

/* ---- tables ------------------------------------------------------------------------------- */

static float page_w(const pdf_table *t) { return t->landscape ? 841.89f : 595.28f; }
static float page_h(const pdf_table *t) { return t->landscape ? 595.28f : 841.89f; }

static void col_heads(pdf_table *t);

static void new_page(pdf_table *t)
{
    t->page_no++;
    t->y = page_h(t) - MARGIN;
    if (!t->draw) {
        t->page = NULL;
        t->y -= HEAD_SPACE;
        return;
    }
    t->page = pdf_page(t->d, t->landscape);
    char foot[64];
    snprintf(foot, sizeof foot, "第 %d 页 / 共 %d 页", t->page_no, t->pages);
    pdf_text(t->d, t->page, page_w(t) / 2, FOOTER - 6, 9, PDF_CENTER, foot);
    if (t->header)
        pdf_text(t->d, t->page, page_w(t) / 2, t->y - 12,
                 pdf_fit(t->d, t->header, 12, 7, page_w(t) - 2 * MARGIN), PDF_CENTER, t->header);
    pdf_text(t->d, t->page, page_w(t) / 2, t->y - 38,
             pdf_fit(t->d, t->title, 18, 8, page_w(t) - 2 * MARGIN), PDF_CENTER, t->title);
    if (t->subtitle)
        pdf_text(t->d, t->page, page_w(t) / 2, t->y - 56,
                 pdf_fit(t->d, t->subtitle, 11, 6, page_w(t) - 2 * MARGIN), PDF_CENTER,
                 t->subtitle);
    t->y -= HEAD_SPACE;
}

/* Height a row of these cells needs; lines[c] and counts[c] receive each cell's wrapped text. */
static float measure(pdf_table *t, const char *const *cells, char *lines[][8], size_t *counts)
{
    size_t most = 1;
    for (size_t c = 0; c < t->ncols; c++) {
        counts[c] = pdf_wrap(t->d, cells[c] ? cells[c] : "", CELL_SIZE,
                             t->cols[c].width - 2 * CELL_PAD, lines[c], 8);
        if (counts[c] > most)
            most = counts[c];
    }
    float h = (float)most * (CELL_SIZE + LINE_GAP) + 2 * CELL_PAD;
    return h < t->min_row ? t->min_row : h;
}

static void draw_row(pdf_table *t, char *lines[][8], const size_t *counts, float h, bool fill)
{
    float x = MARGIN;
    HPDF_Page p = t->page;
    if (fill) {
        HPDF_Page_SetRGBFill(p, 0.92f, 0.93f, 0.95f);
        HPDF_Page_Rectangle(p, MARGIN, t->y - h, page_w(t) - 2 * MARGIN, h);
        HPDF_Page_Fill(p);
        HPDF_Page_SetRGBFill(p, 0, 0, 0);
    }
    HPDF_Page_SetLineWidth(p, 0.5f);
    HPDF_Page_Rectangle(p, MARGIN, t->y - h, page_w(t) - 2 * MARGIN, h);
    HPDF_Page_Stroke(p);
    for (size_t c = 0; c < t->ncols; c++) {
        float w = t->cols[c].width;
        if (c > 0) {
            HPDF_Page_MoveTo(p, x, t->y);
            HPDF_Page_LineTo(p, x, t->y - h);
            HPDF_Page_Stroke(p);
        }
        for (size_t i = 0; i < counts[c]; i++) {
            float ty = t->y - CELL_PAD - CELL_SIZE * 0.85f - (float)i * (CELL_SIZE + LINE_GAP);
            int a = t->cols[c].align;
            float tx = a == PDF_LEFT ? x + CELL_PAD : a == PDF_RIGHT ? x + w - CELL_PAD : x + w / 2;
            pdf_text(t->d, p, tx, ty, CELL_SIZE, a, lines[c][i]);
        }
        x += w;
    }
}

static void put_row(pdf_table *t, const char *const *cells, bool head)
{
    char *lines[16][8];
    size_t counts[16];
    float h;
    if (t->ncols > 16)
        return;
    h = measure(t, cells, lines, counts);
    if (t->y - h < MARGIN + FOOTER) {
        for (size_t c = 0; c < t->ncols; c++)
            pdf_free_lines(lines[c], counts[c]);
        new_page(t);
        if (!head)
            col_heads(t);
        h = measure(t, cells, lines, counts);
    }
    if (t->draw)
        draw_row(t, lines, counts, h, head);
    t->y -= h;
    for (size_t c = 0; c < t->ncols; c++)
        pdf_free_lines(lines[c], counts[c]);
}

static void col_heads(pdf_table *t)
{
    const char *heads[16];
    for (size_t c = 0; c < t->ncols && c < 16; c++)
        heads[c] = t->cols[c].title;
    put_row(t, heads, true);
}

void pdf_section(pdf_table *t, const char *title, const char *subtitle, const pdf_col *cols,
                 size_t ncols)
{
    t->title = title;
    t->subtitle = subtitle;
    t->cols = cols;
    t->ncols = ncols;
    new_page(t);
    if (ncols)
        col_heads(t);
}

void pdf_heads(pdf_table *t, const pdf_col *cols, size_t ncols)
{
    t->cols = cols;
    t->ncols = ncols;
    if (t->y - 60 < MARGIN + FOOTER)
        new_page(t);
    t->y -= 8;
    col_heads(t);
}

void pdf_row(pdf_table *t, const char *const *cells, bool bold) { put_row(t, cells, bold); }

void pdf_lines(pdf_table *t, const char *const *lines, size_t n, float size)
{
    float h = (float)n * (size + 8) + 8;
    if (t->y - h < MARGIN + FOOTER) {
        new_page(t);
    }
    t->y -= 8;
    for (size_t i = 0; i < n; i++) {
        t->y -= size + 8;
        if (t->draw)
            pdf_text(t->d, t->page, MARGIN, t->y, pdf_fit(t->d, lines[i], size, 6,
                                                          page_w(t) - 2 * MARGIN),
                     PDF_LEFT, lines[i]);
    }
}

void pdf_signatures(pdf_table *t, const char *const *who, size_t n)
{
    float h = 60;
    if (t->y - h < MARGIN + FOOTER)
        new_page(t);
    t->y -= 40;
    if (t->draw) {
        float step = (page_w(t) - 2 * MARGIN) / (float)n;
        for (size_t i = 0; i < n; i++) {
            float x = MARGIN + step * (float)i;
            float w = pdf_width(t->d, who[i], 11);
            pdf_text(t->d, t->page, x, t->y, 11, PDF_LEFT, who[i]);
            HPDF_Page_SetLineWidth(t->page, 0.6f);
            HPDF_Page_MoveTo(t->page, x + w + 4, t->y - 2);
            HPDF_Page_LineTo(t->page, x + step - 16, t->y - 2);
            HPDF_Page_Stroke(t->page);
        }
    }
    t->y -= 20;
}

void pdf_run_tables(pdf_doc *d, bool landscape, const char *header,
                    void (*write)(pdf_table *t, void *ctx), void *ctx)
{
    pdf_table t = {.d = d, .landscape = landscape, .header = header};
    write(&t, ctx);
    int pages = t.page_no;
    memset(&t, 0, sizeof t);
    t.d = d;
    t.landscape = landscape;
    t.header = header;
    t.pages = pages;
    t.draw = true;
    write(&t, ctx);
}

int pdf_qr(HPDF_Page p, const char *text, float x, float y, float size)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return -1;
    float m = size / (float)(q->width + 8); /* 4 modules of quiet zone on each side */
    HPDF_Page_SetRGBFill(p, 1, 1, 1);
    HPDF_Page_Rectangle(p, x, y, size, size);
    HPDF_Page_Fill(p);
    HPDF_Page_SetRGBFill(p, 0, 0, 0);
    for (int r = 0; r < q->width; r++)
        for (int c = 0; c < q->width; c++)
            if (q->data[r * q->width + c] & 1)
                HPDF_Page_Rectangle(p, x + (float)(c + 4) * m, y + size - (float)(r + 5) * m, m, m);
    HPDF_Page_Fill(p);
    QRcode_free(q);
    return 0;
}


int pdf_render(const rp_opts *o, const char *title, void (*draw)(pdf_doc *d, void *ctx),
               void *ctx, unsigned char **out, size_t *len, char *err, size_t errcap)
{
    const char *path = o && o->font_path ? o->font_path : RP_DEFAULT_FONT;
    pdf_doc d;
    char fdpath[64];
    int fd;

    memset(&d, 0, sizeof d);
    d.font_fd = -1;
    d.collect = true;
    if (errcap)
        err[0] = '\0';
    draw(&d, ctx);
    if (d.error || (errcap && err[0])) {
        if (errcap && !err[0])
            snprintf(err, errcap, "out of memory while laying out the document");
        pdf_discard(&d);
        return -1;
    }
    if (pdf_subset_font(path, d.cps, d.ncps, &fd, err, errcap)) {
        pdf_discard(&d);
        return -1;
    }
    pdf_doc w;
    memset(&w, 0, sizeof w);
    w.font_fd = fd;
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
    if (open_with(&w, fdpath, false, title, err, errcap)) {
        /* w holds fd until discarded: closing it here as well could close a descriptor another
         * thread has just been given the same number. */
        pdf_discard(&w);
        pdf_discard(&d);
        return -1;
    }
    draw(&w, ctx);
    if (errcap && err[0]) {
        pdf_discard(&w);
        pdf_discard(&d);
        return -1;
    }
    if (pdf_finish(&w, out, len, err, errcap) == 0) {
        pdf_discard(&d);
        return 0;
    }
    /* Should libharu still fail to save the subset (subset.c says why it did), the document is
     * written with the whole font: larger, never wrong, and said so. */
    fprintf(stderr, "skillscore: 注意：%s：嵌入字体子集的文档保存失败（%s），改为嵌入整个字体\n",
            title ? title : "PDF", err);
    if (errcap)
        err[0] = '\0';
    pdf_discard(&d);
    if (pdf_open(&d, o, title, err, errcap))
        return -1;
    draw(&d, ctx);
    if (errcap && err[0]) {
        pdf_discard(&d);
        return -1;
    }
    return pdf_finish(&d, out, len, err, errcap);
}
