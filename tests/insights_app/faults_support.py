"""Shared plumbing of the fault tests: real worker processes, tasks sent to them, kills.

Workers are ``celery -A tests.insights_app.faults_app worker`` subprocesses with the settings of
``faults_worker_settings.py`` on this run's PostgreSQL test database. On the shared Redis they
use a key prefix and a queue of their own, so nothing else on that Redis is touched.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from config import celery_app

ROOT = Path(__file__).resolve().parents[2]


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI=true, so this test must run rather than be skipped.")
    pytest.skip(reason)


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class Workers:
    """Starts and tracks worker processes of one test; all are stopped at the end."""

    broker_url: str
    database_url: str
    folder: Path
    queue: str
    prefix: str = ""
    env: dict = field(default_factory=dict)
    started: list[Worker] = field(default_factory=list)

    @property
    def fault_dir(self) -> Path:
        path = self.folder / "faults"
        path.mkdir(exist_ok=True)
        return path

    def start(self, name: str, *, pool="solo", concurrency=1, beat=False, **env) -> Worker:
        log = self.folder / f"worker-{name}-{len(self.started)}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.insights_app.faults_worker_settings",
            "DJANGO_SECRET_KEY": "celery-worker-test-secret",
            "DJANGO_DEBUG": "false",
            "DJANGO_CONN_MAX_AGE": "0",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.broker_url,
            "DEALLENS_TEST_KEY_PREFIX": self.prefix,
            "DEALLENS_FAULT_DIR": str(self.fault_dir),
            **self.env,
            **{key: str(value) for key, value in env.items()},
        }
        command = [
            sys.executable,
            *("-m", "celery", "-A", "tests.insights_app.faults_app", "worker"),
            *(f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO"),
            *("--queues", self.queue, "--hostname", f"{name}-{len(self.started)}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        if beat:
            command += ["--beat", "--schedule", str(self.folder / f"beat-{name}.db")]
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
            )
        worker = Worker(name, process, log)
        self.started.append(worker)
        return worker

    def restart(self, worker: Worker, **kwargs) -> Worker:
        worker.stop()
        return self.start(worker.name, **kwargs)

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {w.log.name}\n{w.log.read_text()[-6000:]}" for w in self.started)

    def runs(self, task_id: str) -> list[tuple[int, float]]:
        """(pid, time) of every start of the task, in order."""
        path = self.fault_dir / f"{task_id}.runs"
        if not path.exists():
            return []
        rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
        return [(int(pid), float(when)) for pid, when in rows]

    def holder(self, task_id: str) -> Worker | None:
        """The live worker that started the task last."""
        runs = self.runs(task_id)
        if not runs:
            return None
        pid = runs[-1][0]
        return next((w for w in self.started if w.pid == pid and w.alive()), None)


def wait_until(condition, what: str, workers: Workers | None = None, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    logs = workers.logs() if workers else ""
    pytest.fail(f"{what} did not happen within {timeout} s; worker logs:\n{logs}")


def database_url_of(connection) -> str:
    from urllib.parse import quote

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'] or 'postgres', safe='')}{password}"
        f"@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"
    )


def require_postgresql(connection) -> str:
    if connection.vendor != "postgresql":
        unavailable(
            f"the test database is {connection.vendor}, not PostgreSQL: a worker process "
            "cannot reach an in-memory SQLite database (set DATABASE_URL=postgres://…)"
        )
    return database_url_of(connection)


def require_redis(url: str) -> str:
    if not url:
        unavailable("REDIS_URL is not set: no broker for a real Celery worker")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {url} does not answer: {exc}")
    return url


def forget_prefix(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def shared_workers(transactional_db, tmp_path):
    """Workers on the shared Redis (REDIS_URL) under a key prefix and queue of this test; this
    process sends through the same prefix. Yields a ``Workers``."""
    from django.db import connection

    database_url = require_postgresql(connection)
    broker_url = require_redis(os.environ.get("REDIS_URL", ""))
    prefix = f"deallens-faults-{uuid.uuid4().hex[:10]}:"
    workers = Workers(
        broker_url=broker_url,
        database_url=database_url,
        folder=tmp_path,
        queue=prefix.rstrip(":"),
        prefix=prefix,
    )
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_transport_options)
    conf.task_always_eager = False
    conf.broker_transport_options = {**saved[1], "global_keyprefix": prefix}
    celery_app._after_fork()  # pooled connections were made with the old options
    try:
        yield workers
    finally:
        workers.stop_all()
        conf.task_always_eager, conf.broker_transport_options = saved
        celery_app._after_fork()
        forget_prefix(broker_url, prefix)
