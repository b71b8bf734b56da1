/*
 * sheets.c — the sheets organizers file: the result sheet per (event, group) (成绩公示表), the
 * promotion roster for the appraisal centre (晋升名册), the cash award list for the finance
 * office (奖金发放表) and, when entries carry delegations, the delegations' medal table (代表队奖牌榜).
 * The rows come from rows.h, which the Excel workbooks (workbook.h) print too; this file lays them
 * out as tables through pdf.h.
 */
#include "pdf.h"
#include "rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert((int)RP_LEFT == (int)PDF_LEFT && (int)RP_CENTER == (int)PDF_CENTER &&
                   (int)RP_RIGHT == (int)PDF_RIGHT,
               "rows.h aligns as pdf.h does");

/* Every section of the sheet: a new page with its heads, the rows, the total, notes and the
 * signature lines. */
static void write_sheet(pdf_table *t, void *ctx)
{
    const rp_sheet *s = ctx;
    pdf_col cols[16];
    const char *row[16];
    size_t n = s->n_cols < 16 ? s->n_cols : 16;
    for (size_t j = 0; j < n; j++)
        cols[j] = (pdf_col){s->cols[j].name, s->cols[j].width, s->cols[j].align};
    for (size_t k = 0; k < s->n_sections; k++) {
        const rp_section *sec = &s->sections[k];
        pdf_section(t, sec->title, sec->subtitle, cols, n);
        t->min_row = sec->min_row;
        for (size_t i = 0; i < sec->n_rows; i++) {
            for (size_t j = 0; j < n; j++)
                row[j] = RP_CELL(s, sec, i, j);
            pdf_row(t, row, false);
        }
        if (sec->total)
            pdf_row(t, (const char *const *)sec->total, true);
        if (sec->n_notes)
            pdf_lines(t, (const char *const *)sec->notes, sec->n_notes, 12);
        pdf_signatures(t, sec->signatures, sec->n_signatures);
    }
}

/* One sheet document: the competition in every page header. The sheet is freed here. */
static int sheet_pdf(rp_sheet *s, const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                     size_t errcap)
{
    pdf_doc d;
    int rc = -1;
    if (pdf_open(&d, o, s->name, err, errcap))
        goto out;
    pdf_run_tables(&d, true, s->header, write_sheet, s);
    rc = pdf_finish(&d, pdf, len, err, errcap);
out:
    rp_sheet_free(s);
    return rc;
}

int rp_results_pdf(const cf_competition *c, const cf_results *r, const bool *include,
                   const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    rp_sheet s;
    if (rp_sheet_results(c, r, include, &s, err, errcap))
        return -1;
    return sheet_pdf(&s, o, pdf, len, err, errcap);
}

int rp_promotions_pdf(const cf_competition *c, const cf_results *r, const rp_certs *certs,
                      const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                      size_t errcap)
{
    rp_sheet s;
    if (rp_sheet_promotions(c, r, certs, &s, err, errcap))
        return -1;
    return sheet_pdf(&s, o, pdf, len, err, errcap);
}

int rp_cash_pdf(const cf_competition *c, const cf_results *r, const bool *include,
                const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    rp_sheet s;
    if (rp_sheet_cash(c, r, include, &s, err, errcap))
        return -1;
    return sheet_pdf(&s, o, pdf, len, err, errcap);
}

int rp_medal_table_pdf(const cf_competition *c, const cf_results *r, const rp_opts *o,
                       unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    rp_sheet s;
    if (rp_sheet_medals(c, r, &s, err, errcap))
        return -1;
    return sheet_pdf(&s, o, pdf, len, err, errcap);
}
