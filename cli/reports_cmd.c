/*
 * reports_cmd.c — certificates, sheets and the offline certificate check from the command line.
 *
 * The signing key is the venue server's: it lives in the server's database (settings), so
 * certificates printed here verify on the server, and `verify` checks offline with that database.
 * A certificate run on a file whose marks are incomplete is refused, as `compute` refuses it:
 * certificates state final results only.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli/read.h"
#include "reports_cmd.h"

#include "reports/reports.h"
#include "reports/workbook.h"
#include "server/core/register.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


typedef struct opts {
    const char *file, *out, *db, *base, *pattern, *against, *format, *event;
    bool no_split, no_combined, allow_private;
} opts;

static int parse(const char *cmd, int argc, char **argv, opts *o, const char *usage)
{
    memset(o, 0, sizeof *o);
    o->db = "skillscore.db";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--out") == 0       ? &o->out
                            : strcmp(a, "--db") == 0      ? &o->db
                            : strcmp(a, "--base") == 0    ? &o->base
                            : strcmp(a, "--pattern") == 0 ? &o->pattern
                            : strcmp(a, "--file") == 0    ? &o->against
                            : strcmp(a, "--format") == 0  ? &o->format
                            : strcmp(a, "--event") == 0   ? &o->event
                                                          : NULL;
        if (strcmp(a, "--no-split") == 0)
            o->no_split = true;
        else if (strcmp(a, "--no-combined") == 0)
            o->no_combined = true;
        else if (strcmp(a, "--allow-private") == 0)
            o->allow_private = true;
        else if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "skillscore %s: %s needs a value\n%s", cmd, a, usage);
                return -1;
            }
            *slot = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "skillscore %s: unknown option %s\n%s", cmd, a, usage);
            return -1;
        } else if (!o->file)
            o->file = a;
        else {
            fprintf(stderr, "skillscore %s: one file at a time\n%s", cmd, usage);
            return -1;
        }
    }
    return 0;
}

/* Reads and computes a competition file; final results only. */
static int load(const char *path, cf_competition **c, cf_results **r)
{
    size_t len = 0;
    int status = EXIT_BAD_INPUT;
    char *buf = cli_read(path, &len, &status);
    cf_diag diag = {0};
    if (!buf)
        return status;
    if (cf_read(buf, len, c, &diag) || cf_compute(*c, 0, r, &diag)) {
        fprintf(stderr, "skillscore: %s: %s\n", path, diag.message);
        free(buf);
        cf_free(*c);
        *c = NULL;
        return EXIT_BAD_INPUT;
    }
    free(buf);
    return 0;
}

static int make_dir(const char *dir)
{
    if (mkdir(dir, 0755) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "skillscore: %s: %s\n", dir, strerror(errno));
    return -1;
}

/* Writes buf to dir/name atomically (a temporary file renamed into place). */
static int write_file(const char *dir, const char *name, const unsigned char *buf, size_t len)
{
    char path[4096], tmp[4200];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(f = fopen(tmp, "wb")) || fwrite(buf, 1, len, f) != len || fclose(f)) {
        fprintf(stderr, "skillscore: %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    if (rename(tmp, path)) {
        fprintf(stderr, "skillscore: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The server's key, from (or made in) the database at path. */
static int load_key(const char *db, unsigned char key[RP_KEY_BYTES])
{
    st_store *st = NULL;
    char err[600];
    if (st_open(db, &st, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s\n", err);
        return -1;
    }
    int rc = rg_key(st, key);
    if (rc)
        fprintf(stderr, "skillscore: %s: cannot read the signing key: %s\n", db, st_errmsg(st));
    st_close(st);
    return rc;
}

/* Issues certs into the register of the database at db (register.h): numbers already issued
 * stay; changed facts revoke and reissue. certs take the register's numbers. */
static int issue(const char *db, const cf_competition *c, const cf_results *r, const char *pattern,
                 const unsigned char key[RP_KEY_BYTES], rp_certs *certs)
{
    st_store *st = NULL;
    rg_counts n;
    char err[600];
    int rc;
    if (st_open(db, &st, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s\n", err);
        return -1;
    }
    rc = rg_sync(st, c, r, NULL, pattern, key, certs, "cli", "成绩变更后重新签发", &n, err,
                 sizeof err);
    if (rc)
        fprintf(stderr, "skillscore: %s: cannot issue the certificates: %s\n", db, err);
    else if (n.issued || n.revoked)
        fprintf(stderr, "register %s: %zu issued, %zu kept, %zu revoked\n", db, n.issued, n.kept,
                n.revoked);
    st_close(st);
    return rc;
}

/* ---- one file per person, on every core --------------------------------------------------
 * Each file embeds the font again, which costs libharu ~85 ms whatever the file holds, so the
 * files are written by one thread per core. Documents share nothing (libharu keeps its state per
 * document), and each file is the same bytes whichever thread writes it. */

typedef struct split_job {
    const cf_competition *c;
    const cf_results *r;
    const rp_certs *certs;
    const rp_opts *ro;
    const char *out;
    size_t *starts;          /* person p has certs->items[starts[p] .. starts[p + 1]) */
    size_t people;
    atomic_size_t next, done;
    atomic_bool failed;
} split_job;

static void *split_worker(void *arg)
{
    split_job *j = arg;
    const rp_cert *list[8];
    char err[600], name[512];
    for (;;) {
        size_t p = atomic_fetch_add(&j->next, 1), n = 0;
        unsigned char *pdf = NULL;
        size_t len = 0;
        if (p >= j->people || atomic_load(&j->failed))
            break;
        for (size_t i = j->starts[p]; i < j->starts[p + 1] && n < 8; i++)
            list[n++] = &j->certs->items[i];
        const cf_member *m = &j->c->entries[list[0]->entry].members[list[0]->member];
        snprintf(name, sizeof name, "%s-%s.pdf", m->id, m->name);
        for (char *q = name; *q; q++)
            if (*q == '/')
                *q = '_';
        if (rp_certificates_pdf(j->c, j->r, list, n, j->ro, &pdf, &len, err, sizeof err)) {
            fprintf(stderr, "\nskillscore: %s: %s\n", name, err);
            atomic_store(&j->failed, true);
        } else if (write_file(j->out, name, pdf, len))
            atomic_store(&j->failed, true);
        free(pdf);
        atomic_fetch_add(&j->done, 1);
    }
    return NULL;
}

/* Whether certificate i is the first of a person: a person's certificates are next to each other
 * in the list. */
static bool first_of_person(const rp_certs *certs, size_t i)
{
    return i == 0 || certs->items[i].entry != certs->items[i - 1].entry ||
           certs->items[i].member != certs->items[i - 1].member;
}

static int write_split(const cf_competition *c, const cf_results *r, const rp_certs *certs,
                       const rp_opts *ro, const char *out, bool tty)
{
    split_job j = {.c = c, .r = r, .certs = certs, .ro = ro, .out = out};
    pthread_t threads[8];
    long cores = getenv("SKILLSCORE_THREADS") ? atol(getenv("SKILLSCORE_THREADS"))
                                                : sysconf(_SC_NPROCESSORS_ONLN);
    size_t n_threads = cores < 1 ? 1 : cores > 8 ? 8 : (size_t)cores, started = 0;

    if (!(j.starts = malloc((certs->n + 1) * sizeof *j.starts))) {
        fprintf(stderr, "skillscore: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < certs->n; i++)
        if (first_of_person(certs, i))
            j.starts[j.people++] = i;
    j.starts[j.people] = certs->n;
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    atomic_init(&j.failed, false);
    for (; started < n_threads; started++)
        if (pthread_create(&threads[started], NULL, split_worker, &j))
            break;
    if (started == 0)
        split_worker(&j);
    while (tty && atomic_load(&j.done) < j.people && !atomic_load(&j.failed)) {
        fprintf(stderr, "\r证书 certificates: %zu / %zu people", atomic_load(&j.done), j.people);
        nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    }
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    if (tty)
        fprintf(stderr, "\r证书 certificates: %zu / %zu people", atomic_load(&j.done), j.people);
    free(j.starts);
    return atomic_load(&j.failed) ? -1 : 0;
}

static const char cert_usage[] =
    "usage: skillscore certificates FILE --out DIR --base URL [--allow-private] [--db DB] "
    "[--pattern P]\n"
    "                                  [--no-split] [--no-combined]\n"
    "  one PDF per person and certificates.pdf with all of them, for printing\n"
    "    --no-split    only certificates.pdf;  --no-combined  only the files per person\n"
    "    --db DB       the server's database, which holds the signing key (default skillscore.db)\n"
    "    --base URL    the address the QR codes point at, where phones verify (required;\n"
    "                  e.g. https://jieguo.example.cn)\n"
    "    --allow-private  accept a loopback or private --base (certificates that verify only\n"
    "                  inside the venue network), with a warning\n"
    "    --pattern P   certificate numbers, e.g. {code}-{year}-{event}-{kind}{seq:4}\n";

int cmd_certificates(int argc, char **argv)
{
    opts o;
    cf_competition *c = NULL;
    cf_results *r = NULL;
    rp_certs certs = {0};
    unsigned char key[RP_KEY_BYTES], *pdf = NULL;
    const rp_cert **list = NULL;
    size_t len = 0, people = 0;
    char err[600];
    int status = EXIT_BAD_INPUT;
    bool tty = isatty(2);

    if (parse("certificates", argc, argv, &o, cert_usage))
        return EXIT_BAD_INPUT;
    if (!o.file || !o.out) {
        fprintf(stderr, "skillscore certificates: a FILE and --out DIR are needed\n%s", cert_usage);
        return EXIT_BAD_INPUT;
    }
    /* The QR codes are read for years by phones anywhere: they must point at an address the
     * public reaches, given on purpose. */
    char base[256], why[300];
    int bk = rp_base_check(o.base, base, sizeof base, why, sizeof why);
    if (bk == RP_BASE_BAD || (bk == RP_BASE_PRIVATE && !o.allow_private)) {
        fprintf(stderr, "skillscore certificates: --base: %s%s\n%s", why,
                bk == RP_BASE_PRIVATE ? " (add --allow-private for a venue-only deployment)" : "",
                cert_usage);
        return EXIT_BAD_INPUT;
    }
    if (bk == RP_BASE_PRIVATE)
        fprintf(stderr, "skillscore certificates: warning 注意: %s; these certificates verify only "
                        "inside the venue network\n", why);
    o.base = base;
    if ((status = load(o.file, &c, &r)))
        return status;
    status = 1;
    if (load_key(o.db, key) || make_dir(o.out))
        goto out;
    if (rp_certs_build(c, r, NULL, o.pattern, key, &certs, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s: %s\n", o.file, err);
        status = EXIT_BAD_INPUT;
        goto out;
    }
    if (issue(o.db, c, r, o.pattern, key, &certs))
        goto out;
    rp_opts ro = {.font_path = getenv("SKILLSCORE_FONT"), .verify_base = o.base};
    if (!(list = malloc((certs.n + 1) * sizeof *list)))
        goto oom;
    if (!o.no_split && write_split(c, r, &certs, &ro, o.out, tty))
        goto out;
    for (size_t i = 0; i < certs.n; i++)
        list[i] = &certs.items[i];
    if (!o.no_combined) {
        if (tty)
            fprintf(stderr, "\r证书 certificates: %zu / %zu, writing certificates.pdf…", certs.n,
                    certs.n);
        if (rp_certificates_pdf(c, r, list, certs.n, &ro, &pdf, &len, err, sizeof err)) {
            fprintf(stderr, "\nskillscore: %s\n", err);
            goto out;
        }
        if (write_file(o.out, "certificates.pdf", pdf, len))
            goto out;
        /* Award and skill-level certificates are printed on different paper: one file each. */
        for (int kind = 0; kind < 2; kind++) {
            size_t n = 0;
            for (size_t i = 0; i < certs.n; i++)
                if (certs.items[i].kind == (kind ? RP_LEVEL : RP_AWARD))
                    list[n++] = &certs.items[i];
            if (!n)
                continue;
            free(pdf);
            pdf = NULL;
            if (rp_certificates_pdf(c, r, list, n, &ro, &pdf, &len, err, sizeof err)) {
                fprintf(stderr, "\nskillscore: %s\n", err);
                goto out;
            }
            if (write_file(o.out, kind ? "certificates-level.pdf" : "certificates-award.pdf",
                           pdf, len))
                goto out;
        }
    }
    if (tty)
        fputc('\n', stderr);
    for (size_t i = 0; i < certs.n; i++)
        people += first_of_person(&certs, i);
    printf("%zu certificates for %zu people in %s%s\n", certs.n, people, o.out,
           o.no_combined ? "" : " (certificates.pdf has all of them; certificates-award.pdf and "
                                "certificates-level.pdf one kind each, for their paper)");
    status = 0;
    goto out;
oom:
    fprintf(stderr, "skillscore: out of memory\n");
out:
    free(pdf);
    free(list);
    rp_certs_free(&certs);
    cf_results_free(r);
    cf_free(c);
    return status;
}

static const char sheet_usage[] =
    "usage: skillscore sheets FILE --out DIR [--format pdf|xlsx]\n"
    "  results (成绩公示表), promotions (晋升名册) and cash (奖金发放表): .pdf, or with\n"
    "  --format xlsx Excel workbooks with the same rows (results.xlsx, promotions.xlsx,\n"
    "  cash.xlsx); medal-table.pdf or .xlsx (代表队奖牌榜) too when entries carry delegations\n";

enum { SHEET_RESULTS, SHEET_PROMOTIONS, SHEET_CASH, SHEET_MEDALS };

/* One sheet's rows, as the PDF or as a workbook. */
static int write_sheet(const cf_competition *c, const cf_results *r, const rp_certs *certs,
                       int which, bool xlsx, unsigned char **out, size_t *len, char *err,
                       size_t errcap)
{
    rp_opts ro = {.font_path = getenv("SKILLSCORE_FONT")};
    rp_sheet s;
    int rc;
    if (!xlsx)
        switch (which) {
        case SHEET_RESULTS:
            return rp_results_pdf(c, r, NULL, &ro, out, len, err, errcap);
        case SHEET_PROMOTIONS:
            return rp_promotions_pdf(c, r, certs, &ro, out, len, err, errcap);
        case SHEET_CASH:
            return rp_cash_pdf(c, r, NULL, &ro, out, len, err, errcap);
        default:
            return rp_medal_table_pdf(c, r, &ro, out, len, err, errcap);
        }
    switch (which) {
    case SHEET_RESULTS:
        rc = rp_sheet_results(c, r, NULL, &s, err, errcap);
        break;
    case SHEET_PROMOTIONS:
        rc = rp_sheet_promotions(c, r, certs, &s, err, errcap);
        break;
    case SHEET_CASH:
        rc = rp_sheet_cash(c, r, NULL, &s, err, errcap);
        break;
    default:
        rc = rp_sheet_medals(c, r, &s, err, errcap);
        break;
    }
    if (rc)
        return -1;
    rc = rp_sheet_xlsx(&s, out, len, err, errcap);
    rp_sheet_free(&s);
    return rc;
}

int cmd_sheets(int argc, char **argv)
{
    opts o;
    cf_competition *c = NULL;
    cf_results *r = NULL;
    rp_certs certs = {0};
    unsigned char key[RP_KEY_BYTES] = {0}, *buf = NULL;
    size_t len = 0;
    char err[600], name[32];
    int status;
    bool xlsx;
    const char *ext;

    if (parse("sheets", argc, argv, &o, sheet_usage))
        return EXIT_BAD_INPUT;
    if (!o.file || !o.out) {
        fprintf(stderr, "skillscore sheets: a FILE and --out DIR are needed\n%s", sheet_usage);
        return EXIT_BAD_INPUT;
    }
    if (o.format && strcmp(o.format, "pdf") && strcmp(o.format, "xlsx")) {
        fprintf(stderr, "skillscore sheets: --format is pdf or xlsx\n%s", sheet_usage);
        return EXIT_BAD_INPUT;
    }
    xlsx = o.format && strcmp(o.format, "xlsx") == 0;
    ext = xlsx ? "xlsx" : "pdf";
    if ((status = load(o.file, &c, &r)))
        return status;
    status = 1;
    /* The roster lists certificate numbers; numbers do not depend on the key. */
    if (make_dir(o.out))
        goto out;
    if (rp_certs_build(c, r, NULL, o.pattern, key, &certs, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s: %s\n", o.file, err);
        status = EXIT_BAD_INPUT;
        goto out;
    }
    static const char *const names[] = {"results", "promotions", "cash", "medal-table"};
    for (int i = SHEET_RESULTS; i <= SHEET_MEDALS; i++) {
        if (i == SHEET_MEDALS && !c->has_delegations)
            continue;
        if (write_sheet(c, r, &certs, i, xlsx, &buf, &len, err, sizeof err)) {
            fprintf(stderr, "skillscore: %s\n", err);
            goto out;
        }
        snprintf(name, sizeof name, "%s.%s", names[i], ext);
        if (write_file(o.out, name, buf, len))
            goto out;
        free(buf);
        buf = NULL;
    }
    printf("results.%s, promotions.%s and cash.%s%s%s%s in %s\n", ext, ext, ext,
           c->has_delegations ? " (and medal-table." : "", c->has_delegations ? ext : "",
           c->has_delegations ? ", 奖牌榜)" : "", o.out);
    status = 0;
out:
    free(buf);
    rp_certs_free(&certs);
    cf_results_free(r);
    cf_free(c);
    return status;
}

static const char verify_usage[] =
    "usage: skillscore verify URL [--db DB] [--file FILE]\n"
    "  check a certificate's QR link (…/verify/NUMBER?sig=SIG) with the server's database;\n"
    "  --file checks it against a competition file instead of the stored competitions\n";

static void print_facts(json_t *facts)
{
    const char *key;
    json_t *v;
    printf("genuine 真实有效\n");
    json_object_foreach(facts, key, v) {
        if (json_is_string(v))
            printf("  %s: %s\n", key, json_string_value(v));
        else if (json_is_integer(v))
            printf("  %s: %lld\n", key, (long long)json_integer_value(v));
    }
}

int cmd_verify(int argc, char **argv)
{
    opts o;
    char number[128], sig[80] = "", err[600];
    const char *at, *q;
    unsigned char key[RP_KEY_BYTES];
    json_t *facts = NULL;
    int verdict = -1;

    if (parse("verify", argc, argv, &o, verify_usage))
        return EXIT_BAD_INPUT;
    if (!o.file || !(at = strstr(o.file, "/verify/"))) {
        fprintf(stderr, "skillscore verify: give the URL of a certificate's QR code, "
                        "…/verify/NUMBER?sig=SIG\n%s", verify_usage);
        return EXIT_BAD_INPUT;
    }
    at += strlen("/verify/");
    q = strchr(at, '?');
    snprintf(number, sizeof number, "%.*s", (int)(q ? q - at : (long)strlen(at)), at);
    if (q && (q = strstr(q, "sig=")))
        snprintf(sig, sizeof sig, "%.*s", (int)strcspn(q + 4, "&#"), q + 4);
    if (access(o.db, R_OK) != 0) {
        fprintf(stderr, "skillscore: %s: no such database\n", o.db);
        return EXIT_BAD_INPUT;
    }
    if (o.against) {
        cf_competition *c = NULL;
        cf_results *r = NULL;
        rp_certs certs = {0};
        const rp_cert *k;
        int st = load(o.against, &c, &r);
        if (st)
            return st;
        if (load_key(o.db, key) ||
            rp_certs_build(c, r, NULL, o.pattern, key, &certs, err, sizeof err)) {
            cf_results_free(r);
            cf_free(c);
            return 1;
        }
        verdict = rp_verify(&certs, number, sig, &k);
        if (verdict == RP_GENUINE)
            facts = rp_cert_facts(c, r, k);
        rp_certs_free(&certs);
        cf_results_free(r);
        cf_free(c);
    } else {
        st_store *st = NULL;
        if (st_open(o.db, &st, err, sizeof err)) {
            fprintf(stderr, "skillscore: %s\n", err);
            return 1;
        }
        verdict = rg_verify(st, number, sig, &facts, err, sizeof err);
        st_close(st);
        if (verdict < 0) {
            fprintf(stderr, "skillscore: %s\n", err);
            return 1;
        }
    }
    if (verdict == RP_GENUINE) {
        print_facts(facts);
        json_decref(facts);
        return 0;
    }
    if (verdict == RP_REVOKED) {
        const char *by = json_string_value(json_object_get(facts, "replaced_by"));
        printf("REVOKED 已作废: %s on %s: %s; %s%s\n", number,
               json_string_value(json_object_get(facts, "revoked_at")),
               json_string_value(json_object_get(facts, "revoked_why")),
               by ? "replaced by 替代证书 " : "no replacement 无替代证书", by ? by : "");
        json_decref(facts);
        return 1;
    }
    printf("NOT GENUINE 不是有效证书: %s %s\n", number,
           verdict == RP_FORGED ? "(the verification code does not match this number)"
                                : "(no certificate has this number)");
    return 1;
}

/* ---- skillscore analytics: 裁判评分分析表 of one event ----------------------------------------- */

static const char analytics_usage[] =
    "usage: skillscore analytics FILE --event E --out FILE.pdf\n"
    "  the judge analytics of event E (裁判评分分析表, docs/analytics.md) from the file's marks,\n"
    "  complete or not; prints how many judges are flagged (关注)\n";

int cmd_analytics(int argc, char **argv)
{
    opts o;
    cf_competition *c = NULL;
    cf_analytics *a = NULL;
    cf_diag diag = {0};
    unsigned char *pdf = NULL;
    char *text = NULL, err[600], tmp[4200];
    size_t len = 0;
    FILE *f = NULL;
    long ev;
    int status = EXIT_BAD_INPUT;

    if (parse("analytics", argc, argv, &o, analytics_usage))
        return EXIT_BAD_INPUT;
    if (!o.file || !o.out || !o.event) {
        fprintf(stderr, "skillscore analytics: a FILE, --event E and --out FILE.pdf are needed\n%s",
                analytics_usage);
        return EXIT_BAD_INPUT;
    }
    if (!(text = cli_read(o.file, &len, &status)))
        return status;
    status = EXIT_BAD_INPUT;
    if (cf_read(text, len, &c, &diag)) {
        fprintf(stderr, "skillscore: %s: %s\n", o.file, diag.message);
        goto out;
    }
    if ((ev = cf_event_index(c, o.event)) < 0) {
        fprintf(stderr, "skillscore analytics: %s has no event %s\n", o.file, o.event);
        goto out;
    }
    if (cf_event_analytics(c, (size_t)ev, NULL, &a, &diag)) {
        fprintf(stderr, "skillscore: %s: %s\n", o.file, diag.message);
        goto out;
    }
    status = 1;
    rp_opts ro = {.font_path = getenv("SKILLSCORE_FONT")};
    if (rp_analytics_pdf(c, a, "依据竞赛文件中的全部评分。", &ro, &pdf, &len, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s\n", err);
        goto out;
    }
    /* Written beside the target and renamed: a reader never sees half a PDF. */
    snprintf(tmp, sizeof tmp, "%s.tmp", o.out);
    if (!(f = fopen(tmp, "wb")) || fwrite(pdf, 1, len, f) != len || fclose(f)) {
        fprintf(stderr, "skillscore: %s: %s\n", tmp, strerror(errno));
        if (f)
            remove(tmp);
        f = NULL;
        goto out;
    }
    f = NULL;
    if (rename(tmp, o.out)) {
        fprintf(stderr, "skillscore: %s: %s\n", o.out, strerror(errno));
        remove(tmp);
        goto out;
    }
    printf("%s: event %s, %zu judges, %zu flagged (关注)\n", o.out, c->events[ev].id, a->n_judges,
           a->n_flagged);
    status = 0;
out:
    free(pdf);
    free(text);
    cf_analytics_free(a);
    cf_free(c);
    return status;
}
