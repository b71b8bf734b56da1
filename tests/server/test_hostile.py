#!/usr/bin/env python3
"""The venue Wi-Fi is hostile: the server attacked as a spectator on the network would, and failed
as a venue laptop does (issue 12). Each test here failed on the server before the fix it guards.
Real `skillscore serve`, real sockets on loopback; other loopback addresses (127.0.0.x) stand for
other machines on the venue network. Run by tests/run.sh; prints "N passed, N failed"."""
import http.client
import json
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import (CLI, Server, demo_pin, free_port, new_id, sheet_numbers, summary,  # noqa: E402
                     test)

C = "/api/competitions/YN2026"


def raw(srv, data, timeout=3.0, source="127.0.0.1"):
    """Sends bytes on a fresh connection and reads until the server closes or timeout passes.
    Returns (bytes read, whether the server closed)."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout,
                                 source_address=(source, 0))
    try:
        s.sendall(data)
        out, closed, deadline = b"", False, time.time() + timeout
        while time.time() < deadline:
            s.settimeout(max(0.01, deadline - time.time()))
            try:
                d = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not d:
                closed = True
                break
            out += d
        return out, closed
    finally:
        s.close()


def login_req(user="nobody", password="x"):
    b = json.dumps({"user": user, "password": password}).encode()
    return b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b)


GET = b"GET /api/competitions HTTP/1.1\r\nHost: x\r\n\r\n"


def answers_quickly(srv, within=2.0):
    """A plain client still gets the competition list in time."""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=within)
    t = time.time()
    c.request("GET", "/api/competitions")
    r = c.getresponse()
    body = r.read()
    c.close()
    assert r.status == 200 and b"YN2026" in body, (r.status, body)
    return time.time() - t


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@test
def test_pipelined_requests_do_not_stop_the_server():
    """Issue 12 item 1: two POSTs on one connection put the server in a 100% CPU loop for good.
    Now the first is answered, the connection ends, and everyone else is served."""
    srv = Server(demo=True)
    try:
        for data in (login_req() + login_req(), GET + login_req(), login_req() + GET,
                     login_req() * 3 + GET * 2, GET * 3 + login_req() + GET):
            before = cpu_seconds(srv.proc.pid)
            out, closed = raw(srv, data)
            assert out.startswith(b"HTTP/1.1 "), out[:200]
            first = out.split(b"\r\n", 1)[0]
            want = b"401" if data.startswith(b"POST") else b"200"
            assert want in first, (data[:40], out[:300])
            # A POST pipelined behind anything is never run on wrong bytes: it is refused or
            # not read at all.
            assert b"is not valid JSON" not in out, out
            assert closed, "the connection should end after a pipelined request"
            answers_quickly(srv)
            time.sleep(0.3)
            assert cpu_seconds(srv.proc.pid) - before < 0.5, "the server is spinning"
        # Pipelined GETs are answered in order, each with its body.
        out, _ = raw(srv, GET * 3, timeout=1.0)
        assert out.count(b"HTTP/1.1 200") == 3 and out.count(b"YN2026") == 3, out
    finally:
        srv.stop()


@test
def test_malformed_framing_is_refused_and_closed():
    """Content-Length that is not a number was answered twice and hung; chunked bodies were
    dropped silently. Each now gets one clear 4xx and the connection ends."""
    srv = Server(demo=True)
    try:
        cases = [
            (b"POST /api/login HTTP/1.1\r\nContent-Length: abc\r\n\r\n{}", b"400",
             b"Content-Length"),
            (b"POST /api/login HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
             b"400", b"Content-Length"),
            (b"POST /api/login HTTP/1.1\r\nContent-Length: -1\r\n\r\n{}", b"400",
             b"Content-Length"),
            (b"POST /api/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
             b"411", b"chunked"),
        ]
        for data, status, word in cases:
            out, closed = raw(srv, data)
            assert out.count(b"HTTP/1.1") == 1, out
            assert out.split(b"\r\n", 1)[0].split()[1] == status, out
            assert word in out and closed, out
            answers_quickly(srv)
    finally:
        srv.stop()


@test
def test_anonymous_uploads_are_refused_before_their_body_is_read():
    """Issue 12 item 2: import endpoints read up to 64 MiB before asking who calls; a few dozen
    anonymous slow uploads took the server to gigabytes. Now the answer is 401 at the head, the
    body is never read, and memory stays where it was."""
    srv = Server(demo=True, bin=CLI)
    try:
        base = rss_kib(srv.proc.pid)
        socks = []
        head = (b"POST " + C.encode() + b"/entries/import HTTP/1.1\r\nHost: x\r\n"
                b"Content-Length: 60000000\r\n\r\n")
        for _ in range(40):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(head + b"x" * 65536)
            socks.append(s)
        for s in socks:
            s.settimeout(5)
            got = s.recv(4096)
            assert got.startswith(b"HTTP/1.1 401"), got
        # Keep pushing body bytes where the server still takes them.
        for _ in range(10):
            for s in socks:
                try:
                    s.setblocking(False)
                    s.send(b"y" * 262144)
                except OSError:
                    pass
        time.sleep(0.5)
        grown = rss_kib(srv.proc.pid) - base
        for s in socks:
            s.close()
        assert grown < 20 * 1024, "RSS grew by %d KiB" % grown
        # A signed-in organizer's import still works.
        admin = srv.admin()
        status, _, data = srv.request("POST", C + "/entries/import", token=admin,
                                      raw="entry,person,name\n".encode(),
                                      headers={"Content-Type": "text/csv"})
        assert status == 400 and b"line" in data.lower(), (status, data)
        answers_quickly(srv)
    finally:
        srv.stop()


def open_idle(srv, n, source):
    """Opens n idle connections from source; returns the sockets the server kept."""
    kept = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=2,
                                         source_address=(source, 0))
        except OSError:
            continue
        kept.append(s)
    time.sleep(0.3)
    alive = []
    for s in kept:
        s.setblocking(False)
        try:
            d = s.recv(1)
            closed = d == b""
        except BlockingIOError:
            closed = False
        except OSError:
            closed = True
        if closed:
            s.close()
        else:
            alive.append(s)
    return alive


def judge_marks(srv, source):
    """A judge's tablet at another address signs in and sends a mark; returns the seconds it took."""
    t = time.time()
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5,
                                   source_address=(source, 0))
    body = json.dumps({"judge": "J07", "pin": demo_pin("J07")}).encode()
    c.request("POST", "/api/login", body=body)
    r = c.getresponse()
    tok = json.loads(r.read())["token"]
    assert r.status == 200
    c.request("GET", C + "/events/E02/sheet", headers={"Authorization": "Bearer " + tok})
    r = c.getresponse()
    rows = json.loads(r.read())["rows"]
    number = next(x["number"] for x in rows if x["status"] == "ok")
    mark = {"id": new_id(), "judge": "J07", "number": number, "criterion": "A", "score": 12}
    c.request("POST", C + "/marks", body=json.dumps(mark).encode(),
              headers={"Authorization": "Bearer " + tok})
    r = c.getresponse()
    r.read()
    assert r.status == 201, r.status
    c.close()
    return time.time() - t


@test
def test_one_address_cannot_hold_more_than_its_share_of_connections():
    """Issue 12 item 4: there was no per-address limit; ~1,100 idle sockets under ulimit -n 1024
    made judges time out while the server spun on accept errors."""
    srv = Server(demo=True, args=["--per-address", "40"])
    try:
        held = open_idle(srv, 120, "127.0.0.2")
        assert len(held) == 40, len(held)
        assert judge_marks(srv, "127.0.0.3") < 2.0
        for s in held:
            s.close()
        time.sleep(0.3)
        again = open_idle(srv, 10, "127.0.0.2")
        assert len(again) == 10, "closed connections must free their slots"
        for s in again:
            s.close()
    finally:
        srv.stop()


@test
def test_an_idle_flood_from_many_addresses_under_ulimit_1024_leaves_room_for_judges():
    def limit_fds():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    srv = Server(demo=True, bin=CLI, preexec=limit_fds)
    held = []
    try:
        before = cpu_seconds(srv.proc.pid)
        for i in range(12):
            held += open_idle(srv, 100, "127.0.1.%d" % (i + 1))
        assert len(held) < 1000, len(held)
        took = judge_marks(srv, "127.0.2.1")
        assert took < 2.0, took
        time.sleep(0.5)
        assert cpu_seconds(srv.proc.pid) - before < 3.0, "the server is spinning"
    finally:
        for s in held:
            s.close()
        srv.stop()


@test
def test_a_connection_that_never_finishes_its_head_is_closed():
    """Also the evidence that lws's own timers with a real delay fire on the libuv loop (issue
    16; server/net/loop.h): the head timeout is lws's (timeout_secs), on the default loop."""
    srv = Server(demo=True, args=["--http-timeout", "2"])
    try:
        deadline = time.time() + 3  # the port opens a moment before the banner is written
        while "libuv (epoll) loop" not in srv.output() and time.time() < deadline:
            time.sleep(0.05)
        assert "libuv (epoll) loop" in srv.output(), srv.output()[-500:]
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=6)
        s.sendall(b"POST /api/login HTTP/1.1\r\nHost: x\r\n")
        t = time.time()
        try:
            d = s.recv(100)
        except ConnectionResetError:
            d = b""
        assert d == b"" and time.time() - t < 5.5, d
        s.close()
    finally:
        srv.stop()


def login_from(srv, source, body):
    """POST /api/login from a given address; returns (status, headers, doc)."""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10, source_address=(source, 0))
    try:
        c.request("POST", "/api/login", body=json.dumps(body).encode())
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(data or b"{}")
    finally:
        c.close()


@test
def test_wrong_pins_from_elsewhere_never_lock_the_judge_out():
    """Issue 12 item 3: five wrong PINs from any address locked the judge's right PIN out for five
    minutes, renewable forever. Now the guesser's address is slowed, the judge's tablet is not."""
    srv = Server(demo=True)
    try:
        right = {"judge": "J07", "pin": demo_pin("J07")}
        wrong = {"judge": "J07", "pin": "000000"}
        st, _, doc = login_from(srv, "127.0.0.3", right)
        assert st == 200 and len(doc["device"]) == 64, doc
        device = doc["device"]
        statuses = [login_from(srv, "127.0.0.2", wrong)[0] for _ in range(8)]
        assert statuses[:5] == [401] * 5 and 429 in statuses[5:], statuses
        # The guesser waits; the judge does not, enrolled or not.
        st, hdr, doc = login_from(srv, "127.0.0.2", wrong)
        assert st == 429 and int(hdr["retry-after"]) >= 1, (st, doc)
        st, _, doc = login_from(srv, "127.0.0.3", dict(right, device=device))
        assert st == 200 and "device" not in doc, doc
        st, _, doc = login_from(srv, "127.0.0.4", right)
        assert st == 200, doc
        # A guesser spread over many addresses guards the account: only enrolled devices get in.
        for i in range(12):
            login_from(srv, "127.0.3.%d" % (i + 1), wrong)
        st, _, doc = login_from(srv, "127.0.0.5", right)
        assert st == 429 and "organizer" in doc["error"], doc
        st, _, doc = login_from(srv, "127.0.0.3", dict(right, device=device))
        assert st == 200, doc
        # A new PIN lifts the guard and ends the old device's enrolment and sessions.
        admin = srv.admin()
        status, issued = srv.json("POST", C + "/judges/J07/pin", {}, admin)
        assert status == 201, issued
        st, _, doc = login_from(srv, "127.0.0.6", {"judge": "J07", "pin": issued["pin"]})
        assert st == 200, doc
        st, _, doc = login_from(srv, "127.0.0.3", dict(right, device=device))
        assert st == 401, doc
    finally:
        srv.stop()


@test
def test_the_throttle_cannot_be_flushed_with_many_names():
    """The old table had 1,024 slots: failures under enough other names evicted an address's
    count. Failures are now kept per address, however many names it tries."""
    srv = Server(demo=True)
    try:
        for i in range(6):
            login_from(srv, "127.0.0.7", {"user": "u%d" % i, "password": "x"})
        time.sleep(1.2)
        seen = [login_from(srv, "127.0.0.7", {"user": "v%d" % i, "password": "x"})[0]
                for i in range(30)]
        assert seen.count(401) <= 3 and seen.count(429) >= 27, seen
    finally:
        srv.stop()


@test
def test_correct_sign_ins_are_rate_limited_per_address():
    """Issue 12 item 8: correct sign-ins were unthrottled, each an Argon2 hash and an audit row."""
    srv = Server(demo=True)
    try:
        body = {"user": "display", "password": "demo-display"}
        seen = [login_from(srv, "127.0.0.8", body)[0] for _ in range(40)]
        assert seen[:25] == [200] * 25 and seen.count(429) >= 5, seen
        assert login_from(srv, "127.0.0.9", body)[0] == 200
    finally:
        srv.stop()


@test
def test_an_unknown_account_takes_as_long_as_a_wrong_password():
    """Issue 12 item 9: 0.3 ms for an unknown name against 12.5 ms for a known one told which
    accounts exist."""
    srv = Server(demo=True, bin=CLI)
    try:
        def timed(source, body):
            t = time.perf_counter()
            st = login_from(srv, source, body)[0]
            assert st == 401, st
            return time.perf_counter() - t
        known, unknown = [], []
        for i in range(8):
            known.append(timed("127.0.4.%d" % (i + 1), {"user": "admin", "password": "nope"}))
            unknown.append(timed("127.0.5.%d" % (i + 1), {"user": "ghost%d" % i,
                                                          "password": "nope"}))
            unknown.append(timed("127.0.6.%d" % (i + 1), {"judge": "J99", "pin": "123456"}))
        known.sort()
        unknown.sort()
        k, u = known[len(known) // 2], unknown[len(unknown) // 2]
        assert 0.6 < u / k < 1.6, (k, u)
    finally:
        srv.stop()


@test
def test_sessions_end_when_their_grounds_do():
    """Issue 12 item 7: a reissued PIN, a changed password or a changed role left old tokens
    working."""
    srv = Server(demo=True)
    try:
        admin = srv.admin()
        j = srv.login(judge="J08", pin=demo_pin("J08"))
        assert srv.json("GET", "/api/me", token=j)[0] == 200
        assert srv.json("POST", C + "/judges/J08/pin", {}, admin)[0] == 201
        assert srv.json("GET", "/api/me", token=j)[0] == 401
        st, _ = srv.json("POST", "/api/users", {"user": "ref1", "role": "arbitration",
                                                  "password": "first-password"}, admin)
        assert st == 201
        t = srv.login("ref1", "first-password")
        st, _ = srv.json("POST", "/api/users", {"user": "ref1", "role": "display",
                                                  "password": "second-password"}, admin)
        assert st == 201
        assert srv.json("GET", "/api/me", token=t)[0] == 401
        assert srv.json("GET", "/api/me", token=admin)[0] == 200
    finally:
        srv.stop()


@test
def test_a_live_view_ends_with_its_session():
    """Issue 12 item 7: a /ws subscription kept its privileged view after logout or expiry."""
    from wsclient import WS
    srv = Server(demo=True, env={"SKILLSCORE_TOKEN_TTL": "3"})
    try:
        admin = srv.admin()
        ws = WS(srv.port)
        ws.send({"subscribe": "YN2026", "token": admin})
        snap = ws.recv(5)
        assert snap["type"] == "results" and "name" in json.dumps(snap, ensure_ascii=False)
        assert srv.json("POST", "/api/logout", {}, admin)[0] == 200
        msg = ws.recv(5)
        assert msg["type"] == "resync" and "signed out" in msg["reason"], msg
        # Expiry: the next change after the session ends takes the view away instead.
        admin2 = srv.admin()
        ws2 = WS(srv.port)
        ws2.send({"subscribe": "YN2026", "token": admin2})
        ws2.recv(5)
        time.sleep(3.5)
        j = srv.login(judge="J06", pin=demo_pin("J06"))
        nums = sheet_numbers(srv, srv.admin(), "E02")
        n = sorted(nums.values())[0]
        srv.json("POST", C + "/marks", {"id": new_id(), "judge": "J06", "number": n,
                                        "criterion": "A", "score": 1}, j)
        msg = ws2.recv(5)
        assert msg["type"] == "resync" and "signed out" in msg["reason"], msg
    finally:
        srv.stop()



@test
def test_a_judge_cannot_unmask_numbers_by_trying_entry_ids():
    """Issue 12 item 5: resending a mark's id with "entry" set to each entry id answered 200 only
    for the matching one. Judges may now name entries by number only."""
    srv = Server(demo=True)
    try:
        j = srv.login(judge="J07", pin=demo_pin("J07"))
        nums = sheet_numbers(srv, srv.admin(), "E02")
        entry, n = sorted(nums.items(), key=lambda x: x[1])[1]
        uid = new_id()
        mark = {"id": uid, "judge": "J07", "number": n, "criterion": "B", "score": 3}
        assert srv.json("POST", C + "/marks", mark, j)[0] == 201
        replies = set()
        for e in sorted(nums):
            probe = {"id": uid, "judge": "J07", "entry": e, "criterion": "B", "score": 3}
            st, doc = srv.json("POST", C + "/marks", probe, j)
            replies.add((st, doc.get("error")))
            st, doc = srv.json("POST", C + "/corrections", dict(probe, reason="试探"), j)
            replies.add((st, doc.get("error")))
        assert len(replies) == 1 and next(iter(replies))[0] == 400, replies
        # The resend by number, in capitals, is still the same mark.
        st, doc = srv.json("POST", C + "/marks", dict(mark, id=uid.upper()), j)
        assert st == 200 and doc["stored"] is False and "entry" not in doc, (st, doc)
    finally:
        srv.stop()



@test
def test_a_second_server_on_the_same_database_refuses_to_start():
    """Issue 12 item 6: two servers on one database both started and together corrupted the
    current marks."""
    import subprocess
    srv = Server(demo=True)
    try:
        p = subprocess.run([srv.bin, "serve", "--db", srv.db, "--port", str(free_port())], capture_output=True,
                           timeout=30, env=srv.env)
        assert p.returncode != 0 and b"another skillscore" in p.stderr, p
        # The first one is unharmed, and the file can still be read alongside it.
        answers_quickly(srv)
        v = subprocess.run([CLI, "audit", "verify", "--db", srv.db], capture_output=True,
                           timeout=60)
        assert v.returncode == 0 and b"intact" in v.stdout, v
    finally:
        srv.stop()


@test
def test_a_corrupt_database_is_not_served():
    """Issue 12 item 9: a corrupt database file started "serving"."""
    import subprocess
    srv = Server(demo=True)
    srv.stop()
    size = os.path.getsize(srv.db)
    with open(srv.db, "r+b") as f:
        for off in range(8192, size - 4096, 4096 * 7):
            f.seek(off + 100)
            f.write(os.urandom(600))
    p = subprocess.run([CLI, "serve", "--db", srv.db, "--port", str(free_port())], capture_output=True,
                       timeout=30, env=srv.env)
    assert p.returncode != 0 and (b"integrity" in p.stderr or b"malformed" in p.stderr), p



@test
def test_public_results_are_computed_once_per_change():
    """Issue 12 item 8: /results recomputed from the export per request (141 ms at 1,000 entries),
    so four anonymous screens polling it slowed the judges. Now it is computed once per change of
    the competition, per view, and a change is seen at once."""
    srv = Server(demo=True)
    try:
        R = C + "/results"
        first = srv.request("GET", R)
        again = [srv.request("GET", R) for _ in range(5)]
        assert all(a[1]["x-skillscore-cache"] == "hit" and a[2] == first[2] for a in again)
        admin = srv.admin()
        full = srv.request("GET", R, token=admin)
        assert full[2] != first[2] and b"id_number" not in full[2]
        j = srv.login(judge="J06", pin=demo_pin("J06"))
        nums = sheet_numbers(srv, admin, "E02")
        n = sorted(nums.values())[0]
        assert srv.json("POST", C + "/marks", {"id": new_id(), "judge": "J06", "number": n,
                                               "criterion": "A", "score": 1}, j)[0] == 201
        after = srv.request("GET", R, token=admin)
        assert after[1]["x-skillscore-cache"] == "miss"
        assert srv.request("GET", R, token=admin)[1]["x-skillscore-cache"] == "hit"
        assert srv.request("GET", R)[1]["x-skillscore-cache"] == "miss"
    finally:
        srv.stop()



@test
def test_pages_never_follow_a_symlink_or_leave_their_folder():
    """Issue 12 item 9: the static mount followed symlinks out of judge-client/."""
    import shutil
    import tempfile
    root = tempfile.mkdtemp(prefix="skillscore-static-")
    shutil.copytree(os.path.join(os.path.dirname(__file__), "..", "..", "judge-client"),
                    os.path.join(root, "pages"))
    pages = os.path.join(root, "pages")
    with open(os.path.join(root, "secret.txt"), "w") as f:
        f.write("TOP-SECRET-CONTENT")
    os.symlink(os.path.join(root, "secret.txt"), os.path.join(pages, "leak.txt"))
    os.symlink(root, os.path.join(pages, "up"))
    srv = Server(demo=True, args=["--static", pages])
    try:
        for path, want in (("/", 200), ("/judge/", 200), ("/common/api.js", 200),
                           ("/leak.txt", 404), ("/up/secret.txt", 404), ("/../secret.txt", 404),
                           ("/%2e%2e/secret.txt", 404), ("/judge/../../secret.txt", 404)):
            out, _ = raw(srv, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                         timeout=1.0)
            assert out.startswith(b"HTTP/1.1 %d" % want), (path, out[:120])
            assert b"TOP-SECRET" not in out, path
        out, _ = raw(srv, b"GET /judge HTTP/1.1\r\nHost: x\r\n\r\n", timeout=1.0)
        assert out.startswith(b"HTTP/1.1 301") and b"/judge/" in out, out[:200]
    finally:
        srv.stop()
        shutil.rmtree(root)


if __name__ == "__main__":
    sys.exit(summary())
