/*
 * fuzz_read.c — libFuzzer target for the competition file reader: any bytes in, either a
 * competition or a message out, never a crash, a leak or undefined behaviour. Inputs that read
 * are also computed and written, so the engine and the results writer are fuzzed too.
 */
#include "compfile/compfile.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cf_competition *c = NULL;
    cf_results *r = NULL;
    cf_diag diag = {0};

    if (cf_read((const char *)data, size, &c, &diag) == 0) {
        if (cf_compute(c, SC_ALLOW_INCOMPLETE, &r, &diag) == 0)
            free(cf_results_json(c, r));
        cf_results_free(r);
        r = NULL;
        if (cf_compute(c, 0, &r, &diag) == 0)
            free(cf_results_json(c, r));
        cf_results_free(r);
        cf_free(c);
    }
    return 0;
}
