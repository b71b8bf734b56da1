/*
 * live_load.c — the load side of bench/live.py: J judge clients posting marks over HTTP/1.1
 * keep-alive (one request in flight each, as a tablet), and D WebSocket screens subscribed to the
 * same competition. The judges and the screens have a thread and an epoll loop each: on a machine
 * the load shares with the server, a judge's acknowledgement must not wait in the load's own
 * queue behind thousands of screen messages, or the load would measure itself.
 *
 *   live_load PORT TOKEN COMP MARKS_FILE JUDGES DISPLAYS [RATE]
 *
 * Without RATE each judge sends its next mark as soon as the last is acknowledged (the server's
 * ceiling: latency is then mostly queueing). With RATE marks/s in all, each judge sends on a
 * schedule (one every JUDGES/RATE s), which is how latency is meant to be read.
 * MARKS_FILE has one mark per line: entry criterion judge score. Every acknowledgement carries
 * the change's live_seq; a screen's update covers seq from..to. A mark has reached every screen
 * when the last of the D screens has received an update covering its seq: that time minus the
 * POST's send time is the mark→all-screens latency. Prints one JSON line of figures.
 * Loopback only; ends when every mark is acknowledged and seen, or 30 s after the last ack.
 * With RELAY_PORT=N the screens subscribe to the public relay on that port (/sub/COMP) instead.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
    int fd;
    bool screen;
    char *in;
    size_t len, cap;
    long mark;          /* judge: the mark in flight, -1 when none */
    size_t next;        /* judge: its next mark index (stride J) */
    double due;         /* judge, paced: when its next mark is due */
    bool waiting;       /* judge, paced: idle until due */
    uint64_t seen;      /* screen on the relay: the newest snapshot's seq */
} conn;

typedef struct mark {
    char body[400];
    double sent, acked;
    uint64_t seq;
} mark;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            perror("send");
            exit(1);
        }
        c += w;
        n -= (size_t)w;
    }
}

/* A masked client frame (the mask is zero: RFC 6455 asks for a mask, not a secret one). */
static void ws_send(int fd, int opcode, const char *text, size_t n)
{
    unsigned char h[14];
    size_t at = 0;
    h[at++] = (unsigned char)(0x80 | opcode);
    if (n < 126)
        h[at++] = (unsigned char)(0x80 | n);
    else {
        h[at++] = 0x80 | 126;
        h[at++] = (unsigned char)(n >> 8);
        h[at++] = (unsigned char)n;
    }
    memset(h + at, 0, 4);
    at += 4;
    send_all(fd, h, at);
    if (n)
        send_all(fd, text, n);
}

static void append(conn *c, const char *p, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 65536;
        while (cap < c->len + n + 1)
            cap *= 2;
        c->in = realloc(c->in, cap);
        if (!c->in)
            exit(1);
        c->cap = cap;
    }
    memcpy(c->in + c->len, p, n);
    c->len += n;
    c->in[c->len] = '\0';
}

static void consume(conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->len - n);
    c->len -= n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *port_s, *token, *comp;
static mark *marks;
static size_t n_marks, n_judges;
static atomic_size_t acked, errors;
static atomic_bool judges_done;
static uint64_t max_seq_cap = 1 << 22;
static unsigned *seen_count;  /* per seq: screens that have it */
static double *seen_last;     /* per seq: when the last of them got it */
static size_t n_screens, resyncs, snapshots;
static _Atomic double last_ack_time;
static double rate, period; /* paced mode: marks/s in all; seconds between one judge's marks */

static void post_next(conn *c)
{
    char req[1024];
    if (c->next >= n_marks) {
        c->mark = -1;
        return;
    }
    mark *m = &marks[c->next];
    c->mark = (long)c->next;
    c->next += n_judges;
    int n = snprintf(req, sizeof req,
                     "POST /api/competitions/%s/marks HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n"
                     "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     comp, port_s, token, strlen(m->body), m->body);
    m->sent = now();
    send_all(c->fd, req, (size_t)n);
}

/* One whole HTTP response in c->in: handle it and send the next mark. */
static void judge_read(conn *c)
{
    for (;;) {
        char *end = strstr(c->in, "\r\n\r\n");
        if (!end)
            return;
        size_t head = (size_t)(end - c->in) + 4, body = 0;
        char *cl = strcasestr(c->in, "content-length:");
        if (cl && cl < end)
            body = strtoul(cl + 15, NULL, 10);
        if (c->len < head + body)
            return;
        int status = atoi(c->in + 9);
        if (c->mark >= 0) {
            mark *m = &marks[c->mark];
            char *q = strstr(c->in + head, "\"live_seq\":");
            m->acked = now();
            last_ack_time = m->acked;
            if (status == 201 && q) {
                m->seq = strtoull(q + 11, NULL, 10);
                acked++;
            } else {
                errors++;
                fprintf(stderr, "mark %ld: %d %.*s\n", c->mark, status, (int)body, c->in + head);
            }
        }
        consume(c, head + body);
        if (rate > 0) {
            c->due += period;
            if (c->due > now()) {
                c->waiting = true;
                c->mark = -1;
                continue;
            }
        }
        post_next(c);
    }
}

/* With RELAY_PORT set, screens read the public relay (nchan, deploy/relay): every message is
 * a whole snapshot, and one at seq N covers every change up to N this screen had not seen. */
static int relay_port;

static void screen_message(conn *c, const char *p, size_t n)
{
    if (relay_port && n > 9 && memcmp(p, "{\"type\":\"update\"", 16) == 0) {
        /* Relay: an update counts from the first snapshot on, when it follows what was seen. */
        const char *f = memmem(p, n < 200 ? n : 200, "\"from\":", 7);
        const char *s = memmem(p, n < 200 ? n : 200, "\"seq\":", 6);
        if (!f || !s || !c->seen)
            return;
        uint64_t from = strtoull(f + 7, NULL, 10), to = strtoull(s + 6, NULL, 10);
        if (from != c->seen + 1)
            return; /* old news, or a gap: the next snapshot covers it */
        double t = now();
        for (uint64_t q = from; q <= to && q < max_seq_cap; q++) {
            seen_count[q]++;
            seen_last[q] = t;
        }
        c->seen = to;
        return;
    }
    if (relay_port && memmem(p, n < 40 ? n : 40, "\"results\"", 9)) {
        const char *s = memmem(p, n < 200 ? n : 200, "\"seq\":", 6);
        if (!s)
            return;
        uint64_t to = strtoull(s + 6, NULL, 10);
        double t = now();
        if (!c->seen)
            snapshots++;
        for (uint64_t q = c->seen + 1; q <= to && q < max_seq_cap; q++) {
            seen_count[q]++;
            seen_last[q] = t;
        }
        if (to > c->seen)
            c->seen = to;
        return;
    }
    if (n > 9 && memcmp(p, "{\"type\":\"update\"", 16) == 0) {
        const char *f = memmem(p, n < 200 ? n : 200, "\"from\":", 7);
        const char *s = memmem(p, n < 200 ? n : 200, "\"seq\":", 6);
        if (!f || !s)
            return;
        uint64_t from = strtoull(f + 7, NULL, 10), to = strtoull(s + 6, NULL, 10);
        double t = now();
        for (uint64_t q = from; q <= to && q < max_seq_cap; q++) {
            seen_count[q]++;
            seen_last[q] = t;
        }
    } else if (memmem(p, n < 40 ? n : 40, "\"resync\"", 8))
        resyncs++;
    else if (memmem(p, n < 40 ? n : 40, "\"results\"", 9))
        snapshots++;
}

static void screen_read(conn *c)
{
    for (;;) {
        if (c->len < 2)
            return;
        unsigned char *b = (unsigned char *)c->in;
        size_t n = b[1] & 0x7f, at = 2;
        if (n == 126) {
            if (c->len < 4)
                return;
            n = ((size_t)b[2] << 8) | b[3];
            at = 4;
        } else if (n == 127) {
            if (c->len < 10)
                return;
            n = 0;
            for (int i = 0; i < 8; i++)
                n = (n << 8) | b[2 + i];
            at = 10;
        }
        if (c->len < at + n)
            return;
        int op = b[0] & 0x0f;
        if (op == 0x9)
            ws_send(c->fd, 0xA, c->in + at, n);
        else if (op == 0x1)
            screen_message(c, c->in + at, n);
        consume(c, at + n);
    }
}

static void open_screen(conn *c, int port)
{
    char req[512], buf[4096];
    size_t got = 0;
    c->screen = true;
    char path[128];
    if (relay_port) {
        port = relay_port;
        snprintf(path, sizeof path, "/sub/%s", comp);
    } else
        snprintf(path, sizeof path, "/ws");
    c->fd = dial(port);
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n", path, port);
    send_all(c->fd, req, (size_t)n);
    while (got < sizeof buf - 1) {
        ssize_t r = recv(c->fd, buf + got, sizeof buf - 1 - got, 0);
        if (r <= 0) {
            fprintf(stderr, "screen handshake failed\n");
            exit(1);
        }
        got += (size_t)r;
        buf[got] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    if (!strstr(buf, " 101 ")) {
        fprintf(stderr, "screen refused: %.80s\n", buf);
        exit(1);
    }
    char *rest = strstr(buf, "\r\n\r\n") + 4;
    append(c, rest, got - (size_t)(rest - buf));
    if (relay_port)
        return; /* the relay sends the newest snapshot, then each new one */
    char sub[256];
    n = snprintf(sub, sizeof sub, "{\"subscribe\":\"%s\"}", comp);
    ws_send(c->fd, 0x1, sub, (size_t)n);
}

/* The judges, on their own thread, until every mark is acknowledged. */
static int judge_ep;
static conn *g_conns;
static double t0;

static void *judges_run(void *arg)
{
    struct epoll_event evs[512];
    (void)arg;
    for (size_t i = 0; i < n_judges; i++) {
        /* Paced judges start spread over one period, not all at once. */
        g_conns[i].due = t0 + period * (double)i / (double)n_judges;
        g_conns[i].waiting = rate > 0;
        if (rate <= 0)
            post_next(&g_conns[i]);
    }
    while (acked + errors < n_marks) {
        int timeout = 1000;
        if (rate > 0) {
            double t = now(), soonest = t + 1;
            for (size_t i = 0; i < n_judges; i++) {
                conn *c = &g_conns[i];
                if (!c->waiting || c->next >= n_marks)
                    continue;
                if (c->due <= t) {
                    c->waiting = false;
                    post_next(c);
                } else if (c->due < soonest)
                    soonest = c->due;
            }
            timeout = (int)((soonest - t) * 1000);
            if (timeout < 0)
                timeout = 0;
        }
        int n = epoll_wait(judge_ep, evs, 512, timeout);
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            char buf[65536];
            ssize_t r = recv(c->fd, buf, sizeof buf, 0);
            if (r <= 0) {
                fprintf(stderr, "a judge closed\n");
                exit(1);
            }
            append(c, buf, (size_t)r);
            judge_read(c);
        }
    }
    atomic_store(&judges_done, true);
    return NULL;
}

static void pct(const char *name, double *v, size_t n, bool comma)
{
    if (!n) {
        printf("\"%s\":null%s", name, comma ? "," : "");
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    printf("\"%s\":{\"n\":%zu,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}%s", name, n,
           v[n / 2] * 1e3, v[(size_t)((double)n * 0.99)] * 1e3, v[n - 1] * 1e3, comma ? "," : "");
}

int main(int argc, char **argv)
{
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: live_load PORT TOKEN COMP MARKS_FILE JUDGES DISPLAYS [RATE]\n");
        return 2;
    }
    int port = atoi(argv[1]);
    relay_port = getenv("RELAY_PORT") ? atoi(getenv("RELAY_PORT")) : 0;
    port_s = argv[1];
    token = argv[2];
    comp = argv[3];
    n_judges = strtoul(argv[5], NULL, 10);
    n_screens = strtoul(argv[6], NULL, 10);
    rate = argc == 8 ? atof(argv[7]) : 0;
    period = rate > 0 ? (double)n_judges / rate : 0;
    struct rlimit rl = {n_judges + n_screens + 64, n_judges + n_screens + 64};
    setrlimit(RLIMIT_NOFILE, &rl);

    FILE *f = fopen(argv[4], "r");
    char e[64], k[64], j[64], sc[32];
    size_t cap = 1024;
    marks = malloc(cap * sizeof *marks);
    while (f && fscanf(f, "%63s %63s %63s %31s", e, k, j, sc) == 4) {
        if (n_marks == cap)
            marks = realloc(marks, (cap *= 2) * sizeof *marks);
        memset(&marks[n_marks], 0, sizeof *marks);
        snprintf(marks[n_marks].body, sizeof marks[n_marks].body,
                 "{\"id\":\"%08x-0000-4000-8000-%012zx\",\"entry\":\"%s\",\"criterion\":\"%s\","
                 "\"judge\":\"%s\",\"score\":%s}",
                 (unsigned)getpid(), n_marks, e, k, j, sc);
        n_marks++;
    }
    if (f)
        fclose(f);
    seen_count = calloc(max_seq_cap, sizeof *seen_count);
    seen_last = calloc(max_seq_cap, sizeof *seen_last);

    int ep = epoll_create1(0);
    conn *conns = calloc(n_judges + n_screens, sizeof *conns);
    double t_open = now();
    for (size_t i = 0; i < n_screens; i++)
        open_screen(&conns[n_judges + i], port);
    judge_ep = epoll_create1(0);
    for (size_t i = 0; i < n_judges + n_screens; i++) {
        if (i < n_judges) {
            conns[i].fd = dial(port);
            conns[i].next = i;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        epoll_ctl(i < n_judges ? judge_ep : ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }
    struct epoll_event evs[512];
    /* Every screen has its snapshot before the first mark goes out. */
    while (snapshots < n_screens) {
        int n = epoll_wait(ep, evs, 512, 10000);
        if (n <= 0) {
            fprintf(stderr, "only %zu of %zu snapshots arrived\n", snapshots, n_screens);
            return 1;
        }
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            char buf[65536];
            ssize_t r = recv(c->fd, buf, sizeof buf, 0);
            if (r > 0) {
                append(c, buf, (size_t)r);
                if (c->screen)
                    screen_read(c);
            }
        }
    }
    double t_subscribed = now();
    t0 = now();
    g_conns = conns;
    pthread_t jt;
    pthread_create(&jt, NULL, judges_run, NULL);
    /* The screens, on this thread, until every acknowledged mark was seen by all. */
    for (;;) {
        if (atomic_load(&judges_done)) {
            bool all_seen = true;
            for (size_t m = 0; m < n_marks && all_seen; m++)
                all_seen = !marks[m].seq || marks[m].seq >= max_seq_cap ||
                           seen_count[marks[m].seq] >= n_screens;
            if (all_seen || now() - last_ack_time > 30)
                break;
        }
        int n = epoll_wait(ep, evs, 512, 100);
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            char buf[65536];
            ssize_t r = recv(c->fd, buf, sizeof buf, 0);
            if (r <= 0) {
                fprintf(stderr, "a screen closed\n");
                return 1;
            }
            append(c, buf, (size_t)r);
            screen_read(c);
        }
    }
    pthread_join(jt, NULL);
    double wall = last_ack_time - t0;
    double *ack = malloc((n_marks + 1) * sizeof *ack), *all = malloc((n_marks + 1) * sizeof *all);
    size_t na = 0, nall = 0, unseen = 0;
    for (size_t m = 0; m < n_marks; m++) {
        if (!marks[m].seq)
            continue;
        ack[na++] = marks[m].acked - marks[m].sent;
        if (n_screens && marks[m].seq < max_seq_cap && seen_count[marks[m].seq] >= n_screens)
            all[nall++] = seen_last[marks[m].seq] - marks[m].sent;
        else if (n_screens)
            unseen++;
    }
    size_t n_acked = acked, n_errors = errors;
    printf("{\"offered_rate\":%.0f,\"judges\":%zu,\"screens\":%zu,\"marks\":%zu,\"acked\":%zu,\"errors\":%zu,"
           "\"seconds\":%.2f,\"marks_per_s\":%.0f,\"subscribe_s\":%.2f,",
           rate, n_judges, n_screens, n_marks, n_acked, n_errors, wall, (double)n_acked / wall,
           t_subscribed - t_open);
    pct("ack", ack, na, true);
    pct("mark_to_all_screens", all, nall, true);
    printf("\"not_seen_by_all\":%zu,\"resyncs\":%zu}\n", unseen, resyncs);
    return n_errors || unseen ? 1 : 0;
}
