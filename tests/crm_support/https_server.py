"""A threaded local HTTPS server with a throwaway CA, for fake CRM APIs (Salesforce, HubSpot…).

``LocalHTTPSServer(app)`` binds 127.0.0.1 on a free port and hands every request to
``app.handle(method, target, headers, body) -> (status, json_payload, extra_headers)``; it writes
the JSON answer with a Content-Length, so clients keep their connections alive. The CA that
signed the server's certificate is written to ``ca_bundle_path`` for clients to trust.
"""

import json
import ssl
import sys
import tempfile
import threading
import traceback
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple, Self

import trustme


class LocalHTTPSServer:
    def __init__(self, app):
        self.app = app
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-crm-")
        self.ca_bundle_path = str(Path(self._tmp.name) / "ca.pem")
        self._httpd: _ThreadingTLSServer | None = None

    def start(self) -> None:
        ca = trustme.CA()
        ca.cert_pem.write_to_path(self.ca_bundle_path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._httpd = _ThreadingTLSServer(("127.0.0.1", 0), _Handler, self.app, context)
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        self._tmp.cleanup()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"https://127.0.0.1:{self._httpd.server_address[1]}"


class _ThreadingTLSServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a hanging request must not hold up stop()

    def __init__(self, address, handler, app, context: ssl.SSLContext):
        super().__init__(address, handler)
        self.app, self.context = app, context

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the request's own thread, so one slow client blocks no other.
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except OSError:  # ssl.SSLError included: a client that does not trust us, or left
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, ssl.SSLError)):
            return  # the client gave up (a timeout test); nothing to report
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' sessions expect
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle and the client's
    # delayed ACK hold each small answer about 40 ms.
    disable_nagle_algorithm = True
    timeout = 30  # an idle kept-alive connection is closed after this

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, payload, extra = self.server.app.handle(
                self.command, self.path, self.headers, body
            )
        except Exception:  # a bug in the fake: say so in the test output and answer 500
            traceback.print_exc()
            status, extra = 500, {}
            payload = [{"message": "fake server error", "errorCode": "UNKNOWN_EXCEPTION"}]
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve  # noqa: N815

    def log_message(self, format, *args):  # noqa: A002 - quiet: the fakes keep their own log
        pass


class Fault(NamedTuple):
    """A failure queued for the next request whose path starts with ``path_prefix``."""

    status: int
    body: object
    retry_after: float | None
    path_prefix: str


class Reply(Exception):
    """Raised inside a fake's route to answer at once with status and JSON body."""

    def __init__(self, status: int, body, headers: dict | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


class FakeServer:
    """What the fake CRMs share: their HTTPS server's lifecycle (a context manager), hanging
    and slow answers, and the request log. A subclass calls ``_serve_init()`` in ``__init__``
    and logs each request (an object with a ``path``) to ``self._log`` under ``self._lock``."""

    def _serve_init(self) -> None:
        self._lock = threading.RLock()
        self._hangs: deque[float] = deque()
        self._slow_pages = 0.0
        self._log: list = []
        self._stopping = threading.Event()
        self._https = LocalHTTPSServer(self)
        self.ca_bundle_path = self._https.ca_bundle_path

    def start(self) -> Self:
        self._https.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes hanging requests
        self._https.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``https://127.0.0.1:<port>``: the instance URL or API host to give the client."""
        return self._https.url

    @property
    def ca_path(self) -> str:
        return self.ca_bundle_path

    def hang_next(self, seconds: float, n: int = 1) -> None:
        """The next n requests sleep ``seconds`` before answering (a client timeout); stop()
        wakes them."""
        with self._lock:
            self._hangs.extend([seconds] * n)

    def slow_pages(self, seconds: float) -> None:
        """Every list, query or search page waits ``seconds``; 0 turns it off."""
        with self._lock:
            self._slow_pages = seconds

    @property
    def requests(self) -> list:
        with self._lock:
            return list(self._log)

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    def request_count(self, prefix: str = "") -> int:
        """How many requests were logged whose path starts with prefix."""
        with self._lock:
            return sum(r.path.startswith(prefix) for r in self._log)
