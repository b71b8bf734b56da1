"""Excel in and out (issue 17): entries and theory scores imported from .xlsx files as Excel and
WPS save them, with the CSV import's columns and line-numbered errors (lines are Excel's row
numbers); and the sheets as workbooks whose rows are the PDF's, read back with the standard
library's zipfile + ElementTree. The real ASan server on loopback with a real SQLite file.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, delegations_doc, delegations_server, demo_doc,  # noqa: E402
                     medal_table_by_hand, summary, test)
from xlsxgen import make_xlsx, read_xlsx  # noqa: E402

HEAD = ["参赛号", "项目", "组别", "选手编号", "姓名", "性别", "身份证号", "工作单位", "学生", "现等级",
        "曾晋升", "教练"]
TITLE = "2026年云南省职业技能大赛报名表"
ENTRIES = "/api/competitions/YN2026/entries/import"


def entries_server():
    """A competition without E03's entries and without theory, so E03 takes new ones."""
    srv = Server()
    admin = srv.admin()
    doc = demo_doc()
    doc.pop("marks")
    doc.pop("theory")
    doc["entries"] = [e for e in doc["entries"] if e["event"] != "E03"]
    for e in doc["events"]:
        e["weights"] = {"theory": 0, "practical": 100}
    assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
    return srv, admin


def export(srv, admin):
    return json.loads(srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2])


def post(srv, admin, path, data):
    status, _, body = srv.request("POST", path, raw=data, token=admin)
    return status, json.loads(body)


def member(doc, mid):
    return next(m for e in doc["entries"] for m in e["members"] if m["id"] == mid)


@test
def test_an_excel_registration_form_with_a_title_merged_team_rows_and_ids_imports():
    srv, admin = entries_server()
    try:
        rows = [
            [TITLE] + [None] * 11,
            HEAD,
            ["N01", "E03", "职工组", "Q001", "李四", "男", "530102199001011234", "昆明公交集团", "否",
             "高级工", "否", "王五"],
            # a team's entry number, event and group merged down over its two members' rows
            [None, None, None, "Q002", "赵六", "女", ("n", "530102199001011237"), "昆明公交集团", "否",
             None, "否", None],
            ["N02", "E03", "学生组", "Q003", "钱七", "男", ("n", "530102199001011"),
             "云南交通职业技术学院", "是", "中级工", "否", None],
            ["N02", "E03", "学生组", "Q004", "孙八", "女", None, "云南交通职业技术学院", "是", None,
             "否", None],
        ]
        data = make_xlsx(rows, merges=["A1:L1", "A3:A4", "B3:B4", "C3:C4"], blank_rows=30)
        status, body = post(srv, admin, ENTRIES, data)
        assert status == 200 and body["added"] == 2 and body["encoding"] == "xlsx", body
        doc = export(srv, admin)
        n01 = next(e for e in doc["entries"] if e["id"] == "N01")
        assert [m["name"] for m in n01["members"]] == ["李四", "赵六"] and n01["coach"] == "王五"
        # Text kept as typed; a number with every digit in the file is exact; a 15-digit number
        # (an old-style ID) fits Excel's precision.
        assert member(doc, "Q001")["id_number"] == "530102199001011234"
        assert member(doc, "Q002")["id_number"] == "530102199001011237"
        assert member(doc, "Q003")["id_number"] == "530102199001011"
        assert "id_number" not in member(doc, "Q004")
        assert member(doc, "Q003")["student"] is True and member(doc, "Q001")["level"] == "高级工"
    finally:
        srv.stop()


@test
def test_a_registration_form_with_a_delegation_column_fills_the_entries_delegation():
    """Issue 17's audit: a form with 代表队 was refused as an unknown column. It fills
    entries[].delegation; merged over a team's rows it is the team's; a team whose rows name two
    delegations is refused with the row and nothing is stored; the medal table then counts it."""
    srv, admin = entries_server()
    try:
        head = HEAD + ["代表队"]
        rows = [
            [TITLE] + [None] * 12,
            head,
            ["D01", "E03", "职工组", "Q201", "李四", "男", None, "昆明公交集团", "否", None, "否", None,
             "昆明市代表队"],
            [None, None, None, "Q202", "赵六", "女", None, "昆明公交集团", "否", None, "否", None, None],
            ["D02", "E03", "学生组", "Q203", "钱七", "男", None, "曲靖技师学院", "是", None, "否", None,
             "曲靖市代表队"],
            ["D02", "E03", "学生组", "Q204", "孙八", "女", None, "曲靖技师学院", "是", None, "否", None,
             "曲靖市代表队"],
            ["D03", "E03", "学生组", "Q205", "周九", "男", None, None, "是", None, "否", None, None],
            ["D03", "E03", "学生组", "Q206", "吴十", "女", None, None, "是", None, "否", None, None],
        ]
        before = export(srv, admin)
        bad = [r[:] for r in rows]
        bad[5][12] = "玉溪市代表队"
        status, body = post(srv, admin, ENTRIES, make_xlsx(bad, merges=["A1:M1", "A3:A4", "B3:B4",
                                                                      "C3:C4", "M3:M4"]))
        assert status == 400 and body["field"] == "delegation" and body["error"] == \
            'line 6: entry D02 is in 代表队 "曲靖市代表队" on line 5, not "玉溪市代表队" (a team ' \
            'belongs to one delegation)', body
        assert export(srv, admin) == before, "a refused form changes nothing"
        status, body = post(srv, admin, ENTRIES, make_xlsx(rows, merges=["A1:M1", "A3:A4", "B3:B4",
                                                                       "C3:C4", "M3:M4"],
                                                           blank_rows=5))
        assert status == 200 and body["added"] == 3, body
        doc = export(srv, admin)
        got = {e["id"]: e.get("delegation") for e in doc["entries"] if e["id"].startswith("D")}
        assert got == {"D01": "昆明市代表队", "D02": "曲靖市代表队", "D03": None}, got
        # The English head is accepted as well.
        status, body = post(srv, admin, ENTRIES, make_xlsx([
            HEAD[:5] + ["delegation"],
            ["D04", "E02", "职工组", "Q207", "郑一", "红河州代表队"]]))
        assert status == 200, body
        assert next(e for e in export(srv, admin)["entries"] if e["id"] == "D04")["delegation"] \
            == "红河州代表队"
        st, res = srv.json("GET", "/api/competitions/YN2026/results", token=admin)
        assert "medal_table" in res and {r["delegation"] for r in res["medal_table"]["rows"]} == \
            {"昆明市代表队", "曲靖市代表队", "红河州代表队"}, res.get("medal_table")
    finally:
        srv.stop()

@test
def test_a_wps_workbook_with_prefixes_inline_rich_text_and_a_hidden_first_sheet_imports():
    srv, admin = entries_server()
    try:
        rows = [[TITLE], [], HEAD,
                ["W01", "电工", "职工组", "Q101", ("rich", ["欧阳", "娜娜"]), "女", "53010219900101123X",
                 "云南电网有限责任公司", "否", None, "否", None]]
        status, body = post(srv, admin, ENTRIES,
                            make_xlsx(rows, first_row=2, merges=["A2:L2"], inline=True, wps=True))
        # "电工" is E02's name; the demo has drawn nothing in this server, so E02 takes it.
        assert status == 200 and body["added"] == 1, body
        m = member(export(srv, admin), "Q101")
        assert m["name"] == "欧阳娜娜" and m["id_number"] == "53010219900101123X", m
    finally:
        srv.stop()


@test
def test_every_unusable_row_is_refused_with_its_excel_row_number_and_nothing_is_stored():
    srv, admin = entries_server()
    try:
        good = ["N05", "E03", "职工组", "Q201", "周九", "男", "530102199001011234", "", "否", "", "否", ""]

        def row(**change):
            r = list(good)
            for k, v in change.items():
                r[HEAD.index(k)] = v
            return r

        before = srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2]
        cases = [
            # Excel's own way of storing an 18-digit ID typed into a number cell
            ([row(身份证号=("n", "5.30102199001011E+17"))],
             "line 4, column G (身份证号): the number 5.30102199001011E+17 has lost digits"),
            ([row(), row(参赛号="N06", 选手编号="Q202", 身份证号=("n", "530102199001011000"))],
             "line 5, column G (身份证号): the number 530102199001011000 has lost digits"),
            # a program that wrote the binary double: exact digits of a value that is not the ID
            ([row(身份证号=("n", "530102199001011200"))], "line 4, column G (身份证号)"),
            ([row(), row(), row(参赛号="N07", 选手编号="")], "line 6: 选手编号 (member) is empty"),
            ([row(项目="E09")], "line 4: no event \"E09\""),
            ([row(学生="也许")], "line 4: 学生 must be 是 or 否"),
            # E03 is for pairs: the whole entry is checked as a competition file checks it
            ([row(), row(选手编号="Q299", 现等级="大师")],
             "line 5 (entry N05): level \"大师\" must be one of"),
            ([row(), row(选手编号="P001")], "line 5 (entry N05)"),  # a member id taken
            ([row()], "line 4 (entry N05)"),  # one member of a pair
            ([row(选手编号=("n", "1.23456789012345E+19"))], "line 4, column D (选手编号)"),
        ]
        for rows, message in cases:
            data = make_xlsx([[TITLE], HEAD] + rows, first_row=2, merges=["A2:L2"], blank_rows=3)
            status, body = post(srv, admin, ENTRIES, data)
            assert status == 400 and message in body["error"], (message, body)
        # A header row with an unknown column, below the title, is named by its row.
        status, body = post(srv, admin, ENTRIES, make_xlsx([[TITLE], HEAD + ["年龄"], good + ["30"]]))
        assert status == 400 and body["error"].startswith("line 2: unknown column \"年龄\""), body
        status, body = post(srv, admin, ENTRIES, make_xlsx([[TITLE], HEAD]))
        assert status == 400 and "line 2: a header row and at least one entry row" in body["error"]
        status, body = post(srv, admin, ENTRIES, b"PK\x03\x04" + b"\x00" * 60)
        assert status == 400 and "not a workbook" in body["error"], body
        status, body = post(srv, admin, ENTRIES, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
        assert status == 400 and ".xls" in body["error"], body
        data = make_xlsx([HEAD, good])
        status, body = post(srv, admin, ENTRIES, data[:len(data) // 2])
        assert status == 400, body
        assert srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2] == before
    finally:
        srv.stop()


@test
def test_theory_scores_from_an_exam_system_workbook_with_formulas_and_a_bad_row():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        doc = demo_doc()
        e02 = [e for e in doc["entries"] if e["event"] == "E02"][:4]
        names = {e["id"]: "、".join(m["name"] for m in e["members"]) for e in e02}
        path = "/api/competitions/YN2026/theory/import"
        head = [["2026年理论考试成绩", None, None, ("date", 46124)], ["参赛号", "理论成绩", "姓名"]]
        # 85.5, a whole number, a formula's binary noise (what Excel shows is 25.65).
        scores = [85.5, 90, ("n", "25.650000000000002"), ("n", "7.5E+1")]
        rows = [[e["id"], s, names[e["id"]]] for e, s in zip(e02, scores)]
        bad = [list(r) for r in rows]
        bad[2][1] = 100.5
        before = srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2]
        status, body = post(srv, admin, path, make_xlsx(head + bad, merges=["A1:C1"]))
        assert status == 400 and body["error"].startswith("line 5 (entry %s): 理论成绩" % e02[2]["id"]), body
        bad = [list(r) for r in rows]
        bad[3][2] = "张冠李戴"
        status, body = post(srv, admin, path, make_xlsx(head + bad, merges=["A1:C1"]))
        assert status == 400 and body["error"].startswith("line 6 (entry %s): 姓名" % e02[3]["id"]), body
        assert srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2] == before
        status, body = post(srv, admin, path, make_xlsx(head + rows, merges=["A1:C1"],
                                                         blank_rows=5))
        assert status == 200 and body["imported"] == 4 and body["encoding"] == "xlsx", body
        got = {t["entry"]: t["score"] for t in export(srv, admin)["theory"]}
        assert [got[e["id"]] for e in e02] == [85.5, 90, 25.65, 75], got
    finally:
        srv.stop()


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-raw", f.name, "-"], capture_output=True, timeout=60,
                             check=True).stdout.decode()
    return re.sub(r"\s+", "", out)


@test
def test_the_workbooks_have_the_pdfs_rows_title_merged_numbers_as_numbers_ids_as_text():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        C = "/api/competitions/YN2026"
        assert srv.json("POST", C + "/settings", {"verify_base": "https://jieguo.example.cn"},
                        admin)[0] == 200
        for name, ncols, money_cols, int_cols in (("results", 9, (), (0,)),
                                                  ("promotions", 11, (), (0, 7)),
                                                  ("cash", 12, (7, 8, 10), (0, 3))):
            st, h, book = srv.request("GET", C + "/reports/%s.xlsx" % name, token=admin)
            assert st == 200 and h["content-type"].startswith("application/vnd.openxmlformats"), st
            st, _, pdf = srv.request("GET", C + "/reports/%s.pdf" % name, token=admin)
            assert st == 200
            text = pdf_text(pdf)
            sheets, merged = read_xlsx(book)
            n_rows = 0
            for tab, cells in sheets.items():
                assert "A1:%s1" % "ABCDEFGHIJKL"[ncols - 1] in merged[tab], (tab, merged[tab])
                heads = [cells[(4, j)] for j in range(ncols)]
                assert all(isinstance(x, str) and x for x in heads), heads
                r = 5
                while isinstance(cells.get((r, 1)), (str, float)) and cells.get((r, 1)) != "合计":
                    row = []
                    for j in range(ncols):
                        v = cells.get((r, j), "")
                        if j in money_cols or j in int_cols:
                            assert isinstance(v, float) or v in ("", "缺考", "取消成绩"), (tab, r, j, v)
                        if isinstance(v, float):
                            v = "%d" % v if j in money_cols or j in int_cols else "%.2f" % v
                        row.append(v)
                    if name == "promotions":
                        assert isinstance(cells[(r, 3)], str) and len(cells[(r, 3)]) == 18, row
                    # The row's cells, in order, are the PDF's row.
                    assert re.sub(r"\s+", "", "".join(row)) in text, (name, tab, row)
                    r += 1
                    n_rows += 1
            assert n_rows >= 5, (name, n_rows)
        # The demo's entries carry no delegation: no medal table, and the reason why.
        for ext in ("pdf", "xlsx"):
            st, _, body = srv.request("GET", C + "/reports/medal-table." + ext, token=admin)
            assert st == 404 and "代表队".encode() in body, (st, body)
    finally:
        srv.stop()


def pdf_layout(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                              timeout=60, check=True).stdout.decode()


@test
def test_the_servers_medal_table_workbook_has_the_pdfs_rows_over_the_locked_events_only():
    """Issue 17: medal-table.pdf and .xlsx from the server, for the organizer and arbitration as
    the other sheets. Only E01 is locked (E03 is complete and ranked, E02 unmarked): the table
    counts E01 alone, as worked by hand from E01's results, and says so in a note. The
    workbook's rows, read with zipfile + ElementTree, are the PDF's (pdftotext -layout)."""
    srv, admin, pins = delegations_server()
    try:
        C = "/api/competitions/YN2026"
        delegation_of = {e["id"]: e["delegation"] for e in delegations_doc()["entries"]}
        st, full = srv.json("GET", C + "/results", token=admin)
        e01 = dict(full, rankings=[g for g in full["rankings"] if g["event"] == "E01"])
        want = [[str(r["rank"]), r["delegation"]] + [str(n) for n in r["counts"]] +
                [str(r["points"])] for r in medal_table_by_hand(e01, delegation_of)]
        assert len(want) >= 4 and any(g["event"] == "E03" and any(e["award"] for e in
                                                                   g["entries"])
                                      for g in full["rankings"]), "E03 has awards not counted"
        st, h, pdf = srv.request("GET", C + "/reports/medal-table.pdf", token=admin)
        assert st == 200 and h["content-type"] == "application/pdf", (st, pdf[:200])
        st, h, book = srv.request("GET", C + "/reports/medal-table.xlsx", token=admin)
        assert st == 200 and h["content-type"].startswith("application/vnd.openxmlformats"), st
        assert 'filename="YN2026-medal-table.xlsx"' in h.get("content-disposition", ""), h

        lines = [line.split() for line in pdf_layout(pdf).splitlines()]
        heads = next(r for r in lines if r[:2] == ["名次", "代表队"])
        assert heads == ["名次", "代表队", "金牌", "银牌", "铜牌", "优胜奖", "总分"], heads
        body = [r for r in lines if len(r) == len(heads) and r[0].isdigit()]
        assert body == want, (body, want)
        text = pdf_layout(pdf).replace(" ", "")
        assert "统计范围：3个赛项中已锁定的1个（E01数控车工），其余赛项锁定后再计入" in text, text

        sheets, merged = read_xlsx(book)
        assert list(sheets) == ["奖牌榜"], list(sheets)
        cells = sheets["奖牌榜"]
        assert cells[(1, 0)] == "代表队奖牌榜" and "A1:G1" in merged["奖牌榜"], merged
        assert [cells[(4, j)] for j in range(len(heads))] == heads
        rows, r = [], 5
        while isinstance(cells.get((r, 0)), float):
            row = [cells[(r, 1)] if j == 1 else cells[(r, j)] for j in range(len(heads))]
            assert all(isinstance(v, float) for k, v in enumerate(row) if k != 1), row
            rows.append(["%d" % v if isinstance(v, float) else v for v in row])
            r += 1
        assert rows == body, (rows, body)
        notes = [v for (row, _), v in cells.items() if row > r and isinstance(v, str)]
        assert any(v.startswith("统计范围：3 个赛项中已锁定的 1 个") for v in notes), notes

        # Who may: as the other sheets (organizer, arbitration); a judge may not, nor anyone.
        assert srv.json("POST", "/api/users", {"user": "zhongcai", "role": "arbitration",
                                               "password": "arb-password-1"}, admin)[0] == 201
        arb = srv.login("zhongcai", "arb-password-1")
        st, _, again = srv.request("GET", C + "/reports/medal-table.xlsx", token=arb)
        assert st == 200 and read_xlsx(again)[0] == sheets
        judge = srv.login(judge="J02", pin=pins["J02"])
        assert srv.request("GET", C + "/reports/medal-table.pdf", token=judge)[0] == 403
        assert srv.request("GET", C + "/reports/medal-table.pdf")[0] == 401
    finally:
        srv.stop()


@test
def test_a_band_naming_a_group_no_entry_has_is_refused_by_the_server_and_nothing_is_stored():
    """Issue 17's audit: a misspelt band group silently promoted no one. The server reads files
    with the same reader: refused with the field named, no competition stored."""
    srv = Server()
    try:
        admin = srv.admin()
        doc = demo_doc()
        doc["events"][0]["promotion"] = {"bands": [
            {"group": "职工组", "from": 1, "to": 5, "level": "技师"},
            {"group": "高级组", "from": 6, "to": 15, "level": "高级工"}]}
        st, err = srv.json("POST", "/api/competitions", doc, admin)
        assert st == 400 and err["error"].startswith(
            'events[0].promotion.bands[1]: group "高级组" is not a group of event E01'), err
        assert srv.json("GET", "/api/competitions")[1]["competitions"] == []
        doc["events"][0]["promotion"]["bands"][1]["group"] = "学生组"
        assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(summary())
