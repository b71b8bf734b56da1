#!/usr/bin/env python3
"""Appeals (申诉) and arbitration (管理办法 第三十一条, issue 15): the record and its window, the
states with a written reason each, an upheld appeal changing results only through unlock →
corrections → lock, the delta arbitration must confirm before publishing again, and the
decision (仲裁决定书) as a PDF. Real server, real SQLite, real HTTP.

Issue 15's "Done when", checked from the outside: the delta is exactly the entries whose facts
`skillscore compute` sees change (both ways, every fact); a certificate is revoked exactly when
what it states changed; every revoked one verifies as 已作废 naming its replacement and every new
one as genuine; the files of the people whose certificates did not change are the same bytes; the
audit chain is intact (its verifier's own words); a late appeal is marked late; a rejected one
changes nothing."""
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, Server, demo_pin, new_id, summary, test  # noqa: E402

C = "/api/competitions/YN2026"
FIELDS = ("status", "rank", "total", "award", "promotions", "cash")
BASE = "https://jieguo.example.cn"


def e01(srv, token):
    doc = srv.json("GET", C + "/results", token=token)[1]
    return {e["entry"]: dict({k: e.get(k) for k in FIELDS}, group=g["group"])
            for g in doc["rankings"] if g["event"] == "E01" for e in g["entries"]}


def computed(srv, token):
    """E01 as `skillscore compute` works it out from the server's own export, every fact the
    delta shows ({entry: {group, status, rank, total, award, promotions, cash}}), and the export:
    the engine run from the outside, so the delta is checked against the CLI, not itself."""
    st, doc = srv.json("GET", C + "/export", token=token)
    assert st == 200, doc
    p = subprocess.run([BIN, "compute", "--provisional", "-"], input=json.dumps(doc).encode(),
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    return {e["entry"]: dict({k: e.get(k) for k in FIELDS}, group=g["group"])
            for g in res["rankings"] if g["event"] == "E01" for e in g["entries"]}, doc


def certificate_facts(results, doc):
    """{holder: (group, rank, award, level)} of the E01 certificates the results call for
    (rules.md §8: an award certificate per member of an entry with an award, a level certificate
    per promotion), keyed as the register keys holders ("A|entry|member index")."""
    members = {e["id"]: [m["id"] for m in e["members"]] for e in doc["entries"]}
    out = {}
    for entry, r in results.items():
        if r["award"]:
            for i in range(len(members[entry])):
                out["A|%s|%d" % (entry, i)] = (r["group"], r["rank"], r["award"], None)
        for p in r["promotions"] or []:
            out["L|%s|%d" % (entry, members[entry].index(p["member"]))] = \
                (r["group"], r["rank"], r["award"], p["to"])
    return out


def stated(facts):
    """What a certificate in the register states, as certificate_facts has it."""
    return (facts["group"], facts["rank"], facts.get("award"), facts.get("level"))


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


def pdf_text(body):
    path = os.path.join(tempfile.mkdtemp(), "x.pdf")
    open(path, "wb").write(body)
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                          check=True).stdout.decode().replace(" ", "")


def register(srv):
    """{number: {holder, entry, sig, revoked, why, by, facts, prints}} of the register."""
    db = sqlite3.connect(srv.db)
    rows = {n: {"holder": h, "entry": h.split("|")[1], "sig": sg, "revoked": rv, "why": why,
                "by": by, "facts": json.loads(f), "prints": pr}
            for n, h, f, sg, rv, why, by, pr in db.execute(
                "SELECT number, holder, facts, sig, revoked_at, revoked_why, replaced_by, prints "
                "FROM certificates")}
    db.close()
    return rows


def without_prints(reg):
    return {n: dict(r, prints=None) for n, r in reg.items()}


def person_files(folder):
    """{member id: bytes} of the per-person PDFs ("P001-姓名.pdf") in folder."""
    return {f.split("-", 1)[0]: open(os.path.join(folder, f), "rb").read()
            for f in os.listdir(folder) if not f.startswith("certificates")}


@test
def test_an_appeal_upheld_changes_results_only_through_unlock_correct_lock_and_a_confirmed_delta():
    srv = Server(demo=True)
    try:
        admin, arb = srv.admin(), srv.login("zhongcai", "demo-zhongcai")
        before = e01(srv, admin)
        cli_before, doc = computed(srv, admin)
        # The published results' certificates are printed (issued) before any appeal.
        assert srv.json("POST", C + "/settings", {"verify_base": BASE}, admin)[0] == 200
        assert srv.request("GET", C + "/reports/certificates.pdf", token=admin)[0] == 200
        issued = register(srv)
        assert {stated(r["facts"]) for r in issued.values()} == \
            set(certificate_facts(cli_before, doc).values())
        # The same certificates from the command line, one file per person: the address is the
        # competition's verify_base, the numbers the register's.
        work = tempfile.mkdtemp(prefix="skillscore-appeal-")
        stale = export(srv, admin, os.path.join(work, "before.json"))
        cli("certificates", stale, "--db", srv.db, "--out", os.path.join(work, "before"))
        assert without_prints(register(srv)) == without_prints(issued), "printing changed it"
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
        assert st == 201 and late["late"] is True and late["window_minutes"] == 0, late
        assert late["deadline"] < late["received_at"], late
        assert srv.json("POST", C + "/events/E01/appeal-window", {"minutes": -1},
                        admin)[1]["field"] == "minutes"
        listed = srv.json("GET", C + "/appeals", token=arb)[1]
        assert [x["late"] for x in listed["appeals"]] == [False, True], listed

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
        st, doc_a = srv.json("POST", A + "/decide",
                             {"decision": "upheld", "reason": "量具读数确有误，B 项应予更正"}, arb)
        assert st == 200 and doc_a["state"] == "upheld" and \
            [h["state"] for h in doc_a["history"]] == ["received", "under_review", "upheld"], doc_a

        # A rejected appeal changes nothing: not the results (server or CLI), not the register,
        # not the publication; it cannot unlock and has no delta. Its decision says 逾期.
        assert srv.json("POST", L + "/review", {"reason": "受理"}, arb)[0] == 200
        assert srv.json("POST", L + "/decide", {"decision": "rejected",
                                                "reason": "逾期且理由不足"}, arb)[0] == 200
        assert e01(srv, admin) == before and computed(srv, admin)[0] == cli_before
        assert without_prints(register(srv)) == without_prints(issued)
        st, err = srv.json("POST", C + "/events/E01/unlock",
                           {"reason": "申诉复核", "appeal": late["id"]}, arb)
        assert st == 409 and err["field"] == "appeal", err
        assert srv.json("GET", L + "/delta", token=arb)[0] == 409
        assert srv.json("GET", C, token=admin)[1]["events"][0]["published"] is True
        st, _, pdf = srv.request("GET", L + "/decision.pdf", token=admin)
        text = pdf_text(pdf)
        assert st == 200 and "驳回申诉" in text and "逾期" in text and \
            "逾期且理由不足" in text, text[:800]

        # Upheld: unlock naming the appeal, correct, lock.
        assert srv.json("POST", C + "/events/E01/unlock",
                        {"reason": "申诉成立，复核 B 项", "appeal": a["id"]}, arb)[0] == 200
        assert srv.json("POST", C + "/events/E01/appeal-window", {"minutes": 120}, admin)[0] == 200
        for judge in ("J01", "J02", "J03", "J04", "J05"):
            for crit, score in (("A", 20), ("B", 60)):
                st, d = srv.json("POST", C + "/corrections",
                                 {"id": new_id(), "entry": low, "criterion": crit,
                                  "judge": judge, "score": score, "reason": "仲裁决定更正"},
                                 admin)
                assert st == 201, d
        assert srv.json("POST", A + "/confirm", {}, arb)[0] == 409     # not locked yet
        # Printed now, the decision must not claim the results are untouched.
        st, _, pdf = srv.request("GET", A + "/decision.pdf", token=arb)
        text = pdf_text(pdf)
        assert st == 200 and "待监督仲裁确认" in text and "未涉及成绩变更" not in text, text[:800]
        chief = srv.login(judge="J01", pin=demo_pin("J01"))
        assert srv.json("POST", C + "/events/E01/lock", {}, chief)[0] == 200
        st, err = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 409 and "confirm" in err["error"], err

        # The delta lists exactly the entries whose facts `skillscore compute` sees change,
        # before → after, every fact (status, rank, total, award, promotions, cash, group), in
        # the file's entry order; and the server's own results agree.
        after = e01(srv, admin)
        cli_after, doc_after = computed(srv, admin)
        changed = {k for k in set(cli_before) | set(cli_after)
                   if cli_before.get(k) != cli_after.get(k)}
        assert low in changed and len(changed) >= 2, changed
        assert changed == {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        st, d = srv.json("GET", A + "/delta", token=arb)
        order = [e["id"] for e in doc["entries"]]
        assert st == 200 and [x["entry"] for x in d["delta"]] == \
            sorted(changed, key=order.index), (d, changed)
        for x in d["delta"]:
            assert x["before"] == cli_before[x["entry"]], (x["entry"], x["before"])
            assert x["after"] == cli_after[x["entry"]], (x["entry"], x["after"])
        assert srv.json("POST", A + "/confirm", {}, admin)[0] == 403
        st, confirmed = srv.json("POST", A + "/confirm", {}, arb)
        assert st == 200 and confirmed["confirmed_by"] == "zhongcai" and \
            confirmed["delta"] == d["delta"], confirmed
        st, pub = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 200 and pub["certificates"]["synced"], pub

        # The register after re-publication: a certificate is revoked exactly when what it
        # states changed; a revoked one names a replacement stating the new facts (none when
        # the holder no longer earns one); every holder the new results call for has one
        # active certificate stating them.
        now = register(srv)
        want_before = certificate_facts(cli_before, doc)
        want_after = certificate_facts(cli_after, doc_after)
        moved = {h for h in set(want_before) | set(want_after)
                 if want_before.get(h) != want_after.get(h)}
        assert moved, "the correction changed no certificate"
        for number, was in issued.items():
            r = now[number]
            assert (r["revoked"] is not None) == (was["holder"] in moved), (number, was, r)
            assert r["sig"] == was["sig"] and r["facts"] == was["facts"], number
            if r["revoked"] is None:
                continue
            # The reason names the appeal whose decision changed it.
            assert "申诉编号 %d" % a["id"] in r["why"] and "仲裁决定" in r["why"], r
            if was["holder"] in want_after:
                new = now[r["by"]]
                assert new["holder"] == was["holder"] and new["revoked"] is None and \
                    stated(new["facts"]) == want_after[was["holder"]], (number, new)
            else:
                assert r["by"] is None, r
        active = {r["holder"]: (n, stated(r["facts"])) for n, r in now.items() if not r["revoked"]}
        assert {h: f for h, (_, f) in active.items()} == want_after, "register != results"
        fresh_numbers = set(now) - set(issued)
        assert {now[n]["holder"] for n in fresh_numbers} == {h for h in moved if h in want_after}

        # What a phone sees, for EVERY changed certificate: each revoked one is 已作废 with its
        # reason and names its replacement (JSON and the page); each new one is genuine.
        for number, was in issued.items():
            r = now[number]
            if r["revoked"] is None:
                continue
            st, v = srv.json("GET", "/verify/%s?sig=%s&format=json" % (number, was["sig"]))
            assert st == 410 and v["revoked"] and v["certificate"].get("replaced_by") == r["by"] \
                and v["certificate"]["revoked_why"] == r["why"], v
            st, _, page = srv.request("GET", "/verify/%s?sig=%s" % (number, was["sig"]))
            page = page.decode()
            assert st == 410 and "已作废" in page and (r["by"] or "无") in page, page[:600]
        for number in fresh_numbers:
            st, v = srv.json("GET", "/verify/%s?sig=%s&format=json" % (number, now[number]["sig"]))
            assert st == 200 and v["genuine"] and stated(v["certificate"]) == \
                want_after[now[number]["holder"]], v

        # Printing again after the appeal changes nothing in the register.
        assert srv.request("GET", C + "/reports/certificates.pdf", token=admin)[0] == 200
        assert without_prints(register(srv)) == without_prints(now)

        # The command line after the appeal. A copy exported before it is refused (it would
        # undo the correction), for certificates and for the sheets, and changes nothing.
        fresh = export(srv, admin, os.path.join(work, "after.json"))
        for cmd in ("certificates", "sheets"):
            code, _, err = cli(cmd, stale, "--db", srv.db, "--out", os.path.join(work, "x"),
                               ok=False)
            assert code == 2 and "与数据库" in err and "不同" in err and "导出" in err, err
            assert "分数 %s" % low in err, err          # names the record that differs
        assert without_prints(register(srv)) == without_prints(now)
        assert not os.path.exists(os.path.join(work, "x"))
        cli("certificates", fresh, "--db", srv.db, "--out", os.path.join(work, "after"))
        assert without_prints(register(srv)) == without_prints(now), "CLI issued differently"
        # Unchanged certificates keep their number and their bytes: the file of every person
        # none of whose certificates changed is byte for byte the file printed before the
        # appeal; the file of every person with a changed certificate is not.
        people = {}
        for e in doc["entries"]:
            for i, m in enumerate(e["members"]):
                people.setdefault(m["id"], set()).update(
                    {"A|%s|%d" % (e["id"], i), "L|%s|%d" % (e["id"], i)})
        files0 = person_files(os.path.join(work, "before"))
        files1 = person_files(os.path.join(work, "after"))
        kept = touched = 0
        for pid in set(files0) | set(files1):
            if people[pid] & moved:
                assert files0.get(pid) != files1.get(pid), pid
                touched += 1
            else:
                assert files0.get(pid) is not None and files0[pid] == files1.get(pid), pid
                kept += 1
        assert kept >= 5 and touched >= 2, (kept, touched)
        # Every printing is counted, the command line's as the server's: the kept ones were
        # printed by the server and the CLI before the appeal and again after it; the new ones
        # after it only; the revoked ones never again.
        prints = {n: r["prints"] for n, r in register(srv).items()}
        for n, was in issued.items():
            assert prints[n] == (2 if now[n]["revoked"] else 4), (n, prints[n])
        assert all(prints[n] == 2 for n in fresh_numbers), prints
        print("delta %d entries; certificates: %d revoked, %d new; person files: %d the same "
              "bytes, %d changed" % (len(changed), sum(1 for n in issued if now[n]["revoked"]),
                                     len(fresh_numbers), kept, touched))
        # 晋升名册 lists the numbers the register holds now, the new ones included.
        cli("sheets", fresh, "--db", srv.db, "--out", os.path.join(work, "sheets"))
        active_levels = {n for n, r in now.items() if r["holder"][0] == "L" and not r["revoked"]}
        assert roster_numbers(os.path.join(work, "sheets", "promotions.pdf")) == active_levels
        # Every certificate issued since the appeal verifies from the command line too, also
        # against the current export; every revoked one reads 已作废 there as well.
        for number in fresh_numbers:
            url = "%s/verify/%s?sig=%s" % (BASE, number, now[number]["sig"])
            code, out, _ = cli("verify", url, "--db", srv.db, "--file", fresh)
            assert "genuine" in out and "与文件一致" in out, out
        for number, was in issued.items():
            if now[number]["revoked"]:
                url = "%s/verify/%s?sig=%s" % (BASE, number, was["sig"])
                code, out, _ = cli("verify", url, "--db", srv.db, ok=False)
                assert code == 1 and "已作废" in out and \
                    (now[number]["by"] or "无替代证书") in out, out
        # Without --db nothing is issued, and no stray database with a new key appears.
        code, _, err = cli("certificates", fresh, "--out", os.path.join(work, "nodb"),
                           cwd=work, ok=False)
        assert code == 2 and "--db" in err and not os.path.exists(
            os.path.join(work, "skillscore.db")), err

        # 仲裁决定书: the appeal, the steps, the decision, every changed entry.
        st, headers, pdf = srv.request("GET", A + "/decision.pdf", token=arb)
        assert st == 200 and pdf.startswith(b"%PDF"), (st, pdf[:200])
        text = pdf_text(pdf)
        for want in ["仲裁决定书", "杨某（领队）", "申诉成立", "量具读数确有误"] + sorted(changed):
            assert want.replace(" ", "") in text, (want, text[:1500])
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
            st, d = srv.json("POST", C + "/corrections",
                             {"id": new_id(), "entry": low, "criterion": "A", "judge": judge,
                              "score": 10, "reason": "仲裁决定更正"}, admin)
            assert st == 201, d
        assert srv.json("POST", C + "/events/E01/lock", {}, chief)[0] == 200
        st, err = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 409 and ("appeal %d " % b["id"]) in err["error"], err
        assert srv.json("POST", B + "/confirm", {}, arb)[0] == 200
        st, d = srv.json("POST", C + "/events/E01/publish", {}, admin)
        assert st == 200, d
    finally:
        srv.stop()
    # Every step is in the audit chain, and the chain is intact: the verifier's own words,
    # counting every row.
    p = subprocess.run([BIN, "audit", "verify", "--db", srv.db], capture_output=True, timeout=60)
    final = register(srv)
    db = sqlite3.connect(srv.db)
    rows = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    acts = [a for (a,) in db.execute("SELECT action FROM audit WHERE action LIKE 'appeal%'")]
    issues = [(actor, json.loads(d)) for actor, d in db.execute(
        "SELECT actor, detail FROM audit WHERE action = 'certificates_issue' ORDER BY seq")]
    revokes = [json.loads(d) for (d,) in db.execute(
        "SELECT detail FROM audit WHERE action = 'certificate_revoke' ORDER BY seq")]
    db.close()
    # Issuing and revoking are in the chain: every number issued once, every revocation with
    # its reason and replacement, as the register has them.
    assert sorted(n for _, d in issues for n in d["numbers"]) == sorted(final), issues
    assert [actor for actor, _ in issues][0] == "admin", issues
    assert {d["number"]: (d["reason"], d["replaced_by"]) for d in revokes} == \
        {n: (r["why"], r["by"]) for n, r in final.items() if r["revoked"]}, revokes
    assert any("申诉编号 %d" % b["id"] in d["reason"] for d in revokes), revokes
    assert p.returncode == 0 and p.stdout.decode().strip() == "audit chain intact: %d rows" % rows, \
        (p.stdout, p.stderr)
    assert acts.count("appeal") == 3 and acts.count("appeal_review") == 3 and \
        acts.count("appeal_decide") == 3 and acts.count("appeal_confirm") == 2, acts


if __name__ == "__main__":
    sys.exit(summary())
