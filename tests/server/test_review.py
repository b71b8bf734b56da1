#!/usr/bin/env python3
"""The chief judge's review before lock (issue 14), over HTTP against the real server: a mark
sent back to its judge (退回复评) holds the lock until the judge corrects or confirms it; every
request and answer names entries by number; the standings a chief judge reads are in number
order and carry no entry id, name or unit. Run by tests/run.sh; prints "N passed, N failed"."""
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, demo_doc, demo_pin, new_id, post_marks_as_judges,  # noqa: E402
                     sheet_numbers, summary, test)

C = "/api/competitions/YN2026"
E = C + "/events/E02"


def e02_marks():
    """Demo-like marks for every E02 entry, from the E03 demo marks' shape: every judge of E02,
    every criterion, a score that is a fixed share of the maximum."""
    doc = demo_doc()
    ev = next(e for e in doc["events"] if e["id"] == "E02")
    judges = [j["id"] for j in doc["judges"] if "E02" in j["events"]]
    out = []
    for i, e in enumerate(x for x in doc["entries"] if x["event"] == "E02"):
        if e.get("status", "ok") != "ok":
            continue
        for j, judge in enumerate(judges):
            for c in ev["criteria"]:
                share = 60 + (i * 7 + j * 3) % 35
                out.append({"entry": e["id"], "judge": judge, "criterion": c["id"],
                            "score": c["max"] * share // 100})
    return out


@test
def test_a_sent_back_mark_holds_the_lock_until_its_judge_answers():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        numbers = sheet_numbers(srv, admin, "E02")
        marks = e02_marks()
        post_marks_as_judges(srv, marks, numbers)
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        entry = marks[0]["entry"]
        no = numbers[entry]
        ask = {"number": no, "criterion": "A", "judge": "J08", "note": "请复核 A 项"}
        # Who may send back: the chief judge of the event, by number only.
        assert srv.json("POST", E + "/sendback", ask, srv.login(judge="J01", pin=demo_pin("J01")))[0] == 403
        assert srv.json("POST", E + "/sendback", ask, srv.login(judge="J07", pin=demo_pin("J07")))[0] == 403
        assert srv.json("POST", E + "/sendback", ask, admin)[0] == 403
        bad = [(dict(ask, number=None, entry=entry), 400, "entry"),
               (dict(ask, judge="J01"), 400, "judge"),
               (dict(ask, criterion="Z"), 400, "criterion"),
               (dict(ask, note="x"), 400, "note")]
        for body, status, field in bad:
            body = {k: v for k, v in body.items() if v is not None}
            st, doc = srv.json("POST", E + "/sendback", body, chief)
            assert st == status and doc.get("field") == field, (body, doc)
        st, doc = srv.json("POST", E + "/sendback", ask, chief)
        assert st == 201 and doc == {"number": no, "criterion": "A", "judge": "J08",
                                     "note": "请复核 A 项", "status": "open"}, doc
        assert srv.json("POST", E + "/sendback", ask, chief)[0] == 409
        # Every discrepancy accepted, every mark in: only the send-back holds the lock, and the
        # refusal names the number, never the entry.
        for d in srv.json("GET", E + "/discrepancies", token=chief)[1]["discrepancies"]:
            if d["status"] == "open":
                assert srv.json("POST", E + "/discrepancies/accept",
                                {"number": d["number"], "criterion": d["criterion"],
                                 "reason": "复核无误"}, chief)[0] == 200
        st, doc = srv.json("POST", E + "/lock", {}, chief)
        assert st == 409 and "sent back" in doc["error"] and no in doc["error"], doc
        assert entry not in doc["error"], doc
        # J08's tablet shows it (own marks only); J07's shows nothing.
        j08 = srv.login(judge="J08", pin=demo_pin("J08"))
        row = next(r for r in srv.json("GET", E + "/sheet", token=j08)[1]["rows"]
                   if r["number"] == no)
        assert row["sendbacks"] == [{"criterion": "A", "judge": "J08", "note": "请复核 A 项",
                                     "by": "J06"}], row
        j07 = srv.login(judge="J07", pin=demo_pin("J07"))
        row7 = next(r for r in srv.json("GET", E + "/sheet", token=j07)[1]["rows"]
                    if r["number"] == no)
        assert "sendbacks" not in row7, row7
        # Another judge cannot answer it; J08 corrects, which answers it.
        assert srv.json("POST", E + "/sendback/confirm", {"number": no, "criterion": "A"},
                        j07)[0] == 404
        was = next(m["score"] for m in marks
                   if m["entry"] == entry and m["judge"] == "J08" and m["criterion"] == "A")
        st, doc = srv.json("POST", C + "/corrections",
                           {"id": new_id(), "number": no, "criterion": "A", "judge": "J08",
                            "score": was, "reason": "复核后维持"}, j08)
        assert st == 201, doc
        assert srv.json("POST", E + "/sendback/confirm", {"number": no, "criterion": "A"},
                        j08)[0] == 404
        # A second send-back, confirmed as it is.
        ask_b = dict(ask, criterion="B", judge="J09")
        assert srv.json("POST", E + "/sendback", ask_b, chief)[0] == 201
        j09 = srv.login(judge="J09", pin=demo_pin("J09"))
        st, doc = srv.json("POST", E + "/sendback/confirm", {"number": no, "criterion": "B"}, j09)
        assert st == 200 and doc == {"number": no, "criterion": "B", "status": "confirmed"}, doc
        for d in srv.json("GET", E + "/discrepancies", token=chief)[1]["discrepancies"]:
            if d["status"] == "open":
                assert srv.json("POST", E + "/discrepancies/accept",
                                {"number": d["number"], "criterion": d["criterion"],
                                 "reason": "复核无误"}, chief)[0] == 200
        st, doc = srv.json("POST", E + "/lock", {}, chief)
        assert st == 200, doc
        assert srv.json("POST", E + "/sendback", ask, chief)[0] == 409  # locked
    finally:
        srv.stop()
    db = sqlite3.connect(srv.db)
    acts = [(a, json.loads(d)) for a, d in db.execute(
        "SELECT action, detail FROM audit WHERE action IN ('sendback', 'sendback_confirm', "
        "'correction') ORDER BY seq")]
    db.close()
    assert [a for a, _ in acts] == ["sendback", "correction", "sendback", "sendback_confirm"], acts
    assert acts[1][1].get("sendback") == "answered", acts[1]


@test
def test_standings_for_the_chief_are_by_number_and_name_nobody():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        numbers = sheet_numbers(srv, admin, "E02")
        marks = e02_marks()
        done = {m["entry"] for m in marks[:40]}
        post_marks_as_judges(srv, marks[:40], numbers)
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        st, _, raw = srv.request("GET", E + "/standings", token=chief)
        assert st == 200, raw
        body = raw.decode()
        for e in demo_doc()["entries"]:
            if e["event"] != "E02":
                continue
            assert e["id"] not in body, e["id"]
            for m in e["members"]:
                assert m["name"] not in body and m.get("unit", "§") not in body, m
        doc = json.loads(body)
        nums = [r["number"] for r in doc["rows"]]
        assert nums == sorted(nums) and len(nums) == len(numbers), nums
        assert doc["provisional"] is True
        by_no = {r["number"]: r for r in doc["rows"]}
        for e in done:
            r = by_no[numbers[e]]
            assert r["progress"]["done"] <= r["progress"]["of"] == 5, r
        # The organizer's standings name the entries; another event's chief may not look.
        st, doc = srv.json("GET", E + "/standings", token=admin)
        assert st == 200 and all("entry" in r for r in doc["rows"]), doc
        assert srv.json("GET", E + "/standings",
                        token=srv.login(judge="J11", pin=demo_pin("J11")))[0] == 403
        assert srv.json("GET", E + "/standings",
                        token=srv.login(judge="J07", pin=demo_pin("J07")))[0] == 403
        # The chief's sheet marks the outlier of each slot: the mark farthest from the median.
        st, doc = srv.json("GET", E + "/sheet", token=chief)
        for r in doc["rows"]:
            for crit, judges in r.get("outliers", {}).items():
                vals = {j: float(v) for j, v in r["marks"][crit].items()}
                s = sorted(vals.values())
                n = len(s)
                med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
                far = max(abs(v - med) for v in vals.values())
                assert sorted(judges) == sorted(j for j, v in vals.items()
                                                if abs(abs(v - med) - far) < 1e-9), (r, crit)
    finally:
        srv.stop()


def e02_secrets(doc):
    """What a chief judge of E02 must never receive before publication, as bytes: E02's entry ids,
    the names and ID numbers of its people, and every unit no published entry (E01) shows."""
    shown = {m.get("unit") for e in doc["entries"] if e["event"] == "E01" for m in e["members"]}
    out = set()
    for e in doc["entries"]:
        if e["event"] != "E02":
            continue
        out.add(e["id"])
        for m in e["members"]:
            out |= {m["name"], m["id_number"]}
            if m.get("unit") and m["unit"] not in shown:
                out.add(m["unit"])
    return {x.encode() for x in out}


@test
def test_the_lock_refusal_names_the_lowest_blocked_number_and_no_entry():
    """Issue 14 audit: refusals taken one after another must not walk the registration list. The
    refusal names the blocked entry with the lowest 工位号, before any mark and after some, and
    its bytes (like every other reply the chief gets) carry no entry id, name or unit."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        doc = demo_doc()
        secrets = e02_secrets(doc)
        assert any(b"\xe5\x85\xac\xe5\x8f\xb8" in x for x in secrets)   # units are searched too
        numbers = sheet_numbers(srv, admin, "E02")
        ok = [e["id"] for e in doc["entries"] if e["event"] == "E02" and e["status"] == "ok"]
        by_num = sorted(ok, key=lambda e: numbers[e])
        # The draw is random; the test needs a file order that differs from the number order.
        assert by_num != ok
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        judges = ["J06", "J07", "J08", "J09", "J10"]
        seen = []

        def lock():
            st, _, raw = srv.request("POST", E + "/lock", {}, chief)
            seen.append(raw)
            assert st == 409, raw
            return json.loads(raw)["error"]

        def full_marks(entries, who=judges):
            return [{"entry": e, "judge": j, "criterion": c, "score": s}
                    for e in entries for j in who
                    for c, s in (("A", 30), ("B", 20), ("C", 10), ("D", 5))]

        # Before any mark: the lowest number of a markable entry, whatever the file order.
        err = lock()
        assert "number %s has 0 of 5 marks on criterion A" % numbers[by_num[0]] in err, err
        # The three lowest numbers and the file's first entry complete, the fourth lowest marked
        # by four judges: the refusal names the fourth lowest, with its count.
        done = set(by_num[:3]) | ({ok[0]} - {by_num[3], by_num[-2]})
        post_marks_as_judges(srv, full_marks(done) + full_marks([by_num[3]], judges[:4]),
                             numbers)
        err = lock()
        assert "number %s has 4 of 5 marks on criterion A" % numbers[by_num[3]] in err, err
        # Every entry marked but for the second highest: that one.
        rest = [e for e in by_num[4:] if e != by_num[-2] and e not in done]
        post_marks_as_judges(srv, full_marks(rest) + [m for m in full_marks([by_num[3]])
                                                          if m["judge"] == "J10"], numbers)
        err = lock()
        assert "number %s has 0 of 5 marks" % numbers[by_num[-2]] in err, err
        post_marks_as_judges(srv, full_marks([by_num[-2]]), numbers)
        # Two discrepancies opened, the lower number second: the lower one is named.
        for e in (by_num[5], by_num[2]):
            j10 = srv.login(judge="J10", pin=demo_pin("J10"))
            st, _ = srv.json("POST", C + "/corrections",
                             {"id": new_id(), "number": numbers[e], "criterion": "B", "judge": "J10",
                              "score": 0, "reason": "测试分差"}, j10)
            assert st == 201
        err = lock()
        assert "the discrepancy on number %s criterion B is open" % numbers[by_num[2]] in err, err
        # Every other reply the chief reads before publication: sheet, discrepancies, standings,
        # accepting, sending back.
        for path in ("/sheet", "/discrepancies", "/standings"):
            st, _, raw = srv.request("GET", E + path, token=chief)
            assert st == 200, raw
            seen.append(raw)
        for e in (by_num[2], by_num[5]):
            st, _, raw = srv.request("POST", E + "/discrepancies/accept",
                                     {"number": numbers[e], "criterion": "B",
                                      "reason": "复核无误"}, chief)
            assert st == 200, raw
            seen.append(raw)
        st, _, raw = srv.request("POST", E + "/sendback",
                                 {"number": numbers[by_num[1]], "criterion": "C", "judge": "J09",
                                  "note": "请复核"}, chief)
        assert st == 201, raw
        seen.append(raw)
        err = lock()
        assert "judge J09 on number %s criterion C was sent back" % numbers[by_num[1]] in err, err
        leaked = [x.decode() for x in secrets for raw in seen if x in raw]
        assert not leaked, leaked[:5]
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(summary())
