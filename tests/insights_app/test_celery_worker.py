"""A real round trip: a task sent through Redis is run by a real Celery worker process.

The worker is a ``celery -A config worker --pool=solo`` subprocess loading the production
settings, pointed at this test run's PostgreSQL database and at the Redis in REDIS_URL. It
listens on a queue of its own, so parallel runs on one Redis never take each other's tasks.
Needs PostgreSQL (the SQLite test database lives in this process's memory) and Redis: skipped
without them, except in CI (CI=true), where a skip would hide a broken setup and fails instead.
"""

import time

import pytest
from celery.result import EagerResult

from config import celery_app
from insights_app.models import InsightState
from insights_app.tasks import insights_mark_dirty
from tests.factories import WorkspaceFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 90  # seconds: worker start-up (Django, Celery) plus the task itself


@pytest.fixture
def worker(celery_workers):
    """A real worker with the production app and settings, on a queue of its own (fixture
    ``celery_workers`` in tests/conftest.py): (queue, Worker), stopped after the test."""
    started = celery_workers.start("roundtrip", app="config", settings="config.settings")
    return celery_workers.queue, started


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


def _wait_for(result, worker):
    deadline = time.monotonic() + RESULT_TIMEOUT
    while time.monotonic() < deadline:
        if not worker.alive():
            code = worker.process.returncode
            pytest.fail(f"the worker exited with {code}:\n{worker.log.read_text()}")
        if result.ready():
            return result.get(timeout=5)
        time.sleep(0.2)
    pytest.fail(f"no result within {RESULT_TIMEOUT}s; worker log:\n{worker.log.read_text()}")


def test_a_worker_marks_the_workspace_dirty_in_the_database(worker, real_broker):
    queue, started = worker
    workspace = WorkspaceFactory.create(slug=f"worker-{queue[-12:]}")
    InsightState.objects.create(workspace=workspace, data_version=41, dirty=False)

    result = insights_mark_dirty.apply_async(args=[workspace.pk], queue=queue)

    assert not isinstance(result, EagerResult), "the task ran in-process, not in the worker"
    assert _wait_for(result, started) == 42
    state = InsightState.objects.get(workspace=workspace)
    assert (state.data_version, state.dirty) == (42, True)
    assert "insights_app.tasks.insights_mark_dirty" in started.log.read_text()
    result.forget()
