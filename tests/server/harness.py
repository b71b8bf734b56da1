"""Starts the real `skillscore serve` on 127.0.0.1 with a fresh SQLite file, and talks HTTP to it.

Every wait is bounded; a server that does not come up in time fails the test instead of hanging.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SKILLSCORE_BIN", os.path.join(ROOT, "build", "asan", "skillscore"))
CLI = os.environ.get("SKILLSCORE_CLI", os.path.join(ROOT, "build", "skillscore"))
ADMIN_PASSWORD = "test-admin-pw"

_results = {"passed": 0, "failed": 0}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db=None, demo=False, env=None, args=None, bin=None, preexec=None):
        self.bin = bin or BIN
        self.preexec = preexec
        self.dir = tempfile.mkdtemp(prefix="skillscore-test-")
        self.db = db or os.path.join(self.dir, "test.db")
        self.demo = demo
        self.extra = list(args or [])
        self.env = dict(os.environ, SKILLSCORE_ADMIN_PASSWORD=ADMIN_PASSWORD,
                        ASAN_OPTIONS="detect_leaks=1:abort_on_error=0")
        self.env.update(env or {})
        self.proc = None
        self.start()

    def start(self, tries=5):
        """Starts on a free port; another port is tried when this one was taken meanwhile."""
        for attempt in range(tries):
            try:
                return self._start()
            except RuntimeError as e:
                if "cannot listen" not in str(e) or attempt == tries - 1:
                    raise

    def _start(self):
        self.port = free_port()
        args = [self.bin, "serve", "--db", self.db, "--port", str(self.port),
                "--static", os.path.join(ROOT, "judge-client")]
        if self.demo:
            args.append("--demo")
        args += self.extra
        self.log = open(os.path.join(self.dir, "server-%d.log" % self.port), "w+")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
                                     preexec_fn=self.preexec)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.output())
            try:
                status, _, _ = self.request("GET", "/api/competitions")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not start in 20 s: " + self.output())

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def request(self, method, path, body=None, token=None, raw=None, headers=None, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode()
                                            if body is not None else None)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            if conn is None:
                c.close()

    def json(self, method, path, body=None, token=None):
        status, headers, data = self.request(method, path, body, token)
        try:
            doc = json.loads(data) if data else None
        except ValueError:
            doc = data
        return status, doc

    def login(self, user=None, password=None, judge=None, pin=None, competition=None):
        body = {"user": user, "password": password} if user else {"judge": judge, "pin": pin}
        if competition:
            body["competition"] = competition
        status, doc = self.json("POST", "/api/login", body)
        assert status == 200, (status, doc)
        return doc["token"]

    def admin(self):
        return self.login("admin", ADMIN_PASSWORD)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        """SIGTERM; the server must exit 0 with no sanitizer report."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("server did not stop on SIGTERM")
        out = self.output()
        assert "ERROR: AddressSanitizer" not in out and "runtime error" not in out \
            and "LeakSanitizer" not in out, out[-3000:]
        assert self.proc.returncode == 0, (self.proc.returncode, out[-2000:])


DEMO = os.path.join(ROOT, "data", "demo", "competition.json")
_EMPTY_DB = []


def empty_db(path):
    """A new, empty skillscore database at path, as `skillscore serve --db` makes on its first
    start (one server started once per process, its file copied): the certificate commands
    issue only into a database that exists and never make one themselves."""
    import shutil
    if not _EMPTY_DB:
        srv = Server()
        srv.stop()
        _EMPTY_DB.append(srv.db)
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(_EMPTY_DB[0] + ext):
            shutil.copyfile(_EMPTY_DB[0] + ext, path + ext)
    return path


def demo_doc():
    return json.load(open(DEMO, encoding="utf-8"))


# The demo's units by 州市 or industry system: the 代表队 (delegation) each entry belongs to.
DELEGATIONS = {"大理": "大理州代表队", "昆明": "昆明市代表队", "玉溪": "玉溪市代表队",
               "曲靖": "曲靖市代表队", "西双": "西双版纳州代表队", "红河": "红河州代表队",
               "云南": "省属企业代表队"}


def delegations_doc():
    """The demo with every entry in a delegation (by its first member's unit): the medal table."""
    doc = demo_doc()
    for e in doc["entries"]:
        e["delegation"] = DELEGATIONS[e["members"][0]["unit"][:2]]
    return doc


def delegations_server(lock=("E01",), doc=None):
    """A server with doc (default delegations_doc()) as YN2026 (no --demo), E02's marks left for
    the judges as in the demo, its numbers drawn, PINs issued and the events in lock locked by
    their chief judges. Returns (srv, admin token, pins)."""
    srv = Server()
    admin = srv.admin()
    doc = doc or delegations_doc()
    doc["marks"] = [m for m in doc["marks"] if not m["entry"].startswith("E02-")]
    st, body = srv.json("POST", "/api/competitions", doc, admin)
    assert st == 201, body
    pins = {}
    for j in doc["judges"]:
        st, body = srv.json("POST", "/api/competitions/YN2026/judges/%s/pin" % j["id"], {}, admin)
        assert st == 201, body
        pins[j["id"]] = body["pin"]
    for ev in doc["events"]:
        st, body = srv.json("POST", "/api/competitions/YN2026/events/%s/draw" % ev["id"], {}, admin)
        assert st == 200, body
        if ev["id"] in lock:
            chief = next(j["id"] for j in doc["judges"] if ev["id"] in j.get("events", [])
                         and j.get("chief"))
            token = srv.login(judge=chief, pin=pins[chief])
            st, body = srv.json("POST", "/api/competitions/YN2026/events/%s/lock" % ev["id"], {},
                                token)
            assert st == 200, body
    return srv, admin, pins


def medal_table_by_hand(results, delegation_of):
    """The medal table worked from the published results' awards, independently of the server:
    4/3/2/1 points, then golds, silvers, bronzes, 优胜奖; equal rows share a rank, by name."""
    cols = ["金牌", "银牌", "铜牌", "优胜奖"]
    table = {}
    for g in results["rankings"]:
        for e in g["entries"]:
            counts = table.setdefault(delegation_of[e["entry"]], [0] * 4)
            if e["award"]:
                counts[cols.index(e["award"])] += 1
    rows = sorted(([sum(n * p for n, p in zip(c, (4, 3, 2, 1))), c, d] for d, c in table.items()),
                  key=lambda r: ([-r[0]] + [-n for n in r[1]], r[2].encode()))
    out = []
    for i, (points, counts, d) in enumerate(rows):
        rank = out[-1]["rank"] if out and (out[-1]["points"], out[-1]["counts"]) == \
            (points, counts) else i + 1
        out.append({"rank": rank, "delegation": d, "counts": counts, "points": points})
    return out


def demo_pin(judge):
    return "2026%02d" % int(judge[1:])


def sheet_numbers(srv, token, event):
    """The blind numbers of an event's entries, {entry: number}, from its marking sheet."""
    status, doc = srv.json("GET", "/api/competitions/YN2026/events/%s/sheet" % event, token=token)
    assert status == 200, (status, doc)
    return {row["entry"]: row["number"] for row in doc["rows"]}


def post_marks_as_judges(srv, marks, numbers, competition="YN2026", pins=None):
    """Each judge signs in with their PIN and sends their own marks by number, on one keep-alive
    connection, as a tablet would. Returns the last live_seq acknowledged."""
    last = 0
    by_judge = {}
    for m in marks:
        by_judge.setdefault(m["judge"], []).append(m)
    for judge, ms in by_judge.items():
        pin = pins[judge] if pins else demo_pin(judge)
        token = srv.login(judge=judge, pin=pin,
                          competition=None if competition == "YN2026" else competition)
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        for m in ms:
            body = {"id": new_id(), "number": numbers[m["entry"]], "criterion": m["criterion"],
                    "judge": judge, "score": m["score"]}
            status, _, data = srv.request("POST", "/api/competitions/%s/marks" % competition,
                                          body, token, conn=conn)
            assert status == 201, (status, data)
            last = max(last, json.loads(data)["live_seq"])
        conn.close()
    return last


def new_id():
    return str(uuid.uuid4())


def compute(text, provisional=False):
    args = [CLI, "compute"] + (["--provisional"] if provisional else []) + ["-"]
    p = subprocess.run(args, input=text, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout


def test(fn):
    # SKILLSCORE_TEST_ONLY=name runs only the tests whose name contains it (scripts/mutate.sh).
    only = os.environ.get("SKILLSCORE_TEST_ONLY")
    if only and only not in fn.__name__:
        return fn
    try:
        fn()
        _results["passed"] += 1
        print("ok   " + fn.__name__, flush=True)
    except Exception as e:  # noqa: BLE001 - a test fails on anything it raises
        _results["failed"] += 1
        import traceback
        print("FAIL " + fn.__name__ + ": " + repr(e), flush=True)
        traceback.print_exc()
    return fn


def summary():
    print("%d passed, %d failed" % (_results["passed"], _results["failed"]))
    return 1 if _results["failed"] else 0
