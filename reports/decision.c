/*
 * decision.c — the arbitration decision (仲裁决定书) on one appeal (reports.h): who appealed,
 * about what, when, every step with its reason, the decision, and the delta — each entry whose
 * rank, total, award, promotion or cash changed, before → after — with signature lines.
 */
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static const char *state_name(const char *s)
{
    return !strcmp(s, "received") ? "收到申诉" : !strcmp(s, "under_review") ? "受理复核"
         : !strcmp(s, "upheld")   ? "申诉成立" : !strcmp(s, "rejected")     ? "驳回申诉"
         : !strcmp(s, "unlocked") ? "解锁赛项，更正成绩"
         : !strcmp(s, "confirmed") ? "确认成绩变更"
         : !strcmp(s, "republished") ? "重新公布成绩"
                                  : s;
}

/* "2026-11-25T08:30:00Z" as Beijing time "2026-11-25 16:30". */
static void beijing(const char *iso, char out[32])
{
    int y, mo, d, h, mi;
    if (sscanf(iso, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) != 5) {
        snprintf(out, 32, "%s", iso);
        return;
    }
    h += 8;
    if (h >= 24) { /* the day after: enough for a date line, month ends included */
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int dim = days[(mo - 1) % 12] + (mo == 2 && y % 4 == 0 && (y % 100 || y % 400 == 0));
        h -= 24;
        if (++d > dim) {
            d = 1;
            if (++mo > 12) {
                mo = 1;
                y++;
            }
        }
    }
    snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
}

/* One side of a delta as "名次 3 · 82.56 · 银牌 · 晋升 技师 · 奖金 3000". */
static void side(const json_t *f, char *out, size_t cap)
{
    size_t n = 0;
    const json_t *p, *cash;
    size_t i;
    out[0] = '\0';
    if (!f || json_is_null(f)) {
        snprintf(out, cap, "—");
        return;
    }
    if (json_is_integer(json_object_get(f, "rank")))
        n += (size_t)snprintf(out + n, cap - n, "第%lld名",
                              (long long)json_integer_value(json_object_get(f, "rank")));
    else
        n += (size_t)snprintf(out + n, cap - n, "%s", !strcmp(str(f, "status"), "ok") ? "未排名"
                                                      : !strcmp(str(f, "status"), "absent") ? "缺考"
                                                                                           : "取消资格");
    if (n < cap && *str(f, "total"))
        n += (size_t)snprintf(out + n, cap - n, " · %s分", str(f, "total"));
    if (n < cap && *str(f, "award"))
        n += (size_t)snprintf(out + n, cap - n, " · %s", str(f, "award"));
    json_array_foreach(json_object_get(f, "promotions"), i, p)
        if (n < cap && *str(p, "to"))
            n += (size_t)snprintf(out + n, cap - n, " · 晋升%s", str(p, "to"));
    cash = json_object_get(f, "cash");
    if (n < cap && json_is_integer(json_object_get(cash, "per_person")) &&
        json_integer_value(json_object_get(cash, "per_person")) > 0)
        snprintf(out + n, cap - n, " · 奖金%lld元",
                 (long long)json_integer_value(json_object_get(cash, "per_person")));
}

static void write(pdf_table *t, void *ctx)
{
    const json_t *a = ctx, *h, *d, *delta = json_object_get(a, "delta");
    /* Before and after get the room: a rank, total, award, promotion and amount each. */
    static const pdf_col cols[] = {{"序号", 30, PDF_CENTER}, {"参赛编号", 66, PDF_LEFT},
                                   {"姓名", 72, PDF_LEFT},   {"组别", 48, PDF_LEFT},
                                   {"变更前", 150, PDF_LEFT}, {"变更后", 150, PDF_LEFT}};
    char sub[512], lines[16][600], at[32], dl[32];
    const char *lp[16];
    size_t n = 0, i;

    snprintf(sub, sizeof sub, "申诉编号：%lld　赛项：%s %s", (long long)json_integer_value(
                                                            json_object_get(a, "id")),
             str(a, "event"), str(a, "event_name"));
    beijing(str(a, "received_at"), at);
    beijing(str(a, "deadline"), dl);
    snprintf(lines[n++], 600, "申诉人：%s　　参赛：%s（工位号 %s）", str(a, "appellant"),
             str(a, "entry"), str(a, "number"));
    snprintf(lines[n++], 600, "申诉事项：%s", str(a, "subject"));
    snprintf(lines[n++], 600, "收到时间：%s（北京时间）　申诉时限：%s%s", at, dl,
             json_is_true(json_object_get(a, "late")) ? "　【逾期】" : "");
    json_array_foreach(json_object_get(a, "history"), i, h) {
        char when[32];
        if (n >= 14)
            break;
        beijing(str(h, "at"), when);
        snprintf(lines[n++], 600, "%s　%s　%s%s%s", when, state_name(str(h, "state")),
                 str(h, "by"), *str(h, "reason") ? "：" : "", str(h, "reason"));
    }
    snprintf(lines[n++], 600, "仲裁决定：%s", state_name(str(a, "state")));
    for (i = 0; i < n; i++)
        lp[i] = lines[i];
    pdf_section(t, "仲裁决定书", sub, cols, 0);
    pdf_lines(t, lp, n, 11);
    if (json_is_array(delta)) {
        char head[128];
        snprintf(head, sizeof head, json_array_size(delta) ? "成绩变更（经监督仲裁确认，共 %zu 条）："
                                                           : "成绩变更：无（共 %zu 条）",
                 json_array_size(delta));
        const char *hp[] = {head};
        pdf_lines(t, hp, 1, 11);
        if (json_array_size(delta))
            pdf_heads(t, cols, 6);
        json_array_foreach(delta, i, d) {
            char no[24], before[300], after[300];
            const json_t *b = json_object_get(d, "before"), *x = json_object_get(d, "after");
            snprintf(no, sizeof no, "%zu", i + 1);
            side(b, before, sizeof before);
            side(x, after, sizeof after);
            const char *cells[] = {no, str(d, "entry"), str(d, "name"),
                                   *str(x, "group") ? str(x, "group") : str(b, "group"), before,
                                   after};
            pdf_row(t, cells, false);
        }
    } else {
        /* No confirmed delta: a rejected appeal changes nothing; an upheld one is still being
         * worked through unlock → corrections → lock, and the paper must not say otherwise. */
        bool open = !strcmp(str(a, "state"), "upheld");
        const char *hp[] = {open ? "成绩变更：待监督仲裁确认（赛项更正并重新锁定后确认）"
                                 : "成绩变更：未涉及成绩变更"};
        pdf_lines(t, hp, 1, 11);
    }
    static const char *const who[] = {"监督仲裁组组长：", "成员：", "日期："};
    pdf_signatures(t, who, 3);
}

int rp_decision_pdf(const json_t *appeal, const char *competition, const rp_opts *o,
                    unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    pdf_doc d;
    if (pdf_open(&d, o, "仲裁决定书", err, errcap))
        return -1;
    pdf_run_tables(&d, false, competition, write, (void *)appeal);
    return pdf_finish(&d, pdf, len, err, errcap);
}
