"""The HTTP transport: the core behind ``http.server.ThreadingHTTPServer``."""

from __future__ import annotations

import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .http import ConnectionDropped, RequestHung


def make_handler(emulator, public_base: str | None):
    class Handler(BaseHTTPRequestHandler):
        server_version = "qbo-emulator"
        sys_version = ""
        protocol_version = "HTTP/1.1"
        # Status line, headers and body leave in separate writes; with Nagle's algorithm on,
        # a keep-alive client's delayed ACK then adds ~40 ms to every response.
        disable_nagle_algorithm = True

        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            host = (
                self.headers.get("Host")
                or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
            )
            base = f"http://{host}"
            request_headers = dict(self.headers.items())
            if public_base:
                # Only the pages a browser opens (the consent page) need the public address;
                # servers (e.g. the app in another container) keep the one they called.
                request_headers["X-Emulator-Browser-Base"] = public_base.rstrip("/")
            try:
                status, headers, payload = emulator.handle(
                    self.command, base + self.path, request_headers, body
                )
            except ConnectionDropped:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            except RequestHung:
                deadline = time.monotonic() + emulator.settings.hang_seconds
                while time.monotonic() < deadline:
                    time.sleep(0.2)
                self.close_connection = True
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            if emulator.settings.request_log_size and getattr(self.server, "verbose", False):
                sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    return Handler


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(
    emulator,
    host: str = "127.0.0.1",
    port: int = 8765,
    public_base: str | None = None,
    verbose: bool = False,
    ready=None,
) -> None:
    server = EmulatorServer((host, port), make_handler(emulator, public_base))
    server.verbose = verbose
    emulator.start_background()
    if ready:
        ready(server)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        emulator.stop()
