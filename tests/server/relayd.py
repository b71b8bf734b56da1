"""nginx + nchan from deploy/relay/nginx.conf on a free loopback port, in a scratch folder: the
public relay for tests/server/test_relay.py and bench/live.py --relay."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

from harness import ROOT

NGINX = "/usr/sbin/nginx"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Relay:
    """nginx + nchan from deploy/relay/nginx.conf, on a free loopback port, in a scratch folder."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="skillscore-relay-")
        os.makedirs(os.path.join(self.dir, "tmp"))
        conf = open(os.path.join(ROOT, "deploy", "relay", "nginx.conf")).read()
        conf = conf.replace("127.0.0.1:8090", "127.0.0.1:%d" % self.port)
        if os.geteuid() == 0:   # workers drop to "nobody", who cannot write the scratch folder
            conf = "user root;\n" + conf
        open(os.path.join(self.dir, "nginx.conf"), "w").write(conf)
        self.start()

    def start(self):
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-c", os.path.join(self.dir, "nginx.conf"),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "err.log"), "a"))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + open(os.path.join(self.dir, "err.log")).read())

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=10)
        try:
            os.unlink(os.path.join(self.dir, "relay.pid"))
        except OSError:
            pass

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


