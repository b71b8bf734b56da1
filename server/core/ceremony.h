/*
 * ceremony.h — the award ceremony (颁奖) on the displays (prefix cer_): what a screen shows at
 * each step of revealing one published (event, group), from the lowest award up to the highest.
 *
 * Steps: 0 is the title card; step k (1..steps) shows the k-th award tier counted from the
 * lowest (优胜奖 first, 一等奖/金牌 last), every entry of that tier with its rank, names, unit
 * and total. Nothing of a tier not yet reached is in the message, so a screen cannot spoil it.
 *
 * The object (in live messages as "ceremony", docs/live.md):
 *   {"on":true,"event","event_name","group","step","steps",
 *    "tiers":[{"award","count"}… lowest first],
 *    "tier":null | {"award","rows":[{"rank","name","unit","total"}…]}}
 *
 * Ownership: cer_build returns a new reference (the caller's); group is borrowed.
 */
#ifndef SKILLSCORE_CEREMONY_H
#define SKILLSCORE_CEREMONY_H
#include <jansson.h>

/* The ceremony at step of group, a live group as the public sees it (live.h) after its event
 * is published. *steps gets the number of award tiers. NULL when the group is not published or
 * memory ran out; step outside 0..*steps is clamped. */
json_t *cer_build(const json_t *group, long step, long *steps);
#endif
