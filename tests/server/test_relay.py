#!/usr/bin/env python3
"""The public relay (issue 16): the venue server publishes each competition's public view to a
real nginx + nchan on loopback (deploy/relay/nginx.conf); a screen on the relay receives what an
anonymous /ws screen receives, never a name of an unpublished event; killing the relay neither
slows nor refuses marking, and after a restart the relay catches up."""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, demo_doc, post_marks_as_judges, sheet_numbers, summary, test  # noqa: E402
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


@test
def test_the_relay_carries_the_anonymous_view_and_a_dead_relay_costs_marking_nothing():
    if not os.path.exists(NGINX):
        raise AssertionError("nginx is missing: scripts/deps.sh test installs nginx-light")
    relay = srv = None
    try:
        relay = Relay()
        srv = Server(demo=True, args=["--relay", "http://127.0.0.1:%d/pub" % relay.port])
        admin = srv.admin()
        # At start the relay has the current public state: what an anonymous screen is sent,
        # at the same seq.
        anon = anonymous_state(srv)
        got = relay_state(relay.port, at_least=anon[0])
        assert got == anon, (got[0], anon[0])
        doc = demo_doc()
        unpublished = {m["name"] for e in doc["entries"] if e["event"] != "E01" for m in e["members"]}
        numbers = sheet_numbers(srv, admin, "E02")
        ok = sorted(e["id"] for e in doc["entries"] if e["event"] == "E02" and e["status"] == "ok")
        marks = [m for m in doc["marks"] if m["entry"] in ok]
        # Marks move it, as updates merged to at most ten a second: a subscriber that joins
        # later, and one that was there all along, know what an anonymous screen knows.
        early = WS(relay.port, path="/sub/YN2026", timeout=5)
        last = post_marks_as_judges(srv, marks[:40], numbers)
        anon = anonymous_state(srv)
        assert anon[0] == last
        got = relay_state(relay.port, at_least=last)
        assert got == anon, (got[0], anon[0])
        seen, kinds, text = 0, [], ""
        while seen < last:
            m = early.recv(5)
            kinds.append(m["type"])
            text += json.dumps(m, ensure_ascii=False)
            seen = max(seen, m["seq"])
        early.close()
        assert "update" in kinds, kinds          # not only snapshots
        assert len(kinds) < 40, kinds            # merged: fewer messages than marks
        assert not [n for n in unpublished if n in text], "a name of an unpublished event"
        # The relay dies, workers and all (kill() checks that connections are refused):
        # marking goes on at full speed, nothing refused.
        relay.kill()
        t0 = time.time()
        last = post_marks_as_judges(srv, marks[40:120], numbers)
        took = time.time() - t0
        assert took < 30, took
        # It comes back on the same port: within seconds it has the newest state.
        relay.start()
        assert relay.alive()
        got = relay_state(relay.port, timeout=15, at_least=last)
        anon = anonymous_state(srv)
        assert got == anon, (got[0], anon[0])
        # A freeze goes out as the public sees it too.
        assert srv.json("POST", C + "/events/E02/freeze", {}, admin)[0] == 200
        anon = anonymous_state(srv)
        got = relay_state(relay.port, at_least=anon[0])
        assert got == anon and any(g.get("frozen") for k, g in got[1].items() if k[0] == "E02")
    finally:
        try:
            if srv:
                srv.stop()
        finally:
            if relay:
                relay.stop()
    out = srv.output()
    assert "publishing the public view" in out
    # The kill was real: posts failed while the relay was down.
    stats = re.search(r"relay: (\d+) published, (\d+) failed", out)
    assert stats and int(stats.group(2)) > 0, out[-2000:]


if __name__ == "__main__":
    summary()
