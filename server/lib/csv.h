/*
 * csv.h — comma-separated values as organizers export them from Excel or WPS (prefix csv_).
 *
 * csv_to_utf8() takes the bytes as sent: UTF-8 with or without a byte order mark, or GB18030
 * (what Excel writes on a Chinese Windows), told apart by whether the bytes are valid UTF-8.
 * csv_parse() splits RFC 4180 text (quoted fields, doubled quotes, CRLF or LF, a quoted field
 * may span lines) into rows of fields, keeping each row's starting line number for messages.
 *
 * Ownership: both return malloc'd memory; csv_free() releases a table (xlsx.h's tables too).
 */
#ifndef SKILLSCORE_CSV_H
#define SKILLSCORE_CSV_H

#include <stddef.h>

typedef struct csv_row {
    char **fields;
    size_t n;
    size_t line;             /* 1-based line where the row starts (xlsx.h: the Excel row) */
    char **doubt;            /* NULL, or per field NULL or why its text is not what was typed
                              * (xlsx.h: a number Excel cut to 15 digits); CSV has none */
} csv_row;

typedef struct csv_table {
    csv_row *rows;
    size_t n;
} csv_table;

/* Returns a NUL-terminated UTF-8 copy, or NULL with err set (e.g. invalid in both encodings). */
char *csv_to_utf8(const char *buf, size_t len, const char **encoding, char *err, size_t errlen);
/* 0 and *out, or -1 with err naming the line (unterminated quote, text after a closing quote). */
int csv_parse(const char *text, csv_table *out, char *err, size_t errlen);
void csv_free(csv_table *t);

#endif
