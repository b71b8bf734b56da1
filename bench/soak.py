#!/usr/bin/env python3
"""The soak test of issue 12: judges and screens for a long stretch with faults injected, on one
server and one database; afterwards nothing acknowledged is lost and the p99 of a mark's
acknowledgement under faults stays within 2x the quiet figure.

The run is a sequence of segments on the release server. Each segment imports a fresh generated
competition, draws it and runs bench/live_load (J judges posting marks at RATE marks/s on
keep-alive connections, S WebSocket screens). Even segments are quiet; odd segments run the
fault injectors alongside from other loopback addresses:
  - slow clients: heads and bodies sent a byte at a time, idle sockets that never finish;
  - pipelined requests (POST after GET, POST after POST) and malformed framing
    (Content-Length: abc, chunked bodies, oversized declared bodies from anonymous callers);
  - connection floods from a few addresses (hundreds of idle sockets each);
  - wrong PINs for the judges from other addresses.
Halfway, the server is killed with SIGKILL and started again on the same database.
Every segment's acknowledged marks are then counted in the export.

  python3 bench/soak.py [--minutes 30] [--judges 200] [--screens 1000] [--rate 100]
"""
import argparse
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "server"))
import harness  # noqa: E402

ROOT = harness.ROOT
LOAD = os.path.join(ROOT, "build", "live_load")
GEN = os.path.join(ROOT, "build", "gen")


def fault_injectors(port, stop, counts):
    """Threads that misbehave until stop is set; counts[kind] tallies what they did."""
    def sock(src):
        s = socket.create_connection(("127.0.0.1", port), timeout=3, source_address=(src, 0))
        return s

    def bump(kind):
        counts[kind] = counts.get(kind, 0) + 1

    def slow():
        while not stop.is_set():
            try:
                s = sock("127.0.9.1")
                for ch in b"POST /api/login HTTP/1.1\r\nContent-Length: 40\r\n\r\n{\"user\"":
                    if stop.is_set():
                        break
                    s.send(bytes([ch]))
                    time.sleep(0.05)
                s.close()
                bump("slow")
            except OSError:
                time.sleep(0.1)

    def pipelined():
        b = b'{"user":"nobody","password":"x"}'
        post = b"POST /api/login HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b)
        get = b"GET /api/competitions HTTP/1.1\r\nHost: x\r\n\r\n"
        bad = [get + post, post + post, b"POST /api/login HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
               b"POST /api/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
               b"POST /api/competitions HTTP/1.1\r\nContent-Length: 60000000\r\n\r\n" + b"x" * 4096,
               b"\x16\x03\x01\x02\x00garbage\r\n\r\n"]
        while not stop.is_set():
            try:
                s = sock("127.0.9.2")
                s.sendall(random.choice(bad))
                s.settimeout(1)
                try:
                    while s.recv(65536):
                        pass
                except OSError:
                    pass
                s.close()
                bump("pipelined_or_malformed")
            except OSError:
                time.sleep(0.1)
            time.sleep(0.02)

    def flood():
        held = []
        while not stop.is_set():
            for i in range(3):
                try:
                    held.append(sock("127.0.9.%d" % (10 + i)))
                    bump("flood_socket")
                except OSError:
                    pass
            if len(held) > 900:
                for s in held[:300]:
                    s.close()
                held = held[300:]
            time.sleep(0.01)
        for s in held:
            s.close()

    def guesser():
        while not stop.is_set():
            try:
                s = sock("127.0.9.%d" % random.randint(20, 40))
                b = json.dumps({"judge": "J%03d" % random.randint(1, 50), "pin": "%06d" %
                                random.randint(0, 999999)}).encode()
                s.sendall(b"POST /api/login HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b))
                s.settimeout(2)
                s.recv(4096)
                s.close()
                bump("wrong_pin")
            except OSError:
                pass
            time.sleep(0.05)

    return [threading.Thread(target=f, daemon=True) for f in (slow, pipelined, flood, guesser)]


def segment(srv, i, a, faults):
    doc = json.loads(subprocess.run([GEN] + a.size.split(",") + [str(100 + i)],
                                    capture_output=True, check=True).stdout)
    marks = doc.pop("marks")
    comp = "SOAK%02d" % i
    doc["competition"]["id"] = comp
    admin = srv.admin()
    st, body = srv.json("POST", "/api/competitions", doc, admin)
    assert st == 201, body
    for ev in doc["events"]:
        assert srv.json("POST", "/api/competitions/%s/events/%s/draw" % (comp, ev["id"]), {},
                        admin)[0] == 200
    path = os.path.join(srv.dir, "marks-%d.txt" % i)
    with open(path, "w") as f:
        for m in marks:
            f.write("%s %s %s %s\n" % (m["entry"], m["criterion"], m["judge"], m["score"]))
    stop, counts, threads = threading.Event(), {}, []
    if faults:
        threads = fault_injectors(srv.port, stop, counts)
        for t in threads:
            t.start()
    p = subprocess.run([LOAD, str(srv.port), admin, comp, path, str(a.judges), str(a.screens),
                        str(a.rate)], capture_output=True, text=True, timeout=3600)
    stop.set()
    for t in threads:
        t.join(5)
    out = json.loads(p.stdout) if p.stdout.strip() else {"error": p.stderr[-500:]}
    out.update(segment=i, faults=faults, injected=counts, comp=comp)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--judges", type=int, default=200)
    ap.add_argument("--screens", type=int, default=1000)
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--size", default="2,100,5,5", help="events,entries,criteria,judges per segment")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    harness.BIN = os.path.join(ROOT, "build", "skillscore")
    srv = harness.Server(bin=harness.BIN, args=[
        "--ws-per-address", str(a.screens + 100), "--per-address", str(a.screens + a.judges + 300)])
    results, killed, t0 = [], False, time.time()
    try:
        i = 0
        while time.time() - t0 < a.minutes * 60:
            r = segment(srv, i, a, faults=i % 2 == 1)
            print(json.dumps(r, ensure_ascii=False), flush=True)
            results.append(r)
            i += 1
            if not killed and time.time() - t0 >= a.minutes * 30:
                srv.kill()
                srv.start()
                killed = True
                print(json.dumps({"event": "SIGKILL and restart", "after_s": round(time.time() - t0)}),
                      flush=True)
        admin = srv.admin()
        lost = 0
        for r in results:
            exp = json.loads(srv.request("GET", "/api/competitions/%s/export" % r["comp"],
                                         token=admin)[2])
            lost += max(0, r.get("acked", 0) - len(exp["marks"]))
        p99 = lambda r: (r.get("ack") or {}).get("p99_ms")  # noqa: E731
        quiet = [p99(r) for r in results if not r["faults"] and p99(r) is not None]
        noisy = [p99(r) for r in results if r["faults"] and p99(r) is not None]
        summary = {"minutes": round((time.time() - t0) / 60, 1), "segments": len(results),
                   "acked": sum(r.get("acked", 0) for r in results), "lost": lost,
                   "errors": sum(r.get("errors", 0) for r in results),
                   "quiet_ack_p99_ms_median": statistics.median(quiet) if quiet else None,
                   "faulted_ack_p99_ms_median": statistics.median(noisy) if noisy else None,
                   "faulted_ack_p99_ms_max": max(noisy) if noisy else None,
                   "killed_and_restarted": killed}
        if quiet and noisy:
            summary["ratio"] = round(statistics.median(noisy) / statistics.median(quiet), 2)
        print(json.dumps({"summary": summary}), flush=True)
        sys.exit(0 if lost == 0 else 1)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
