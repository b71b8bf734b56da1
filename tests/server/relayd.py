"""nginx + nchan from deploy/relay/nginx.conf on a free loopback port, in a scratch folder: the
public relay for tests/server/test_relay.py and bench/live.py --relay.

nginx runs in a process group of its own (start_new_session), and kill() and stop() signal the
whole group: killing only the master leaves its workers serving the port (they are reparented to
init and still answer POST /pub with 202), so a "dead" relay would not be dead, and the next
master could not bind. Use it as a context manager, or call stop() in a finally, so that no nginx
outlives a test.

The workers of a master killed with SIGKILL would be reparented to pid 1, which in some
containers never reaps them (they stay as <defunct> nginx in `pgrep -a nginx`); this process
makes itself their subreaper and reaps them."""
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from harness import ROOT

NGINX = "/usr/sbin/nginx"
PR_SET_CHILD_SUBREAPER = 36
try:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
except (OSError, AttributeError):
    pass   # not Linux: the zombies, if any, are pid 1's


def group_pids(pgid):
    """The ids of the processes (zombies included) in process group pgid."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = open("/proc/%s/stat" % name).read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid:   # state, ppid, pgrp
            out.append(int(name))
    return out


def reap(pids, timeout=5):
    """Waits for pids (workers orphaned to this process, the subreaper) to be gone."""
    deadline = time.time() + timeout
    left = set(pids)
    while left and time.time() < deadline:
        for pid in list(left):
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    left.discard(pid)
            except ChildProcessError:   # not (yet) reparented to us, or gone
                if not os.path.exists("/proc/%d" % pid):
                    left.discard(pid)
        if left:
            time.sleep(0.02)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def refused(port):
    """True when nothing listens on 127.0.0.1:port any more."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


def listening_inode(port):
    """The inode of the socket listening on 127.0.0.1:port (/proc/net/tcp), or None."""
    want = "0100007F:%04X" % port
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            cols = line.split()
            if cols[1] == want and cols[3] == "0A":   # 0A: LISTEN
                return cols[9]
    return None


def holds_socket(pid, inode):
    """True when process pid has the socket inode among its descriptors."""
    fds = "/proc/%d/fd" % pid
    try:
        names = os.listdir(fds)
    except OSError:
        return False
    for name in names:
        try:
            if os.readlink(os.path.join(fds, name)) == "socket:[%s]" % inode:
                return True
        except OSError:
            pass
    return False


class Relay:
    """nginx + nchan from deploy/relay/nginx.conf, on a free loopback port, in a scratch folder."""

    def __init__(self, port=None, conf_edit=None):
        self.port = port or free_port()
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="skillscore-relay-")
        os.makedirs(os.path.join(self.dir, "tmp"))
        conf = open(os.path.join(ROOT, "deploy", "relay", "nginx.conf")).read()
        conf = conf.replace("127.0.0.1:8090", "127.0.0.1:%d" % self.port)
        # The display page from this repository (as scripts/relay.sh does).
        conf = conf.replace("/usr/share/skillscore/judge-client", os.path.join(ROOT, "judge-client"))
        if os.geteuid() == 0:   # workers drop to "nobody", who cannot write the scratch folder
            conf = "user root;\n" + conf
        if conf_edit:
            conf = conf_edit(conf, self.dir)
        open(os.path.join(self.dir, "nginx.conf"), "w").write(conf)
        self.err = os.path.join(self.dir, "err.log")
        try:
            self.start()
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Starts nginx and returns once its new master is alive and holds the listening socket
        (not merely once the port answers: a survivor of an earlier run would answer too)."""
        assert self.proc is None or self.proc.poll() is not None, "nginx is already running"
        assert refused(self.port), "something still listens on %d" % self.port
        err_at = os.path.getsize(self.err) if os.path.exists(self.err) else 0
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-c",
                                      os.path.join(self.dir, "nginx.conf"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=open(self.err, "a"),
                                     start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            inode = listening_inode(self.port)
            if inode and holds_socket(self.proc.pid, inode):
                with open(self.err) as f:
                    f.seek(err_at)
                    log = f.read()
                assert "bind()" not in log and "[emerg]" not in log, log
                return
            time.sleep(0.05)
        self._killpg(signal.SIGKILL)
        raise RuntimeError("nginx did not start: " + open(self.err).read())

    def _killpg(self, sig):
        """Signals nginx's whole process group (master and workers) and reaps the master."""
        if self.proc is None:
            return
        workers = [p for p in group_pids(self.proc.pid) if p != self.proc.pid]
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        reap(workers)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """The relay dies at once, workers and all: afterwards connections are refused."""
        self._killpg(signal.SIGKILL)
        deadline = time.time() + 5
        while not refused(self.port):
            assert time.time() < deadline, "the relay still answers after SIGKILL to its group"
            time.sleep(0.05)
        try:
            os.unlink(os.path.join(self.dir, "relay.pid"))
        except OSError:
            pass

    def pause(self):
        """The relay hangs (SIGSTOP to the group): connections are still accepted by the kernel,
        nothing is answered."""
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        os.killpg(self.proc.pid, signal.SIGCONT)

    def log(self):
        try:
            return open(self.err).read()
        except OSError:
            return ""

    def stop(self):
        """Stops nginx (SIGTERM to the group, then SIGKILL to whatever is left) and removes the
        scratch folder."""
        if self.proc is not None:
            try:   # a paused relay would not hear SIGTERM
                os.killpg(self.proc.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
            self._killpg(signal.SIGTERM)
            try:   # a worker slow to leave must not survive the test
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
