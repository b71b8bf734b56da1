/*
 * relay.h — the public relay (prefix rl_): the venue server publishes each competition's public
 * view (exactly what an anonymous /ws subscriber is sent as a snapshot: same JSON, same seq) to
 * an nchan publisher endpoint beyond the venue, where the province's phones subscribe.
 *
 * Why a thread and one slot per competition: the relay is across a WAN and may be slow or dead.
 * The loop only hands over the newest snapshot (rl_offer copies it and returns at once); a
 * thread POSTs it over one keep-alive connection (libcurl) to URL/{competition}. A newer
 * snapshot replaces one not yet sent, so a dead relay costs a few copies of memory and never
 * slows marking; when it is back, the newest state goes out. The loop offers at most every
 * RL_INTERVAL_MS per competition (ws.c).
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
#define RL_MAX_COMPS 64

typedef struct rl_relay rl_relay;

/* url: the nchan publisher location, e.g. "http://relay.example.cn/pub" (each competition is
 * the channel URL/{id}). NULL with err on a bad URL or no memory. */
rl_relay *rl_start(const char *url, char *err, size_t errcap);
/* Hands over competition comp's newest public snapshot (text, len bytes). */
void rl_offer(rl_relay *r, const char *comp, const char *text, size_t len);
/* Published, failed and replaced-before-sending counts, for logs and tests. */
void rl_stats(rl_relay *r, uint64_t *sent, uint64_t *failed, uint64_t *replaced);
void rl_stop(rl_relay *r);
#endif
