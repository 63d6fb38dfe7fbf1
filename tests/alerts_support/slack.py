"""A Slack incoming-webhook stand-in: a threaded HTTP server on 127.0.0.1 that keeps each JSON
body and answers with the status it is told."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class SlackReceiver:
    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.paths: list[str] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                receiver.paths.append(self.path)
                answer = b"ok" if receiver.status == 200 else b"internal_error"
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/services/T000/B000/XXXXSECRET") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def slack_receiver(settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True
    settings.DEALLENS_BASE_URL = "https://deallens.example"
    receiver = SlackReceiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
