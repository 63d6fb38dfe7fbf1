"""Recomputes through a real Celery worker and Redis (STYLE.md §6, PRODUCT.md §10).

- A recompute requested through the API runs in a worker process and publishes the snapshot.
- A worker killed with SIGKILL in the middle of a recompute loses nothing but time: the task,
  acknowledged only at the end (acks_late), is handed out again after the visibility timeout
  to the next worker, which publishes exactly one complete, correct version.

Workers are ``celery -A config worker --pool=solo`` subprocesses on this run's PostgreSQL test
database, with the settings of ``worker_settings.py``: a 3-second visibility timeout and Redis
keys under a prefix of their own, so nothing else using this Redis is touched. Needs PostgreSQL
and Redis: skipped without them, except in CI (CI=true), where a skip fails instead.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from config import celery_app
from insights_app import tasks
from insights_app.models import InsightSnapshot, InsightState, InsightTask
from insights_app.services import insights_compute
from tests.api_support import member_client
from tests.factories import SegmentFactory
from tests.insights_app.test_celery_worker import redis_url, test_database_url  # noqa: F401
from tests.insights_app.test_snapshots import add_data

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT = 90  # seconds: a worker's start-up (Django, Celery) plus the task


@pytest.fixture
def prefix():
    return f"deallens-test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture
def queue(prefix):
    return prefix.rstrip(":")


@pytest.fixture
def start_worker(redis_url, test_database_url, prefix, queue, tmp_path):  # noqa: F811
    """start_worker() -> (process, log path): a worker on this test's queue and key prefix."""
    started = []

    def start():
        log_path = tmp_path / f"worker-{len(started)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.insights_app.worker_settings",
            "DEALLENS_TEST_KEY_PREFIX": prefix,
            "DJANGO_SECRET_KEY": "celery-worker-test-secret",
            "DJANGO_DEBUG": "false",
            "DJANGO_CONN_MAX_AGE": "0",
            "DATABASE_URL": test_database_url,
            "REDIS_URL": redis_url,
        }
        command = [
            sys.executable,
            *("-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"),
            *("--queues", queue, "--hostname", f"{queue}-{len(started)}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        with log_path.open("w") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        started.append(process)
        return process, log_path

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    _forget(redis_url, prefix)


def _forget(url: str, prefix: str) -> None:
    """Remove every key this test's prefix made in Redis."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def send_to_test_queue(redis_url, prefix, queue, monkeypatch):  # noqa: F811
    """Tasks sent by this process go through Redis, under the prefix, to the test's queue."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_transport_options)
    conf.task_always_eager = False
    conf.broker_transport_options = {**saved[1], "global_keyprefix": prefix}
    celery_app._after_fork()  # pooled connections were made with the old options
    original = tasks.insights_recompute.apply_async

    def to_test_queue(*args, **kwargs):
        return original(*args, **{**kwargs, "queue": queue})

    monkeypatch.setattr(tasks.insights_recompute, "apply_async", to_test_queue)
    yield
    conf.task_always_eager, conf.broker_transport_options = saved
    celery_app._after_fork()


def _wait_until(condition, what: str, processes_logs, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    logs = "\n".join(path.read_text() for _process, path in processes_logs)
    pytest.fail(f"{what} did not happen within {timeout} s; worker logs:\n{logs}")


def _task(task_id) -> InsightTask:
    return InsightTask.objects.get(pk=task_id)


def _assert_one_correct_published_version(workspace):
    state = InsightState.objects.get(workspace=workspace)
    stored = InsightSnapshot.objects.filter(workspace=workspace)
    assert set(stored.values_list("version", flat=True)) == {state.published_version}
    expected = {(p.kind, p.dimension): p.payload for p in insights_compute(workspace=workspace)}
    assert {(s.kind, s.dimension): s.payload for s in stored} == expected
    return state


def test_a_recompute_requested_through_the_api_runs_in_a_worker(
    workspace, start_worker, send_to_test_queue
):
    add_data(workspace, accounts=3)
    worker = start_worker()
    client, _ = member_client(workspace, role="pm")

    response = client.post("/api/v1/insights/recompute/")

    assert response.status_code == 202
    task_id = response.json()["task_id"]
    _wait_until(lambda: _task(task_id).state == "succeeded", "the recompute", [worker])
    task = client.get(f"/api/v1/tasks/{task_id}/").json()
    assert (task["state"], task["progress"]) == ("succeeded", 100)
    assert task["result"]["outcome"] == "published"
    _assert_one_correct_published_version(workspace)
    assert "insights_app.tasks.insights_recompute" in worker[1].read_text()


def test_a_worker_killed_mid_recompute_loses_nothing_but_time(
    workspace, start_worker, send_to_test_queue
):
    add_data(workspace, accounts=6)
    # Many saved segments (each one is a dimension) make the recompute take a few seconds.
    for i in range(150):
        SegmentFactory(workspace=workspace, name=f"Segment {i}", filters={"industry": "Fintech"})
    first = start_worker()
    client, _ = member_client(workspace, role="admin")
    task_id = client.post("/api/v1/insights/recompute/").json()["task_id"]

    # Kill it once it is computing: running, part of the way through the dimensions.
    _wait_until(
        lambda: _task(task_id).state == "running" and _task(task_id).progress >= 5,
        "the recompute starting",
        [first],
    )
    os.kill(first[0].pid, signal.SIGKILL)
    first[0].wait(timeout=10)
    state = InsightState.objects.get(workspace=workspace)
    assert state.published_version == 0, "the recompute finished before the kill: make it slower"
    assert not InsightSnapshot.objects.filter(workspace=workspace).exists()

    second = start_worker()
    _wait_until(
        lambda: _task(task_id).state == "succeeded", "the redelivered recompute", [first, second]
    )

    assert _task(task_id).result["outcome"] == "published"
    state = _assert_one_correct_published_version(workspace)
    assert state.last_version == 2  # the killed run's version was handed out, never published
    assert state.published_version == 2
    assert InsightSnapshot.objects.filter(workspace=workspace).count() == 4 * (7 + 150)
