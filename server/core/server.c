/*
 * server.c — what every room of the server shares (see server.h): roles, error codes and their
 * words, the clock, JSON replies, the audit row, and signing a token in.
 */
#include "server/core/server.h"

#include "server/sec/auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const role_names[] = {"",        "admin",   "chief", "judge",
                                         "arbitration", "display", "clerk", "timekeeper"};

const char *sv_role_name(sv_role r) { return role_names[r]; }

sv_role sv_role_parse(const char *s)
{
    for (size_t i = 1; i < sizeof role_names / sizeof *role_names; i++)
        if (strcmp(s, role_names[i]) == 0)
            return (sv_role)i;
    return SV_ANON;
}

const char *sv_strerror(int code)
{
    switch (code) {
    case SV_OK:
        return "ok";
    case SV_ENOENT:
        return "no such thing";
    case SV_EDB:
        return "the database failed";
    case SV_EBADDOC:
        return "a stored competition does not read back";
    case SV_ENOMEM:
        return "out of memory";
    case SV_ETOKEN:
        return "the bearer token is malformed";
    case SV_ESESSION:
        return "the token is unknown or signed out";
    case SV_EEXPIRED:
        return "the token has expired";
    }
    return "unknown error";
}

int sv_sign_in(sv_server *s, const char *token, sv_principal *who)
{
    unsigned char sha[32];
    st_session se;
    int rc;

    memset(who, 0, sizeof *who);
    who->role = SV_ANON;
    if (!token[0])
        return SV_OK;
    if (auth_token_sha(token, sha))
        return SV_ETOKEN;
    rc = st_session_get(s->store, sha, &se);
    if (rc == ST_NOTFOUND)
        return SV_ESESSION;
    if (rc)
        return SV_EDB;
    if (se.expires <= (int64_t)time(NULL))
        return SV_EEXPIRED;
    who->role = sv_role_parse(se.role);
    snprintf(who->name, sizeof who->name, "%s", se.name);
    snprintf(who->competition, sizeof who->competition, "%s", se.competition);
    who->expires = se.expires;
    return SV_OK;
}

int64_t sv_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* ---- replies ----------------------------------------------------------------------------------- */

void sv_json(sv_response *rs, int status, json_t *v)
{
    free(rs->body);
    rs->body = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    if (!rs->body) {
        rs->status = 500;
        rs->body = strdup("{\"error\":\"out of memory\"}");
    } else
        rs->status = status;
    rs->len = rs->body ? strlen(rs->body) : 0;
    rs->ctype = NULL;
}

void sv_error(sv_response *rs, int status, const char *field, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    json_t *o;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o = json_pack("{s:s}", "error", msg);
    if (o && field)
        json_object_set_new(o, "field", json_string(field));
    sv_json(rs, status, o);
}

void sv_store_error(sv_server *s, sv_response *rs)
{
    fprintf(stderr, "skillscore: store: %s\n", st_errmsg(s->store));
    sv_error(rs, 500, NULL, "the database failed: %s", st_errmsg(s->store));
}

int sv_audit(sv_server *s, const char *actor, const char *action, const char *comp, json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER) : strdup("{}");
    int rc = text ? st_audit(s->store, actor, action, comp, text) : ST_ERROR;
    free(text);
    json_decref(detail);
    return rc;
}
