"""HTTP keep-alive for the emulator's public port.

Werkzeug's development server closes the connection after every response (Python's
http.server cannot tell where an unread request body ends), so every call to the
emulator opened a TCP connection and started a thread on both sides: about 4 ms of the
emulator's CPU for each request, whatever it asked, more than a 24-item Query costs. The
emulator's app (SerializedApp) answers one whole body at a time, so this handler reads each
request's body to its Content-Length before calling it, answers with a Content-Length, and
keeps the connection open. A request it cannot frame that way (a chunked upload) goes
through werkzeug's own handling, which closes the connection as before."""

import io
import logging

from moto.moto_server.werkzeug_app import MotoRequestHandler

log = logging.getLogger("cloudshelf.localaws")

_NO_BODY = {204, 304}
_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive"}


class KeepAliveHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"
    # A kept-open connection would otherwise wait for the client's delayed ACK (Nagle's
    # algorithm) before each answer's last segment: 40 ms a request.
    disable_nagle_algorithm = True

    def run_wsgi(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return super().run_wsgi()
        if self.headers.get("Expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.make_environ()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        environ["wsgi.input"] = io.BytesIO(self.rfile.read(length) if length else b"")
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return lambda data: None  # SerializedApp never writes

        try:
            body = b"".join(self.server.app(environ, start_response))
        except Exception:
            log.exception("error on %s %s", self.command, self.path)
            self.close_connection = True
            answer = {"status": "500 Internal Server Error", "headers": []}
            body = b"internal error in the local AWS emulator"
        self._answer(answer["status"], answer["headers"], body)

    def _answer(self, status, headers, body):
        code, _, reason = status.partition(" ")
        code = int(code)
        self.send_response(code, reason)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
            elif name.lower() == "content-length" and self.command == "HEAD":
                self.send_header(name, value)  # the object's size, sent without its body
        with_body = code not in _NO_BODY and self.command != "HEAD"
        if with_body:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)
