"""API throttling counts once for every server process (issue 21, PRODUCT.md §10).

Two real gunicorn processes on two ports, as behind a load balancer (or as gunicorn's own
workers), with REDIS_URL set and small rates from the environment: the calls they allow
together are the limit, whether the calls alternate or arrive at once from many threads.
Without REDIS_URL each process counts alone, so the same calls get twice the limit through:
the test can tell shared counting from per-process counting.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Per hour, not per minute: a test never straddles the window's edge in a way that matters.
ANON_LIMIT, USER_LIMIT = 10, 12


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn on {port} exited: {process.stderr.read()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise AssertionError(f"gunicorn on {port} did not start in {timeout} s")


@contextlib.contextmanager
def servers(tmp_path: Path, *, database_url: str, redis_url: str, prefix: str):
    """Two gunicorn processes (one worker each) serving config.settings with small rates; the
    throttle cache gets this test's own key prefix so other runs' counts stay apart."""
    (tmp_path / "throttle_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        f"CACHES['throttle']['KEY_PREFIX'] = {prefix!r}  # noqa: F405\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "throttle_settings",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_API_THROTTLE_ANON": f"{ANON_LIMIT}/hour",
        "DJANGO_API_THROTTLE_USER": f"{USER_LIMIT}/hour",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--timeout", "60"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_for_port(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _status(port: int, path: str, *, token: str, source: str) -> int:
    """One GET from the client address ``source`` (any 127.x.y.z reaches the loopback)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=(source, 0)
    )
    try:
        connection.request(
            "GET", path, headers={"Authorization": f"Token {token}"} if token else {}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def _allowed(
    ports: list[int],
    path: str,
    calls: int,
    *,
    token: str = "",
    threads: int = 1,
    source: str = "127.0.0.1",
) -> int:
    """How many of ``calls`` calls, spread over the servers in turn, answer 200 (the rest
    must be 429)."""
    targets = [port for port, _ in zip(cycle(ports), range(calls), strict=False)]
    with ThreadPoolExecutor(threads) as pool:
        statuses = list(
            pool.map(lambda port: _status(port, path, token=token, source=source), targets)
        )
    assert set(statuses) <= {200, 429}, statuses
    return statuses.count(200)


@pytest.fixture
def prefix(redis_url):
    name = f"throttle-test-{uuid.uuid4().hex}"
    yield name
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)


@pytest.fixture
def database_url(tmp_path):
    """The anonymous calls read no table; an empty SQLite file is all the servers need."""
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


def test_two_servers_share_one_anonymous_budget(tmp_path, redis_url, prefix, database_url):
    with servers(tmp_path, database_url=database_url, redis_url=redis_url, prefix=prefix) as ports:
        # One by one, alternating servers.
        assert _allowed(ports, "/api/schema/?format=json", 3 * ANON_LIMIT) == ANON_LIMIT
        # From another address (its own budget): 40 calls at once, 8 threads, both servers.
        burst = _allowed(ports, "/api/schema/?format=json", 40, threads=8, source="127.0.0.2")
        assert burst == ANON_LIMIT


def test_without_redis_each_server_counts_alone(tmp_path, database_url):
    """The control: per-process counters let the limit through once per process."""
    with servers(tmp_path, database_url=database_url, redis_url="", prefix="unused") as ports:
        assert _allowed(ports, "/api/schema/?format=json", 3 * ANON_LIMIT) == 2 * ANON_LIMIT


def test_two_servers_share_one_tokens_budget(tmp_path, redis_url, prefix, test_database_url):
    token = Token.objects.create(user=UserFactory.create()).key
    with servers(
        tmp_path, database_url=test_database_url, redis_url=redis_url, prefix=prefix
    ) as ports:
        allowed = _allowed(ports, "/api/v1/workspaces/", 40, token=token, threads=8)
    assert allowed == USER_LIMIT
