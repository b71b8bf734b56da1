#!/usr/bin/env python3
"""A whole competition day at the venue (issue 19), driven over HTTP against the real server:
import → draw → check-in with two absent → theory scores from the exam system's CSV (a bad line
refused with its number, nothing stored) → marking on tablets, one judge's sheet on paper keyed
twice (a mismatch first, then resolved) → times → a disqualification → discrepancies → lock →
publish → certificates. Every step is in the audit chain, and the results are what
`skillscore compute` prints for the export. Run by tests/run.sh; prints "N passed, N failed"."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import (CLI, Server, compute, demo_doc, post_marks_as_judges,  # noqa: E402
                     summary, test)

D = "/api/competitions/DAY"


def day_doc():
    """The demo's 电工 event as a fresh competition: no marks, no theory, no times, all present."""
    doc = demo_doc()
    doc["competition"]["id"] = "DAY"
    doc["competition"]["name"] = "竞赛日演练"
    doc["events"] = [e for e in doc["events"] if e["id"] == "E02"]
    doc["judges"] = [j for j in doc["judges"] if "E02" in j["events"]]
    marks = [m for m in doc.pop("marks") if m["entry"].startswith("E02-")]
    theory = {t["entry"]: t["score"] for t in doc.pop("theory") if t["entry"].startswith("E02-")}
    doc["entries"] = [e for e in doc["entries"] if e["event"] == "E02"]
    times = {}
    for e in doc["entries"]:
        e["status"] = "ok"
        times[e["id"]] = e.pop("time_seconds", None)
    return doc, marks, theory, times


def sheet_numbers_of(srv, token):
    status, doc = srv.json("GET", D + "/events/E02/sheet", token=token)
    assert status == 200, doc
    return {r["entry"]: r["number"] for r in doc["rows"]}


@test
def test_a_whole_day_from_import_to_certificates():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        doc, marks, theory, times = day_doc()
        assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
        assert srv.json("POST", D + "/events/E02/draw", {}, admin)[0] == 200
        numbers = sheet_numbers_of(srv, admin)
        names = {e["id"]: e["members"][0]["name"] for e in doc["entries"]}

        # 检录: two do not come. After the draw a change needs a reason; a bad one changes nothing.
        absent = ["E02-W05", "E02-S02"]
        st, body = srv.json("POST", D + "/entries/E02-W05/status", {"status": "absent"}, admin)
        assert st == 400 and body["field"] == "reason", body
        for e in absent:
            st, body = srv.json("POST", D + "/entries/%s/status" % e,
                                {"status": "absent", "reason": "检录未到"}, admin)
            assert st == 200 and body["status"] == "absent" and body["changed"], body
        present = [e["id"] for e in doc["entries"] if e["id"] not in absent]

        # Theory: a file with a wrong name on line 3 is refused whole; the right one goes in.
        before = srv.request("GET", D + "/export", token=admin)[2]
        rows = ["%s,%s,%s" % (e, theory[e], names[e]) for e in present]
        bad = rows[:]
        bad[1] = bad[1].rsplit(",", 1)[0] + ",张冠李戴"
        st, _, data = srv.request("POST", D + "/theory/import", token=admin,
                                  raw=("参赛号,理论成绩,姓名\n" + "\n".join(bad) + "\n").encode())
        assert st == 400 and b"line 3 (entry " in data and "姓名".encode() in data, data
        assert srv.request("GET", D + "/export", token=admin)[2] == before
        csv = "\ufeff参赛号,理论成绩,姓名\r\n" + "\r\n".join(rows) + "\r\n"
        st, _, data = srv.request("POST", D + "/theory/import", token=admin,
                                  raw=csv.encode("gb18030"))
        assert st == 200 and json.loads(data)["imported"] == len(present), data

        # Marking: four judges on tablets; J09's sheet is on paper, keyed by two clerks.
        for user in ("luru1", "luru2"):
            assert srv.json("POST", "/api/users", {"user": user, "role": "clerk",
                                                   "password": "clerk-password"}, admin)[0] == 201
        clerks = [srv.login("luru1", "clerk-password"), srv.login("luru2", "clerk-password")]
        ours = [m for m in marks if m["entry"] in present]
        pins = {}
        for j in doc["judges"]:
            st, body = srv.json("POST", D + "/judges/%s/pin" % j["id"], {}, admin)
            assert st == 201, body
            pins[j["id"]] = body["pin"]
        post_marks_as_judges(srv, [m for m in ours if m["judge"] != "J09"],
                             {e: numbers[e] for e in present}, competition="DAY", pins=pins)
        paper = [m for m in ours if m["judge"] == "J09"]
        for i, m in enumerate(paper):
            key = {"judge": "J09", "event": "E02", "number": numbers[m["entry"]],
                   "criterion": m["criterion"], "score": m["score"]}
            st, body = srv.json("POST", D + "/paper", key, clerks[0])
            assert st == 202 and body["status"] == "waiting", body
            if i == 0:
                # The second clerk reads the sheet wrong: both values shown, nothing stored.
                wrong = dict(key, score=max(0, m["score"] - 1))
                st, body = srv.json("POST", D + "/paper", wrong, clerks[1])
                assert st == 409 and len(body["values"]) == 2, body
                st, body = srv.json("POST", D + "/paper", key, admin)   # a third keying agrees
            else:
                st, body = srv.json("POST", D + "/paper", key, clerks[1])
            assert st == 201 and body["judge"] == "J09", body

        # Times, by the timekeeper, by number.
        assert srv.json("POST", "/api/users", {"user": "jishi", "role": "timekeeper",
                                               "password": "timer-password"}, admin)[0] == 201
        timer = srv.login("jishi", "timer-password")
        for e in present:
            if times[e] is not None:
                st, body = srv.json("POST", D + "/entries/%s/time" % numbers[e],
                                    {"event": "E02", "seconds": times[e] + 0.4}, timer)
                assert st == 200 and body["seconds"] == times[e] and "entry" not in body, body

        # The chief judge disqualifies one entry, by number, with a reason.
        chief = srv.login(judge="J06", pin=pins["J06"], competition="DAY")
        dq = "E02-W12"
        st, body = srv.json("POST", D + "/entries/%s/status" % numbers[dq],
                            {"status": "disqualified"}, chief)
        assert st == 400, body
        st, body = srv.json("POST", D + "/entries/%s/status" % numbers[dq],
                            {"status": "disqualified", "reason": "违反安全操作规程"}, chief)
        assert st == 200 and body["status"] == "disqualified" and "entry" not in body, body

        # Discrepancies are accepted by the chief, then the event is locked and published.
        st, body = srv.json("GET", D + "/events/E02/discrepancies", token=chief)
        assert st == 200, body
        for d in body["discrepancies"]:
            if d["status"] == "open":
                acc = {"number": d["number"], "criterion": d["criterion"], "reason": "复核无误"}
                assert srv.json("POST", D + "/events/E02/discrepancies/accept", acc,
                                chief)[0] == 200
        st, body = srv.json("POST", D + "/events/E02/lock", {}, chief)
        assert st == 200, body
        assert srv.json("POST", D + "/entries/E02-S03/status",
                        {"status": "absent", "reason": "迟到"}, admin)[0] == 409
        assert srv.json("POST", D + "/events/E02/publish", {}, admin)[0] == 200

        # The results are the export computed; the certificates come out.
        export = srv.request("GET", D + "/export", token=admin)[2]
        exp = json.loads(export)
        status = {e["id"]: e["status"] for e in exp["entries"]}
        assert [e for e, s in status.items() if s == "absent"] == absent
        assert status[dq] == "disqualified"
        assert len(exp["theory"]) == len(present) and len(exp["marks"]) == len(ours)
        assert srv.request("GET", D + "/results", token=admin)[2] == compute(export)
        assert srv.json("POST", D + "/settings", {"verify_base": "https://jieguo.example.cn"},
                        admin)[0] == 200
        st, headers, pdf = srv.request("GET", D + "/reports/certificates.pdf", token=admin)
        assert st == 200 and pdf.startswith(b"%PDF"), (st, pdf[:20])
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True,
                                  timeout=60).stdout.decode()
        winners = [g for g in json.loads(compute(export))["rankings"]]
        awarded = [e["entry"] for g in winners for e in g["entries"] if e["award"]]
        assert awarded and all(names[e] in text for e in awarded), awarded
    finally:
        srv.stop()
    # Every step is in the chain.
    db = sqlite3.connect(srv.db)
    audit = {r[0] for r in db.execute("SELECT action FROM audit WHERE competition = 'DAY'")}
    db.close()
    for action in ("import", "draw", "entry_status", "theory_import", "mark", "paper_keyed",
                   "entry_time", "discrepancy_accept", "lock", "publish"):
        assert action in audit, action
    v = subprocess.run([CLI, "audit", "verify", "--db", srv.db], capture_output=True, timeout=60)
    assert v.returncode == 0 and b"intact" in v.stdout, v


@test
def test_each_day_change_reaches_the_screens_like_a_mark():
    """Issue 19: a check-in, a time and a theory score change the rankings on every screen: a
    subscribed display is told to resync at once, and its new snapshot shows the change."""
    from wsclient import WS
    srv = Server(demo=True)
    C = "/api/competitions/YN2026"
    try:
        admin = srv.admin()
        display = srv.login("display", "demo-display")
        numbers = {e: n for e, n in
                   ((r["entry"], r["number"]) for r in
                    srv.json("GET", C + "/events/E03/sheet", token=admin)[1]["rows"])}
        entry = [e["id"] for e in demo_doc()["entries"]
                 if e["event"] == "E03" and e.get("status", "ok") == "ok"][0]
        ws = WS(srv.port)

        def snapshot():
            ws.send({"subscribe": "YN2026", "token": display})
            snap = ws.recv(5)
            assert snap["type"] == "results", snap
            rows = [r for g in snap["results"]["rankings"] if g["event"] == "E03"
                    for r in g["rows"] if r.get("number") == numbers[entry]]
            assert len(rows) == 1 and "entry" not in rows[0] and "name" not in rows[0], rows
            return rows[0]

        assert snapshot()["status"] == "ok"
        for path, body in ((C + "/entries/%s/status" % entry, {"status": "absent",
                                                                "reason": "检录未到"}),
                           (C + "/entries/%s/time" % entry, {"seconds": 3000}),
                           (C + "/entries/%s/status" % entry, {"status": "ok",
                                                                "reason": "迟到补录"})):
            st, doc = srv.json("POST", path, body, admin)
            assert st == 200, doc
            msg = ws.recv(5)
            assert msg["type"] in ("resync", "update"), msg
            row = snapshot()
            assert row["status"] == body.get("status", row["status"]), (body, row)
        ws.close()
    finally:
        srv.stop()


@test
def test_theory_double_entry_counts_once_two_accounts_agree():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        doc, _, _, _ = day_doc()
        assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
        for user in ("a1", "a2", "a3"):
            assert srv.json("POST", "/api/users", {"user": user, "role": "clerk",
                                                   "password": "clerk-password"}, admin)[0] == 201
        k = [srv.login(u, "clerk-password") for u in ("a1", "a2", "a3")]
        key = {"entry": "E02-W01", "score": 87.5}
        st, body = srv.json("POST", D + "/theory", key, k[0])
        assert st == 202 and body["status"] == "waiting", body
        st, body = srv.json("POST", D + "/theory", key, k[0])     # the same account again: waits
        assert st == 202, body
        st, body = srv.json("POST", D + "/theory", dict(key, score=78.5), k[1])
        assert st == 409 and sorted(v["score"] for v in body["values"]) == ["78.50", "87.50"], body
        export = json.loads(srv.request("GET", D + "/export", token=admin)[2])
        assert not any(t["entry"] == "E02-W01" for t in export.get("theory", []))
        st, body = srv.json("POST", D + "/theory", key, k[2])
        assert st == 200 and body["status"] == "confirmed" and body["score"] == "87.50", body
        export = json.loads(srv.request("GET", D + "/export", token=admin)[2])
        assert {"entry": "E02-W01", "score": 87.5} in export["theory"]
        assert srv.json("POST", D + "/theory", {"entry": "E02-W01", "score": 101}, k[0])[0] == 400
        assert srv.json("POST", D + "/theory", key, srv.login("display", "demo-display"))[0] \
            == 403
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(summary())
