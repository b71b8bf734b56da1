/*
 * demo.c — see demo.h. Runs each step as the account that would do it at a venue (organizer,
 * chief judge), through the handlers, and stops at the first step that does not answer 2xx.
 */
#include "server/api/demo.h"

#include "server/api/api.h"
#include "server/sec/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char _binary_data_demo_competition_json_start[];
extern const char _binary_data_demo_competition_json_end[];

static int call(sv_server *s, sv_handler fn, sv_role role, const char *name, const char *comp,
                const char *path, const char *body)
{
    sv_request rq;
    sv_response rs;
    int status;

    memset(&rq, 0, sizeof rq);
    memset(&rs, 0, sizeof rs);
    rq.method = body ? "POST" : "GET";
    snprintf(rq.path, sizeof rq.path, "%s", path);
    sv_split_path(&rq);
    rq.body = body ? body : "";
    rq.body_len = strlen(rq.body);
    rq.who.role = role;
    snprintf(rq.who.name, sizeof rq.who.name, "%s", name);
    snprintf(rq.who.competition, sizeof rq.who.competition, "%s", comp ? comp : "");
    fn(s, &rq, &rs);
    status = rs.status;
    if (status < 200 || status > 299)
        fprintf(stderr, "skillscore: demo: %s: %d %.*s\n", path, status, (int)rs.len,
                rs.body ? rs.body : "");
    free(rs.body);
    return status >= 200 && status <= 299 ? 0 : -1;
}

void demo_pin(const char *judge, char pin[8])
{
    const char *digits = judge;
    while (*digits && (*digits < '0' || *digits > '9'))
        digits++;
    snprintf(pin, 8, "2026%02d", atoi(digits) % 100);
}

static int add_user(sv_server *s, const char *name, const char *role, const char *password)
{
    char body[160];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"role\":\"%s\",\"password\":\"%s\"}", name,
             role, password);
    return call(s, api_users_create, SV_ADMIN, "admin", NULL, "/api/users", body);
}

int demo_load(sv_server *s)
{
    size_t len = (size_t)(_binary_data_demo_competition_json_end -
                          _binary_data_demo_competition_json_start);
    json_t *doc = json_loadb(_binary_data_demo_competition_json_start, len, 0, NULL), *kept;
    char *text = NULL, *existing = NULL, path[160];
    sv_comp *c;
    size_t i;
    json_t *m;
    int rc = -1;

    if (st_comp_doc(s->store, "YN2026", &existing) == ST_OK) {
        free(existing);
        json_decref(doc);
        return 0;
    }
    if (!doc)
        return -1;
    /* E02's marks are left for the judges to enter live. */
    kept = json_array();
    json_array_foreach(json_object_get(doc, "marks"), i, m) {
        const char *entry = json_string_value(json_object_get(m, "entry"));
        if (strncmp(entry, DEMO_EVENT_LIVE "-", 4) != 0)
            json_array_append(kept, m);
    }
    json_object_set_new(doc, "marks", kept);
    text = json_dumps(doc, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (!text || call(s, api_comp_import, SV_ADMIN, "admin", NULL, "/api/competitions", text))
        goto out;
    if (add_user(s, "zhongcai", "arbitration", DEMO_ARBITRATION_PASSWORD) ||
        add_user(s, "display", "display", DEMO_DISPLAY_PASSWORD))
        goto out;
    if (sv_comp_get(s, "YN2026", &c))
        goto out;
    for (size_t e = 0; e < c->def->n_events; e++) {
        snprintf(path, sizeof path, "/api/competitions/YN2026/events/%s/draw", c->def->events[e].id);
        if (call(s, api_draw, SV_ADMIN, "admin", NULL, path, "{}"))
            goto out;
    }
    for (size_t j = 0; j < c->def->n_roster; j++) {
        char pin[8], *hash;
        demo_pin(c->def->roster[j].id, pin);
        if (!(hash = auth_hash(pin)))
            goto out;
        if (st_begin(s->store) || st_pin_put(s->store, "YN2026", c->def->roster[j].id, hash) ||
            sv_audit(s, "admin", "pin_reset", "YN2026",
                     json_pack("{s:s,s:b}", "judge", c->def->roster[j].id, "demo", 1)) ||
            st_commit(s->store)) {
            st_rollback(s->store);
            free(hash);
            goto out;
        }
        free(hash);
    }
    /* E01 as it looks after the chief judge locked it and the organizer published it. */
    if (call(s, api_lock, SV_CHIEF, "J01", "YN2026", "/api/competitions/YN2026/events/E01/lock",
             "{}") ||
        call(s, api_publish, SV_ADMIN, "admin", NULL,
             "/api/competitions/YN2026/events/E01/publish", "{}"))
        goto out;
    rc = 0;
out:
    free(text);
    json_decref(doc);
    return rc;
}

void demo_print(const char *host, int port)
{
    printf("\n演示赛事 demo competition: YN2026 2026年云南省职业技能大赛\n"
           "  E01 数控车工: locked and published (已公示)\n"
           "  E02 电工: no marks yet — judges J06–J10 mark it live (J06 is chief judge)\n"
           "  E03 汽车维修工（双人赛）: all marks in, not locked (chief judge J11)\n\n"
           "accounts 账号:\n"
           "  organizer 组委会     user admin     password %s\n"
           "  arbitration 监督仲裁 user zhongcai  password %s\n"
           "  display 大屏         user display   password %s\n"
           "  judges 裁判          judge J01…J15  PIN 2026 + number (J06 → 202606)\n\n"
           "pages 页面:\n"
           "  judge tablet 裁判评分   http://%s:%d/judge/    (J07 / 202607 marks E02)\n"
           "  display 实时大屏        http://%s:%d/display/  (?event=E02 stays on one event)\n"
           "  organizer 竞赛管理      http://%s:%d/admin/    (admin, zhongcai, or chief J06 / 202606)\n\n",
           DEMO_ADMIN_PASSWORD, DEMO_ARBITRATION_PASSWORD, DEMO_DISPLAY_PASSWORD, host, port, host,
           port, host, port);
}
