/*
 * standby.c — see standby.h. The primary's side runs on the event loop; the standby's follower
 * is a thread with its own database connection and its own HTTP client (libcurl), and tells the
 * loop about each applied batch through flags and lws_cancel_service.
 */
#include "server/core/standby.h"

#include "compfile/vec.h"
#include "server/core/comp.h"
#include "server/core/parked.h"
#include "server/store/store.h"
#include "server/core/server.h"

#include <curl/curl.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_WAIT_US (2 * 1000000)
#define BATCH_ROWS 5000

struct sb_state {
    sv_server *s;
    sb_options o;
    /* primary */
    int64_t acked, last_poll_us;
    bool attached;
    /* standby */
    bool read_only;
    pthread_t thread;
    bool started;
    atomic_bool stop, dirty, promoted;
    atomic_llong applied;
    _Atomic(struct lws_context *) loop; /* woken by the follower thread */
};

static void wake(sb_state *b)
{
    struct lws_context *ctx = atomic_load(&b->loop);
    if (ctx)
        lws_cancel_service(ctx);
}

/* ---- primary: serving the log ----------------------------------------------------------------- */

/* One page of the log being written out, and where its last whole transaction ends. */
typedef struct page {
    vec_text t;
    int64_t last_commit;    /* seq of the last commit marker taken */
    size_t len_at_commit;   /* text length right after it */
    size_t rows;
} page;

static int take_row(void *ctx, int64_t seq, const char *tbl, const char *op, const char *row)
{
    page *p = ctx;
    vec_text_printf(&p->t, "%s[%lld,\"%s\",\"%s\",%s]", p->rows ? "," : "", (long long)seq, tbl,
                    op, row);
    p->rows++;
    if (strcmp(op, "commit") == 0) {
        p->last_commit = seq;
        p->len_at_commit = p->t.len;
    }
    return p->t.oom;
}

/* The rows after `after`, whole transactions only, as the reply body; NULL with *empty when
 * there are none yet, NULL alone on failure. */
static char *rows_after(sv_server *s, int64_t after, int64_t head, bool *empty)
{
    page p = {0};
    *empty = false;
    for (long limit = BATCH_ROWS;; limit *= 4) {
        vec_text_free(&p.t);
        p.rows = p.len_at_commit = 0;
        p.last_commit = 0;
        vec_text_puts(&p.t, "{\"rows\":[");
        if (st_replog_each(s->store, after, limit, take_row, &p) || p.t.oom) {
            vec_text_free(&p.t);
            return NULL;
        }
        /* A transaction longer than the page: read on until its end. */
        if (p.last_commit || (long)p.rows < limit)
            break;
    }
    if (!p.last_commit) {
        vec_text_free(&p.t);
        *empty = true;
        return NULL;
    }
    p.t.len = p.len_at_commit; /* whole transactions only */
    vec_text_printf(&p.t, "],\"last\":%lld,\"head\":%lld}", (long long)p.last_commit,
                    (long long)head);
    return vec_text_take(&p.t);
}

static void reply_text(sv_response *rs, char *text)
{
    free(rs->body);
    rs->body = text;
    rs->len = strlen(text);
    rs->status = 200;
    rs->ctype = NULL;
}

typedef struct wake_ctx {
    sb_state *b;
    int64_t head, now;
    bool ok;
} wake_ctx;

/* Replies waiting for the standby to confirm seq <= acked go out. */
static bool acked_ready(sv_server *s, sv_response *rs, void *ctx)
{
    const wake_ctx *w = ctx;
    (void)s;
    return rs->wait == SV_WAIT_STANDBY && rs->wait_seq <= w->b->acked;
}

void api_replication(sv_server *s, sv_request *rq, sv_response *rs)
{
    sb_state *b = s->standby;
    const char *q = strstr(rq->query, "after=");
    char *end;
    long long after = q ? strtoll(q + 6, &end, 10) : -1;
    int64_t head;
    bool empty;
    char *text;

    if (!q || after < 0 || (*end && *end != '&')) {
        sv_error(rs, 400, "after", "ask with ?after=N, the last seq applied (0 at first)");
        return;
    }
    if (st_replog_head(s->store, &head)) {
        sv_store_error(s, rs);
        return;
    }
    if (after > head) {
        sv_error(rs, 409, "after", "this server's log ends at %lld; the standby is ahead of it "
                 "(a standby of another primary?)", (long long)head);
        return;
    }
    b->last_poll_us = sv_now_us();
    if (after > b->acked)
        b->acked = after;
    if (!b->attached && after == head) {
        b->attached = true;
        fprintf(stderr, "skillscore: standby caught up at %lld; writes now wait for it\n",
                (long long)head);
    }
    pk_wake(s, acked_ready, &(wake_ctx){.b = b});
    text = rows_after(s, after, head, &empty);
    if (text) {
        reply_text(rs, text);
        return;
    }
    if (!empty) {
        sv_error(rs, 500, NULL, "cannot read the replication log: %s", st_errmsg(s->store));
        return;
    }
    /* Nothing new: the standby hears back at the next commit, or after POLL_WAIT_US. */
    rs->status = 200;
    rs->deferred = true;
    rs->wait = SV_WAIT_POLL;
    rs->wait_seq = after;
}

/* A long poll whose rows have come, or whose time is up. */
static bool poll_ready(sv_server *s, sv_response *rs, void *ctx)
{
    const wake_ctx *w = ctx;
    bool empty;
    char *text;
    if (rs->wait != SV_WAIT_POLL)
        return false;
    if (w->head > rs->wait_seq && (text = rows_after(s, rs->wait_seq, w->head, &empty))) {
        reply_text(rs, text);
        return true;
    }
    if (w->now - rs->wait_since_us < POLL_WAIT_US)
        return false;
    char buf[96], *t;
    snprintf(buf, sizeof buf, "{\"rows\":[],\"last\":%lld,\"head\":%lld}",
             (long long)rs->wait_seq, (long long)w->head);
    if ((t = strdup(buf)))
        reply_text(rs, t);
    else
        sv_error(rs, 500, NULL, "out of memory");
    return true;
}

/* A reply that waited too long for the standby goes out on one disk's word. */
static bool overdue(sv_server *s, sv_response *rs, void *ctx)
{
    const wake_ctx *w = ctx;
    (void)s;
    return rs->wait == SV_WAIT_STANDBY &&
           w->now - rs->wait_since_us >= (int64_t)w->b->o.sync_timeout_ms * 1000;
}

static bool any_overdue(sv_server *s, sv_response *rs, void *ctx)
{
    if (overdue(s, rs, ctx))
        ((wake_ctx *)ctx)->ok = false;
    return false;
}

static bool any_poll(sv_server *s, sv_response *rs, void *ctx)
{
    (void)s;
    if (rs->wait == SV_WAIT_POLL)
        ((wake_ctx *)ctx)->ok = true;
    return false;
}

static bool commit_ready(sv_server *s, sv_response *rs, void *ctx)
{
    const wake_ctx *w = ctx;
    (void)s;
    if (rs->wait != SV_WAIT_COMMIT)
        return false;
    if (!w->ok) {
        sv_error(rs, 500, NULL, "the database could not store this; send it again");
        return true;
    }
    if (w->b && w->b->attached) {
        rs->wait = SV_WAIT_STANDBY;
        rs->wait_seq = w->head;
        return false;
    }
    return true;
}

void sb_committed(sv_server *s, bool ok)
{
    sb_state *b = s->standby;
    wake_ctx w = {.b = b, .ok = ok};
    if (b && b->attached && st_replog_head(s->store, &w.head))
        b->attached = false; /* the log cannot be read: acknowledge on this disk alone */
    pk_wake(s, commit_ready, &w);
}

void sb_hold_write(sv_server *s, sv_response *rs)
{
    sb_state *b = s->standby;
    int64_t head;
    if (!b || !b->attached || rs->deferred || rs->status < 200 || rs->status >= 300 ||
        st_replog_head(s->store, &head) || head <= b->acked)
        return;
    rs->deferred = true;
    rs->wait = SV_WAIT_STANDBY;
    rs->wait_seq = head;
}

/* ---- both: the loop's turn -------------------------------------------------------------------- */

static bool any_parked(sv_server *s, sv_response *rs, void *ctx)
{
    (void)s;
    if (rs->wait == SV_WAIT_POLL || rs->wait == SV_WAIT_STANDBY)
        *(bool *)ctx = true;
    return false;
}

int64_t sb_tick(sv_server *s)
{
    sb_state *b = s->standby;
    wake_ctx w = {.b = b};
    bool parked = false;

    if (!b)
        return 0;
    w.now = sv_now_us();
    if (b->read_only && atomic_exchange(&b->dirty, false)) {
        /* New rows under the cached competitions: read them again, screens resync. */
        while (s->comps)
            sv_comp_drop(s, s->comps->id);
    }
    if (b->read_only && atomic_load(&b->promoted)) {
        b->read_only = false;
        while (s->comps)
            sv_comp_drop(s, s->comps->id);
        fprintf(stderr, "skillscore: promoted: this server is the primary now and takes writes\n");
    }
    if (!pk_count(s))
        return 0;
    w.ok = false;
    pk_wake(s, any_poll, &w);
    if (w.ok && !st_replog_head(s->store, &w.head))
        pk_wake(s, poll_ready, &w);
    w.ok = true;
    pk_wake(s, any_overdue, &w);
    if (!w.ok) {
        fprintf(stderr, "skillscore: the standby did not confirm within %u ms; writes are "
                        "acknowledged on this disk alone until it catches up\n",
                b->o.sync_timeout_ms);
        b->attached = false;
        pk_wake(s, overdue, &w);
    }
    /* Long polls and writes waiting for the standby are looked at again soon, even when the
     * network is quiet. */
    pk_wake(s, any_parked, &parked);
    return parked ? 50 * 1000 : 0;
}

bool sb_read_only(const sv_server *s) { return s->standby && s->standby->read_only; }

void sb_set_loop(sb_state *b, struct lws_context *ctx) { atomic_store(&b->loop, ctx); }

void api_standby_status(sv_server *s, sv_request *rq, sv_response *rs)
{
    sb_state *b = s->standby;
    int64_t head = 0;
    (void)rq;
    if (st_replog_head(s->store, &head)) {
        sv_store_error(s, rs);
        return;
    }
    if (b && b->read_only)
        sv_json(rs, 200, json_pack("{s:s,s:s,s:I}", "mode", "standby", "primary", b->o.follow,
                                   "applied", (json_int_t)atomic_load(&b->applied)));
    else
        sv_json(rs, 200, json_pack("{s:s,s:I,s:b,s:I}", "mode", "primary", "head",
                                   (json_int_t)head, "standby_attached", b && b->attached,
                                   "standby_acked", (json_int_t)(b ? b->acked : 0)));
}

/* ---- standby: the follower thread ------------------------------------------------------------- */

static size_t on_data(char *d, size_t size, size_t nmemb, void *ctx)
{
    vec_text *b = ctx;
    vec_text_put(b, d, size * nmemb);
    return b->oom ? 0 : size * nmemb;
}

/* Stops a transfer as soon as the server is stopping. */
static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return atomic_load(&((sb_state *)ctx)->stop) ? 1 : 0;
}

/* One HTTP exchange with the primary; the status, or -1 when it could not be reached. */
static long http(sb_state *b, CURL *h, const char *url, const char *token, const char *post,
                 vec_text *out)
{
    struct curl_slist *hdr = NULL;
    char auth[128];
    long status = -1;

    vec_text_free(out);
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 15000L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, b);
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdr = curl_slist_append(hdr, auth);
    }
    if (post) {
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    return status;
}

static void say(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

/* Signs in to the primary: the token, or "" when that failed (said why). */
static void sign_in(sb_state *b, CURL *h, const char *base, char token[80], char device[80])
{
    const char *user = getenv("SKILLSCORE_FOLLOW_USER"), *pw = getenv("SKILLSCORE_FOLLOW_PASSWORD");
    char url[600];
    vec_text out = {0};
    json_t *body, *doc;
    char *text;

    token[0] = '\0';
    if (!pw)
        pw = getenv("SKILLSCORE_ADMIN_PASSWORD");
    body = json_pack("{s:s,s:s}", "user", user ? user : "admin", "password", pw ? pw : "");
    if (device[0])
        json_object_set_new(body, "device", json_string(device));
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    snprintf(url, sizeof url, "%s/api/login", base);
    long st = text ? http(b, h, url, NULL, text, &out) : -1;
    free(text);
    doc = st == 200 && out.p ? json_loads(out.p, 0, NULL) : NULL;
    if (doc) {
        const char *t = json_string_value(json_object_get(doc, "token"));
        snprintf(token, 80, "%s", t ? t : "");
        if (json_string_value(json_object_get(doc, "device")))
            snprintf(device, 80, "%s", json_string_value(json_object_get(doc, "device")));
    } else
        say("skillscore: standby: cannot sign in to the primary %s (%s); set "
            "SKILLSCORE_FOLLOW_USER and SKILLSCORE_FOLLOW_PASSWORD to an organizer account",
            base, st < 0 ? "not reachable" : out.p ? out.p : "no answer");
    json_decref(doc);
    vec_text_free(&out);
}

/* Applies one page of the log in one transaction: its last seq, or -1 (said why). */
static int64_t apply_page(st_store *st, json_t *doc)
{
    json_t *rows = json_object_get(doc, "rows"), *r;
    json_int_t last = json_integer_value(json_object_get(doc, "last"));
    size_t i;
    char seqtext[32];

    if (!json_is_array(rows) || json_array_size(rows) == 0)
        return 0;
    if (st_begin(st))
        goto fail;
    json_array_foreach(rows, i, r) {
        const char *tbl = json_string_value(json_array_get(r, 1));
        const char *op = json_string_value(json_array_get(r, 2));
        char *row;
        int rc;
        if (!tbl || !op)
            goto fail_rb;
        if (strcmp(op, "commit") == 0)
            continue;
        if (!(row = json_dumps(json_array_get(r, 3), JSON_COMPACT)))
            goto fail_rb;
        rc = st_replog_apply(st, tbl, op, row);
        free(row);
        if (rc)
            goto fail_rb;
    }
    snprintf(seqtext, sizeof seqtext, "%lld", (long long)last);
    if (st_standby_put(st, "applied", seqtext) || st_commit(st))
        goto fail_rb;
    return last;
fail_rb:
    st_rollback(st);
fail:
    say("skillscore: standby: %s%s", st_errmsg(st), "");
    return -1;
}

static void *follow(void *arg)
{
    sb_state *b = arg;
    st_store *st = NULL;
    CURL *h = curl_easy_init();
    char err[600], token[80] = "", device[80] = "", url[700], state[64];
    vec_text out = {0};

    if (!h || st_open(b->o.db, &st, err, sizeof err)) {
        say("skillscore: standby: %s%s", h ? err : "cannot start libcurl", "");
        goto out;
    }
    while (!atomic_load(&b->stop)) {
        int64_t applied = 0;
        if (st_standby_get(st, "promoted", state, sizeof state) == ST_OK) {
            atomic_store(&b->promoted, true);
            break;
        }
        if (st_standby_get(st, "applied", state, sizeof state) == ST_OK)
            applied = atoll(state);
        atomic_store(&b->applied, applied);
        if (!token[0]) {
            sign_in(b, h, b->o.follow, token, device);
            if (!token[0]) {
                sleep(1);
                continue;
            }
        }
        snprintf(url, sizeof url, "%s/api/replication?after=%lld", b->o.follow,
                 (long long)applied);
        long status = http(b, h, url, token, NULL, &out);
        if (status == 401) {
            token[0] = '\0';
            continue;
        }
        if (status != 200) {
            if (status >= 400)
                say("skillscore: standby: the primary answered %s%s", out.p ? out.p : "", "");
            usleep(500 * 1000);
            continue;
        }
        json_t *doc = json_loads(out.p, 0, NULL);
        int64_t last = doc ? apply_page(st, doc) : -1;
        json_decref(doc);
        if (last < 0) {
            /* A copy that does not apply or chain is not served as a copy: stop following. */
            say("skillscore: standby: stopped following %s; this copy is as of seq %s",
                b->o.follow, state);
            break;
        }
        if (last > 0) {
            atomic_store(&b->applied, last);
            atomic_store(&b->dirty, true);
            wake(b);
        }
    }
out:
    wake(b);
    vec_text_free(&out);
    if (h)
        curl_easy_cleanup(h);
    st_close(st);
    return NULL;
}

sb_state *sb_new(sv_server *s, const sb_options *o)
{
    sb_state *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->s = s;
    b->o = *o;
    if (!b->o.sync_timeout_ms)
        b->o.sync_timeout_ms = 2000;
    if (o->follow) {
        char state[64];
        if (st_standby_get(s->store, "promoted", state, sizeof state) == ST_OK) {
            fprintf(stderr, "skillscore: %s was promoted at %s; serving it as the primary, not "
                            "following %s\n", o->db, state, o->follow);
            return b;
        }
        b->read_only = true;
        curl_global_init(CURL_GLOBAL_DEFAULT);
        if (pthread_create(&b->thread, NULL, follow, b)) {
            fprintf(stderr, "skillscore: cannot start the standby thread\n");
            free(b);
            return NULL;
        }
        b->started = true;
    }
    return b;
}

void sb_free(sb_state *b)
{
    if (!b)
        return;
    if (b->started) {
        atomic_store(&b->stop, true);
        pthread_join(b->thread, NULL);
        curl_global_cleanup();
    }
    free(b);
}

/* ---- backups ----------------------------------------------------------------------------------- */

void api_backup(sv_server *s, sv_request *rq, sv_response *rs)
{
    char path[] = "/tmp/skillscore-backup-XXXXXX", err[600], when[32];
    int fd = mkstemp(path);
    st_store *copy = NULL;
    long rows = 0;
    int64_t bad = 0;
    FILE *f = NULL;
    long size;
    time_t now = time(NULL);
    struct tm tm;

    if (fd < 0) {
        sv_error(rs, 500, NULL, "cannot make a temporary file for the backup");
        return;
    }
    close(fd);
    if (st_backup(s->store, path)) {
        sv_store_error(s, rs);
        goto out;
    }
    if (st_open(path, &copy, err, sizeof err) || st_check(copy) ||
        st_audit_verify(copy, &rows, &bad)) {
        sv_error(rs, 500, NULL, "the backup does not verify: %s", copy ? st_errmsg(copy) : err);
        goto out;
    }
    st_close(copy);
    copy = NULL;
    if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) || !(rs->body = malloc((size_t)size + 1)) ||
        fread(rs->body, 1, (size_t)size, f) != (size_t)size) {
        sv_error(rs, 500, NULL, "cannot read the backup back");
        goto out;
    }
    rs->len = (size_t)size;
    rs->status = 200;
    rs->ctype = "application/vnd.sqlite3";
    localtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
    snprintf(rs->filename, sizeof rs->filename, "skillscore-%s.db", when);
    fprintf(stderr, "skillscore: backup for %s: %ld bytes, audit chain intact (%ld rows)\n",
            rq->who.name, size, rows);
out:
    if (f)
        fclose(f);
    st_close(copy);
    unlink(path);
    {
        char side[sizeof path + 8];
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
    }
}

/* ---- commands --------------------------------------------------------------------------------- */

static const char *db_arg(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

int sb_promote_main(int argc, char **argv)
{
    const char *db = db_arg(argc, argv, "--db");
    st_store *st;
    char err[600], when[48], applied[32] = "0";
    time_t now = time(NULL);

    if (!db) {
        fprintf(stderr, "usage: skillscore promote --db FILE\n");
        return 2;
    }
    if (access(db, R_OK | W_OK) != 0 || st_open(db, &st, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s: %s\n", db, access(db, F_OK) ? "no such database" : err);
        return 2;
    }
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    st_standby_get(st, "applied", applied, sizeof applied);
    if (st_standby_put(st, "promoted", when)) {
        fprintf(stderr, "skillscore: %s\n", st_errmsg(st));
        st_close(st);
        return 1;
    }
    st_close(st);
    printf("%s is promoted (as of the primary's seq %s): a standby serving it takes writes now; "
           "point the tablets at this machine\n", db, applied);
    return 0;
}

int sb_backup_main(int argc, char **argv)
{
    const char *db = db_arg(argc, argv, "--db"), *to = db_arg(argc, argv, "--out");
    st_store *st = NULL, *copy = NULL;
    char err[600];
    long rows = 0;
    int64_t bad = 0;
    int rc = 1;

    if (!db || !to) {
        fprintf(stderr, "usage: skillscore backup --db FILE --out FILE\n");
        return 2;
    }
    if (access(db, R_OK) != 0 || st_open(db, &st, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s: %s\n", db, access(db, F_OK) ? "no such database" : err);
        return 2;
    }
    if (st_backup(st, to)) {
        fprintf(stderr, "skillscore: backup: %s\n", st_errmsg(st));
        goto out;
    }
    if (st_open(to, &copy, err, sizeof err)) {
        fprintf(stderr, "skillscore: the copy %s\n", err);
        goto out;
    }
    if (st_check(copy) || st_audit_verify(copy, &rows, &bad)) {
        fprintf(stderr, "skillscore: the copy %s does not verify: %s\n", to, st_errmsg(copy));
        goto out;
    }
    printf("backup written to %s: audit chain intact (%ld rows)\n", to, rows);
    rc = 0;
out:
    st_close(copy);
    st_close(st);
    return rc;
}
