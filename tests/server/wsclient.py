"""A small WebSocket client (RFC 6455) over a plain socket, for the live results tests.

It speaks the protocol itself, so the tests see every byte the server sends: frames are read whole,
pings are answered (unless told not to), and every wait is bounded by a deadline.
"""
import base64
import hashlib
import json
import os
import socket
import struct
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Closed(Exception):
    pass


class WS:
    def __init__(self, port, path="/ws", timeout=10, rcvbuf=None, answer_pings=True):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.answer_pings = answer_pings
        self.pings = 0
        self.raw = bytearray()   # every byte received after the handshake
        self.buf = bytearray()
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
               % (path, port, key))
        self.sock.sendall(req.encode())
        head = bytearray()
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Closed("closed during the handshake: %r" % bytes(head))
            head += chunk
        head, rest = bytes(head).split(b"\r\n\r\n", 1)
        self.status_line = head.split(b"\r\n")[0].decode()
        if " 101 " not in self.status_line + " ":
            raise Closed("handshake refused: " + self.status_line)
        want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if ("sec-websocket-accept: " + want).lower().encode() not in head.lower():
            raise AssertionError("bad Sec-WebSocket-Accept in " + head.decode())
        self.buf += rest
        self.raw += rest

    def _frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            hdr = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            hdr = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            hdr = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(hdr + mask + body)

    def send(self, obj):
        text = obj if isinstance(obj, (bytes, str)) else json.dumps(obj, ensure_ascii=False)
        self._frame(0x1, text.encode() if isinstance(text, str) else text)

    def _fill(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no frame in time")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed("connection closed")
            self.buf += chunk
            self.raw += chunk

    def _take(self, n):
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def recv_frame(self, timeout=10):
        deadline = time.time() + timeout
        message, first_op = bytearray(), None
        while True:
            self._fill(2, deadline)
            b0, b1 = self.buf[0], self.buf[1]
            n, at = b1 & 0x7F, 2
            if n == 126:
                self._fill(4, deadline)
                n, at = struct.unpack("!H", bytes(self.buf[2:4]))[0], 4
            elif n == 127:
                self._fill(10, deadline)
                n, at = struct.unpack("!Q", bytes(self.buf[2:10]))[0], 10
            assert not b1 & 0x80, "a server frame must not be masked"
            self._fill(at + n, deadline)
            self._take(at)
            payload = self._take(n)
            op = b0 & 0x0F
            if op == 0x9:
                self.pings += 1
                if self.answer_pings:
                    self._frame(0xA, payload)
                continue
            if op == 0xA:
                continue
            if op == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                raise Closed("closed by the server: %s %s" % (code, payload[2:].decode("utf-8", "replace")))
            if op != 0:
                first_op = op
            message += payload
            if b0 & 0x80:
                return first_op, bytes(message)

    def recv(self, timeout=10):
        """The next text message, parsed."""
        op, data = self.recv_frame(timeout)
        assert op == 0x1, "expected a text frame, got opcode %d" % op
        return json.loads(data.decode("utf-8"))

    def close(self):
        try:
            self._frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()
