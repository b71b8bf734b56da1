"""Certificates and sheets, read back the way a person and a phone would read them.

pdftotext finds the fields; pdftoppm + tesseract (chi_sim) prove the Chinese glyphs are really
drawn (libharu 2.3.0 can drop glyphs while the text layer stays right); zbarimg decodes the QR
code; `pdftotext -bbox` proves nothing is set past the page edge. The CLI and the server are
the ASan builds. Rules: rules.md §8 (certificates), 管理办法 第三十七条 (awards), 2023 晋升通知
(promotions), 技能云南 item 28 (cash).
"""
import collections
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "server"))
from harness import BIN, DEMO, ROOT, Server, demo_pin, empty_db, summary, test  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "golden", "demo.out.json")
TMP = tempfile.mkdtemp(prefix="skillscore-reports-")
A4_LANDSCAPE = (841.89, 595.28)


def run(*args, ok=True):
    p = subprocess.run([BIN] + list(args), capture_output=True, timeout=300,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    out, err = p.stdout.decode(), p.stderr.decode()
    assert "AddressSanitizer" not in err and "runtime error" not in err, err[-3000:]
    if ok:
        assert p.returncode == 0, (args, p.returncode, err)
    return p.returncode, out, err


def pages_text(pdf):
    """The text of each page (pdftotext splits pages with form feeds)."""
    # -raw: text in the order it was drawn, so side-by-side blocks do not interleave.
    out = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, timeout=60,
                         check=True).stdout.decode()
    return out.split("\f")[:-1]


def page_count(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, timeout=60, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout.decode()).group(1))


def render(pdf, page, dpi=150, crop=None):
    """A page as PNG; crop (x, y, w, h) in points from the top left renders that part only."""
    base = os.path.join(TMP, "page-%d-%d-%s" % (page, os.getpid(), "-".join(map(str, crop or ()))))
    args = ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile"]
    if crop:
        for flag, v in zip(("-x", "-y", "-W", "-H"), crop):
            args += [flag, str(int(v * dpi / 72))]
    subprocess.run(args + [pdf, base], capture_output=True, timeout=60, check=True)
    return base + ".png"


def qr_of(png):
    p = subprocess.run(["zbarimg", "--quiet", "--raw", png], capture_output=True, timeout=60)
    return p.stdout.decode().strip()


def han(text):
    return [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]


def ocr_share(pngs, expected_text):
    """The share of the page's Chinese characters (from its text layer) that OCR reads in the
    images pngs together."""
    text = ""
    for png in pngs:
        # --psm 4: one column of lines of several sizes, which is what a certificate is.
        p = subprocess.run(["tesseract", png, "-", "-l", "chi_sim", "--psm", "4"],
                           capture_output=True, timeout=120)
        text += p.stdout.decode()
    got = collections.Counter(han(text))
    want = collections.Counter(han(expected_text))
    hit = sum(min(n, got[ch]) for ch, n in want.items())
    return hit / max(1, sum(want.values()))


def short(sig):
    """The short code printed for a signature (reports.h rp_short_code)."""
    s = sig[:12].upper()
    return "-".join((s[0:4], s[4:8], s[8:12]))


def chinese_rank(n):
    """第…名 as certificates write it (reports.h rp_rank_chinese), for ranks below 100."""
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    return ("" if n // 10 == 1 else d[n // 10]) + "十" + (d[n % 10] if n % 10 else "")


def expected_certificates(results, demo):
    """(kind, entry, member id) of every certificate rules.md §8 calls for, from the results."""
    entries = {e["id"]: e for e in demo["entries"]}
    out = []
    for g in results["rankings"]:
        for r in g["entries"]:
            members = entries[r["entry"]]["members"]
            promoted = {p["member"] for p in r.get("promotions") or []}
            for m in members:
                if r.get("award"):
                    out.append(("A", r["entry"], m["id"]))
                if m["id"] in promoted:
                    out.append(("L", r["entry"], m["id"]))
    return out


DEMO_DOC = json.load(open(DEMO, encoding="utf-8"))
RESULTS = json.load(open(GOLDEN, encoding="utf-8"))
OUT = os.path.join(TMP, "certs")


def new_db(name):
    """A fresh skillscore database in TMP (harness.empty_db)."""
    return empty_db(os.path.join(TMP, name))


DB = new_db("key.db")
# The address the QR codes point at: a public one, given on purpose (issue 15).
BASE = ("--base", "https://jieguo.example.cn")


@test
def test_rules_8_every_award_and_promotion_gets_a_certificate_with_its_fields():
    _, out, _ = run("certificates", DEMO, *BASE, "--out", OUT, "--db", DB)
    want = expected_certificates(RESULTS, DEMO_DOC)
    pdf = os.path.join(OUT, "certificates.pdf")
    assert page_count(pdf) == len(want), (page_count(pdf), len(want))
    people = {(e, m) for _, e, m in want}
    files = [f for f in os.listdir(OUT) if not f.startswith("certificates")]
    assert len(files) == len(people), (len(files), len(people))
    assert "%d certificates for %d people" % (len(want), len(people)) in out, out
    comp = DEMO_DOC["competition"]
    entries = {e["id"]: e for e in DEMO_DOC["entries"]}
    events = {e["id"]: e for e in DEMO_DOC["events"]}
    results = {r["entry"]: (g, r) for g in RESULTS["rankings"] for r in g["entries"]}
    texts = pages_text(pdf)
    # Each kind on its own paper: one combined file per kind, in the same order.
    award = pages_text(os.path.join(OUT, "certificates-award.pdf"))
    level = pages_text(os.path.join(OUT, "certificates-level.pdf"))
    assert award == [t for (k, _, _), t in zip(want, texts) if k == "A"]
    assert level == [t for (k, _, _), t in zip(want, texts) if k == "L"] and level
    for (kind, entry, member), text in zip(want, texts):
        flat = re.sub(r"\s+", "", text)
        g, r = results[entry]
        m = next(x for x in entries[entry]["members"] if x["id"] == member)
        title = "获奖证书" if kind == "A" else "职业技能等级证书"
        assert title in flat, (entry, flat[:80])
        for field in (m["name"], m["unit"], comp["name"], events[g["event"]]["name"], g["group"],
                      comp["certificate_issuer"], comp["appraisal_centre"] + "代章",
                      "2026年11月20日", "证书编号", "验证码"):
            assert field in flat, (entry, field, flat)
        if kind == "A":
            assert r["award"] in flat, (entry, r["award"])
            if r["award"] != "优胜奖":   # the placing in Chinese numerals, never 第1名
                assert "第%s名" % chinese_rank(r["rank"]) in flat, (entry, r["rank"], flat)
                assert not re.search(r"第\d+名", flat), flat
        else:
            level = next(p["to"] for p in r["promotions"] if p["member"] == member)
            assert "晋升" in flat and level in flat, (entry, level)
        number = re.search(r"证书编号：([A-Za-z0-9-]+)", flat).group(1)
        assert re.fullmatch(r"YNJS-2026-%s-%s\d{4}" % (g["event"], kind), number), number
        if len(entries[entry]["members"]) > 1:
            others = [x["name"] for x in entries[entry]["members"]]
            assert "团队成员：" + "、".join(others) in flat, flat


def register_rows(db):
    """{number: (holder, sig, revoked_at, revoked_why, replaced_by, prints)}."""
    con = sqlite3.connect(db)
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT number, holder, sig, revoked_at, revoked_why, replaced_by, prints "
        "FROM certificates")}
    con.close()
    return rows


def numbers_and_codes(pdf):
    """(number, short code) of each certificate, as printed beside its QR code."""
    out = []
    for text in pages_text(pdf):
        flat = re.sub(r"\s+", "", text)
        out.append((re.search(r"证书编号：(\S+?)验证码", flat).group(1),
                    re.search(r"验证码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", flat).group(1)))
    return out


@test
def test_rules_8_numbers_are_unique_and_printing_again_gives_the_same_numbers():
    first = numbers_and_codes(os.path.join(OUT, "certificates.pdf"))
    printed = {n: r[5] for n, r in register_rows(DB).items()}
    again = os.path.join(TMP, "again")
    run("certificates", DEMO, *BASE, "--out", again, "--db", DB)
    assert numbers_and_codes(os.path.join(again, "certificates.pdf")) == first
    # Each printing is counted in the register, from the command line as from the server.
    assert {n: r[5] for n, r in register_rows(DB).items()} == \
        {n: k + 1 for n, k in printed.items()}, "the printing was not counted"
    con = sqlite3.connect(DB)
    issues = [json.loads(d) for (d,) in con.execute(
        "SELECT detail FROM audit WHERE action = 'certificates_issue'")]
    con.close()
    assert sorted(issues[0]["numbers"]) == sorted(n for n, _ in first), issues
    assert len({n for n, _ in first}) == len(first)
    # A custom pattern is followed, and a pattern that would repeat numbers is refused.
    # (A fresh database: in DB these certificates are issued already, and an issued
    # certificate keeps its number whatever the pattern says now.)
    custom = os.path.join(TMP, "custom")
    run("certificates", DEMO, *BASE, "--out", custom, "--db", new_db("custom.db"), "--pattern",
        "ZS{year}{kind}{seq:5}")
    nums = [n for n, _ in numbers_and_codes(os.path.join(custom, "certificates.pdf"))]
    assert nums[0] == "ZS2026A00001" and len(set(nums)) == len(nums), nums[:3]
    kept = os.path.join(TMP, "kept")
    run("certificates", DEMO, *BASE, "--out", kept, "--db", DB, "--pattern", "ZS{year}{kind}{seq:5}",
        "--no-split")
    assert numbers_and_codes(os.path.join(kept, "certificates.pdf")) == first
    code, _, err = run("certificates", DEMO, *BASE, "--out", custom, "--db", DB, "--pattern",
                       "{code}-{event}", ok=False)
    assert code == 2 and "has no {seq}" in err, err
    code, _, err = run("certificates", DEMO, *BASE, "--out", custom, "--db", DB, "--pattern",
                       "{code}{seq}{month}", ok=False)
    assert code == 2 and "unknown placeholder {month}" in err, err


@test
def test_certificates_render_their_chinese_text_ocr_reads_it():
    pdf = os.path.join(OUT, "certificates.pdf")
    texts = pages_text(pdf)
    for page in (1, 2):  # an award certificate and a skill-level certificate
        # The QR code's pattern changes with the key and upsets tesseract's layout analysis:
        # read the page without it, as the part above it and the part to its right (the QR code
        # ends 154 pt from the left edge).
        parts = [render(pdf, page, 200, (0, 0, A4_LANDSCAPE[0], 420)),
                 render(pdf, page, 200, (158, 420, A4_LANDSCAPE[0] - 158, A4_LANDSCAPE[1] - 420))]
        share = ocr_share(parts, texts[page - 1])
        print("ocr share page %d: %.3f" % (page, share))
        assert share >= 0.85, (page, share)


@test
def test_the_qr_code_holds_the_verification_url_and_only_the_real_one_verifies():
    pdf = os.path.join(OUT, "certificates.pdf")
    number, code = numbers_and_codes(pdf)[0]
    url = qr_of(render(pdf, 1))
    sig = url.rsplit("sig=", 1)[1]
    assert url == "https://jieguo.example.cn/verify/%s?sig=%s" % (number, sig), url
    assert re.fullmatch(r"[0-9a-f]{32}", sig) and short(sig) == code, (sig, code)
    # The short code printed beside the QR verifies the same certificate.
    rc, out, _ = run("verify", url.replace(sig, code), "--db", DB)
    assert rc == 0 and "genuine" in out and number in out, out
    rc, out, _ = run("verify", url, "--db", DB, "--file", DEMO)
    assert rc == 0 and "genuine" in out and number in out, out
    forged_number = url.replace(number, number[:-1] + ("2" if number[-1] != "2" else "3"))
    rc, out, _ = run("verify", forged_number, "--db", DB, "--file", DEMO, ok=False)
    assert rc == 1 and "NOT GENUINE" in out, out
    forged_sig = url[:-1] + ("0" if url[-1] != "0" else "1")
    rc, out, _ = run("verify", forged_sig, "--db", DB, "--file", DEMO, ok=False)
    assert rc == 1 and "does not match" in out, out
    # Another server's key does not verify this certificate.
    other = new_db("other.db")
    run("certificates", DEMO, *BASE, "--out", os.path.join(TMP, "o"), "--db", other)
    rc, out, _ = run("verify", url, "--db", other, "--file", DEMO, ok=False)
    assert rc == 1 and "does not match" in out, out


@test
def test_certificates_need_a_verification_address_and_a_private_one_only_on_purpose():
    """Issue 15: without --base the QR codes pointed at 127.0.0.1:8080, which verify later
    called not genuine. Now the address is required, and a loopback or private one is refused
    unless the organizer allows it for a venue-only deployment, with a warning."""
    out = os.path.join(TMP, "based")
    code, _, err = run("certificates", DEMO, "--out", out, "--db", DB, ok=False)
    assert code == 2 and "--base" in err and "no verification address" in err, err
    for bad in ("ftp://x.cn", "https://x.cn/verify", "jieguo.example.cn", "https://x cn"):
        code, _, err = run("certificates", DEMO, "--out", out, "--db", DB, "--base", bad,
                           ok=False)
        assert code == 2 and "--base" in err, (bad, err)
    for private in ("http://127.0.0.1:8080", "http://192.168.1.10:8080", "http://10.0.0.5",
                    "http://172.20.1.1", "http://localhost:8080", "http://venue.local",
                    "http://[::1]:8080", "http://127.1", "http://[::ffff:127.0.0.1]",
                    "http://[0:0:0:0:0:0:0:1]", "http://[::]", "http://0.0.0.0",
                    "http://localhost.", "http://[fe80::1]"):
        code, _, err = run("certificates", DEMO, "--out", out, "--db", DB, "--base", private,
                           ok=False)
        assert code == 2 and "--allow-private" in err and "private" in err, (private, err)
    assert not os.path.exists(out), "nothing written for a refused address"
    code, _, err = run("certificates", DEMO, "--out", out, "--db", DB, "--base",
                       "http://192.168.1.10:8080/", "--allow-private", "--no-split")
    assert code == 0 and "warning" in err and "inside the venue" in err, err
    url = qr_of(render(os.path.join(out, "certificates.pdf"), 1))
    assert url.startswith("http://192.168.1.10:8080/verify/"), url


def long_names_file():
    doc = {
        "format": "skillscore/1",
        "competition": {"id": "LONG", "name": "2026年西双版纳傣族自治州第三届职业技能大赛暨全国技能大赛选拔赛",
                        "class": "prefecture", "code": "XSBN", "date": "2026-12-01",
                        "certificate_issuer": "2026年西双版纳傣族自治州第三届职业技能大赛组织委员会办公室",
                        "appraisal_centre": "西双版纳傣族自治州职业技能鉴定中心"},
        "events": [
            {"id": "E1", "name": "工业机器人系统运维员（工业机器人应用编程方向）", "criteria": [{"id": "A", "name": "操作", "max": 100}],
             "occupation": {"name": "工业机器人系统运维员", "top_level": "高级技师"}},
            {"id": "E2", "name": "汽车维修（团体）", "team_size": 3, "criteria": [{"id": "A", "name": "操作", "max": 100}]},
        ],
        "entries": [],
        "marks": [],
    }
    names = ["欧阳娜娜", "司马相如", "爱新觉罗·启星", "阿卜杜热合曼·买买提明·艾则孜", "李"]
    unit = "西双版纳傣族自治州勐海县勐遮镇曼弄村民委员会下属农业机械化服务专业合作社维修车间"
    for i, name in enumerate(names):
        doc["entries"].append({"id": "E1-%d" % i, "event": "E1", "members": [
            {"id": "P%d" % i, "name": name, "unit": unit, "level": None}]})
        doc["marks"].append({"entry": "E1-%d" % i, "criterion": "A", "judge": "J1", "score": 90 - i})
    for t in range(2):
        doc["entries"].append({"id": "E2-%d" % t, "event": "E2", "members": [
            {"id": "T%d%d" % (t, k), "name": n, "unit": unit, "level": None}
            for k, n in enumerate(["诸葛孔明明", "上官婉儿", "买买提·吐尔逊"])]})
        doc["marks"].append({"entry": "E2-%d" % t, "criterion": "A", "judge": "J1", "score": 80 - t})
    return doc


@test
def test_long_names_compound_surnames_long_units_and_teams_stay_on_the_page():
    path = os.path.join(TMP, "long.json")
    doc = long_names_file()
    json.dump(doc, open(path, "w", encoding="utf-8"), ensure_ascii=False)
    out = os.path.join(TMP, "long")
    run("certificates", path, *BASE, "--out", out, "--db", DB)
    run("sheets", path, "--out", out)
    for name in ("certificates.pdf", "results.pdf", "promotions.pdf", "cash.pdf"):
        pdf = os.path.join(out, name)
        bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, timeout=60,
                              check=True).stdout.decode()
        root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", bbox).replace(
            'xmlns="http://www.w3.org/1999/xhtml"', ""))
        pages = root.findall(".//page")
        assert pages, name
        for page in pages:
            w, h = float(page.get("width")), float(page.get("height"))
            for word in page.findall("word"):
                x0, y0, x1, y1 = (float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
                assert x0 >= 20 and y0 >= 10 and x1 <= w - 20 and y1 <= h - 10, \
                    (name, word.text, x0, y0, x1, y1, w, h)
    flat = re.sub(r"\s+", "", "".join(pages_text(os.path.join(out, "certificates.pdf"))))
    for n in ("阿卜杜热合曼·买买提明·艾则孜", "爱新觉罗·启星", "欧阳娜娜", "团队成员：诸葛孔明明、上官婉儿、买买提·吐尔逊"):
        assert n in flat, n
    assert doc["competition"]["certificate_issuer"] in flat


@test
def test_sheets_list_every_entry_with_signature_lines_and_page_numbers():
    out = os.path.join(TMP, "sheets")
    # With the database the roster lists the numbers its register issued (the first test).
    run("sheets", DEMO, "--out", out, "--db", DB)
    results = os.path.join(out, "results.pdf")
    texts = pages_text(results)
    n = len(texts)
    entries = {e["id"]: e for e in DEMO_DOC["entries"]}
    flat_all = re.sub(r"\s+", "", "".join(texts))
    for i, text in enumerate(texts):
        assert "第 %d 页 / 共 %d 页" % (i + 1, n) in text, (i, text[-200:])
        assert "成绩公示表" in text
    for g in RESULTS["rankings"]:
        assert "裁判长（签字）" in flat_all and "监督仲裁（签字）" in flat_all
        for r in g["entries"]:
            assert r["entry"] in flat_all, r["entry"]
            if r["total"]:
                assert r["total"] in flat_all, (r["entry"], r["total"])
            for m in entries[r["entry"]]["members"]:
                assert m["name"] in flat_all, m["name"]
    # 晋升名册: one row per promotion, with the level certificate's number.
    promos = [(r["entry"], p) for g in RESULTS["rankings"] for r in g["entries"]
              for p in r.get("promotions") or []]
    roster = re.sub(r"\s+", "", "".join(pages_text(os.path.join(out, "promotions.pdf"))))
    assert "共%d人" % len(promos) in roster, roster[:200]
    assert len(re.findall(r"YNJS-2026-E0\d-L\d{4}", roster)) == len(promos)
    con = sqlite3.connect(DB)
    issued = {n for (n,) in con.execute("SELECT number FROM certificates WHERE competition = "
                                        "'YN2026' AND holder LIKE 'L|%' AND revoked_at IS NULL")}
    con.close()
    assert set(re.findall(r"YNJS-2026-E0\d-L\d{4}", roster)) == issued, issued
    # Without it the column stays empty: numbers are never worked out again from a file.
    bare = os.path.join(TMP, "sheets-bare")
    _, _, err = run("sheets", DEMO, "--out", bare)
    assert "--db" in err, err
    roster = re.sub(r"\s+", "", "".join(pages_text(os.path.join(bare, "promotions.pdf"))))
    assert not re.findall(r"YNJS-2026-E0\d-L\d{4}", roster) and "共%d人" % len(promos) in roster
    for _, p in promos:
        member = next(m for e in DEMO_DOC["entries"] for m in e["members"] if m["id"] == p["member"])
        assert member["id_number"] in roster, member["name"]


@test
def test_skills_yunnan_item_28_cash_list_totals_are_exact():
    out = os.path.join(TMP, "sheets")
    text = re.sub(r"\s+", "", "".join(pages_text(os.path.join(out, "cash.pdf"))))
    entries = {e["id"]: e for e in DEMO_DOC["entries"]}
    people = sum(r["cash"]["per_person"] * len(entries[r["entry"]]["members"])
                 for g in RESULTS["rankings"] for r in g["entries"] if r.get("cash"))
    coach = sum(r["cash"]["coach"] for g in RESULTS["rankings"] for r in g["entries"] if r.get("cash"))
    assert people > 0 and coach > 0
    assert "奖金总额：%d元（获奖人员%d元，教练团队%d元）" % (people + coach, people, coach) in text, text[-300:]
    # Issue 15: the coach team's amount has a named payee, every row a signature column, and
    # no column head wraps (a wrapped head would come out of -raw split across lines).
    heads = subprocess.run(["pdftotext", "-raw", "-f", "1", "-l", "1",
                            os.path.join(out, "cash.pdf"), "-"], capture_output=True).stdout.decode()
    assert "序号 赛项 组别 名次 奖项 获奖人员 工作单位 每人奖金 人员小计 教练团队领款人 教练团队奖金 " \
        "领款人签字" in heads, heads[:600]
    named = [r for g in RESULTS["rankings"] for r in g["entries"]
             if r.get("cash") and r["cash"]["coach"] and entries[r["entry"]].get("coach")]
    assert named and all(entries[r["entry"]]["coach"] in text for r in named)
    assert "（须指定）" in text   # a coach amount without a named coach asks for one


@test
def test_server_serves_certificates_of_locked_events_and_verify_answers_for_them():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        # No verification address yet: no certificates are issued; sheets need none.
        st, doc = srv.json("GET", "/api/competitions/YN2026/reports/certificates.pdf", token=admin)
        assert st == 409 and doc["field"] == "verify_base", doc
        assert srv.request("GET", "/api/competitions/YN2026/reports/results.pdf",
                           token=admin)[0] == 200
        S = "/api/competitions/YN2026/settings"
        base = "http://127.0.0.1:%d" % srv.port
        st, doc = srv.json("POST", S, {"verify_base": base}, admin)
        assert st == 400 and doc["field"] == "verify_base" and "allow_private" in doc["error"], doc
        assert srv.json("POST", S, {"verify_base": base + "/x", "allow_private": True},
                        admin)[0] == 400
        assert srv.json("POST", S, {"verify_base": base}, srv.login("zhongcai", "demo-zhongcai"))[0] == 403
        st, doc = srv.json("POST", S, {"verify_base": base + "/", "allow_private": True}, admin)
        assert st == 200 and doc["verify_base"] == base and doc["private"] and doc["warning"], doc
        status, headers, body = srv.request("GET", "/api/competitions/YN2026/reports/certificates.pdf",
                                            token=admin)
        assert status == 200 and headers["content-type"] == "application/pdf", (status, body[:200])
        assert headers["content-disposition"].startswith('attachment; filename="YN2026-certificates.pdf"'), headers
        pdf = os.path.join(TMP, "server-certs.pdf")
        open(pdf, "wb").write(body)
        # E01 is the demo's only locked event: its certificates, nothing of E02 or E03.
        e01 = [c for c in expected_certificates(RESULTS, DEMO_DOC) if c[1].startswith("E01")]
        assert page_count(pdf) == len(e01), (page_count(pdf), len(e01))
        url = qr_of(render(pdf, 1))
        assert url.startswith("http://127.0.0.1:%d/verify/YNJS-2026-E01-A0001?sig=" % srv.port), url
        path = url[len("http://127.0.0.1:%d" % srv.port):]
        status, headers, page = srv.request("GET", path)
        page = page.decode()
        _, entry1, member1 = e01[0]
        name = next(m["name"] for e in DEMO_DOC["entries"] if e["id"] == entry1
                    for m in e["members"] if m["id"] == member1)
        assert name in re.sub(r"\s+", "", pages_text(pdf)[0]), name
        assert status == 200 and "真实有效" in page and name in page, (status, name, page[:300])
        status, _, page = srv.request("GET", path[:-1] + ("0" if path[-1] != "0" else "1"))
        assert status == 404 and "不是有效证书" in page.decode()
        status, doc = srv.json("GET", path + "&format=json")
        assert status == 200 and doc["genuine"] and doc["certificate"]["name"] == name, doc
        status, doc = srv.json("GET", "/verify/NOPE-1?sig=00&format=json")
        assert status == 404 and not doc["genuine"], doc
        kinds = {}
        for kind in ("award", "level"):
            st, headers, body = srv.request("GET", "/api/competitions/YN2026/reports/"
                                            "certificates.pdf?kind=" + kind, token=admin)
            assert st == 200 and ("certificates-%s.pdf" % kind) in headers["content-disposition"]
            f = os.path.join(TMP, "server-%s.pdf" % kind)
            open(f, "wb").write(body)
            kinds[kind] = page_count(f)
        assert kinds["award"] + kinds["level"] == len(e01) and kinds["level"] > 0, kinds
        assert srv.json("GET", "/api/competitions/YN2026/reports/certificates.pdf?kind=x",
                        token=admin)[0] == 400
        for report in ("results.pdf", "promotions.pdf", "cash.pdf"):
            status, headers, body = srv.request("GET", "/api/competitions/YN2026/reports/" + report,
                                                token=admin)
            assert status == 200 and body.startswith(b"%PDF"), (report, status)
        assert srv.request("GET", "/api/competitions/YN2026/reports/certificates.pdf")[0] == 401
        judge = srv.login(judge="J07", pin="202607")
        assert srv.request("GET", "/api/competitions/YN2026/reports/results.pdf", token=judge)[0] == 403
        assert srv.json("GET", "/api/competitions/YN2026/reports/x.pdf", token=admin)[0] == 404
        srv.stop()
        # Offline, with the server's database: the same answer.
        rc, out, _ = run("verify", url, "--db", srv.db)
        assert rc == 0 and "genuine" in out and name in out, out
        rc, out, _ = run("verify", url.replace("A0001", "A0002"), "--db", srv.db, ok=False)
        assert rc == 1 and "NOT GENUINE" in out, out
    finally:
        srv.stop()


@test
def test_the_register_keeps_issued_numbers_and_revokes_only_what_arbitration_changed():
    """Issue 15: certificates are issued, not recomputed. After arbitration changes E01 and it is
    locked again, a certificate whose facts still hold keeps its number and code; one whose
    facts changed verifies as 已作废 and names its replacement, which verifies."""
    import uuid
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        C = "/api/competitions/YN2026"
        assert srv.json("POST", C + "/settings", {"verify_base": "https://jieguo.example.cn"},
                        admin)[0] == 200
        pdf1 = os.path.join(TMP, "reg-1.pdf")
        status, _, body = srv.request("GET", C + "/reports/certificates.pdf", token=admin)
        assert status == 200
        open(pdf1, "wb").write(body)
        first = numbers_and_codes(pdf1)
        # Printing again: the same numbers and codes, and the same bytes.
        body2 = srv.request("GET", C + "/reports/certificates.pdf", token=admin)[2]
        assert body2 == body, "printing again changed the PDF"
        # Every printed certificate is in the register, as printed (read from the database;
        # /verify answers a phone a few times a minute, not a test hundreds of times).
        db = sqlite3.connect(srv.db)
        reg = {n: (sg, json.loads(f)) for n, sg, f in db.execute(
            "SELECT number, sig, facts FROM certificates WHERE revoked_at IS NULL")}
        db.close()
        assert {n: short(sg) for n, (sg, _) in reg.items()} == dict(first), "register != printed"
        facts1 = {n: f for n, (_, f) in reg.items()}
        # Arbitration: E01 unlocked, the lowest-ranked award winner of 职工组 corrected upwards.
        arb = srv.login("zhongcai", "demo-zhongcai")
        assert srv.json("POST", C + "/events/E01/unlock", {"reason": "申诉复核：评分有误"},
                        arb)[0] == 200
        results = srv.json("GET", C + "/results", token=admin)[1]
        g = next(x for x in results["rankings"] if x["event"] == "E01" and x["group"] == "职工组")
        low = max((e for e in g["entries"] if e["award"]), key=lambda e: e["rank"])
        for judge in ("J01", "J02", "J03", "J04", "J05"):
            for crit, score in (("A", 20), ("B", 60)):
                st, doc = srv.json("POST", C + "/corrections",
                                   {"id": str(uuid.uuid4()), "entry": low["entry"],
                                    "criterion": crit, "judge": judge, "score": score,
                                    "reason": "仲裁决定更正"}, admin)
                assert st == 201, doc
        chief = srv.login(judge="J01", pin=demo_pin("J01"))
        st, doc = srv.json("POST", C + "/events/E01/lock", {}, chief)
        assert st == 200, doc
        st, doc = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 200 and doc["certificates"]["synced"], doc
        # Publication itself revokes what changed: a phone checking an old certificate reads
        # 已作废 before anyone prints again.
        db = sqlite3.connect(srv.db)
        gone_now = db.execute("SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL"
                              ).fetchone()[0]
        db.close()
        assert gone_now == doc["certificates"]["revoked"] >= 2, (gone_now, doc)
        pdf2 = os.path.join(TMP, "reg-2.pdf")
        status, _, body = srv.request("GET", C + "/reports/certificates.pdf", token=admin)
        assert status == 200, body[:300]
        open(pdf2, "wb").write(body)
        second = dict(numbers_and_codes(pdf2))
        db = sqlite3.connect(srv.db)
        rows = {n: (sg, json.loads(f), rv, why, by) for n, sg, f, rv, why, by in db.execute(
            "SELECT number, sig, facts, revoked_at, revoked_why, replaced_by FROM certificates")}
        db.close()
        kept = revoked = 0
        for number, sig in first:
            _, old, revoked_at, why, new = rows[number]
            if revoked_at is None:
                assert second.get(number) == sig == short(rows[number][0]), ("a kept one changed",
                                                                            number)
                kept += 1
                continue
            assert why and number not in second, (number, why)
            if new:
                assert new in second and new not in dict(first), (number, new)
                now = rows[new][1]
                assert now["name"] == old["name"] and rows[new][2] is None, (old, now)
                changed = {k for k in ("rank", "award", "level", "group") if now.get(k) != old.get(k)}
                assert changed, ("revoked though nothing changed", old, now)
            revoked += 1
        assert kept >= 1 and revoked >= 2, (kept, revoked)
        assert sorted(second) == sorted(n for n, r in rows.items() if r[2] is None)
        # What a phone sees: a kept one is genuine, a revoked one says 已作废 and names its
        # replacement, which is genuine.
        k = next(n for n, sg in first if rows[n][2] is None)
        st, doc = srv.json("GET", "/verify/%s?sig=%s&format=json" % (k, dict(first)[k]))
        assert st == 200 and doc["genuine"], doc
        gone = next(n for n, sg in first if rows[n][2] is not None and rows[n][4])
        st, doc = srv.json("GET", "/verify/%s?sig=%s&format=json" % (gone, dict(first)[gone]))
        assert st == 410 and doc["revoked"] and doc["certificate"]["replaced_by"] == rows[gone][4]
        new = rows[gone][4]
        st, doc = srv.json("GET", "/verify/%s?sig=%s&format=json" % (new, second[new]))
        assert st == 200 and doc["genuine"], doc
        # The page a phone shows for a revoked certificate.
        page = srv.request("GET", "/verify/%s?sig=%s" % (gone, dict(first)[gone]))[2].decode()
        assert "已作废" in page and "作废原因" in page and new in page and "北京时间" in page, \
            page[:400]
        # Someone without a phone camera types the number and the short code into the form.
        st, _, page = srv.request("GET", "/verify/")
        page = page.decode()
        assert st == 200 and '<form' in page and 'name="number"' in page and 'name="sig"' in page
        st, _, page = srv.request("GET", "/verify?number=%s&sig=%s" % (
            new, second[new].lower().replace("-", "%20")))
        page = page.decode()
        assert st == 200 and "真实有效" in page, (st, page[:400])
        st, _, page = srv.request("GET", "/verify/?number=%s&sig=%s" % (new, "ABCD-EFGH"))
        page = page.decode()
        assert st == 404 and "不是有效证书" in page and "<form" in page, (st, page[:400])
    finally:
        srv.stop()


def cli(args, cwd=None):
    """The CLI in cwd: (exit status, stdout, stderr)."""
    p = subprocess.run([BIN] + list(args), capture_output=True, timeout=300, cwd=cwd,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    err = p.stderr.decode()
    assert "AddressSanitizer" not in err and "runtime error" not in err, err[-3000:]
    return p.returncode, p.stdout.decode(), err


@test
def test_certificates_need_an_existing_database_and_a_changed_file_reissues_only_on_purpose():
    """Issue 15 audit: `certificates` without --db made ./skillscore.db with a new key, whose
    certificates the venue server could not verify; `sheets` and `verify --file` worked the
    numbers out again from a file, so after a change they listed revoked numbers and called the
    reissued certificates not genuine. Now --db must name an existing skillscore database; a
    file that would revoke anything is refused unless --reissue gives the reason; sheets and
    verify read the register."""
    work = tempfile.mkdtemp(dir=TMP)
    out = os.path.join(work, "out")
    notdb = os.path.join(TMP, "not-a-db.db")
    open(notdb, "w").write("hello")
    for args, want in (((), "需要 --db"), (("--db", os.path.join(work, "nope.db")), "文件不存在"),
                       (("--db", notdb), "不是 skillscore 数据库")):
        code, _, err = cli(["certificates", DEMO, *BASE, "--out", out] + list(args), cwd=work)
        assert code == 2 and "--db" in err and want in err, (args, err)
    assert os.listdir(work) == [], os.listdir(work)   # no database made, nothing written
    assert open(notdb).read() == "hello"

    db = new_db("reissue.db")
    first = os.path.join(work, "first")
    run("certificates", DEMO, *BASE, "--out", first, "--db", db)
    issued = register_rows(db)
    # The results change: E01-W10 (bronze, 8th of 职工组) gets full marks on A and B.
    doc = json.loads(json.dumps(DEMO_DOC))
    for m in doc["marks"]:
        if m["entry"] == "E01-W10" and m["criterion"] in ("A", "B"):
            m["score"] = {"A": 20, "B": 60}[m["criterion"]]
    changed = os.path.join(work, "changed.json")
    json.dump(doc, open(changed, "w", encoding="utf-8"), ensure_ascii=False)
    second = os.path.join(work, "second")
    code, _, err = run("certificates", changed, *BASE, "--out", second, "--db", db, ok=False)
    assert code == 2 and "--reissue" in err and "将被作废" in err, err
    assert register_rows(db) == issued and not os.path.exists(second), "a refusal changed things"
    why = "仲裁更正：E01-W10 的 A、B 项评分"
    run("certificates", changed, *BASE, "--out", second, "--db", db, "--reissue", why)
    now = register_rows(db)
    revoked = {n: r for n, r in now.items() if r[2]}
    assert revoked and all(r[3] == why for r in revoked.values()), revoked
    assert any(r[4] for r in revoked.values()), revoked
    # A stale file cannot undo the change now either.
    code, _, err = run("certificates", DEMO, *BASE, "--out", os.path.join(work, "stale"),
                       "--db", db, ok=False)
    assert code == 2 and "--reissue" in err and register_rows(db) == now, err

    # verify: the old one is revoked naming its replacement; the replacement is genuine, also
    # with --file of the file it was issued from; the stale file disagrees, and says where.
    for old, (_, sig, _, _, new, _) in revoked.items():
        code, out_, _ = run("verify", "https://jieguo.example.cn/verify/%s?sig=%s" % (old, sig),
                            "--db", db, ok=False)
        assert code == 1 and "已作废" in out_ and why in out_, out_
        if not new:
            assert "无替代证书" in out_, out_
            continue
        assert new in out_, out_
        url = "https://jieguo.example.cn/verify/%s?sig=%s" % (new, now[new][1])
        code, out_, _ = run("verify", url, "--db", db)
        assert code == 0 and "genuine" in out_ and new in out_, out_
        code, out_, _ = run("verify", url, "--db", db, "--file", changed)
        assert code == 0 and "与文件一致" in out_, out_
        code, out_, _ = run("verify", url, "--db", db, "--file", DEMO, ok=False)
        assert code == 1 and "genuine" in out_ and "与文件不符" in out_, out_

    # sheets: the roster lists the register's numbers, the new ones included.
    sheets = os.path.join(work, "sheets")
    run("sheets", changed, "--out", sheets, "--db", db)
    roster = set(re.findall(r"YNJS-2026-E0\d-L\d{4}", re.sub(r"\s+", "", "".join(
        pages_text(os.path.join(sheets, "promotions.pdf"))))))
    active_levels = {n for n, r in now.items() if r[0].startswith("L|") and not r[2]}
    assert roster == active_levels, (roster ^ active_levels)
    new_levels = active_levels - set(issued)   # E01-W10's 技师, issued by the change
    assert new_levels and not (roster & set(revoked)), (new_levels, roster & set(revoked))
    # With the stale file, E01-W09 (promoted there, not now) has no number to list: its
    # certificate was revoked, and no revoked number is printed.
    run("sheets", DEMO, "--out", sheets, "--db", db)
    text = re.sub(r"\s+", "", "".join(pages_text(os.path.join(sheets, "promotions.pdf"))))
    assert "未签发" in text and not (set(re.findall(r"YNJS-2026-E0\d-L\d{4}", text)) &
                                    set(revoked)), text[:400]


@test
def test_verify_reads_the_register_across_a_hundred_competitions_in_one_database():
    """Issue 15: verification looks a number up in the register, so the 100th competition's
    certificates verify as the first's do (the old way rebuilt at most 64)."""
    db = new_db("hundred.db")
    base = json.load(open(os.path.join(ROOT, "tests", "golden", "basic.in.json"), encoding="utf-8"))
    for i in range(100):
        doc = json.loads(json.dumps(base))
        doc["competition"]["id"] = "C%03d" % i
        doc["competition"]["code"] = "C%03d" % i
        f = os.path.join(TMP, "c%03d.json" % i)
        json.dump(doc, open(f, "w", encoding="utf-8"), ensure_ascii=False)
        run("certificates", f, *BASE, "--out", os.path.join(TMP, "h"), "--db", db, "--no-split",
            "--no-combined")
    con = sqlite3.connect(db)
    per = dict(con.execute("SELECT competition, count(*) FROM certificates GROUP BY competition"))
    picks = [con.execute("SELECT number, sig FROM certificates WHERE competition = ? LIMIT 1",
                         (c,)).fetchone() for c in ("C000", "C064", "C099")]
    con.close()
    assert len(per) == 100 and len(set(per.values())) == 1, per
    for number, sig in picks:
        rc, out, _ = run("verify", "http://x/verify/%s?sig=%s" % (number, sig), "--db", db)
        assert rc == 0 and "genuine" in out, out
        rc, out, _ = run("verify", "http://x/verify/%s?sig=%s" % (number, "0" * 32), "--db", db,
                         ok=False)
        assert rc == 1 and "NOT GENUINE" in out, out


def fetch_pdf(srv, path, token, name):
    status, headers, body = srv.request("GET", path, token=token)
    if status != 200:
        return status, body, None
    f = os.path.join(TMP, name)
    with open(f, "wb") as out:
        out.write(body)
    return status, body, f


@test
def test_day_papers_forms_carry_numbers_only_slips_open_checkin_sealed_list_is_counted():
    """Issue 19: the paper of the day. The judges' fallback forms show 工位号 in number order and
    never a contestant's name; the admission slips carry name, 参赛号 and a QR that opens check-in
    on that entry; the sealed draw list joins numbers to names, is printed once by the organizer
    and after that only by arbitration, every print counted on the page and in the audit chain."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        C = "/api/competitions/YN2026"
        status, sheet = srv.json("GET", C + "/events/E02/sheet", token=admin)
        assert status == 200, sheet
        numbers = {r["entry"]: r["number"] for r in sheet["rows"]}
        e02 = [e for e in DEMO_DOC["entries"] if e["event"] == "E02"]
        names = [m["name"] for e in e02 for m in e["members"]]
        judges = [j for j in DEMO_DOC["judges"] if "E02" in j["events"]]

        # Forms: one per judge of the event, numbers in order, no contestant names or ids.
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        status, _, forms = fetch_pdf(srv, C + "/events/E02/forms.pdf", chief, "forms.pdf")
        assert status == 200, status
        pages = pages_text(forms)
        text = "".join(pages)
        for j in judges:
            assert ("裁判 %s %s" % (j["id"], j["name"])) in text, j
        for n in names:
            assert n not in text, n
        for e in e02:
            assert e["id"] not in text, e["id"]
        first = [ln for ln in pages[0].splitlines() if re.fullmatch(r"\d{2}", ln.strip())]
        assert first == sorted(first) and first[0] == min(numbers.values()), first
        for crit in ("电气线路安装", "故障排除"):
            assert crit in text, crit
        # Only the chief of the event, the organizer; not a judge, not another event's chief.
        other = srv.login(judge="J01", pin=demo_pin("J01"))
        assert srv.request("GET", C + "/events/E02/forms.pdf", token=other)[0] == 403
        judge = srv.login(judge="J07", pin=demo_pin("J07"))
        assert srv.request("GET", C + "/events/E02/forms.pdf", token=judge)[0] == 403
        assert srv.request("GET", C + "/events/E99/forms.pdf", token=admin)[0] == 404

        # Slips: every E02 contestant's name and 参赛号; the QR opens check-in on the entry.
        status, _, slips = fetch_pdf(srv, C + "/slips.pdf?event=E02", admin, "slips.pdf")
        assert status == 200, status
        text = "".join(pages_text(slips))
        for e in e02:
            assert e["id"] in text and e["members"][0]["name"] in text, e["id"]
        url = qr_of(render(slips, 1, crop=(130, 40, 160, 120)))
        q = urllib.parse.urlparse(url)
        assert q.path == "/checkin/" and urllib.parse.parse_qs(q.query)["c"] == ["YN2026"], url
        assert urllib.parse.parse_qs(q.query)["entry"][0] in {e["id"] for e in e02}, url
        assert srv.request("GET", C + "/slips.pdf", token=chief)[0] == 403

        # Sealed list: the organizer prints it once; again is arbitration's, and counted.
        status, _, sealed = fetch_pdf(srv, C + "/events/E02/sealed.pdf", admin, "sealed.pdf")
        assert status == 200, status
        text = "".join(pages_text(sealed))
        assert "第 1 次打印" in text, text[:200]
        for entry, number in numbers.items():
            assert re.search(r"(?m)^%s %s " % (number, entry), text), (number, entry)
        status, body, _ = fetch_pdf(srv, C + "/events/E02/sealed.pdf", admin, "sealed2.pdf")
        assert status == 409 and "监督仲裁" in body.decode(), body
        assert srv.request("GET", C + "/events/E02/sealed.pdf", token=chief)[0] == 403
        arb = srv.login("zhongcai", "demo-zhongcai")
        status, _, again = fetch_pdf(srv, C + "/events/E02/sealed.pdf", arb, "sealed3.pdf")
        assert status == 200 and "第 2 次打印" in "".join(pages_text(again)), status

        # Every Chinese glyph is really drawn: OCR reads what the text layer says.
        first_slip = "\n".join(pages_text(slips)[0].splitlines()[:8])
        for pdf, crop, want in ((forms, None, pages_text(forms)[0]),
                                (sealed, None, pages_text(sealed)[0]),
                                (slips, (25, 15, 170, 185), first_slip)):  # left of its QR
            share = ocr_share([render(pdf, 1, 200, crop)], want)
            print("ocr share %s: %.3f" % (os.path.basename(pdf), share))
            assert share >= 0.85, (pdf, share)
    finally:
        srv.stop()
    db = sqlite3.connect(srv.db)
    prints = db.execute("SELECT actor FROM audit WHERE action = 'sealed_print' ORDER BY seq").fetchall()
    db.close()
    assert [p[0] for p in prints] == ["admin", "zhongcai"], prints


if __name__ == "__main__":
    code = summary()
    if os.environ.get("SKILLSCORE_KEEP"):
        print("PDFs kept in " + TMP)
    else:
        shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(code)
