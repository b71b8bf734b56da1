/*
 * xlsx.h — the first worksheet of an Excel workbook (.xlsx, as Excel or WPS saves it) as the
 * rows of text csv.h makes of a CSV file (prefix xlsx_), so an importer reads both the same way.
 *
 * An .xlsx is a zip archive of XML parts; libzip opens the archive and expat reads the parts
 * (no DTDs: a part that declares one is refused). The worksheet is the first one in the
 * workbook that is not hidden, found through the workbook's relationships as Excel does.
 *
 * What a cell becomes: its text as the organizer sees it. Shared strings and inline strings
 * (rich text runs joined, phonetic guides left out); formulas give their cached result; numbers
 * with at most 15 significant digits, as Excel shows them (85.5, 530102199001011); dates, by
 * their cell format, as 2026-04-12 (and a time as 2026-04-12 08:30:00); booleans TRUE/FALSE;
 * errors as Excel writes them (#N/A). Merged cells give their value to every cell they cover
 * (a title merged over the columns, a team's entry number merged over its members' rows).
 *
 * Rows: row->line is the Excel row number; field i is column i (A is 0), "" where the sheet has
 * nothing. Rows with no text at all (the empty rows below the table) are left out, as csv.h
 * leaves out empty lines.
 *
 * Doubtful numbers: Excel keeps 15 significant digits, so an 18-digit ID number typed into a
 * number cell is stored as 530102199001011000 or 5.30102199001011E+17 — its last digits are gone.
 * Such a cell keeps that text, and row->doubt[i] says why it cannot be trusted (csv_row's doubt);
 * an importer refuses the row when it uses that field. An integer of more than 15 digits is
 * trusted only when the file carries every digit and it is not a binary double's value.
 *
 * Limits: 256 MiB of XML in all, 2,000,000 cells, Excel's 16,384 columns and 1,048,576 rows.
 * Ownership: the table is the caller's, csv_free() releases it. Errors: -1 with err.
 */
#ifndef SKILLSCORE_XLSX_H
#define SKILLSCORE_XLSX_H

#include "server/lib/csv.h"

#include <stdbool.h>
#include <stddef.h>

/* Whether buf starts like a zip archive (PK\3\4), as every .xlsx does. */
bool xlsx_is_zip(const void *buf, size_t len);
/* 0 and *out, or -1 with err saying what is wrong with the file. */
int xlsx_read(const void *buf, size_t len, csv_table *out, char *err, size_t errlen);
/* Column i's letters as Excel shows them: 0 "A", 25 "Z", 26 "AA". out has room for 8. */
void xlsx_column_name(size_t i, char out[8]);

#endif
