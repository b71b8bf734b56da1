/*
 * certificate.c — the award and skill-level certificates, one A4 landscape page each, with the
 * verification QR code drawn as vector squares (libqrencode gives the modules).
 *
 * Layout, in points on an 842 × 595 page, as Chinese award and skill-level certificates look: a
 * red and gold frame with corner brackets; the title in red between gold rules; the name large
 * and centred with the unit under it; one paragraph saying what was achieved, the placing in
 * Chinese numerals (第一名); the award or the level large in red; at the lower left the QR code
 * with the number and a short code a person can type; at the lower right the seal area (印章)
 * with the issuer, the appraisal centre and the date under it. Every line is fitted to its box:
 * a long name or unit is set smaller, a long paragraph wraps, so nothing runs off the page.
 */
#include "pdf.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 841.89f
#define PAGE_H 595.28f
#define BODY_X 112.0f
#define BODY_W (PAGE_W - 2 * BODY_X)
#define ISSUER_X 520.0f /* the issuer's block and seal run from here to the right margin */

#define RED 0.72f, 0.09f, 0.09f
#define GOLD 0.74f, 0.56f, 0.18f

/* A frame as printed certificates have: a heavy red border, a thin gold one inside, and gold
 * corner brackets. */
static void frame(HPDF_Page p)
{
    HPDF_Page_SetRGBStroke(p, RED);
    HPDF_Page_SetLineWidth(p, 6);
    HPDF_Page_Rectangle(p, 22, 22, PAGE_W - 44, PAGE_H - 44);
    HPDF_Page_Stroke(p);
    HPDF_Page_SetRGBStroke(p, GOLD);
    HPDF_Page_SetLineWidth(p, 1.2f);
    HPDF_Page_Rectangle(p, 34, 34, PAGE_W - 68, PAGE_H - 68);
    HPDF_Page_Stroke(p);
    HPDF_Page_SetLineWidth(p, 2.4f);
    const float in = 42, arm = 38;
    const float cx[4] = {in, PAGE_W - in, in, PAGE_W - in}, cy[4] = {in, in, PAGE_H - in, PAGE_H - in};
    for (int i = 0; i < 4; i++) {
        float dx = i % 2 ? -arm : arm, dy = i < 2 ? arm : -arm;
        HPDF_Page_MoveTo(p, cx[i] + dx, cy[i]);
        HPDF_Page_LineTo(p, cx[i], cy[i]);
        HPDF_Page_LineTo(p, cx[i], cy[i] + dy);
        HPDF_Page_Stroke(p);
    }
    HPDF_Page_SetRGBStroke(p, 0, 0, 0);
}

/* Short gold rules either side of the title, a diamond at each inner end. */
static void title_rules(HPDF_Page p, float y, float half)
{
    HPDF_Page_SetRGBStroke(p, GOLD);
    HPDF_Page_SetRGBFill(p, GOLD);
    HPDF_Page_SetLineWidth(p, 1.2f);
    for (int side = -1; side <= 1; side += 2) {
        float x0 = PAGE_W / 2 + side * (half + 18), x1 = PAGE_W / 2 + side * (half + 150);
        HPDF_Page_MoveTo(p, x0, y);
        HPDF_Page_LineTo(p, x1, y);
        HPDF_Page_Stroke(p);
        HPDF_Page_MoveTo(p, x0, y + 4);
        HPDF_Page_LineTo(p, x0 + side * 4, y);
        HPDF_Page_LineTo(p, x0, y - 4);
        HPDF_Page_LineTo(p, x0 - side * 4, y);
        HPDF_Page_Fill(p);
    }
    HPDF_Page_SetRGBStroke(p, 0, 0, 0);
    HPDF_Page_SetRGBFill(p, 0, 0, 0);
}

/* Where the seal (印章) is stamped: a faint dashed circle over the issuer and date, as the
 * office stamps it. */
static void seal_area(pdf_doc *d, HPDF_Page p, float cx, float cy)
{
    static const HPDF_UINT16 dash[] = {4, 4};
    HPDF_Page_SetRGBStroke(p, 0.85f, 0.55f, 0.55f);
    HPDF_Page_SetLineWidth(p, 0.8f);
    HPDF_Page_SetDash(p, dash, 2, 0);
    HPDF_Page_Circle(p, cx, cy, 54);
    HPDF_Page_Stroke(p);
    HPDF_Page_SetDash(p, NULL, 0, 0);
    HPDF_Page_SetRGBFill(p, 0.85f, 0.55f, 0.55f);
    pdf_text(d, p, cx, cy + 34, 9, PDF_CENTER, "（盖章）");
    HPDF_Page_SetRGBFill(p, 0, 0, 0);
    HPDF_Page_SetRGBStroke(p, 0, 0, 0);
}

/* A rank in Chinese numerals, as certificates write it: 1 一, 10 十, 12 十二, 20 二十, 105 一百零五. */
void rp_rank_chinese(long long n, char *out, size_t cap)
{
    static const char *const digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    size_t k = 0;
    if (n <= 0 || n > 9999) {
        snprintf(out, cap, "%lld", n);
        return;
    }
    long long th = n / 1000, hu = n / 100 % 10, te = n / 10 % 10, on = n % 10;
    out[0] = '\0';
#define PUT(str) (k += (size_t)snprintf(out + k, k < cap ? cap - k : 0, "%s", (str)))
    if (th)
        PUT(digit[th]), PUT("千");
    if (hu)
        PUT(digit[hu]), PUT("百");
    else if (th && (te || on))
        PUT("零");
    if (te) {
        if (te != 1 || th || hu)
            PUT(digit[te]);
        PUT("十");
    } else if ((th || hu) && on)
        if (hu)
            PUT("零");
    if (on)
        PUT(digit[on]);
#undef PUT
}

/* Lines of text wrapped into width w at the largest size from size down to min that needs at
 * most max_lines lines, drawn downwards from y. Returns the y below the last line. */
static float paragraph(pdf_doc *d, HPDF_Page p, const char *text, float x, float y, float w,
                       float size, float min, size_t max_lines, int align)
{
    char *lines[12];
    size_t n = 0;
    for (float s = size; s >= min; s -= 1) {
        pdf_free_lines(lines, n);
        n = pdf_wrap(d, text, s, w, lines, 12);
        if (n <= max_lines || s - 1 < min) {
            size = s;
            break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        y -= size * 1.6f;
        pdf_text(d, p, align == PDF_CENTER ? x + w / 2 : align == PDF_RIGHT ? x + w : x, y, size,
                 align, lines[i]);
    }
    pdf_free_lines(lines, n);
    return y;
}

/* The honour title (技术状元 …) the certificate's entry holds, or NULL. */
static const char *title_for(const cf_competition *c, const cf_results *r, const rp_cert *k)
{
    const cf_group_result *gr = &r->groups[k->group];
    for (size_t i = 0; i < gr->n; i++)
        if (gr->entries[i].entry == k->entry)
            return cf_title_of(c, &gr->entries[i]);
    return NULL;
}

static void page_for(pdf_doc *d, const cf_competition *c, const cf_results *r, const rp_cert *k,
                     const rp_opts *o, char *err, size_t errcap)
{
    const cf_entry *en = &c->entries[k->entry];
    const cf_member *m = &en->members[k->member];
    const cf_event *ev = &c->events[en->event];
    const char *group = r->groups[k->group].group;
    const char *award = sc_award_name(k->award);
    HPDF_Page p = pdf_page(d, true);
    char text[1024], url[512], code[64], rank[64];
    float y;

    frame(p);
    /* Title in red, letter-spaced, between gold rules. */
    const char *title = k->kind == RP_AWARD ? "获 奖 证 书" : "职业技能等级证书";
    float tsize = k->kind == RP_AWARD ? 46 : 40;
    HPDF_Page_SetRGBFill(p, RED);
    pdf_text(d, p, PAGE_W / 2, 486, tsize, PDF_CENTER, title);
    HPDF_Page_SetRGBFill(p, 0, 0, 0);
    title_rules(p, 486 + tsize * 0.35f, pdf_width(d, title, tsize) / 2);

    /* The name, centred and as large as fits. */
    snprintf(text, sizeof text, "%s", m->name);
    float nsize = pdf_fit(d, text, 40, 16, BODY_W);
    pdf_text(d, p, PAGE_W / 2, 420, nsize, PDF_CENTER, text);
    if (m->unit) {
        HPDF_Page_SetRGBFill(p, 0.3f, 0.3f, 0.3f);
        paragraph(d, p, m->unit, BODY_X, 412, BODY_W, 15, 9, 1, PDF_CENTER);
        HPDF_Page_SetRGBFill(p, 0, 0, 0);
    }

    /* What was achieved, in the middle of the page; the rank in Chinese numerals. */
    rp_rank_chinese(k->rank, rank, sizeof rank);
    if (k->kind == RP_AWARD) {
        if (k->award == SC_AWARD_HONOURABLE)
            snprintf(text, sizeof text, "在%s%s（%s）比赛中表现优异，特发此证，以资鼓励。",
                     c->name, ev->name, group);
        else
            snprintf(text, sizeof text, "在%s%s（%s）比赛中，成绩优异，荣获第%s名。特发此证，以资鼓励。",
                     c->name, ev->name, group, rank);
    } else {
        snprintf(text, sizeof text,
                 "在%s%s（%s）比赛中获得第%s名，按照职业技能竞赛晋升职业技能等级的规定，"
                 "经组委会审核，晋升%s职业技能等级。",
                 c->name, ev->name, group, rank,
                 ev->occupation_name ? ev->occupation_name : ev->name);
    }
    char indented[1100];
    snprintf(indented, sizeof indented, "　　%s", text);
    y = paragraph(d, p, indented, BODY_X + 20, 372, BODY_W - 40, 20, 12, 3, PDF_LEFT);

    /* The award or level itself, large and red. */
    const char *big = k->kind == RP_AWARD ? award : pdf_level_long(k->level);
    if (big) {
        HPDF_Page_SetRGBFill(p, RED);
        float bsize = pdf_fit(d, big, 40, 18, BODY_W);
        pdf_text(d, p, PAGE_W / 2, y - 58, bsize, PDF_CENTER, big);
        HPDF_Page_SetRGBFill(p, 0, 0, 0);
    }
    /* An honour title (issue 17) goes on the award certificate, under the award. */
    const char *honour = k->kind == RP_AWARD ? title_for(c, r, k) : NULL;
    if (honour) {
        snprintf(text, sizeof text, "并授予“%s”称号", honour);
        HPDF_Page_SetRGBFill(p, RED);
        pdf_text(d, p, PAGE_W / 2, y - 92, pdf_fit(d, text, 20, 12, BODY_W), PDF_CENTER, text);
        HPDF_Page_SetRGBFill(p, 0, 0, 0);
    }

    /* Lower left: the QR code, the number and the short code beside it, then the team. */
    snprintf(url, sizeof url, "%s/verify/%s?sig=%s", o->verify_base, k->number, k->sig);
    if (pdf_qr(p, url, 58, 52, 96) && errcap && !err[0])
        snprintf(err, errcap, "cannot encode the QR code for %s", k->number);
    rp_short_code(k->sig, code, sizeof code);
    float fx = 160, fw = ISSUER_X - 40 - fx, fy = 142;
    snprintf(text, sizeof text, "证书编号：%s", k->number);
    fy = paragraph(d, p, text, fx, fy, fw, 12, 7, 1, PDF_LEFT);
    snprintf(text, sizeof text, "验证码：%s", code);
    fy = paragraph(d, p, text, fx, fy, fw, 12, 7, 1, PDF_LEFT);
    if (en->n_members > 1) {
        size_t n = (size_t)snprintf(text, sizeof text, "团队成员：");
        cf_member_names(en, text + n, sizeof text - n);
        fy = paragraph(d, p, text, fx, fy, fw, 11, 7, 2, PDF_LEFT);
    }
    HPDF_Page_SetRGBFill(p, 0.35f, 0.35f, 0.35f);
    /* Where to type the number and code when the QR code cannot be scanned: the address on a
     * line of its own, so that no word of the sentence is left alone on the next. */
    fy = paragraph(d, p, "扫描二维码核验真伪，或在以下网址输入证书编号与验证码：", fx, fy, fw, 9, 7,
                   1, PDF_LEFT);
    snprintf(text, sizeof text, "%s/verify", o->verify_base);
    paragraph(d, p, text, fx, fy, fw, 9, 7, 1, PDF_LEFT);
    HPDF_Page_SetRGBFill(p, 0, 0, 0);

    /* Lower right: the seal area with the issuer, the appraisal centre and the date over it. */
    const char *issuer = c->certificate_issuer ? c->certificate_issuer : c->name;
    float iw = PAGE_W - 56 - ISSUER_X;
    seal_area(d, p, ISSUER_X + iw / 2, 116);
    y = paragraph(d, p, issuer, ISSUER_X, 150, iw, 14, 8, 1, PDF_CENTER);
    if (c->appraisal_centre) {
        snprintf(text, sizeof text, "（%s代章）", c->appraisal_centre);
        y = paragraph(d, p, text, ISSUER_X, y - 2, iw, 12, 8, 1, PDF_CENTER);
    }
    if (c->date && strlen(c->date) == 10) {
        snprintf(text, sizeof text, "%.4s年%d月%d日", c->date, atoi(c->date + 5),
                 atoi(c->date + 8));
        paragraph(d, p, text, ISSUER_X, y - 2, iw, 12, 8, 1, PDF_CENTER);
    }
}

typedef struct certs_job {
    const cf_competition *c;
    const cf_results *r;
    const rp_cert *const *certs;
    size_t n;
    const rp_opts *o;
    char *err;
    size_t errcap;
} certs_job;

static void draw_certs(pdf_doc *d, void *ctx)
{
    certs_job *j = ctx;
    for (size_t i = 0; i < j->n; i++)
        page_for(d, j->c, j->r, j->certs[i], j->o, j->err, j->errcap);
}

int rp_certificates_pdf(const cf_competition *c, const cf_results *r, const rp_cert *const *certs,
                        size_t n, const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                        size_t errcap)
{
    /* A QR code is read for years: no default address to point it at (the old one was the
     * loopback, which nothing outside the machine can open). */
    if (!o || !o->verify_base || !o->verify_base[0]) {
        snprintf(err, errcap, "certificates need a verification address (verify_base)");
        return -1;
    }
    /* The font is cut down to the characters these pages write (pdf_render). */
    certs_job j = {c, r, certs, n, o, err, errcap};
    return pdf_render(o, "证书", draw_certs, &j, pdf, len, err, errcap);
}
