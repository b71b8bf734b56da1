/*
 * bench_group.c — what the server does after every mark: recompute one (event, group).
 *
 *   build/bench_group FILE EVENT_ID GROUP ITERATIONS
 *
 * Reads FILE once, then recomputes the one group ITERATIONS times through cf_compute_group()
 * (copying marks out of the slots, engine, results order) and prints the median and the p99
 * time per recompute, plus the cost of writing that group's results document.
 */
#define _POSIX_C_SOURCE 200809L
#include "compfile/compfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_group FILE EVENT_ID GROUP ITERATIONS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return perror(argv[1]), 2;
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(len);
    if (!buf || fread(buf, 1, len, f) != len)
        return fprintf(stderr, "read failed\n"), 1;
    fclose(f);

    cf_competition *c = NULL;
    cf_diag diag = {0};
    if (cf_read(buf, len, &c, &diag) != 0)
        return fprintf(stderr, "%s\n", diag.message), 2;
    free(buf);
    long ev = cf_event_index(c, argv[2]);
    int iters = atoi(argv[4]);
    if (ev < 0 || iters < 1)
        return fprintf(stderr, "no such event, or bad iterations\n"), 2;

    double *t = malloc((size_t)iters * sizeof *t), *w = malloc((size_t)iters * sizeof *w);
    size_t entries = 0, marks = 0;
    for (int i = 0; i < iters; i++) {
        cf_results *r = NULL;
        double t0 = now_ms();
        if (cf_compute_group(c, (size_t)ev, argv[3], 0, &r, &diag) != 0)
            return fprintf(stderr, "%s\n", diag.message), 2;
        double t1 = now_ms();
        char *json = cf_results_json(c, r);
        double t2 = now_ms();
        t[i] = t1 - t0;
        w[i] = t2 - t1;
        if (i == 0 && r->n_groups == 1) {
            entries = r->groups[0].n;
            for (size_t k = 0; k < entries; k++) {
                const cf_entry *en = &c->entries[r->groups[0].entries[k].entry];
                marks += c->slot_start[en->first_slot + c->events[ev].n_criteria] -
                         c->slot_start[en->first_slot];
            }
        }
        free(json);
        cf_results_free(r);
    }
    qsort(t, (size_t)iters, sizeof *t, cmp_double);
    qsort(w, (size_t)iters, sizeof *w, cmp_double);
    printf("group %s/%s: %zu entries, %zu marks, %d recomputes\n", argv[2], argv[3], entries, marks,
           iters);
    printf("recompute: median %.3f ms, p99 %.3f ms, max %.3f ms\n", t[iters / 2],
           t[(size_t)(iters * 0.99)], t[iters - 1]);
    printf("results JSON of the group: median %.3f ms\n", w[iters / 2]);
    free(t);
    free(w);
    cf_free(c);
    return 0;
}
