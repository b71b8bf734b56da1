/*
 * read.h — the whole of a command's input file (prefix cli_).
 */
#ifndef SKILLSCORE_CLI_READ_H
#define SKILLSCORE_CLI_READ_H

#include <stddef.h>

/* The exit status for bad input or usage; 1 is any other failure. */
#define EXIT_BAD_INPUT 2

/* The whole of path ("-" for stdin), malloc'd; NULL with a message on stderr and *status set to
 * the exit status (2: cannot open, 1: cannot read). Files above CF_MAX_FILE_BYTES are refused. */
char *cli_read(const char *path, size_t *len, int *status);

#endif
