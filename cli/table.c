/*
 * table.c — `skillscore compute --table`: the results as people read them at a terminal.
 *
 * One block per (event, group): a title line, then 名次 / 编号 / 姓名 / 理论 / 实操 / 总分 / 奖项 /
 * 晋升, with 代表队 after 姓名 when entries carry delegations and 称号 last when the competition
 * gives honour titles. An entry below a pass mark shows
 * 未达合格线 where the award it was denied would be. When entries carry delegations, the medal
 * table (奖牌榜) follows the groups. Alignment pads by display width, not bytes, so Chinese names
 * line up with Latin ids.
 */
#define _XOPEN_SOURCE 700
#include "table.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

size_t tbl_width(const char *s)
{
    mbstate_t st;
    size_t w = 0, len = strlen(s);
    memset(&st, 0, sizeof st);
    while (len > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, len, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof st);
            n = 1;
            w++;
        } else {
            int cw = wcwidth(wc);
            w += cw < 0 ? 1 : (size_t)cw;
        }
        s += n;
        len -= n;
    }
    return w;
}

enum { COL_RANK, COL_ENTRY, COL_NAME, COL_DELEG, COL_THEORY, COL_PRACTICAL, COL_TOTAL,
       COL_AWARD, COL_PROMO, COL_TITLE, NCOL };

static const char *const headers[NCOL] = {"名次", "编号", "姓名", "代表队", "理论", "实操",
                                          "总分", "奖项", "晋升", "称号"};
static const bool right_aligned[NCOL] = {true, false, false, false, true, true, true, false,
                                         false, false};

typedef struct row {
    char *cell[NCOL];
} row;

static char *fmt_dup(const char *s) { return strdup(s ? s : ""); }

static void append(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s", s);
}

static void fill_row(const cf_competition *c, const sc_entry_out *o, row *rw)
{
    const cf_entry *en = &c->entries[o->entry];
    bool ranked = o->outcome == SC_OUT_RANKED;
    char buf[512] = "", num[24];

    if (ranked)
        snprintf(buf, sizeof buf, "%lld", (long long)o->rank);
    else if (o->outcome == SC_OUT_ABSENT)
        snprintf(buf, sizeof buf, "缺考");
    else if (o->outcome == SC_OUT_DISQUALIFIED)
        snprintf(buf, sizeof buf, "取消");
    else
        snprintf(buf, sizeof buf, "待定");
    rw->cell[COL_RANK] = fmt_dup(buf);
    rw->cell[COL_ENTRY] = fmt_dup(en->id);
    rw->cell[COL_NAME] = fmt_dup(cf_member_names(en, buf, sizeof buf));
    rw->cell[COL_DELEG] = fmt_dup(en->delegation);
    rw->cell[COL_THEORY] = fmt_dup(ranked && o->has_theory ? sc_centi_format(o->theory, num) : "-");
    rw->cell[COL_PRACTICAL] = fmt_dup(ranked ? sc_centi_format(o->practical, num) : "-");
    rw->cell[COL_TOTAL] = fmt_dup(ranked ? sc_centi_format(o->total, num) : "-");
    if (o->below_pass && (o->withheld & SC_WITHHOLD_AWARD))
        rw->cell[COL_AWARD] = fmt_dup("未达合格线");
    else if (o->below_pass && o->award != SC_AWARD_NONE) {
        snprintf(buf, sizeof buf, "%s（未达合格线）", sc_award_name(o->award));
        rw->cell[COL_AWARD] = fmt_dup(buf);
    } else
        rw->cell[COL_AWARD] = fmt_dup(sc_award_name(o->award));
    rw->cell[COL_TITLE] = fmt_dup(cf_title_of(c, o));
    buf[0] = '\0';
    for (size_t m = 0; m < en->n_members && m < SC_MAX_MEMBERS; m++) {
        if (o->promoted_to[m] == SC_LEVEL_NONE)
            continue;
        if (buf[0])
            append(buf, sizeof buf, "; ");
        if (en->n_members > 1) {
            append(buf, sizeof buf, en->members[m].name);
            append(buf, sizeof buf, " ");
        }
        append(buf, sizeof buf, sc_level_name(o->promoted_to[m]));
    }
    rw->cell[COL_PROMO] = fmt_dup(buf);
}

static void pad(FILE *f, size_t n)
{
    while (n--)
        fputc(' ', f);
}

/* One line of ncol cells; the last column is not padded on the right. */
static void print_cells(FILE *f, char *const *cells, const size_t *width, const bool *right,
                        int ncol)
{
    for (int k = 0; k < ncol; k++) {
        size_t w = tbl_width(cells[k]);
        size_t gap = width[k] > w ? width[k] - w : 0;
        if (k)
            fputs("  ", f);
        if (right[k])
            pad(f, gap);
        fputs(cells[k], f);
        if (!right[k] && k + 1 < ncol)
            pad(f, gap);
    }
    fputc('\n', f);
}

/* The columns shown (show[k]) of a results row, in order. */
static void print_row(FILE *f, char *const *cells, const size_t *width, const bool *show)
{
    char *vis[NCOL];
    size_t w[NCOL];
    bool right[NCOL];
    int n = 0;
    for (int k = 0; k < NCOL; k++)
        if (show[k]) {
            vis[n] = cells[k];
            w[n] = width[k];
            right[n++] = right_aligned[k];
        }
    print_cells(f, vis, w, right, n);
}

static bool has_titles(const cf_competition *c)
{
    for (size_t e = 0; e < c->n_events; e++)
        if (c->events[e].n_titles)
            return true;
    return false;
}

/* 奖牌榜: 名次 / 代表队 / one column per award the events use / 总分. */
static void print_medal_table(FILE *f, const cf_competition *c, const cf_results *r)
{
    enum { MAXCOL = SC_AWARD_COUNT + 3 };
    sc_award cols[SC_AWARD_COUNT];
    size_t ncols = cf_medal_columns(c, cols), n = 0, width[MAXCOL];
    int nc = (int)ncols + 3;
    bool right[MAXCOL];
    char head[MAXCOL][32], (*cell)[MAXCOL][32] = NULL;
    char *ptr[MAXCOL];
    sc_medal_row *rows = NULL;

    if (cf_medal_table(c, r, &rows, &n) || !(cell = calloc(n + 1, sizeof *cell)))
        goto out;
    snprintf(head[0], sizeof head[0], "名次");
    snprintf(head[1], sizeof head[1], "代表队");
    for (size_t k = 0; k < ncols; k++)
        snprintf(head[2 + k], sizeof head[2 + k], "%s", sc_award_name(cols[k]));
    snprintf(head[nc - 1], sizeof head[nc - 1], "总分");
    for (int k = 0; k < nc; k++) {
        right[k] = k != 1;
        width[k] = tbl_width(head[k]);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(cell[i][0], sizeof cell[i][0], "%lld", (long long)rows[i].rank);
        snprintf(cell[i][1], sizeof cell[i][1], "%s", rows[i].delegation);
        for (size_t k = 0; k < ncols; k++)
            snprintf(cell[i][2 + k], sizeof cell[i][2 + k], "%lld",
                     (long long)rows[i].count[cols[k]]);
        snprintf(cell[i][nc - 1], sizeof cell[i][nc - 1], "%lld", (long long)rows[i].points);
        for (int k = 0; k < nc; k++)
            if (tbl_width(cell[i][k]) > width[k])
                width[k] = tbl_width(cell[i][k]);
    }
    fprintf(f, "\n奖牌榜 · 代表队 (");
    for (size_t k = 0; k < ncols; k++)
        fprintf(f, "%s%s %lld", k ? ", " : "", sc_award_name(cols[k]),
                (long long)c->medal_points.points[cols[k]]);
    fprintf(f, " 分; 同分依次比金牌+一等奖、银牌+二等奖、铜牌+三等奖、优胜奖)\n");
    for (int k = 0; k < nc; k++)
        ptr[k] = head[k];
    print_cells(f, ptr, width, right, nc);
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < nc; k++)
            ptr[k] = cell[i][k];
        print_cells(f, ptr, width, right, nc);
    }
out:
    free(cell);
    free(rows);
}

void tbl_print_results(FILE *f, const cf_competition *c, const cf_results *r)
{
    bool show[NCOL];
    for (int k = 0; k < NCOL; k++)
        show[k] = true;
    show[COL_DELEG] = c->has_delegations;
    show[COL_TITLE] = has_titles(c);
    fprintf(f, "%s (%s)\n", c->name, c->id);
    for (size_t g = 0; g < r->n_groups; g++) {
        const cf_group_result *gr = &r->groups[g];
        const cf_event *ev = &c->events[gr->event];
        row *rows = calloc(gr->n + 1, sizeof *rows);
        size_t width[NCOL];

        if (!rows)
            return;
        for (int k = 0; k < NCOL; k++)
            width[k] = tbl_width(headers[k]);
        for (size_t i = 0; i < gr->n; i++) {
            fill_row(c, &gr->entries[i], &rows[i]);
            for (int k = 0; k < NCOL; k++) {
                size_t w = tbl_width(rows[i].cell[k] ? rows[i].cell[k] : "");
                if (w > width[k])
                    width[k] = w;
            }
        }
        fprintf(f, "\n%s %s · %s · N=%lld\n", ev->id, ev->name, gr->group,
                (long long)gr->summary.n);
        print_row(f, (char *const *)headers, width, show);
        for (size_t i = 0; i < gr->n; i++) {
            print_row(f, rows[i].cell, width, show);
            for (int k = 0; k < NCOL; k++)
                free(rows[i].cell[k]);
        }
        free(rows);
    }
    if (c->has_delegations)
        print_medal_table(f, c, r);
}
