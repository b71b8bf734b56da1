/*
 * fuzz_csv.c — libFuzzer target for the CSV importer's parser: any bytes in (any encoding), a
 * table or a message out, never a crash, a leak or undefined behaviour. Each parsed field must
 * be valid C text no longer than the input converted.
 */
#include "server/lib/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[600];
    const char *enc = NULL;
    char *text = csv_to_utf8((const char *)data, size, &enc, err, sizeof err);
    csv_table t;

    if (!text)
        return 0;
    if (csv_parse(text, &t, err, sizeof err) == 0) {
        size_t n = strlen(text);
        for (size_t r = 0; r < t.n; r++)
            for (size_t f = 0; f < t.rows[r].n; f++)
                if (strlen(t.rows[r].fields[f]) > n)
                    abort();
        csv_free(&t);
    }
    free(text);
    return 0;
}
