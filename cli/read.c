/*
 * read.c — reading a whole input file for the commands (see read.h).
 */
#include "cli/read.h"

#include "compfile/compfile.h"
#include "compfile/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads all of f into a malloc'd buffer: a regular file in one read of its size, a pipe in
 * doubling chunks. */
static char *slurp(FILE *f, size_t *len)
{
    struct stat st;
    size_t cap = 1 << 16, n = 0;
    char *buf;

    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (size_t)st.st_size <= CF_MAX_FILE_BYTES)
        cap = (size_t)st.st_size + 1; /* + 1: the read that sees end of file */
    buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap && (cap > CF_MAX_FILE_BYTES || VEC_RESERVE(buf, cap, cap + 1, cap))) {
            free(buf);
            return NULL;
        }
    }
    if (buf && ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

char *cli_read(const char *path, size_t *len, int *status)
{
    char *buf;
    if (strcmp(path, "-") == 0)
        buf = slurp(stdin, len);
    else {
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "skillscore: %s: %s\n", path, strerror(errno));
            *status = EXIT_BAD_INPUT;
            return NULL;
        }
        buf = slurp(f, len);
        fclose(f);
    }
    if (!buf) {
        fprintf(stderr, "skillscore: %s: could not read the file (too large or unreadable)\n",
                path);
        *status = 1;
    }
    return buf;
}
