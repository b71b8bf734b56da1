/*
 * serve.c — `skillscore serve` and `skillscore audit verify`: options, the first organizer
 * account, the libwebsockets context (the /api/ callback mount and the judge-client/ file
 * mount on one port), and the event loop until SIGINT or SIGTERM.
 */
#include "server/serve.h"

#include "server/core/batch.h"
#include "server/core/comp.h"
#include "server/net/conns.h"
#include "server/api/demo.h"
#include "server/core/jobs.h"
#include "server/core/standby.h"
#include "server/sec/auth.h"
#include "server/sec/throttle.h"
#include "server/net/http.h"
#include "server/net/loop.h"
#include "server/core/server.h"
#include "server/net/relay.h"
#include "server/net/ws.h"

#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <signal.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sl_loop *loop;

static void on_hub_timer(void *arg) { ws_timer(arg); }

/* Nothing to do but wake the loop: sb_tick runs after every turn. */
static void on_standby_timer(void *arg) { (void)arg; }

static void schedule_hub(void *ctx, int64_t us) { sl_schedule(loop, SL_HUB, us, on_hub_timer, ctx); }

/* Once a second: quiet screens are pinged, dead ones closed (ws_sweep). */
static void on_sweep(void *arg)
{
    ws_sweep(arg);
    sl_schedule(loop, SL_SWEEP, 1000000, on_sweep, arg);
}

/* The numeric options of the live results. */
typedef struct ws_opt {
    const char *name;
    unsigned *dst;
    long min;
} ws_opt;

static const ws_opt *ws_option(const ws_opt *opts, const char *name)
{
    for (; opts->name; opts++)
        if (strcmp(opts->name, name) == 0)
            return opts;
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: skillscore serve [--db FILE] [--host ADDR] [--port N] [--demo] "
                    "[--static DIR]\n"
                    "                        [--ws-interval MS] [--ws-queue N] "
                    "[--ws-per-address N] [--ws-ping SECONDS]\n"
                    "                        [--ws-sndbuf BYTES] [--per-address N] "
                    "[--max-connections N] [--http-timeout SECONDS]\n"
                    "                        [--follow URL] [--sync-timeout MS] [--relay URL]\n"
                    "                        [--loop uv|poll]\n");
    return 2;
}

/* One server per database: two would interleave their cached state and corrupt the current
 * marks. The lock is flock(2) on the database file itself, which SQLite's own (POSIX) locks do
 * not see, so `backup` and `audit verify` can still read the file while it is served. The
 * descriptor stays open, and the lock held, until the process ends. -1 after a message. */
static int lock_database(const char *db)
{
    int fd = open(db, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "skillscore: %s: %s\n", db, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "skillscore: %s is being served by another skillscore; stop that one "
                        "first (a standby keeps its own copy: serve --follow)\n", db);
        close(fd);
        return -1;
    }
    return fd;
}

/* The first start of a database creates the organizer account. */
static int first_admin(sv_server *s, bool demo)
{
    const char *env = getenv("SKILLSCORE_ADMIN_PASSWORD");
    char pw[32], *hash;
    long n = 0;

    if (st_user_count(s->store, &n))
        return -1;
    if (n > 0)
        return 0;
    if (env && *env)
        snprintf(pw, sizeof pw, "%s", env);
    else if (demo)
        snprintf(pw, sizeof pw, "%s", DEMO_ADMIN_PASSWORD);
    else
        auth_random_password(pw, 16);
    if (!(hash = auth_hash(pw)))
        return -1;
    if (st_begin(s->store) || st_user_put(s->store, "admin", "admin", hash) ||
        sv_audit(s, "system", "user", NULL, json_pack("{s:s,s:s}", "user", "admin", "role", "admin")) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        free(hash);
        return -1;
    }
    free(hash);
    if (!env || !*env)
        printf("skillscore: created the organizer account: user admin, password %s%s\n", pw,
               demo ? "" : " (shown once; change it with POST /api/users)");
    return 0;
}

/* What `skillscore serve` was asked for. */
typedef struct serve_opts {
    const char *db, *host, *static_dir;
    int port;
    bool demo;
    ws_options ws;
    cn_limits conns;
    sb_options standby;
    unsigned http_timeout;
    const char *relay;
    sl_kind loop;
} serve_opts;

/* Reads the options: 0, or the exit status after a message. */
static int parse_options(int argc, char **argv, serve_opts *o)
{
    const ws_opt nums[] = {{"--ws-interval", &o->ws.interval_ms, 0},
                           {"--ws-queue", &o->ws.queue_max, 1},
                           {"--ws-per-address", &o->ws.per_address, 1},
                           {"--ws-sndbuf", &o->ws.sndbuf, 1},
                           {"--ws-ping", &o->ws.ping_s, 1},
                           {"--per-address", &o->conns.per_address, 1},
                           {"--http-timeout", &o->http_timeout, 1},
                           {"--sync-timeout", &o->standby.sync_timeout_ms, 1},
                           {"--max-connections", &o->conns.total, 16},
                           {NULL, NULL, 0}};
    const ws_opt *opt;

    *o = (serve_opts){.db = "skillscore.db", .host = "127.0.0.1", .static_dir = "judge-client",
                      .port = 8080, .http_timeout = 10, .loop = SL_UV};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--demo") == 0)
            o->demo = true;
        else if (i + 1 < argc && strcmp(a, "--db") == 0)
            o->db = argv[++i];
        else if (i + 1 < argc && strcmp(a, "--host") == 0)
            o->host = argv[++i];
        else if (i + 1 < argc && strcmp(a, "--static") == 0)
            o->static_dir = argv[++i];
        else if (i + 1 < argc && strcmp(a, "--follow") == 0)
            o->standby.follow = argv[++i];
        else if (i + 1 < argc && strcmp(a, "--relay") == 0)
            o->relay = argv[++i];
        else if (i + 1 < argc && strcmp(a, "--loop") == 0) {
            const char *k = argv[++i];
            if (strcmp(k, "uv") && strcmp(k, "poll")) {
                fprintf(stderr, "skillscore: --loop: %s is neither uv nor poll\n", k);
                return 2;
            }
            o->loop = strcmp(k, "uv") == 0 ? SL_UV : SL_POLL;
        }
        else if (i + 1 < argc && (opt = ws_option(nums, a))) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < opt->min || v > 100000000) {
                fprintf(stderr, "skillscore: %s: %s is not a number in range\n", a, argv[i]);
                return 2;
            }
            /* 0 stands for "the default" in ws_options: an interval of 0 is sent as 1 ms. */
            *opt->dst = v ? (unsigned)v : 1;
        } else if (i + 1 < argc && strcmp(a, "--port") == 0) {
            char *end;
            long p = strtol(argv[++i], &end, 10);
            if (*end || p < 1 || p > 65535) {
                fprintf(stderr, "skillscore: --port: %s is not a port number\n", argv[i]);
                return 2;
            }
            o->port = (int)p;
        } else
            return usage();
    }
    o->standby.db = o->db;
    return 0;
}

/* Everything but the network: the tables, the store (locked, checked), the standby, the first
 * account and the demo. 0, or -1 after a message. */
static int open_server(sv_server *s, const serve_opts *o, int *lock_fd)
{
    const char *ttl = getenv("SKILLSCORE_TOKEN_TTL");
    char err[600], pw[33];

    /* The hub ties the rooms: the core releases parked replies and tells the live screens
     * through these, without knowing the transport. */
    pk_init(&s->parked, http_release);
    s->hooks.comp_reset = ws_comp_reset;
    s->hooks.live_changed = ws_tick;
    s->hooks.sessions_changed = ws_revalidate;
    s->token_ttl = ttl && atoll(ttl) > 0 ? atoll(ttl) : 12 * 3600;
    s->static_dir = o->static_dir;
    if (auth_init()) {
        fprintf(stderr, "skillscore: libsodium failed to start\n");
        return -1;
    }
    /* Unknown accounts are checked against this, so they cost what a wrong secret costs. */
    auth_random_password(pw, 32);
    s->dummy_hash = auth_hash(pw);
    if (!(s->throttle = th_new()) || !(s->verify_throttle = th_new()) || !s->dummy_hash ||
        !(s->jobs = jb_new(0, 64)) || !(s->hub = ws_hub_new(s, &o->ws)) ||
        !(s->conns = cn_new(&o->conns))) {
        fprintf(stderr, "skillscore: out of memory\n");
        return -1;
    }
    if ((*lock_fd = lock_database(o->db)) < 0)
        return -1;
    if (st_open(o->db, &s->store, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s\n", err);
        return -1;
    }
    if (st_check(s->store)) {
        fprintf(stderr, "skillscore: %s: %s; restore it from a backup (skillscore backup)\n",
                o->db, st_errmsg(s->store));
        return -1;
    }
    if (!(s->standby = sb_new(s, &o->standby)))
        return -1;
    /* A standby takes its accounts and competitions from the primary. */
    if (sb_read_only(s))
        return 0;
    if (first_admin(s, o->demo)) {
        fprintf(stderr, "skillscore: cannot create the organizer account: %s\n",
                st_errmsg(s->store));
        return -1;
    }
    if (o->demo && demo_load(s)) {
        fprintf(stderr, "skillscore: cannot load the demo competition\n");
        return -1;
    }
    return 0;
}

/* The lws context: /api and /verify to the API, / to the pages, /ws to live results. */
static struct lws_context *make_context(sv_server *s, const serve_opts *o)
{
    static struct lws_protocols protocols[3];
    static struct lws_protocol_vhost_options pvo_default = {NULL, NULL, "default", "1"};
    static struct lws_protocol_vhost_options pvo_live = {NULL, &pvo_default, "skillscore-live",
                                                         ""};
    static struct lws_http_mount api_mount, verify_mount, file_mount;
    struct lws_context_creation_info info;

    memset(protocols, 0, sizeof protocols);
    protocols[0].name = "http";
    protocols[0].callback = http_callback;
    protocols[0].per_session_data_size = http_conn_size();
    protocols[1].name = "skillscore-live";
    protocols[1].callback = ws_callback;
    protocols[1].per_session_data_size = ws_conn_size();
    protocols[1].rx_buffer_size = 4096;
    /* lws sends at most this much of a message per write and keeps the rest for a writable
     * callback (rx_buffer_size when 0): an update of 5 KiB to 5,000 screens would cost 5,000
     * callbacks in one turn. The kernel takes what fits; lws keeps only a real remainder. */
    protocols[1].tx_packet_size = 256 * 1024;
    memset(&api_mount, 0, sizeof api_mount);
    api_mount.mountpoint = "/api";
    api_mount.mountpoint_len = 4;
    api_mount.origin = "http";
    api_mount.origin_protocol = LWSMPRO_CALLBACK;
    /* /verify/{number} is what a certificate's QR code opens: same handler table as /api. */
    verify_mount = api_mount;
    verify_mount.mountpoint = "/verify";
    verify_mount.mountpoint_len = 7;
    api_mount.mount_next = &verify_mount;
    /* Pages are served by the same callback (static.c), which refuses symlinks and hidden
     * names; lws's file mount would follow a symlink out of the folder. */
    file_mount = api_mount;
    file_mount.mount_next = &api_mount;
    file_mount.mountpoint = "/";
    file_mount.mountpoint_len = 1;

    memset(&info, 0, sizeof info);
    info.port = o->port;
    info.iface = o->host;
    info.protocols = protocols;
    info.mounts = &file_mount;
    info.user = s;
    info.vhost_name = "skillscore";
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
    info.pvo = &pvo_live; /* /ws without a subprotocol header gets the live protocol */
    /* A connection that sends no complete head, or stalls inside a body, for http_timeout
     * seconds is closed (slow clients pin a connection slot, not the server); an idle keep-alive
     * connection after three times that. */
    info.timeout_secs = o->http_timeout;
    info.timeout_secs_ah_idle = o->http_timeout;
    info.keepalive_timeout = (int)(3 * o->http_timeout);
    sl_prepare(loop, &info);
    lws_set_log_level(LLL_ERR, NULL);
    return lws_create_context(&info);
}

/* On a foreign (libuv) loop lws returns a context even when it could not bind, so whether the
 * server listens is asked of the vhost itself. */
static bool listening(struct lws_context *ctx, int port)
{
    struct lws_vhost *vh = lws_get_vhost_by_name(ctx, "skillscore");
    return vh && lws_get_vhost_listen_port(vh) == port;
}

/* The end of a turn: what arrived in it becomes durable together, then is shown. */
static void end_of_turn(void *arg)
{
    sv_server *s = arg;
    sv_batch_flush(s);
    jb_tick(s->jobs, s);
    int64_t again = sb_tick(s);
    if (again)
        sl_schedule(loop, SL_STANDBY, again, on_standby_timer, NULL);
    ws_turn_end(s);
}

static void relay_comp(void *ctx, const char *id, const char *name)
{
    sv_server *s = ctx;
    sv_comp *c;
    (void)name;
    if (sv_comp_get(s, id, &c) == SV_OK)
        c->relay_dirty = true;
}

/* From the relay's thread: a snapshot is wanted, and the loop may be idle. */
static void wake_loop(void *arg)
{
    (void)arg;
    sl_wake(loop);
}

/* The public relay: every competition is loaded and offered once at the start, so the relay
 * shows the current state before the first change. -1 after a message. */
static int start_relay(sv_server *s, const char *url)
{
    char err[300];
    if (!(s->relay = rl_start(url, wake_loop, NULL, err, sizeof err))) {
        fprintf(stderr, "skillscore: %s\n", err);
        return -1;
    }
    if (st_comp_each(s->store, relay_comp, s)) {
        fprintf(stderr, "skillscore: %s\n", st_errmsg(s->store));
        return -1;
    }
    printf("skillscore: publishing the public view to %s/{competition}\n", url);
    return 0;
}

static void close_server(sv_server *s, int lock_fd)
{
    if (s->relay) {
        /* For the log, and for tests that must know the relay really was down. */
        uint64_t sent, failed, replaced;
        rl_stats(s->relay, &sent, &failed, &replaced);
        printf("skillscore: relay: %llu published, %llu failed, %llu replaced before sending\n",
               (unsigned long long)sent, (unsigned long long)failed,
               (unsigned long long)replaced);
    }
    rl_stop(s->relay); /* joins the publisher; what it had not sent is dropped */
    s->relay = NULL;
    sb_free(s->standby); /* joins the follower before the loop it wakes goes */
    s->standby = NULL;
    jb_free(s->jobs, s);
    s->jobs = NULL;
    /* The threads above are joined: nothing wakes the loop any more. */
    if (loop) {
        sl_close_context(loop);
        sl_free(loop);
        loop = NULL;
    }
    ws_hub_free(s->hub);
    cn_free(s->conns);
    th_free(s->throttle);
    th_free(s->verify_throttle);
    free(s->dummy_hash);
    pk_free(&s->parked);
    sv_comp_free_all(s);
    st_close(s->store);
    if (lock_fd >= 0)
        close(lock_fd);
}

int sv_serve_main(int argc, char **argv)
{
    serve_opts o;
    sv_server s;
    struct lws_context *ctx;
    int rc = parse_options(argc, argv, &o), lock_fd = -1;

    if (rc)
        return rc;
    memset(&s, 0, sizeof s);
    rc = 1;
    if (open_server(&s, &o, &lock_fd))
        goto out;
    if (!(loop = sl_new(o.loop))) {
        fprintf(stderr, "skillscore: cannot start the event loop\n");
        goto out;
    }
    if (!(ctx = make_context(&s, &o)) || !listening(ctx, o.port)) {
        fprintf(stderr, "skillscore: cannot listen on %s:%d\n", o.host, o.port);
        if (ctx) {
            sl_attach(loop, ctx, NULL, NULL);
            sl_abandon(loop);
        } else
            sl_free(loop);
        loop = NULL;
        goto out;
    }
    sl_attach(loop, ctx, end_of_turn, &s);
    if (o.relay && start_relay(&s, o.relay))
        goto out;
    ws_hub_set_timer(s.hub, schedule_hub, &s);
    sl_schedule(loop, SL_SWEEP, 1000000, on_sweep, &s);
    sb_set_loop(s.standby, ctx);
    jb_set_loop(s.jobs, ctx);
    printf("skillscore: serving http://%s:%d/ (database %s, %s loop)\n", o.host, o.port, o.db,
           sl_name(loop));
    if (o.demo && !sb_read_only(&s))
        demo_print(o.host, o.port);
    fflush(stdout);
    sl_run(loop);
    rc = 0;
out:
    close_server(&s, lock_fd);
    return rc;
}

int sv_audit_main(int argc, char **argv)
{
    const char *db = NULL;
    st_store *st = NULL;
    char err[600];
    long rows = 0;
    int64_t bad = 0;
    int rc;

    if (argc >= 2 && strcmp(argv[1], "verify") == 0)
        for (int i = 2; i + 1 < argc; i++)
            if (strcmp(argv[i], "--db") == 0)
                db = argv[i + 1];
    if (!db) {
        fprintf(stderr, "usage: skillscore audit verify --db FILE\n");
        return 2;
    }
    if (access(db, R_OK | W_OK) != 0) {
        fprintf(stderr, "skillscore: %s: no such database\n", db);
        return 2;
    }
    if (st_open(db, &st, err, sizeof err)) {
        fprintf(stderr, "skillscore: %s\n", err);
        return 2;
    }
    rc = st_audit_verify(st, &rows, &bad);
    if (rc == ST_OK)
        printf("audit chain intact: %ld rows\n", rows);
    else if (bad)
        printf("audit chain broken at row %lld: %s\n", (long long)bad, st_errmsg(st));
    else
        fprintf(stderr, "skillscore: %s\n", st_errmsg(st));
    st_close(st);
    return rc == ST_OK ? 0 : 1;
}
