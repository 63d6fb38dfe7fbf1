"""A real round trip: a task sent through Redis is run by a real Celery worker process.

The worker is a ``celery -A config worker --pool=solo`` subprocess loading the production
settings, pointed at this test run's PostgreSQL database and at the Redis in REDIS_URL. It
listens on a queue of its own, so parallel runs on one Redis never take each other's tasks.
Needs PostgreSQL (the SQLite test database lives in this process's memory) and Redis: skipped
without them, except in CI (CI=true), where a skip would hide a broken setup and fails instead.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import EagerResult
from django.db import connection

from config import celery_app
from insights_app.models import InsightState
from insights_app.tasks import insights_mark_dirty
from tests.factories import WorkspaceFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
RESULT_TIMEOUT = 90  # seconds: worker start-up (Django, Celery) plus the task itself


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. CI=true, so this test must run rather than be skipped.")
    pytest.skip(reason)


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("REDIS_URL is not set: no broker for a real Celery worker")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def test_database_url(transactional_db):
    """A DATABASE_URL for the test database, which the worker process opens by itself."""
    if connection.vendor != "postgresql":
        _unavailable(
            f"the test database is {connection.vendor}, not PostgreSQL: a worker process "
            "cannot reach an in-memory SQLite database (set DATABASE_URL=postgres://…)"
        )
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'] or 'postgres', safe='')}{password}"
        f"@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"
    )


@pytest.fixture
def worker(redis_url, test_database_url, tmp_path):
    """A real worker on a queue of its own: yields (queue, process, log path), then stops it."""
    queue = f"deallens-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "celery-worker-test-secret",
        "DJANGO_DEBUG": "false",
        "DJANGO_CONN_MAX_AGE": "0",
        "DATABASE_URL": test_database_url,
        "REDIS_URL": redis_url,
    }
    command = [
        sys.executable,
        *("-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"),
        *("--queues", queue, "--hostname", f"{queue}@%h"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield queue, process, log_path
    finally:
        process.terminate()  # warm shutdown: the solo pool finishes its task, then exits
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        _forget_queue(redis_url, queue)


def _forget_queue(redis_url: str, queue: str) -> None:
    """Remove what kombu keeps in Redis for this run's queue, so runs leave nothing behind."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture
def real_broker(redis_url):
    """The in-test Celery app sends through Redis instead of running tasks in-process."""
    conf = celery_app.conf
    assert conf.broker_url == redis_url, "config.settings should take the broker from REDIS_URL"
    assert conf.result_backend == redis_url
    eager = conf.task_always_eager
    conf.task_always_eager = False
    yield celery_app
    conf.task_always_eager = eager


def _wait_for(result, process, log_path: Path):
    deadline = time.monotonic() + RESULT_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{log_path.read_text()}")
        if result.ready():
            return result.get(timeout=5)
        time.sleep(0.2)
    pytest.fail(f"no result within {RESULT_TIMEOUT}s; worker log:\n{log_path.read_text()}")


def test_a_worker_marks_the_workspace_dirty_in_the_database(worker, real_broker):
    queue, process, log_path = worker
    workspace = WorkspaceFactory.create(slug=f"worker-{queue[-12:]}")
    InsightState.objects.create(workspace=workspace, data_version=41, dirty=False)

    result = insights_mark_dirty.apply_async(args=[workspace.pk], queue=queue)

    assert not isinstance(result, EagerResult), "the task ran in-process, not in the worker"
    assert _wait_for(result, process, log_path) == 42
    state = InsightState.objects.get(workspace=workspace)
    assert (state.data_version, state.dirty) == (42, True)
    assert "insights_app.tasks.insights_mark_dirty" in log_path.read_text()
    result.forget()
