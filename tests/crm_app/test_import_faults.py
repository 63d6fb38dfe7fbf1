"""Fault: a worker SIGKILLed at a random point of a CRM import, 20 times (PRODUCT.md §10).

Two warm workers share a queue. Each trial imports the same Salesforce-style Account.csv and
Opportunity.csv into a fresh workspace through ``import_job_start`` (the task is sent after
commit), waits until a worker runs it and kills that worker at a random moment within the
import's run time; only the killed worker is restarted. The task, acknowledged only at the end
(acks_late), is handed out again after the short visibility timeout, and the job — still
"running", its transaction rolled back by the kill — runs again. After every trial the job
succeeded, every row is there exactly once (external ids unique, history rows one per deal).

A reader thread polls the trial's workspace meanwhile: it must only ever see no rows or all of
them (the import is all or nothing). At the end the last import is run again (the job is left
alone) and re-imported as a new job (everything unchanged). Needs PostgreSQL and Redis:
skipped without them, except in CI (CI=true), where it fails instead.
"""

import random
import threading
import time
import uuid

import pytest
from django.db import connections

from accounts_app.models import Account
from bench.imports import generate
from crm_app import tasks
from crm_app.models import ImportJob
from crm_app.services.import_jobs import import_job_create, import_job_execute, import_job_start
from deals_app.models import Deal
from tests.factories import WorkspaceFactory
from tests.insights_app.faults_support import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TRIALS = 20
ACCOUNTS, DEALS = 100, 1500  # an import long enough (~1 s) for a random kill to land in it


class Reader(threading.Thread):
    """Counts the current trial's accounts and deals until stopped: 0 or all, nothing between."""

    def __init__(self):
        super().__init__(daemon=True)
        self.workspace_id = None
        self.stop = threading.Event()
        self.reads = 0
        self.problems: list[str] = []

    @staticmethod
    def count(workspace_id) -> tuple[int, int]:
        """Accounts and deals of the workspace in one statement (one database snapshot)."""
        with connections["default"].cursor() as cursor:
            # Table names come from the models; the values are parameters.
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {Account._meta.db_table} WHERE workspace_id = %s),"  # noqa: S608
                f" (SELECT count(*) FROM {Deal._meta.db_table} WHERE workspace_id = %s)",
                [workspace_id, workspace_id],
            )
            return cursor.fetchone()

    def run(self):
        try:
            while not self.stop.is_set():
                workspace_id = self.workspace_id
                if workspace_id is not None:
                    accounts, deals = self.count(workspace_id)
                    if (accounts, deals) not in {(0, 0), (ACCOUNTS, DEALS)}:
                        self.problems.append(f"workspace {workspace_id}: {accounts}, {deals}")
                    self.reads += 1
                time.sleep(0.01)
        finally:
            connections.close_all()


@pytest.fixture
def csv_files(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    return [(path.name, path) for path in generate(folder, rows=DEALS, accounts=ACCOUNTS)]


@pytest.fixture
def to_test_queue(shared_workers, monkeypatch):
    """import_job_start's send of ``import_execute`` goes to the test's queue; returns task ids."""
    sent: list[str] = []
    send = tasks.import_execute.apply_async

    def to_queue(*args, **options):
        result = send(*args, **{**options, "queue": shared_workers.queue})
        sent.append(result.id)
        return result

    monkeypatch.setattr(tasks.import_execute, "apply_async", to_queue)
    return sent


def _start_import(workspace, files, sent) -> tuple[ImportJob, str]:
    job, problems = import_job_create(workspace=workspace, uploads=files, store=False)
    assert problems == []
    import_job_start(job=job)
    return job, sent[-1]


def _job_state(job) -> str:
    return ImportJob.objects.filter(pk=job.pk).values_list("state", flat=True).first()


def _assert_imported_once(workspace, job):
    job.refresh_from_db()
    assert (job.state, job.error_count) == ("succeeded", 0), job.report
    deals = Deal.objects.for_workspace(workspace)
    assert deals.count() == DEALS
    assert deals.values("external_id").distinct().count() == DEALS
    assert Account.objects.for_workspace(workspace).count() == ACCOUNTS
    assert Deal.history.filter(workspace_id=workspace.pk).count() == DEALS
    # A kill after the import's commit but before the job's report runs the import again:
    # nothing changes the second time, and the report says so ("unchanged").
    deal_counts = job.counts["deal"]
    assert deal_counts in (
        {"created": DEALS, "updated": 0, "unchanged": 0, "skipped": 0},
        {"created": 0, "updated": 0, "unchanged": DEALS, "skipped": 0},
    ), job.counts
    return deal_counts["created"] == 0


def test_a_worker_killed_at_a_random_point_of_an_import_20_times(
    shared_workers,
    to_test_queue,
    csv_files,
):
    workers = shared_workers
    rng = random.Random(int(uuid.uuid4()) % 10**6)
    workers.env["DEALLENS_FAULT_VISIBILITY"] = "4"
    pool = [workers.start("a"), workers.start("b")]

    # Undisturbed imports warm the workers up and measure the run time.
    for _ in range(2):
        warm = WorkspaceFactory()
        job, task_id = _start_import(warm, csv_files, to_test_queue)
        wait_until(lambda j=job: _job_state(j) == "succeeded", "a first import", workers)
        _assert_imported_once(warm, job)
    job.refresh_from_db()
    run_time = max(0.2, (job.finished_at - job.started_at).total_seconds())

    reader = Reader()
    reader.start()
    kills = mid_run = rerun_after_commit = 0
    try:
        for trial in range(TRIALS):
            workspace = WorkspaceFactory()
            reader.workspace_id = workspace.pk
            job, task_id = _start_import(workspace, csv_files, to_test_queue)
            wait_until(lambda t=task_id: workers.holder(t), f"trial {trial}: a worker starting")
            time.sleep(rng.uniform(0, run_time * 0.9))  # within the run
            victim = workers.holder(task_id)
            if victim is not None and _job_state(job) != "succeeded":
                victim.kill()
                kills += 1
                mid_run += not Deal.objects.for_workspace(workspace).exists()
                pool[pool.index(victim)] = workers.restart(victim)
            wait_until(
                lambda j=job: _job_state(j) in {"succeeded", "failed"},
                f"trial {trial}: the import after the kill",
                workers,
                timeout=60,
            )
            rerun_after_commit += _assert_imported_once(workspace, job)
    finally:
        reader.stop.set()
        reader.join(timeout=30)

    print(
        f"\n{TRIALS} trials, {kills} workers killed ({mid_run} before the commit, "
        f"{rerun_after_commit} between the commit and the job's report), import "
        f"{run_time:.2f} s, {reader.reads} reads, {len(reader.problems)} problems"
    )
    assert reader.problems == []
    assert kills >= TRIALS // 2, "most kills should land while the import runs"
    assert mid_run >= 1

    # Re-runnable: the finished job is left alone; the same files again change nothing.
    assert import_job_execute(job_id=job.pk).state == "succeeded"
    again, task_id = _start_import(workspace, csv_files, to_test_queue)
    wait_until(lambda: _job_state(again) == "succeeded", "the re-import", workers)
    again.refresh_from_db()
    assert again.counts["deal"] == {"created": 0, "updated": 0, "unchanged": DEALS, "skipped": 0}
    assert Deal.objects.for_workspace(workspace).count() == DEALS
    assert Deal.history.filter(workspace_id=workspace.pk).count() == DEALS
