/*
 * analytics.c — 裁判评分分析表: the judge analytics of one event on paper, for the chief judge
 * (裁判长) and 监督仲裁 to read and sign (reports.h; the figures are compfile's
 * cf_event_analytics, the formulas docs/analytics.md).
 *
 * Page one carries the summary, a row per judge with 关注 and its reasons for a flagged judge,
 * and the formulas with the thresholds in force, so the page can be read alone. A table per judge
 * follows with each criterion's deviation, kept on one page with its heading where it fits.
 * Judges only: the analytics name no entry, and neither does the paper.
 */
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pdf.c's bottom margin and footer: a judge's block that would run into them starts a page. */
#define BOTTOM 60.0f
#define ROW_H 21.0f  /* one line of cell text with its padding */
#define LINE_H 19.0f /* a line of pdf_lines at size 11 */

/* A signed figure in hundredths with its sign: "+12.34", "-0.50", "0.00". */
static char *signed_centi(int64_t v, char *buf)
{
    char t[24];
    snprintf(buf, 24, "%s%s", v > 0 ? "+" : "", sc_centi_format(v, t));
    return buf;
}

static char *leniency_text(const sc_judge_stats *s, char *buf)
{
    char t[24];
    if (!s->has_leniency)
        return strcpy(buf, "—");
    snprintf(buf, 32, "%s%%", signed_centi(s->leniency, t));
    return buf;
}

static char *rho_text(const sc_judge_stats *s, char *buf)
{
    char t[24];
    if (!s->has_rho)
        snprintf(buf, 64, "—（%lld 个）", (long long)s->entries);
    else
        snprintf(buf, 64, "%s（%lld 个）", sc_centi_format(s->rho_centi, t), (long long)s->entries);
    return buf;
}

char *rp_judge_reasons(const cf_judge_analytics *j, const sc_judge_thresholds *t, char *out,
                       size_t cap)
{
    char a[24], b[24];
    size_t n = 0;
    out[0] = '\0';
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (n < cap)                                                                               \
            n += (size_t)snprintf(out + n, cap - n, "%s", n ? "；" : "");                          \
        if (n < cap)                                                                               \
            n += (size_t)snprintf(out + n, cap - n, __VA_ARGS__);                                  \
    } while (0)
    if (j->reasons & SC_JUDGE_LENIENT)
        ADD("偏松：宽严度 %s%%，高于 +%s%%", signed_centi(j->stats.leniency, a),
            sc_centi_format(t->leniency, b));
    if (j->reasons & SC_JUDGE_SEVERE)
        ADD("偏严：宽严度 %s%%，低于 -%s%%", signed_centi(j->stats.leniency, a),
            sc_centi_format(t->leniency, b));
    if (j->reasons & SC_JUDGE_RANKS)
        ADD("排序与评委会不一致：相关系数 %s，低于 %s", sc_centi_format(j->stats.rho_centi, a),
            sc_centi_format(t->min_rho, b));
    if (j->reasons & SC_JUDGE_DISCREPANT)
        ADD("争议分多：争议标记 %lld 次，达到 %lld 次", (long long)j->stats.flags,
            (long long)t->max_flags);
#undef ADD
    return out;
}

typedef struct an_ctx {
    const cf_competition *c;
    const cf_analytics *a;
    const char *status;
    char title[64], subtitle[300];
} an_ctx;

static void judge_name(const cf_judge_analytics *j, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", j->name ? j->name : "", j->chief ? "（裁判长）" : "");
}

static void summary(pdf_table *t, const an_ctx *x)
{
    static const pdf_col cols[] = {
        {"裁判", 60, PDF_CENTER},
        {"姓名", 90, PDF_LEFT},
        {"评分次数", 60, PDF_RIGHT},
        {"宽严度", 75, PDF_RIGHT},
        {"排序相关系数（参评数）", 125, PDF_RIGHT},
        {"争议标记", 60, PDF_RIGHT},
        {"关注", 290, PDF_LEFT},
    };
    const cf_analytics *a = x->a;
    pdf_section(t, x->title, x->subtitle, cols, sizeof cols / sizeof *cols);
    for (size_t i = 0; i < a->n_judges; i++) {
        const cf_judge_analytics *j = &a->judges[i];
        char name[160], marks[24], len[32], rho[64], flags[24], why[600], mark[640];
        judge_name(j, name, sizeof name);
        snprintf(marks, sizeof marks, "%lld", (long long)j->stats.marks);
        snprintf(flags, sizeof flags, "%lld", (long long)j->stats.flags);
        if (j->reasons)
            snprintf(mark, sizeof mark, "关注：%s",
                     rp_judge_reasons(j, &a->thresholds, why, sizeof why));
        else
            strcpy(mark, "—");
        const char *cells[] = {
            j->id, name, marks, leniency_text(&j->stats, len), rho_text(&j->stats, rho),
            flags, mark};
        pdf_row(t, cells, j->reasons != 0); /* shaded: the eye finds 关注 first */
    }
    if (!a->n_judges) {
        const char *none[] = {"本赛项尚无评分。"};
        pdf_lines(t, none, 1, 11);
    }
}

static void notes(pdf_table *t, const an_ctx *x)
{
    const sc_judge_thresholds *th = &x->a->thresholds;
    char l1[300], l2[300], l3[300], disc[24], b[24], c[24];
    if (x->c->events[x->a->event].n_aspects)
        snprintf(l1, sizeof l1, "%s",
                 "争议标记：评价分各裁判相差超过 1 分，或测量分记录不一致，"
                 "且该裁判的评分离中位数最远（与争议评分列表同一规则）。");
    else
        snprintf(l1, sizeof l1,
                 "争议标记：该格评分极差超过满分的 %s%%，"
                 "且该裁判的评分离中位数最远（与争议评分列表同一规则）。",
                 sc_centi_format_short(x->c->events[x->a->event].discrepancy, disc));
    snprintf(
        l2, sizeof l2,
        "关注阈值（项目默认值，组委会可在竞赛文件中调整）：宽严度超过 ±%s%%；排序相关系数低于 %s"
        "（参评不少于 %lld 个）；争议标记达到 %lld 次。",
        sc_centi_format(th->leniency, b), sc_centi_format(th->min_rho, c),
        (long long)th->rho_min_entries, (long long)th->max_flags);
    snprintf(l3, sizeof l3, "%s", x->status ? x->status : "");
    const char *lines[] = {
        "说明：同一参赛单位同一评分项的全部评分为一组，"
        "取其中位数（偶数个评分取中间两个的平均值）。",
        "平均偏差：该裁判评分与所在组中位数之差的平均值（分）。"
        "宽严度：偏差之和 ÷ 所评各格满分之和，正值偏松，负值偏严。",
        "排序相关系数：该裁判给各参赛单位的总分与评委会中位数总分的 Spearman 等级相关系数"
        "（并列取平均名次，不足 3 个不计）。",
        l1,
        l2,
        l3,
    };
    pdf_lines(t, lines, x->status ? 6 : 5, 10);
}

static void judge_table(pdf_table *t, const an_ctx *x, const cf_judge_analytics *j)
{
    static const pdf_col cols[] = {
        {"评分项", 250, PDF_LEFT},          {"满分", 70, PDF_RIGHT},
        {"评分次数", 70, PDF_RIGHT},        {"参与比较", 70, PDF_RIGHT},
        {"平均偏差（分）", 100, PDF_RIGHT}, {"偏差占满分", 100, PDF_RIGHT},
        {"争议标记", 80, PDF_RIGHT},
    };
    const cf_analytics *a = x->a;
    char head[400], name[160], len[32], rho[64], why[600], attn[640];
    const char *lines[2] = {head, attn};
    size_t n_lines = j->reasons ? 2 : 1;
    float block = (float)n_lines * LINE_H + 16 + ROW_H * (float)(a->n_items + 2);

    judge_name(j, name, sizeof name);
    snprintf(head, sizeof head,
             "裁判 %s %s　评分 %lld 次　宽严度 %s　排序相关系数 %s　争议标记 %lld 次", j->id, name,
             (long long)j->stats.marks, leniency_text(&j->stats, len), rho_text(&j->stats, rho),
             (long long)j->stats.flags);
    snprintf(attn, sizeof attn, "【关注】%s", rp_judge_reasons(j, &a->thresholds, why, sizeof why));
    /* Heading and table together: a block that does not fit starts a page of its own. */
    if (t->y - block < BOTTOM)
        pdf_section(t, x->title, x->subtitle, NULL, 0);
    pdf_lines(t, lines, n_lines, 11);
    pdf_heads(t, cols, sizeof cols / sizeof *cols);
    for (size_t k = 0; k < a->n_items; k++) {
        const sc_judge_item *it = &j->items[k];
        char item[200], max[24], marks[24], cmp[24], dev[24], share[32], flags[24], v[24];
        snprintf(item, sizeof item, "%s %s", a->item_id[k], a->item_name[k] ? a->item_name[k] : "");
        sc_centi_format_short(a->item_max[k], max);
        snprintf(marks, sizeof marks, "%lld", (long long)it->marks);
        snprintf(cmp, sizeof cmp, "%lld", (long long)it->compared);
        if (it->compared) {
            signed_centi(it->mean_deviation, dev);
            snprintf(share, sizeof share, "%s%%", signed_centi(it->leniency, v));
        } else {
            strcpy(dev, "—");
            strcpy(share, "—");
        }
        snprintf(flags, sizeof flags, "%lld", (long long)it->flags);
        const char *cells[] = {item, max, marks, cmp, dev, share, flags};
        pdf_row(t, cells, false);
    }
    char marks[24], cmp[24], flags[24];
    snprintf(marks, sizeof marks, "%lld", (long long)j->stats.marks);
    snprintf(cmp, sizeof cmp, "%lld", (long long)j->stats.compared);
    snprintf(flags, sizeof flags, "%lld", (long long)j->stats.flags);
    const char *total[] = {"合计", "", marks, cmp, "", leniency_text(&j->stats, len), flags};
    pdf_row(t, total, true);
}

static void write_analytics(pdf_table *t, void *ctx)
{
    const an_ctx *x = ctx;
    static const char *const who[] = {"裁判长：", "监督仲裁：", "日期："};
    summary(t, x);
    notes(t, x);
    for (size_t i = 0; i < x->a->n_judges; i++)
        judge_table(t, x, &x->a->judges[i]);
    pdf_signatures(t, who, 3);
}

int rp_analytics_pdf(const cf_competition *c, const cf_analytics *a, const char *status,
                     const rp_opts *o, unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    const cf_event *ev = &c->events[a->event];
    an_ctx x = {c, a, status, "裁判评分分析表", ""};
    pdf_doc d;

    snprintf(x.subtitle, sizeof x.subtitle, "赛项：%s %s　　裁判 %zu 人，需关注 %zu 人", ev->id,
             ev->name, a->n_judges, a->n_flagged);
    if (pdf_open(&d, o, x.title, err, errcap))
        return -1;
    pdf_run_tables(&d, true, c->name, write_analytics, &x);
    return pdf_finish(&d, pdf, len, err, errcap);
}
