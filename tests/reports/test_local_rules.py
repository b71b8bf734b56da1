"""Issue 17's rules on paper: pass marks (双合格), honour titles and the delegations' medal table
in the sheets and on the certificates, read back with pdftotext (and OCR for the medal table's
glyphs); and the same rows in the sheets as workbooks (--format xlsx), read back with the
standard library's zipfile + ElementTree. Inputs are the hand-worked golden files
(tests/golden/README.md). A few seconds."""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "server"))
from harness import BIN, ROOT, empty_db, summary, test  # noqa: E402
from xlsxgen import read_xlsx  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "golden")
TMP = tempfile.mkdtemp(prefix="skillscore-rules-")
BASE = ("--base", "https://jieguo.example.cn")


def run(*args):
    p = subprocess.run([BIN] + list(args), capture_output=True, timeout=300,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    err = p.stderr.decode()
    assert "AddressSanitizer" not in err and "runtime error" not in err, err[-3000:]
    assert p.returncode == 0, (args, p.returncode, err)
    return p.stdout.decode()


def text(pdf):
    return subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, timeout=60,
                          check=True).stdout.decode()


def sheets(name, fmt="pdf"):
    out = os.path.join(TMP, name + "-" + fmt)
    run("sheets", os.path.join(GOLDEN, name + ".in.json"), "--out", out, "--format", fmt)
    return out


def layout(pdf):
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, timeout=60,
                          check=True).stdout.decode()


def book(path):
    """{sheet name: [row, ...]}: each row the cells from column A, as text ("7", not 7.0)."""
    with open(path, "rb") as f:
        tabs, _ = read_xlsx(f.read())
    out = {}
    for tab, cells in tabs.items():
        n_rows = max(r for r, _ in cells)
        n_cols = max(c for _, c in cells) + 1
        rows = []
        for r in range(1, n_rows + 1):
            row = [cells.get((r, c), "") for c in range(n_cols)]
            rows.append(["%g" % v if isinstance(v, float) else v for v in row])
        out[tab] = rows
    return out


@test
def test_pass_marks_result_sheet_shows_withheld_awards_taixing_2021():
    t = text(os.path.join(sheets("pass_marks"), "results.pdf"))
    # rank 1 below the theory mark: no 一等奖, no promotion; rank 2 keeps 二等奖
    assert re.search(r"(?m)^1 A01 周一 55\.00 95\.00 83\.00 未达合格线$", t), t[:600]
    assert re.search(r"(?m)^2 A02 吴二 60\.00 88\.00 79\.60 二等奖 高级工$", t), t[:600]
    # E02 withholds the certificate only: the award stays, marked
    assert re.search(r"(?m)^2 B02 卫八 — 58\.00 58\.00 二等奖（未$", t), t
    assert "不发证书）" in t


@test
def test_certificates_leave_out_what_a_pass_mark_withholds_taixing_2021():
    out = os.path.join(TMP, "pass-certs")
    run("certificates", os.path.join(GOLDEN, "pass_marks.in.json"), *BASE, "--out", out,
        "--db", empty_db(os.path.join(TMP, "pass.db")), "--no-split")
    award = text(os.path.join(out, "certificates-award.pdf"))
    names = [n for n in ("周一", "吴二", "王四", "郑三", "褚七", "卫八", "蒋九") if n in award]
    assert names == ["吴二", "王四", "褚七"], names
    level = text(os.path.join(out, "certificates-level.pdf"))
    assert "周一" not in level and "卫八" in level, level[:300]


@test
def test_titles_on_the_result_sheet_and_the_award_certificate_kunming_2023():
    t = text(os.path.join(sheets("titles_kunming"), "results.pdf"))
    assert re.search(r"(?m)^1 K01 选手K01 — 96\.00 96\.00 一等奖 技术状元$", t), t[:800]
    assert re.search(r"(?m)^3 K04 选手K04 — 90\.00 90\.00 三等奖 优秀技术标兵$", t), t[:800]
    assert re.search(r"(?m)^6 C06 选手C06 — 75\.00 75\.00 技术能手$", t), t
    out = os.path.join(TMP, "title-certs")
    run("certificates", os.path.join(GOLDEN, "titles_kunming.in.json"), *BASE, "--out", out,
        "--db", empty_db(os.path.join(TMP, "titles.db")), "--no-split")
    pages = text(os.path.join(out, "certificates.pdf")).split("\f")
    assert "并授予“技术状元”称号" in pages[0], pages[0]
    assert "称号" not in "".join(p for p in pages if "选手C05" in p)  # 技术能手 without an award: no certificate
    assert "并授予“技术能手”称号" in "".join(p for p in pages if "选手C04" in p)


@test
def test_medal_table_pdf_ranks_delegations_with_shared_ranks():
    out = sheets("delegation_medals")
    pdf = os.path.join(out, "medal-table.pdf")
    t = text(pdf)
    rows = re.findall(r"(?m)^(\d+) (\S+) (\d+) (\d+) (\d+) (\d+) (\d+)$", t)
    assert rows == [("1", "昆明", "1", "1", "0", "1", "7"), ("2", "曲靖", "1", "1", "0", "0", "7"),
                    ("3", "大理", "0", "0", "1", "1", "2"), ("3", "玉溪", "0", "0", "1", "1", "2"),
                    ("5", "普洱", "0", "0", "0", "0", "0")], rows
    assert "优胜奖 0 分" in t, t[:300]
    # the glyphs are drawn, not only in the text layer
    png = os.path.join(TMP, "medal")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, png],
                   check=True, capture_output=True, timeout=60)
    ocr = subprocess.run(["tesseract", png + ".png", "-", "-l", "chi_sim", "--psm", "4"],
                         capture_output=True, timeout=120).stdout.decode()
    want = collections.Counter(ch for ch in t if "\u4e00" <= ch <= "\u9fff")
    got = collections.Counter(ch for ch in ocr if "\u4e00" <= ch <= "\u9fff")
    share = sum(min(n, got[ch]) for ch, n in want.items()) / max(1, sum(want.values()))
    assert share >= 0.85, share


@test
def test_medal_table_xlsx_has_the_rows_of_medal_table_pdf():
    pdf_rows = [line.split() for line in layout(os.path.join(sheets("delegation_medals"),
                                                             "medal-table.pdf")).splitlines()]
    heads = next(r for r in pdf_rows if r[:2] == ["名次", "代表队"])
    body = [r for r in pdf_rows if len(r) == len(heads) and r[0].isdigit()]
    out = sheets("delegation_medals", "xlsx")
    assert sorted(os.listdir(out)) == ["cash.xlsx", "medal-table.xlsx", "promotions.xlsx",
                                       "results.xlsx"], os.listdir(out)
    tabs = book(os.path.join(out, "medal-table.xlsx"))
    assert list(tabs) == ["奖牌榜"], list(tabs)
    rows = tabs["奖牌榜"]
    # title, competition, subtitle (the points and the tie-break), heads, then the rows
    assert rows[0][0] == "代表队奖牌榜" and "优胜奖 0 分" in rows[2][0], rows[:3]
    assert rows[3][:len(heads)] == heads, (rows[3], heads)
    data = [r[:len(heads)] for r in rows[4:] if r[0].isdigit()]
    assert data == body and len(body) == 5, (data, body)
    assert body[2] == ["3", "大理", "0", "0", "1", "1", "2"], body


@test
def test_results_xlsx_carries_titles_and_withheld_awards_as_the_pdf_does():
    rows = book(os.path.join(sheets("titles_kunming", "xlsx"), "results.xlsx"))
    first = next(iter(rows.values()))
    assert first[3][-1] == "称号" and len(first[3]) == 10, first[3]
    by_id = {r[1]: r for tab in rows.values() for r in tab[4:] if len(r) > 1}
    assert by_id["K01"][7] == "一等奖" and by_id["K01"][9] == "技术状元", by_id["K01"]
    assert by_id["K04"][9] == "优秀技术标兵" and by_id["C06"][9] == "技术能手", by_id["C06"]
    pdf = layout(os.path.join(sheets("titles_kunming"), "results.pdf"))
    assert re.search(r"(?m)^\s*1\s+K01\s.*一等奖\s+技术状元\s*$", pdf), pdf[:1500]

    rows = book(os.path.join(sheets("pass_marks", "xlsx"), "results.xlsx"))
    by_id = {r[1]: r for tab in rows.values() for r in tab[4:] if len(r) > 1}
    assert next(iter(rows.values()))[3][-1] == "晋升等级"  # no titles: no 称号 column
    assert by_id["A01"][7] == "未达合格线" and by_id["A01"][8] == "", by_id["A01"]
    assert by_id["A02"][7] == "二等奖" and by_id["A02"][8] == "高级工", by_id["A02"]
    assert by_id["B02"][7] == "二等奖（未达合格线，不发证书）", by_id["B02"]


@test
def test_the_results_sheet_has_a_delegation_column_when_entries_carry_delegations():
    """成绩公示表 with a 代表队 column after 工作单位, in the PDF and the workbook alike; H07 has
    none (an empty cell); titles_kunming, without delegations, keeps its ten columns."""
    rows = book(os.path.join(sheets("delegation_medals", "xlsx"), "results.xlsx"))
    heads = next(iter(rows.values()))[3]
    assert heads[3:5] == ["工作单位", "代表队"] and heads[-1] == "晋升等级", heads
    by_id = {r[1]: r for tab in rows.values() for r in tab[4:]
             if len(r) > 4 and re.fullmatch(r"[QH]\d\d", r[1])}
    assert len(by_id) == 18 and by_id["Q01"][4] == "昆明" and by_id["H02"][4] == "昆明" and by_id["H07"][4] == "", by_id
    pdf = layout(os.path.join(sheets("delegation_medals"), "results.pdf"))
    assert re.search(r"(?m)^\s*名次\s+编号\s+姓名\s+工作单位\s+代表队\s+理论", pdf), pdf[:800]


    def same(x):  # "95" from the workbook's number is the PDF's "95.00"
        try:
            return "%.2f" % float(x)
        except ValueError:
            return x
    for entry, row in by_id.items():
        cells = [same(c) for c in row[:len(heads)] if c != ""]
        line = next(ln for ln in pdf.splitlines() if re.search(r"\s%s\s" % entry, ln))
        assert [same(c) for c in line.split()] == cells, (line, cells)
    titled = book(os.path.join(sheets("titles_kunming", "xlsx"), "results.xlsx"))
    assert "代表队" not in next(iter(titled.values()))[3]

@test
def test_a_file_without_delegations_writes_no_medal_table():
    out = sheets("basic")
    assert sorted(os.listdir(out)) == ["cash.pdf", "promotions.pdf", "results.pdf"], os.listdir(out)


if __name__ == "__main__":
    code = summary()
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(code)
