#!/usr/bin/env python3
"""A loopback upstream that misbehaves at random, for scripts/soak.sh.

  python3 scripts/soak-chaos.py PORT [SEED]

Every request to /chaos/... draws one behaviour: answer at once (most), answer slowly (0.3-2 s), hang (30 s, so the
caller's timeout fires), reset the connection, answer 503 with Retry-After, or send garbage (invalid JSON, or a
body shorter than its Content-Length). /ok/... always answers 200 JSON after 5-30 ms. Loopback only.
"""
import json
import random
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RNG = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else None)
LOCK = threading.Lock()
COUNTS = {}


def draw():
    with LOCK:
        r = RNG.random()
    for limit, name in ((0.60, "ok"), (0.72, "slow"), (0.76, "hang"), (0.81, "reset"), (0.91, "503"),
                        (0.96, "garbage"), (1.01, "short")):
        if r < limit:
            return name
    return "ok"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, body, extra=None):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/counts":
            with LOCK:
                return self.send_json(200, json.dumps(COUNTS))
        if path.startswith("/ok/"):
            time.sleep(RNG.uniform(0.005, 0.03))
            return self.send_json(200, json.dumps({"id": path[4:], "ok": True}))
        what = draw() if path.startswith("/chaos/") else "ok"
        with LOCK:
            COUNTS[what] = COUNTS.get(what, 0) + 1
        if what == "ok":
            return self.send_json(200, json.dumps({"path": path, "items": [1, 2, 3]}))
        if what == "slow":
            time.sleep(RNG.uniform(0.3, 2.0))
            return self.send_json(200, json.dumps({"path": path, "slow": True}))
        if what == "hang":
            time.sleep(30)
            return self.send_json(200, "{}")
        if what == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return None
        if what == "503":
            return self.send_json(503, '{"error":"busy"}', {"Retry-After": "1"})
        if what == "garbage":
            return self.send_json(200, '{"broken": [1, 2,,, \x00 not json')
        # "short": promises 100 bytes, sends 10, closes
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b'{"partial"')
        self.close_connection = True
        return None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
