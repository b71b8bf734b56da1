/*
 * reports_cmd.h — the report subcommands of skillscore (prefix cmd_):
 *
 *   skillscore certificates FILE --db DB --out DIR [--base URL] [--pattern P] [--reissue WHY]
 *   skillscore sheets FILE --out DIR [--db DB]
 *   skillscore verify URL [--db DB] [--file FILE]
 *   skillscore analytics FILE --event E --out FILE.pdf
 *
 * Each returns the process exit status: 0, 2 for bad input or usage, 1 otherwise.
 */
#ifndef SKILLSCORE_REPORTS_CMD_H
#define SKILLSCORE_REPORTS_CMD_H

#include <stddef.h>

int cmd_certificates(int argc, char **argv);
int cmd_sheets(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_analytics(int argc, char **argv);

#endif
