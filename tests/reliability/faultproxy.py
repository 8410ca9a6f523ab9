"""A tiny fault-injecting HTTP proxy in front of the emulator.

It passes every request through, except that a test may ask it to answer the next N
DynamoDB requests with a throttling error or a 500, or to hold DynamoDB responses back
for a while (a slow DynamoDB). It counts the DynamoDB attempts it sees, by operation, so
a test can prove how often the site's client retried."""

import http.client
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.reliability import stats

FAULTS = {
    "throttle": (
        400,
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
    ),
    "throttling": (400, "com.amazon.coral.availability#ThrottlingException", "Rate exceeded"),
    "500": (500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"),
}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
    "content-length",
}


class FaultProxy:
    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.attempts = Counter()  # DynamoDB operation -> requests seen
        self.injected = Counter()  # fault kind -> answers faked
        self._rule = None  # the faults still to inject
        self.delay = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- what a test asks for ------------------------------------------------------------
    def fail_next(self, count, kind="throttle", operation=None, skip=0):
        """Answer the next ``count`` DynamoDB requests (of ``operation`` only, if given,
        after letting ``skip`` of them through) with the fault ``kind``."""
        with self.lock:
            self._rule = {"kind": kind, "count": count, "operation": operation, "skip": skip}

    def reset(self):
        with self.lock:
            self._rule, self.delay = None, 0.0
            self.attempts.clear()
            self.injected.clear()

    def total_attempts(self):
        with self.lock:
            return sum(self.attempts.values())

    # -- plumbing ------------------------------------------------------------------------
    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def _decide(self, operation):
        """Count the attempt and say what to do with it: a fault kind, or None."""
        with self.lock:
            if operation is None:
                return None, 0.0
            self.attempts[operation] += 1
            rule = self._rule
            if rule and rule["count"] and rule["operation"] in (None, operation):
                if rule["skip"]:
                    rule["skip"] -= 1
                else:
                    rule["count"] -= 1
                    self.injected[rule["kind"]] += 1
                    stats.add("faults")
                    return rule["kind"], 0.0
            if self.delay:
                stats.add("faults")
            return None, self.delay

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                target = self.headers.get("X-Amz-Target")
                operation = target.rsplit(".", 1)[-1] if target else None
                kind, delay = proxy._decide(operation)
                if kind:
                    status, code, message = FAULTS[kind]
                    payload = json.dumps({"__type": code, "message": message}).encode()
                    self._answer(
                        status,
                        [
                            ("Content-Type", "application/x-amz-json-1.0"),
                            ("x-amzn-RequestId", "fault-proxy"),
                        ],
                        payload,
                    )
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                try:
                    headers = {
                        k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP
                    }
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    payload = response.read()
                    answer_headers = [
                        (k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP
                    ]
                    status = response.status
                except OSError:
                    self._answer(502, [("Content-Type", "text/plain")], b"upstream down")
                    return
                finally:
                    upstream.close()
                if delay:
                    time.sleep(delay)
                self._answer(status, answer_headers, payload)

            def _answer(self, status, headers, payload):
                try:
                    self.send_response(status)
                    for name, value in headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                except OSError:  # the client gave up waiting (a timeout test)
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay

        return Handler
