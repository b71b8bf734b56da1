#!/usr/bin/env python3
"""Appeals (申诉) and arbitration (管理办法 第三十一条, issue 15): the record and its window, the
states with a written reason each, an upheld appeal changing results only through unlock →
corrections → lock, the delta arbitration must confirm before publishing again, and the
decision (仲裁决定书) as a PDF. Real server, real SQLite, real HTTP."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, Server, demo_pin, new_id, summary, test  # noqa: E402

C = "/api/competitions/YN2026"
FIELDS = ("status", "rank", "total", "award", "promotions", "cash")


def e01(srv, token):
    doc = srv.json("GET", C + "/results", token=token)[1]
    return {e["entry"]: dict({k: e.get(k) for k in FIELDS}, group=g["group"])
            for g in doc["rankings"] if g["event"] == "E01" for e in g["entries"]}


def computed(srv, token):
    """E01 as `skillscore compute` works it out from the server's own export: the engine run
    from the outside, so the delta is checked against the CLI rather than against itself."""
    st, doc = srv.json("GET", C + "/export", token=token)
    assert st == 200, doc
    p = subprocess.run([BIN, "compute", "--provisional", "-"], input=json.dumps(doc).encode(),
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    return {e["entry"]: (e.get("rank"), e.get("total"), e.get("award"))
            for g in res["rankings"] if g["event"] == "E01" for e in g["entries"]}


def cli(*args, cwd=None, ok=True):
    """The skillscore command (ASan build): (exit status, stdout, stderr)."""
    p = subprocess.run([BIN] + list(args), capture_output=True, timeout=300, cwd=cwd,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    out, err = p.stdout.decode(), p.stderr.decode()
    assert "AddressSanitizer" not in err and "runtime error" not in err, err[-3000:]
    if ok:
        assert p.returncode == 0, (args, p.returncode, err)
    return p.returncode, out, err


def export(srv, token, path):
    """The competition as the server exports it now, written to path."""
    st, _, body = srv.request("GET", C + "/export", token=token)
    assert st == 200, body[:300]
    open(path, "wb").write(body)
    return path


def roster_numbers(pdf):
    text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True,
                          check=True).stdout.decode()
    return set(re.findall(r"YNJS-2026-E0\d-L\d{4}", re.sub(r"\s+", "", text)))


def register(srv):
    """{number: (entry, sig, revoked_at, revoked_why, replaced_by)} of the certificate register."""
    import sqlite3
    db = sqlite3.connect(srv.db)
    rows = {n: (json.loads(f).get("entry") or h.split("|")[1], sg, rv, why, by)
            for n, h, f, sg, rv, why, by in db.execute(
                "SELECT number, holder, facts, sig, revoked_at, revoked_why, replaced_by "
                "FROM certificates")}
    db.close()
    return rows


@test
def test_an_appeal_upheld_changes_results_only_through_unlock_correct_lock_and_a_confirmed_delta():
    srv = Server(demo=True)
    try:
        admin, arb = srv.admin(), srv.login("zhongcai", "demo-zhongcai")
        before = e01(srv, admin)
        cli_before = computed(srv, admin)
        # The published results' certificates are printed (issued) before any appeal.
        assert srv.json("POST", C + "/settings", {"verify_base": "https://jieguo.example.cn"},
                        admin)[0] == 200
        assert srv.request("GET", C + "/reports/certificates.pdf", token=admin)[0] == 200
        issued = register(srv)
        # The same certificates from the command line, one file per person: the address is the
        # competition's verify_base, the numbers the register's.
        work = tempfile.mkdtemp(prefix="skillscore-appeal-")
        stale = export(srv, admin, os.path.join(work, "before.json"))
        cli("certificates", stale, "--db", srv.db, "--out", os.path.join(work, "before"))
        assert register(srv) == issued, "printing again changed the register"
        low = max((k for k, v in before.items() if v["award"]), key=lambda k: before[k]["rank"])
        body = {"event": "E01", "entry": low, "appellant": "杨某（领队）",
                "subject": "零件加工 B 项：量具读数有误，请求复核"}
        # Bad records change nothing, and name the field.
        for bad, field in (({"entry": low}, "event"), (dict(body, event="E09"), "event"),
                           (dict(body, appellant=""), "appellant"),
                           (dict(body, subject=None), "subject"),
                           (dict(body, received_at="yesterday"), "received_at"),
                           (dict(body, received_at="2099-01-01T00:00:00Z"), "received_at")):
            st, err = srv.json("POST", C + "/appeals", bad, admin)
            assert st == 400 and err.get("field") == field, (bad, st, err)
        st, err = srv.json("POST", C + "/appeals", dict(body, event="E02", entry="E02-W01"), admin)
        assert st == 409 and err["field"] == "event", err          # E02 is not published
        assert srv.json("POST", C + "/appeals", body, arb)[0] == 403
        assert srv.json("GET", C + "/appeals", token=admin)[1]["appeals"] == []

        # In the window (default 120 minutes): on time. With none left: recorded, marked late.
        st, a = srv.json("POST", C + "/appeals", body, admin)
        assert st == 201 and a["late"] is False and a["state"] == "received" and \
            a["window_minutes"] == 120 and a["number"], a
        assert srv.json("POST", C + "/events/E01/appeal-window", {"minutes": 0}, admin)[0] == 200
        time.sleep(1.1)   # the demo published E01 when it started: now is past a 0-minute window
        st, late = srv.json("POST", C + "/appeals", dict(body, subject="逾期：C 项"), admin)
        assert st == 201 and late["late"] is True, late
        assert srv.json("POST", C + "/events/E01/appeal-window", {"minutes": -1},
                        admin)[1]["field"] == "minutes"

        # States: received → under_review → upheld/rejected, by arbitration, with reasons.
        A, L = "%s/appeals/%d" % (C, a["id"]), "%s/appeals/%d" % (C, late["id"])
        assert srv.json("POST", A + "/decide", {"decision": "upheld", "reason": "复核"},
                        arb)[0] == 409                                   # not reviewed yet
        assert srv.json("POST", A + "/review", {"reason": "x"}, arb)[1]["field"] == "reason"
        assert srv.json("POST", A + "/review", {"reason": "受理，调取评分记录"}, admin)[0] == 403
        assert srv.json("POST", A + "/review", {"reason": "受理，调取评分记录"}, arb)[0] == 200
        assert srv.json("POST", A + "/review", {"reason": "再次受理"}, arb)[0] == 409
        assert srv.json("POST", A + "/decide", {"decision": "maybe", "reason": "复核"},
                        arb)[1]["field"] == "decision"
        st, doc = srv.json("POST", A + "/decide",
                           {"decision": "upheld", "reason": "量具读数确有误，B 项应予更正"}, arb)
        assert st == 200 and doc["state"] == "upheld" and \
            [h["state"] for h in doc["history"]] == ["received", "under_review", "upheld"], doc

        # A rejected appeal changes nothing, and cannot unlock.
        assert srv.json("POST", L + "/review", {"reason": "受理"}, arb)[0] == 200
        assert srv.json("POST", L + "/decide", {"decision": "rejected",
                                                "reason": "逾期且理由不足"}, arb)[0] == 200
        assert e01(srv, admin) == before
        st, err = srv.json("POST", C + "/events/E01/unlock",
                           {"reason": "申诉复核", "appeal": late["id"]}, arb)
        assert st == 409 and err["field"] == "appeal", err
        assert srv.json("GET", C, token=admin)[1]["events"][0]["published"] is True

        # Upheld: unlock naming the appeal, correct, lock.
        assert srv.json("POST", C + "/events/E01/unlock",
                        {"reason": "申诉成立，复核 B 项", "appeal": a["id"]}, arb)[0] == 200
        assert srv.json("POST", C + "/events/E01/appeal-window", {"minutes": 120}, admin)[0] == 200
        for judge in ("J01", "J02", "J03", "J04", "J05"):
            for crit, score in (("A", 20), ("B", 60)):
                st, doc = srv.json("POST", C + "/corrections",
                                   {"id": new_id(), "entry": low, "criterion": crit,
                                    "judge": judge, "score": score, "reason": "仲裁决定更正"},
                                   admin)
                assert st == 201, doc
        assert srv.json("POST", A + "/confirm", {}, arb)[0] == 409     # not locked yet
        # Printed now, the decision must not claim the results are untouched.
        st, _, pdf = srv.request("GET", A + "/decision.pdf", token=arb)
        path = os.path.join(tempfile.mkdtemp(), "early.pdf")
        open(path, "wb").write(pdf)
        text = subprocess.run(["pdftotext", path, "-"], capture_output=True,
                              check=True).stdout.decode().replace(" ", "")
        assert st == 200 and "待监督仲裁确认" in text and "未涉及成绩变更" not in text, text[:800]
        chief = srv.login(judge="J01", pin=demo_pin("J01"))
        assert srv.json("POST", C + "/events/E01/lock", {}, chief)[0] == 200
        st, err = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 409 and "confirm" in err["error"], err

        # The delta lists exactly the entries whose results changed.
        after = e01(srv, admin)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        assert low in changed and len(changed) >= 2, changed
        st, d = srv.json("GET", A + "/delta", token=arb)
        assert st == 200 and [x["entry"] for x in d["delta"]] == changed, d
        for x in d["delta"]:
            assert x["before"] == before[x["entry"]] and x["after"] == after[x["entry"]], x
        cli_after = computed(srv, admin)
        cli_changed = sorted(k for k in set(cli_before) | set(cli_after)
                             if cli_before.get(k) != cli_after.get(k))
        assert set(cli_changed) <= set(changed) and low in cli_changed, (cli_changed, changed)
        for k in changed:
            assert cli_after[k] == (after[k]["rank"], after[k]["total"], after[k]["award"]), k
        assert srv.json("POST", A + "/confirm", {}, admin)[0] == 403
        st, doc = srv.json("POST", A + "/confirm", {}, arb)
        assert st == 200 and doc["confirmed_by"] == "zhongcai" and \
            len(doc["delta"]) == len(changed), doc
        assert srv.json("POST", C + "/events/E01/publish", {}, admin)[0] == 200

        # Printing again after the appeal: certificates of unchanged entries keep number and
        # code; those of changed entries are revoked, naming a replacement that verifies.
        assert srv.request("GET", C + "/reports/certificates.pdf", token=admin)[0] == 200
        now = register(srv)
        for number, (entry, sig, revoked, why, by) in issued.items():
            if entry not in changed:
                assert now[number][2] is None and now[number][1] == sig, (number, now[number])
                continue
            _, _, revoked, why, by = now[number]
            if revoked is None:        # a certificate whose facts (name, award) did not change
                continue
            assert why and (by is None or (now[by][0] == entry and now[by][2] is None)), now[number]
        # The command line after the appeal. A copy exported before it is refused (it would
        # undo the correction), for certificates and for the sheets, and changes nothing.
        fresh = export(srv, admin, os.path.join(work, "after.json"))
        for cmd in ("certificates", "sheets"):
            code, _, err = cli(cmd, stale, "--db", srv.db, "--out", os.path.join(work, "x"),
                               ok=False)
            assert code == 2 and "与数据库" in err and "不同" in err and "导出" in err, err
            assert "分数 %s" % low in err, err          # names the record that differs
        assert register(srv) == now and not os.path.exists(os.path.join(work, "x"))
        cli("certificates", fresh, "--db", srv.db, "--out", os.path.join(work, "after"))
        assert register(srv) == now, "the command line issued differently from the server"
        # 晋升名册 lists the numbers the register holds now, the new ones included.
        cli("sheets", fresh, "--db", srv.db, "--out", os.path.join(work, "sheets"))
        active_levels = {n for n, r in now.items()
                         if n.startswith("YNJS-2026-E01-L") and r[2] is None}
        assert roster_numbers(os.path.join(work, "sheets", "promotions.pdf")) == active_levels
        # Every certificate issued since the appeal verifies from the command line, also
        # against the current export.
        for number in set(now) - set(issued):
            url = "https://jieguo.example.cn/verify/%s?sig=%s" % (number, now[number][1])
            code, out, _ = cli("verify", url, "--db", srv.db, "--file", fresh)
            assert "genuine" in out and "与文件一致" in out, out
        # Without --db nothing is issued, and no stray database with a new key appears.
        code, _, err = cli("certificates", fresh, "--out", os.path.join(work, "nodb"),
                           cwd=work, ok=False)
        assert code == 2 and "--db" in err and not os.path.exists(
            os.path.join(work, "skillscore.db")), err

        moved = [n for n, r in now.items() if r[2] is not None and r[4]]
        assert moved, "some certificate was reissued"
        st, doc = srv.json("GET", "/verify/%s?sig=%s&format=json" % (moved[0], issued[moved[0]][1]))
        assert st == 410 and doc["certificate"]["replaced_by"] == now[moved[0]][4], doc
        new = now[moved[0]][4]
        st, doc = srv.json("GET", "/verify/%s?sig=%s&format=json" % (new, now[new][1]))
        assert st == 200 and doc["genuine"], doc

        # 仲裁决定书: the appeal, the steps, the decision, every changed entry.
        st, headers, pdf = srv.request("GET", A + "/decision.pdf", token=arb)
        assert st == 200 and pdf.startswith(b"%PDF"), (st, pdf[:200])
        path = os.path.join(tempfile.mkdtemp(), "decision.pdf")
        open(path, "wb").write(pdf)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                              check=True).stdout.decode().replace(" ", "")
        for want in ["仲裁决定书", "杨某（领队）", "申诉成立", "量具读数确有误"] + changed:
            assert want.replace(" ", "") in text, (want, text[:1500])
        assert srv.request("GET", L + "/decision.pdf", token=admin)[0] == 200
        listed = srv.json("GET", C + "/appeals", token=arb)[1]
        assert [x["state"] for x in listed["appeals"]] == ["upheld", "rejected"] and \
            "before" not in listed["appeals"][0] and listed["appeals"][0]["republished_at"], listed

        # A second appeal, later: its change gates publication; the first, settled by the
        # publication that carried it, does not come back to arbitration.
        st, b = srv.json("POST", C + "/appeals", dict(body, subject="A 项复核"), admin)
        assert st == 201, b
        B = "%s/appeals/%d" % (C, b["id"])
        assert srv.json("POST", B + "/review", {"reason": "受理"}, arb)[0] == 200
        assert srv.json("POST", B + "/decide", {"decision": "upheld", "reason": "A 项应更正"},
                        arb)[0] == 200
        assert srv.json("POST", C + "/events/E01/unlock",
                        {"reason": "第二次申诉成立", "appeal": b["id"]}, arb)[0] == 200
        for judge in ("J01", "J02", "J03", "J04", "J05"):
            st, doc = srv.json("POST", C + "/corrections",
                               {"id": new_id(), "entry": low, "criterion": "A", "judge": judge,
                                "score": 10, "reason": "仲裁决定更正"}, admin)
            assert st == 201, doc
        assert srv.json("POST", C + "/events/E01/lock", {}, chief)[0] == 200
        st, err = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 409 and ("appeal %d " % b["id"]) in err["error"], err
        assert srv.json("POST", B + "/confirm", {}, arb)[0] == 200
        st, doc = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 200, doc
    finally:
        srv.stop()
    # Every step is in the audit chain, and the chain is intact.
    p = subprocess.run([BIN, "audit", "verify", "--db", srv.db], capture_output=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    import sqlite3
    db = sqlite3.connect(srv.db)
    acts = [a for (a,) in db.execute("SELECT action FROM audit WHERE action LIKE 'appeal%'")]
    db.close()
    assert acts.count("appeal") == 3 and acts.count("appeal_review") == 3 and \
        acts.count("appeal_decide") == 3 and acts.count("appeal_confirm") == 2, acts


if __name__ == "__main__":
    summary()
