#!/usr/bin/env python3
"""How long one CSV import of N entries holds the server's loop (issue 12 item 9: 20,000 rows
blocked it for 3.4 s). Starts the release server on a fresh database, imports a competition with
one event, then POSTs an entries CSV of N rows, and reports the wall time of the request and the
longest a concurrent GET /api/competitions waited meanwhile.

  python3 bench/csv_import.py [--rows 20000] [--repeat 3]
"""
import argparse
import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "server"))
import harness  # noqa: E402

HEAD = "参赛号,项目,组别,选手编号,姓名,性别,身份证号,工作单位,学生,现等级,曾晋升,教练\n"


def one(rows):
    srv = harness.Server(bin=harness.CLI)
    try:
        admin = srv.admin()
        doc = {"format": "skillscore/1",
               "competition": {"id": "BIG", "name": "大规模导入", "class": "enterprise"},
               "events": [{"id": "E1", "name": "钳工", "criteria": [{"id": "A", "name": "操作",
                                                                    "max": 100}]}],
               "entries": [{"id": "X0", "event": "E1", "members": [{"id": "Q0", "name": "甲",
                                                                     "level": None}]}]}
        assert srv.json("POST", "/api/competitions", doc, admin)[0] == 201
        csv = HEAD + "".join("N%05d,E1,职工组,P%05d,选手%d,男,,昆明机床厂,否,,否,\n" % (i, i, i)
                             for i in range(rows))
        worst, stop = [0.0], [False]

        def poll():
            while not stop[0]:
                t = time.perf_counter()
                srv.request("GET", "/api/competitions")
                worst[0] = max(worst[0], time.perf_counter() - t)
        th = threading.Thread(target=poll)
        th.start()
        t = time.perf_counter()
        st, _, data = srv.request("POST", "/api/competitions/BIG/entries/import",
                                  raw=csv.encode(), token=admin)
        took = time.perf_counter() - t
        stop[0] = True
        th.join()
        assert st == 200 and json.loads(data)["added"] == rows, (st, data[:200])
        return took, worst[0]
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    runs = [one(a.rows) for _ in range(a.repeat)]
    print(json.dumps({"rows": a.rows, "import_s_median": round(statistics.median(r[0] for r in runs), 3),
                      "longest_wait_of_another_request_s": round(max(r[1] for r in runs), 3)}))


if __name__ == "__main__":
    main()
