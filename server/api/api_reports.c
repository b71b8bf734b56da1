/*
 * api_reports.c — PDFs for the organizer pages and the certificate check anyone can make; the
 * certificates themselves come from core/register.h.
 *
 *   GET /api/competitions/{id}/reports/{certificates|results|promotions|cash}.pdf
 *   GET /api/competitions/{id}/reports/{results|promotions|cash}.xlsx  (the same rows, as the
 *                                 Excel workbooks organizers send on to the 人社 department)
 *   GET /api/competitions/{id}/reports/medal-table.{pdf|xlsx}  (代表队奖牌榜, when entries carry
 *                                 delegations; 404 otherwise)
 *   GET /verify/{number}?sig=…   (an HTML page for a phone that scanned the QR code; add
 *                                 &format=json for the facts as JSON)
 *
 * Certificates and sheets cover the events that are locked: their results are final. The
 * signing key is made on first use and kept in the database (settings "cert_key"); it never
 * leaves the server. Printing issues the certificates into the register (register.h) and then
 * prints what the register holds; /verify looks the number up there: genuine, revoked (410, with
 * the replacement) or not a certificate.
 */
#include "server/api/api.h"
#include "server/core/register.h"
#include "server/core/server.h"
#include "server/sec/throttle.h"

#include "reports/reports.h"
#include "reports/workbook.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Why a certificate is revoked when results changed after it was issued. */

/* ---- GET /verify/{number}?sig=… ------------------------------------------------------------- */

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static void query_param(const char *query, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    out[0] = '\0';
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            /* As a form sends it: '+' a space, %XX a byte. */
            size_t w = 0;
            for (const char *q = p + n + 1; q < p + len && w + 1 < cap; q++) {
                int hi, lo;
                if (*q == '+')
                    out[w++] = ' ';
                else if (*q == '%' && q + 2 < p + len && (hi = hexval(q[1])) >= 0 &&
                         (lo = hexval(q[2])) >= 0 && (hi || lo)) {
                    out[w++] = (char)(hi * 16 + lo);
                    q += 2;
                } else
                    out[w++] = *q;
            }
            out[w] = '\0';
            return;
        }
        p = amp ? amp + 1 : NULL;
    }
}

/* The register keeps UTC ("2026-12-04T13:15:00Z" or "2026-12-04 13:15:00"); a phone in the hall
 * reads Beijing time. Anything else is shown as it is. */
static void beijing_time(const char *utc, char *out, size_t cap)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, sec = 0;
    if (!utc || sscanf(utc, "%d-%d-%d%*c%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) < 5) {
        snprintf(out, cap, "%s", utc ? utc : "");
        return;
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm) + 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%d %H:%M（北京时间）", &tm);
}

static void html_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* The page with only the form: nothing was asked yet. */
#define VERIFY_FORM 1000

static void verify_page(sv_response *rs, int verdict, const char *number, json_t *facts)
{
    static const char *const rows[][2] = {
        {"number", "证书编号"}, {"name", "姓名"}, {"unit", "工作单位"},
        {"competition_name", "竞赛"}, {"event_name", "赛项"}, {"occupation", "职业（工种）"},
        {"group", "组别"}, {"rank", "名次"}, {"award", "奖项"}, {"level", "晋升等级"},
        {"issuer", "发证单位"}, {"date", "日期"},
    };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        sv_error(rs, 500, NULL, "out of memory");
        return;
    }
    fputs("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<title>证书验证</title><style>body{font:18px/1.6 sans-serif;margin:0;background:#f3f5f8;"
          "color:#15213b}main{max-width:560px;margin:24px auto;padding:0 16px}"
          ".v{padding:16px 20px;border-radius:12px;font-weight:700;font-size:22px}"
          ".ok{background:#dcfce7;color:#166534}.bad{background:#fee2e2;color:#b91c1c}"
          "table{width:100%;border-collapse:collapse;background:#fff;margin-top:16px}"
          "th,td{text-align:left;padding:8px 12px;border-bottom:1px solid #d3d9e2}"
          "th{width:34%;color:#4a5568}form{margin-top:20px;background:#fff;padding:16px;"
          "border-radius:12px}label{display:block;margin-bottom:12px}input{display:block;"
          "width:100%;box-sizing:border-box;font:inherit;padding:10px;margin-top:4px;"
          "border:1px solid #aab4c3;border-radius:8px}button{font:inherit;padding:10px 24px;"
          "border:0;border-radius:8px;background:#1d4ed8;color:#fff}</style></head><body><main>"
          "<h1>证书验证</h1>", f);
    if (verdict == RP_GENUINE) {
        json_t *kind = json_object_get(facts, "kind");
        fprintf(f, "<p class=\"v ok\" id=\"verdict\">✓ 真实有效：本证书（%s）由本系统签发，内容如下。</p><table>",
                strcmp(json_string_value(kind), "award") == 0 ? "获奖证书" : "职业技能等级证书");
        for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
            json_t *v = json_object_get(facts, rows[i][0]);
            char num[32];
            const char *text = json_is_integer(v) ? (snprintf(num, sizeof num, "%lld",
                                                              (long long)json_integer_value(v)),
                                                     num)
                                                  : json_string_value(v);
            if (!text)
                continue;
            fprintf(f, "<tr><th>%s</th><td>", rows[i][1]);
            html_escaped(f, text);
            fputs("</td></tr>", f);
        }
        fputs("</table>", f);
    } else if (verdict == RP_REVOKED) {
        const char *why = json_string_value(json_object_get(facts, "revoked_why"));
        const char *at = json_string_value(json_object_get(facts, "revoked_at"));
        const char *by = json_string_value(json_object_get(facts, "replaced_by"));
        fputs("<p class=\"v bad\" id=\"verdict\">✗ 已作废：本证书曾由本系统签发，现已作废。</p><table>", f);
        fputs("<tr><th>证书编号</th><td>", f);
        html_escaped(f, number);
        fputs("</td></tr><tr><th>作废时间</th><td id=\"revokedAt\">", f);
        char when[64];
        beijing_time(at, when, sizeof when);
        html_escaped(f, when);
        fputs("</td></tr><tr><th>作废原因</th><td id=\"revokedWhy\">", f);
        html_escaped(f, why ? why : "");
        fputs("</td></tr><tr><th>替代证书</th><td id=\"replacedBy\">", f);
        html_escaped(f, by ? by : "无（不再获发此证书）");
        fputs("</td></tr></table><p>请以替代证书为准；如有疑问，请联系竞赛组委会办公室。</p>", f);
    } else if (verdict == VERIFY_FORM) {
        fputs("<p>请输入证书上印的证书编号和验证码（或扫描证书上的二维码）。</p>", f);
    } else {
        fputs("<p class=\"v bad\" id=\"verdict\">✗ 不是有效证书：", f);
        fputs(verdict == RP_FORGED ? "验证码与证书编号不符。" : "没有这个证书编号。", f);
        fputs("</p><p>证书编号：", f);
        html_escaped(f, number);
        fputs("</p><p>请核对证书上的编号和验证码，或联系竞赛组委会办公室。</p>", f);
    }
    if (verdict != RP_GENUINE && verdict != RP_REVOKED) {
        /* A plain GET form: works on any phone, no script. */
        fputs("<form method=\"get\" action=\"/verify/\" id=\"check\"><label>证书编号<input "
              "name=\"number\" id=\"number\" required autocomplete=\"off\" value=\"", f);
        html_escaped(f, number);
        fputs("\"></label><label>验证码<input name=\"sig\" id=\"sig\" required "
              "autocomplete=\"off\" placeholder=\"如 7F3A-09BC-11DE\"></label>"
              "<button type=\"submit\">核验</button></form>", f);
    }
    fputs("</main></body></html>\n", f);
    if (fclose(f)) {
        free(buf);
        sv_error(rs, 500, NULL, "out of memory");
        return;
    }
    rs->status = verdict == RP_GENUINE || verdict == VERIFY_FORM ? 200
                 : verdict == RP_REVOKED                    ? 410
                                                            : 404;
    rs->body = buf;
    rs->len = len;
    rs->ctype = "text/html; charset=utf-8";
}

void api_verify(sv_server *s, sv_request *rq, sv_response *rs)
{
    char sig[80], format[16], err[300], typed[100];
    const char *number = rq->nseg > 1 ? rq->seg[1] : "";
    json_t *facts = NULL;
    int verdict;

    int64_t wait;

    /* Anyone may ask: each address gets a bucket like the sign-in throttle's (a phone scans a
     * few codes, not hundreds), so the register cannot be walked at line speed. */
    if (th_check(s->verify_throttle, rq->peer, NULL, false, (int64_t)time(NULL), &wait)) {
        snprintf(rs->retry_after, sizeof rs->retry_after, "%lld", (long long)wait);
        sv_error(rs, 429, NULL, "too many certificate checks from this address; try again in "
                 "%lld seconds", (long long)wait);
        return;
    }
    query_param(rq->query, "sig", sig, sizeof sig);
    query_param(rq->query, "format", format, sizeof format);
    /* /verify/ with nothing asked: the form; with ?number=: what a person typed. */
    if (rq->nseg < 2 || !number[0]) {
        query_param(rq->query, "number", typed, sizeof typed);
        number = typed;
    }
    if (!number[0] && strcmp(format, "json") != 0) {
        verify_page(rs, VERIFY_FORM, "", NULL);
        return;
    }
    verdict = rg_verify(s->store, number, sig, &facts, err, sizeof err);
    if (verdict < 0) {
        sv_error(rs, 500, NULL, "cannot verify: %s", err);
        return;
    }
    if (strcmp(format, "json") == 0) {
        if (verdict == RP_GENUINE)
            sv_json(rs, 200, json_pack("{s:b,s:o}", "genuine", 1, "certificate", facts));
        else if (verdict == RP_REVOKED)
            sv_json(rs, 410, json_pack("{s:b,s:b,s:o}", "genuine", 0, "revoked", 1, "certificate",
                                       facts));
        else
            sv_json(rs, 404, json_pack("{s:b,s:s,s:s}", "genuine", 0, "number", number, "error",
                                       verdict == RP_FORGED
                                           ? "the signature does not match this number"
                                           : "no certificate has this number"));
        return;
    }
    verify_page(rs, verdict, number, facts);
    json_decref(facts);
}

/* ---- GET /api/competitions/{id}/reports/{name}.pdf|.xlsx ------------------------------------ */

/* The groups of f's included (locked) events only, as results of their own for the medal
 * table, which counts every group it is given: an event still being marked must not count.
 * The groups are f's (view->groups alone is malloc'd). 0, or -1 when out of memory. */
static int included(const rg_final *f, cf_results *view)
{
    memset(view, 0, sizeof *view);
    if (!(view->groups = malloc((f->r->n_groups + 1) * sizeof *view->groups)))
        return -1;
    for (size_t g = 0; g < f->r->n_groups; g++)
        if (f->include[f->r->groups[g].event])
            view->groups[view->n_groups++] = f->r->groups[g];
    return 0;
}

/* A sheet as a workbook: the rows the PDF prints (rows.h). medals: the medal table's view. */
static int sheet_xlsx(const rg_final *f, const cf_results *medals, char which,
                      unsigned char **out, size_t *len, char *err, size_t errcap)
{
    rp_sheet s;
    int rc;
    if (which == 'r' ? rp_sheet_results(f->c, f->r, f->include, &s, err, errcap)
        : which == 'p' ? rp_sheet_promotions(f->c, f->r, &f->certs, &s, err, errcap)
        : which == 'm' ? rp_sheet_medals(f->c, medals, &s, err, errcap)
                       : rp_sheet_cash(f->c, f->r, f->include, &s, err, errcap))
        return -1;
    rc = rp_sheet_xlsx(&s, out, len, err, errcap);
    rp_sheet_free(&s);
    return rc;
}

void api_report(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    const char *name = rq->seg[3];
    unsigned char key[RP_KEY_BYTES], *pdf = NULL;
    size_t len = 0;
    char err[400], base[160];
    rg_final f;
    cf_results medals = {0};
    int rc;

    if (!c)
        return;
    bool xlsx = strcmp(name, "results.xlsx") == 0 || strcmp(name, "promotions.xlsx") == 0 ||
                strcmp(name, "cash.xlsx") == 0 || strcmp(name, "medal-table.xlsx") == 0;
    bool medal = strncmp(name, "medal-table.", 12) == 0;
    if (!xlsx && strcmp(name, "certificates.pdf") && strcmp(name, "results.pdf") &&
        strcmp(name, "promotions.pdf") && strcmp(name, "cash.pdf") &&
        strcmp(name, "medal-table.pdf")) {
        sv_error(rs, 404, NULL, "no report %s (certificates.pdf, results.pdf, promotions.pdf, "
                                "cash.pdf, medal-table.pdf, results.xlsx, promotions.xlsx, "
                                "cash.xlsx, medal-table.xlsx)", name);
        return;
    }
    if (medal && !c->def->has_delegations) {
        sv_error(rs, 404, NULL, "no report %s: no entry of %s has a delegation (代表队), so there "
                                "is no medal table", name, c->id);
        return;
    }
    /* Certificates (and the promotions roster, which lists their numbers) are issued into the
     * register (register.h): printing again gives the same numbers; a result changed since is
     * a revoked certificate and a new one. Issuing needs the address the QR codes point at. */
    bool issuing = (name[0] == 'c' && name[1] == 'e') || name[0] == 'p';
    char *vb = NULL;
    if (issuing) {
        int got = st_comp_setting_get(s->store, c->id, "verify_base", &vb);
        if (got == ST_NOTFOUND) {
            sv_error(rs, 409, "verify_base", "set the verification address (verify_base) of %s "
                     "before certificates are issued: the QR codes must point where the public "
                     "can check them", c->id);
            return;
        }
        if (got) {
            sv_store_error(s, rs);
            return;
        }
    }
    if (issuing ? rg_final_sync(s->store, c->id, c->doc, rq->who.name, RG_REISSUE_WHY, &f, NULL,
                                err, sizeof err)
                : (rg_key(s->store, key) ||
                   rg_final_build(s->store, c->id, c->doc, key, false, &f, err, sizeof err))) {
        sodium_memzero(key, sizeof key);
        free(vb);
        sv_error(rs, 500, NULL, "cannot build the report: %s", err);
        return;
    }
    sodium_memzero(key, sizeof key);
    bool any = false;
    for (size_t e = 0; e < f.c->n_events; e++)
        any |= f.include[e];
    if (!any) {
        rg_final_free(&f);
        free(vb);
        sv_error(rs, 409, NULL, issuing ? "no event of %s is published yet; certificates are "
                                          "issued for published results"
                                        : "no event of %s is locked yet; reports cover locked events",
                 c->id);
        return;
    }
    snprintf(base, sizeof base, "%s", vb ? vb : "");
    free(vb);
    rp_opts o = {.font_path = getenv("SKILLSCORE_FONT"), .verify_base = base};
    if (medal && included(&f, &medals)) {
        rg_final_free(&f);
        sv_error(rs, 500, NULL, "out of memory");
        return;
    }
    if (xlsx) {
        rc = sheet_xlsx(&f, &medals, name[0], &pdf, &len, err, sizeof err);
    } else if (medal) {
        rc = rp_medal_table_pdf(f.c, &medals, &o, &pdf, &len, err, sizeof err);
    } else if (name[0] == 'c' && name[1] == 'e') {
        const rp_cert **list = malloc((f.certs.n + 1) * sizeof *list);
        if (!list) {
            rg_final_free(&f);
            sv_error(rs, 500, NULL, "out of memory");
            return;
        }
        /* ?kind=award or ?kind=level: one kind, for its own paper. */
        char kind[16];
        size_t n = 0;
        query_param(rq->query, "kind", kind, sizeof kind);
        for (size_t i = 0; i < f.certs.n; i++)
            if (!kind[0] || (f.certs.items[i].kind == RP_AWARD) == (strcmp(kind, "award") == 0))
                list[n++] = &f.certs.items[i];
        if (kind[0] && strcmp(kind, "award") && strcmp(kind, "level")) {
            free(list);
            rg_final_free(&f);
            sv_error(rs, 400, "kind", "kind must be award or level");
            return;
        }
        rc = rp_certificates_pdf(f.c, f.r, list, n, &o, &pdf, &len, err, sizeof err);
        /* Each printing is counted in the register. */
        if (!rc && !st_begin(s->store)) {
            bool ok = true;
            for (size_t i = 0; ok && i < n; i++)
                ok = st_cert_printed(s->store, list[i]->number) == ST_OK;
            if (!ok || st_commit(s->store))
                st_rollback(s->store);
        }
        free(list);
        if (kind[0])
            snprintf(rs->filename, sizeof rs->filename, "%s-certificates-%s.pdf", c->id, kind);
    } else if (name[0] == 'r')
        rc = rp_results_pdf(f.c, f.r, f.include, &o, &pdf, &len, err, sizeof err);
    else if (name[0] == 'p')
        rc = rp_promotions_pdf(f.c, f.r, &f.certs, &o, &pdf, &len, err, sizeof err);
    else
        rc = rp_cash_pdf(f.c, f.r, f.include, &o, &pdf, &len, err, sizeof err);
    free(medals.groups);
    rg_final_free(&f);
    if (rc) {
        sv_error(rs, 500, NULL, "cannot write the %s: %s", xlsx ? "workbook" : "PDF", err);
        return;
    }
    if (!rs->filename[0])
        snprintf(rs->filename, sizeof rs->filename, "%s-%s", c->id, name);
    rs->status = 200;
    rs->body = (char *)pdf;
    rs->len = len;
    rs->ctype = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                     : "application/pdf";
}

/* ---- GET/POST /api/competitions/{id}/settings: the verification address ------------------- */

static void settings_reply(sv_server *s, sv_comp *c, sv_response *rs, int status)
{
    char *vb = NULL, *priv = NULL, out[256], why[300] = "";
    int a = st_comp_setting_get(s->store, c->id, "verify_base", &vb);
    int b = st_comp_setting_get(s->store, c->id, "verify_private", &priv);
    if ((a && a != ST_NOTFOUND) || (b && b != ST_NOTFOUND)) {
        free(vb);
        free(priv);
        sv_store_error(s, rs);
        return;
    }
    bool private_base = vb && rp_base_check(vb, out, sizeof out, why, sizeof why) ==
                                  RP_BASE_PRIVATE;
    json_t *o = json_pack("{s:s?,s:b,s:b}", "verify_base", vb, "allow_private",
                          priv && strcmp(priv, "1") == 0, "private", private_base);
    if (private_base)
        json_object_set_new(o, "warning", json_string(why));
    free(vb);
    free(priv);
    sv_json(rs, status, o);
}

void api_settings_get(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    if (c)
        settings_reply(s, c, rs, 200);
}

void api_settings_post(sv_server *s, sv_request *rq, sv_response *rs)
{
    sv_comp *c = sv_path_comp(s, rq, rs);
    json_t *body = NULL, *allow;
    const char *base;
    char out[256], why[300];
    int verdict;

    if (!c || !(body = sv_body_object(rq, rs)))
        goto out;
    if (!(base = sv_field_string(body, "verify_base", rs)))
        goto out;
    allow = json_object_get(body, "allow_private");
    if (allow && !json_is_boolean(allow)) {
        sv_error(rs, 400, "allow_private", "allow_private must be true or false");
        goto out;
    }
    verdict = rp_base_check(base, out, sizeof out, why, sizeof why);
    if (verdict == RP_BASE_BAD) {
        sv_error(rs, 400, "verify_base", "%s", why);
        goto out;
    }
    if (verdict == RP_BASE_PRIVATE && !json_is_true(allow)) {
        sv_error(rs, 400, "verify_base", "%s; send \"allow_private\": true for a venue-only "
                                         "deployment", why);
        goto out;
    }
    if (st_begin(s->store) || st_comp_setting_put(s->store, c->id, "verify_base", out) ||
        st_comp_setting_put(s->store, c->id, "verify_private", json_is_true(allow) ? "1" : "0") ||
        sv_audit(s, rq->who.name, "settings", c->id,
                 json_pack("{s:s,s:b}", "verify_base", out, "allow_private", json_is_true(allow))) ||
        st_commit(s->store)) {
        st_rollback(s->store);
        sv_store_error(s, rs);
        goto out;
    }
    settings_reply(s, c, rs, 200);
out:
    json_decref(body);
}
