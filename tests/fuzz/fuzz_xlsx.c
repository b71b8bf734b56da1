/*
 * fuzz_xlsx.c — libFuzzer target for the .xlsx reader: any bytes in (a zip archive or not), a
 * table or a message out, never a crash, a leak or undefined behaviour. A table's rows must be
 * in Excel row order with text in every field, and a doubt only where a field is.
 */
#include "server/lib/xlsx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[600];
    csv_table t;

    if (xlsx_read(data, size, &t, err, sizeof err) != 0) {
        if (!memchr(err, '\0', sizeof err) || !err[0])
            abort(); /* a refusal always says why */
        return 0;
    }
    for (size_t r = 0; r < t.n; r++) {
        bool any = false;
        if (r && t.rows[r].line < t.rows[r - 1].line)
            abort();
        for (size_t f = 0; f < t.rows[r].n; f++) {
            if (!t.rows[r].fields[f])
                abort();
            any |= t.rows[r].fields[f][0] != '\0';
        }
        if (!any)
            abort(); /* empty rows are left out */
    }
    csv_free(&t);
    return 0;
}
