/*
 * api_auth.c — signing in and out, accounts, and judges' PINs.
 *
 * Organizer, arbitration and display accounts sign in with a name and password; judges with
 * their judge id (from the competition's judges list) and a PIN the organizer issued. A judge
 * listed as chief signs in as chief judge (裁判长) of their events. Every sign-in and PIN issue is
 * written to the audit log; every sign-in asks the throttle first (throttle.h). A new PIN or
 * password ends the account's sessions and enrolled devices and lifts its guard.
 */
#include "server/core/jobs.h"
#include "server/sec/auth.h"
#include "server/api/api.h"
#include "server/core/server.h"
#include "server/core/standby.h"
#include "server/sec/throttle.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How a sign-in went, for the throttle and the reply. */
typedef struct signin {
    char account[160];      /* "u:name" or "j:competition/judge"; "" when there is none */
    bool enrolled;          /* the request carries a device token enrolled for the account */
} signin;

/* Asks the throttle (throttle.h) before a secret is checked: 0, or 1 with a 429 in rs. */
static int throttled(sv_server *s, sv_request *rq, sv_response *rs, const signin *si)
{
    int64_t wait;
    th_verdict v = th_check(s->throttle, rq->peer, si->account[0] ? si->account : NULL,
                            si->enrolled, (int64_t)time(NULL), &wait);
    if (v == TH_GO)
        return 0;
    snprintf(rs->retry_after, sizeof rs->retry_after, "%lld", (long long)wait);
    if (v == TH_GUARDED)
        sv_error(rs, 429, NULL, "this account had too many wrong sign-ins from elsewhere; sign "
                 "in on a device that signed in to it before, or ask the organizer for a new PIN "
                 "or password");
    else
        sv_error(rs, 429, NULL, "too many sign-ins from this address; try again in %lld seconds",
                 (long long)wait);
    return 1;
}

/* The device token of the request, if any, checked against the account. */
static int read_device(sv_server *s, json_t *body, signin *si, sv_response *rs)
{
    json_t *d = json_object_get(body, "device");
    unsigned char sha[32];
    int rc;

    si->enrolled = false;
    if (!d || json_is_null(d) || !si->account[0])
        return 0;
    if (!json_is_string(d) || auth_token_sha(json_string_value(d), sha))
        return 0; /* an unreadable device token is no enrolment, not an error */
    rc = st_device_has(s->store, si->account, sha);
    if (rc == ST_ERROR) {
        sv_store_error(s, rs);
        return -1;
    }
    si->enrolled = rc == ST_OK;
    return 0;
}

/* Creates the session and answers with its token, and a device token when this device is not
 * enrolled for the account yet. */
static void open_session(sv_server *s, sv_response *rs, const signin *si, sv_role role,
                         const char *name, const char *comp)
{
    char hex[AUTH_TOKEN_HEX], dev[AUTH_TOKEN_HEX];
    unsigned char sha[32], dsha[32];
    st_session se = {0};

    auth_new_token(hex, sha);
    if (!si->enrolled)
        auth_new_token(dev, dsha);
    snprintf(se.role, sizeof se.role, "%s", sv_role_name(role));
    snprintf(se.name, sizeof se.name, "%s", name);
    snprintf(se.competition, sizeof se.competition, "%s", comp ? comp : "");
    se.expires = (int64_t)time(NULL) + s->token_ttl;
    if (st_begin(s->store) || st_session_put(s->store, sha, &se) ||
        (!si->enrolled && st_device_put(s->store, si->account, dsha)) ||
        sv_audit(s, name, "login", comp, json_pack("{s:s}", "role", se.role)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        return;
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "token", hex, "role", se.role, "name", name,
                          "expires_in", (json_int_t)s->token_ttl);
    if (o && comp)
        json_object_set_new(o, "competition", json_string(comp));
    if (o && !si->enrolled)
        json_object_set_new(o, "device", json_string(dev));
    sv_json(rs, 200, o);
}

/* A secret being checked on a worker thread (jobs.h). */
typedef struct secret_check {
    char *hash;             /* the account's hash, or a copy of the stand-in */
    bool real;              /* the account exists */
    char secret[256];
    bool ok;
    signin si;
    char addr[64], name[64], comp[64];
    sv_role role;
    const char *wrong;
} secret_check;

static void check_work(void *arg)
{
    secret_check *k = arg;
    k->ok = auth_verify(k->hash, k->secret) && k->real;
    sodium_memzero(k->secret, sizeof k->secret);
}

typedef struct check_done {
    uint64_t id;
    secret_check *k;
    bool done;
} check_done;

/* The parked sign-in of this job gets its answer. */
static bool check_reply(sv_server *s, sv_response *rs, void *ctx)
{
    const check_done *d = ctx;
    if (rs->wait != SV_WAIT_JOB || rs->wait_seq != (int64_t)d->id)
        return false;
    rs->deferred = false;
    if (!d->done)
        sv_error(rs, 503, NULL, "the server is stopping; sign in again in a moment");
    else if (!d->k->ok)
        sv_error(rs, 401, NULL, "%s", d->k->wrong);
    else
        open_session(s, rs, &d->k->si, d->k->role, d->k->name, d->k->comp[0] ? d->k->comp : NULL);
    sb_hold_write(s, rs); /* a new session is a write: it may wait for the standby */
    return !rs->deferred;
}

static void check_finish(sv_server *s, uint64_t id, void *arg, bool done)
{
    secret_check *k = arg;
    /* Counted even when the caller has hung up: closing early must not dodge the throttle. */
    if (done && !k->ok)
        th_failed(s->throttle, k->addr, k->si.account[0] ? k->si.account : NULL,
                  (int64_t)time(NULL));
    pk_wake(s, check_reply, &(check_done){id, k, done});
    free(k->hash);
    free(k);
}

/* Checks secret against hash (a stand-in hash when the account does not exist, so an unknown
 * name costs what a wrong secret costs) on a worker thread; the reply is parked until then. */
static void check_secret(sv_server *s, sv_request *rq, sv_response *rs, const signin *si,
                         const char *hash, const char *secret, const char *wrong, sv_role role,
                         const char *name, const char *comp)
{
    secret_check *k = calloc(1, sizeof *k);
    uint64_t id;

    if (!k || strlen(secret) >= sizeof k->secret || !(k->hash = strdup(hash ? hash : s->dummy_hash))) {
        free(k);
        sv_error(rs, 400, NULL, "%s", wrong);
        return;
    }
    k->real = hash != NULL;
    snprintf(k->secret, sizeof k->secret, "%s", secret);
    k->si = *si;
    snprintf(k->addr, sizeof k->addr, "%s", rq->peer);
    snprintf(k->name, sizeof k->name, "%s", name);
    snprintf(k->comp, sizeof k->comp, "%s", comp ? comp : "");
    k->role = role;
    k->wrong = wrong;
    if (!(id = jb_submit(s->jobs, check_work, check_finish, k))) {
        sodium_memzero(k->secret, sizeof k->secret);
        free(k->hash);
        free(k);
        snprintf(rs->retry_after, sizeof rs->retry_after, "1");
        sv_error(rs, 503, NULL, "too many sign-ins at once; try again in a second");
        return;
    }
    rs->status = 200;
    rs->deferred = true;
    rs->wait = SV_WAIT_JOB;
    rs->wait_seq = (int64_t)id;
}

/* A password or PIN field: any string, empty included (it just will not match). */
static const char *secret_field(json_t *body, const char *key, sv_response *rs)
{
    json_t *v = json_object_get(body, key);
    if (!json_is_string(v)) {
        sv_error(rs, 400, key, "field \"%s\" must be a string", key);
        return NULL;
    }
    return json_string_value(v);
}

static void login_user(sv_server *s, sv_request *rq, sv_response *rs, json_t *body)
{
    const char *user = sv_field_string(body, "user", rs), *password;
    char role[16];
    char *hash = NULL;
    signin si = {0};
    int rc;

    if (!user || !(password = secret_field(body, "password", rs)))
        return;
    rc = st_user_get(s->store, user, role, &hash);
    if (rc == ST_ERROR) {
        sv_store_error(s, rs);
        return;
    }
    if (rc == ST_OK)
        snprintf(si.account, sizeof si.account, "u:%s", user);
    if (read_device(s, body, &si, rs) || throttled(s, rq, rs, &si))
        goto out;
    check_secret(s, rq, rs, &si, rc == ST_OK ? hash : NULL, password,
                 "wrong user name or password", sv_role_parse(role), user, NULL);
out:
    free(hash);
}

static void login_judge(sv_server *s, sv_request *rq, sv_response *rs, json_t *body)
{
    const char *judge = sv_field_string(body, "judge", rs), *pin, *comp_id;
    char comps[8][64];
    char *hash = NULL;
    size_t n = 0;
    sv_comp *c = NULL;
    signin si = {0};
    long ri = -1;
    int rc = ST_NOTFOUND, crc;

    if (!judge || !(pin = secret_field(body, "pin", rs)))
        return;
    comp_id = json_string_value(json_object_get(body, "competition"));
    if (!comp_id) {
        if (st_pin_competitions(s->store, judge, comps, 8, &n)) {
            sv_store_error(s, rs);
            return;
        }
        if (n > 1) {
            sv_error(rs, 400, "competition",
                     "judge %s has PINs in %zu competitions; name the competition", judge, n);
            return;
        }
        comp_id = n == 1 ? comps[0] : "";
    }
    if (comp_id[0] && (crc = sv_comp_get(s, comp_id, &c)) && crc != SV_ENOENT) {
        sv_error(rs, 500, NULL, "competition %s cannot be loaded: %s", comp_id, sv_strerror(crc));
        return;
    }
    ri = c ? cf_roster_index(c->def, judge) : -1;
    if (ri >= 0 && (rc = st_pin_get(s->store, comp_id, judge, &hash)) == ST_ERROR) {
        sv_store_error(s, rs);
        return;
    }
    if (rc == ST_OK)
        snprintf(si.account, sizeof si.account, "j:%s/%s", comp_id, judge);
    if (read_device(s, body, &si, rs) || throttled(s, rq, rs, &si))
        goto out;
    check_secret(s, rq, rs, &si, rc == ST_OK ? hash : NULL, pin, "wrong judge code or PIN",
                 ri >= 0 && c->def->roster[ri].chief ? SV_CHIEF : SV_JUDGE, judge,
                 c ? c->id : NULL);
out:
    free(hash);
}

void api_login(sv_server *s, sv_request *rq, sv_response *rs)
{
    json_t *body = sv_body_object(rq, rs);
    if (!body)
        return;
    if (json_object_get(body, "judge"))
        login_judge(s, rq, rs, body);
    else if (json_object_get(body, "user"))
        login_user(s, rq, rs, body);
    else
        sv_error(rs, 400, "user", "send {\"user\", \"password\"} or {\"judge\", \"pin\"}");
    json_decref(body);
}

void api_logout(sv_server *s, sv_request *rq, sv_response *rs)
{
    unsigned char sha[32];
    if (auth_token_sha(rq->token, sha) || st_session_delete(s->store, sha)) {
        sv_store_error(s, rs);
        return;
    }
    if (s->hooks.sessions_changed)
        s->hooks.sessions_changed(s);
    sv_json(rs, 200, json_pack("{s:b}", "ok", 1));
}

/* New credentials for an account: inside the caller's transaction, its sessions and enrolled
 * devices end. After the commit, call credentials_changed. */
static int revoke_account(sv_server *s, const char *name, const char *comp, const char *account)
{
    return st_sessions_revoke(s->store, name, comp) || st_devices_revoke(s->store, account) ? -1
                                                                                            : 0;
}

static void credentials_changed(sv_server *s, const char *account)
{
    th_forget_account(s->throttle, account);
    if (s->hooks.sessions_changed)
        s->hooks.sessions_changed(s);
}

void api_me(sv_server *s, sv_request *rq, sv_response *rs)
{
    json_t *o = json_pack("{s:s,s:s}", "role", sv_role_name(rq->who.role), "name", rq->who.name);
    if (rq->who.competition[0]) {
        sv_comp *c = NULL;
        long ri = sv_comp_get(s, rq->who.competition, &c) ? -1 : sv_judge_index(&rq->who, c);
        json_object_set_new(o, "competition", json_string(rq->who.competition));
        if (ri >= 0) {
            json_t *evs = json_array();
            const cf_roster_judge *j = &c->def->roster[ri];
            for (size_t i = 0; i < j->n_events; i++)
                json_array_append_new(evs, json_string(c->def->events[j->events[i]].id));
            json_object_set_new(o, "events", evs);
            if (j->name)
                json_object_set_new(o, "display_name", json_string(j->name));
        }
    }
    sv_json(rs, 200, o);
}

void api_users_create(sv_server *s, sv_request *rq, sv_response *rs)
{
    json_t *body = sv_body_object(rq, rs);
    const char *user, *role, *password;
    char *hash = NULL, account[96];

    if (!body)
        return;
    if (!(user = sv_field_string(body, "user", rs)) || !(role = sv_field_string(body, "role", rs)))
        goto out;
    if (strcmp(role, "admin") && strcmp(role, "arbitration") && strcmp(role, "display") &&
        strcmp(role, "clerk") && strcmp(role, "timekeeper")) {
        sv_error(rs, 400, "role", "role must be admin, arbitration, display, clerk or timekeeper "
                                  "(judges sign in with a PIN)");
        goto out;
    }
    password = json_string_value(json_object_get(body, "password"));
    if (!password || strlen(password) < 8) {
        sv_error(rs, 400, "password", "password must be a string of at least 8 characters");
        goto out;
    }
    if (!(hash = auth_hash(password))) {
        sv_error(rs, 500, NULL, "cannot hash the password");
        goto out;
    }
    snprintf(account, sizeof account, "u:%s", user);
    if (st_begin(s->store) || st_user_put(s->store, user, role, hash) ||
        revoke_account(s, user, "", account) ||
        sv_audit(s, rq->who.name, "user", NULL, json_pack("{s:s,s:s}", "user", user, "role", role)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    credentials_changed(s, account);
    sv_json(rs, 201, json_pack("{s:s,s:s}", "user", user, "role", role));
out:
    free(hash);
    json_decref(body);
}

void api_pin_issue(sv_server *s, sv_request *rq, sv_response *rs)
{
    const char *comp_id = rq->seg[1], *judge = rq->seg[3];
    sv_comp *c = sv_path_comp(s, rq, rs);
    char pin[8], *hash = NULL, account[160];

    if (!c)
        return;
    if (cf_roster_index(c->def, judge) < 0) {
        sv_error(rs, 404, NULL, "judge %s is not on the judges list of %s", judge, comp_id);
        return;
    }
    auth_random_digits(pin, 6);
    if (!(hash = auth_hash(pin))) {
        sv_error(rs, 500, NULL, "cannot hash the PIN");
        return;
    }
    snprintf(account, sizeof account, "j:%s/%s", comp_id, judge);
    if (st_begin(s->store) || st_pin_put(s->store, comp_id, judge, hash) ||
        revoke_account(s, judge, comp_id, account) ||
        sv_audit(s, rq->who.name, "pin_reset", comp_id, json_pack("{s:s}", "judge", judge)) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
    } else {
        credentials_changed(s, account);
        sv_json(rs, 201, json_pack("{s:s,s:s,s:s}", "competition", comp_id, "judge", judge, "pin",
                                   pin));
    }
    free(hash);
}

void api_judges_list(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *list;
    if (!c)
        return;
    list = json_array();
    for (size_t i = 0; i < c->def->n_roster; i++) {
        const cf_roster_judge *j = &c->def->roster[i];
        char *hash = NULL;
        json_t *evs = json_array();
        int rc = st_pin_get(s->store, c->id, j->id, &hash);
        free(hash);
        if (rc == ST_ERROR) {
            json_decref(evs);
            json_decref(list);
            sv_store_error(s, rs);
            return;
        }
        for (size_t k = 0; k < j->n_events; k++)
            json_array_append_new(evs, json_string(c->def->events[j->events[k]].id));
        json_array_append_new(list, json_pack("{s:s,s:s?,s:o,s:b,s:b}", "id", j->id, "name",
                                              j->name, "events", evs, "chief", j->chief, "has_pin",
                                              rc == ST_OK));
    }
    sv_json(rs, 200, json_pack("{s:s,s:o}", "competition", c->id, "judges", list));
}

static int count_mark(void *ctx, const st_mark *m)
{
    (void)m;
    ++*(size_t *)ctx;
    return 0;
}

/* Checks a judge body against c: 0, or -1 with rs filled. */
static int check_new_judge(sv_server *s, sv_comp *c, json_t *body, sv_response *rs)
{
    const char *id = sv_field_string(body, "id", rs);
    json_t *name = json_object_get(body, "name"), *events = json_object_get(body, "events"), *ev;
    json_t *chief = json_object_get(body, "chief");
    size_t i, marks = 0;

    if (!id)
        return -1;
    if (strlen(id) > 32 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789_-") != strlen(id)) {
        sv_error(rs, 400, "id", "judge id must be 1 to 32 letters, digits, _ or -");
        return -1;
    }
    if (name && (!json_is_string(name) || json_string_length(name) > 64)) {
        sv_error(rs, 400, "name", "name must be a string of at most 64 bytes");
        return -1;
    }
    if (chief && !json_is_boolean(chief)) {
        sv_error(rs, 400, "chief", "chief must be true or false");
        return -1;
    }
    if (!json_is_array(events) || json_array_size(events) == 0) {
        sv_error(rs, 400, "events", "events must be a non-empty array of event ids");
        return -1;
    }
    json_array_foreach(events, i, ev) {
        long e = json_is_string(ev) ? cf_event_index(c->def, json_string_value(ev)) : -1;
        st_event_state st;
        if (e < 0) {
            sv_error(rs, 400, "events", "events[%zu]: no such event in competition %s", i, c->id);
            return -1;
        }
        if (st_event_get(s->store, c->id, json_string_value(ev), &st)) {
            sv_store_error(s, rs);
            return -1;
        }
        if (st.locked) {
            sv_error(rs, 409, "events", "event %s is locked; a judge cannot join it",
                     json_string_value(ev));
            return -1;
        }
    }
    if (cf_roster_index(c->def, id) >= 0) {
        sv_error(rs, 409, "id", "judge %s is already on the judges list", id);
        return -1;
    }
    /* Without a list, any judge id may have marked; a list would now refuse those marks. */
    if (!c->def->has_roster) {
        if (st_marks_current(s->store, c->id, count_mark, &marks)) {
            sv_store_error(s, rs);
            return -1;
        }
        if (marks) {
            sv_error(rs, 409, NULL, "competition %s has marks and no judges list; judges can only "
                     "be added to a competition imported with one", c->id);
            return -1;
        }
    }
    return 0;
}

void api_judges_add(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *doc = NULL, *judges, *judge;
    char *text = NULL;
    cf_competition *check = NULL;
    cf_diag diag = {0};

    if (!c || !(body = sv_body_object(rq, rs)) || check_new_judge(s, c, body, rs))
        goto out;
    judge = json_pack("{s:O,s:O,s:b}", "id", json_object_get(body, "id"), "events",
                      json_object_get(body, "events"), "chief",
                      json_is_true(json_object_get(body, "chief")));
    if (json_object_get(body, "name"))
        json_object_set(judge, "name", json_object_get(body, "name"));
    doc = json_deep_copy(c->doc);
    if (!(judges = json_object_get(doc, "judges"))) {
        judges = json_array();
        json_object_set_new(doc, "judges", judges);
    }
    json_array_append_new(judges, judge);
    if (!(text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)))) {
        sv_error(rs, 500, NULL, "out of memory");
        goto out;
    }
    if (cf_read(text, strlen(text), &check, &diag)) {
        sv_error(rs, 400, NULL, "%s", diag.message);
        goto out;
    }
    if (sv_comp_save_doc(s, c, text, rq->who.name, "judge_add", json_deep_copy(judge))) {
        sv_store_error(s, rs);
        goto out;
    }
    sv_json(rs, 201, json_deep_copy(judge));
out:
    cf_free(check);
    free(text);
    json_decref(doc);
    json_decref(body);
}
