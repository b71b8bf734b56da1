/*
 * test_workbook.c — the sheets as workbooks (reports/workbook.h) read back by the .xlsx reader
 * the imports use (server/lib/xlsx.h): every cell of every section is the text rows.h built for
 * the PDF, numbers included ("90.26" written as the number 90.26 reads back as "90.26").
 */
#include "tests/check.h"

#include "reports/workbook.h"
#include "server/lib/xlsx.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
        *len = (size_t)n;
    else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* A number the workbook wrote as yuan or points reads back without its ".00". */
static int same_value(const char *want, const char *got, rp_cell_kind kind)
{
    if (strcmp(want, got) == 0)
        return 1;
    if (kind == RP_CELL_SCORE || kind == RP_CELL_MONEY)
        return strtod(want, NULL) == strtod(got, NULL) && *got;
    return 0;
}

static void round_trip(const cf_competition *c, const rp_sheet *s)
{
    unsigned char *book = NULL;
    size_t len = 0;
    char err[600];
    CHECK_INT(rp_sheet_xlsx(s, &book, &len, err, sizeof err), 0);
    /* The reader takes the first sheet: the first section. */
    csv_table t;
    CHECK_INT(xlsx_read(book, len, &t, err, sizeof err), 0);
    const rp_section *sec = &s->sections[0];
    CHECK(t.n >= 4 + sec->n_rows);
    if (t.n >= 4 + sec->n_rows) {
        CHECK_STR(t.rows[0].fields[0], sec->title);
        CHECK_STR(t.rows[0].fields[s->n_cols - 1], sec->title); /* merged over the columns */
        CHECK(strstr(t.rows[1].fields[0], c->name) != NULL);
        CHECK_STR(t.rows[2].fields[0], sec->subtitle);
        for (size_t j = 0; j < s->n_cols; j++)
            CHECK_STR(t.rows[3].fields[j], s->cols[j].name);
        for (size_t i = 0; i < sec->n_rows; i++) {
            const csv_row *r = &t.rows[4 + i];
            CHECK_INT(r->line, RP_XLSX_FIRST_ROW + i);
            for (size_t j = 0; j < s->n_cols; j++) {
                const char *want = RP_CELL(s, sec, i, j), *got = j < r->n ? r->fields[j] : "";
                if (!same_value(want, got, s->cols[j].kind)) {
                    CHECK_STR(got, want);
                    break;
                }
            }
        }
    }
    csv_free(&t);
    free(book);
}

TEST(test_results_cash_and_promotions_read_back_cell_for_cell)
{
    size_t len = 0;
    char *text = read_file("data/demo/competition.json", &len), err[600];
    cf_competition *c = NULL;
    cf_results *r = NULL;
    cf_diag diag = {0};
    unsigned char key[RP_KEY_BYTES] = {0};
    rp_certs certs = {0};
    rp_sheet s;
    CHECK(text != NULL);
    if (!text || cf_read(text, len, &c, &diag) || cf_compute(c, 0, &r, &diag)) {
        CHECK(!"the demo computes");
        free(text);
        cf_free(c);
        return;
    }
    CHECK_INT(rp_sheet_results(c, r, NULL, &s, err, sizeof err), 0);
    CHECK(s.n_sections == r->n_groups && s.sections[0].n_rows > 0);
    round_trip(c, &s);
    rp_sheet_free(&s);
    CHECK_INT(rp_sheet_cash(c, r, NULL, &s, err, sizeof err), 0);
    CHECK(s.sections[0].n_rows > 0 && s.sections[0].total);
    round_trip(c, &s);
    rp_sheet_free(&s);
    CHECK_INT(rp_certs_build(c, r, NULL, NULL, key, &certs, err, sizeof err), 0);
    CHECK_INT(rp_sheet_promotions(c, r, &certs, &s, err, sizeof err), 0);
    CHECK(s.sections[0].n_rows > 0);
    /* ID numbers stay text: 18 digits, never a number that lost its last three. */
    CHECK_INT(strlen(RP_CELL(&s, &s.sections[0], 0, 3)), 18);
    round_trip(c, &s);
    rp_sheet_free(&s);
    rp_certs_free(&certs);
    cf_results_free(r);
    cf_free(c);
    free(text);
}

TEST(test_the_medal_table_is_a_sheet_whose_columns_are_the_awards_in_use)
{
    size_t len = 0;
    char *text = read_file("tests/golden/delegation_medals.in.json", &len), err[600];
    cf_competition *c = NULL;
    cf_results *r = NULL;
    cf_diag diag = {0};
    rp_sheet s;
    CHECK(text != NULL);
    if (!text || cf_read(text, len, &c, &diag) || cf_compute(c, 0, &r, &diag)) {
        CHECK(!"the medal table's golden file computes");
        free(text);
        cf_free(c);
        return;
    }
    CHECK_INT(rp_sheet_medals(c, r, &s, err, sizeof err), 0);
    /* 名次, 代表队, 金牌, 银牌, 铜牌, 优胜奖, 总分: the columns are the sheet's own */
    CHECK_INT(s.n_cols, 7);
    CHECK(s.cols == s.own_cols);
    CHECK_STR(s.cols[2].name, "金牌");
    CHECK_STR(s.cols[6].name, "总分");
    CHECK(s.n_sections == 1 && s.sections[0].n_rows == 5);
    if (s.n_sections == 1 && s.sections[0].n_rows == 5) {
        CHECK_STR(RP_CELL(&s, &s.sections[0], 0, 1), "昆明");
        CHECK_STR(RP_CELL(&s, &s.sections[0], 3, 0), "3"); /* 大理 and 玉溪 share third */
        round_trip(c, &s);
    }
    rp_sheet_free(&s);
    cf_results_free(r);
    cf_free(c);
    free(text);
}

TEST(test_a_sheet_of_ones_own_rows_is_a_workbook_too)
{
    /* The hook for other tables (the medal table): static columns, rows added one by one. */
    static const rp_column cols[] = {{"代表团", 120, RP_LEFT, RP_CELL_TEXT},
                                     {"金牌", 40, RP_CENTER, RP_CELL_INT},
                                     {"奖金", 60, RP_RIGHT, RP_CELL_MONEY}};
    rp_sheet s = {.name = "奖牌榜", .cols = cols, .n_cols = 3};
    rp_section *sec = rp_sheet_section(&s, "奖牌榜", "按金牌数排列", NULL);
    static const char *const row[] = {"昆明市", "3", "90000"};
    unsigned char *book = NULL;
    size_t len = 0;
    char err[600];
    csv_table t;
    CHECK(sec != NULL);
    CHECK_INT(rp_sheet_row(&s, sec, row), 0);
    CHECK_INT(rp_sheet_xlsx(&s, &book, &len, err, sizeof err), 0);
    CHECK_INT(xlsx_read(book, len, &t, err, sizeof err), 0);
    /* No competition line (the sheet has no header), so the reader leaves out that empty row. */
    CHECK(t.n == 4 && t.rows[3].n == 3 && t.rows[3].line == RP_XLSX_FIRST_ROW);
    if (t.n == 4 && t.rows[3].n == 3) {
        CHECK_STR(t.rows[3].fields[0], "昆明市");
        CHECK_STR(t.rows[3].fields[1], "3");
        CHECK_STR(t.rows[3].fields[2], "90000");
    }
    csv_free(&t);
    free(book);
    rp_sheet_free(&s);
}
