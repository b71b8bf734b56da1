/*
 * rows.c — see rows.h. The numbers come from the engine's results, formatted, never recomputed;
 * the layout (PDF in sheets.c, Excel in workbook.c) only places these cells.
 */
#include "reports/rows.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small arena of strings for one row, so rows can be built with snprintf. */
typedef struct rowbuf {
    char buf[16][512];
    const char *ptr[16];
} rowbuf;

static const char *put(rowbuf *k, size_t i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const char *put(rowbuf *k, size_t i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->buf[i], sizeof k->buf[i], fmt, ap);
    va_end(ap);
    return k->ptr[i] = k->buf[i];
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

rp_section *rp_sheet_section(rp_sheet *s, const char *title, const char *subtitle,
                             const char *tab)
{
    rp_section *sec;
    if (s->n_sections == s->cap_sections) {
        size_t cap = s->cap_sections ? s->cap_sections * 2 : 8;
        rp_section *grown = realloc(s->sections, cap * sizeof *grown);
        if (!grown)
            return NULL;
        s->sections = grown;
        s->cap_sections = cap;
    }
    sec = &s->sections[s->n_sections];
    memset(sec, 0, sizeof *sec);
    sec->title = dup_or_null(title);
    sec->subtitle = dup_or_null(subtitle);
    sec->tab = dup_or_null(tab ? tab : title);
    s->n_sections++;
    if ((title && !sec->title) || (subtitle && !sec->subtitle) || !sec->tab)
        return NULL; /* rp_sheet_free releases what was made */
    return sec;
}

static char **copy_cells(size_t n, const char *const *cells)
{
    char **out = calloc(n, sizeof *out);
    if (!out)
        return NULL;
    for (size_t j = 0; j < n; j++)
        if (!(out[j] = strdup(cells[j] ? cells[j] : ""))) {
            for (size_t k = 0; k < j; k++)
                free(out[k]);
            free(out);
            return NULL;
        }
    return out;
}

int rp_sheet_row(const rp_sheet *s, rp_section *sec, const char *const *cells)
{
    char **row;
    if (sec->n_rows == sec->cap_rows) {
        size_t cap = sec->cap_rows ? sec->cap_rows * 2 : 32;
        char **grown = realloc(sec->cells, cap * s->n_cols * sizeof *grown);
        if (!grown)
            return -1;
        sec->cells = grown;
        sec->cap_rows = cap;
    }
    if (!(row = copy_cells(s->n_cols, cells)))
        return -1;
    memcpy(&sec->cells[sec->n_rows * s->n_cols], row, s->n_cols * sizeof *row);
    free(row);
    sec->n_rows++;
    return 0;
}

static int add_note(rp_section *sec, const char *line)
{
    char **grown = realloc(sec->notes, (sec->n_notes + 1) * sizeof *grown);
    if (!grown)
        return -1;
    sec->notes = grown;
    if (!(sec->notes[sec->n_notes] = strdup(line)))
        return -1;
    sec->n_notes++;
    return 0;
}

void rp_sheet_free(rp_sheet *s)
{
    for (size_t k = 0; k < s->n_sections; k++) {
        rp_section *sec = &s->sections[k];
        for (size_t i = 0; i < sec->n_rows * s->n_cols; i++)
            free(sec->cells[i]);
        if (sec->total)
            for (size_t j = 0; j < s->n_cols; j++)
                free(sec->total[j]);
        for (size_t i = 0; i < sec->n_notes; i++)
            free(sec->notes[i]);
        free(sec->cells);
        free(sec->total);
        free(sec->notes);
        free(sec->title);
        free(sec->subtitle);
        free(sec->tab);
    }
    free(s->sections);
    free(s->header);
    free(s->own_cols);
    memset(s, 0, sizeof *s);
}

/* Starts a sheet: the competition in the header line. */
static int sheet_begin(rp_sheet *s, const char *name, const rp_column *cols, size_t n_cols,
                       const cf_competition *c)
{
    char head[512];
    memset(s, 0, sizeof *s);
    s->name = name;
    s->cols = cols;
    s->n_cols = n_cols;
    snprintf(head, sizeof head, "%s%s%s", c->name, c->organizer ? " · 主办：" : "",
             c->organizer ? c->organizer : "");
    return (s->header = strdup(head)) ? 0 : -1;
}

static int oom(rp_sheet *s, char *err, size_t errcap)
{
    rp_sheet_free(s);
    snprintf(err, errcap, "out of memory");
    return -1;
}

static const char *score(char *buf, bool ok, sc_centi v)
{
    return ok ? sc_centi_format(v, buf) : "—";
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

static const rp_column results_cols[] = {
    {"名次", 38, RP_CENTER, RP_CELL_INT},       {"编号", 66, RP_CENTER, RP_CELL_TEXT},
    {"姓名", 104, RP_LEFT, RP_CELL_TEXT},       {"工作单位", 170, RP_LEFT, RP_CELL_TEXT},
    {"理论", 52, RP_RIGHT, RP_CELL_SCORE},      {"实操", 52, RP_RIGHT, RP_CELL_SCORE},
    {"总分", 52, RP_RIGHT, RP_CELL_SCORE},      {"奖项", 62, RP_CENTER, RP_CELL_TEXT},
    {"晋升等级", 173, RP_LEFT, RP_CELL_TEXT},
};

/* With honour titles, a 称号 column takes its room from the units and the promotions. */
static const rp_column results_titled_cols[] = {
    {"名次", 38, RP_CENTER, RP_CELL_INT},       {"编号", 66, RP_CENTER, RP_CELL_TEXT},
    {"姓名", 104, RP_LEFT, RP_CELL_TEXT},       {"工作单位", 140, RP_LEFT, RP_CELL_TEXT},
    {"理论", 52, RP_RIGHT, RP_CELL_SCORE},      {"实操", 52, RP_RIGHT, RP_CELL_SCORE},
    {"总分", 52, RP_RIGHT, RP_CELL_SCORE},      {"奖项", 62, RP_CENTER, RP_CELL_TEXT},
    {"晋升等级", 113, RP_LEFT, RP_CELL_TEXT},   {"称号", 90, RP_CENTER, RP_CELL_TEXT},
};

/* With delegations, a 代表队 column after 工作单位 takes its room from the units and the
 * promotions too; the sheets of files without delegations keep their columns. */
static const rp_column results_deleg_cols[] = {
    {"名次", 38, RP_CENTER, RP_CELL_INT},       {"编号", 66, RP_CENTER, RP_CELL_TEXT},
    {"姓名", 104, RP_LEFT, RP_CELL_TEXT},       {"工作单位", 140, RP_LEFT, RP_CELL_TEXT},
    {"代表队", 80, RP_LEFT, RP_CELL_TEXT},      {"理论", 52, RP_RIGHT, RP_CELL_SCORE},
    {"实操", 52, RP_RIGHT, RP_CELL_SCORE},      {"总分", 52, RP_RIGHT, RP_CELL_SCORE},
    {"奖项", 62, RP_CENTER, RP_CELL_TEXT},      {"晋升等级", 123, RP_LEFT, RP_CELL_TEXT},
};

static const rp_column results_deleg_titled_cols[] = {
    {"名次", 38, RP_CENTER, RP_CELL_INT},       {"编号", 66, RP_CENTER, RP_CELL_TEXT},
    {"姓名", 104, RP_LEFT, RP_CELL_TEXT},       {"工作单位", 112, RP_LEFT, RP_CELL_TEXT},
    {"代表队", 70, RP_LEFT, RP_CELL_TEXT},      {"理论", 52, RP_RIGHT, RP_CELL_SCORE},
    {"实操", 52, RP_RIGHT, RP_CELL_SCORE},      {"总分", 52, RP_RIGHT, RP_CELL_SCORE},
    {"奖项", 62, RP_CENTER, RP_CELL_TEXT},      {"晋升等级", 71, RP_LEFT, RP_CELL_TEXT},
    {"称号", 90, RP_CENTER, RP_CELL_TEXT},
};

static bool any_scale(const cf_competition *c)
{
    for (size_t e = 0; e < c->n_events; e++)
        if (c->events[e].rules.ws_scale)
            return true;
    return false;
}

/* A competition with a WorldSkills-scaled event (issue 18): the chosen columns again with a
 * 世赛分 column after 总分, its width taken from 工作单位 and 晋升等级 alike. NULL when memory runs
 * out. */
#define SCALE_WIDTH 48
static rp_column *with_scale(const rp_column *cols, size_t n, size_t total_at)
{
    rp_column *out = calloc(n + 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0, j = 0; i < n; i++) {
        out[j] = cols[i];
        if (strcmp(cols[i].name, "工作单位") == 0 || strcmp(cols[i].name, "晋升等级") == 0)
            out[j].width -= SCALE_WIDTH / 2;
        if (j++ == total_at)
            out[j++] = (rp_column){"世赛分", SCALE_WIDTH, RP_CENTER, RP_CELL_INT};
    }
    return out;
}

static bool any_titles(const cf_competition *c)
{
    for (size_t e = 0; e < c->n_events; e++)
        if (c->events[e].n_titles > 0)
            return true;
    return false;
}

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

int rp_sheet_results(const cf_competition *c, const cf_results *r, const bool *include,
                     rp_sheet *out, char *err, size_t errcap)
{
    static const char *const who[] = {"裁判长（签字）：", "监督仲裁（签字）：", "日期："};
    bool titled = any_titles(c), deleg = c->has_delegations;
    const rp_column *cols = deleg ? (titled ? results_deleg_titled_cols : results_deleg_cols)
                                  : (titled ? results_titled_cols : results_cols);
    size_t ncols = deleg ? (titled ? sizeof results_deleg_titled_cols / sizeof *cols
                                   : sizeof results_deleg_cols / sizeof *cols)
                         : (titled ? sizeof results_titled_cols / sizeof *cols
                                   : sizeof results_cols / sizeof *cols);
    size_t d = deleg; /* the columns after 工作单位 move one to the right */
    bool scaled = any_scale(c);
    rp_column *own = scaled ? with_scale(cols, ncols, 6 + d) : NULL;
    if ((scaled && !own) || sheet_begin(out, "成绩公示表", own ? own : cols, ncols + scaled, c)) {
        free(own);
        return oom(out, err, errcap);
    }
    out->own_cols = own;
    for (size_t g = 0; g < r->n_groups; g++) {
        const cf_group_result *gr = &r->groups[g];
        const cf_event *ev = &c->events[gr->event];
        char sub[512], tab[512];
        rp_section *sec;
        if (include && !include[gr->event])
            continue;
        snprintf(sub, sizeof sub, "%s %s · %s · 参赛 %lld（计入名额 N = %lld）", ev->id, ev->name,
                 gr->group, (long long)gr->n, (long long)gr->summary.n);
        snprintf(tab, sizeof tab, "%s %s", ev->id, gr->group);
        if (!(sec = rp_sheet_section(out, "成绩公示表", sub, tab)))
            return oom(out, err, errcap);
        sec->signatures = who;
        sec->n_signatures = 3;
        for (size_t i = 0; i < gr->n; i++) {
            const sc_entry_out *o = &gr->entries[i];
            const cf_entry *en = &c->entries[o->entry];
            bool ranked = o->rank > 0;
            char names[512], units[512], b1[24], b2[24], b3[24], promo[512] = "", award[128];
            const char *title = cf_title_of(c, o);
            rowbuf k;
            size_t pn = 0;
            cf_member_names(en, names, sizeof names);
            cf_member_units(en, units, sizeof units);
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
            put(&k, 4, "%s", en->delegation ? en->delegation : ""); /* overwritten without */
            put(&k, 4 + d, "%s", score(b1, ranked && o->has_theory, o->theory));
            put(&k, 5 + d, "%s", score(b2, ranked, o->practical));
            put(&k, 6 + d, "%s", score(b3, ranked, o->total));
            if (scaled) { /* 世赛分 after 总分; the columns after it move one to the right */
                put(&k, 7 + d, "%s", "");
                if (o->has_scale)
                    put(&k, 7 + d, "%lld", (long long)o->scale);
            }
            put(&k, 7 + d + scaled, "%s", award_text(o, award, sizeof award));
            put(&k, 8 + d + scaled, "%s", promo);
            put(&k, 9 + d + scaled, "%s", title ? title : ""); /* read only when titled */
            if (rp_sheet_row(out, sec, k.ptr))
                return oom(out, err, errcap);
        }
    }
    return 0;
}

static const rp_column promotion_cols[] = {
    {"序号", 32, RP_CENTER, RP_CELL_INT},        {"姓名", 62, RP_LEFT, RP_CELL_TEXT},
    {"性别", 32, RP_CENTER, RP_CELL_TEXT},       {"身份证号", 118, RP_LEFT, RP_CELL_ID},
    {"工作单位", 120, RP_LEFT, RP_CELL_TEXT},    {"赛项（职业）", 96, RP_LEFT, RP_CELL_TEXT},
    {"组别", 52, RP_CENTER, RP_CELL_TEXT},       {"名次", 34, RP_CENTER, RP_CELL_INT},
    {"原等级", 52, RP_CENTER, RP_CELL_TEXT},     {"晋升等级", 56, RP_CENTER, RP_CELL_TEXT},
    {"证书编号", 116, RP_LEFT, RP_CELL_TEXT},
};

int rp_sheet_promotions(const cf_competition *c, const cf_results *r, const rp_certs *certs,
                        rp_sheet *out, char *err, size_t errcap)
{
    static const char *const who[] = {"制表人：", "审核人：", "组委会办公室（盖章）："};
    size_t seq = 0, total = 0;
    char sub[256];
    rp_section *sec;
    if (sheet_begin(out, "晋升名册", promotion_cols,
                    sizeof promotion_cols / sizeof *promotion_cols, c))
        return oom(out, err, errcap);
    for (size_t i = 0; i < certs->n; i++)
        total += certs->items[i].kind == RP_LEVEL;
    snprintf(sub, sizeof sub, "共 %zu 人（按赛项、组别、名次排列；报%s）", total,
             c->appraisal_centre ? c->appraisal_centre : "职业技能鉴定中心");
    if (!(sec = rp_sheet_section(out, "职业技能等级晋升名册", sub, "晋升名册")))
        return oom(out, err, errcap);
    sec->signatures = who;
    sec->n_signatures = 3;
    for (size_t i = 0; i < certs->n; i++) {
        const rp_cert *k = &certs->items[i];
        if (k->kind != RP_LEVEL)
            continue;
        const cf_entry *en = &c->entries[k->entry];
        const cf_member *m = &en->members[k->member];
        const cf_event *ev = &c->events[en->event];
        const char *held = sc_level_name(en->persons[k->member].level);
        rowbuf q;
        put(&q, 0, "%zu", ++seq);
        put(&q, 1, "%s", m->name);
        put(&q, 2, "%s", m->gender ? m->gender : "");
        put(&q, 3, "%s", m->id_number ? m->id_number : "");
        put(&q, 4, "%s", m->unit ? m->unit : "");
        put(&q, 5, "%s%s%s%s", ev->name, ev->occupation_name ? "（" : "",
            ev->occupation_name ? ev->occupation_name : "", ev->occupation_name ? "）" : "");
        put(&q, 6, "%s", r->groups[k->group].group);
        put(&q, 7, "%lld", (long long)k->rank);
        put(&q, 8, "%s", held ? held : "无");
        put(&q, 9, "%s", sc_level_name(k->level));
        put(&q, 10, "%s", k->number);
        if (rp_sheet_row(out, sec, q.ptr))
            return oom(out, err, errcap);
    }
    return 0;
}

/* The coach team's amount is paid to a named payee, and every row has room for the recipients'
 * signatures; no head wraps at these widths. */
static const rp_column cash_cols[] = {
    {"序号", 28, RP_CENTER, RP_CELL_INT},            {"赛项", 80, RP_LEFT, RP_CELL_TEXT},
    {"组别", 44, RP_CENTER, RP_CELL_TEXT},           {"名次", 30, RP_CENTER, RP_CELL_INT},
    {"奖项", 40, RP_CENTER, RP_CELL_TEXT},           {"获奖人员", 92, RP_LEFT, RP_CELL_TEXT},
    {"工作单位", 100, RP_LEFT, RP_CELL_TEXT},        {"每人奖金", 54, RP_RIGHT, RP_CELL_MONEY},
    {"人员小计", 54, RP_RIGHT, RP_CELL_MONEY},       {"教练团队领款人", 80, RP_LEFT, RP_CELL_TEXT},
    {"教练团队奖金", 74, RP_RIGHT, RP_CELL_MONEY},   {"领款人签字", 94, RP_LEFT, RP_CELL_TEXT},
};

int rp_sheet_cash(const cf_competition *c, const cf_results *r, const bool *include,
                  rp_sheet *out, char *err, size_t errcap)
{
    static const char *const who[] = {"制表人：", "审核人：", "财务负责人："};
    long long people = 0, coaches = 0;
    size_t seq = 0;
    rp_section *sec;
    rowbuf tot;
    char line[256];
    if (sheet_begin(out, "奖金发放表", cash_cols, sizeof cash_cols / sizeof *cash_cols, c))
        return oom(out, err, errcap);
    if (!(sec = rp_sheet_section(out, "奖金发放表",
                                 "金额单位：元（整数）；每名获奖人员领取全额，教练（技术）团队按奖项另发同额奖金，由领款人代领",
                                 "奖金发放表")))
        return oom(out, err, errcap);
    sec->signatures = who;
    sec->n_signatures = 3;
    sec->min_row = 28;
    for (size_t g = 0; g < r->n_groups; g++) {
        const cf_group_result *gr = &r->groups[g];
        if (include && !include[gr->event])
            continue;
        for (size_t i = 0; i < gr->n; i++) {
            const sc_entry_out *o = &gr->entries[i];
            const cf_entry *en = &c->entries[o->entry];
            char names[512], units[512];
            rowbuf q;
            if (o->cash_per_person == 0 && o->cash_coach == 0)
                continue;
            cf_member_names(en, names, sizeof names);
            cf_member_units(en, units, sizeof units);
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
            if (rp_sheet_row(out, sec, q.ptr))
                return oom(out, err, errcap);
        }
    }
    for (size_t i = 0; i < 12; i++)
        put(&tot, i, "%s", "");
    put(&tot, 1, "合计");
    put(&tot, 8, "%lld", people);
    put(&tot, 10, "%lld", coaches);
    if (!(sec->total = copy_cells(out->n_cols, tot.ptr)))
        return oom(out, err, errcap);
    snprintf(line, sizeof line, "奖金总额：%lld 元（获奖人员 %lld 元，教练团队 %lld 元）",
             people + coaches, people, coaches);
    if (add_note(sec, line))
        return oom(out, err, errcap);
    return 0;
}

/* When r covers only some of the events that have entries (the server prints the locked ones
 * while others are still marked), the paper says which: a table that reads as final must not
 * be taken for the whole competition's. Nothing when it covers them all. */
static int medals_scope(const cf_competition *c, const cf_results *r, rp_section *sec)
{
    bool *in = calloc(c->n_events + 1, sizeof *in), *has = calloc(c->n_events + 1, sizeof *has);
    size_t n_in = 0, n_has = 0, len = 0;
    char line[2048];
    int rc = -1;

    if (!in || !has)
        goto out;
    for (size_t g = 0; g < r->n_groups; g++)
        in[r->groups[g].event] = true;
    for (size_t i = 0; i < c->n_entries; i++)
        has[c->entries[i].event] = true;
    for (size_t e = 0; e < c->n_events; e++) {
        n_has += has[e];
        n_in += has[e] && in[e];
    }
    rc = 0;
    if (n_in == n_has)
        goto out;
    len = (size_t)snprintf(line, sizeof line, "统计范围：%zu 个赛项中已锁定的 %zu 个（", n_has, n_in);
    for (size_t e = 0, k = 0; e < c->n_events && len < sizeof line; e++)
        if (has[e] && in[e])
            len += (size_t)snprintf(line + len, sizeof line - len, "%s%s %s", k++ ? "、" : "",
                                    c->events[e].id, c->events[e].name);
    if (len < sizeof line)
        snprintf(line + len, sizeof line - len, "），其余赛项锁定后再计入");
    rc = add_note(sec, line);
out:
    free(in);
    free(has);
    return rc;
}

int rp_sheet_medals(const cf_competition *c, const cf_results *r, rp_sheet *out, char *err,
                    size_t errcap)
{
    static const char *const who[] = {"制表人：", "审核人：", "组委会办公室（盖章）："};
    sc_award awards[SC_AWARD_COUNT];
    size_t na = cf_medal_columns(c, awards), n = 0, pn = 0;
    sc_medal_row *rows = NULL;
    rp_column *cols = NULL;
    rp_section *sec;
    char sub[512], pts[256] = "";

    memset(out, 0, sizeof *out);
    if (!(cols = calloc(na + 3, sizeof *cols)) || sheet_begin(out, "代表队奖牌榜", cols, na + 3, c))
        goto fail;
    out->own_cols = cols;
    cols[0] = (rp_column){"名次", 50, RP_CENTER, RP_CELL_INT};
    cols[1] = (rp_column){"代表队", 200, RP_LEFT, RP_CELL_TEXT};
    for (size_t k = 0; k < na; k++) {
        cols[2 + k] =
            (rp_column){sc_award_name(awards[k]), na > 4 ? 62 : 80, RP_CENTER, RP_CELL_INT};
        pn += (size_t)snprintf(pts + pn, sizeof pts - pn, "%s%s %lld 分", k ? "、" : "",
                               sc_award_name(awards[k]),
                               (long long)c->medal_points.points[awards[k]]);
    }
    cols[2 + na] = (rp_column){"总分", 70, RP_CENTER, RP_CELL_INT};
    snprintf(sub, sizeof sub,
             "计分：%s；总分相同依次比较金牌（一等奖）、银牌（二等奖）、铜牌（三等奖）、"
             "优胜奖数，仍相同者名次并列",
             pts);
    if (cf_medal_table(c, r, &rows, &n) ||
        !(sec = rp_sheet_section(out, "代表队奖牌榜", sub, "奖牌榜")))
        goto fail;
    sec->signatures = who;
    sec->n_signatures = 3;
    if (medals_scope(c, r, sec))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        rowbuf q;
        put(&q, 0, "%lld", (long long)rows[i].rank);
        put(&q, 1, "%s", rows[i].delegation);
        for (size_t k = 0; k < na; k++)
            put(&q, 2 + k, "%lld", (long long)rows[i].count[awards[k]]);
        put(&q, 2 + na, "%lld", (long long)rows[i].points);
        if (rp_sheet_row(out, sec, q.ptr))
            goto fail;
    }
    free(rows);
    return 0;
fail:
    if (out->own_cols != cols)
        free(cols); /* not yet the sheet's */
    free(rows);
    return oom(out, err, errcap);
}
