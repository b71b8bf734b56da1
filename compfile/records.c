/*
 * records.c — checking the competition, its events and its entries (competition-file.md).
 *
 * Defaults that the organizer may override are filled in here (rules.md: "default"), and every
 * rule that can be checked without computing is checked: weights (管理办法 第二十九条), criteria
 * sums, quotas, tie-breaks, levels, team sizes, unique ids.
 */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A percent text "12.5%" into hundredths of a percent. */
static int parse_percent(const char *s, sc_centi *out)
{
    size_t n = strlen(s);
    if (n < 2 || s[n - 1] != '%')
        return SC_ESYNTAX;
    return sc_centi_parse(s, n - 1, out);
}

/* ---- competition ---------------------------------------------------------------------------- */

static int read_cash(reader *r, json_t *cash)
{
    cf_competition *c = r->c;
    const char *key;
    json_t *v;

    sc_cash_table_preset(sc_class_cash_preset(c->cls), &c->cash);
    c->cash_mode = CF_CASH_PRESET;
    if (!cash || json_is_null(cash))
        return 0;
    if (json_is_string(cash)) {
        if (strcmp(json_string_value(cash), "preset") == 0)
            return 0;
        if (strcmp(json_string_value(cash), "none") == 0) {
            c->cash_mode = CF_CASH_NONE;
            sc_cash_table_preset(SC_CASH_NONE, &c->cash);
            return 0;
        }
        return rd_fail(r, "competition: cash \"%s\" must be \"preset\", \"none\" or a table",
                    json_string_value(cash));
    }
    if (!json_is_object(cash))
        return rd_fail(r, "competition: cash must be \"preset\", \"none\" or a table");
    c->cash_mode = CF_CASH_CUSTOM;
    sc_cash_table_preset(SC_CASH_NONE, &c->cash);
    json_object_foreach(cash, key, v) {
        sc_award a;
        if (sc_award_parse(key, &a) != SC_OK)
            return rd_fail(r, "competition.cash: \"%s\" is not an award (金牌, 银牌, 铜牌, 一等奖, "
                           "二等奖, 三等奖, 优胜奖)", key);
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return rd_fail(r, "competition.cash: \"%s\" must be a whole number of yuan, 0 or more",
                        key);
        if (json_integer_value(v) > 1000000000)
            return rd_fail(r, "competition.cash: \"%s\" is too large", key);
        c->cash.amount[a] = json_integer_value(v);
    }
    return 0;
}

int rd_read_competition(reader *r)
{
    static const char *const known[] = {"id", "name", "class", "stage", "cash", "code",
                                        "organizer", "certificate_issuer", "appraisal_centre",
                                        "date", "certificate_pattern", "medal_points", NULL};
    cf_competition *c = r->c;
    json_t *o = r->competition;
    char *cls = NULL, *stage = NULL;
    int rc = -1;

    if (!o)
        return rd_fail(r, "missing field \"competition\"");
    if (rd_want_object(r, o, "competition"))
        return -1;
    rd_check_keys(r, o, "competition", known);
    if (rd_get_id(r, o, "competition", &c->id) ||
        rd_get_string(r, o, "name", "competition", true, &c->name) ||
        rd_get_string(r, o, "class", "competition", true, &cls) ||
        rd_get_string(r, o, "stage", "competition", false, &stage) ||
        rd_get_string(r, o, "code", "competition", false, &c->code) ||
        rd_get_string(r, o, "organizer", "competition", false, &c->organizer) ||
        rd_get_string(r, o, "certificate_issuer", "competition", false, &c->certificate_issuer) ||
        rd_get_string(r, o, "appraisal_centre", "competition", false, &c->appraisal_centre) ||
        rd_get_string(r, o, "date", "competition", false, &c->date) ||
        rd_get_string(r, o, "certificate_pattern", "competition", false,
                      &c->certificate_pattern))
        goto out;
    if (sc_class_parse(cls, &c->cls) != SC_OK) {
        rd_fail(r, "competition: class \"%s\" is not a known class (see rules.md §1: provincial, "
                "prefecture, county, national, worldskills, ...)", cls);
        goto out;
    }
    c->final_stage = true;
    if (stage && strcmp(stage, "selection") == 0)
        c->final_stage = false;
    else if (stage && strcmp(stage, "final") != 0) {
        rd_fail(r, "competition: stage \"%s\" must be \"final\" or \"selection\"", stage);
        goto out;
    }
    if (c->date) {
        int y, m, d;
        char tail;
        if (strlen(c->date) != 10 || sscanf(c->date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
            m < 1 || m > 12 || d < 1 || d > 31) {
            rd_fail(r, "competition: date \"%s\" must be YYYY-MM-DD", c->date);
            goto out;
        }
    }
    rc = read_cash(r, json_object_get(o, "cash")) ||
         rd_read_medal_points(r, json_object_get(o, "medal_points")) ? -1 : 0;
out:
    free(cls);
    free(stage);
    return rc;
}

/* ---- events ------------------------------------------------------------------------------- */

static int read_criteria(reader *r, cf_event *ev, json_t *arr, const char *path)
{
    char p[96];
    size_t n = json_array_size(arr);
    sc_centi sum = 0;
    int rc;

    if (!json_is_array(arr) || n == 0)
        return rd_fail(r, "%s: field \"criteria\" must be a non-empty array", path);
    ev->criteria = calloc(n, sizeof *ev->criteria);
    ev->criterion_max = calloc(n, sizeof *ev->criterion_max);
    if (!ev->criteria || !ev->criterion_max)
        return rd_fail_oom(r);
    ev->n_criteria = n;
    for (size_t i = 0; i < n; i++) {
        static const char *const known[] = {"id", "name", "max", NULL};
        json_t *o = json_array_get(arr, i);
        cf_criterion *cr = &ev->criteria[i];
        snprintf(p, sizeof p, "%s.criteria[%zu]", path, i);
        if (rd_want_object(r, o, p) || rd_get_id(r, o, p, &cr->id) ||
            rd_get_string(r, o, "name", p, false, &cr->name) ||
            rd_number_centi(r, json_object_get(o, "max"), p, "max", &cr->max))
            return -1;
        rd_check_keys(r, o, "events[].criteria[]", known);
        if (cr->max == 0)
            return rd_fail(r, "%s: max must be above 0", p);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ev->criteria[j].id, cr->id) == 0)
                return rd_fail(r, "%s: criterion id \"%s\" is used twice in event %s", p, cr->id,
                            ev->id);
        }
        ev->criterion_max[i] = cr->max;
        sum += cr->max;
    }
    rc = sc_criteria_check(ev->criterion_max, n);
    if (rc == SC_ECRITERIASUM)
        return rd_fail(r, "%s.criteria: the maxima add up to %s, not 100 (rules.md §2)", path,
                    sc_centi_format_short(sum, (char[24]){0}));
    if (rc != SC_OK)
        return rd_fail(r, "%s.criteria: %s", path, sc_strerror(rc));
    return 0;
}

static int read_awards(reader *r, cf_event *ev, json_t *o, const char *path)
{
    static const char *const known[] = {"scheme", "quotas", "quota_rounding", NULL};
    static const sc_quota dflt[3] = {{true, 1000}, {true, 2000}, {true, 3000}};
    sc_event_rules *ru = &ev->rules;
    char p[96], *scheme = NULL, *rounding = NULL;
    json_t *quotas;
    int rc = -1;

    memcpy(ru->quotas, dflt, sizeof dflt);
    ru->scheme = SC_SCHEME_PRIZES;
    ru->quota_rounding = SC_ROUND_FLOOR;
    if (!o || json_is_null(o))
        return 0;
    snprintf(p, sizeof p, "%s.awards", path);
    if (rd_want_object(r, o, p))
        return -1;
    rd_check_keys(r, o, "events[].awards", known);
    if (rd_get_string(r, o, "scheme", p, false, &scheme) ||
        rd_get_string(r, o, "quota_rounding", p, false, &rounding))
        goto out;
    if (scheme && sc_scheme_parse(scheme, &ru->scheme) != SC_OK) {
        rd_fail(r, "%s: scheme \"%s\" must be \"prizes\" or \"medals\"", p, scheme);
        goto out;
    }
    if (rounding && sc_rounding_parse(rounding, &ru->quota_rounding) != SC_OK) {
        rd_fail(r, "%s: quota_rounding \"%s\" must be \"floor\", \"round\" or \"ceil\"", p,
             rounding);
        goto out;
    }
    quotas = json_object_get(o, "quotas");
    if (quotas && !json_is_null(quotas)) {
        if (!json_is_array(quotas) || json_array_size(quotas) != 3) {
            rd_fail(r, "%s: quotas must be an array of 3 items (first, second, third award)", p);
            goto out;
        }
        for (size_t i = 0; i < 3; i++) {
            json_t *q = json_array_get(quotas, i);
            sc_quota *dst = &ru->quotas[i];
            if (json_is_integer(q)) {
                dst->percent = false;
                dst->value = json_integer_value(q);
            } else if (json_is_string(q)) {
                int prc = parse_percent(json_string_value(q), &dst->value);
                dst->percent = true;
                if (prc != SC_OK) {
                    rd_fail(r, "%s: quotas[%zu] \"%s\" must be a count like 3 or a percent like "
                            "\"10%%\" with at most 2 decimals", p, i, json_string_value(q));
                    goto out;
                }
            } else {
                rd_fail(r, "%s: quotas[%zu] must be a whole count or a percent string", p, i);
                goto out;
            }
            if (sc_quota_check(*dst) != SC_OK) {
                rd_fail(r, "%s: quotas[%zu] must be 0 or more and at most 100%%", p, i);
                goto out;
            }
        }
    }
    rc = 0;
out:
    free(scheme);
    free(rounding);
    return rc;
}

static int read_tie_break(reader *r, cf_event *ev, json_t *arr, const char *path)
{
    sc_event_rules *ru = &ev->rules;
    ru->tie_break[0] = SC_TB_PRACTICAL;
    ru->tie_break[1] = SC_TB_TIME;
    ru->n_tie_break = 2;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr) || json_array_size(arr) > SC_MAX_TIE_BREAK)
        return rd_fail(r, "%s: tie_break must be an array of up to 3 of \"practical\", \"theory\", "
                       "\"time\"", path);
    ru->n_tie_break = json_array_size(arr);
    for (size_t i = 0; i < ru->n_tie_break; i++) {
        const char *k = json_string_value(json_array_get(arr, i));
        if (!k || sc_tie_break_parse(k, &ru->tie_break[i]) != SC_OK)
            return rd_fail(r, "%s: tie_break[%zu] must be \"practical\", \"theory\" or \"time\"",
                        path, i);
        for (size_t j = 0; j < i; j++) {
            if (ru->tie_break[j] == ru->tie_break[i])
                return rd_fail(r, "%s: tie_break lists \"%s\" twice", path, k);
        }
    }
    return 0;
}

static int read_occupation(reader *r, cf_event *ev, json_t *o, const char *path)
{
    static const char *const known[] = {"code", "name", "in_catalog", "top_level", NULL};
    char p[96], *top = NULL;
    int rc = -1;

    ev->rules.in_catalog = true;
    ev->rules.top_level = SC_LEVEL_1;
    if (!o || json_is_null(o))
        return 0;
    snprintf(p, sizeof p, "%s.occupation", path);
    if (rd_want_object(r, o, p))
        return -1;
    rd_check_keys(r, o, "events[].occupation", known);
    if (rd_get_string(r, o, "code", p, false, &ev->occupation_code) ||
        rd_get_string(r, o, "name", p, false, &ev->occupation_name) ||
        rd_get_bool(r, o, "in_catalog", p, true, &ev->rules.in_catalog) ||
        rd_get_string(r, o, "top_level", p, false, &top))
        goto out;
    if (top && sc_level_parse(top, &ev->rules.top_level) != SC_OK) {
        rd_fail(r, "%s: top_level \"%s\" must be one of 初级工, 中级工, 高级工, 技师, 高级技师", p,
             top);
        goto out;
    }
    rc = 0;
out:
    free(top);
    return rc;
}

static int read_event(reader *r, cf_event *ev, json_t *o, size_t i)
{
    static const char *const known[] = {"id", "name", "occupation", "team_size", "weights",
                                        "aggregation", "criteria", "awards", "tie_break",
                                        "discrepancy_percent", "pass", "promotion", "titles",
                                        "marking", "scale", "conflict", "analytics", NULL};
    char path[48], *agg = NULL;
    int64_t team, wt = 0, wp = 100;
    json_t *w;
    int rc = -1;

    snprintf(path, sizeof path, "events[%zu]", i);
    if (rd_want_object(r, o, path))
        return -1;
    rd_check_keys(r, o, "events[]", known);
    if (rd_get_id(r, o, path, &ev->id) ||
        rd_get_string(r, o, "name", path, true, &ev->name))
        return -1;
    for (size_t j = 0; j < i; j++) {
        if (strcmp(r->c->events[j].id, ev->id) == 0)
            return rd_fail(r, "%s: event id \"%s\" is already used by events[%zu]", path, ev->id, j);
    }
    if (read_occupation(r, ev, json_object_get(o, "occupation"), path) ||
        rd_get_int(r, o, "team_size", path, 1, SC_MAX_MEMBERS, 1, &team))
        return -1;
    ev->rules.team_size = (int)team;

    w = json_object_get(o, "weights");
    if (w && !json_is_null(w)) {
        static const char *const wk[] = {"theory", "practical", NULL};
        char p[64];
        snprintf(p, sizeof p, "%s.weights", path);
        if (rd_want_object(r, w, p))
            return -1;
        rd_check_keys(r, w, "events[].weights", wk);
        if (!json_object_get(w, "theory") || !json_object_get(w, "practical"))
            return rd_fail(r, "%s: needs both \"theory\" and \"practical\" (whole percents)", p);
        if (rd_get_int(r, w, "theory", p, 0, 100, 0, &wt) ||
            rd_get_int(r, w, "practical", p, 0, 100, 100, &wp))
            return -1;
        rc = sc_weights_check((int)wt, (int)wp);
        if (rc == SC_EWEIGHTSUM)
            return rd_fail(r, "%s: theory %lld + practical %lld must add up to 100", p,
                        (long long)wt, (long long)wp);
        if (rc == SC_EPRACTICALMIN)
            return rd_fail(r, "%s: practical %lld is below 70; 管理办法 第二十九条 requires the "
                           "practical weight to be at least 70%%", p, (long long)wp);
        rc = -1;
    }
    ev->rules.w_theory = (int)wt;
    ev->rules.w_practical = (int)wp;

    if (rd_get_string(r, o, "aggregation", path, false, &agg))
        return -1;
    ev->rules.aggregation = SC_AGG_MEAN;
    if (agg && sc_aggregation_parse(agg, &ev->rules.aggregation) != SC_OK) {
        rd_fail(r, "%s: aggregation \"%s\" must be \"mean\", \"trimmed_mean\", \"median\" or "
                "\"single\"", path, agg);
        goto out;
    }
    if (read_criteria(r, ev, json_object_get(o, "criteria"), path) ||
        read_awards(r, ev, json_object_get(o, "awards"), path) ||
        read_tie_break(r, ev, json_object_get(o, "tie_break"), path))
        goto out;
    ev->rules.criterion_max = ev->criterion_max;
    ev->rules.n_criteria = ev->n_criteria;
    if (rd_read_marking(r, ev, o, path))
        goto out;

    ev->discrepancy = 2000;
    json_t *d = json_object_get(o, "discrepancy_percent");
    if (d && !json_is_null(d)) {
        if (rd_number_centi(r, d, path, "discrepancy_percent", &ev->discrepancy))
            goto out;
        if (ev->discrepancy > 10000) {
            rd_fail(r, "%s: discrepancy_percent must be at most 100", path);
            goto out;
        }
    }
    if (rd_read_local_rules(r, ev, o, path))
        goto out;
    if (rd_read_analytics(r, ev, json_object_get(o, "analytics"), path))
        goto out;
    rc = 0;
out:
    free(agg);
    return rc;
}

int rd_read_events(reader *r)
{
    size_t n;
    if (!r->events)
        return rd_fail(r, "missing field \"events\"");
    n = json_array_size(r->events);
    if (!json_is_array(r->events) || n == 0)
        return rd_fail(r, "events: must be a non-empty array");
    r->c->events = calloc(n, sizeof *r->c->events);
    if (!r->c->events)
        return rd_fail_oom(r);
    for (size_t i = 0; i < n; i++) {
        r->c->n_events = i + 1;
        if (read_event(r, &r->c->events[i], json_array_get(r->events, i), i))
            return -1;
    }
    return 0;
}

/* ---- entries ------------------------------------------------------------------------------- */

static int read_member(reader *r, cf_member *m, sc_person *p, json_t *o, const char *path)
{
    static const char *const known[] = {"id", "name", "student", "level", "promoted_before",
                                        "unit", "id_number", "gender", NULL};
    json_t *lv;

    if (rd_want_object(r, o, path))
        return -1;
    rd_check_keys(r, o, "entries[].members[]", known);
    if (rd_get_id(r, o, path, &m->id) ||
        rd_get_string(r, o, "name", path, true, &m->name) ||
        rd_get_string(r, o, "unit", path, false, &m->unit) ||
        rd_get_string(r, o, "id_number", path, false, &m->id_number) ||
        rd_get_string(r, o, "gender", path, false, &m->gender) ||
        rd_get_bool(r, o, "student", path, false, &p->student) ||
        rd_get_bool(r, o, "promoted_before", path, false, &p->promoted_before))
        return -1;
    p->level = SC_LEVEL_NONE;
    lv = json_object_get(o, "level");
    if (lv && !json_is_null(lv)) {
        if (!json_is_string(lv) || sc_level_parse(json_string_value(lv), &p->level) != SC_OK)
            return rd_fail(r, "%s: level %s%s%s must be one of 初级工, 中级工, 高级工, 技师, "
                           "高级技师, or null", path, json_is_string(lv) ? "\"" : "",
                        json_is_string(lv) ? json_string_value(lv) : "(not a string)",
                        json_is_string(lv) ? "\"" : "");
    }
    return 0;
}

static int read_entry(reader *r, cf_entry *en, json_t *o, size_t i)
{
    static const char *const known[] = {"id", "event", "group", "status", "time_seconds",
                                        "members", "coach", "delegation", NULL};
    char path[48], p[80], *event = NULL, *status = NULL;
    json_t *members;
    long ev;
    int rc = -1;

    snprintf(path, sizeof path, "entries[%zu]", i);
    if (rd_want_object(r, o, path))
        return -1;
    rd_check_keys(r, o, "entries[]", known);
    if (rd_get_id(r, o, path, &en->id) ||
        rd_get_string(r, o, "event", path, true, &event) ||
        rd_get_string(r, o, "group", path, false, &en->group) ||
        rd_get_string(r, o, "status", path, false, &status) ||
        rd_get_string(r, o, "coach", path, false, &en->coach) ||
        rd_get_string(r, o, "delegation", path, false, &en->delegation) ||
        rd_get_int(r, o, "time_seconds", path, 0, INT32_MAX, SC_NO_TIME, &en->time_seconds))
        goto out;
    ev = cf_event_index(r->c, event);
    if (ev < 0) {
        rd_fail(r, "%s (%s): event \"%s\" is not defined in events", path, en->id, event);
        goto out;
    }
    en->event = (size_t)ev;
    if (!en->group && !(en->group = rd_strdup("默认组"))) {
        rd_fail_oom(r);
        goto out;
    }
    if (en->group[0] == '\0') {
        rd_fail(r, "%s (%s): group must not be empty", path, en->id);
        goto out;
    }
    if (en->delegation && en->delegation[0] == '\0') {
        rd_fail(r, "%s (%s): delegation must not be empty (leave it out for none)", path, en->id);
        goto out;
    }
    r->c->has_delegations |= en->delegation != NULL;
    en->status = SC_STATUS_OK;
    if (status && sc_status_parse(status, &en->status) != SC_OK) {
        rd_fail(r, "%s (%s): status \"%s\" must be \"ok\", \"absent\" or \"disqualified\"", path,
             en->id, status);
        goto out;
    }
    members = json_object_get(o, "members");
    if (!json_is_array(members)) {
        rd_fail(r, "%s (%s): field \"members\" must be an array", path, en->id);
        goto out;
    }
    int team = r->c->events[ev].rules.team_size;
    if (json_array_size(members) != (size_t)team) {
        rd_fail(r, "%s (%s): has %zu members, but event %s has team_size %d", path, en->id,
             json_array_size(members), r->c->events[ev].id, team);
        goto out;
    }
    en->members = calloc((size_t)team, sizeof *en->members);
    if (!en->members) {
        rd_fail_oom(r);
        goto out;
    }
    en->n_members = (size_t)team;
    for (size_t m = 0; m < en->n_members; m++) {
        snprintf(p, sizeof p, "%s.members[%zu]", path, m);
        if (read_member(r, &en->members[m], &en->persons[m], json_array_get(members, m), p))
            goto out;
    }
    rc = 0;
out:
    free(event);
    free(status);
    return rc;
}

/* Ids are unique: entries among entries, and people across the whole competition — a person
 * competes once per competition, which is also what makes 二(五)'s one promotion per person
 * per competition hold. */
static int check_unique_ids(reader *r)
{
    cf_competition *c = r->c;
    uint32_t *first_entry = NULL, *first_person = NULL, *person_sym = NULL;
    size_t n_people = 0;
    int rc = -1;

    r->entry_sym = malloc((c->n_entries + 1) * sizeof *r->entry_sym);
    for (size_t i = 0; i < c->n_entries; i++)
        n_people += c->entries[i].n_members;
    person_sym = malloc((n_people + 1) * sizeof *person_sym);
    if (!r->entry_sym || !person_sym) {
        rd_fail_oom(r);
        goto out;
    }
    for (size_t i = 0, k = 0; i < c->n_entries; i++) {
        cf_entry *en = &c->entries[i];
        r->entry_sym[i] = si_intern(&r->pool, en->id, strlen(en->id));
        for (size_t m = 0; m < en->n_members; m++)
            person_sym[k++] = si_intern(&r->pool, en->members[m].id, strlen(en->members[m].id));
    }
    first_entry = malloc((r->pool.count + 1) * sizeof *first_entry);
    first_person = malloc((r->pool.count + 1) * sizeof *first_person);
    if (!first_entry || !first_person) {
        rd_fail_oom(r);
        goto out;
    }
    memset(first_entry, 0xff, (r->pool.count + 1) * sizeof *first_entry);
    memset(first_person, 0xff, (r->pool.count + 1) * sizeof *first_person);
    for (size_t i = 0, k = 0; i < c->n_entries; i++) {
        cf_entry *en = &c->entries[i];
        uint32_t s = r->entry_sym[i];
        if (s == SI_NONE) {
            rd_fail_oom(r);
            goto out;
        }
        if (first_entry[s] != SI_NONE) {
            rd_fail(r, "entries[%zu]: entry id \"%s\" is already used by entries[%u]", i, en->id,
                 first_entry[s]);
            goto out;
        }
        first_entry[s] = (uint32_t)i;
        for (size_t m = 0; m < en->n_members; m++, k++) {
            uint32_t ps = person_sym[k];
            if (ps == SI_NONE) {
                rd_fail_oom(r);
                goto out;
            }
            if (first_person[ps] != SI_NONE) {
                rd_fail(r, "entries[%zu].members[%zu]: person id \"%s\" already competes in "
                        "entries[%u] (%s); a person enters one event per competition", i, m,
                     en->members[m].id, first_person[ps], c->entries[first_person[ps]].id);
                goto out;
            }
            first_person[ps] = (uint32_t)i;
        }
    }
    rc = 0;
out:
    free(first_entry);
    free(first_person);
    free(person_sym);
    return rc;
}

int rd_read_entries(reader *r)
{
    size_t n;
    if (!r->entries || json_is_null(r->entries))
        return check_unique_ids(r);
    if (!json_is_array(r->entries))
        return rd_fail(r, "entries: must be an array");
    n = json_array_size(r->entries);
    r->c->entries = calloc(n + 1, sizeof *r->c->entries);
    if (!r->c->entries)
        return rd_fail_oom(r);
    for (size_t i = 0; i < n; i++) {
        r->c->n_entries = i + 1;
        if (read_entry(r, &r->c->entries[i], json_array_get(r->entries, i), i))
            return -1;
    }
    return check_unique_ids(r);
}
