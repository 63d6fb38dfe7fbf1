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

import pytest

from insights_app import tasks
from insights_app.models import InsightSnapshot, InsightState, InsightTask
from insights_app.services import insights_compute
from tests.api_support import member_client
from tests.factories import SegmentFactory
from tests.insights_app.faults_support import wait_until
from tests.world import add_data

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

WAIT = 90  # seconds: a worker's start-up (Django, Celery) plus the task


@pytest.fixture
def start_worker(shared_workers):
    """start_worker() -> Worker: production's app with worker_settings.py, on this test's queue
    and key prefix (fixture ``shared_workers`` in tests/conftest.py); stopped after the test."""

    def start():
        return shared_workers.start(
            "recompute", app="config", settings="tests.insights_app.worker_settings"
        )

    return start


@pytest.fixture
def send_to_test_queue(shared_workers, monkeypatch):
    """Recomputes sent by this process go through Redis, under the prefix, to the test's queue
    (``shared_workers`` already sends through the prefix, not eagerly)."""
    original = tasks.insights_recompute.apply_async

    def to_test_queue(*args, **kwargs):
        return original(*args, **{**kwargs, "queue": shared_workers.queue})

    monkeypatch.setattr(tasks.insights_recompute, "apply_async", to_test_queue)


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
    workspace, shared_workers, start_worker, send_to_test_queue
):
    add_data(workspace, accounts=3)
    worker = start_worker()
    client, _ = member_client(workspace, role="pm")

    response = client.post("/api/v1/insights/recompute/")

    assert response.status_code == 202
    task_id = response.json()["task_id"]
    wait_until(lambda: _task(task_id).state == "succeeded", "the recompute", shared_workers, WAIT)
    task = client.get(f"/api/v1/tasks/{task_id}/").json()
    assert (task["state"], task["progress"]) == ("succeeded", 100)
    assert task["result"]["outcome"] == "published"
    _assert_one_correct_published_version(workspace)
    assert "insights_app.tasks.insights_recompute" in worker.log.read_text()


def test_a_worker_killed_mid_recompute_loses_nothing_but_time(
    workspace, shared_workers, start_worker, send_to_test_queue
):
    add_data(workspace, accounts=6)
    # Many saved segments (each one is a dimension) make the recompute take a few seconds.
    for i in range(150):
        SegmentFactory(workspace=workspace, name=f"Segment {i}", filters={"industry": "Fintech"})
    first = start_worker()
    client, _ = member_client(workspace, role="admin")
    task_id = client.post("/api/v1/insights/recompute/").json()["task_id"]

    # Kill it once it is computing: running, part of the way through the dimensions.
    wait_until(
        lambda: _task(task_id).state == "running" and _task(task_id).progress >= 5,
        "the recompute starting",
        shared_workers,
        WAIT,
    )
    os.kill(first.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    state = InsightState.objects.get(workspace=workspace)
    assert state.published_version == 0, "the recompute finished before the kill: make it slower"
    assert not InsightSnapshot.objects.filter(workspace=workspace).exists()

    start_worker()
    wait_until(
        lambda: _task(task_id).state == "succeeded",
        "the redelivered recompute",
        shared_workers,
        WAIT,
    )

    assert _task(task_id).result["outcome"] == "published"
    state = _assert_one_correct_published_version(workspace)
    assert state.last_version == 2  # the killed run's version was handed out, never published
    assert state.published_version == 2
    assert InsightSnapshot.objects.filter(workspace=workspace).count() == 4 * (7 + 150)
