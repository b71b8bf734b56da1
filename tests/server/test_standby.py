#!/usr/bin/env python3
"""A dead venue laptop loses nothing (issue 12): a standby keeps a verified copy of the primary,
`skillscore promote` makes it the primary, and tablets that resend their queues by UUID to the
new address lose nothing and double nothing. Backups are taken while serving and verified.
Real servers on loopback, real SQLite files. Run by tests/run.sh; prints "N passed, N failed"."""
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (ADMIN_PASSWORD, BIN, CLI, Server, compute, demo_doc, demo_pin,  # noqa: E402
                     new_id, sheet_numbers, summary, test)

C = "/api/competitions/YN2026"
FOLLOW_ENV = {"SKILLSCORE_FOLLOW_USER": "admin", "SKILLSCORE_FOLLOW_PASSWORD": ADMIN_PASSWORD}


def standby_of(primary, **kw):
    return Server(args=["--follow", "http://127.0.0.1:%d" % primary.port], env=FOLLOW_ENV, **kw)


def status(srv):
    return srv.json("GET", "/api/standby")[1]


def wait_for(cond, timeout=15, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if cond():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class Tablet:
    """A judge's tablet as judge.js behaves: marks go into a queue with a UUID each, are sent in
    order, and leave the queue only on the server's answer; a network failure keeps them."""

    def __init__(self, judge, marks, numbers):
        self.judge = judge
        self.queue = [{"id": new_id(), "judge": judge, "number": numbers[m["entry"]],
                       "criterion": m["criterion"], "score": m["score"]} for m in marks]
        self.acked = []
        self.port = None
        self.token = None

    def point_at(self, srv):
        self.port = srv.port
        self.conn = None

    def send_some(self, n, stop):
        while self.queue and n and not stop.is_set():
            m = self.queue[0]
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                if not self.token:
                    c.request("POST", "/api/login", body=json.dumps(
                        {"judge": self.judge, "pin": demo_pin(self.judge)}).encode())
                    r = c.getresponse()
                    doc = json.loads(r.read())
                    if r.status != 200:
                        raise OSError("sign-in %d" % r.status)
                    self.token = doc["token"]
                c.request("POST", C + "/marks", body=json.dumps(m).encode(),
                          headers={"Authorization": "Bearer " + self.token})
                r = c.getresponse()
                r.read()
                c.close()
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
                continue
            if r.status == 401:
                self.token = None
                continue
            assert r.status in (200, 201), (r.status, m)
            self.acked.append(self.queue.pop(0)["id"])
            n -= 1


@test
def test_the_standby_takes_over_and_nothing_acknowledged_is_lost():
    primary = Server(demo=True)
    standby = standby_of(primary)
    try:
        wait_for(lambda: status(primary).get("standby_attached"), what="the standby to attach")
        admin = primary.admin()
        numbers = sheet_numbers(primary, admin, "E02")
        e02 = [m for m in demo_doc()["marks"] if m["entry"].startswith("E02-")]
        tablets = [Tablet(j, [m for m in e02 if m["judge"] == j], numbers)
                   for j in sorted({m["judge"] for m in e02})]
        stop = threading.Event()
        for t in tablets:
            t.point_at(primary)
        threads = [threading.Thread(target=t.send_some, args=(10 ** 6, stop)) for t in tablets]
        for th in threads:
            th.start()
        wait_for(lambda: sum(len(t.acked) for t in tablets) >= 60, what="marks to flow")
        primary.kill()                       # the laptop dies mid-marking
        stop.set()
        for th in threads:
            th.join(10)
        acked = {u for t in tablets for u in t.acked}
        assert 60 <= len(acked) < len(e02)
        p = subprocess.run([CLI, "promote", "--db", standby.db], capture_output=True, timeout=30)
        assert p.returncode == 0 and b"promoted" in p.stdout, p
        wait_for(lambda: status(standby)["mode"] == "primary", what="the promotion")
        # Every mark the dead primary acknowledged is on the standby already.
        db = sqlite3.connect(standby.db)
        have = {r[0] for r in db.execute("SELECT uuid FROM marks")}
        db.close()
        assert acked <= have, "lost: %d acknowledged marks" % len(acked - have)
        # The tablets go on against the new address, with their sessions from the primary.
        stop = threading.Event()
        for t in tablets:
            t.point_at(standby)
            t.send_some(10 ** 6, stop)
        admin = standby.admin()
        export = standby.request("GET", C + "/export", token=admin)[2]
        doc = json.loads(export)
        got = [m for m in doc["marks"] if m["entry"].startswith("E02-")]
        assert len(got) == len(e02), (len(got), len(e02))
        key = lambda m: (m["entry"], m["criterion"], m["judge"], str(m["score"]))  # noqa: E731
        assert sorted(map(key, got)) == sorted(map(key, e02))
        db = sqlite3.connect(standby.db)
        dup = db.execute("SELECT uuid FROM marks GROUP BY competition, uuid HAVING count(*) > 1"
                         ).fetchall()
        db.close()
        assert dup == [], dup
        assert standby.request("GET", C + "/results", token=admin)[2] == compute(export)
    finally:
        standby.stop()
        if primary.proc.poll() is None:
            primary.stop()
    v = subprocess.run([CLI, "audit", "verify", "--db", standby.db], capture_output=True,
                       timeout=60)
    assert v.returncode == 0 and b"intact" in v.stdout, v


@test
def test_a_standby_refuses_a_copy_that_does_not_chain():
    primary = Server(demo=True)
    standby = standby_of(primary)
    try:
        wait_for(lambda: status(primary).get("standby_attached"), what="the standby to attach")
        before = status(standby)["applied"]
        # Someone edits the primary's file behind the server's back (the triggers still log it).
        db = sqlite3.connect(primary.db)
        db.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 3")
        db.execute("INSERT INTO replog(tbl, op, row) VALUES ('', 'commit', '{}')")
        db.commit()
        db.close()
        admin = primary.admin()              # a new commit wakes the standby's poll
        assert admin
        time.sleep(1.5)
        assert status(standby)["applied"] == before
        assert "does not chain" in standby.output(), standby.output()[-500:]
    finally:
        standby.stop()
        primary.stop()


@test
def test_a_standby_serves_reads_and_refuses_writes():
    primary = Server(demo=True)
    standby = standby_of(primary)
    try:
        wait_for(lambda: status(primary).get("standby_attached"), what="the standby to attach")
        assert standby.request("GET", C + "/results")[2] == primary.request("GET", C + "/results")[2]
        st, doc = standby.json("POST", "/api/login", {"user": "admin", "password": ADMIN_PASSWORD})
        assert st == 503 and "standby" in doc["error"], doc
    finally:
        standby.stop()
        primary.stop()


@test
def test_backups_while_serving_verify():
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        out = os.path.join(srv.dir, "copy.db")
        p = subprocess.run([CLI, "backup", "--db", srv.db, "--out", out], capture_output=True,
                           timeout=60)
        assert p.returncode == 0 and b"intact" in p.stdout, p
        v = subprocess.run([CLI, "audit", "verify", "--db", out], capture_output=True, timeout=60)
        assert v.returncode == 0, v
        st, headers, data = srv.request("GET", "/api/backup", token=admin)
        assert st == 200 and data.startswith(b"SQLite format 3\x00"), (st, data[:40])
        assert headers["content-disposition"].startswith("attachment"), headers
        assert srv.request("GET", "/api/backup")[0] == 401
        assert srv.request("GET", "/api/backup", token=srv.login("display", "demo-display"))[0] \
            == 403
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(summary())
