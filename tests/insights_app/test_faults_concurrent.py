"""Fault: ten concurrent recomputes of one workspace leave one consistent current snapshot.

One real worker with ten threads (``--pool=threads --concurrency=10``) takes ten forced
recomputes of the same workspace at once. Each claims its own version; publishing is ordered
by the row lock on InsightState, and a version older than the published one is refused
("superseded"). Afterwards exactly one version is stored, it is the newest that published, and
it equals a synchronous recompute. Needs PostgreSQL and Redis: skipped without them, except in
CI (CI=true), where it fails instead.
"""

from collections import Counter

import pytest

from insights_app import tasks
from insights_app.models import InsightSnapshot, InsightState, InsightTask
from insights_app.services import insight_task_create, insights_compute
from tests.insights_app.faults_support import wait_until
from tests.world import add_data

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

CONCURRENT = 10


def test_ten_concurrent_recomputes_leave_one_consistent_snapshot(
    workspace,
    shared_workers,
):
    workers = shared_workers
    add_data(workspace, accounts=3)
    workers.start("threads", pool="threads", concurrency=CONCURRENT, DEALLENS_FAULT_VISIBILITY=600)
    ids = []
    for _ in range(CONCURRENT):
        task = insight_task_create(workspace=workspace)
        ids.append(str(task.pk))
    for task_id in ids:  # sent together, after every record exists
        tasks.insights_recompute.apply_async(
            args=[task_id, workspace.pk, True], task_id=task_id, queue=workers.queue
        )

    done = InsightTask.objects.filter(pk__in=ids, state="succeeded")
    wait_until(lambda: done.count() == CONCURRENT, "ten recomputes", workers, timeout=180)

    results = [t.result for t in InsightTask.objects.filter(pk__in=ids)]
    outcomes = Counter(r["outcome"] for r in results)
    assert set(outcomes) <= {"published", "superseded"} and outcomes["published"] >= 1
    starts = sorted(workers.runs(task_id)[0][1] for task_id in ids)
    first_end = min(t.finished_at.timestamp() for t in InsightTask.objects.filter(pk__in=ids))
    overlapping = sum(1 for start in starts if start < first_end)
    assert overlapping >= 2, "the recomputes did not run at the same time"

    state = InsightState.objects.get(workspace=workspace)
    published = [r["version"] for r in results if r["outcome"] == "published"]
    superseded = [r["version"] for r in results if r["outcome"] == "superseded"]
    assert state.last_version == CONCURRENT
    assert sorted(published + superseded) == list(range(1, CONCURRENT + 1))
    assert state.published_version == max(published)
    assert all(version < state.published_version for version in superseded)
    stored = InsightSnapshot.objects.filter(workspace=workspace)
    assert set(stored.values_list("version", flat=True)) == {state.published_version}
    expected = {(p.kind, p.dimension): p.payload for p in insights_compute(workspace=workspace)}
    assert {(s.kind, s.dimension): s.payload for s in stored} == expected
    assert state.published_data_version == state.data_version and not state.dirty
    print(f"\n{dict(outcomes)}; {overlapping} running at once before the first finished")
