/*
 * relay.h — the public relay (prefix rl_): the venue server publishes each competition's public
 * view (exactly what an anonymous /ws subscriber is sent as a snapshot: same JSON, same seq) to
 * an nchan publisher endpoint beyond the venue, where the province's phones subscribe.
 *
 * What goes out (the relay keeps the last messages; a subscriber starts from the oldest it has):
 * the public updates, exactly as an anonymous /ws screen gets them, at most one every
 * RL_INTERVAL_MS per competition, and a whole snapshot at the start, every RL_SNAPSHOT_MS while
 * things change, and whenever an update was skipped or dropped — so a subscriber that joins or
 * misses something starts again from the next snapshot (ws.c decides, display.js follows).
 *
 * Why a thread and a bounded queue per competition: the relay is across a WAN and may be slow
 * or dead. The loop only hands messages over (rl_offer copies and returns at once); a thread
 * POSTs them in order over one keep-alive connection (libcurl) to URL/{competition}. A queue
 * that fills is emptied and a snapshot asked for, so a dead relay costs bounded memory and never
 * slows marking. A failed post (retried every 500 ms) drops the queued updates of every
 * competition and asks for snapshots, because a relay that comes back has lost its buffer: when
 * it is back, each channel starts again from the newest snapshot.
 *
 * Ownership: rl_start returns a relay that rl_stop joins and frees; rl_offer copies what it is
 * given. rl_offer and rl_stats may be called from the loop while the thread runs.
 */
#ifndef SKILLSCORE_RELAY_H
#define SKILLSCORE_RELAY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RL_INTERVAL_MS 100
#define RL_SNAPSHOT_MS 5000
/* A quiet competition is sent again whole this often: a relay restarted while nothing changed
 * (so no post failed, and nothing told) has it again within this time. */
#define RL_KEYFRAME_MS 30000
#define RL_MAX_COMPS 64

typedef struct rl_relay rl_relay;

/* url: the nchan publisher location, e.g. "http://relay.example.cn/pub" (each competition is
 * the channel URL/{id}). wake(wake_arg) is called from the relay's thread when it starts asking
 * for snapshots (rl_need_snapshot), so that an idle loop takes a turn and offers them; it must
 * be safe from any thread (sl_wake). NULL with err on a bad URL or no memory. */
rl_relay *rl_start(const char *url, void (*wake)(void *arg), void *wake_arg, char *err,
                   size_t errcap);
/* Hands over a public message of competition comp (text, len bytes): an update, queued in
 * order, or a snapshot (snapshot true), which empties the queue before it. When updates had to
 * be dropped (the relay too far behind), or the relay may have lost what it held (a post failed,
 * or an update found its channel empty: nchan was restarted), rl_need_snapshot says so for
 * every competition it knows, quiet ones included, and updates offered meanwhile are dropped:
 * the next post that succeeds for each competition is a snapshot. */
void rl_offer(rl_relay *r, const char *comp, const char *text, size_t len, bool snapshot);
bool rl_need_snapshot(rl_relay *r, const char *comp);
/* Published, failed and replaced-before-sending counts, for logs and tests. */
void rl_stats(rl_relay *r, uint64_t *sent, uint64_t *failed, uint64_t *replaced);
void rl_stop(rl_relay *r);
#endif
