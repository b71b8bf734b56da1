#!/usr/bin/env python3
"""Live results over WebSocket, tested from outside: the real server, real sockets speaking RFC 6455
(wsclient.py), the demo competition. Run by tests/run.sh; prints "N passed, N failed"."""
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, delegations_doc, delegations_server, demo_doc,  # noqa: E402
                     demo_pin, medal_table_by_hand, new_id, post_marks_as_judges, sheet_numbers,
                     summary, test)
from wsclient import WS, Closed  # noqa: E402

C = "/api/competitions/YN2026"


class Screen:
    """A subscriber that keeps the rankings as the messages describe them."""

    def __init__(self, srv, token=None, **kw):
        self.ws = WS(srv.port, **kw)
        self.token = token
        self.subscribe()

    def subscribe(self):
        self.ws.send({"subscribe": "YN2026", "token": self.token})
        snap = self.ws.recv()
        assert snap["type"] == "results", snap
        self.seq = snap["seq"]
        self.groups = {}
        for g in snap["results"]["rankings"]:
            assert g["full"]
            self.groups[(g["event"], g["group"])] = dict(g, rows={r["key"]: r for r in g["rows"]})

    def apply(self, msg):
        assert msg["type"] == "update", msg
        assert msg["from"] == self.seq + 1, ("missed changes", self.seq, msg["from"])
        assert msg["seq"] >= msg["from"]
        self.seq = msg["seq"]
        for g in msg["rankings"]:
            key = (g["event"], g["group"])
            rows = {} if g["full"] else self.groups[key]["rows"]
            rows.update({r["key"]: r for r in g["rows"]})
            self.groups[key] = dict(g, rows=rows)

    def until(self, seq, timeout=10):
        deadline = time.time() + timeout
        while self.seq < seq:
            self.apply(self.ws.recv(max(0.01, deadline - time.time())))

    def rows(self, event, group):
        return sorted(self.groups[(event, group)]["rows"].values(), key=lambda r: r["pos"])


def results_by_entry(srv, admin):
    status, _, data = srv.request("GET", C + "/results", token=admin)
    assert status == 200
    out = {}
    for g in json.loads(data)["rankings"]:
        for e in g["entries"]:
            out[e["entry"]] = (g["event"], g["group"], e["rank"], e["total"], e["award"])
    return out


@test
def test_subscribe_gives_a_snapshot_and_each_mark_reaches_every_screen_with_seq_plus_one():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        display = srv.login("display", "demo-display")
        screens = [Screen(srv), Screen(srv, display), Screen(srv, admin)]
        base = screens[0].seq
        assert all(s.seq == base for s in screens) and base > 0
        # The snapshot already agrees with the results endpoint (E01 and E03 are complete).
        want = results_by_entry(srv, admin)
        for (ev, grp), g in screens[2].groups.items():
            for r in g["rows"].values():
                assert want[r["entry"]] == (ev, grp, r["rank"], r["total"], r["award"]), r
        numbers = sheet_numbers(srv, admin, "E02")
        # The draw is random and absent entries are never ranked: take the first markable one.
        ok = {e["id"] for e in demo_doc()["entries"] if e.get("status", "ok") == "ok"}
        entry, num = min(((e, n) for e, n in numbers.items() if e in ok), key=lambda x: x[1])
        group = next(e["group"] for e in demo_doc()["entries"] if e["id"] == entry)
        j06 = srv.login(judge="J06", pin=demo_pin("J06"))
        for i, (crit, score) in enumerate([("A", 30), ("B", 20.5), ("C", 10), ("D", 5.25)]):
            status, doc = srv.json("POST", C + "/marks", {"id": new_id(), "judge": "J06",
                                                          "number": num, "criterion": crit,
                                                          "score": score}, j06)
            assert status == 201 and doc["live_seq"] == base + i + 1, doc
            for s in screens:
                msg = s.ws.recv(5)
                assert msg["from"] == msg["seq"] == base + i + 1, msg
                s.apply(msg)
        # One judge of five has marked every criterion: the organizer sees that judge's
        # provisional figures, the hall only the progress, never a partial total (issue 14).
        want = results_by_entry(srv, admin)[entry]
        assert want[2] is not None, want
        public = {r["number"]: r for r in screens[0].rows("E02", group)}
        assert (public[num]["rank"], public[num]["total"], public[num]["award"]) == \
            (None, None, None), public[num]
        assert public[num]["progress"] == {"done": 1, "of": 5}, public[num]
        assert "name" not in public[num] and "entry" not in public[num]
        full = {r["entry"]: r for r in screens[2].rows("E02", group)}
        assert (full[entry]["rank"], full[entry]["total"], full[entry]["award"]) == want[2:]
        # A screen that comes back gets a fresh snapshot at the same seq.
        again = Screen(srv)
        assert again.seq == screens[0].seq == base + 4
        assert again.rows("E02", group) == screens[0].rows("E02", group)
    finally:
        srv.stop()


@test
def test_every_screen_ends_with_the_results_of_the_server_after_a_whole_event_is_marked():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        screens = [Screen(srv), Screen(srv, admin)]
        numbers = sheet_numbers(srv, admin, "E02")
        marks = [m for m in demo_doc()["marks"] if m["entry"].startswith("E02-")]
        last = post_marks_as_judges(srv, marks, numbers)
        for s in screens:
            s.until(last)
            assert s.seq == last
        want = results_by_entry(srv, admin)
        seen = {}
        for (ev, grp), g in screens[1].groups.items():
            for r in g["rows"].values():
                assert want[r["entry"]] == (ev, grp, r["rank"], r["total"], r["award"]), r
                seen[r["entry"]] = True
        assert sorted(seen) == sorted(want)
        assert sum(1 for w in want.values() if w[2] is not None) > 50
        # The hall: every entry complete, so ranked as the organizer sees it, but provisional
        # and without awards until publication, and in number order (issue 14).
        for ev_grp, g in screens[0].groups.items():
            if ev_grp[0] == "E02":
                rows = sorted(g["rows"].values(), key=lambda r: r["pos"])
                assert [r["number"] for r in rows] == sorted(r["number"] for r in rows)
                for r in rows:
                    entry = next(e for e, n in numbers.items() if n == r["number"])
                    assert want[entry][2:4] == (r["rank"], r["total"]), r
                    assert r["award"] is None and bool(r.get("provisional")) == (r["rank"] is not None), r
    finally:
        srv.stop()


@test
def test_a_display_never_receives_a_name_of_an_unpublished_event():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        doc = demo_doc()
        secret = set()
        e02_names = set()
        for e in doc["entries"]:
            for m in e["members"]:
                secret.add(m["id_number"])
                if e["event"] != "E01":
                    secret.add(m["name"])
                    if e["event"] == "E02":
                        e02_names.add(m["name"])
            if e["event"] != "E01":
                secret.add(e["id"])
        for j in doc["judges"]:
            secret.add(j["name"])
        display = Screen(srv, srv.login("display", "demo-display"))
        anonymous = Screen(srv)
        numbers = sheet_numbers(srv, admin, "E02")
        last = post_marks_as_judges(srv, [m for m in doc["marks"] if m["entry"].startswith("E02-")],
                           numbers)
        for s in (display, anonymous):
            s.until(last)
        # Published E01 shows names, so the search below can find a name when there is one.
        assert any("name" in r for r in display.rows("E01", "职工组"))
        for s in (display, anonymous):
            leaked = [x for x in secret if x.encode() in bytes(s.ws.raw)]
            assert not leaked, leaked[:5]
        # Accept the demo's discrepancies, lock, publish: now E02's names arrive, and only those.
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        st, disc = srv.json("GET", C + "/events/E02/discrepancies", token=chief)
        for d in disc["discrepancies"]:
            srv.json("POST", C + "/events/E02/discrepancies/accept",
                     {"number": d["number"], "criterion": d["criterion"], "reason": "复核无误"}, chief)
        assert srv.json("POST", C + "/events/E02/lock", {}, chief)[0] == 200
        assert srv.json("POST", C + "/events/E02/publish", {}, admin)[0] == 200
        msg = display.ws.recv(5)
        display.apply(msg)
        msg = display.ws.recv(5)
        display.apply(msg)
        assert all(g["state"] == "published" and g["full"] for g in msg["rankings"]), msg
        raw = bytes(display.ws.raw)
        assert any(n.encode() in raw for n in e02_names)
        leaked = [x for x in secret - e02_names if x.encode() in raw and not x.startswith("E02-")]
        assert not leaked, leaked[:5]
    finally:
        srv.stop()


@test
def test_a_screen_that_stops_reading_does_not_stall_the_others_and_catches_up_merged():
    """Issue 16: a slow screen gets its backlog merged into fresh updates, not a queue and not a
    resync: when it reads again, a few messages bring it exactly where the reader is."""
    srv = Server(demo=True, args=["--ws-queue", "8", "--ws-interval", "1", "--ws-sndbuf", "4096"])
    try:
        admin = srv.admin()
        stalled = Screen(srv, admin, rcvbuf=4096)
        reader = Screen(srv, admin)
        numbers = sheet_numbers(srv, admin, "E02")
        marks = [m for m in demo_doc()["marks"] if m["entry"].startswith("E02-")]
        start = time.time()
        # The reader keeps up while the other never reads: every change, in order.
        by_judge = {}
        for m in marks:
            by_judge.setdefault(m["judge"], []).append(m)
        last = 0
        for judge, ms in by_judge.items():
            token = srv.login(judge=judge, pin=demo_pin(judge))
            for m in ms:
                body = {"id": new_id(), "number": numbers[m["entry"]], "criterion": m["criterion"],
                        "judge": judge, "score": m["score"]}
                status, doc = srv.json("POST", C + "/marks", body, token)
                assert status == 201, doc
                last = doc["live_seq"]
                reader.until(last, timeout=5)
        assert reader.seq == last
        assert time.time() - start < 60
        # The stalled screen, reading at last: updates only, each following on from the one
        # before (apply checks from == seq + 1), far fewer than the changes, ending where the
        # reader is, row for row.
        got = 0
        while stalled.seq < last:
            msg = stalled.ws.recv(5)
            assert msg["type"] == "update", msg
            stalled.apply(msg)
            got += 1
        assert stalled.seq == last
        assert got < len(marks) / 2, (got, len(marks))
        def view(screen):  # "full" tells how rows were sent, not what they are
            return {k: {f: v for f, v in g.items() if f != "full"} for k, g in screen.groups.items()}
        assert view(stalled) == view(reader)
    finally:
        srv.stop()


def reaped_by_ping(loop, banner):
    """Pings and the hang-up of a screen that does not answer must happen on the loop the server
    runs (issue 16 moved it to libuv). The pings are the server's own sweep (ws_sweep on the
    loop's SL_SWEEP timer; ws.h says why not lws's ping/idle policy); the hang-up is lws's
    (lws_set_timeout with LWS_TO_KILL_ASYNC, a zero-delay lws timer). An lws timer with a real
    delay firing on libuv: tests/server/test_hostile.py,
    test_a_connection_that_never_finishes_its_head_is_closed."""
    srv = Server(demo=True, args=["--ws-per-address", "3", "--ws-ping", "1", "--loop", loop])
    try:
        deadline = time.time() + 3  # the port opens a moment before the banner is written
        while True:
            srv.log.seek(0)
            if banner in srv.log.read() or time.time() > deadline:
                break
            time.sleep(0.05)
        srv.log.seek(0)
        assert banner in srv.log.read(), "the server does not run on " + banner
        keep = [WS(srv.port) for _ in range(3)]
        refused = None
        try:
            extra = WS(srv.port)
            extra.recv(5)
        except Closed as e:
            refused = str(e)
        assert refused and "1008" in refused, refused
        keep.pop().close()
        time.sleep(0.3)
        ok = WS(srv.port)
        ok.send({"subscribe": "YN2026"})
        assert ok.recv(5)["type"] == "results"
        # One screen answers pings and stays; one does not answer and is closed.
        mute = keep.pop()
        mute.answer_pings = False
        closed_after = None
        start = time.time()
        # Both are read all along: a screen that answers only after a pause of its own would be
        # closed too, and rightly.
        while closed_after is None and time.time() - start < 10:
            try:
                mute.recv_frame(0.1)
            except TimeoutError:
                pass
            except (Closed, OSError):
                closed_after = time.time() - start
            try:
                ok.recv_frame(0.1)
            except TimeoutError:
                pass
        assert closed_after is not None and mute.pings >= 1, (closed_after, mute.pings)
        assert ok.pings >= 1
        ok.send({"subscribe": "YN2026"})
        assert ok.recv(5)["type"] == "results"  # still open
    finally:
        srv.stop()


@test
def test_connections_per_address_are_limited_and_dead_ones_are_reaped_by_ping_on_libuv():
    reaped_by_ping("uv", "libuv (epoll) loop")


@test
def test_connections_per_address_are_limited_and_dead_ones_are_reaped_by_ping_on_poll():
    reaped_by_ping("poll", "poll loop")


@test
def test_bad_subscriptions_get_an_error_and_the_connection_stays_usable():
    srv = Server(demo=True)
    try:
        ws = WS(srv.port)
        for bad, words in ((b"not json", "subscribe"), ({"subscribe": "NOPE"}, "no such competition"),
                           ({"subscribe": "YN2026", "token": "x" * 64}, "token"),
                           ({"subscribe": 7}, "subscribe"), ("x" * 5000, "4096")):
            ws.send(bad)
            msg = ws.recv(5)
            assert msg["type"] == "error" and words in msg["error"], (bad, msg)
        ws.send({"subscribe": "YN2026"})
        assert ws.recv(5)["type"] == "results"
    finally:
        srv.stop()



@test
def test_the_hall_sees_no_partial_total_no_early_award_and_numbers_in_order():
    """Issue 14: after one judge of five had marked, the projector showed that judge's own marks as
    the entry's total, ranked, with a medal; rows came in registration order. Before publication
    a display, an anonymous screen and a chief judge now see a total only for a complete entry
    (every listed judge on every criterion), ranked among the complete ones as provisional, no
    award, rows by 工位号, and no entry id anywhere."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        chief = srv.login(judge="J06", pin=demo_pin("J06"))
        judge = srv.login(judge="J07", pin=demo_pin("J07"))
        screens = [Screen(srv), Screen(srv, srv.login("display", "demo-display")),
                   Screen(srv, chief), Screen(srv, judge)]
        numbers = sheet_numbers(srv, admin, "E02")
        doc = demo_doc()
        ok = {e["id"] for e in doc["entries"] if e["event"] == "E02" and e["status"] == "ok"}
        e02 = [m for m in doc["marks"] if m["entry"] in ok]
        entries = sorted(ok)
        whole = set(entries[:4])            # every judge marks these
        one_judge = set(entries[4:8])       # only J07 marks these
        sent = [m for m in e02 if m["entry"] in whole or
                (m["entry"] in one_judge and m["judge"] == "J07")]
        last = post_marks_as_judges(srv, sent, numbers)
        raw = []
        for sc in screens:
            while sc.seq < last:
                msg = sc.ws.recv(10)
                raw.append(json.dumps(msg, ensure_ascii=False))
                sc.apply(msg)
        by_number = {n: e for e, n in numbers.items()}
        for sc in screens:
            for (ev, grp), g in sc.groups.items():
                if ev != "E02":
                    continue
                rows = sorted(g["rows"].values(), key=lambda r: r["pos"])
                assert [r["number"] for r in rows] == sorted(r["number"] for r in rows), rows
                for r in rows:
                    entry = by_number[r["number"]]
                    assert r["award"] is None, r
                    assert "entry" not in r and "name" not in r and "unit" not in r, r
                    if entry in whole:
                        assert r["total"] is not None and r["provisional"] is True, r
                    elif r["status"] == "ok":
                        assert r["total"] is None and r["rank"] is None, r
                        assert r["progress"]["of"] == 5, r
                        assert r["progress"]["done"] == (1 if entry in one_judge else 0), r
                ranked = sorted(r["rank"] for r in rows if r["rank"] is not None)
                assert ranked == list(range(1, len(ranked) + 1)), ranked
        text = "".join(raw)
        for e in doc["entries"]:
            if e["event"] == "E02":
                assert e["id"] not in text, e["id"]
        for award in ("金牌", "银牌", "铜牌", "一等奖", "二等奖", "三等奖", "优胜奖"):
            assert award not in text, award
        # Every byte each of the four received, the snapshot included: no id, name, ID number
        # or unit of an unpublished entry (E02, E03; a unit E01 shows is no secret), no judge.
        shown = {m.get("unit") for e in doc["entries"] if e["event"] == "E01" for m in e["members"]}
        secret = {j["name"] for j in doc["judges"]}
        for e in doc["entries"]:
            for m in e["members"]:
                secret.add(m["id_number"])
                if e["event"] != "E01":
                    secret |= {e["id"], m["name"]}
                    if m.get("unit") and m["unit"] not in shown:
                        secret.add(m["unit"])
        assert len(secret) > 60 and any(x.endswith("公司") for x in secret), len(secret)
        for sc in screens:
            got = bytes(sc.ws.raw)
            assert "职工组".encode() in got and len(got) > 2000, len(got)   # the search can hit
            leaked = [x for x in secret if x.encode() in got]
            assert not leaked, (sc.token and sc.token[:6], leaked[:5])
    finally:
        srv.stop()


@test
def test_an_entry_without_its_theory_score_shows_progress_never_a_total():
    """Issue 14, completeness: where theory counts (E02: 30%), an entry is complete only with its
    theory score. Every judge has marked E02-W03 but its theory score is missing: the hall sees
    it pending, with its progress, never a total or a rank, while the entries around it are
    ranked; the chief's lock refusal names it by number."""
    srv = Server()
    try:
        admin = srv.admin()
        doc = demo_doc()
        missing = "E02-W03"
        assert any(t["entry"] == missing for t in doc["theory"])
        doc["theory"] = [t for t in doc["theory"] if t["entry"] != missing]
        marks = [m for m in doc["marks"] if m["entry"].startswith("E02-")]
        doc["marks"] = [m for m in doc["marks"] if not m["entry"].startswith("E02-")]
        st, body = srv.json("POST", "/api/competitions", doc, admin)
        assert st == 201, body
        assert srv.json("POST", C + "/events/E02/draw", {}, admin)[0] == 200
        numbers = sheet_numbers(srv, admin, "E02")
        public, staff = Screen(srv), Screen(srv, admin)
        conn = None
        last = 0
        for m in marks:
            st, _, data = srv.request("POST", C + "/marks", dict(m, id=new_id()), admin, conn=conn)
            assert st == 201, data
            last = json.loads(data)["live_seq"]
        public.until(last)
        staff.until(last)
        rows = {r["number"]: r for r in public.rows("E02", "职工组")}
        row = rows[numbers[missing]]
        assert row["total"] is None and row["rank"] is None and row["practical"] is None, row
        assert row["pending"] is True and row["progress"] == {"done": 5, "of": 5}, row
        ranked = [r for r in rows.values() if r["status"] == "ok" and r is not row]
        assert ranked and all(r["total"] is not None and r["provisional"] for r in ranked), ranked
        # The organizer still sees the engine's figures (no theory: not ranked).
        full = {r["entry"]: r for r in staff.rows("E02", "职工组")}
        assert full[missing]["rank"] is None, full[missing]
        # Locking: the discrepancies accepted, only the theory score is missing.
        pin = srv.json("POST", C + "/judges/J06/pin", {}, admin)[1]["pin"]
        chief = srv.login(judge="J06", pin=pin, competition="YN2026")
        for d in srv.json("GET", C + "/events/E02/discrepancies", token=chief)[1]["discrepancies"]:
            assert srv.json("POST", C + "/events/E02/discrepancies/accept",
                            {"number": d["number"], "criterion": d["criterion"],
                             "reason": "复核无误"}, chief)[0] == 200
        st, _, raw = srv.request("POST", C + "/events/E02/lock", {}, chief)
        assert st == 409 and ("number %s has no theory score" % numbers[missing]).encode() in raw, raw
        assert missing.encode() not in raw, raw
    finally:
        srv.stop()


@test
def test_a_frozen_event_holds_public_screens_while_staff_screens_move():
    """Issue 14, 封榜: from the freeze until it is lifted (or the event published), a display and an
    anonymous screen keep what they showed — through marks and a server restart — while the
    organizer's screen follows every mark; lifting it sends the current rows."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        numbers = sheet_numbers(srv, admin, "E02")
        doc = demo_doc()
        ok = sorted(e["id"] for e in doc["entries"] if e["event"] == "E02" and e["status"] == "ok")
        e02 = [m for m in doc["marks"] if m["entry"] in ok]
        first = [m for m in e02 if m["entry"] in ok[:3]]
        later = [m for m in e02 if m["entry"] in ok[3:6]]
        post_marks_as_judges(srv, first, numbers)
        st, body = srv.json("POST", C + "/events/E02/freeze", {}, admin)
        assert st == 200 and body == {"event": "E02", "frozen": True}, body
        assert srv.json("POST", C + "/events/E01/freeze", {}, admin)[0] == 409   # published
        assert srv.json("POST", C + "/events/E02/freeze", {},
                        srv.login("display", "demo-display"))[0] == 403
        public, staff = Screen(srv), Screen(srv, admin)
        before = {k: g for k, g in public.groups.items() if k[0] == "E02"}
        assert before and all(g.get("frozen") for g in before.values()), before
        last = post_marks_as_judges(srv, later, numbers)
        public.until(last)
        staff.until(last)
        after = {k: g for k, g in public.groups.items() if k[0] == "E02"}
        assert after == before, "the public view moved while frozen"
        moved = [r for k, g in staff.groups.items() if k[0] == "E02" for r in g["rows"].values()
                 if r["entry"] in ok[3:6] and r["total"] is not None]
        assert len(moved) == 3, moved
        # A restart keeps the freeze.
        srv.stop()
        srv.start()
        again = Screen(srv)
        assert {k: g for k, g in again.groups.items() if k[0] == "E02"} == before
        assert srv.json("GET", C)[1]["events"][1]["frozen"] is True
        # Lifted: the public sees the current rows, in full.
        admin = srv.admin()
        st, body = srv.json("POST", C + "/events/E02/unfreeze", {}, admin)
        assert st == 200 and body["frozen"] is False, body
        msg = again.ws.recv(5)
        again.apply(msg)
        now = {k: g for k, g in again.groups.items() if k[0] == "E02"}
        assert not any(g.get("frozen") for g in now.values())
        totals = [r for g in now.values() for r in g["rows"].values() if r["total"] is not None]
        assert len(totals) == 6, totals
    finally:
        srv.stop()
    db = sqlite3.connect(srv.db)
    acts = [a for (a,) in db.execute("SELECT action FROM audit WHERE action LIKE '%freeze'")]
    db.close()
    assert acts == ["freeze", "unfreeze"], acts


@test
def test_the_award_ceremony_reveals_a_published_group_tier_by_tier_on_every_screen():
    """Issue 14, 颁奖: the organizer steps E01 职工组 from its lowest award up; every screen gets
    each step over /ws, holding only the tier reached (no spoiler of the higher ones); a restart
    shows the same step; only published events, only the organizer."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        doc = srv.json("GET", C + "/results", token=admin)[1]
        group = next(g for g in doc["rankings"] if g["event"] == "E01" and g["group"] == "职工组")
        awarded = sorted((e for e in group["entries"] if e["award"]), key=lambda e: e["rank"])
        tiers = []                     # best first, as ranked
        for e in awarded:
            if not tiers or tiers[-1][0] != e["award"]:
                tiers.append((e["award"], []))
            tiers[-1][1].append(e)
        tiers.reverse()                # the ceremony goes from the lowest up
        assert len(tiers) >= 3, tiers
        st, body = srv.json("GET", C + "/ceremony", token=admin)
        assert st == 200 and body["ceremony"] == {"on": False}, body
        offered = next(g for g in body["groups"] if g["event"] == "E01" and g["group"] == "职工组")
        assert offered["steps"] == len(tiers)
        assert [(t["award"], t["count"]) for t in offered["tiers"]] == \
            [(a, len(es)) for a, es in tiers]
        assert not any(g["event"] == "E02" for g in body["groups"]), "E02 is not published"

        bad = [({"event": "E02", "group": "职工组"}, 409, "event"),
               ({"event": "E09", "group": "职工组"}, 400, "event"),
               ({"event": "E01", "group": "无此组"}, 400, "group"),
               ({"event": "E01", "group": "职工组", "step": len(tiers) + 1}, 400, "step"),
               ({"event": "E01", "group": "职工组", "step": "1"}, 400, "step"),
               ({"group": "职工组"}, 400, "event")]
        for b, want, field in bad:
            st, err = srv.json("POST", C + "/ceremony", b, admin)
            assert st == want and err.get("field") == field, (b, st, err)
        assert srv.json("POST", C + "/ceremony", {"event": None},
                        srv.login("display", "demo-display"))[0] == 403
        assert srv.request("POST", C + "/ceremony", {"event": None})[0] == 401

        screen = Screen(srv)
        for step in range(len(tiers) + 1):
            st, body = srv.json("POST", C + "/ceremony",
                                {"event": "E01", "group": "职工组", "step": step}, admin)
            assert st == 200 and body["ceremony"]["step"] == step, body
            msg = screen.ws.recv(5)
            screen.apply(msg)
            cer = msg["ceremony"]
            assert cer["on"] and cer["event_name"] == "数控车工" and cer["steps"] == len(tiers)
            text = json.dumps(msg, ensure_ascii=False)
            if step == 0:
                assert cer["tier"] is None, cer
                shown = []
            else:
                award, entries = tiers[step - 1]
                assert cer["tier"]["award"] == award, cer
                assert [(r["rank"], r["total"]) for r in cer["tier"]["rows"]] == \
                    [(e["rank"], e["total"]) for e in entries]
                assert all(r["name"] and r["unit"] for r in cer["tier"]["rows"]), cer
                shown = entries
            later = [e for _, es in tiers[step:] for e in es if e not in shown]
            names = {e["entry"]: e for e in later}
            entries = {x["id"]: x for x in demo_doc()["entries"]}
            spoiled = [entries[k]["members"][0]["name"] for k in names
                       if entries[k]["members"][0]["name"] in text]
            assert not spoiled, ("a higher tier is in the message", step, spoiled)
        # A restart shows the same step to a new screen, in its snapshot.
        srv.stop()
        srv.start()
        again = WS(srv.port)
        again.send({"subscribe": "YN2026"})
        snap = again.recv()
        assert snap["ceremony"]["step"] == len(tiers) and snap["ceremony"]["tier"]["award"] == \
            tiers[-1][0], snap.get("ceremony")
        admin = srv.admin()
        st, body = srv.json("POST", C + "/ceremony", {"event": None}, admin)
        assert st == 200 and body["ceremony"] == {"on": False}, body
        assert again.recv(5)["ceremony"] == {"on": False}
        third = WS(srv.port)
        third.send({"subscribe": "YN2026"})
        assert "ceremony" not in third.recv()
    finally:
        srv.stop()
    db = sqlite3.connect(srv.db)
    acts = [a for (a,) in db.execute("SELECT action FROM audit WHERE action = 'ceremony'")]
    db.close()
    assert len(acts) == len(tiers) + 2, acts


def new_snapshot(srv):
    """A new anonymous screen's snapshot, as text."""
    ws = WS(srv.port)
    ws.send({"subscribe": "YN2026"})
    return json.dumps(ws.recv(5))


@test
def test_the_medal_table_reaches_screens_after_publication_over_published_events_only():
    """Issue 17: the delegations' medal table on the projector and in the ceremony. Before a
    publication no screen receives anything of it (not even a delegation's name); after E01's
    it counts E01 only (E03 is complete and ranked with awards for the organizer, not public),
    as worked by hand from the public results; the ceremony shows it after a title card; an
    unlock takes it away again."""
    srv, admin, pins = delegations_server()
    try:
        delegation_of = {e["id"]: e["delegation"] for e in delegations_doc()["entries"]}
        names = set(delegation_of.values())
        anon, staff = Screen(srv), Screen(srv, admin)
        st, err = srv.json("POST", C + "/ceremony", {"medal_table": True}, admin)
        assert st == 409 and err["field"] == "medal_table", (st, err)
        st, body = srv.json("GET", C + "/ceremony", token=admin)
        assert st == 200 and body["medal_table"] is None, body
        # E02 is marked meanwhile: updates, and still nothing of the table.
        last = post_marks_as_judges(srv, [m for m in demo_doc()["marks"]
                                          if m["entry"].startswith("E02-")][:40],
                                    sheet_numbers(srv, admin, "E02"), pins=pins)
        for s in (anon, staff):
            s.until(last)
        raw = bytes(anon.ws.raw)
        assert b"medal_table" not in raw and b"medal_table" not in bytes(staff.ws.raw)
        assert not [n for n in names if n.encode() in raw], "a delegation before publication"

        assert srv.json("POST", C + "/events/E01/publish", {}, admin)[0] == 200
        public = srv.json("GET", C + "/results")[1]
        assert {g["event"] for g in public["rankings"]} == {"E01"}, "the public sees E01 only"
        want = medal_table_by_hand(public, delegation_of)
        e01 = {delegation_of[e["id"]] for e in delegations_doc()["entries"] if e["event"] == "E01"}
        assert {r["delegation"] for r in want} == e01 and len(e01) >= 4, want
        for s in (anon, staff):
            msg = s.ws.recv(5)
            s.apply(msg)
            mt = msg["medal_table"]
            assert mt["columns"] == ["金牌", "银牌", "铜牌", "优胜奖"] and mt["points"] == [4, 3, 2, 1]
            assert (mt["events"], mt["published"]) == (3, 1), mt
            assert mt["rows"] == want, (mt["rows"], want)
        # The results document's table (the engine's) agrees, and a new screen gets it at once.
        doc_rows = [{"rank": r["rank"], "delegation": r["delegation"],
                     "counts": [r[c] for c in mt["columns"]], "points": r["points"]}
                    for r in public["medal_table"]["rows"]]
        assert doc_rows == want, doc_rows
        assert json.loads(new_snapshot(srv))["medal_table"]["rows"] == want

        # The ceremony: the title card holds no row; the next step, the whole table.
        st, body = srv.json("GET", C + "/ceremony", token=admin)
        assert body["medal_table"] == {
            "steps": 1, "events": 3, "published": 1, "delegations": len(want),
            "pages": [{"first": 1, "last": want[-1]["rank"], "count": len(want)}]}, body
        for b in ({"medal_table": True, "step": 2}, {"medal_table": True, "step": "1"},
                  {"medal_table": "yes"}):
            st, err = srv.json("POST", C + "/ceremony", b, admin)
            assert st == 400 and err["field"] in ("step", "medal_table"), (b, st, err)
        st, body = srv.json("POST", C + "/ceremony", {"medal_table": True}, admin)
        assert st == 200 and body["ceremony"]["table"] is None, body
        msg = anon.ws.recv(5)
        anon.apply(msg)
        assert msg["ceremony"]["medal_table"] and msg["ceremony"]["table"] is None, msg
        assert not [n for n in names if n in json.dumps(msg["ceremony"], ensure_ascii=False)]
        st, body = srv.json("POST", C + "/ceremony", {"medal_table": True, "step": 1}, admin)
        assert st == 200 and body["ceremony"]["step"] == 1, body
        msg = anon.ws.recv(5)
        anon.apply(msg)
        assert msg["ceremony"]["table"]["rows"] == want, msg["ceremony"]

        # Arbitration unlocks E01: the table and its ceremony leave every screen.
        assert srv.json("POST", "/api/users", {"user": "zhongcai", "role": "arbitration",
                                               "password": "arb-password-1"}, admin)[0] == 201
        arb = srv.login("zhongcai", "arb-password-1")
        assert srv.json("POST", C + "/events/E01/unlock", {"reason": "复核"}, arb)[0] == 200
        msg = anon.ws.recv(5)
        assert msg["medal_table"] is None and msg["ceremony"] == {"on": False}, msg
        assert "medal_table" not in json.loads(new_snapshot(srv))
    finally:
        srv.stop()


def staff_key(staff, public_row):
    """The entry behind a blind public row, by its number in the organizer's rows."""
    return next(r["entry"] for g in staff.groups.values() for r in g["rows"].values()
                if r["number"] == public_row["number"])


@test
def test_rows_carry_title_below_pass_and_delegation_only_where_names_are_shown():
    """Issue 17 on the live rows: 称号, 未达合格线 and 代表队 reach the organizer always and the
    hall only after publication; before it, nothing of them is in any byte a display receives
    (a delegation names a 州市, a title a place). E01 (pass mark 78 in practical withholding the
    award, titles) is published; E03 (the same rules) is complete but not."""
    doc = delegations_doc()
    for ev in doc["events"]:
        if ev["id"] in ("E01", "E03"):
            ev["pass"] = {"practical": 78, "withholds": ["award"]}
            ev["titles"] = [{"from": 1, "title": "技术状元"}, {"from": 2, "to": 3, "title": "优秀技术标兵"}]
    srv, admin, _ = delegations_server(doc=doc)
    try:
        delegation_of = {e["id"]: e["delegation"] for e in doc["entries"]}
        secret = set(delegation_of.values()) | {"技术状元", "优秀技术标兵", "below_pass"}
        anon, staff = Screen(srv), Screen(srv, admin)
        raw = bytes(anon.ws.raw)
        assert not [x for x in secret if x.encode() in raw], "before publication"
        want = {}
        for g in srv.json("GET", C + "/results", token=admin)[1]["rankings"]:
            for e in g["entries"]:
                want[e["entry"]] = (e.get("title"), e.get("passed") is False, e["award"])
        assert sum(1 for t, below, _ in want.values() if below) >= 4, want
        assert any(below and award is None for t, below, award in want.values())

        def check(rows, events):
            n = 0
            for r in rows:
                if r["entry"][:3] not in events:
                    continue
                title, below, award = want[r["entry"]]
                assert r.get("title") == title and r.get("below_pass", False) == below, (r, title)
                assert r["delegation"] == delegation_of[r["entry"]] and r["award"] == award, r
                n += 1
            return n

        # The organizer sees them everywhere, before any publication.
        assert check([r for g in staff.groups.values() for r in g["rows"].values()],
                     ("E01", "E03")) >= 30
        assert srv.json("POST", C + "/events/E01/publish", {}, admin)[0] == 200
        anon.apply(anon.ws.recv(5))
        staff.apply(staff.ws.recv(5))
        public = [r for g in anon.groups.values() for r in g["rows"].values()]
        assert check([r for r in public if "entry" in r], ("E01",)) == 24
        # E03 is complete and ranked for the organizer, and still blind for the hall.
        e03 = [r for (ev, _), g in anon.groups.items() if ev == "E03" for r in g["rows"].values()]
        assert e03 and not [r for r in e03 if set(r) & {"entry", "title", "below_pass",
                                                        "delegation"}], e03[:2]
        # No byte names the title of an E03 entry not titled in E01, nor its below-pass rows.
        assert b"below_pass" in bytes(anon.ws.raw)
        e03_below = [r for r in e03 if want[staff_key(staff, r)][1]]
        assert e03_below and not [r for r in e03_below if "below_pass" in r]
    finally:
        srv.stop()

if __name__ == "__main__":
    sys.exit(summary())
