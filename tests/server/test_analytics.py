#!/usr/bin/env python3
"""Judge analytics (裁判评分分析, issue 18) through the real server: a generated event whose five
judges mark on their tablets, one of them 15% lenient; the analytics flag that judge and no other,
name no contestant, are refused to judges, and come out as a 裁判评分分析表 that pdftotext and
tesseract (chi_sim) read. Every figure is checked against an independent computation here, in
exact fractions, of the formulas in docs/analytics.md. Run by tests/run.sh; prints "N passed,
N failed"."""
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, Server, post_marks_as_judges, summary, test  # noqa: E402

TMP = tempfile.mkdtemp(prefix="skillscore-analytics-")
SEED = 20261118
CRITERIA = [("A", "焊接工艺", 40), ("B", "焊缝质量", 35), ("C", "安全文明生产", 25)]
JUDGES = [("J1", "杨建华"), ("J2", "李国强"), ("J3", "王丽萍"), ("J4", "赵志刚"), ("J5", "陈晓燕")]
LENIENT = "J3"
SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟"]
UNITS = ["昆明冶金高等专科学校", "曲靖市技师学院", "玉溪工业财贸学校", "大理州技工学校",
         "红河州高级技工学校"]


def generate(comp_id, seed=SEED, n=30, factor=Fraction(115, 100), analytics=None):
    """A competition with one event, 5 listed judges (J1 chief), n entries, 3 criteria. Each entry
    has a true quality; each judge marks it with small noise; LENIENT's marks are × factor,
    capped at the maximum. Marks are whole hundredths."""
    rnd = random.Random(seed)
    entries, marks = [], []
    for i in range(n):
        eid = "W%02d" % (i + 1)
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        entries.append({"id": eid, "event": "E1", "members": [
            {"id": "P%02d" % (i + 1), "name": name, "unit": UNITS[i % len(UNITS)]}]})
        quality = rnd.uniform(0.45, 0.95)
        for cid, _, mx in CRITERIA:
            q = min(1.0, max(0.0, quality + rnd.uniform(-0.05, 0.05)))
            for j, _ in JUDGES:
                v = min(mx * 100, max(0, round(mx * 100 * (q + rnd.gauss(0, 0.02)))))
                if j == LENIENT:
                    v = min(mx * 100, round(v * factor))
                marks.append({"entry": eid, "criterion": cid, "judge": j, "score": v / 100})
    event = {"id": "E1", "name": "焊工", "criteria": [{"id": c, "name": nm, "max": mx}
                                                      for c, nm, mx in CRITERIA]}
    if analytics:
        event["analytics"] = analytics
    doc = {"format": "skillscore/1",
           "competition": {"id": comp_id, "name": "2026年云南省焊工职业技能竞赛",
                           "class": "provincial"},
           "events": [event],
           "judges": [{"id": j, "name": nm, "events": ["E1"], "chief": j == "J1"}
                      for j, nm in JUDGES],
           "entries": entries}
    return doc, marks


# ---- the formulas, computed here independently (docs/analytics.md) ---------------------------

def centi(score):
    return round(score * 100)


def round_away(x):
    """A Fraction to the nearest integer, halves away from zero."""
    n = abs(x)
    r = int(n + Fraction(1, 2))
    return r if x >= 0 else -r


def median(values):
    s = sorted(values)
    n = len(s)
    return Fraction(s[n // 2]) if n % 2 else Fraction(s[n // 2 - 1] + s[n // 2], 2)


def mid_ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [Fraction(0)] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = Fraction(i + j + 2, 2)
        i = j + 1
    return ranks


def expected(marks):
    """{judge: (leniency in hundredths of a percent, rho in hundredths or None, flags)}."""
    maxima = {c: mx * 100 for c, _, mx in CRITERIA}
    slots = collections.defaultdict(dict)
    for m in marks:
        slots[(m["entry"], m["criterion"])][m["judge"]] = centi(m["score"])
    out = {}
    for j, _ in JUDGES:
        dev, mx_sum, flags = Fraction(0), 0, 0
        tot_j, tot_p = collections.defaultdict(int), collections.defaultdict(Fraction)
        for (e, c), panel in slots.items():
            if j not in panel:
                continue
            med = median(panel.values())
            tot_j[e] += panel[j]
            tot_p[e] += med
            if len(panel) >= 2:
                dev += panel[j] - med
                mx_sum += maxima[c]
            spread = max(panel.values()) - min(panel.values())
            far = max(abs(v - med) for v in panel.values())
            if spread * 100 > maxima[c] * 20 and len(panel) >= 3 and far > 0 \
                    and abs(panel[j] - med) == far:
                flags += 1
        es = sorted(tot_j)
        rj, rp = mid_ranks([tot_j[e] for e in es]), mid_ranks([tot_p[e] for e in es])
        n = len(es)
        rho = 1 - Fraction(6) * sum((a - b) ** 2 for a, b in zip(rj, rp)) / (n * (n * n - 1))
        out[j] = (round_away(10000 * dev / mx_sum), round_away(100 * rho), flags)
    return out


def hundredths(text):
    return None if text is None else round(Fraction(text) * 100)


# ---- PDF read back (as tests/reports/test_reports.py does) -------------------------------------

def pages_text(pdf):
    out = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, timeout=60,
                         check=True).stdout.decode()
    return out.split("\f")[:-1]


def render(pdf, page, dpi=200):
    base = os.path.join(TMP, "page-%d" % page)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", pdf, base], capture_output=True, timeout=60, check=True)
    return base + ".png"


def han(text):
    return [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]


def ocr_share(png, expected_text):
    """The share of the page's Chinese characters (its text layer) that OCR reads in png."""
    p = subprocess.run(["tesseract", png, "-", "-l", "chi_sim", "--psm", "4"],
                       capture_output=True, timeout=120)
    got = collections.Counter(han(p.stdout.decode()))
    want = collections.Counter(han(expected_text))
    return sum(min(n, got[ch]) for ch, n in want.items()) / max(1, sum(want.values()))


def fetch(srv, path, token, name):
    status, _, body = srv.request("GET", path, token=token)
    f = os.path.join(TMP, name)
    if status == 200:
        with open(f, "wb") as out:
            out.write(body)
    return status, f


def marked_competition(srv, admin, comp_id, tweak=None, **kw):
    """Imports a generated competition without marks, draws its numbers, and has each judge
    sign in with a PIN and mark on their tablet (marks changed by tweak first, if given).
    Returns (doc, marks, pins)."""
    doc, marks = generate(comp_id, **kw)
    if tweak:
        tweak(marks)
    status, body = srv.json("POST", "/api/competitions", doc, admin)
    assert status == 201, (status, body)
    C = "/api/competitions/" + comp_id
    assert srv.json("POST", C + "/events/E1/draw", {}, admin)[0] == 200
    status, sheet = srv.json("GET", C + "/events/E1/sheet", token=admin)
    assert status == 200, sheet
    numbers = {r["entry"]: r["number"] for r in sheet["rows"]}
    pins = {}
    for j, _ in JUDGES:
        status, body = srv.json("POST", C + "/judges/%s/pin" % j, {}, admin)
        assert status == 201, body
        pins[j] = body["pin"]
    post_marks_as_judges(srv, marks, numbers, competition=comp_id, pins=pins)
    return doc, marks, pins


def no_key(doc, keys):
    """Whether no object anywhere in doc has one of keys."""
    if isinstance(doc, dict):
        return not (set(doc) & keys) and all(no_key(v, keys) for v in doc.values())
    if isinstance(doc, list):
        return all(no_key(v, keys) for v in doc)
    return True


SRV = None


def server():
    global SRV
    if SRV is None:
        SRV = Server()
    return SRV


@test
def test_the_lenient_judge_is_flagged_and_no_other_with_the_figures_of_docs_analytics_md():
    srv = server()
    admin = srv.admin()
    doc, marks, pins = marked_competition(srv, admin, "WELD")
    status, a = srv.json("GET", "/api/competitions/WELD/events/E1/analytics", token=admin)
    assert status == 200, a
    assert [j["id"] for j in a["judges"]] == [j for j, _ in JUDGES], a["judges"]
    assert a["thresholds"] == {"leniency_percent": "5.00", "min_correlation": "0.50",
                               "correlation_min_entries": 5, "max_flags": 3,
                               "discrepancy_percent": "20.00"}, a["thresholds"]
    flagged = {j["id"]: j["reasons"] for j in a["judges"] if j["flagged"]}
    assert flagged == {LENIENT: ["lenient"]}, flagged
    assert a["flagged"] == 1
    want = expected(marks)
    for j in a["judges"]:
        len_, rho, flags = want[j["id"]]
        print("  %s leniency %s%% rho %s flags %d" % (j["id"], j["leniency"], j["rho"],
                                                    j["flags"]))
        assert hundredths(j["leniency"]) == len_, (j["id"], j["leniency"], len_)
        assert hundredths(j["rho"]) == rho, (j["id"], j["rho"], rho)
        assert j["flags"] == flags, (j["id"], j["flags"], flags)
        assert j["marks"] == 30 * 3 and j["rho_entries"] == 30, j
        assert [i["item"] for i in j["items"]] == ["A", "B", "C"], j["items"]
        assert sum(i["marks"] for i in j["items"]) == j["marks"]
    j3 = next(j for j in a["judges"] if j["id"] == LENIENT)
    assert hundredths(j3["leniency"]) > 500 and j3["reason_text"].startswith("偏松：宽严度 +"), j3
    assert all(abs(hundredths(j["leniency"])) <= 500 for j in a["judges"] if j["id"] != LENIENT)
    assert next(j for j in a["judges"] if j["id"] == "J1")["chief"] is True

    # Blind judging: nothing in the answer names an entry, a number, a contestant or a unit.
    text = json.dumps(a, ensure_ascii=False)
    assert no_key(a, {"entry", "entries", "number", "unit", "members"}), text[:300]
    for e in doc["entries"]:
        assert e["id"] not in text, e["id"]
        for m in e["members"]:
            assert m["name"] not in text and m["unit"] not in text, m

    # The event's chief judge sees the same while marking.
    chief = srv.login(judge="J1", pin=pins["J1"], competition="WELD")
    status, b = srv.json("GET", "/api/competitions/WELD/events/E1/analytics", token=chief)
    assert status == 200 and b == a, status


@test
def test_only_the_chief_the_organizer_and_arbitration_may_see_the_analytics():
    srv = server()
    admin = srv.admin()
    pins = {}
    for j, _ in JUDGES:
        pins[j] = srv.json("POST", "/api/competitions/WELD/judges/%s/pin" % j, {}, admin)[1]["pin"]
    for user, role in (("zhongcai", "arbitration"), ("dapin", "display")):
        assert srv.json("POST", "/api/users", {"user": user, "role": role,
                                               "password": "a-password"}, admin)[0] == 201
    tokens = {"admin": admin, "arbitration": srv.login("zhongcai", "a-password"),
              "chief": srv.login(judge="J1", pin=pins["J1"], competition="WELD"),
              "judge": srv.login(judge="J2", pin=pins["J2"], competition="WELD"),
              "lenient judge": srv.login(judge="J3", pin=pins["J3"], competition="WELD"),
              "display": srv.login("dapin", "a-password"), "anonymous": None}
    want = {"admin": 200, "arbitration": 200, "chief": 200, "judge": 403, "lenient judge": 403,
            "display": 403, "anonymous": 401}
    for path in ("/analytics", "/reports/analytics.pdf"):
        for who, token in tokens.items():
            status, _, body = srv.request("GET", "/api/competitions/WELD/events/E1" + path,
                                          token=token)
            assert status == want[who], (path, who, status, body[:200])
            if status != 200:
                assert b"leniency" not in body and b"%PDF" not in body[:8], body[:200]
    assert srv.request("GET", "/api/competitions/WELD/events/E9/analytics", token=admin)[0] == 404


@test
def test_the_pdf_names_the_judges_marks_only_the_lenient_one_and_ocr_reads_it():
    srv = server()
    admin = srv.admin()
    status, pdf = fetch(srv, "/api/competitions/WELD/events/E1/reports/analytics.pdf", admin,
                        "server.pdf")
    assert status == 200, status
    pages = pages_text(pdf)
    text = "".join(pages)
    assert "裁判评分分析表" in pages[0] and "赛项：E1 焊工" in pages[0], pages[0][:300]
    assert "第 1 页 / 共 %d 页" % len(pages) in pages[0]
    for j, name in JUDGES:
        rows = [ln for ln in pages[0].splitlines() if ln.startswith(j + " ")]
        assert len(rows) == 1, (j, rows)
        assert name in rows[0], rows[0]
        # 关注 (and its reason) on the lenient judge's row only.
        assert ("关注：偏松" in rows[0]) == (j == LENIENT), rows[0]
        assert ("裁判 %s %s" % (j, name)) in text, j
    assert text.count("【关注】") == 1 and "【关注】偏松：宽严度 +" in text, text.count("【关注】")
    assert "裁判长：" in text and "监督仲裁：" in text
    assert "评分进行中" in text
    doc, _ = generate("WELD")
    for e in doc["entries"]:
        assert e["id"] not in text and e["members"][0]["name"] not in text, e["id"]

    # The same figures from the file: the CLI on the server's export prints the same tables.
    status, _, export = srv.request("GET", "/api/competitions/WELD/export", token=admin)
    assert status == 200
    path = os.path.join(TMP, "weld.json")
    with open(path, "wb") as f:
        f.write(export)
    out = os.path.join(TMP, "cli.pdf")
    p = subprocess.run([BIN, "analytics", path, "--event", "E1", "--out", out],
                       capture_output=True, timeout=120,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    assert p.returncode == 0 and b"1 flagged" in p.stdout, (p.returncode, p.stderr[-2000:])
    cli = "".join(pages_text(out))
    assert cli.replace("依据竞赛文件中的全部评分。", "") == \
        text.replace("评分进行中：依据截至打印时已提交的评分，结果可能变化。", ""), "CLI and server differ"

    # Every Chinese glyph of page 1 is really drawn: OCR reads what the text layer says.
    share = ocr_share(render(pdf, 1), pages[0])
    print("  ocr share page 1: %.3f" % share)
    assert share >= 0.85, share


def sloppy_j5(marks):
    """J5 gives three slots 40% of the maximum less than the true mark: three discrepancies
    (spread above 20%) whose outlier is J5."""
    maxima = {c: mx for c, _, mx in CRITERIA}
    hits = [m for m in marks if m["judge"] == "J5" and m["criterion"] == "A"][:3]
    for m in hits:
        m["score"] = max(0, round(m["score"] * 100) - 40 * maxima["A"]) / 100


@test
def test_the_organizers_thresholds_from_the_file_decide_and_discrepancy_flags_count():
    """The same marks with "leniency_percent": 20 in the event: J3 (about 9%) is no longer
    flagged. J5 is the outlier of three discrepancies: flagged 争议分多 at the default of 3."""
    srv = server()
    admin = srv.admin()
    _, marks, _ = marked_competition(srv, admin, "WELD20", tweak=sloppy_j5,
                                     analytics={"leniency_percent": 20})
    status, a = srv.json("GET", "/api/competitions/WELD20/events/E1/analytics", token=admin)
    assert status == 200 and a["thresholds"]["leniency_percent"] == "20.00", a["thresholds"]
    flagged = {j["id"]: j["reasons"] for j in a["judges"] if j["flagged"]}
    assert flagged == {"J5": ["discrepancies"]}, flagged
    want = expected(marks)
    for j in a["judges"]:
        assert (hundredths(j["leniency"]), hundredths(j["rho"]), j["flags"]) == want[j["id"]], \
            (j["id"], j["leniency"], j["rho"], j["flags"], want[j["id"]])
    j5 = a["judges"][4]
    assert j5["flags"] == 3 and j5["items"][0]["flags"] == 3, j5
    assert j5["reason_text"] == "争议分多：争议标记 3 次，达到 3 次", j5["reason_text"]
    # The chief's discrepancy list shows the same three slots with J5 as the outlier.
    status, d = srv.json("GET", "/api/competitions/WELD20/events/E1/discrepancies", token=admin)
    assert status == 200
    outliers = [m["judge"] for x in d["discrepancies"] for m in x["marks"] if m.get("outlier")]
    assert outliers.count("J5") == 3, d["discrepancies"]


@test
def test_the_cli_refuses_an_unknown_event_and_a_bad_threshold_naming_the_field():
    doc, marks = generate("BAD", analytics={"leniency_percent": 5.555})
    doc["marks"] = marks
    path = os.path.join(TMP, "bad.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    p = subprocess.run([BIN, "analytics", path, "--event", "E1", "--out",
                        os.path.join(TMP, "bad.pdf")], capture_output=True, timeout=60)
    assert p.returncode == 2, p.returncode
    assert b"events[0].analytics: leniency_percent must be a number from 0 to 100" in p.stderr, \
        p.stderr
    doc["events"][0].pop("analytics")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    p = subprocess.run([BIN, "analytics", path, "--event", "E7", "--out",
                        os.path.join(TMP, "bad.pdf")], capture_output=True, timeout=60)
    assert p.returncode == 2 and b"no event E7" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(TMP, "bad.pdf"))


@test
def test_the_server_stops_cleanly_without_a_sanitizer_report():
    if SRV is not None:
        SRV.stop()


if __name__ == "__main__":
    code = summary()
    if os.environ.get("SKILLSCORE_KEEP"):
        print("PDFs kept in " + TMP)
    else:
        shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(code)
