#!/usr/bin/env python3
"""The public relay (issue 16): the venue server publishes each competition's public view to a
real nginx + nchan on loopback (deploy/relay/nginx.conf); a screen on the relay receives what an
anonymous /ws screen receives, never a name of an unpublished event; killing the relay neither
slows nor refuses marking, and after a restart the relay catches up."""
import copy
import http.client
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, demo_doc, demo_pin, new_id, post_marks_as_judges,  # noqa: E402
                     sheet_numbers, summary, test)
from relayd import NGINX, Relay  # noqa: E402
from wsclient import WS, Closed  # noqa: E402

C = "/api/competitions/YN2026"


def groups_of(rankings, into=None, full=True):
    """{(event, group): group with rows keyed by key} after applying rankings (as live.h says)."""
    out = {} if into is None else into
    for g in rankings:
        k = (g["event"], g["group"])
        rows = {} if full or g.get("full") or k not in out else dict(out[k]["rows"])
        rows.update({r["key"]: r for r in g["rows"]})
        out[k] = dict(g, rows=rows, full=True)
    return out


def relay_state(port, at_least=0, timeout=8):
    """What a relay subscriber knows once its stream reaches seq at_least and goes quiet: it
    starts at the first snapshot the relay replays and applies each update that follows."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            ws = WS(port, path="/sub/YN2026", timeout=2)
        except OSError:
            time.sleep(0.1)
            continue
        seq, groups, ceremony = 0, {}, None
        try:
            while time.time() < deadline:
                try:
                    m = ws.recv(0.5 if seq >= at_least and seq else 2)
                except (Closed, OSError):
                    break
                if m["type"] == "results":
                    seq, groups = m["seq"], groups_of(m["results"]["rankings"])
                    ceremony = m.get("ceremony")
                elif m["type"] == "update" and seq and m["from"] == seq + 1:
                    seq = m["seq"]
                    groups_of(m["rankings"], groups, full=False)
                    if "ceremony" in m:
                        ceremony = m["ceremony"]
            last = seq
            if seq >= at_least and seq:
                return seq, groups, ceremony
        finally:
            ws.close()
        time.sleep(0.1)
    raise AssertionError("the relay has seq %s, want %d" % (last, at_least))


def anonymous_state(srv):
    ws = WS(srv.port)
    ws.send({"subscribe": "YN2026"})
    msg = ws.recv()
    ws.close()
    return msg["seq"], groups_of(msg["results"]["rankings"]), msg.get("ceremony")


class Marking:
    """Judges marking in parallel, each on their own keep-alive connection, one mark every
    pace seconds, as tablets would; every request is timed. results: (time sent, seconds to the
    acknowledgement, status) per mark."""

    def __init__(self, srv, marks, numbers, pace):
        self.results, self.errors, self.last = [], [], 0
        self.lock = threading.Lock()
        by_judge = {}
        for m in marks:
            by_judge.setdefault(m["judge"], []).append(m)
        tokens = {j: srv.login(judge=j, pin=demo_pin(j)) for j in by_judge}
        self.threads = [threading.Thread(target=self._judge, daemon=True,
                                         args=(srv, tokens[j], ms, numbers, pace))
                        for j, ms in by_judge.items()]
        for t in self.threads:
            t.start()

    def _judge(self, srv, token, marks, numbers, pace):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            for m in marks:
                body = {"id": new_id(), "number": numbers[m["entry"]],
                        "criterion": m["criterion"], "judge": m["judge"], "score": m["score"]}
                t0 = time.time()
                status, _, data = srv.request("POST", C + "/marks", body, token, conn=conn)
                took = time.time() - t0
                with self.lock:
                    self.results.append((t0, took, status))
                    if status != 201:
                        self.errors.append((status, data[:300]))
                    if status == 201:
                        self.last = max(self.last, json.loads(data)["live_seq"])
                time.sleep(pace)
            conn.close()
        except Exception as e:  # noqa: BLE001 - reported by join()
            self.errors.append(repr(e))

    def join(self, timeout=60):
        deadline = time.time() + timeout
        for t in self.threads:
            t.join(max(0, deadline - time.time()))
        assert not any(t.is_alive() for t in self.threads), "marking did not end in time"
        assert not self.errors, self.errors[:3]
        return self.last


def p(lat, q):
    lat = sorted(lat)
    return lat[min(len(lat) - 1, int(q * len(lat)))]


class Follower:
    """Applies one subscriber's stream as display.js does, strictly: it starts at the first
    snapshot, and every update must follow on (from == seq + 1) — a gap fails. states: seq ->
    (seq, groups, ceremony) after each message."""

    def __init__(self, name):
        self.name, self.seq, self.groups, self.ceremony = name, 0, {}, None
        self.states, self.kinds, self.text = {}, [], ""

    def apply(self, m):
        self.kinds.append(m["type"])
        self.text += json.dumps(m, ensure_ascii=False)
        if m["type"] == "results":
            assert m["seq"] >= self.seq, (self.name, "snapshot went back", m["seq"], self.seq)
            self.seq, self.groups = m["seq"], groups_of(m["results"]["rankings"])
            self.ceremony = m.get("ceremony")
        elif m["type"] == "update":
            if not self.seq:
                return   # the relay's buffer may hold updates before its first snapshot
            assert m["from"] == self.seq + 1, (self.name, "gap", m["from"], self.seq)
            self.seq = m["seq"]
            groups_of(m["rankings"], self.groups, full=False)
            if "ceremony" in m:
                self.ceremony = m["ceremony"]
        else:
            raise AssertionError((self.name, m))
        self.states[self.seq] = copy.deepcopy((self.seq, self.groups, self.ceremony))

    def follow(self, ws, until_seq, timeout=10):
        deadline = time.time() + timeout
        while self.seq < until_seq:
            self.apply(ws.recv(max(0.1, deadline - time.time())))
        return self.states[self.seq]


def pub_log(conf, folder):
    """The test's copy of nginx.conf logs every publish: when it arrived ($msec) and on which
    connection ($connection, nginx's serial number of accepted connections)."""
    conf = conf.replace("http {", "http {\n    log_format pub '$msec $connection $uri $status';", 1)
    return conf.replace("nchan_publisher http;", "nchan_publisher http;\n"
                        "            access_log %s pub;" % os.path.join(folder, "pub.log"), 1)


def publishes(relay):
    """[(seconds, connection, uri, status)] from pub_log's log."""
    out = []
    with open(os.path.join(relay.dir, "pub.log")) as f:
        for line in f:
            t, conn, uri, status = line.split()
            out.append((float(t), int(conn), uri, int(status)))
    return out


@test
def test_the_relay_carries_the_anonymous_view():
    if not os.path.exists(NGINX):
        raise AssertionError("nginx is missing: scripts/deps.sh test installs nginx-light")
    relay = srv = None
    try:
        relay = Relay(conf_edit=pub_log)
        srv = Server(demo=True, args=["--relay", "http://127.0.0.1:%d/pub" % relay.port])
        admin = srv.admin()
        # At start the relay has the current public state: what an anonymous screen is sent,
        # at the same seq.
        anon = anonymous_state(srv)
        got = relay_state(relay.port, at_least=anon[0])
        assert got == anon, (got[0], anon[0])
        doc = demo_doc()
        unpublished = {m["name"] for e in doc["entries"] if e["event"] != "E01" for m in e["members"]}
        published = {m["name"] for e in doc["entries"] if e["event"] == "E01" for m in e["members"]}
        numbers = sheet_numbers(srv, admin, "E02")
        ok = sorted(e["id"] for e in doc["entries"] if e["event"] == "E02" and e["status"] == "ok")
        marks = [m for m in doc["marks"] if m["entry"] in ok]
        # Marks move it, as updates merged to at most ten a second. A relay subscriber that was
        # there all along and an anonymous /ws screen follow their streams with no gap, and at
        # every seq both reach they know the same; a subscriber that joins later knows it too.
        early = WS(relay.port, path="/sub/YN2026", timeout=5)
        screen = WS(srv.port)
        screen.send({"subscribe": "YN2026"})
        on_relay, on_ws = Follower("relay"), Follower("/ws")
        on_ws.apply(screen.recv())
        run = Marking(srv, marks[:100], numbers, pace=0.05)
        last = run.join()
        assert all(st == 201 for _, _, st in run.results)
        final_relay = on_relay.follow(early, last)
        final_ws = on_ws.follow(screen, last)
        early.close()
        screen.close()
        anon = anonymous_state(srv)
        assert anon[0] == last
        assert final_relay == anon and final_ws == anon, (final_relay[0], final_ws[0], anon[0])
        common = sorted(set(on_relay.states) & set(on_ws.states))
        assert len(common) >= 5, (sorted(on_relay.states), sorted(on_ws.states))
        for seq in common:
            assert on_relay.states[seq] == on_ws.states[seq], seq
        got = relay_state(relay.port, at_least=last)
        assert got == anon, (got[0], anon[0])
        assert "update" in on_relay.kinds, on_relay.kinds   # not only snapshots
        assert len(on_relay.kinds) < 100, on_relay.kinds    # merged: fewer messages than marks
        # Never a name of an unpublished event; the published event's names do go out (so the
        # check above looks at text that would hold them).
        assert not [n for n in unpublished if n in on_relay.text], "a name of an unpublished event"
        assert [n for n in published if n in on_relay.text], "no published name in the stream"
        # A freeze goes out as the public sees it too.
        assert srv.json("POST", C + "/events/E02/freeze", {}, admin)[0] == 200
        anon = anonymous_state(srv)
        got = relay_state(relay.port, at_least=anon[0])
        assert got == anon and any(g.get("frozen") for k, g in got[1].items() if k[0] == "E02")
        # Publishes: at most one per 100 ms per competition (as nginx saw them arrive; 90 ms
        # allows for the publisher thread's wake-up), all on one keep-alive connection.
        pubs = [x for x in publishes(relay) if x[2] == "/pub/YN2026"]
        assert len(pubs) >= 8 and all(200 <= x[3] < 300 for x in pubs), pubs
        gaps = [b[0] - a[0] for a, b in zip(pubs, pubs[1:])]
        print("  %d publishes, gaps min %.0f ms median %.0f ms, connections %s; %d seqs "
              "compared with /ws" % (len(pubs), min(gaps) * 1e3, sorted(gaps)[len(gaps) // 2] * 1e3,
                                     sorted({x[1] for x in pubs}), len(common)))
        assert min(gaps) >= 0.09, sorted(gaps)[:5]
        assert len({x[1] for x in publishes(relay)}) == 1, publishes(relay)
    finally:
        try:
            if srv:
                srv.stop()
        finally:
            if relay:
                relay.stop()
    assert "publishing the public view" in srv.output()


@test
def test_only_loopback_may_publish_to_the_relay():
    """deploy/relay/nginx.conf: /pub allows 127.0.0.1 only (127.0.0.2 is loopback too, but not
    the allowed address: it stands in for anyone else)."""
    if not os.path.exists(NGINX):
        raise AssertionError("nginx is missing: scripts/deps.sh test installs nginx-light")
    with Relay() as relay:
        def publish(source):
            c = http.client.HTTPConnection("127.0.0.1", relay.port, timeout=5,
                                           source_address=(source, 0))
            try:
                c.request("POST", "/pub/YN2026", body=b'{"type":"results"}',
                          headers={"Content-Type": "application/json"})
                return c.getresponse().status
            finally:
                c.close()
        assert publish("127.0.0.2") == 403
        assert publish("127.0.0.1") == 202


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.getheader("Content-Type") or "", r.read()
    finally:
        c.close()


@test
def test_the_relay_serves_the_display_page_the_venue_serves():
    """The public opens the display from the relay (the venue server is on the venue LAN): the
    same bytes as the venue's, with types a browser accepts; nothing else of judge-client, and
    no /api (display.js takes that 404 to mean it was served by the relay)."""
    if not os.path.exists(NGINX):
        raise AssertionError("nginx is missing: scripts/deps.sh test installs nginx-light")
    relay = srv = None
    try:
        relay = Relay()
        srv = Server(demo=True)
        for path, kind in [("/display/", "text/html"), ("/display/display.js", "javascript"),
                           ("/display/display.css", "text/css"),
                           ("/common/strings.js", "javascript")]:
            st, ctype, body = get(relay.port, path)
            venue = srv.request("GET", path)
            assert st == 200 and venue[0] == 200, (path, st, venue[0])
            assert body == venue[2] and len(body) > 500, path
            assert kind in ctype, (path, ctype)
        for path in ["/admin/", "/judge/", "/common/api.js", "/api/competitions"]:
            assert get(relay.port, path)[0] == 404, path
    finally:
        try:
            if srv:
                srv.stop()
        finally:
            if relay:
                relay.stop()


def first_message(port, timeout=5):
    """The oldest message the relay holds for YN2026 (what a new subscriber is sent first)."""
    ws = WS(port, path="/sub/YN2026", timeout=timeout)
    try:
        return ws.recv(timeout)
    finally:
        ws.close()


@test
def test_a_relay_killed_mid_run_costs_marking_nothing_and_catches_up():
    if not os.path.exists(NGINX):
        raise AssertionError("nginx is missing: scripts/deps.sh test installs nginx-light")
    relay = srv = None
    try:
        relay = Relay()
        srv = Server(demo=True, args=["--relay", "http://127.0.0.1:%d/pub" % relay.port])
        admin = srv.admin()
        doc = demo_doc()
        ok = {e["id"] for e in doc["entries"] if e["status"] == "ok"}
        e02 = [m for m in doc["marks"] if m["entry"] in ok and m["entry"].startswith("E02")]
        numbers = sheet_numbers(srv, admin, "E02")
        anon = anonymous_state(srv)
        assert relay_state(relay.port, at_least=anon[0]) == anon

        # 1. Killed while judges mark; marking ends while it is dead, so it comes back to a
        # quiet competition: nothing new is offered, yet it must be sent the state.
        run = Marking(srv, e02[:160], numbers, pace=0.04)
        time.sleep(0.6)
        killed_at = time.time()
        relay.kill()                                   # refused afterwards (kill checks it)
        dead_from = time.time()
        last = run.join()
        up = [took for t0, took, st in run.results if t0 + took < killed_at]
        dead = [took for t0, took, st in run.results if t0 >= dead_from]
        assert all(st == 201 for _, _, st in run.results), run.results
        assert len(up) >= 20 and len(dead) >= 40, (len(up), len(dead))
        print("  acks with the relay up: p50 %.1f ms p99 %.1f ms (%d); dead: p50 %.1f ms "
              "p99 %.1f ms (%d)" % (p(up, .5) * 1e3, p(up, .99) * 1e3, len(up),
                                    p(dead, .5) * 1e3, p(dead, .99) * 1e3, len(dead)))
        # Not slowed: a generous bound (ASan, two cores shared with the marking clients).
        assert p(dead, .99) < 0.5, p(dead, .99)
        assert p(dead, .5) < 3 * p(up, .5) + 0.02, (p(dead, .5), p(up, .5))
        time.sleep(1.2)                                # quiet and dead: posts keep failing
        relay.start()                                  # a new master, bound (start checks it)
        assert relay.alive()
        t0 = time.time()
        first = first_message(relay.port, timeout=10)
        assert first["type"] == "results", first       # the restarted relay starts whole
        got = relay_state(relay.port, at_least=last, timeout=10)
        anon = anonymous_state(srv)
        assert anon[0] == last and got == anon, (got[0], anon[0], last)
        print("  quiet restart: caught up in %.2f s" % (time.time() - t0))

        # 2. Killed and restarted while judges go on marking: what was queued for the dead
        # relay is dropped and the new one starts from a snapshot, then follows the updates.
        run = Marking(srv, e02[160:300], numbers, pace=0.03)
        time.sleep(0.4)
        relay.kill()
        time.sleep(1.0)
        relay.start()
        first = first_message(relay.port, timeout=10)
        last = run.join()
        assert all(st == 201 for _, _, st in run.results)
        assert first["type"] == "results", first
        got = relay_state(relay.port, at_least=last, timeout=10)
        anon = anonymous_state(srv)
        assert anon[0] == last and got == anon, (got[0], anon[0], last)

        # 3. A relay that hangs (accepts, never answers: the publisher waits out its 5 s
        # timeout) holds up nobody either; once it answers again it catches up.
        relay.pause()
        run = Marking(srv, e02[300:], numbers, pace=0.04)
        last = run.join()
        hung = [took for _, took, _ in run.results]
        assert all(st == 201 for _, _, st in run.results)
        print("  acks with the relay hung: p50 %.1f ms p99 %.1f ms (%d)"
              % (p(hung, .5) * 1e3, p(hung, .99) * 1e3, len(hung)))
        assert p(hung, .99) < 0.5, p(hung, .99)
        relay.resume()
        got = relay_state(relay.port, at_least=last, timeout=15)
        anon = anonymous_state(srv)
        assert anon[0] == last and got == anon, (got[0], anon[0], last)
    finally:
        try:
            if srv:
                srv.stop()
        finally:
            if relay:
                relay.stop()
    out = srv.output()
    # The kills were real: posts failed while the relay was down.
    stats = re.search(r"relay: (\d+) published, (\d+) failed", out)
    assert stats and int(stats.group(2)) > 0, out[-2000:]
    print("  " + stats.group(0))


if __name__ == "__main__":
    summary()
