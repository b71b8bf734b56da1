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
 *    "tier":null | {"award","rows":[{"rank","name","unit","total"[,"title"][,"delegation"]}…]}}
 *
 * After the groups, the delegations' medal table (奖牌榜) has a ceremony of its own over the
 * published events (live.h's "medal_table"): step 0 its title card, then the table a page of
 * CER_MEDAL_ROWS rows at a time from the bottom up, the top of the table last (a province has
 * 16 州市 and some industry systems: read from the back of a hall, they do not fit one screen).
 *   {"on":true,"medal_table":true,"step","steps","events","published",
 *    "pages":[{"first","last","count"}… the ranks on each step's page, in the order shown],
 *    "table":null | {"columns","points","rows":[the page's rows]}}
 * Only the page reached is in a message, as with the award tiers. It is stored with CER_MEDALS
 * as its event: no event id can hold a "/".
 *
 * Ownership: cer_build and cer_build_medals return a new reference (the caller's); group and
 * table are borrowed.
 */
#ifndef SKILLSCORE_CEREMONY_H
#define SKILLSCORE_CEREMONY_H
#include <jansson.h>

/* The ceremony at step of group, a live group as the public sees it (live.h) after its event
 * is published. *steps gets the number of award tiers. NULL when the group is not published or
 * memory ran out; step outside 0..*steps is clamped. */
json_t *cer_build(const json_t *group, long step, long *steps);

#define CER_MEDALS "/medal_table"
#define CER_MEDAL_ROWS 12

/* The medal table's ceremony at step (clamped to 0..*steps) of table, the live medal table
 * (never NULL: without one there is no such ceremony). *steps gets the number of pages. NULL
 * when memory ran out. */
json_t *cer_build_medals(const json_t *table, long step, long *steps);
#endif
