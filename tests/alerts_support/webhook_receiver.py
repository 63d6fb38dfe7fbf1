"""A local webhook receiver for tests: a threaded ``http.server`` on 127.0.0.1:<free port>.

Every request is recorded (headers, body, whether its Standard Webhooks signature verified
with the receiver's secret). What it answers next is set by the test: ``script`` is a list of
behaviours used one per request (the last one repeats):

- ``200`` / ``500`` / any int: that status, with a short body;
- ``("redirect", "/elsewhere")``: a 302 with that Location;
- ``("hang", seconds)``: wait, then answer 200 (the client has usually given up by then);
- ``("hang_once", seconds)``: like hang, for the first request only (then the script goes on).
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    at: float

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


@dataclass
class Receiver:
    secret: str = ""
    script: list = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    sni: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_behaviour(self):
        with self.lock:
            behaviour = self.script[0]
            if len(self.script) > 1:
                self.script.pop(0)
            return behaviour

    def verify(self, body: bytes, headers: dict[str, str]) -> bool:
        if not self.secret:
            return False
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.requests) >= count:
                return self.requests
            time.sleep(0.02)
        raise AssertionError(f"{len(self.requests)} of {count} requests within {timeout} s")


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # quiet
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            behaviour = receiver.next_behaviour()
            receiver.requests.append(
                Received(self.path, headers, body, receiver.verify(body, headers), time.time())
            )
            if isinstance(behaviour, tuple) and behaviour[0] in ("hang", "hang_once"):
                time.sleep(behaviour[1])
                behaviour = 200
            if isinstance(behaviour, tuple) and behaviour[0] == "redirect":
                self.send_response(302)
                self.send_header("Location", behaviour[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            text = ("ok" if 200 <= behaviour < 300 else f"receiver says {behaviour}").encode()
            try:
                self.send_response(behaviour)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)
            except OSError:
                pass  # the client gave up (a timeout test)

    return Handler


class running_receiver:
    """``with running_receiver(secret) as receiver:`` — serves until the block ends."""

    def __init__(self, secret: str = "", script=None, tls=None):
        self.receiver = Receiver(secret=secret, script=list(script or [200]))
        self.tls = tls  # an ssl.SSLContext (server side): https, recording the SNI names

    def __enter__(self) -> Receiver:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.receiver))
        self.server.daemon_threads = True
        host, port = self.server.server_address[:2]
        scheme = "http"
        if self.tls is not None:
            self.tls.sni_callback = lambda _sock, name, _ctx: self.receiver.sni.append(name)
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.receiver.url = f"{scheme}://{host}:{port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.receiver

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
