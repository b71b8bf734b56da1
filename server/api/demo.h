/*
 * demo.h — `skillscore serve --demo`: the demo competition (data/demo/competition.json, linked
 * into the binary) set up through the same handlers the API uses, so the demo shows the real
 * paths: E01 locked and published, E02 with its marks withheld for live marking, E03 complete
 * but open; numbers drawn for every event; fixed demo passwords and PINs.
 */
#ifndef SKILLSCORE_DEMO_H
#define SKILLSCORE_DEMO_H

#include "server/core/server.h"

#define DEMO_ADMIN_PASSWORD "demo-admin"
#define DEMO_ARBITRATION_PASSWORD "demo-zhongcai"
#define DEMO_DISPLAY_PASSWORD "demo-display"
#define DEMO_EVENT_LIVE "E02"

/* Loads the demo into an empty store; does nothing when competition YN2026 is there. */
int demo_load(sv_server *s);
/* The demo PIN of a judge: "2026" and the judge's number (J07 → 202607). */
void demo_pin(const char *judge, char pin[8]);
void demo_print(const char *host, int port);

#endif
