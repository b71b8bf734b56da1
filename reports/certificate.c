/*
 * certificate.c — the award and skill-level certificates, one A4 landscape page each, with the
 * verification QR code drawn as vector squares (libqrencode gives the modules).
 *
 * Layout, in points on an 842 × 595 page: a double frame; the title; the person's name; one
 * paragraph saying what was achieved; the facts (unit, team, number, verification code) at the
 * lower left next to the QR code; the issuer, the appraisal centre's seal text and the date at the
 * lower right. Every line is fitted to its box: a long name or unit is set smaller, a long
 * paragraph wraps, so nothing runs off the page.
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
#define ISSUER_X 500.0f /* the issuer's block runs from here to the right margin */

static void frame(HPDF_Page p)
{
    HPDF_Page_SetRGBStroke(p, 0.62f, 0.12f, 0.12f);
    HPDF_Page_SetLineWidth(p, 4);
    HPDF_Page_Rectangle(p, 24, 24, PAGE_W - 48, PAGE_H - 48);
    HPDF_Page_Stroke(p);
    HPDF_Page_SetRGBStroke(p, 0.78f, 0.62f, 0.22f);
    HPDF_Page_SetLineWidth(p, 1.2f);
    HPDF_Page_Rectangle(p, 34, 34, PAGE_W - 68, PAGE_H - 68);
    HPDF_Page_Stroke(p);
    HPDF_Page_SetRGBStroke(p, 0, 0, 0);
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

static void page_for(pdf_doc *d, const cf_competition *c, const cf_results *r, const rp_cert *k,
                     const rp_opts *o, char *err, size_t errcap)
{
    const cf_entry *en = &c->entries[k->entry];
    const cf_member *m = &en->members[k->member];
    const cf_event *ev = &c->events[en->event];
    const char *group = r->groups[k->group].group;
    const char *award = sc_award_name(k->award);
    HPDF_Page p = pdf_page(d, true);
    char text[1024], url[512], code[64];
    float y;

    frame(p);
    /* Title, letter-spaced as certificates are. */
    const char *title = k->kind == RP_AWARD ? "获 奖 证 书" : "职业技能等级证书";
    HPDF_Page_SetRGBFill(p, 0.62f, 0.12f, 0.12f);
    pdf_text(d, p, PAGE_W / 2, 478, 40, PDF_CENTER, title);
    HPDF_Page_SetRGBFill(p, 0, 0, 0);

    /* The name, as large as fits. */
    snprintf(text, sizeof text, "%s：", m->name);
    y = paragraph(d, p, text, BODY_X, 448, BODY_W, 28, 14, 2, PDF_LEFT);

    /* What was achieved. */
    if (k->kind == RP_AWARD) {
        if (k->award == SC_AWARD_HONOURABLE)
            snprintf(text, sizeof text, "在%s%s（%s）比赛中，表现优异，荣获优胜奖。", c->name,
                     ev->name, group);
        else
            snprintf(text, sizeof text, "在%s%s（%s）比赛中，获得第%lld名，荣获%s。", c->name,
                     ev->name, group, (long long)k->rank, award ? award : "");
    } else {
        snprintf(text, sizeof text,
                 "在%s%s（%s）比赛中获得第%lld名，按照职业技能竞赛晋升职业技能等级的规定，"
                 "经组委会审核，晋升%s%s职业技能等级。",
                 c->name, ev->name, group, (long long)k->rank,
                 ev->occupation_name ? ev->occupation_name : ev->name, pdf_level_long(k->level));
    }
    char indented[1100];
    snprintf(indented, sizeof indented, "　　%s", text);
    paragraph(d, p, indented, BODY_X, y - 6, BODY_W, 21, 12, 4, PDF_LEFT);

    /* Facts at the lower left, beside the QR code; the issuer's block to their right. */
    float fx = BODY_X + 104, fw = ISSUER_X - 14 - fx;
    float fy = 178;
    if (m->unit) {
        snprintf(text, sizeof text, "工作单位：%s", m->unit);
        fy = paragraph(d, p, text, fx, fy, fw, 12, 8, 2, PDF_LEFT);
    }
    if (en->n_members > 1) {
        size_t n = (size_t)snprintf(text, sizeof text, "团队成员：");
        cf_member_names(en, text + n, sizeof text - n);
        fy = paragraph(d, p, text, fx, fy, fw, 12, 8, 2, PDF_LEFT);
    }
    snprintf(text, sizeof text, "证书编号：%s", k->number);
    fy = paragraph(d, p, text, fx, fy, fw, 12, 7, 2, PDF_LEFT);
    for (int i = 0, n = 0; i < RP_SIG_HEX; i += 4)
        n += snprintf(code + n, sizeof code - (size_t)n, "%s%.4s", i ? " " : "", k->sig + i);
    snprintf(text, sizeof text, "验证码：%s", code);
    paragraph(d, p, text, fx, fy, fw, 12, 7, 1, PDF_LEFT);

    snprintf(url, sizeof url, "%s/verify/%s?sig=%s",
             o && o->verify_base ? o->verify_base : "http://127.0.0.1:8080", k->number, k->sig);
    if (pdf_qr(p, url, BODY_X - 8, 70, 100) && errcap && !err[0])
        snprintf(err, errcap, "cannot encode the QR code for %s", k->number);
    pdf_text(d, p, BODY_X + 42, 60, 9, PDF_CENTER, "扫码验证真伪");

    /* Issuer, seal text and date at the lower right, right-aligned. */
    const char *issuer = c->certificate_issuer ? c->certificate_issuer : c->name;
    float iw = PAGE_W - BODY_X - ISSUER_X;
    y = paragraph(d, p, issuer, ISSUER_X, 176, iw, 14, 10, 1, PDF_RIGHT);
    if (c->appraisal_centre) {
        snprintf(text, sizeof text, "（%s代章）", c->appraisal_centre);
        y = paragraph(d, p, text, ISSUER_X, y - 2, iw, 12, 9, 1, PDF_RIGHT);
    }
    if (c->date && strlen(c->date) == 10) {
        snprintf(text, sizeof text, "%.4s年%d月%d日", c->date, atoi(c->date + 5),
                 atoi(c->date + 8));
        paragraph(d, p, text, ISSUER_X, y - 2, iw, 12, 8, 1, PDF_RIGHT);
    }
}

int rp_certificates_pdf(const cf_competition *c, const cf_results *r, const rp_cert *const *certs,
                        size_t n, const rp_opts *o, unsigned char **pdf, size_t *len, char *err,
                        size_t errcap)
{
    pdf_doc d;
    if (errcap)
        err[0] = '\0';
    if (pdf_open(&d, o, "证书", err, errcap))
        return -1;
    for (size_t i = 0; i < n; i++)
        page_for(&d, c, r, certs[i], o, err, errcap);
    if (errcap && err[0]) {
        pdf_discard(&d);
        return -1;
    }
    return pdf_finish(&d, pdf, len, err, errcap);
}
