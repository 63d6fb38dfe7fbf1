"""Real Celery worker processes for the tests that need one (marker ``redis``).

Workers are ``celery -A <app> worker`` subprocesses on this run's test database (under
pytest-xdist, the xdist worker's own ``test_<name>_gw<N>``: the URL is built from the live
connection's settings) and on the Redis in REDIS_URL. Each test's workers listen on a queue of
their own and, for ``shared_workers``, keep their keys under a prefix of their own that names
the xdist worker, so parallel tests never take each other's tasks or delete each other's keys.
The fixtures (``redis_url``, ``test_database_url``, ``celery_workers``, ``shared_workers``)
are in tests/conftest.py.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
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
    app: str = "tests.insights_app.faults_app"
    settings: str = "tests.insights_app.faults_worker_settings"
    env: dict = field(default_factory=dict)
    started: list[Worker] = field(default_factory=list)

    @property
    def fault_dir(self) -> Path:
        path = self.folder / "faults"
        path.mkdir(exist_ok=True)
        return path

    def start(
        self, name: str, *, pool="solo", concurrency=1, beat=False, app=None, settings=None, **env
    ) -> Worker:
        """A worker process on this test's queue; ``app``/``settings`` default to the fault
        hooks and settings (``config`` and ``config.settings`` are production's own)."""
        log = self.folder / f"worker-{name}-{len(self.started)}.log"
        queues = re.sub(r"[^\w-]", "-", self.queue)  # "celery,insights" is no node name
        node = f"{queues}-{name}-{len(self.started)}"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings or self.settings,
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
            *("-m", "celery", "-A", app or self.app, "worker"),
            *(f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO"),
            *("--queues", self.queue, "--hostname", f"{node}@%h"),
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


def forget(url: str, *, prefix: str, queue: str) -> None:
    """Remove what this test left in Redis: every key under its prefix or, without a prefix,
    what kombu keeps for its queue (never anything of another test)."""
    import redis

    client = redis.Redis.from_url(url)
    if prefix:
        keys = list(client.scan_iter(match=f"{prefix}*"))
    else:
        keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
    if keys:
        client.delete(*keys)


def unique_name(kind: str) -> str:
    """A name no other test uses, naming the xdist worker (gw0, gw1, … or main) for the logs."""
    xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"deallens-{kind}-{xdist_worker}-{uuid.uuid4().hex[:10]}"


@contextmanager
def running_workers(*, database_url: str, broker_url: str, folder: Path, prefixed: bool):
    """``Workers`` on a queue of this test; with ``prefixed``, also under a Redis key prefix of
    this test, which this process's Celery app sends through too. Stops them all at the end."""
    name = unique_name("faults" if prefixed else "test")
    prefix = f"{name}:" if prefixed else ""
    workers = Workers(
        broker_url=broker_url, database_url=database_url, folder=folder, queue=name, prefix=prefix
    )
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_transport_options)
    if prefixed:
        conf.task_always_eager = False
        conf.broker_transport_options = {**saved[1], "global_keyprefix": prefix}
        celery_app._after_fork()  # pooled connections were made with the old options
    try:
        yield workers
    finally:
        workers.stop_all()
        if prefixed:
            conf.task_always_eager, conf.broker_transport_options = saved
            celery_app._after_fork()
        forget(broker_url, prefix=prefix, queue=workers.queue)
