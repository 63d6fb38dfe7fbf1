"""HTTP load for the benchmarks: gunicorn as a child process, and a small keep-alive client.

No Django here: ``Server`` starts ``gunicorn config.wsgi`` on a free port with the environment
it is given (the caller sets DEBUG off, a throwaway secret, connection reuse), and ``load``
sends a bounded number of GET requests from N threads, each with its own keep-alive
``http.client`` connection, and reports latency percentiles and requests per second.

Latency is measured per request from sending it to the last byte of the body; time to first
byte (TTFB) from sending it to the status line and headers (``getresponse()``). Django renders
a response before it sends any of it, so the two differ by the transfer of the body only.
"""

import http.client
import itertools
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of values; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class Server:
    """``gunicorn config.wsgi`` on 127.0.0.1:<free port> for the life of a ``with`` block.

    gthread workers, so the clients' connections are kept alive between requests (sync workers
    close every connection). ``env`` is the whole environment of the server.
    """

    def __init__(self, *, env: dict, workers: int = 3, threads: int = 2, timeout: float = 60):
        self.env, self.workers, self.threads, self.timeout = env, workers, threads, timeout
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in __exit__)
            prefix="bench-gunicorn-", suffix=".log", delete=False
        )

    @property
    def command(self) -> list[str]:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--keep-alive",
            "30",
            "--timeout",
            "120",
        ]

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter's gunicorn)
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.tail()}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/login/")
                conn.getresponse().read()
                conn.close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within {self.timeout:.0f} s:\n{self.tail()}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        if exc[0] is None:
            os.unlink(self.log.name)

    def tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, to the last byte
    ttfb: list[float] = field(default_factory=list)  # seconds, to the headers
    errors: list[str] = field(default_factory=list)
    bytes: int = 0
    wall: float = 0.0

    def summary(self) -> dict:
        ms = [v * 1000 for v in self.latencies]
        first = [v * 1000 for v in self.ttfb]
        return {
            "requests": len(self.latencies),
            "errors": len(self.errors),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "ttfb_p50_ms": round(percentile(first, 50), 1),
            "ttfb_p95_ms": round(percentile(first, 95), 1),
            "ttfb_p99_ms": round(percentile(first, 99), 1),
            "rps": round(len(self.latencies) / self.wall, 1) if self.wall else 0.0,
            "mean_kb": round(self.bytes / len(self.latencies) / 1024, 1) if self.latencies else 0,
        }


def load(
    *,
    port: int,
    name: str,
    paths: Sequence[str],
    headers: dict,
    clients: int = 4,
    requests: int = 200,
    warmup: int = 8,
) -> Result:
    """``requests`` GETs of ``paths`` (round robin) from ``clients`` threads at once, after
    ``warmup`` untimed requests per client; every answer must be 200."""
    result = Result(name=name)
    lock = threading.Lock()
    cycle = itertools.cycle(paths)
    remaining = [requests]
    start = threading.Barrier(clients + 1)

    def take() -> str | None:
        with lock:
            if remaining[0] <= 0:
                return None
            remaining[0] -= 1
            return next(cycle)

    def get(conn: http.client.HTTPConnection, path: str) -> tuple[float, float, int, int]:
        sent = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        first = time.perf_counter()
        body = response.read()
        done = time.perf_counter()
        return first - sent, done - sent, response.status, len(body)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for path in itertools.islice(itertools.cycle(paths), index, index + warmup):
                get(conn, path)
        except Exception as exc:  # noqa: BLE001 (reported below, the run goes on)
            with lock:
                result.errors.append(f"warm-up: {exc!r}")
        start.wait()
        while (path := take()) is not None:
            try:
                ttfb, latency, status, size = get(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    result.errors.append(f"{path}: {exc!r}")
                continue
            with lock:
                if status != 200:
                    result.errors.append(f"{path}: HTTP {status}")
                    continue
                result.latencies.append(latency)
                result.ttfb.append(ttfb)
                result.bytes += size
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - began
    return result
