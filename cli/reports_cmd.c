/*
 * reports_cmd.c — certificates, sheets and the offline certificate check from the command line.
 *
 * The signing key is the venue server's: it lives in the server's database (settings), so
 * certificates printed here verify on the server, and `verify` checks offline with that database.
 * A certificate run on a file whose marks are incomplete is refused, as `compute` refuses it:
 * certificates state final results only.
 *
 * Certificates are issued, not recomputed: numbers come from the register in the database
 * (register.h), which must exist (a mistyped --db must not make a new database with a new key).
 * When the database holds the competition (the venue server's), the file must be what the
 * server would export now, so a stale copy cannot undo an arbitration; certificates are then
 * issued for the published events exactly as the server issues them.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli/read.h"
#include "reports_cmd.h"

#include "reports/reports.h"
#include "reports/workbook.h"
#include "server/core/export.h"
#include "server/core/register.h"

#include <errno.h>
#include <sodium.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct opts {
    const char *file, *out, *db, *base, *pattern, *against, *format, *event, *reissue;
    bool no_split, no_combined, allow_private;
} opts;

static int parse(const char *cmd, int argc, char **argv, opts *o, const char *usage)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--out") == 0       ? &o->out
                            : strcmp(a, "--db") == 0      ? &o->db
                            : strcmp(a, "--base") == 0    ? &o->base
                            : strcmp(a, "--pattern") == 0 ? &o->pattern
                            : strcmp(a, "--file") == 0    ? &o->against
                            : strcmp(a, "--format") == 0  ? &o->format
                            : strcmp(a, "--event") == 0   ? &o->event
                            : strcmp(a, "--reissue") == 0 ? &o->reissue
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

/* Reads a competition file, and computes it when r is not NULL (flags: 0 for final results
 * only, as `compute`; SC_ALLOW_INCOMPLETE to rank what can be ranked). doc (may be NULL): the
 * file as JSON too, to compare with what the database holds. */
static int load(const char *path, cf_competition **c, cf_results **r, json_t **doc,
                unsigned flags)
{
    size_t len = 0;
    int status = EXIT_BAD_INPUT;
    char *buf = cli_read(path, &len, &status);
    cf_diag diag = {0};
    if (!buf)
        return status;
    if (cf_read(buf, len, c, &diag) || (r && cf_compute(*c, flags, r, &diag))) {
        fprintf(stderr, "skillscore: %s: %s\n", path, diag.message);
        free(buf);
        cf_free(*c);
        *c = NULL;
        return EXIT_BAD_INPUT;
    }
    /* cf_read took it, so it is JSON; NULL here is memory running out. */
    if (doc && !(*doc = json_loadb(buf, len, 0, NULL))) {
        fprintf(stderr, "skillscore: out of memory\n");
        free(buf);
        if (r)
            cf_results_free(*r);
        cf_free(*c);
        *c = NULL;
        if (r)
            *r = NULL;
        return 1;
    }
    free(buf);
    return 0;
}

/* The results of a file read by load(c, NULL, …): final results only, as `compute`. */
static int compute_final(const char *path, const cf_competition *c, cf_results **r)
{
    cf_diag diag = {0};
    if (cf_compute(c, 0, r, &diag)) {
        fprintf(stderr, "skillscore: %s: %s\n", path, diag.message);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

/* The database of --db: it must exist and be skillscore's. NULL after a message naming --db. */
static st_store *open_db(const char *cmd, const char *db)
{
    st_store *st = NULL;
    char err[700];
    int rc;
    if (!db) {
        fprintf(stderr, "skillscore %s: 需要 --db DB：场馆服务器的数据库（签名密钥和证书登记簿都在"
                        "其中）\n", cmd);
        return NULL;
    }
    if ((rc = st_open_existing(db, &st, err, sizeof err))) {
        fprintf(stderr, "skillscore %s: --db %s%s\n", cmd, err,
                rc == ST_NOTFOUND ? "。不会新建数据库：新数据库的新密钥签出的证书在场馆服务器上"
                                    "无法验证。请给出场馆服务器的数据库（skillscore serve --db "
                                    "所用的文件）"
                                  : "");
        return NULL;
    }
    return st;
}

/* The competition id as the database holds it: 1 with *doc (to decref), 0 when the database
 * does not hold it, -1 after a message. */
static int stored_doc(st_store *st, const char *db, const char *id, json_t **doc)
{
    char *text = NULL;
    int rc = st_comp_doc(st, id, &text);
    *doc = NULL;
    if (rc == ST_NOTFOUND)
        return 0;
    if (rc || !(*doc = json_loads(text, 0, NULL))) {
        fprintf(stderr, "skillscore: %s: 读不出赛事 %s：%s\n", db, id,
                rc ? st_errmsg(st) : "保存的文档不是 JSON");
        free(text);
        return -1;
    }
    free(text);
    return 1;
}

/* Where a and b first differ, into path (which holds the path so far): numbers by value, array
 * items named by their "id" when they have one. false when they are the same. */
static bool json_differs(json_t *a, json_t *b, char *path, size_t cap)
{
    size_t len = strlen(path);
    const char *key;
    json_t *v;
    size_t i;
    if (!a || !b)
        return a != b;
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) != json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return true;
    if (json_is_object(a)) {
        for (int pass = 0; pass < 2; pass++)
            json_object_foreach(pass ? b : a, key, v) {
                snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
                if (pass ? !json_object_get(a, key)
                         : json_differs(v, json_object_get(b, key), path, cap))
                    return true;
            }
        path[len] = '\0';
        return false;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) {
            snprintf(path + len, cap - len, "（文件 %zu 项，数据库 %zu 项）", json_array_size(a),
                     json_array_size(b));
            return true;
        }
        json_array_foreach(a, i, v) {
            const char *id = json_string_value(json_object_get(v, "id"));
            if (id)
                snprintf(path + len, cap - len, "[%s]", id);
            else
                snprintf(path + len, cap - len, "[%zu]", i);
            if (json_differs(v, json_array_get(b, i), path, cap))
                return true;
        }
        path[len] = '\0';
        return false;
    }
    return !json_equal(a, b);
}

/* The marks of a file as {"entry criterion judge": score}, the order they come in being no part
 * of the content. NULL when memory ran out. */
static json_t *marks_map(json_t *doc)
{
    json_t *map = json_object(), *m;
    size_t i;
    char key[400];
    if (!map)
        return NULL;
    json_array_foreach(json_object_get(doc, "marks"), i, m) {
        snprintf(key, sizeof key, "%s %s %s",
                 json_string_value(json_object_get(m, "entry")) ?: "?",
                 json_string_value(json_object_get(m, "criterion")) ?: "?",
                 json_string_value(json_object_get(m, "judge")) ?: "?");
        if (json_object_set(map, key, json_object_get(m, "score") ?: json_null())) {
            json_decref(map);
            return NULL;
        }
    }
    return map;
}

/* Whether the file's content is the competition as the database holds it now (its export): the
 * certificates and sheets of a competition the server holds state the server's results, and a
 * copy from before an arbitration must not print (or reissue) what it undid. 0 when the same;
 * else a message naming the first difference and EXIT_BAD_INPUT (1 when something failed). */
static int same_as_stored(const char *cmd, st_store *st, const char *db, const char *path,
                          const char *id, json_t *stored, json_t *file)
{
    size_t len = 0;
    char *text = ex_export(st, id, stored, &len), where[600] = "", a[64] = "", b[64];
    json_t *now = text ? json_loadb(text, len, 0, NULL) : NULL, *fm = NULL, *nm = NULL, *v;
    const char *key;
    int rc = 1;

    free(text);
    if (!now || !(fm = marks_map(file)) || !(nm = marks_map(now))) {
        fprintf(stderr, "skillscore %s: %s: 不能导出赛事 %s：%s\n", cmd, db, id, st_errmsg(st));
        goto cleanup;
    }
    rc = 0;
    for (int pass = 0; pass < 2 && !where[0]; pass++)
        json_object_foreach(pass ? now : file, key, v) {
            if (strcmp(key, "marks") == 0)
                continue;
            snprintf(where, sizeof where, "%s", key);
            if (pass ? !json_object_get(file, key)
                     : json_differs(v, json_object_get(now, key), where, sizeof where))
                break;
            where[0] = '\0';
        }
    for (int pass = 0; pass < 2 && !where[0]; pass++)
        json_object_foreach(pass ? nm : fm, key, v) {
            json_t *w = json_object_get(pass ? fm : nm, key);
            if (w && !json_differs(v, w, a, sizeof a))
                continue;
            if (!w)
                snprintf(where, sizeof where, "分数 %s：%s中有，%s中没有", key,
                         pass ? "数据库" : "文件", pass ? "文件" : "数据库");
            else {
                snprintf(a, sizeof a, "%g", json_number_value(pass ? w : v));
                snprintf(b, sizeof b, "%g", json_number_value(pass ? v : w));
                snprintf(where, sizeof where, "分数 %s：文件 %s，数据库 %s", key, a, b);
            }
            break;
        }
    if (where[0]) {
        fprintf(stderr,
                "skillscore %s: %s 与数据库 %s 中的赛事 %s 不同（第一处：%s）。证书和名册按数据库中"
                "的成绩出具：过时的文件不能撤销仲裁后的更正。请从场馆服务器导出最新的比赛文件"
                "（管理页「导出」，或 GET /api/competitions/%s/export）再试\n",
                cmd, path, db, id, where, id);
        rc = EXIT_BAD_INPUT;
    }
cleanup:
    json_decref(fm);
    json_decref(nm);
    json_decref(now);
    return rc;
}

static int make_dir(const char *dir)
{
    if (mkdir(dir, 0755) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "skillscore: %s: %s\n", dir, strerror(errno));
    return -1;
}

/* Writes buf to dir/name atomically (a temporary file renamed into place). */
/* Written beside the target and renamed: a reader never sees half a file. 0, or -1 after a
 * message (the temporary file removed). */
static int write_path(const char *path, const unsigned char *buf, size_t len)
{
    char tmp[4200];
    FILE *f;
    bool written;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(f = fopen(tmp, "wb"))) {
        fprintf(stderr, "skillscore: %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    written = fwrite(buf, 1, len, f) == len;
    if (fclose(f) || !written) {
        fprintf(stderr, "skillscore: %s: %s\n", tmp, strerror(errno));
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path)) {
        fprintf(stderr, "skillscore: %s: %s\n", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

static int write_file(const char *dir, const char *name, const unsigned char *buf, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return write_path(path, buf, len);
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
    "usage: skillscore certificates FILE --db DB --out DIR [--base URL] [--allow-private]\n"
    "                                  [--pattern P] [--reissue WHY] [--no-split] [--no-combined]\n"
    "  one PDF per person and certificates.pdf with all of them, for printing\n"
    "    --db DB       the venue server's database (required, must exist): the signing key and\n"
    "                  the certificate register, where certificates are issued once and kept\n"
    "    --no-split    only certificates.pdf;  --no-combined  only the files per person\n"
    "    --base URL    the address the QR codes point at, where phones verify; default the\n"
    "                  competition's verify_base stored in DB (e.g. https://jieguo.example.cn)\n"
    "    --allow-private  accept a loopback or private --base (certificates that verify only\n"
    "                  inside the venue network), with a warning\n"
    "  When DB holds the competition, FILE must be its current export, and certificates are\n"
    "  issued for its published events as the server issues them. Otherwise (a register kept by\n"
    "  this command alone):\n"
    "    --pattern P   certificate numbers, e.g. {code}-{year}-{event}-{kind}{seq:4}\n"
    "    --reissue WHY  results changed since the certificates were issued: revoke the ones whose\n"
    "                  facts changed, with this reason, and issue new numbers (refused without it)\n";

/* The verification address: --base, else the competition's stored verify_base. 0 with base
 * filled, or an exit status after a message. */
static int choose_base(const opts *o, st_store *st, const char *id, bool stored, char *base,
                       size_t cap)
{
    char *vb = NULL, *priv = NULL, why[300], norm[256];
    const char *given = o->base;
    bool allow = o->allow_private;
    int bk, rc = EXIT_BAD_INPUT;

    if (stored) {
        int a = st_comp_setting_get(st, id, "verify_base", &vb);
        int b = st_comp_setting_get(st, id, "verify_private", &priv);
        if ((a && a != ST_NOTFOUND) || (b && b != ST_NOTFOUND)) {
            fprintf(stderr, "skillscore certificates: %s: %s\n", o->db, st_errmsg(st));
            rc = 1;
            goto cleanup;
        }
        /* The organizer allowed a private address on the server for this competition. */
        if (!given) {
            given = vb;
            allow = allow || (priv && strcmp(priv, "1") == 0);
        } else if (vb && rp_base_check(given, norm, sizeof norm, why, sizeof why) != RP_BASE_BAD &&
                   strcmp(norm, vb) != 0)
            fprintf(stderr, "skillscore certificates: 注意：--base %s 不是数据库中赛事 %s 的验证地址 "
                            "%s；这些证书的二维码与服务器打印的指向不同的地址\n",
                    norm, id, vb);
    }
    if (!given) {
        fprintf(stderr, "skillscore certificates: --base: 没有验证地址：%s给出手机扫码打开的地址，"
                        "如 --base https://jieguo.example.cn (no verification address)\n%s",
                stored ? "在管理页设置本赛事的证书验证地址（verify_base），或" : "", cert_usage);
        goto cleanup;
    }
    /* The QR codes are read for years by phones anywhere: they must point at an address the
     * public reaches, given on purpose. */
    bk = rp_base_check(given, base, cap, why, sizeof why);
    if (bk == RP_BASE_BAD || (bk == RP_BASE_PRIVATE && !allow)) {
        fprintf(stderr, "skillscore certificates: --base: %s%s\n%s", why,
                bk == RP_BASE_PRIVATE ? " (add --allow-private for a venue-only deployment)" : "",
                cert_usage);
        goto cleanup;
    }
    if (bk == RP_BASE_PRIVATE)
        fprintf(stderr, "skillscore certificates: warning 注意: %s; these certificates verify only "
                        "inside the venue network\n", why);
    rc = 0;
cleanup:
    free(vb);
    free(priv);
    return rc;
}

int cmd_certificates(int argc, char **argv)
{
    opts o;
    cf_competition *c = NULL;
    cf_results *r = NULL;
    rp_certs own = {0}, *certs = &own;
    rg_final f = {0};
    rg_counts n = {0};
    st_store *st = NULL;
    json_t *file = NULL, *stored = NULL;
    unsigned char key[RP_KEY_BYTES], *pdf = NULL;
    const rp_cert **list = NULL;
    size_t len = 0, people = 0;
    char err[600], base[256];
    int status = EXIT_BAD_INPUT, held;
    bool tty = isatty(2);

    if (parse("certificates", argc, argv, &o, cert_usage))
        return EXIT_BAD_INPUT;
    if (!o.file || !o.out) {
        fprintf(stderr, "skillscore certificates: a FILE and --out DIR are needed\n%s", cert_usage);
        return EXIT_BAD_INPUT;
    }
    if (!(st = open_db("certificates", o.db)))
        return EXIT_BAD_INPUT;
    /* Computed only when the database does not hold the competition: when it does, the
     * certificates come from the store (published events), the file is only compared. */
    if ((status = load(o.file, &c, NULL, &file, 0)))
        goto out;
    status = 1;
    if ((held = stored_doc(st, o.db, c->id, &stored)) < 0)
        goto out;
    if (!held && (status = compute_final(o.file, c, &r)))
        goto out;
    status = EXIT_BAD_INPUT;
    if (held && (o.pattern || o.reissue)) {
        fprintf(stderr, "skillscore certificates: %s: 数据库 %s 中有赛事 %s：证书按服务器的编号规则"
                        "签发，成绩经 解锁→更正→锁定→仲裁确认→公布 变更；这里不能再用 %s\n",
                o.pattern ? "--pattern" : "--reissue", o.db, c->id,
                o.pattern ? "--pattern" : "--reissue");
        goto out;
    }
    if (held && (status = same_as_stored("certificates", st, o.db, o.file, c->id, stored, file)))
        goto out;
    if ((status = choose_base(&o, st, c->id, held, base, sizeof base)))
        goto out;
    status = 1;
    if (held) {
        /* Exactly what the server does when it prints: the published events, from the store.
         * The server revokes at publication, naming the appeal; the CLI only catches up when
         * that did not happen, with the plain reason. */
        if (rg_final_sync(st, c->id, stored, "cli", RG_REISSUE_WHY, &f, &n, err, sizeof err)) {
            fprintf(stderr, "skillscore: %s: cannot issue the certificates: %s\n", o.db, err);
            goto out;
        }
        certs = &f.certs;
        char pending[512] = "";
        for (size_t e = 0; e < f.c->n_events; e++)
            if (!f.include[e] && strlen(pending) + strlen(f.c->events[e].id) + 4 < sizeof pending)
                snprintf(pending + strlen(pending), sizeof pending - strlen(pending), "%s%s",
                         pending[0] ? "、" : "", f.c->events[e].id);
        if (pending[0])
            fprintf(stderr, "skillscore certificates: 注意：赛项 %s 尚未公布，不签发其证书\n",
                    pending);
        if (!certs->n) {
            fprintf(stderr, "skillscore certificates: 赛事 %s 没有已公布赛项的证书可签发\n", c->id);
            status = EXIT_BAD_INPUT;
            goto out;
        }
    } else {
        if (rg_key(st, key)) {
            fprintf(stderr, "skillscore: %s: cannot read the signing key: %s\n", o.db,
                    st_errmsg(st));
            goto out;
        }
        if (rp_certs_build(c, r, NULL, o.pattern, key, &own, err, sizeof err)) {
            fprintf(stderr, "skillscore: %s: %s\n", o.file, err);
            status = EXIT_BAD_INPUT;
            goto out;
        }
        /* Without the server's record of the results, the register is the only memory of what
         * was issued: a file that would revoke something is refused unless that is the point. */
        int rc = rg_sync(st, c, r, NULL, o.pattern, key, &own, o.reissue != NULL, "cli",
                         o.reissue ? o.reissue : "", &n, err, sizeof err);
        if (rc == RG_WOULD_REVOKE) {
            fprintf(stderr, "skillscore certificates: %s: %s。文件与已签发的证书不符；若成绩确已"
                            "变更，用 --reissue \"原因\" 作废并重新签发（旧证书验证时显示已作废和"
                            "原因）\n", o.file, err);
            status = EXIT_BAD_INPUT;
            goto out;
        }
        if (rc) {
            fprintf(stderr, "skillscore: %s: cannot issue the certificates: %s\n", o.db, err);
            goto out;
        }
    }
    sodium_memzero(key, sizeof key);
    if (n.issued || n.revoked)
        fprintf(stderr, "register %s: %zu issued, %zu kept, %zu revoked\n", o.db, n.issued, n.kept,
                n.revoked);
    const cf_competition *cc = held ? f.c : c;
    const cf_results *rr = held ? f.r : r;
    rp_opts ro = {.font_path = getenv("SKILLSCORE_FONT"), .verify_base = base};
    if (make_dir(o.out))
        goto out;
    if (!(list = malloc((certs->n + 1) * sizeof *list)))
        goto oom;
    if (!o.no_split && write_split(cc, rr, certs, &ro, o.out, tty))
        goto out;
    for (size_t i = 0; i < certs->n; i++)
        list[i] = &certs->items[i];
    if (!o.no_combined) {
        if (tty)
            fprintf(stderr, "\r证书 certificates: %zu / %zu, writing certificates.pdf…", certs->n,
                    certs->n);
        if (rp_certificates_pdf(cc, rr, list, certs->n, &ro, &pdf, &len, err, sizeof err)) {
            fprintf(stderr, "\nskillscore: %s\n", err);
            goto out;
        }
        if (write_file(o.out, "certificates.pdf", pdf, len))
            goto out;
        /* Award and skill-level certificates are printed on different paper: one file each. */
        for (int kind = 0; kind < 2; kind++) {
            size_t k = 0;
            for (size_t i = 0; i < certs->n; i++)
                if (certs->items[i].kind == (kind ? RP_LEVEL : RP_AWARD))
                    list[k++] = &certs->items[i];
            if (!k)
                continue;
            free(pdf);
            pdf = NULL;
            if (rp_certificates_pdf(cc, rr, list, k, &ro, &pdf, &len, err, sizeof err)) {
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
    /* One more printing of each certificate written, as the server counts its PDFs: the
     * register knows how many copies may be out there. */
    if (st_begin(st)) {
        fprintf(stderr, "skillscore: %s: cannot count the printing: %s\n", o.db, st_errmsg(st));
        goto out;
    }
    for (size_t i = 0; i < certs->n; i++)
        if (st_cert_printed(st, certs->items[i].number)) {
            fprintf(stderr, "skillscore: %s: cannot count the printing: %s\n", o.db,
                    st_errmsg(st));
            st_rollback(st);
            goto out;
        }
    if (st_commit(st)) {
        fprintf(stderr, "skillscore: %s: cannot count the printing: %s\n", o.db, st_errmsg(st));
        st_rollback(st);
        goto out;
    }
    for (size_t i = 0; i < certs->n; i++)
        people += first_of_person(certs, i);
    printf("%zu certificates for %zu people in %s%s\n", certs->n, people, o.out,
           o.no_combined ? "" : " (certificates.pdf has all of them; certificates-award.pdf and "
                                "certificates-level.pdf one kind each, for their paper)");
    status = 0;
    goto out;
oom:
    fprintf(stderr, "skillscore: out of memory\n");
out:
    sodium_memzero(key, sizeof key);
    free(pdf);
    free(list);
    rp_certs_free(&own);
    rg_final_free(&f);
    json_decref(file);
    json_decref(stored);
    cf_results_free(r);
    cf_free(c);
    st_close(st);
    return status;
}

static const char sheet_usage[] =
    "usage: skillscore sheets FILE --out DIR [--db DB] [--format pdf|xlsx]\n"
    "  results (成绩公示表), promotions (晋升名册) and cash (奖金发放表): .pdf, or with\n"
    "  --format xlsx Excel workbooks with the same rows (results.xlsx, promotions.xlsx,\n"
    "  cash.xlsx); medal-table.pdf or .xlsx (代表队奖牌榜) too when entries carry delegations\n"
    "    --db DB       the venue server's database: the roster lists the certificate numbers\n"
    "                  its register issued (without it the column is left empty); when DB holds\n"
    "                  the competition, FILE must be its current export\n";

enum { SHEET_RESULTS, SHEET_PROMOTIONS, SHEET_CASH, SHEET_MEDALS };

/* One sheet's rows, as the PDF or as a workbook. */
static int write_sheet(const cf_competition *c, const cf_results *r, const bool *include,
                       const rp_certs *certs, int which, bool xlsx, unsigned char **out,
                       size_t *len, char *err, size_t errcap)
{
    rp_opts ro = {.font_path = getenv("SKILLSCORE_FONT")};
    rp_sheet s;
    int rc;
    if (!xlsx)
        switch (which) {
        case SHEET_RESULTS:
            return rp_results_pdf(c, r, include, &ro, out, len, err, errcap);
        case SHEET_PROMOTIONS:
            return rp_promotions_pdf(c, r, certs, &ro, out, len, err, errcap);
        case SHEET_CASH:
            return rp_cash_pdf(c, r, include, &ro, out, len, err, errcap);
        default:
            return rp_medal_table_pdf(c, r, &ro, out, len, err, errcap);
        }
    switch (which) {
    case SHEET_RESULTS:
        rc = rp_sheet_results(c, r, include, &s, err, errcap);
        break;
    case SHEET_PROMOTIONS:
        rc = rp_sheet_promotions(c, r, certs, &s, err, errcap);
        break;
    case SHEET_CASH:
        rc = rp_sheet_cash(c, r, include, &s, err, errcap);
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
    int status, held = 0;
    bool xlsx;
    const char *ext;
    st_store *st = NULL;
    json_t *file = NULL, *stored = NULL;
    rg_final f = {0};
    const bool *include = NULL;

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
    if (o.db && !(st = open_db("sheets", o.db)))
        return EXIT_BAD_INPUT;
    if ((status = load(o.file, &c, NULL, &file, 0)))
        goto out;
    status = 1;
    if (st && (held = stored_doc(st, o.db, c->id, &stored)) < 0)
        goto out;
    if (held && (status = same_as_stored("sheets", st, o.db, o.file, c->id, stored, file)))
        goto out;
    status = 1;
    if (held) {
        /* As the server's sheets: the locked events, from the store (the file is the same). */
        if (rg_final_build(st, c->id, stored, key, false, &f, err, sizeof err)) {
            fprintf(stderr, "skillscore: %s: %s\n", o.db, err);
            goto out;
        }
        for (size_t e = 0; e < f.c->n_events; e++)
            if (!f.include[e])
                fprintf(stderr, "skillscore sheets: 注意：赛项 %s 尚未锁定，不在表中\n",
                        f.c->events[e].id);
        cf_free(c);
        c = f.c;
        r = f.r;
        certs = f.certs;
        include = f.include;
        f.c = NULL;
        f.r = NULL;
        f.certs = (rp_certs){0};
    } else {
        if ((status = compute_final(o.file, c, &r)))
            goto out;
        status = 1;
        if (rp_certs_build(c, r, NULL, NULL, key, &certs, err, sizeof err)) {
            fprintf(stderr, "skillscore: %s: %s\n", o.file, err);
            status = EXIT_BAD_INPUT;
            goto out;
        }
    }
    /* The roster's rows (who was promoted) come from the results; its certificate numbers only
     * from the register: a number is printed when the register holds an active certificate of
     * that holder stating these facts, never worked out again here. */
    for (size_t i = 0; i < certs.n; i++) {
        rp_cert *k = &certs.items[i];
        char holder[RG_HOLDER];
        st_cert x;
        int got;
        if (k->kind != RP_LEVEL)
            continue;
        if (!st) {
            k->number[0] = '\0';
            continue;
        }
        rg_holder(c, k, holder);
        if ((got = st_cert_active(st, c->id, holder, &x)) == ST_NOTFOUND) {
            snprintf(k->number, sizeof k->number, "未签发");
            continue;
        }
        if (got) {
            fprintf(stderr, "skillscore: %s: %s\n", o.db, st_errmsg(st));
            goto out;
        }
        json_t *was = json_loads(x.facts, 0, NULL), *now = rp_cert_facts(c, r, k);
        bool same = was && now && !rg_facts_diff(was, now);
        snprintf(k->number, sizeof k->number, "%s", same ? x.number : "待重新签发");
        json_decref(was);
        json_decref(now);
        st_cert_clear(&x);
    }
    if (!st)
        fprintf(stderr, "skillscore sheets: 注意：没有 --db，晋升名册的证书编号一栏留空（编号以场馆"
                        "服务器数据库中的证书登记簿为准）\n");
    if (make_dir(o.out))
        goto out;
    static const char *const names[] = {"results", "promotions", "cash", "medal-table"};
    for (int i = SHEET_RESULTS; i <= SHEET_MEDALS; i++) {
        if (i == SHEET_MEDALS && !c->has_delegations)
            continue;
        if (i == SHEET_MEDALS && include) {
            /* The medal table counts every event: only once all are locked. */
            bool all = true;
            for (size_t e = 0; e < c->n_events; e++)
                all &= include[e];
            if (!all)
                continue;
        }
        if (write_sheet(c, r, include, &certs, i, xlsx, &buf, &len, err, sizeof err)) {
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
    /* include is f's; c and r were taken from it (f now holds neither). */
    rg_final_free(&f);
    json_decref(file);
    json_decref(stored);
    cf_results_free(r);
    cf_free(c);
    st_close(st);
    return status;
}

static const char verify_usage[] =
    "usage: skillscore verify URL [--db DB] [--file FILE]\n"
    "  check a certificate's QR link (…/verify/NUMBER?sig=SIG) against the certificate register\n"
    "  in the server's database (default skillscore.db); --file also compares what the\n"
    "  certificate states with what that competition file says now\n";

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

/* Compares a genuine certificate (its facts from the register) with what the competition file
 * at path says of its holder now: mismatch stays empty when they agree, else names the first
 * fact that differs. 0, or an exit status after a message. */
static int against_file(st_store *st, const char *path, const char *number, json_t *facts,
                        char *mismatch, size_t cap)
{
    cf_competition *c = NULL;
    cf_results *r = NULL;
    rp_certs certs = {0};
    unsigned char zero[RP_KEY_BYTES] = {0};
    char err[600];
    st_cert x = {0};
    int status = load(path, &c, &r, NULL, SC_ALLOW_INCOMPLETE), got = 0;
    const rp_cert *found = NULL;

    if (status)
        return status;
    status = 1;
    if ((got = st_cert_get(st, number, &x))) {
        fprintf(stderr, "skillscore: %s\n", st_errmsg(st));
        goto cleanup;
    }
    if (strcmp(x.competition, c->id) != 0) {
        snprintf(mismatch, cap, "证书属于赛事 %s，文件是赛事 %s", x.competition, c->id);
        status = 0;
        goto cleanup;
    }
    /* Numbers do not matter here (the register's are the real ones), so no key is needed. */
    if (rp_certs_build(c, r, NULL, NULL, zero, &certs, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s: %s\n", path, err);
        status = EXIT_BAD_INPUT;
        goto cleanup;
    }
    for (size_t i = 0; i < certs.n && !found; i++) {
        char holder[RG_HOLDER];
        rg_holder(c, &certs.items[i], holder);
        if (strcmp(holder, x.holder) == 0)
            found = &certs.items[i];
    }
    if (!found)
        snprintf(mismatch, cap, "按文件的成绩，持有人不获得这张证书");
    else {
        json_t *now = rp_cert_facts(c, r, found);
        const char *what = now ? rg_facts_diff(facts, now) : "?";
        if (what) {
            json_t *a = json_object_get(facts, what), *b = now ? json_object_get(now, what) : NULL;
            snprintf(mismatch, cap, "%s：登记簿 %s，文件 %s", what,
                     json_is_string(a) ? json_string_value(a) : a ? "(值)" : "无",
                     json_is_string(b) ? json_string_value(b) : b ? "(值)" : "无");
        }
        json_decref(now);
    }
    status = 0;
cleanup:
    if (got == 0)
        st_cert_clear(&x);
    rp_certs_free(&certs);
    cf_results_free(r);
    cf_free(c);
    return status;
}

int cmd_verify(int argc, char **argv)
{
    opts o;
    char number[128], sig[80] = "", err[600], mismatch[400] = "";
    const char *at, *q;
    json_t *facts = NULL;
    st_store *st = NULL;
    int verdict = -1, status = 1;

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
    if (!(st = open_db("verify", o.db ? o.db : "skillscore.db")))
        return EXIT_BAD_INPUT;
    /* The register decides, whatever a file says: numbers are issued, not worked out again. */
    verdict = rg_verify(st, number, sig, &facts, err, sizeof err);
    if (verdict < 0) {
        fprintf(stderr, "skillscore: %s\n", err);
        status = 1;
        goto out;
    }
    if (o.against && verdict == RP_GENUINE && (status = against_file(st, o.against, number, facts,
                                                                      mismatch, sizeof mismatch)))
        goto out;
    status = 1;
    if (verdict == RP_GENUINE) {
        print_facts(facts);
        if (o.against && mismatch[0])
            printf("与文件不符 DIFFERS from %s: %s\n", o.against, mismatch);
        else if (o.against)
            printf("与文件一致 matches %s\n", o.against);
        status = mismatch[0] ? 1 : 0;
    } else if (verdict == RP_REVOKED) {
        const char *by = json_string_value(json_object_get(facts, "replaced_by"));
        printf("REVOKED 已作废: %s on %s: %s; %s%s\n", number,
               json_string_value(json_object_get(facts, "revoked_at")),
               json_string_value(json_object_get(facts, "revoked_why")),
               by ? "replaced by 替代证书 " : "no replacement 无替代证书", by ? by : "");
    } else
        printf("NOT GENUINE 不是有效证书: %s %s\n", number,
               verdict == RP_FORGED ? "(the verification code does not match this number)"
                                    : "(no certificate has this number)");
out:
    json_decref(facts);
    st_close(st);
    return status;
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
    char err[600];
    size_t len = 0;
    long ev;
    int status;

    if (parse("analytics", argc, argv, &o, analytics_usage))
        return EXIT_BAD_INPUT;
    if (!o.file || !o.out || !o.event) {
        fprintf(stderr, "skillscore analytics: a FILE, --event E and --out FILE.pdf are needed\n%s",
                analytics_usage);
        return EXIT_BAD_INPUT;
    }
    if ((status = load(o.file, &c, NULL, NULL, 0)))
        return status;
    status = EXIT_BAD_INPUT;
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
    if (write_path(o.out, pdf, len))
        goto out;
    printf("%s: event %s, %zu judges, %zu flagged (关注)\n", o.out, c->events[ev].id, a->n_judges,
           a->n_flagged);
    status = 0;
out:
    free(pdf);
    cf_analytics_free(a);
    cf_free(c);
    return status;
}
