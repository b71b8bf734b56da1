/*
 * pdf.h — what the report writers share on top of libharu (internal to reports/, prefix pdf_):
 * a document with the CJK font loaded once, text measured and fitted, and tables that break
 * across pages with their header repeated and "第 x 页 / 共 y 页" in the footer.
 *
 * libharu reports errors through a callback; pdf_doc records the first one and every writer
 * checks it once at the end (pdf_finish), so a failed document is never returned as bytes.
 *
 * Tables are laid out twice: a dry run that only counts pages, then the real run that knows the
 * total for the footer. The callers write their tables as a function of a pdf_table and run it
 * through pdf_run_tables.
 */
#ifndef SKILLSCORE_REPORTS_PDF_H
#define SKILLSCORE_REPORTS_PDF_H

#include "reports.h"

#include <hpdf.h>
#include <stdint.h>

typedef struct pdf_doc {
    HPDF_Doc doc;
    HPDF_Font font;
    HPDF_STATUS error;       /* the first error libharu reported, 0 if none */
    HPDF_STATUS detail;
    /* pdf_render's first run: no document, pdf_page gives NULL (libharu ignores drawing on it),
     * pdf_text only records the characters, pdf_width estimates. */
    bool collect;
    uint32_t *cps;           /* the characters written, unordered, with repeats removed */
    size_t ncps, capcps;
    int font_fd;             /* the subset font's in-memory file, -1 when none */
} pdf_doc;
/* Runs draw(d, ctx) twice: once collecting the characters it writes, then into a document whose
 * font is cut down to them (pdf_subset_font), and saves it (*out malloc'd). draw must write the
 * same text whatever the widths; it reports its own failures by setting err. */
int pdf_render(const rp_opts *o, const char *title, void (*draw)(pdf_doc *d, void *ctx),
               void *ctx, unsigned char **out, size_t *len, char *err, size_t errcap);
/* The font at path cut down to ASCII and cps[0..n), in an in-memory file (*fd, the caller
 * closes it). 0, or -1 with err. */
int pdf_subset_font(const char *path, const uint32_t *cps, size_t n, int *fd, char *err,
                    size_t errcap);

int pdf_open(pdf_doc *d, const rp_opts *o, const char *title, char *err, size_t errcap);
/* Saves into memory (*out malloc'd) and frees the document, whatever happens. */
int pdf_finish(pdf_doc *d, unsigned char **out, size_t *len, char *err, size_t errcap);
void pdf_discard(pdf_doc *d);

HPDF_Page pdf_page(pdf_doc *d, bool landscape);
float pdf_width(const pdf_doc *d, const char *text, float size);
/* The largest size <= size (not below min) at which text fits in maxw. */
float pdf_fit(const pdf_doc *d, const char *text, float size, float min, float maxw);
/* Splits text into lines no wider than maxw at size; each line is malloc'd into lines[0..max).
 * Returns the number of lines (at least 1). */
size_t pdf_wrap(const pdf_doc *d, const char *text, float size, float maxw, char **lines,
                size_t max);
void pdf_free_lines(char **lines, size_t n);

enum { PDF_LEFT, PDF_CENTER, PDF_RIGHT };
/* Text on one line at (x, y) with the given alignment relative to x, in the current fill color. */
void pdf_text(pdf_doc *d, HPDF_Page p, float x, float y, float size, int align, const char *text);

/* ---- tables ---- */
typedef struct pdf_col {
    const char *title;
    float width;
    int align;
} pdf_col;

typedef struct pdf_table {
    pdf_doc *d;
    bool draw;               /* false on the counting run */
    bool landscape;
    const char *header;      /* every page: the competition */
    int page_no, pages;      /* pages: the total, known on the drawing run */
    HPDF_Page page;
    float y;                 /* where the next row goes (top of it) */
    const char *title, *subtitle;
    const pdf_col *cols;
    size_t ncols;
    float min_row;           /* rows at least this tall (room to write by hand); 0: fit text */
} pdf_table;

/* Starts a section on a new page: title, subtitle, column heads. */
void pdf_section(pdf_table *t, const char *title, const char *subtitle, const pdf_col *cols,
                 size_t ncols);
/* Column heads where the page is now (after lines of text): the table that follows. */
void pdf_heads(pdf_table *t, const pdf_col *cols, size_t ncols);
/* One row; cells wrap inside their column and the row grows to fit. bold draws it heavier. */
void pdf_row(pdf_table *t, const char *const *cells, bool bold);
/* Lines of text after the table (notes, totals), kept on one page. */
void pdf_lines(pdf_table *t, const char *const *lines, size_t n, float size);
/* The signature lines of a sheet, kept together. */
void pdf_signatures(pdf_table *t, const char *const *who, size_t n);

/* Runs write(t, ctx) twice (count, then draw) into d. */
void pdf_run_tables(pdf_doc *d, bool landscape, const char *header,
                    void (*write)(pdf_table *t, void *ctx), void *ctx);

/* The QR code of text with its lower-left corner at (x, y), side size, drawn as vector squares
 * with a quiet zone. 0, or -1 when it cannot be encoded. */
int pdf_qr(HPDF_Page p, const char *text, float x, float y, float size);

/* Level names as certificates write them: "技师（二级）". */
const char *pdf_level_long(sc_level level);

#endif
