#!/usr/bin/env python3
"""Live results under load: 200 judge clients posting durable marks over HTTP keep-alive while
1,000 and then 5,000 WebSocket screens watch the same competition (issue 4's benchmark).

For each screen count: a fresh release server on a fresh database, a generated competition
imported without its marks and its numbers drawn, then build/live_load (bench/live_load.c) posts
every mark and times each acknowledgement and each mark's arrival at the last screen. The server's
CPU time and memory are read from /proc. Loopback only; each run ends by itself.

  python3 bench/live.py [--screens 1000,5000] [--judges 200] [--rates 0,1000]
                       [--size EVENTS,ENTRIES,CRITERIA,JUDGES] [--relay] [--loop uv|poll]
                       [--server-args "--ws-ping 600 ..."]

--relay starts nginx + nchan (deploy/relay/nginx.conf) on loopback, serves with --relay, and the
screens subscribe to the relay instead of the venue server.

Rate 0 gives the ceiling (each judge sends again as soon as acknowledged, so latency is queueing);
a rate such as 1000 marks/s, paced over the 200 judges, gives the latencies at that load.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "server"))
import harness  # noqa: E402

ROOT = harness.ROOT
LOAD = os.path.join(ROOT, "build", "live_load")


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    status = dict(line.split(":", 1) for line in open("/proc/%d/status" % pid) if ":" in line)
    kb = lambda k: int(status[k].split()[0])  # noqa: E731
    return cpu, kb("VmRSS"), kb("VmHWM")


def run(screens, judges, size, rate, relay=None, loop="uv", server_args=()):
    doc = json.loads(subprocess.run([os.path.join(ROOT, "build", "gen")] + size + ["7"],
                                    capture_output=True, check=True).stdout)
    marks = doc.pop("marks")
    extra = ["--relay", "http://127.0.0.1:%d/pub" % relay.port] if relay else []
    srv = harness.Server(args=["--ws-per-address", str(screens + 100),
                               "--per-address", str(screens + 300), "--loop", loop] + extra +
                       list(server_args))
    try:
        admin = srv.admin()
        comp = doc["competition"]["id"]
        status, body = srv.json("POST", "/api/competitions", doc, admin)
        assert status == 201, body
        for ev in doc["events"]:
            assert srv.json("POST", "/api/competitions/%s/events/%s/draw" % (comp, ev["id"]), {},
                            admin)[0] == 200
        path = os.path.join(srv.dir, "marks.txt")
        with open(path, "w") as f:
            for m in marks:
                f.write("%s %s %s %s\n" % (m["entry"], m["criterion"], m["judge"], m["score"]))
        cpu0, _, _ = proc_stat(srv.proc.pid)
        t0 = time.time()
        env = dict(os.environ, RELAY_PORT=str(relay.port)) if relay else None
        p = subprocess.run([LOAD, str(srv.port), admin, comp, path, str(judges), str(screens),
                            str(rate)],
                           capture_output=True, text=True, timeout=900, env=env)
        wall = time.time() - t0
        cpu1, rss, hwm = proc_stat(srv.proc.pid)
        if p.returncode != 0 and not p.stdout:
            raise RuntimeError(p.stderr[-2000:])
        out = json.loads(p.stdout)
        if relay:
            out["relay"] = True
        out["loop"] = loop
        out.update(server_cpu_s=round(cpu1 - cpu0, 2), server_cpu_share=round((cpu1 - cpu0) / wall, 2),
                   server_rss_mb=round(rss / 1024, 1), server_peak_rss_mb=round(hwm / 1024, 1),
                   events=int(size[0]), entries=int(size[0]) * int(size[1]))
        if p.stderr.strip():
            out["stderr"] = p.stderr.strip()[-500:]
        return out
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--screens", default="1000,5000")
    ap.add_argument("--judges", type=int, default=200)
    ap.add_argument("--size", default="4,100,5,5")
    ap.add_argument("--rates", default="0,1000",
                    help="marks/s offered in all; 0 = each judge as fast as acknowledged")
    ap.add_argument("--relay", action="store_true",
                    help="screens read the public relay (nginx + nchan, deploy/relay) instead")
    ap.add_argument("--loop", default="uv", choices=("uv", "poll"),
                    help="the server's event loop (serve --loop): libuv/epoll, or lws's poll()")
    ap.add_argument("--server-args", default="",
                    help="more options for skillscore serve, e.g. \"--ws-ping 600\"")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    harness.BIN = os.path.join(ROOT, "build", "skillscore")
    print("machine: %d cores, %s; loopback" % (os.cpu_count(), open("/proc/cpuinfo").read()
          .split("model name")[1].split(":")[1].split("\n")[0].strip()))
    if a.relay:
        import relayd  # noqa: E402  (tests/server: nginx + nchan from deploy/relay)
    for n in [int(x) for x in a.screens.split(",")]:
        for rate in [int(x) for x in a.rates.split(",")]:
            # A fresh relay per run: its buffer would replay the last run's seqs.
            relay = relayd.Relay() if a.relay else None
            try:
                r = run(n, a.judges, a.size.split(","), rate, relay, a.loop, a.server_args.split())
            finally:
                if relay:
                    relay.stop()
            print(json.dumps(r, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
