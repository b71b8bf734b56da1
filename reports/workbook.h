/*
 * workbook.h — a sheet of rows.h as an Excel workbook (.xlsx, libxlsxwriter; prefix rp_).
 *
 * Each section becomes a worksheet named after it ("E01 职工组"): the title merged over the
 * columns, the competition and the subtitle below it, the column heads, the rows (the same
 * cells as the PDF), the total row in bold, then the notes and the signature labels. Whole
 * numbers, scores and yuan are numbers (scores and yuan shown with two decimals); ID numbers and
 * any cell that does not read as a number ("—", "缺考") are text. Columns are as wide as their
 * longest cell, a Chinese character counted twice; heads repeat on every printed page.
 *
 * This takes any rp_sheet, so another table (the medal table) needs no code here.
 *
 * Ownership: *out is malloc'd, the caller frees it. Errors: -1 with a message in err. The
 * workbook is written through a temporary file ($TMPDIR or /tmp), removed before returning.
 */
#ifndef SKILLSCORE_REPORTS_WORKBOOK_H
#define SKILLSCORE_REPORTS_WORKBOOK_H

#include "reports/rows.h"

#include <stddef.h>

/* The first Excel row of a section's data (1-based): title, competition, subtitle, heads. */
#define RP_XLSX_FIRST_ROW 5

int rp_sheet_xlsx(const rp_sheet *s, unsigned char **out, size_t *len, char *err, size_t errcap);

#endif
