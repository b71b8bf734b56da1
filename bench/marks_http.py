#!/usr/bin/env python3
"""Sequential durable marks over one keep-alive HTTP connection: the floor the live benchmark
(issue 4) builds on. Starts the release server on a fresh database in a temporary folder,
imports a generated competition without marks, posts every mark as the organizer, and prints
marks/s and acknowledge latency. Loopback only; bounded by the number of marks.

  python3 bench/marks_http.py [EVENTS ENTRIES CRITERIA JUDGES]   (default 1 200 5 5: 5,000 marks)
"""
import http.client
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "server"))
import harness  # noqa: E402

harness.BIN = os.path.join(harness.ROOT, "build", "skillscore")
args = sys.argv[1:] or ["1", "200", "5", "5"]
doc = json.loads(subprocess.run([os.path.join(harness.ROOT, "build", "gen")] + args + ["3"],
                                capture_output=True, check=True).stdout)
marks = doc.pop("marks")
srv = harness.Server()
try:
    admin = srv.admin()
    assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    lat = []
    t0 = time.perf_counter()
    for m in marks:
        t = time.perf_counter()
        status, _, _ = srv.request("POST", "/api/competitions/%s/marks" % doc["competition"]["id"],
                                   dict(m, id=harness.new_id()), admin, conn=conn)
        lat.append(time.perf_counter() - t)
        assert status == 201
    wall = time.perf_counter() - t0
    lat.sort()
    print("%d marks in %.2f s: %.0f durable marks/s on one connection; ack p50 %.2f ms, "
          "p99 %.2f ms, max %.2f ms" % (len(marks), wall, len(marks) / wall,
                                         lat[len(lat) // 2] * 1e3, lat[int(len(lat) * 0.99)] * 1e3,
                                         lat[-1] * 1e3))
finally:
    srv.stop()
