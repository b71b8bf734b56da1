/*
 * workbook.c — see workbook.h. libxlsxwriter 1.1.4 (Debian 12) writes only to a file, so the
 * workbook goes through a private temporary file that is read back and removed.
 *
 * Numbers are written from the same text the PDF prints, parsed whole: a cell is a number only
 * when all of its text is one, so "—" and "缺考" stay what the PDF shows.
 */
#define _POSIX_C_SOURCE 200809L
#include "reports/workbook.h"

#include <xlsxwriter.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The font Chinese Excel and WPS use for tables; a face without CJK would fall back anyway. */
#define FONT "宋体"

typedef struct formats {
    lxw_format *title, *line, *head, *text, *id, *integer, *decimal, *bold, *bold_decimal,
        *plain;
} formats;

static lxw_format *cell_format(lxw_workbook *wb, double size, bool bold, bool border,
                               const char *num, uint8_t align)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_font_name(f, FONT);
    format_set_font_size(f, size);
    if (bold)
        format_set_bold(f);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    if (num)
        format_set_num_format(f, num);
    if (align)
        format_set_align(f, align);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
}

static void make_formats(lxw_workbook *wb, formats *f)
{
    f->title = cell_format(wb, 16, true, false, NULL, LXW_ALIGN_CENTER);
    f->line = cell_format(wb, 11, false, false, NULL, LXW_ALIGN_CENTER);
    f->head = cell_format(wb, 11, true, true, NULL, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->head);
    f->text = cell_format(wb, 11, false, true, NULL, 0);
    format_set_text_wrap(f->text);
    f->id = cell_format(wb, 11, false, true, "@", 0);
    f->integer = cell_format(wb, 11, false, true, "0", LXW_ALIGN_CENTER);
    f->decimal = cell_format(wb, 11, false, true, "0.00", LXW_ALIGN_RIGHT);
    f->bold = cell_format(wb, 11, true, true, NULL, 0);
    f->bold_decimal = cell_format(wb, 11, true, true, "0.00", LXW_ALIGN_RIGHT);
    f->plain = cell_format(wb, 11, false, false, NULL, 0);
}

/* Columns a text takes in a fixed-width view: a wide (CJK) character two, any other one. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        w += *p >= 0xE0 ? 2 : 1;
    }
    return w;
}

/* Whether all of s is a number of the column's kind; *v is its value. */
static bool as_number(const char *s, rp_cell_kind kind, double *v)
{
    char *end;
    if (kind != RP_CELL_INT && kind != RP_CELL_SCORE && kind != RP_CELL_MONEY)
        return false;
    if (!*s || (kind == RP_CELL_INT && strpbrk(s, ".eE")))
        return false;
    errno = 0;
    *v = strtod(s, &end);
    return !*end && !errno && end != s;
}

static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text,
                            rp_cell_kind kind, bool bold, const formats *f)
{
    double v;
    if (as_number(text, kind, &v))
        return worksheet_write_number(ws, row, col, v,
                                      kind == RP_CELL_INT ? (bold ? f->bold : f->integer)
                                                          : (bold ? f->bold_decimal : f->decimal));
    lxw_format *fmt = bold ? f->bold : kind == RP_CELL_ID ? f->id : f->text;
    if (!*text)
        return worksheet_write_blank(ws, row, col, fmt);
    return worksheet_write_string(ws, row, col, text, fmt);
}

/* A worksheet name Excel takes: none of []:*?/\, at most 31 characters, unique in the book. */
static void tab_name(const char *want, size_t index, char names[][128], char *out)
{
    size_t n = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)want; *p && n < 120; p++) {
        if (strchr("[]:*?/\\", *p))
            continue;
        if ((*p & 0xC0) != 0x80 && ++chars > 31)
            break;
        out[n++] = (char)*p;
    }
    out[n] = '\0';
    if (!n)
        snprintf(out, 128, "Sheet%zu", index + 1);
    for (size_t k = 0; k < index; k++)
        if (strcmp(names[k], out) == 0) {
            snprintf(out, 128, "%zu", index + 1); /* a repeated name gets its place instead */
            break;
        }
    snprintf(names[index], 128, "%s", out);
}

static lxw_error write_section(lxw_workbook *wb, const rp_sheet *s, const rp_section *sec,
                               const char *name, const formats *f)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    lxw_col_t last = (lxw_col_t)(s->n_cols - 1);
    lxw_row_t row = 0;
    lxw_error e = LXW_NO_ERROR;
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, RP_XLSX_FIRST_ROW - 2);
    worksheet_freeze_panes(ws, RP_XLSX_FIRST_ROW - 1, 0);
    worksheet_set_row(ws, 0, 30, NULL);
    if ((e = worksheet_merge_range(ws, row, 0, row, last, sec->title ? sec->title : s->name,
                                   f->title)) ||
        (e = worksheet_merge_range(ws, row + 1, 0, row + 1, last, s->header ? s->header : "",
                                   f->line)) ||
        (e = worksheet_merge_range(ws, row + 2, 0, row + 2, last,
                                   sec->subtitle ? sec->subtitle : "", f->line)))
        return e;
    row = RP_XLSX_FIRST_ROW - 2;
    for (size_t j = 0; j < s->n_cols; j++) {
        size_t w = text_width(s->cols[j].name);
        for (size_t i = 0; i < sec->n_rows; i++) {
            size_t cw = text_width(RP_CELL(s, sec, i, j));
            w = cw > w ? cw : w;
        }
        /* Wide enough for the longest cell, up to a width that wraps long units instead. */
        w = w + 2 < 6 ? 6 : w + 2 > 48 ? 48 : w + 2;
        if ((e = worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, (double)w,
                                      s->cols[j].kind == RP_CELL_ID ? f->id : NULL)) ||
            (e = worksheet_write_string(ws, row, (lxw_col_t)j, s->cols[j].name, f->head)))
            return e;
    }
    row++;
    for (size_t i = 0; i < sec->n_rows; i++, row++)
        for (size_t j = 0; j < s->n_cols; j++)
            if ((e = write_cell(ws, row, (lxw_col_t)j, RP_CELL(s, sec, i, j), s->cols[j].kind,
                                false, f)))
                return e;
    if (sec->total) {
        for (size_t j = 0; j < s->n_cols; j++)
            if ((e = write_cell(ws, row, (lxw_col_t)j, sec->total[j], s->cols[j].kind, true, f)))
                return e;
        row++;
    }
    row++;
    for (size_t i = 0; i < sec->n_notes; i++, row++)
        if ((e = worksheet_write_string(ws, row, 0, sec->notes[i], f->plain)))
            return e;
    if (sec->n_notes)
        row++;
    /* The signature labels spread over the width, as on the PDF. */
    for (size_t i = 0; i < sec->n_signatures; i++) {
        lxw_col_t col = (lxw_col_t)(i * s->n_cols / sec->n_signatures);
        if ((e = worksheet_write_string(ws, row, col, sec->signatures[i], f->plain)))
            return e;
    }
    return LXW_NO_ERROR;
}

static int read_back(const char *path, unsigned char **out, size_t *len, char *err,
                     size_t errcap)
{
    FILE *fp = fopen(path, "rb");
    long size;
    if (!fp || fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
        snprintf(err, errcap, "cannot read the workbook back: %s", strerror(errno));
        goto fail;
    }
    if (!(*out = malloc((size_t)size + 1))) {
        snprintf(err, errcap, "out of memory");
        goto fail;
    }
    if (fread(*out, 1, (size_t)size, fp) != (size_t)size) {
        snprintf(err, errcap, "cannot read the workbook back");
        free(*out);
        *out = NULL;
        goto fail;
    }
    *len = (size_t)size;
    fclose(fp);
    return 0;
fail:
    if (fp)
        fclose(fp);
    return -1;
}

int rp_sheet_xlsx(const rp_sheet *s, unsigned char **out, size_t *len, char *err, size_t errcap)
{
    const char *dir = getenv("TMPDIR");
    char path[4096], (*names)[128] = NULL;
    lxw_workbook *wb = NULL;
    lxw_error e = LXW_NO_ERROR;
    formats f;
    int fd, rc = -1;

    *out = NULL;
    *len = 0;
    if (s->n_cols == 0 || s->n_cols > LXW_COL_MAX) {
        snprintf(err, errcap, "a sheet of %zu columns", s->n_cols);
        return -1;
    }
    snprintf(path, sizeof path, "%s/skillscore-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    if ((fd = mkstemp(path)) < 0) {
        snprintf(err, errcap, "cannot make a temporary file in %s: %s",
                 dir && *dir ? dir : "/tmp", strerror(errno));
        return -1;
    }
    close(fd);
    if (!(names = calloc(s->n_sections + 1, sizeof *names)) || !(wb = workbook_new(path))) {
        snprintf(err, errcap, "cannot start the workbook");
        goto out;
    }
    lxw_doc_properties props = {.title = (char *)s->name, .author = "skillscore"};
    workbook_set_properties(wb, &props);
    make_formats(wb, &f);
    for (size_t k = 0; k < s->n_sections && !e; k++) {
        char name[128];
        tab_name(s->sections[k].tab ? s->sections[k].tab : s->name, k, names, name);
        e = write_section(wb, s, &s->sections[k], name, &f);
    }
    if (!e && s->n_sections == 0)
        e = workbook_add_worksheet(wb, s->name) ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error closed = workbook_close(wb); /* frees the workbook whatever happened */
    if (e || closed) {
        snprintf(err, errcap, "cannot write the workbook: %s", lxw_strerror(e ? e : closed));
        goto out;
    }
    rc = read_back(path, out, len, err, errcap);
out:
    unlink(path);
    free(names);
    return rc;
}
