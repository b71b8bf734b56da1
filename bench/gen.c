/*
 * gen.c — writes a large, valid skillscore/1 competition file for benchmarks.
 *
 *   build/gen EVENTS ENTRIES_PER_EVENT CRITERIA JUDGES [SEED] > file.json
 *
 * Every entry gets a mark from every judge on every criterion and a theory score, so the file
 * computes without errors. Marks have one or two decimals, like real sheets. Deterministic for
 * a given seed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static uint32_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)(state >> 11);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: gen EVENTS ENTRIES_PER_EVENT CRITERIA JUDGES [SEED]\n");
        return 2;
    }
    int events = atoi(argv[1]), per = atoi(argv[2]), crit = atoi(argv[3]), judges = atoi(argv[4]);
    state = argc > 5 ? strtoull(argv[5], NULL, 10) : 88172645463325252ull;
    if (events < 1 || per < 1 || crit < 1 || crit > 100 || judges < 1) {
        fprintf(stderr, "gen: bad sizes\n");
        return 2;
    }
    /* criteria maxima in hundredths adding up to 100 points */
    int *max = calloc((size_t)crit, sizeof *max);
    for (int k = 0, left = 10000; k < crit; k++) {
        max[k] = k + 1 == crit ? left : 10000 / crit;
        left -= max[k];
    }
    printf("{\n\"format\": \"skillscore/1\",\n\"competition\": {\"id\": \"BENCH\", \"name\": "
           "\"基准测试竞赛\", \"class\": \"provincial\"},\n\"events\": [\n");
    for (int e = 0; e < events; e++) {
        printf("{\"id\": \"E%03d\", \"name\": \"赛项%d\", \"weights\": {\"theory\": 20, "
               "\"practical\": 80}, \"aggregation\": \"%s\", \"criteria\": [",
               e, e, e % 2 ? "mean" : "trimmed_mean");
        for (int k = 0; k < crit; k++)
            printf("%s{\"id\": \"C%02d\", \"max\": %d.%02d}", k ? ", " : "", k, max[k] / 100,
                   max[k] % 100);
        printf("]}%s\n", e + 1 < events ? "," : "");
    }
    printf("],\n\"entries\": [\n");
    for (int e = 0; e < events; e++) {
        for (int i = 0; i < per; i++) {
            printf("{\"id\": \"E%03d-%05d\", \"event\": \"E%03d\", \"group\": \"%s\", "
                   "\"time_seconds\": %u, \"members\": [{\"id\": \"P%03d-%05d\", \"name\": "
                   "\"选手%d\", \"level\": \"%s\"}]}%s\n",
                   e, i, e, i % 2 ? "职工组" : "学生组", 3000 + rnd() % 3000, e, i, i,
                   i % 3 ? "高级工" : "中级工", e + 1 < events || i + 1 < per ? "," : "");
        }
    }
    printf("],\n\"marks\": [\n");
    for (int e = 0; e < events; e++) {
        for (int i = 0; i < per; i++) {
            int ability = 50 + (int)(rnd() % 50);
            for (int k = 0; k < crit; k++) {
                for (int j = 0; j < judges; j++) {
                    int v = max[k] * ability / 100 + (int)(rnd() % 200) - 100;
                    if (v < 0)
                        v = 0;
                    if (v > max[k])
                        v = max[k];
                    int last = e + 1 == events && i + 1 == per && k + 1 == crit && j + 1 == judges;
                    printf("{\"entry\": \"E%03d-%05d\", \"criterion\": \"C%02d\", \"judge\": "
                           "\"J%02d\", \"score\": %d.%02d}%s\n",
                           e, i, k, j, v / 100, v % 100, last ? "" : ",");
                }
            }
        }
    }
    printf("],\n\"theory\": [\n");
    for (int e = 0; e < events; e++) {
        for (int i = 0; i < per; i++)
            printf("{\"entry\": \"E%03d-%05d\", \"score\": %u.5}%s\n", e, i, 40 + rnd() % 59,
                   e + 1 < events || i + 1 < per ? "," : "");
    }
    printf("]\n}\n");
    free(max);
    return 0;
}
