/*
 * table.h — a ranking table for a terminal, with CJK characters counted two columns wide.
 */
#ifndef SKILLSCORE_TABLE_H
#define SKILLSCORE_TABLE_H

#include "compfile/compfile.h"

#include <stdio.h>

/* Columns a UTF-8 string takes on a terminal (wcwidth of each character; needs LC_CTYPE set to
 * a UTF-8 locale, else every character counts one). */
size_t tbl_width(const char *s);

/* Prints every group of r as an aligned table. */
void tbl_print_results(FILE *f, const cf_competition *c, const cf_results *r);

#endif
