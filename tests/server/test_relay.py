#!/usr/bin/env python3
"""The public relay (issue 16): the venue server publishes each competition's public view to a
real nginx + nchan on loopback (deploy/relay/nginx.conf); a screen on the relay receives what an
anonymous /ws screen receives, never a name of an unpublished event; killing the relay neither
slows nor refuses marking, and after a restart the relay catches up."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, demo_doc, post_marks_as_judges, sheet_numbers, summary, test  # noqa: E402
from relayd import NGINX, Relay  # noqa: E402
from wsclient import WS, Closed  # noqa: E402

C = "/api/competitions/YN2026"


def newest(port, timeout=5, at_least=0):
    """The first message a new relay subscriber gets (the newest snapshot), waiting until its seq
    is at least at_least."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            ws = WS(port, path="/sub/YN2026", timeout=2)
            msg = ws.recv(2)
            ws.close()
            last = msg
            if msg["seq"] >= at_least:
                return msg
        except (Closed, OSError, AssertionError, ValueError):
            pass
        time.sleep(0.1)
    raise AssertionError("the relay has seq %s, want %d" % (last and last["seq"], at_least))


def anonymous_snapshot(srv):
    ws = WS(srv.port)
    ws.send({"subscribe": "YN2026"})
    msg = ws.recv()
    ws.close()
    return msg


@test
def test_the_relay_carries_the_anonymous_view_and_a_dead_relay_costs_marking_nothing():
    if not os.path.exists(NGINX):
        raise AssertionError("nginx is missing: scripts/deps.sh test installs nginx-light")
    relay = Relay()
    srv = Server(demo=True, args=["--relay", "http://127.0.0.1:%d/pub" % relay.port])
    try:
        admin = srv.admin()
        # At start the relay has the current public state: the anonymous snapshot, byte for byte
        # in content, at the same seq.
        first = newest(relay.port)
        anon = anonymous_snapshot(srv)
        assert first["seq"] == anon["seq"] and first == anon, (first["seq"], anon["seq"])
        doc = demo_doc()
        unpublished = {m["name"] for e in doc["entries"] if e["event"] != "E01" for m in e["members"]}
        numbers = sheet_numbers(srv, admin, "E02")
        ok = sorted(e["id"] for e in doc["entries"] if e["event"] == "E02" and e["status"] == "ok")
        marks = [m for m in doc["marks"] if m["entry"] in ok]
        # Marks move it: the relay's newest snapshot equals the anonymous one at the same seq.
        last = post_marks_as_judges(srv, marks[:40], numbers)
        msg = newest(relay.port, at_least=last)
        anon = anonymous_snapshot(srv)
        assert msg["seq"] == anon["seq"] == last and msg == anon, (msg["seq"], anon["seq"], last)
        text = json.dumps(msg, ensure_ascii=False)
        assert not [n for n in unpublished if n in text], "a name of an unpublished event"
        # The relay dies: marking goes on at full speed, nothing refused.
        relay.kill()
        t0 = time.time()
        last = post_marks_as_judges(srv, marks[40:120], numbers)
        took = time.time() - t0
        assert took < 30, took
        # It comes back on the same port: within a few seconds it has the newest state.
        relay.start()
        msg = newest(relay.port, timeout=15, at_least=last)
        anon = anonymous_snapshot(srv)
        assert msg["seq"] == anon["seq"] and msg == anon, (msg["seq"], anon["seq"])
        # A ceremony or a freeze goes out as the public sees it too.
        assert srv.json("POST", C + "/events/E02/freeze", {}, admin)[0] == 200
        after_freeze = anonymous_snapshot(srv)
        msg = newest(relay.port, at_least=after_freeze["seq"])
        assert any(g.get("frozen") for g in msg["results"]["rankings"] if g["event"] == "E02")
    finally:
        srv.stop()
        relay.stop()
    assert "publishing the public view" in srv.output()


if __name__ == "__main__":
    summary()
