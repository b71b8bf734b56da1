/*
 * sheets.c — the sheets organizers file: the result sheet per (event, group) (成绩公示表), the
 * promotion roster for the appraisal centre (晋升名册), the cash award list for the finance
 * office (奖金发放表) and, when entries carry delegations, the delegations' medal table (奖牌榜). Each is a table through pdf.h; the numbers come from the engine's results,
 * formatted, never recomputed.
 */
#include "pdf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small arena of strings for one row, so rows can be built with snprintf and freed at once. */
typedef struct cells {
    char buf[16][512];
    const char *ptr[16];
} cells;

static const char *put(cells *k, size_t i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const char *put(cells *k, size_t i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->buf[i], sizeof k->buf[i], fmt, ap);
    va_end(ap);
    return k->ptr[i] = k->buf[i];
}

static const char *score(char *buf, bool ok, sc_centi v)
{
    return ok ? sc_centi_format(v, buf) : "—";
}

/* Members' names joined with 、, and their units (distinct, in order). */
static void names_units(const cf_entry *en, char *names, size_t nc, char *units, size_t uc)
{
    cf_member_names(en, names, nc);
    cf_member_units(en, units, uc);
}

static const char *status_text(const sc_entry_out *o)
{
    switch (o->outcome) {
    case SC_OUT_ABSENT: return "缺考";
    case SC_OUT_DISQUALIFIED: return "取消成绩";
    case SC_OUT_INCOMPLETE: return "评分未完成";
    default: return "";
    }
}

typedef struct sheet_ctx {
    const cf_competition *c;
    const cf_results *r;
    const bool *include;
    const rp_certs *certs;
} sheet_ctx;

/* The award cell: the award, or 未达合格线 where a pass mark withheld it (issue 17). */
static const char *award_text(const sc_entry_out *o, char *buf, size_t cap)
{
    const char *award = sc_award_name(o->award);
    if (o->below_pass && (o->withheld & SC_WITHHOLD_AWARD))
        return "未达合格线";
    if (o->below_pass && award) {
        snprintf(buf, cap, "%s（未达合格线%s）", award,
                 (o->withheld & SC_WITHHOLD_CERTIFICATE) ? "，不发证书" : "");
        return buf;
    }
    return award ? award : "";
}

static void write_results(pdf_table *t, void *ctx)
{
    static const pdf_col plain[] = {
        {"名次", 38, PDF_CENTER}, {"编号", 66, PDF_CENTER}, {"姓名", 104, PDF_LEFT},
        {"工作单位", 170, PDF_LEFT}, {"理论", 52, PDF_RIGHT}, {"实操", 52, PDF_RIGHT},
        {"总分", 52, PDF_RIGHT}, {"奖项", 62, PDF_CENTER}, {"晋升等级", 173, PDF_LEFT},
    };
    /* With honour titles, a 称号 column takes its room from the units and the promotions. */
    static const pdf_col titled[] = {
        {"名次", 38, PDF_CENTER}, {"编号", 66, PDF_CENTER}, {"姓名", 104, PDF_LEFT},
        {"工作单位", 140, PDF_LEFT}, {"理论", 52, PDF_RIGHT}, {"实操", 52, PDF_RIGHT},
        {"总分", 52, PDF_RIGHT}, {"奖项", 62, PDF_CENTER}, {"晋升等级", 113, PDF_LEFT},
        {"称号", 90, PDF_CENTER},
    };
    const sheet_ctx *x = ctx;
    const cf_competition *c = x->c;
    bool any_title = false;
    for (size_t e = 0; e < c->n_events; e++)
        any_title |= c->events[e].n_titles > 0;
    const pdf_col *cols = any_title ? titled : plain;
    size_t ncols = any_title ? 10 : 9;
    for (size_t g = 0; g < x->r->n_groups; g++) {
        const cf_group_result *gr = &x->r->groups[g];
        const cf_event *ev = &c->events[gr->event];
        char sub[512];
        if (x->include && !x->include[gr->event])
            continue;
        snprintf(sub, sizeof sub, "%s %s · %s · 参赛 %lld（计入名额 N = %lld）", ev->id, ev->name,
                 gr->group, (long long)gr->n, (long long)gr->summary.n);
        pdf_section(t, "成绩公示表", sub, cols, ncols);
        for (size_t i = 0; i < gr->n; i++) {
            const sc_entry_out *o = &gr->entries[i];
            const cf_entry *en = &c->entries[o->entry];
            bool ranked = o->rank > 0;
            char names[512], units[512], b1[24], b2[24], b3[24], promo[512] = "";
            cells k;
            size_t pn = 0;
            names_units(en, names, sizeof names, units, sizeof units);
            for (size_t m = 0; m < en->n_members; m++) {
                if (o->promoted_to[m] == SC_LEVEL_NONE)
                    continue;
                if (en->n_members > 1)
                    pn += (size_t)snprintf(promo + pn, sizeof promo - pn, "%s%s：", pn ? "；" : "",
                                           en->members[m].name);
                pn += (size_t)snprintf(promo + pn, sizeof promo - pn, "%s",
                                       sc_level_name(o->promoted_to[m]));
            }
            put(&k, 0, "%s", ranked ? "" : status_text(o));
            if (ranked)
                put(&k, 0, "%lld", (long long)o->rank);
            put(&k, 1, "%s", en->id);
            put(&k, 2, "%s", names);
            put(&k, 3, "%s", units);
            put(&k, 4, "%s", score(b1, ranked && o->has_theory, o->theory));
            put(&k, 5, "%s", score(b2, ranked, o->practical));
            put(&k, 6, "%s", score(b3, ranked, o->total));
            put(&k, 7, "%s", award_text(o, k.buf[9], sizeof k.buf[9]));
            put(&k, 8, "%s", promo);
            const char *title = cf_title_of(c, o);
            put(&k, 9, "%s", title ? title : "");
            pdf_row(t, k.ptr, false);
        }
        static const char *const who[] = {"裁判长（签字）：", "监督仲裁（签字）：", "日期："};
        pdf_signatures(t, who, 3);
    }
}

/* One sheet document: the competition in every page header, the tables write() lays out. */
static int sheet_pdf(const char *title, void (*write)(pdf_table *, void *), sheet_ctx *x,
                     const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    pdf_doc d;
    char head[512];
    const cf_competition *c = x->c;
    if (pdf_open(&d, o, title, err, errcap))
        return -1;
    snprintf(head, sizeof head, "%s%s%s", c->name, c->organizer ? " · 主办：" : "",
             c->organizer ? c->organizer : "");
    pdf_run_tables(&d, true, head, write, x);
    return pdf_finish(&d, pdf, len, err, errcap);
}

int rp_results_pdf(const cf_competition *c, const cf_results *r, const bool *include,
                   const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    sheet_ctx x = {c, r, include, NULL};
    return sheet_pdf("成绩公示表", write_results, &x, o, pdf, len, err, errcap);
}

static void write_promotions(pdf_table *t, void *ctx)
{
    static const pdf_col cols[] = {
        {"序号", 32, PDF_CENTER}, {"姓名", 62, PDF_LEFT}, {"性别", 32, PDF_CENTER},
        {"身份证号", 118, PDF_LEFT}, {"工作单位", 120, PDF_LEFT}, {"赛项（职业）", 96, PDF_LEFT},
        {"组别", 52, PDF_CENTER}, {"名次", 34, PDF_CENTER}, {"原等级", 52, PDF_CENTER},
        {"晋升等级", 56, PDF_CENTER}, {"证书编号", 116, PDF_LEFT},
    };
    const sheet_ctx *x = ctx;
    const cf_competition *c = x->c;
    size_t seq = 0;
    char sub[256];
    size_t total = 0;
    for (size_t i = 0; i < x->certs->n; i++)
        total += x->certs->items[i].kind == RP_LEVEL;
    snprintf(sub, sizeof sub, "共 %zu 人（按赛项、组别、名次排列；报%s）", total,
             c->appraisal_centre ? c->appraisal_centre : "职业技能鉴定中心");
    pdf_section(t, "职业技能等级晋升名册", sub, cols, 11);
    for (size_t i = 0; i < x->certs->n; i++) {
        const rp_cert *k = &x->certs->items[i];
        if (k->kind != RP_LEVEL)
            continue;
        const cf_entry *en = &c->entries[k->entry];
        const cf_member *m = &en->members[k->member];
        const cf_event *ev = &c->events[en->event];
        const char *held = sc_level_name(en->persons[k->member].level);
        cells q;
        put(&q, 0, "%zu", ++seq);
        put(&q, 1, "%s", m->name);
        put(&q, 2, "%s", m->gender ? m->gender : "");
        put(&q, 3, "%s", m->id_number ? m->id_number : "");
        put(&q, 4, "%s", m->unit ? m->unit : "");
        put(&q, 5, "%s%s%s%s", ev->name, ev->occupation_name ? "（" : "",
            ev->occupation_name ? ev->occupation_name : "", ev->occupation_name ? "）" : "");
        put(&q, 6, "%s", x->r->groups[k->group].group);
        put(&q, 7, "%lld", (long long)k->rank);
        put(&q, 8, "%s", held ? held : "无");
        put(&q, 9, "%s", sc_level_name(k->level));
        put(&q, 10, "%s", k->number);
        pdf_row(t, q.ptr, false);
    }
    static const char *const who[] = {"制表人：", "审核人：", "组委会办公室（盖章）："};
    pdf_signatures(t, who, 3);
}

int rp_promotions_pdf(const cf_competition *c, const cf_results *r, const rp_certs *certs,
                      const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                      size_t errcap)
{
    sheet_ctx x = {c, r, NULL, certs};
    return sheet_pdf("晋升名册", write_promotions, &x, o, pdf, len, err, errcap);
}

static void write_cash(pdf_table *t, void *ctx)
{
    /* The coach team's amount is paid to a named payee, and every row has room for the
     * recipients' signatures; no head wraps at these widths. */
    static const pdf_col cols[] = {
        {"序号", 28, PDF_CENTER},      {"赛项", 80, PDF_LEFT},      {"组别", 44, PDF_CENTER},
        {"名次", 30, PDF_CENTER},      {"奖项", 40, PDF_CENTER},    {"获奖人员", 92, PDF_LEFT},
        {"工作单位", 100, PDF_LEFT},   {"每人奖金", 54, PDF_RIGHT}, {"人员小计", 54, PDF_RIGHT},
        {"教练团队领款人", 80, PDF_LEFT}, {"教练团队奖金", 74, PDF_RIGHT},
        {"领款人签字", 94, PDF_LEFT},
    };
    const sheet_ctx *x = ctx;
    const cf_competition *c = x->c;
    long long people = 0, coaches = 0;
    size_t seq = 0;
    pdf_section(t, "奖金发放表", "金额单位：元（整数）；每名获奖人员领取全额，教练（技术）团队按奖项另发同额奖金，由领款人代领",
                cols, 12);
    t->min_row = 28;
    for (size_t g = 0; g < x->r->n_groups; g++) {
        const cf_group_result *gr = &x->r->groups[g];
        if (x->include && !x->include[gr->event])
            continue;
        for (size_t i = 0; i < gr->n; i++) {
            const sc_entry_out *o = &gr->entries[i];
            const cf_entry *en = &c->entries[o->entry];
            char names[512], units[512];
            cells q;
            if (o->cash_per_person == 0 && o->cash_coach == 0)
                continue;
            names_units(en, names, sizeof names, units, sizeof units);
            long long sub = (long long)o->cash_per_person * (long long)en->n_members;
            people += sub;
            coaches += o->cash_coach;
            put(&q, 0, "%zu", ++seq);
            put(&q, 1, "%s %s", c->events[gr->event].id, c->events[gr->event].name);
            put(&q, 2, "%s", gr->group);
            put(&q, 3, "%lld", (long long)o->rank);
            put(&q, 4, "%s", sc_award_name(o->award) ? sc_award_name(o->award) : "");
            put(&q, 5, "%s", names);
            put(&q, 6, "%s", units);
            put(&q, 7, "%lld", (long long)o->cash_per_person);
            put(&q, 8, "%lld", sub);
            put(&q, 9, "%s", en->coach ? en->coach : o->cash_coach ? "（须指定）" : "");
            put(&q, 10, "%lld", (long long)o->cash_coach);
            put(&q, 11, "%s", "");
            pdf_row(t, q.ptr, false);
        }
    }
    cells tot;
    for (size_t i = 0; i < 12; i++)
        put(&tot, i, "%s", "");
    put(&tot, 1, "合计");
    put(&tot, 8, "%lld", people);
    put(&tot, 10, "%lld", coaches);
    pdf_row(t, tot.ptr, true);
    char line[256];
    snprintf(line, sizeof line, "奖金总额：%lld 元（获奖人员 %lld 元，教练团队 %lld 元）",
             people + coaches, people, coaches);
    const char *lines[] = {line};
    pdf_lines(t, lines, 1, 12);
    static const char *const who[] = {"制表人：", "审核人：", "财务负责人："};
    pdf_signatures(t, who, 3);
}

int rp_cash_pdf(const cf_competition *c, const cf_results *r, const bool *include,
                const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    sheet_ctx x = {c, r, include, NULL};
    return sheet_pdf("奖金发放表", write_cash, &x, o, pdf, len, err, errcap);
}

static void write_medals(pdf_table *t, void *ctx)
{
    const sheet_ctx *x = ctx;
    const cf_competition *c = x->c;
    sc_award awards[SC_AWARD_COUNT];
    size_t na = cf_medal_columns(c, awards), n = 0;
    pdf_col cols[SC_AWARD_COUNT + 3];
    sc_medal_row *rows = NULL;
    char sub[512], pts[256] = "";
    size_t pn = 0;

    if (cf_medal_table(c, x->r, &rows, &n))
        return;
    cols[0] = (pdf_col){"名次", 50, PDF_CENTER};
    cols[1] = (pdf_col){"代表队", 200, PDF_LEFT};
    for (size_t k = 0; k < na; k++) {
        cols[2 + k] = (pdf_col){sc_award_name(awards[k]), na > 4 ? 62 : 80, PDF_CENTER};
        pn += (size_t)snprintf(pts + pn, sizeof pts - pn, "%s%s %lld 分", k ? "、" : "",
                               sc_award_name(awards[k]),
                               (long long)c->medal_points.points[awards[k]]);
    }
    cols[2 + na] = (pdf_col){"总分", 70, PDF_CENTER};
    snprintf(sub, sizeof sub, "计分：%s；总分相同依次比较金牌（一等奖）、银牌（二等奖）、铜牌（三等奖）、"
             "优胜奖数，仍相同者名次并列", pts);
    pdf_section(t, "代表队奖牌榜", sub, cols, na + 3);
    for (size_t i = 0; i < n; i++) {
        cells q;
        put(&q, 0, "%lld", (long long)rows[i].rank);
        put(&q, 1, "%s", rows[i].delegation);
        for (size_t k = 0; k < na; k++)
            put(&q, 2 + k, "%lld", (long long)rows[i].count[awards[k]]);
        put(&q, 2 + na, "%lld", (long long)rows[i].points);
        pdf_row(t, q.ptr, false);
    }
    static const char *const who[] = {"制表人：", "审核人：", "组委会办公室（盖章）："};
    pdf_signatures(t, who, 3);
    free(rows);
}

int rp_medal_table_pdf(const cf_competition *c, const cf_results *r, const rp_opts *o,
                       unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    sheet_ctx x = {c, r, NULL, NULL};
    return sheet_pdf("代表队奖牌榜", write_medals, &x, o, pdf, len, err, errcap);
}
