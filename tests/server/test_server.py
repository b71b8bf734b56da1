#!/usr/bin/env python3
"""The venue server, tested from outside: real `skillscore serve` on 127.0.0.1, real HTTP, a real
SQLite file. Run by tests/run.sh; prints "N passed, N failed"."""
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (ADMIN_PASSWORD, BIN, CLI, ROOT, Server, compute,  # noqa: E402
                     demo_doc, demo_pin, new_id, post_marks_as_judges, sheet_numbers, summary,
                     test)

GOLDEN_DEMO = os.path.join(ROOT, "tests", "golden", "demo.out.json")
GEN = os.path.join(ROOT, "build", "gen")


@test
def test_demo_marked_live_gives_the_same_results_as_compute():
    """Import → judges mark E02 live by blind number → the results endpoint prints exactly what
    `skillscore compute` prints for the export, and for the original demo file."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        status, headers, before = srv.request("GET", "/api/competitions/YN2026/results",
                                              token=admin)
        assert status == 200 and headers.get("x-skillscore-provisional") == "yes"
        numbers = sheet_numbers(srv, admin, "E02")
        e02 = [m for m in demo_doc()["marks"] if m["entry"].startswith("E02-")]
        assert len(e02) > 300
        post_marks_as_judges(srv, e02, numbers)
        status, _, export = srv.request("GET", "/api/competitions/YN2026/export", token=admin)
        assert status == 200
        status, headers, results = srv.request("GET", "/api/competitions/YN2026/results",
                                               token=admin)
        assert status == 200 and "x-skillscore-provisional" not in headers
        assert results == compute(export), "results differ from compute of the export"
        assert results == open(GOLDEN_DEMO, "rb").read(), "results differ from the demo golden"
        # The export is a complete competition file: the judges list and theory came through.
        doc = json.loads(export)
        assert len(doc["marks"]) == len(demo_doc()["marks"])
        assert doc["judges"] == demo_doc()["judges"]
    finally:
        srv.stop()


def generated(seed, events=2, per=12, criteria=3, judges=3):
    p = subprocess.run([GEN, str(events), str(per), str(criteria), str(judges), str(seed)],
                       capture_output=True, timeout=60, check=True)
    return json.loads(p.stdout)


@test
def test_generated_competitions_keyed_in_by_the_organizer_match_compute():
    """Generated competitions imported without marks; the organizer keys every paper sheet in on
    the judges' behalf; results equal compute of the original file, byte for byte."""
    srv = Server()
    try:
        admin = srv.admin()
        for seed in (7, 11):
            doc = generated(seed)
            doc["competition"]["id"] = "GEN%d" % seed
            marks = doc.pop("marks")
            status, body = srv.json("POST", "/api/competitions", doc, admin)
            assert status == 201 and body["marks"] == 0, (status, body)
            random.Random(seed).shuffle(marks)
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            for m in marks:
                status, _, data = srv.request("POST", "/api/competitions/GEN%d/marks" % seed,
                                              dict(m, id=new_id()), admin, conn=conn)
                assert status == 201, data
            conn.close()
            doc["marks"] = marks
            want = compute(json.dumps(doc, ensure_ascii=False).encode())
            status, _, got = srv.request("GET", "/api/competitions/GEN%d/results" % seed,
                                         token=admin)
            assert got == want, "GEN%d results differ" % seed
            status, _, export = srv.request("GET", "/api/competitions/GEN%d/export" % seed,
                                            token=admin)
            assert compute(export) == want
    finally:
        srv.stop()


@test
def test_authorization_matrix_every_endpoint_every_role():
    srv = Server(demo=True)
    try:
        status, body = srv.json("POST", "/api/competitions",
                                json.load(open(os.path.join(ROOT, "tests/golden/basic.in.json"))),
                                srv.admin())
        assert status == 409  # basic.in.json is YN2026 as well: refused, nothing changed
        other = demo_doc()
        other["competition"]["id"] = "OTHER"
        other.pop("marks")
        assert srv.json("POST", "/api/competitions", other, srv.admin())[0] == 201
        tokens = {
            "anon": None,
            "unknown": "0" * 64,
            "malformed": "not-a-token",
            "admin": srv.admin(),
            "chief": srv.login(judge="J06", pin=demo_pin("J06")),   # chief judge of E02
            "judge": srv.login(judge="J07", pin=demo_pin("J07")),   # judge of E02
            "arbitration": srv.login("zhongcai", "demo-zhongcai"),
            "display": srv.login("display", "demo-display"),
        }
        for user, role in (("luru", "clerk"), ("jishi", "timekeeper")):
            assert srv.json("POST", "/api/users", {"user": user, "role": role,
                                                   "password": "staff-password"},
                            tokens["admin"])[0] == 201
            tokens[role] = srv.login(user, "staff-password")
        C = "/api/competitions/YN2026"
        # (method, path, body, {role: status}); roles not named get `rest`.
        mark = {"id": new_id(), "number": "01", "criterion": "Z", "judge": "J07", "score": 1}
        rows = [
            ("POST", "/api/login", {}, dict(rest=400)),
            ("GET", "/api/me", None, dict(rest=200, anon=401)),
            ("POST", "/api/users", {}, dict(rest=403, admin=400, anon=401)),
            ("GET", "/api/competitions", None, dict(rest=200)),
            ("POST", "/api/competitions", {}, dict(rest=403, admin=400, anon=401)),
            ("GET", C, None, dict(rest=200)),
            ("GET", "/api/competitions/NOPE", None, dict(rest=404)),
            ("GET", C + "/export", None, dict(rest=403, admin=200, anon=401)),
            ("GET", "/api/competitions/NOPE/export", None, dict(rest=403, admin=404, anon=401)),
            ("GET", C + "/results", None, dict(rest=200)),
            ("GET", C + "/audit", None, dict(rest=403, admin=200, arbitration=200, anon=401)),
            ("POST", C + "/marks", {}, dict(rest=403, admin=400, chief=400, judge=400, anon=401)),
            # A criterion that does not exist: allowed callers get 400 and nothing is stored.
            # (The organizer has no events of their own to look a number up in: 400 too.)
            ("POST", C + "/marks", mark, dict(rest=403, admin=400, chief=403, judge=400, anon=401)),
            ("POST", "/api/competitions/OTHER/marks", mark,
             dict(rest=403, admin=400, anon=401)),
            ("POST", C + "/corrections", {}, dict(rest=403, admin=400, chief=400, judge=400,
                                                  anon=401)),
            ("POST", C + "/judges/NOPE/pin", {}, dict(rest=403, admin=404, anon=401)),
            ("GET", C + "/judges", None, dict(rest=403, admin=200, arbitration=200, anon=401)),
            ("POST", C + "/judges", {}, dict(rest=403, admin=400, anon=401)),
            ("GET", "/api/competitions/NOPE/judges", None,
             dict(rest=403, admin=404, arbitration=404, anon=401)),
            ("POST", C + "/entries/import", None, dict(rest=403, admin=400, anon=401)),
            ("GET", C + "/events/E02/sheet", None, dict(rest=200, display=403, clerk=403,
                                                        timekeeper=403, anon=401)),
            ("GET", C + "/events/E01/sheet", None, dict(rest=200, chief=403, judge=403,
                                                        display=403, clerk=403, timekeeper=403,
                                                        anon=401)),
            ("GET", C + "/events/E09/sheet", None, dict(rest=404, display=403, clerk=403,
                                                        timekeeper=403, anon=401)),
            ("POST", C + "/events/E02/draw", {}, dict(rest=403, admin=409, anon=401)),
            ("POST", C + "/events/E02/lock", {}, dict(rest=403, chief=409, anon=401)),
            ("POST", C + "/events/E03/lock", {}, dict(rest=403, anon=401)),
            ("POST", C + "/events/E01/unlock", {}, dict(rest=403, arbitration=400, anon=401)),
            ("POST", C + "/events/E03/publish", {}, dict(rest=403, admin=409, anon=401)),
            ("GET", C + "/events/E02/discrepancies", None,
             dict(rest=403, admin=200, chief=200, arbitration=200, anon=401)),
            ("GET", C + "/events/E03/discrepancies", None,
             dict(rest=403, admin=200, arbitration=200, anon=401)),
            ("POST", C + "/events/E02/discrepancies/accept", {}, dict(rest=403, chief=400,
                                                                      anon=401)),
            # The competition day (issue 19): invalid bodies, so nothing changes. A chief judge
            # names entries by number: an entry id in the path is no number of theirs.
            ("POST", C + "/entries/E02-W01/status", {},
             dict(rest=403, admin=400, chief=404, arbitration=400, clerk=400, anon=401)),
            ("POST", C + "/entries/E02-W01/time", {},
             dict(rest=403, admin=400, chief=404, timekeeper=400, anon=401)),
            ("POST", C + "/theory/import", None, dict(rest=403, admin=400, anon=401)),
            ("POST", C + "/theory", {}, dict(rest=403, admin=400, clerk=400, anon=401)),
            ("POST", C + "/paper", {}, dict(rest=403, admin=400, clerk=400, anon=401)),
            ("GET", C + "/entries", None, dict(rest=403, admin=200, clerk=200, anon=401)),
            ("GET", C + "/keyings", None, dict(rest=403, admin=200, clerk=200, anon=401)),
            # The chief judge's review (issue 14): invalid bodies, so nothing changes.
            ("POST", C + "/events/E02/sendback", {}, dict(rest=403, chief=400, anon=401)),
            ("POST", C + "/events/E03/sendback", {}, dict(rest=403, anon=401)),
            ("POST", C + "/events/E02/sendback/confirm", {},
             dict(rest=403, chief=400, judge=400, anon=401)),
            ("POST", C + "/events/E03/sendback/confirm", {}, dict(rest=403, anon=401)),
            ("GET", C + "/events/E02/standings", None,
             dict(rest=403, admin=200, chief=200, arbitration=200, anon=401)),
            ("GET", C + "/events/E03/standings", None,
             dict(rest=403, admin=200, arbitration=200, anon=401)),
            # Freeze (封榜) is the organizer's; a published event has nothing left to freeze.
            ("POST", C + "/events/E01/freeze", {}, dict(rest=403, admin=409, anon=401)),
            ("POST", C + "/events/E01/unfreeze", {}, dict(rest=403, admin=409, anon=401)),
            ("POST", C + "/events/E09/freeze", {}, dict(rest=403, admin=404, anon=401)),
            # Appeals (申诉): recorded by the organizer, decided by arbitration (no appeal 1 yet).
            ("GET", C + "/appeals", None, dict(rest=403, admin=200, arbitration=200, anon=401)),
            ("POST", C + "/appeals", {}, dict(rest=403, admin=400, anon=401)),
            ("POST", C + "/appeals/1/review", {}, dict(rest=403, arbitration=404, anon=401)),
            ("POST", C + "/appeals/1/decide", {}, dict(rest=403, arbitration=404, anon=401)),
            ("GET", C + "/appeals/1/delta", None, dict(rest=403, admin=404, arbitration=404,
                                                       anon=401)),
            ("POST", C + "/appeals/1/confirm", {}, dict(rest=403, arbitration=404, anon=401)),
            ("GET", C + "/appeals/1/decision.pdf", None, dict(rest=403, admin=404,
                                                              arbitration=404, anon=401)),
            ("POST", C + "/events/E01/appeal-window", {}, dict(rest=403, admin=400, anon=401)),
            # The verification address certificates point at: the organizer sets it.
            ("GET", C + "/settings", None, dict(rest=403, admin=200, arbitration=200, anon=401)),
            ("POST", C + "/settings", {}, dict(rest=403, admin=400, anon=401)),
            # The award ceremony (颁奖) is the organizer's to run.
            ("GET", C + "/ceremony", None, dict(rest=403, admin=200, anon=401)),
            ("POST", C + "/ceremony", {}, dict(rest=403, admin=400, anon=401)),
            # The day's papers: forms for the organizer and the event's chief; slips for the
            # organizer; the sealed list printed first by the organizer, then by arbitration.
            ("GET", C + "/events/E02/forms.pdf", None, dict(rest=403, admin=200, chief=200,
                                                            anon=401)),
            ("GET", C + "/events/E01/forms.pdf", None, dict(rest=403, admin=200, anon=401)),
            ("GET", C + "/slips.pdf?event=E03", None, dict(rest=403, admin=200, anon=401)),
            ("GET", C + "/events/E03/sealed.pdf", None, dict(rest=403, admin=200,
                                                             arbitration=200, anon=401)),
            # Judge analytics (issue 18): the event's chief, the organizer and arbitration.
            ("GET", C + "/events/E02/analytics", None,
             dict(rest=403, admin=200, chief=200, arbitration=200, anon=401)),
            ("GET", C + "/events/E01/analytics", None,
             dict(rest=403, admin=200, arbitration=200, anon=401)),
            ("GET", C + "/events/E09/analytics", None,
             dict(rest=403, admin=404, chief=404, arbitration=404, anon=401)),
            ("GET", C + "/events/E02/reports/analytics.pdf", None,
             dict(rest=403, admin=200, chief=200, arbitration=200, anon=401)),
            ("GET", C + "/events/E03/reports/analytics.pdf", None,
             dict(rest=403, admin=200, arbitration=200, anon=401)),
            # The standby and backups (issue 12).
            ("GET", "/api/replication", None, dict(rest=403, admin=400, anon=401)),
            ("GET", "/api/standby", None, dict(rest=200)),
            ("GET", "/api/backup", None, dict(rest=403, admin=200, anon=401)),
            ("GET", "/api/nothing-here", None, dict(rest=404)),
            ("DELETE", "/api/competitions", None, dict(rest=405)),
        ]
        wrong = []
        for method, path, body, expect in rows:
            for role, token in tokens.items():
                want = expect.get(role, expect["rest"])
                if role in ("unknown", "malformed") and "nothing-here" not in path \
                        and method != "DELETE":
                    # A bad token is refused before anything else, wherever a token is sent.
                    want = 401
                if method == "POST" and body is None:
                    status, _, data = srv.request(method, path, raw=b"", token=token)
                else:
                    status, _, data = srv.request(method, path, body, token)
                if status != want:
                    wrong.append("%s %s as %s: %d, want %d (%s)" % (method, path, role, status,
                                                                   want, data[:120]))
        assert not wrong, "\n" + "\n".join(wrong)
        status, _, export = srv.request("GET", C + "/export", token=tokens["admin"])
        assert len(json.loads(export)["marks"]) == len(demo_doc()["marks"]) - \
            len([m for m in demo_doc()["marks"] if m["entry"].startswith("E02-")])
    finally:
        srv.stop()


@test
def test_the_organizer_adds_a_judge_who_then_signs_in_and_marks_bad_ones_change_nothing():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        J = "/api/competitions/YN2026/judges"
        before = srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2]
        cases = [
            ({"events": ["E02"]}, 400, "id", "missing field"),
            ({"id": "J 16", "events": ["E02"]}, 400, "id", "letters, digits"),
            ({"id": "J16", "events": []}, 400, "events", "non-empty"),
            ({"id": "J16", "events": ["E09"]}, 400, "events", "events[0]: no such event"),
            ({"id": "J16", "events": ["E01"]}, 409, "events", "E01 is locked"),
            ({"id": "J07", "events": ["E02"]}, 409, "id", "already on the judges list"),
            ({"id": "J16", "events": ["E02"], "chief": "yes"}, 400, "chief", "true or false"),
        ]
        for body, status, field, text in cases:
            got, doc = srv.json("POST", J, body, admin)
            assert got == status and doc.get("field") == field and text in doc["error"], (body, doc)
        assert srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2] == before
        status, doc = srv.json("POST", J, {"id": "J16", "name": "新裁判", "events": ["E02"]}, admin)
        assert status == 201 and doc == {"id": "J16", "name": "新裁判", "events": ["E02"],
                                         "chief": False}, doc
        listed = srv.json("GET", J, token=admin)[1]["judges"]
        assert [j for j in listed if j["id"] == "J16"][0]["has_pin"] is False
        pin = srv.json("POST", J + "/J16/pin", {}, admin)[1]["pin"]
        token = srv.login(judge="J16", pin=pin)
        number = sheet_numbers(srv, admin, "E02")
        entry = next(e for e in demo_doc()["entries"] if e["event"] == "E02" and e["status"] == "ok")
        status, doc = srv.json("POST", "/api/competitions/YN2026/marks",
                               {"id": new_id(), "number": number[entry["id"]], "criterion": "A",
                                "judge": "J16", "score": 30}, token)
        assert status == 201, doc
        # Lock now waits for the new judge's marks too.
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        status, doc = srv.json("POST", "/api/competitions/YN2026/events/E02/lock", {}, chief)
        assert status == 409, doc
        audit = srv.json("GET", "/api/competitions/YN2026/audit", token=admin)[1]["audit"]
        assert any(a["action"] == "judge_add" and a["detail"]["id"] == "J16" for a in audit)
    finally:
        srv.stop()


@test
def test_expired_and_signed_out_tokens_are_refused():
    # Expiry is in whole seconds: a TTL of 2 leaves the token at least one second of life, so the
    # first check cannot race the clock's tick (a TTL of 1 could expire within milliseconds).
    srv = Server(env={"SKILLSCORE_TOKEN_TTL": "2"})
    try:
        token = srv.admin()
        assert srv.json("GET", "/api/me", token=token)[0] == 200
        time.sleep(3.1)
        status, doc = srv.json("GET", "/api/me", token=token)
        assert status == 401 and "expired" in doc["error"], doc
        token = srv.admin()
        assert srv.json("POST", "/api/logout", {}, token)[0] == 200
        status, doc = srv.json("GET", "/api/me", token=token)
        assert status == 401 and "signed out" in doc["error"], doc
    finally:
        srv.stop()


@test
def test_the_same_mark_three_times_and_in_parallel_is_one_mark():
    srv = Server(demo=True)
    try:
        judge = srv.login(judge="J07", pin=demo_pin("J07"))
        body = {"id": new_id(), "number": "05", "criterion": "A", "judge": "J07", "score": 21.5}
        got = [srv.request("POST", "/api/competitions/YN2026/marks", body, judge)[0]
               for _ in range(3)]
        assert got == [201, 200, 200], got
        # The same id with other content is a conflict, not a second mark.
        assert srv.json("POST", "/api/competitions/YN2026/marks", dict(body, score=22),
                        judge)[0] == 409
        body2 = {"id": new_id(), "number": "06", "criterion": "A", "judge": "J07", "score": 20}
        barrier = threading.Barrier(8)
        statuses = []

        def send():
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            barrier.wait(timeout=10)
            statuses.append(srv.request("POST", "/api/competitions/YN2026/marks", body2, judge,
                                        conn=conn)[0])
            conn.close()
        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(statuses) == [200] * 7 + [201], statuses
        status, doc = srv.json("GET", "/api/competitions/YN2026/events/E02/sheet", token=judge)
        # Rows come in number order, not in the file's entry order.
        order = [r["number"] for r in doc["rows"]]
        assert order == sorted(order) and len(order) == 22, order
        rows = {r["number"]: r["marks"] for r in doc["rows"]}
        assert rows["05"] == {"A": "21.50"} and rows["06"] == {"A": "20.00"}, rows
        admin = srv.admin()
        export = json.loads(srv.request("GET", "/api/competitions/YN2026/export",
                                        token=admin)[2])
        e02 = [m for m in export["marks"] if m["entry"].startswith("E02-")]
        assert len(e02) == 2, e02
    finally:
        srv.stop()


@test
def test_sigkill_loses_no_acknowledged_mark_and_the_audit_chain_verifies():
    srv = Server()
    try:
        admin = srv.admin()
        doc = generated(5, events=1, per=100, criteria=5, judges=5)
        marks = doc.pop("marks")
        assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
        acked, stop = [], threading.Event()

        def writer():
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
            for m in marks:
                if stop.is_set():
                    break
                try:
                    status, _, _ = srv.request("POST", "/api/competitions/%s/marks" %
                                               doc["competition"]["id"], dict(m, id=new_id()),
                                               admin, conn=conn)
                except (OSError, http.client.HTTPException):
                    break
                if 200 <= status < 300:
                    acked.append(m)
        t = threading.Thread(target=writer)
        t.start()
        kill_at = random.randint(50, len(marks) // 2)
        deadline = time.time() + 120
        while len(acked) < kill_at and time.time() < deadline and t.is_alive():
            time.sleep(0.001)
        srv.kill()
        stop.set()
        t.join(timeout=20)
        assert 0 < len(acked) < len(marks), len(acked)
        srv.start()
        export = json.loads(srv.request("GET", "/api/competitions/%s/export" %
                                        doc["competition"]["id"], token=srv.admin())[2])
        stored = {(m["entry"], m["criterion"], m["judge"]): m["score"] for m in export["marks"]}
        missing = [m for m in acked if stored.get((m["entry"], m["criterion"], m["judge"]))
                   != m["score"]]
        assert not missing, "%d acknowledged marks lost, e.g. %r" % (len(missing), missing[:3])
        assert len(stored) in (len(acked), len(acked) + 1)  # at most the one in flight
        srv.stop()
        p = subprocess.run([BIN, "audit", "verify", "--db", srv.db], capture_output=True,
                           timeout=60)
        assert p.returncode == 0 and b"intact" in p.stdout, p.stdout + p.stderr
    finally:
        if srv.proc.poll() is None:
            srv.stop()


@test
def test_bad_input_gets_a_4xx_naming_the_field_and_changes_nothing():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        judge = srv.login(judge="J07", pin=demo_pin("J07"))
        M = "/api/competitions/YN2026/marks"

        def snapshot():
            export = srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2]
            audit = srv.json("GET", "/api/competitions/YN2026/audit", token=admin)[1]["audit"]
            return export, len(audit)
        before = snapshot()
        good = {"id": new_id(), "number": "01", "criterion": "A", "judge": "J07", "score": 20}
        cases = [
            (b'{"id": ', 400, None, "not valid JSON"),
            (b'[1, 2]', 400, None, "JSON object"),
            (dict(good, score="20"), 400, "score", "must be a number"),
            (dict(good, score=-1), 400, "score", "outside"),
            (dict(good, score=1e300), 400, "score", "outside"),
            (dict(good, score=20.125), 400, "score", "2 decimal"),
            (dict(good, score=999), 400, "score", "outside"),
            (dict(good, score=40.5), 400, "score", "above the criterion's maximum"),
            (dict(good, criterion="Z"), 400, "criterion", "not a criterion"),
            (dict(good, number="999"), 400, "number", "no entry has number"),
            (dict(good, number=7), 400, "number", "must be a string"),
            (dict(good, id="123"), 400, "id", "UUID"),
            (dict(good, id=5), 400, "id", "non-empty string"),
            ({k: v for k, v in good.items() if k != "score"}, 400, "score", "missing"),
            (dict(good, entry="E02-NOPE"), 400, "entry", "by its number"),
            (dict(good, judge="J08"), 403, "judge", "may not send marks as"),
            (dict(good, event="E09"), 400, "event", "not in competition"),
            (dict(good, event=2), 400, "event", "non-empty string"),
            (dict(good, event="E01", number=None, entry="E02-W01"), 400, "entry",
             "by its number"),
            (dict(good, extra="x" * 70000), 413, None, "larger than 65536 bytes"),
        ]
        for body, status, field, text in cases:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            got, _, data = srv.request("POST", M, raw=raw, token=judge)
            doc = json.loads(data)
            assert got == status, (body if isinstance(body, bytes) else raw[:100], got, doc)
            assert doc.get("field") == field and text in doc["error"], (raw[:100], doc)
        # An import that `skillscore compute` would refuse gets the same message.
        bad = os.path.join(ROOT, "tests", "bad", "score_above_max.json")
        status, doc = srv.json("POST", "/api/competitions",
                               json.load(open(bad, encoding="utf-8")), admin)
        assert status == 400 and doc["error"] == open(bad[:-5] + ".err").read().strip(), doc
        assert snapshot() == before
        # And the server still answers on the same footing.
        assert srv.request("POST", M, good, judge)[0] == 201
    finally:
        srv.stop()


@test
def test_lock_needs_every_mark_and_no_open_discrepancy_then_publish_shows_it_to_displays():
    """Discrepancies: spread above 20% of the criterion's maximum (the default), flagged for the
    chief judge, resolved by accepting with a reason; lock refused until then."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        display = srv.login("display", "demo-display")
        arbitration = srv.login("zhongcai", "demo-zhongcai")
        C = "/api/competitions/YN2026"
        numbers = sheet_numbers(srv, admin, "E02")
        e02 = [m for m in demo_doc()["marks"] if m["entry"].startswith("E02-")]
        # J07 is far off on E02-W01 criterion A (max 40 → threshold 8.00). The demo data has a
        # discrepancy of its own too (E02-S03 A, spread 8.50), as real marking does.
        target = next(m for m in e02 if m["entry"] == "E02-W01" and m["criterion"] == "A"
                      and m["judge"] == "J07")
        original = target["score"]
        target["score"] = 40 if original < 20 else 0
        status, doc = srv.json("POST", C + "/events/E02/lock", {}, chief)
        assert status == 409 and "marks on criterion" in doc["error"], doc
        post_marks_as_judges(srv, e02, numbers)
        status, doc = srv.json("GET", C + "/events/E02/discrepancies", token=chief)
        by_number = {n: e for e, n in numbers.items()}
        assert all("entry" not in d for d in doc["discrepancies"]), doc
        assert [d["number"] for d in doc["discrepancies"]] == \
            sorted(d["number"] for d in doc["discrepancies"]), doc
        open_ones = [(by_number[d["number"]], d["number"], d["criterion"])
                     for d in doc["discrepancies"] if d["status"] == "open"]
        assert sorted(e for e, _, _ in open_ones) == ["E02-S03", "E02-W01"], doc
        assert {d["threshold"] for d in doc["discrepancies"]} == {"8.00"}
        # Accepting one leaves the other open: still no lock.
        for entry, number, crit in open_ones:
            status, doc = srv.json("POST", C + "/events/E02/lock", {}, chief)
            assert status == 409 and "discrepancy on" in doc["error"], doc
            acc = {"number": number, "criterion": crit, "reason": "复核：操作规范，评分有据"}
            assert srv.json("POST", C + "/events/E02/discrepancies/accept", acc, chief)[0] == 200
        assert srv.json("POST", C + "/events/E02/discrepancies/accept", acc, chief)[0] == 409
        assert srv.json("POST", C + "/events/E02/lock", {}, chief)[0] == 200
        # Locked: no more marks or corrections.
        corr = {"id": new_id(), "entry": "E02-W01", "criterion": "A", "judge": "J07",
                "score": original, "reason": "录入错误"}
        assert srv.json("POST", C + "/corrections", corr, admin)[0] == 409
        ranks = lambda tok: [r["event"] for r in json.loads(  # noqa: E731
            srv.request("GET", C + "/results", token=tok)[2])["rankings"]]
        assert "E02" not in ranks(display) and "E02" not in ranks(None)
        assert srv.json("POST", C + "/events/E02/publish", {}, admin)[0] == 200
        assert "E02" in ranks(display) and "E03" not in ranks(display)
        # Arbitration unlocks with a reason; that withdraws publication.
        assert srv.json("POST", C + "/events/E02/unlock", {"reason": ""}, arbitration)[0] == 400
        assert srv.json("POST", C + "/events/E02/unlock", {"reason": "仲裁：复核E02-W01"},
                        arbitration)[0] == 200
        assert "E02" not in ranks(display)
        # The correction now goes through, supersedes the old row, and the discrepancy is gone.
        # A chief judge names the entry by number, like every judge (issue 12 item 5).
        assert srv.json("POST", C + "/corrections", corr, chief)[0] == 400
        corr = dict(corr, number=numbers["E02-W01"])
        del corr["entry"]
        status, doc = srv.json("POST", C + "/corrections", corr, chief)
        assert status == 201 and doc["supersedes"] > 0, doc
        status, doc = srv.json("GET", C + "/events/E02/discrepancies", token=chief)
        assert [(by_number[d["number"]], d["status"]) for d in doc["discrepancies"]] == \
            [("E02-S03", "accepted")], doc
        export = srv.request("GET", C + "/export", token=admin)[2]
        assert srv.request("GET", C + "/results", token=admin)[2] == compute(export)
        assert compute(export) == open(GOLDEN_DEMO, "rb").read()
        audit = [a["action"] for a in srv.json("GET", C + "/audit", token=admin)[1]["audit"]]
        for action in ("correction", "unlock", "publish", "lock", "discrepancy_accept", "mark",
                       "draw", "import", "login", "pin_reset"):
            assert action in audit, action
    finally:
        srv.stop()


@test
def test_judges_and_displays_never_receive_names_or_id_numbers():
    """Blind marking (加密): judges and displays see only numbers; names and ID numbers of people
    stay on the server."""
    srv = Server(demo=True)
    try:
        secrets = set()
        for e in demo_doc()["entries"]:
            for m in e["members"]:
                secrets.add(m["name"].encode())
                secrets.add(m["id_number"].encode())
            if e["event"] == "E02":
                secrets.add(e["id"].encode())  # entry ids of an unpublished event, too
        judge = srv.login(judge="J07", pin=demo_pin("J07"))
        display = srv.login("display", "demo-display")
        seen = b""
        for token in (judge, display, None):
            for path in ("/api/competitions", "/api/competitions/YN2026",
                         "/api/competitions/YN2026/results", "/api/me",
                         "/api/competitions/YN2026/events/E02/sheet"):
                seen += srv.request("GET", path, token=token)[2]
        status, _, data = srv.request("POST", "/api/competitions/YN2026/marks",
                                      {"id": new_id(), "number": "03", "criterion": "B",
                                       "judge": "J07", "score": 30}, judge)
        assert status == 201
        seen += data
        leaked = [s.decode() for s in secrets if s in seen]
        assert not leaked, leaked[:5]
        assert b'"number":"03"' in srv.request("GET", "/api/competitions/YN2026/events/E02/sheet",
                                               token=judge)[2]
    finally:
        srv.stop()


@test
def test_audit_verify_names_the_first_changed_row():
    srv = Server(demo=True)
    srv.stop()
    ok = subprocess.run([BIN, "audit", "verify", "--db", srv.db], capture_output=True, timeout=60)
    assert ok.returncode == 0 and b"intact" in ok.stdout, ok.stdout
    db = sqlite3.connect(srv.db)
    row = db.execute("SELECT seq FROM audit WHERE action = 'lock'").fetchone()[0]
    db.execute("UPDATE audit SET actor = 'J02' WHERE seq = ?", (row,))
    db.commit()
    db.close()
    bad = subprocess.run([BIN, "audit", "verify", "--db", srv.db], capture_output=True,
                         timeout=60)
    assert bad.returncode == 1, bad
    assert ("broken at row %d" % row).encode() in bad.stdout, bad.stdout


CSV_HEAD = "参赛号,项目,组别,选手编号,姓名,性别,身份证号,工作单位,学生,现等级,曾晋升,教练\r\n"
CSV_ROWS = [
    "N01,汽车维修工（双人赛）,职工组,Q001,李四,男,530102198805061234,昆明公交集团,否,高级工,否,王五",
    "N01,E03,职工组,Q002,\"赵,六\",女,,昆明公交集团,否,,否,",
    "N02,E03,学生组,Q003,钱七,男,,云南交通职业技术学院,是,中级工,否,",
    "N02,E03,学生组,Q004,孙八,女,,云南交通职业技术学院,是,,否,",
]


@test
def test_entries_import_from_csv_in_utf8_with_bom_and_in_gb18030():
    srv = Server()
    try:
        admin = srv.admin()
        doc = demo_doc()
        doc.pop("marks")
        doc.pop("theory")
        doc["entries"] = [e for e in doc["entries"] if e["event"] != "E03"]
        for e in doc["events"]:
            e["weights"] = {"theory": 0, "practical": 100}
        assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
        path = "/api/competitions/YN2026/entries/import"
        csv = (CSV_HEAD + "\r\n".join(CSV_ROWS[:2]) + "\r\n").encode("utf-8")
        status, _, data = srv.request("POST", path, raw=b"\xef\xbb\xbf" + csv, token=admin)
        assert status == 200, data
        assert json.loads(data)["added"] == 1 and json.loads(data)["encoding"] == "UTF-8"
        gb = (CSV_HEAD + "\n".join(CSV_ROWS[2:]) + "\n").encode("gb18030")
        status, _, data = srv.request("POST", path, raw=gb, token=admin)
        assert status == 200 and json.loads(data)["encoding"] == "GB18030", data
        export = json.loads(srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2])
        n01 = next(e for e in export["entries"] if e["id"] == "N01")
        assert [m["name"] for m in n01["members"]] == ["李四", "赵,六"]
        assert n01["coach"] == "王五" and n01["members"][0]["level"] == "高级工"
        n02 = next(e for e in export["entries"] if e["id"] == "N02")
        assert n02["group"] == "学生组" and n02["members"][1]["student"] is True
        before = srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2]
        bad = [
            (CSV_HEAD + "N03,E03,职工组,Q005,周九,男,,,否,大师,否,\nN03,E03,职工组,Q006,吴十,男,,,否,,否,\n",
             "line 2 (entry N03): level \"大师\" must be one of"),
            (CSV_HEAD + "N04,E03,职工组,Q007,郑一,男,,,否,,否,\n", "line 2 (entry N04)"),
            (CSV_HEAD + "N05,E09,职工组,Q008,王二,男,,,否,,否,\n", "line 2: no event \"E09\""),
            (CSV_HEAD + "N06,E03,职工组,,王二,男,,,否,,否,\n", "line 2: 选手编号 (member) is empty"),
            (CSV_HEAD + "N07,E03,职工组,Q009,王二,男,,,也许,,否,\n", "line 2: 学生 must be 是 or 否"),
            (CSV_HEAD + "N01,E03,职工组,Q010,王二,男,,,否,,否,\n", "line 2: entry N01 is already"),
            ("参赛号,项目,姓名\nN08,E03,王二\n", "line 1: the column \"选手编号\" (member) is missing"),
            ("参赛号,项目,选手编号,姓名,年龄\nN08,E03,Q1,王二,30\n", "line 1: unknown column \"年龄\""),
            (CSV_HEAD + "N09,E03,职工组,Q011,\"王二,男\n", "line 2: a quoted field is never closed"),
            # Issue 13: the id rule holds for CSV as for JSON (an 80-byte id imported, then every
            # mark for it was refused).
            (CSV_HEAD + "".join("L" * 80 + ",E03,职工组,Q01%d,王二,男,,,否,,否,\n" % i
                                for i in (2, 3)), "line 2 (entry " + "L" * 64),
            (CSV_HEAD + "N11,E03,职工组,../Q014,王二,男,,,否,,否,\nN11,E03,职工组,Q015,王三,男,,,否,,否,\n",
             "line 2 (entry N11)"),
        ]
        for text, message in bad:
            status, _, data = srv.request("POST", path, raw=text.encode(), token=admin)
            assert status == 400 and message in json.loads(data)["error"], (message, data)
        status, _, data = srv.request("POST", path, raw=b"\xff\xfe\x00a", token=admin)
        assert status == 400, data
        assert srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2] == before
        # Once numbers are drawn, an event takes no more entries.
        assert srv.json("POST", "/api/competitions/YN2026/events/E03/draw", {}, admin)[0] == 200
        status, _, data = srv.request("POST", path, raw=(CSV_HEAD + CSV_ROWS[0].replace("N01", "N10")
                                                         .replace("Q001", "Q099") + "\n").encode(),
                                      token=admin)
        assert status == 409 and "drawn" in json.loads(data)["error"], data
    finally:
        srv.stop()


@test
def test_entries_import_from_csv_fills_delegations_from_a_daibiaodui_column():
    """Issue 17: 代表队 (or delegation) in a CSV as Excel saves it (GB18030): the entry's
    delegation; a team's second row may leave it empty, not name another (refused with its line,
    nothing stored)."""
    srv = Server()
    try:
        admin = srv.admin()
        doc = demo_doc()
        doc.pop("marks")
        doc.pop("theory")
        doc["entries"] = [e for e in doc["entries"] if e["event"] != "E03"]
        assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
        path = "/api/competitions/YN2026/entries/import"
        head = CSV_HEAD.replace("教练\r\n", "教练,代表队\r\n")
        rows = [CSV_ROWS[0] + ",昆明市代表队", CSV_ROWS[1] + ",", CSV_ROWS[2] + ",省属企业代表队",
                CSV_ROWS[3] + ",省属企业代表队"]
        before = srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2]
        clash = rows[:3] + [CSV_ROWS[3] + ",昆明市代表队"]
        status, _, data = srv.request("POST", path, raw=(head + "\r\n".join(clash) + "\r\n")
                                      .encode("gb18030"), token=admin)
        err = json.loads(data)
        assert status == 400 and err["field"] == "delegation" and err["error"].startswith(
            'line 5: entry N02 is in 代表队 "省属企业代表队" on line 4'), err
        assert srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2] == before
        status, _, data = srv.request("POST", path, raw=(head + "\r\n".join(rows) + "\r\n")
                                      .encode("gb18030"), token=admin)
        assert status == 200 and json.loads(data)["encoding"] == "GB18030", data
        export = json.loads(srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2])
        got = {e["id"]: e.get("delegation") for e in export["entries"] if e["event"] == "E03"}
        assert got == {"N01": "昆明市代表队", "N02": "省属企业代表队"}, got
        # The English head, and an empty cell: no delegation.
        csv = "entry,event,member,name,delegation\nN03,E02,Q3,王二,\nN04,E02,Q4,王三,红河州代表队\n"
        status, _, data = srv.request("POST", path, raw=csv.encode(), token=admin)
        assert status == 200, data
        export = json.loads(srv.request("GET", "/api/competitions/YN2026/export", token=admin)[2])
        got = {e["id"]: e.get("delegation") for e in export["entries"] if e["id"] in ("N03", "N04")}
        assert got == {"N03": None, "N04": "红河州代表队"}, got
    finally:
        srv.stop()



@test
def test_a_database_failure_is_a_500_with_its_cause_never_a_404():
    """Issue 13: sv_comp_get returned NULL for missing, database error and unreadable alike, so a
    database failure reached the client as 404 "no competition"."""
    srv = Server(demo=True)
    try:
        assert srv.json("GET", "/api/competitions/NOPE")[0] == 404
        db = sqlite3.connect(srv.db)
        db.execute("ALTER TABLE competitions RENAME TO competitions_gone")
        db.commit()
        db.close()
        status, doc = srv.json("GET", "/api/competitions/NOPE")
        assert status == 500 and "database" in doc["error"], (status, doc)
        assert "store:" in srv.output(), srv.output()[-300:]
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(summary())
