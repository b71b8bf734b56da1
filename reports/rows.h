/*
 * rows.h — the organizers' sheets as rows of text (prefix rp_sheet_): 成绩公示表, 晋升名册,
 * 奖金发放表 and 代表队奖牌榜, built once from the engine's results, so the PDF (sheets.c) and the
 * Excel workbook (workbook.h) print the same rows, columns and values. A column added here
 * appears in both.
 *
 * A sheet is a list of sections (the results sheet has one per event and group, the others one),
 * each with a title, a subtitle, rows of cells, an optional bold total row, lines of notes and
 * signature lines. Cells are the text the PDF prints ("90.26", "—", "缺考", "30000"); each column
 * says what kind of value it holds, so a workbook can write numbers as numbers and ID numbers as
 * text.
 *
 * Any other table is an rp_sheet too: a static rp_column array and sections filled with
 * rp_sheet_section() and rp_sheet_row(); rp_sheet_xlsx() (workbook.h) and the PDF layout take it
 * as it is. The medal table is built that way here, its columns (the awards the events use)
 * chosen at run time.
 *
 * Ownership: an rp_sheet owns every string in it except the column array, the name and the
 * signature labels, which must outlive it (static tables in practice; a column array built at
 * run time is held in own_cols and freed with the sheet); rp_sheet_free() releases it.
 * Errors: -1 with a message in err (out of memory is the only one).
 */
#ifndef SKILLSCORE_REPORTS_ROWS_H
#define SKILLSCORE_REPORTS_ROWS_H

#include "reports.h"

#include <stdbool.h>
#include <stddef.h>

/* What a column holds; a cell that does not read as its kind ("—", "缺考") stays text. */
typedef enum rp_cell_kind {
    RP_CELL_TEXT,
    RP_CELL_INT,     /* whole numbers: 名次, 序号 */
    RP_CELL_SCORE,   /* points with two decimals */
    RP_CELL_MONEY,   /* yuan, written with two decimals */
    RP_CELL_ID,      /* digits that are not a quantity (身份证号): always text */
} rp_cell_kind;

enum { RP_LEFT, RP_CENTER, RP_RIGHT }; /* the same values as pdf.h's PDF_LEFT… */

typedef struct rp_column {
    const char *name;
    float width;             /* in the PDF, points */
    int align;
    rp_cell_kind kind;
} rp_column;

typedef struct rp_section {
    char *title, *subtitle;
    char *tab;               /* a short name for the section's worksheet: "E01 职工组" */
    char **cells;            /* n_rows * n_cols, row after row */
    size_t n_rows, cap_rows;
    char **total;            /* n_cols cells of a bold total row, or NULL */
    char **notes;            /* lines after the table */
    size_t n_notes;
    const char *const *signatures;
    size_t n_signatures;
    float min_row;           /* PDF rows at least this tall (room to sign); 0: fit the text */
} rp_section;

typedef struct rp_sheet {
    const char *name;        /* the document: "成绩公示表" */
    char *header;            /* the competition, on every page */
    const rp_column *cols;
    size_t n_cols;
    rp_column *own_cols;     /* cols when built at run time (malloc'd, freed with the sheet) */
    rp_section *sections;
    size_t n_sections, cap_sections;
} rp_sheet;

/* The cell of row i, column j of a section. */
#define RP_CELL(sheet, sec, i, j) ((sec)->cells[(i) * (sheet)->n_cols + (j)])

/* 成绩公示表: a section per (event, group) whose include flag is true (include NULL: all). When
 * an event gives honour titles a 称号 column follows 晋升等级; when entries carry delegations a
 * 代表队 column follows 工作单位; an award a pass mark withheld reads 未达合格线 (issue 17). */
int rp_sheet_results(const cf_competition *c, const cf_results *r, const bool *include,
                     rp_sheet *out, char *err, size_t errcap);
/* 晋升名册: every promotion of certs, with its certificate number. */
int rp_sheet_promotions(const cf_competition *c, const cf_results *r, const rp_certs *certs,
                        rp_sheet *out, char *err, size_t errcap);
/* 奖金发放表: each entry with cash, a total row and the sums in a note. */
int rp_sheet_cash(const cf_competition *c, const cf_results *r, const bool *include,
                  rp_sheet *out, char *err, size_t errcap);
/* 代表队奖牌榜: cf_medal_table's rows, one section: 名次, 代表队, a column per award that
 * cf_medal_columns shows, 总分; the points in force and the tie-break in the subtitle. When r
 * holds the groups of only some of the events with entries, a note names those counted. */
int rp_sheet_medals(const cf_competition *c, const cf_results *r, rp_sheet *out, char *err,
                    size_t errcap);
void rp_sheet_free(rp_sheet *s);

/* Building a sheet of one's own: s->name, s->cols and s->n_cols set, the rest zero. A new
 * section (NULL when memory ran out), then its rows, n_cols cells each (copied). */
rp_section *rp_sheet_section(rp_sheet *s, const char *title, const char *subtitle,
                             const char *tab);
int rp_sheet_row(const rp_sheet *s, rp_section *sec, const char *const *cells);

#endif
