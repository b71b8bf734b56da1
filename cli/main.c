/*
 * main.c — the skillscore command: one binary, one subcommand per job.
 *
 *   skillscore compute [--table] [--provisional] FILE|-
 *   skillscore serve [--db FILE] [--host ADDR] [--port N] [--demo] [--static DIR]
 *   skillscore audit verify --db FILE
 *   skillscore certificates FILE --db DB --out DIR [--base URL] [--pattern P]
 *   skillscore sheets FILE --out DIR [--db DB] [--format pdf|xlsx]
 *   skillscore verify URL [--db DB] [--file FILE]
 *   skillscore analytics FILE --event E --out FILE.pdf
 *
 * Exit status: 0 success, 2 bad input or usage (message on stderr, nothing on stdout),
 * 1 anything else (out of memory, unreadable file).
 */
#define _POSIX_C_SOURCE 200809L
#include "compfile/compfile.h"
#include "compfile/vec.h"
#include "server/serve.h"
#include "server/core/standby.h"
#include "cli/read.h"
#include "reports_cmd.h"
#include "table.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static const char usage[] =
    "usage: skillscore compute [--table] [--provisional] FILE|-\n"
    "       skillscore serve [--db FILE] [--host ADDR] [--port N] [--demo] [--static DIR]\n"
    "       skillscore serve --follow URL --db FILE   (a standby of the server at URL)\n"
    "       skillscore promote --db FILE\n"
    "       skillscore backup --db FILE --out FILE\n"
    "       skillscore audit verify --db FILE\n"
    "       skillscore certificates FILE --db DB --out DIR [--base URL] [--pattern P]\n"
    "       skillscore sheets FILE --out DIR [--db DB] [--format pdf|xlsx]\n"
    "       skillscore verify URL [--db DB] [--file FILE]\n"
    "       skillscore analytics FILE --event E --out FILE.pdf\n"
    "\n"
    "  compute      read a skillscore/1 competition file (- for stdin) and print the\n"
    "               skillscore-results/1 document\n"
    "    --table        print a ranking table for a terminal instead of JSON\n"
    "    --provisional  rank what can be ranked; entries with missing marks are pending\n"
    "  serve        run the venue server: JSON API under /api/, pages of judge-client/ at /\n"
    "    --db FILE      SQLite database (default skillscore.db; created on first start)\n"
    "    --host ADDR    address to listen on (default 127.0.0.1)\n"
    "    --port N       port (default 8080)\n"
    "    --demo         load the demo competition with demo accounts\n"
    "    --follow URL   be a standby: keep a verified copy of the server at URL (signs in\n"
    "                   as SKILLSCORE_FOLLOW_USER, default admin, with\n"
    "                   SKILLSCORE_FOLLOW_PASSWORD); serves reads, refuses writes\n"
    "  promote      make a standby's database the primary: the standby takes writes\n"
    "  backup       copy a database while it is served, and verify the copy\n"
    "  audit verify  check the audit log's hash chain; exit 1 naming the first broken row\n"
    "  certificates  award and skill-level certificates as PDF, one per person and one for\n"
    "                printing; issued into the register of --db (the server's database)\n"
    "  sheets        成绩公示表, 晋升名册 and 奖金发放表 as PDF, or as Excel (--format xlsx)\n"
    "  verify        check a certificate's QR link against the server's certificate register\n"
    "  analytics     裁判评分分析表 of one event as PDF: each judge's deviation from the\n"
    "                panels' medians, leniency, rank correlation, flags (docs/analytics.md)\n";


static void print_warning(void *ctx, const char *msg)
{
    fprintf(stderr, "skillscore: %s: %s\n", (const char *)ctx, msg);
}

static int cmd_compute(int argc, char **argv)
{
    const char *path = NULL;
    bool table = false;
    unsigned flags = 0;
    cf_competition *c = NULL;
    cf_results *r = NULL;
    cf_diag diag = {.warn = print_warning};
    char *buf = NULL, *json = NULL;
    size_t len = 0;
    int status = EXIT_BAD_INPUT;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--table") == 0)
            table = true;
        else if (strcmp(argv[i], "--provisional") == 0)
            flags |= SC_ALLOW_INCOMPLETE;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "skillscore compute: unknown option %s\n%s", argv[i], usage);
            return EXIT_BAD_INPUT;
        } else if (!path)
            path = argv[i];
        else {
            fprintf(stderr, "skillscore compute: one file at a time\n%s", usage);
            return EXIT_BAD_INPUT;
        }
    }
    if (!path) {
        fprintf(stderr, "skillscore compute: no file given\n%s", usage);
        return EXIT_BAD_INPUT;
    }
    diag.warn_ctx = (void *)path;
    if (!(buf = cli_read(path, &len, &status)))
        goto out;
    if (cf_read(buf, len, &c, &diag) != 0 || cf_compute(c, flags, &r, &diag) != 0) {
        fprintf(stderr, "skillscore: %s: %s\n", path, diag.message);
        goto out;
    }
    free(buf); /* the competition owns copies; give the memory back before printing */
    buf = NULL;
    if (table) {
        tbl_print_results(stdout, c, r);
    } else {
        json = cf_results_json(c, r);
        if (!json) {
            fprintf(stderr, "skillscore: out of memory\n");
            status = 1;
            goto out;
        }
        fputs(json, stdout);
    }
    status = fflush(stdout) == 0 ? 0 : 1;
out:
    free(json);
    free(buf);
    cf_results_free(r);
    cf_free(c);
    return status;
}

int main(int argc, char **argv)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_BAD_INPUT : 0;
    }
    if (strcmp(argv[1], "compute") == 0)
        return cmd_compute(argc - 1, argv + 1);
    if (strcmp(argv[1], "serve") == 0)
        return sv_serve_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "promote") == 0)
        return sb_promote_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "backup") == 0)
        return sb_backup_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "audit") == 0)
        return sv_audit_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "certificates") == 0)
        return cmd_certificates(argc - 1, argv + 1);
    if (strcmp(argv[1], "sheets") == 0)
        return cmd_sheets(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "analytics") == 0)
        return cmd_analytics(argc - 1, argv + 1);
    fprintf(stderr, "skillscore: unknown command \"%s\"\n%s", argv[1], usage);
    return EXIT_BAD_INPUT;
}
