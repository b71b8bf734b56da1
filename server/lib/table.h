/*
 * table.h — the table an organizer sends to an import (prefix tb_): a CSV file (csv.h) or an
 * Excel workbook (xlsx.h), told apart by content, read into the same rows, so the importers
 * have one path for both and name the same lines (for a workbook, Excel's row numbers).
 *
 * Organizers' tables often open with a title ("2026年…报名表", merged over the columns) above
 * the heads; tb_header() finds the row of heads by its names, and the rows before it are not
 * the importer's.
 *
 * Ownership: the table is the caller's (csv_free). Errors: -1 with err for the organizer.
 */
#ifndef SKILLSCORE_TABLE_H
#define SKILLSCORE_TABLE_H

#include "server/lib/csv.h"

#include <stdbool.h>
#include <stddef.h>

/* body as sent; *kind is "UTF-8", "GB18030" (CSV) or "xlsx". */
int tb_read(const char *body, size_t len, csv_table *t, const char **kind, char *err,
            size_t errlen);
/* The index of the first row with a cell (spaces around it ignored) equal to one of
 * names[0..n); 0 when none has, so the first row is taken for the heads as before. */
size_t tb_header(const csv_table *t, const char *const *names, size_t n);
/* Where field i of row is, for a message: "line 7" for CSV, "line 7, column G" for a
 * workbook. */
void tb_where(const csv_row *row, size_t i, bool workbook, char *out, size_t cap);

#endif
