/*
 * dayforms.c — the papers of a competition day (see reports.h): blank marking forms for when a
 * tablet fails, admission slips with a QR code for check-in, and the draw's sealed list.
 *
 * A marking form is blind like the tablet: rows are 工位号, never names. A slip is the
 * contestant's own. The sealed list is the only paper that joins numbers to names before
 * publication: it goes into the supervision envelope, and each print says which print it is.
 */
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Entries of event ev in number order (undrawn last, then file order). */
typedef struct by_num {
    const char *number;
    size_t entry;
} by_num;

static int cmp_num(const void *pa, const void *pb)
{
    const by_num *a = pa, *b = pb;
    if (!a->number || !b->number) {
        if (a->number || b->number)
            return !a->number - !b->number;
        return (a->entry > b->entry) - (a->entry < b->entry);
    }
    return strcmp(a->number, b->number);
}

static by_num *in_number_order(const cf_competition *c, size_t ev, const char *const *numbers,
                               size_t *n)
{
    by_num *list = malloc((c->n_entries + 1) * sizeof *list);
    *n = 0;
    if (!list)
        return NULL;
    for (size_t i = 0; i < c->n_entries; i++)
        if (c->entries[i].event == ev)
            list[(*n)++] = (by_num){numbers ? numbers[i] : NULL, i};
    qsort(list, *n, sizeof *list, cmp_num);
    return list;
}

/* ---- blank marking forms ----------------------------------------------------------------------- */

typedef struct forms_ctx {
    const cf_competition *c;
    size_t ev;
    const rp_judge *judges;
    size_t n_judges;
    by_num *rows;
    size_t n_rows;
} forms_ctx;

/* One column head per item: criteria, or a marking scheme's aspects (a judgement aspect takes
 * 0–3, a measurement aspect the mark awarded). */
static void item_head(const cf_event *ev, size_t k, char *out, size_t cap)
{
    char mx[24];
    if (ev->n_aspects && ev->aspect_rules[k].kind == SC_ASPECT_JUDGEMENT)
        snprintf(out, cap, "%s %s（评价 0–3）", ev->aspects[k].id, ev->aspects[k].description);
    else if (ev->n_aspects)
        snprintf(out, cap, "%s %s（测量 满分 %s）", ev->aspects[k].id, ev->aspects[k].description,
                 sc_centi_format_short(ev->aspect_rules[k].max, mx));
    else
        snprintf(out, cap, "%s %s（满分 %s）", ev->criteria[k].id,
                 ev->criteria[k].name ? ev->criteria[k].name : "",
                 sc_centi_format_short(ev->criteria[k].max, mx));
}

/* Nine items fit across a landscape page; a longer scheme takes several forms per judge. */
#define FORM_ITEMS 9

static void write_forms(pdf_table *t, void *ctx)
{
    const forms_ctx *x = ctx;
    const cf_event *ev = &x->c->events[x->ev];
    pdf_col cols[FORM_ITEMS + 2];
    char heads[FORM_ITEMS][96], title[200], subtitle[240];
    float free_w = (t->landscape ? 842.0f : 595.0f) - 72 - 60 - 90;

    t->min_row = 26;
    for (size_t j = 0; j < x->n_judges; j++) {
        for (size_t from = 0; from < ev->n_items; from += FORM_ITEMS) {
            size_t nk = ev->n_items - from > FORM_ITEMS ? FORM_ITEMS : ev->n_items - from, nc = 0;
            cols[nc++] = (pdf_col){"工位号", 60, PDF_CENTER};
            for (size_t k = 0; k < nk; k++) {
                item_head(ev, from + k, heads[k], sizeof heads[k]);
                cols[nc++] = (pdf_col){heads[k], free_w / (float)nk, PDF_CENTER};
            }
            cols[nc++] = (pdf_col){"备注", 90, PDF_LEFT};
            if (ev->n_items > FORM_ITEMS)
                snprintf(title, sizeof title, "%s 评分表（纸质备用，第 %zu/%zu 张）", ev->name,
                         from / FORM_ITEMS + 1, (ev->n_items + FORM_ITEMS - 1) / FORM_ITEMS);
            else
                snprintf(title, sizeof title, "%s 评分表（纸质备用）", ev->name);
            snprintf(subtitle, sizeof subtitle, "裁判 %s%s%s　　%s", x->judges[j].id,
                     x->judges[j].name ? " " : "", x->judges[j].name ? x->judges[j].name : "",
                     ev->n_aspects ? "评价分填 0、1、2 或 3；测量分填所得分"
                                   : "每格填写得分，最多两位小数");
            pdf_section(t, title, subtitle, cols, nc);
            for (size_t r = 0; r < x->n_rows; r++) {
                const char *cells[FORM_ITEMS + 2] = {x->rows[r].number ? x->rows[r].number : "—"};
                for (size_t k = 1; k < nc; k++)
                    cells[k] = "";
                pdf_row(t, cells, false);
            }
            static const char *const who[] = {"裁判签字：", "日期：", "录入人（两人）："};
            pdf_signatures(t, who, 3);
        }
    }
    t->min_row = 0;
}

int rp_marking_forms_pdf(const cf_competition *c, size_t ev, const char *const *numbers,
                         const rp_judge *judges, size_t n_judges, const rp_opts *o,
                         unsigned char **pdf, size_t *len, char *err, size_t errcap)
{
    pdf_doc d;
    forms_ctx x = {c, ev, judges, n_judges, NULL, 0};
    if (!(x.rows = in_number_order(c, ev, numbers, &x.n_rows))) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    if (pdf_open(&d, o, "评分表", err, errcap)) {
        free(x.rows);
        return -1;
    }
    pdf_run_tables(&d, true, c->name, write_forms, &x);
    free(x.rows);
    return pdf_finish(&d, pdf, len, err, errcap);
}

/* ---- admission slips --------------------------------------------------------------------------- */

#define SLIP_W 261.0f
#define SLIP_H 180.0f

/* One slip with its top-left corner at (x, top). */
static int slip(pdf_doc *d, HPDF_Page p, const cf_competition *c, size_t e, const char *number,
                const rp_opts *o, float x, float top)
{
    const cf_entry *en = &c->entries[e];
    const cf_event *ev = &c->events[en->event];
    char line[400], names[300], units[300], url[400], tails[64] = "";
    float y = top - 22, w = SLIP_W - 24 - 84;

    HPDF_Page_SetLineWidth(p, 0.8f);
    static const HPDF_UINT16 dash[] = {4, 3};
    HPDF_Page_SetDash(p, dash, 2, 0);
    HPDF_Page_Rectangle(p, x, top - SLIP_H, SLIP_W, SLIP_H);
    HPDF_Page_Stroke(p);
    HPDF_Page_SetDash(p, NULL, 0, 0);
    pdf_text(d, p, x + 12, y, pdf_fit(d, c->name, 10, 6, SLIP_W - 24), PDF_LEFT, c->name);
    y -= 22;
    pdf_text(d, p, x + 12, y, 15, PDF_LEFT, "准考证 · 检录单");
    cf_member_names(en, names, sizeof names);
    cf_member_units(en, units, sizeof units);
    for (size_t m = 0; m < en->n_members; m++) {
        const char *id = en->members[m].id_number;
        size_t n = id ? strlen(id) : 0, at = strlen(tails);
        if (n >= 4)
            snprintf(tails + at, sizeof tails - at, "%s…%s", at ? " " : "", id + n - 4);
    }
    const char *rows[6];
    char r0[340], r1[200], r2[200], r3[340], r4[120];
    snprintf(r0, sizeof r0, "姓名：%s", names);
    snprintf(r1, sizeof r1, "项目：%s · %s", ev->name, en->group);
    snprintf(r2, sizeof r2, "参赛号：%s%s%s", en->id, number ? "　工位号：" : "",
             number ? number : "");
    snprintf(r3, sizeof r3, "单位：%s", units[0] ? units : "—");
    snprintf(r4, sizeof r4, "身份证后四位：%s", tails[0] ? tails : "—");
    rows[0] = r0, rows[1] = r1, rows[2] = r2, rows[3] = r3, rows[4] = r4;
    y -= 6;
    for (int i = 0; i < 5; i++) {
        y -= 19;
        pdf_text(d, p, x + 12, y, pdf_fit(d, rows[i], 10.5f, 6, w), PDF_LEFT, rows[i]);
    }
    snprintf(line, sizeof line, "检录时请出示本单与身份证");
    pdf_text(d, p, x + 12, top - SLIP_H + 12, 8, PDF_LEFT, line);
    snprintf(url, sizeof url, "%s/checkin/?c=%s&entry=%s",
             o && o->verify_base ? o->verify_base : "http://127.0.0.1:8080", c->id, en->id);
    return pdf_qr(p, url, x + SLIP_W - 12 - 84, top - SLIP_H + 34, 84);
}

int rp_admission_slips_pdf(const cf_competition *c, size_t ev, const char *const *numbers,
                           const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                           size_t errcap)
{
    pdf_doc d;
    HPDF_Page p = NULL;
    size_t at = 0;

    if (pdf_open(&d, o, "准考证", err, errcap))
        return -1;
    /* Eight to an A4 page, two across and four down, cut along the dashes. */
    for (size_t e = 0; e < c->n_entries; e++) {
        if (ev != RP_ALL_EVENTS && c->entries[e].event != ev)
            continue;
        if (at % 8 == 0)
            p = pdf_page(&d, false);
        float x = 30 + (float)(at % 2) * (SLIP_W + 13);
        float top = 820 - (float)((at % 8) / 2) * (SLIP_H + 14);
        if (slip(&d, p, c, e, numbers ? numbers[e] : NULL, o, x, top) && !err[0])
            snprintf(err, errcap, "the QR code of entry %s cannot be made", c->entries[e].id);
        at++;
    }
    if (!at)
        pdf_page(&d, false);
    return pdf_finish(&d, pdf, len, err, errcap);
}

/* ---- the draw's sealed list -------------------------------------------------------------------- */

typedef struct sealed_ctx {
    const cf_competition *c;
    size_t ev;
    by_num *rows;
    size_t n_rows;
    int print_no;
} sealed_ctx;

static void write_sealed(pdf_table *t, void *ctx)
{
    const sealed_ctx *x = ctx;
    const cf_event *ev = &x->c->events[x->ev];
    static const pdf_col cols[] = {{"工位号", 70, PDF_CENTER}, {"参赛号", 90, PDF_CENTER},
                                   {"组别", 70, PDF_CENTER}, {"姓名", 130, PDF_LEFT},
                                   {"单位", 163, PDF_LEFT}};
    char title[200], subtitle[200], names[300], units[300];
    snprintf(title, sizeof title, "%s 抽签结果（密封）", ev->name);
    snprintf(subtitle, sizeof subtitle, "第 %d 次打印　　成绩公示前不得拆封", x->print_no);
    pdf_section(t, title, subtitle, cols, 5);
    for (size_t r = 0; r < x->n_rows; r++) {
        const cf_entry *en = &x->c->entries[x->rows[r].entry];
        const char *cells[5] = {x->rows[r].number ? x->rows[r].number : "—", en->id, en->group,
                                cf_member_names(en, names, sizeof names),
                                cf_member_units(en, units, sizeof units)};
        pdf_row(t, cells, false);
    }
    static const char *const who[] = {"抽签人：", "监督：", "封存时间："};
    pdf_signatures(t, who, 3);
}

int rp_sealed_list_pdf(const cf_competition *c, size_t ev, const char *const *numbers,
                       int print_no, const rp_opts *o, unsigned char **pdf, size_t *len,
                       char *err, size_t errcap)
{
    pdf_doc d;
    sealed_ctx x = {c, ev, NULL, 0, print_no};
    if (!(x.rows = in_number_order(c, ev, numbers, &x.n_rows))) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    if (pdf_open(&d, o, "抽签结果", err, errcap)) {
        free(x.rows);
        return -1;
    }
    pdf_run_tables(&d, false, c->name, write_sealed, &x);
    free(x.rows);
    return pdf_finish(&d, pdf, len, err, errcap);
}
