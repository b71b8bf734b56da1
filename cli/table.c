/*
 * table.c — `skillscore compute --table`: the results as people read them at a terminal.
 *
 * One block per (event, group): a title line, then 名次 / 编号 / 姓名 / 理论 / 实操 / 总分 / 奖项 /
 * 晋升. Alignment pads by display width, not bytes, so Chinese names line up with Latin ids.
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

enum { COL_RANK, COL_ENTRY, COL_NAME, COL_THEORY, COL_PRACTICAL, COL_TOTAL, COL_AWARD,
       COL_PROMO, NCOL };

static const char *const headers[NCOL] = {"名次", "编号", "姓名", "理论", "实操",
                                          "总分", "奖项", "晋升"};
static const bool right_aligned[NCOL] = {true, false, false, true, true, true, false, false};

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
    rw->cell[COL_THEORY] = fmt_dup(ranked && o->has_theory ? sc_centi_format(o->theory, num) : "-");
    rw->cell[COL_PRACTICAL] = fmt_dup(ranked ? sc_centi_format(o->practical, num) : "-");
    rw->cell[COL_TOTAL] = fmt_dup(ranked ? sc_centi_format(o->total, num) : "-");
    rw->cell[COL_AWARD] = fmt_dup(sc_award_name(o->award));
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

static void print_row(FILE *f, char *const *cells, const size_t *width)
{
    for (int k = 0; k < NCOL; k++) {
        size_t w = tbl_width(cells[k]);
        size_t gap = width[k] > w ? width[k] - w : 0;
        if (k)
            fputs("  ", f);
        if (right_aligned[k])
            pad(f, gap);
        fputs(cells[k], f);
        if (!right_aligned[k] && k + 1 < NCOL)
            pad(f, gap);
    }
    fputc('\n', f);
}

void tbl_print_results(FILE *f, const cf_competition *c, const cf_results *r)
{
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
        print_row(f, (char *const *)headers, width);
        for (size_t i = 0; i < gr->n; i++) {
            print_row(f, rows[i].cell, width);
            for (int k = 0; k < NCOL; k++)
                free(rows[i].cell[k]);
        }
        free(rows);
    }
}
