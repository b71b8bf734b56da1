/*
 * marking.c — an event's WorldSkills marking scheme and its other issue-18 fields:
 *
 *   events[].marking   [{"id": "B4", "criterion": "B", "kind": "J", "max": 2,
 *                        "description": "焊缝外观", "benchmarks": ["…", "…", "…", "…"]},
 *                       {"id": "M3", "criterion": "B", "kind": "M", "max": 2, "deduct": 0.5,
 *                        "description": "尺寸公差"}]
 *   events[].scale     "worldskills": scale scores (700) and the Medallion for Excellence
 *   events[].conflict  "refuse" (default) | "flag": a mark by a judge of a contestant's unit (回避)
 *
 * docs/worldskills.md W1–W2 say what a scheme must satisfy: every aspect names a criterion of the
 * event, a judgement aspect brings four benchmark texts (0–3), deductions only on measurement
 * aspects, and each criterion's aspects add up to exactly its maximum. A scheme makes the aspects
 * the event's items: marks name aspects, and aggregation does not apply (W3–W5 replace it).
 */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_benchmarks(reader *r, cf_aspect *a, json_t *arr, const char *p)
{
    if (!json_is_array(arr) || json_array_size(arr) != 4)
        return rd_fail(r, "%s.benchmarks: a judgement aspect needs four texts, for 0, 1, 2 and 3 "
                       "(docs/worldskills.md W1)", p);
    for (size_t k = 0; k < 4; k++) {
        json_t *t = json_array_get(arr, k);
        if (!json_is_string(t) || json_string_length(t) == 0)
            return rd_fail(r, "%s.benchmarks[%zu]: must be a non-empty text", p, k);
        if (!(a->benchmarks[k] = rd_strdup(json_string_value(t))))
            return rd_fail_oom(r);
    }
    return 0;
}

static int read_aspect(reader *r, cf_event *ev, size_t i, json_t *o, const char *path)
{
    static const char *const known[] = {"id", "criterion", "kind", "max", "deduct",
                                        "description", "benchmarks", NULL};
    cf_aspect *a = &ev->aspects[i];
    sc_aspect *rule = &ev->aspect_rules[i];
    char p[96], *crit = NULL, *kind = NULL;
    json_t *d;
    long k;
    int rc = -1;

    snprintf(p, sizeof p, "%s.marking[%zu]", path, i);
    if (rd_want_object(r, o, p))
        return -1;
    rd_check_keys(r, o, "events[].marking[]", known);
    if (rd_get_id(r, o, p, &a->id) ||
        rd_get_string(r, o, "description", p, true, &a->description) ||
        rd_get_string(r, o, "criterion", p, true, &crit) ||
        rd_get_string(r, o, "kind", p, true, &kind) ||
        rd_number_centi(r, json_object_get(o, "max"), p, "max", &rule->max))
        goto out;
    if ((k = cf_criterion_index(ev, crit)) < 0) {
        rd_fail(r, "%s.criterion: \"%s\" is not a criterion of event %s", p, crit, ev->id);
        goto out;
    }
    rule->criterion = (size_t)k;
    if (cf_criterion_index(ev, a->id) >= 0) {
        rd_fail(r, "%s.id: \"%s\" is also a criterion id of event %s; marks name aspects, so the "
                "ids must differ", p, a->id, ev->id);
        goto out;
    }
    for (size_t j = 0; j < i; j++)
        if (strcmp(ev->aspects[j].id, a->id) == 0) {
            rd_fail(r, "%s.id: aspect \"%s\" is used twice in event %s", p, a->id, ev->id);
            goto out;
        }
    if (rule->max == 0) {
        rd_fail(r, "%s: max must be above 0", p);
        goto out;
    }
    if (strcmp(kind, "J") == 0) {
        rule->kind = SC_ASPECT_JUDGEMENT;
        if (json_object_get(o, "deduct")) {
            rd_fail(r, "%s.deduct: only a measurement aspect (kind M) has deductions", p);
            goto out;
        }
        if (read_benchmarks(r, a, json_object_get(o, "benchmarks"), p))
            goto out;
    } else if (strcmp(kind, "M") == 0) {
        rule->kind = SC_ASPECT_MEASUREMENT;
        if ((d = json_object_get(o, "deduct")) && !json_is_null(d)) {
            if (rd_number_centi(r, d, p, "deduct", &rule->deduct))
                goto out;
            if (rule->deduct == 0 || rule->deduct > rule->max) {
                rd_fail(r, "%s.deduct: must be above 0 and at most the aspect's max", p);
                goto out;
            }
        }
        if (json_object_get(o, "benchmarks")) {
            rd_fail(r, "%s.benchmarks: only a judgement aspect (kind J) has benchmarks", p);
            goto out;
        }
    } else {
        rd_fail(r, "%s.kind: \"%s\" must be \"M\" (measurement) or \"J\" (judgement)", p, kind);
        goto out;
    }
    rc = 0;
out:
    free(crit);
    free(kind);
    return rc;
}

static int read_scheme(reader *r, cf_event *ev, json_t *arr, const char *path)
{
    size_t n = json_array_size(arr), fault;
    int rc;

    if (!json_is_array(arr) || n == 0)
        return rd_fail(r, "%s.marking: must be a non-empty array of aspects", path);
    ev->aspects = calloc(n, sizeof *ev->aspects);
    ev->aspect_rules = calloc(n, sizeof *ev->aspect_rules);
    if (!ev->aspects || !ev->aspect_rules)
        return rd_fail_oom(r);
    ev->n_aspects = n;
    for (size_t i = 0; i < n; i++)
        if (read_aspect(r, ev, i, json_array_get(arr, i), path))
            return -1;
    rc = sc_aspects_check(ev->aspect_rules, n, ev->criterion_max, ev->n_criteria, &fault);
    if (rc == SC_EASPECTSUM) {
        sc_centi sum = 0;
        for (size_t i = 0; i < n; i++)
            if (ev->aspect_rules[i].criterion == fault)
                sum += ev->aspect_rules[i].max;
        return rd_fail(r, "%s.marking: the aspects of criterion %s add up to %s, not its maximum "
                       "%s (docs/worldskills.md W2)", path, ev->criteria[fault].id,
                       sc_centi_format_short(sum, (char[24]){0}),
                       sc_centi_format_short(ev->criteria[fault].max, (char[24]){0}));
    }
    if (rc != SC_OK)
        return rd_fail(r, "%s.marking[%zu]: not a possible aspect", path, fault);
    ev->rules.aspects = ev->aspect_rules;
    ev->rules.n_aspects = n;
    ev->n_items = n;
    return 0;
}

int rd_read_marking(reader *r, cf_event *ev, json_t *event, const char *path)
{
    json_t *m = json_object_get(event, "marking");
    char *scale = NULL, *conflict = NULL;
    int rc = -1;

    ev->n_items = ev->n_criteria;
    if (m && !json_is_null(m) && read_scheme(r, ev, m, path))
        return -1;
    if (rd_get_string(r, event, "scale", path, false, &scale) ||
        rd_get_string(r, event, "conflict", path, false, &conflict))
        goto out;
    if (scale && strcmp(scale, "worldskills") != 0) {
        rd_fail(r, "%s.scale: \"%s\" must be \"worldskills\" (or left out)", path, scale);
        goto out;
    }
    ev->rules.ws_scale = scale != NULL;
    if (conflict && strcmp(conflict, "refuse") != 0 && strcmp(conflict, "flag") != 0) {
        rd_fail(r, "%s.conflict: \"%s\" must be \"refuse\" or \"flag\"", path, conflict);
        goto out;
    }
    ev->conflict_flag = conflict && strcmp(conflict, "flag") == 0;
    rc = 0;
out:
    free(scale);
    free(conflict);
    return rc;
}
