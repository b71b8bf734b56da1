/*
 * table.c — see table.h.
 */
#include "server/lib/table.h"

#include "server/lib/xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tb_read(const char *body, size_t len, csv_table *t, const char **kind, char *err,
            size_t errlen)
{
    char *text;
    int rc;
    memset(t, 0, sizeof *t);
    if (xlsx_is_zip(body, len)) {
        *kind = "xlsx";
        return xlsx_read(body, len, t, err, errlen);
    }
    /* The compound file of Excel 97–2003 (.xls, and .et of old WPS). */
    if (len >= 8 && memcmp(body, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        snprintf(err, errlen, "this is an old Excel file (.xls); save it as an Excel workbook "
                              "(.xlsx) or as CSV (另存为 .xlsx 或 CSV)");
        return -1;
    }
    if (!(text = csv_to_utf8(body, len, kind, err, errlen)))
        return -1;
    rc = csv_parse(text, t, err, errlen);
    free(text);
    return rc;
}

static bool same_trimmed(const char *field, const char *name)
{
    size_t n = strlen(name);
    while (*field == ' ' || *field == '\t')
        field++;
    if (strncmp(field, name, n) != 0)
        return false;
    for (field += n; *field == ' ' || *field == '\t'; field++)
        ;
    return *field == '\0';
}

size_t tb_header(const csv_table *t, const char *const *names, size_t n)
{
    for (size_t r = 0; r < t->n; r++)
        for (size_t i = 0; i < t->rows[r].n; i++)
            for (size_t k = 0; k < n; k++)
                if (same_trimmed(t->rows[r].fields[i], names[k]))
                    return r;
    return 0;
}

void tb_where(const csv_row *row, size_t i, bool workbook, char *out, size_t cap)
{
    char col[8];
    if (!workbook) {
        snprintf(out, cap, "line %zu", row->line);
        return;
    }
    xlsx_column_name(i, col);
    snprintf(out, cap, "line %zu, column %s", row->line, col);
}
