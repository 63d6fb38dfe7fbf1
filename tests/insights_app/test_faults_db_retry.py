"""Fault: a transient database error in a task is retried with backoff, then succeeds once.

A real worker runs a recompute whose first two publishes fail with OperationalError after
writing every part (the fault hook of ``faults_app.py``, as when the database drops the
connection at commit): each failed transaction rolls back, the task is retried after 1 s, then
2 s (``autoretry_for`` with exponential backoff in insights_app/tasks.py), and the third
attempt publishes exactly one complete version. Needs PostgreSQL and Redis: skipped without
them, except in CI (CI=true), where it fails instead.
"""

import pytest

from insights_app import tasks
from insights_app.models import InsightSnapshot, InsightState, InsightTask
from insights_app.services import insight_task_create, insights_compute
from tests.insights_app.faults_support import wait_until
from tests.world import add_data

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FAILURES = 2


def test_a_transient_database_error_is_retried_with_backoff_then_succeeds_once(
    workspace,
    shared_workers,
):
    workers = shared_workers
    add_data(workspace, accounts=2)
    worker = workers.start(
        "retry", DEALLENS_FAULT_DB_ERRORS=FAILURES, DEALLENS_FAULT_VISIBILITY=600
    )
    task = insight_task_create(workspace=workspace)
    tasks.insights_recompute.apply_async(
        args=[str(task.pk), workspace.pk, False], task_id=str(task.pk), queue=workers.queue
    )

    wait_until(
        lambda: InsightTask.objects.get(pk=task.pk).state == "succeeded",
        "the recompute after its retries",
        workers,
    )

    starts = [when for _pid, when in workers.runs(str(task.pk))]
    faults = [
        float(line.split()[1])
        for line in (workers.fault_dir / "db-faults").read_text().splitlines()
    ]
    assert len(starts) == FAILURES + 1, "two failed attempts, then one that succeeds"
    assert len(faults) == FAILURES + 1  # every attempt reached the publish; two were refused
    waits = [starts[i + 1] - faults[i] for i in range(FAILURES)]
    assert waits[0] >= 0.9 and waits[1] >= 1.9, f"backoff 1 s then 2 s, waited {waits}"
    log = worker.log.read_text()
    assert "Retry in 1s" in log and "Retry in 2s" in log
    assert log.count("OperationalError") >= FAILURES

    task.refresh_from_db()
    assert (task.state, task.progress, task.result["outcome"]) == ("succeeded", 100, "published")
    state = InsightState.objects.get(workspace=workspace)
    # Three versions were handed out; the two rolled back left nothing behind.
    assert (state.last_version, state.published_version) == (3, 3)
    stored = InsightSnapshot.objects.filter(workspace=workspace)
    assert set(stored.values_list("version", flat=True)) == {3}
    expected = {(p.kind, p.dimension): p.payload for p in insights_compute(workspace=workspace)}
    assert {(s.kind, s.dimension): s.payload for s in stored} == expected
    print(f"\nattempts at +0 s, waits after each failure: {[round(w, 2) for w in waits]} s")
