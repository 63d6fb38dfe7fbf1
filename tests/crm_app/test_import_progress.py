"""Large imports run as a task in batches, with progress a poller can see while the import's
transaction is still open; a finished import tells the insights engine its data changed."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from crm_app.models import ImportJob
from crm_app.services import import_jobs as jobs
from crm_app.services.progress import ProgressReporter, progress_read
from crm_app.tasks import import_execute
from deals_app.models import Deal
from deals_app.signals import workspace_data_changed
from tests.factories import AccountFactory
from tests.fixtures.imports.support import write_csv

HEADER = ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "CreatedDate"]


def _opportunities(tmp_path, n):
    rows = [
        [f"O{i}", "A1", f"Deal {i}", "Prospecting", "100", "2024-10-12", "2024-01-01"]
        for i in range(n)
    ]
    return write_csv(tmp_path / "Opportunity.csv", HEADER, rows)


def _job(workspace, path):
    job, problems = jobs.import_job_create(
        workspace=workspace, uploads=[(path.name, path)], store=False
    )
    assert problems == []
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
    return job


@pytest.mark.django_db(transaction=True)
def test_progress_moves_and_is_visible_outside_the_import_transaction(
    workspace, tmp_path, monkeypatch
):
    """Every batch reports progress; on PostgreSQL another connection reads it from the job
    row while the import has written nothing visible yet (the bar moves for real pollers)."""
    AccountFactory.create(workspace=workspace, external_id="A1")
    path = _opportunities(tmp_path, 9000)
    job = _job(workspace, path)
    seen = []
    outside = (
        connections.create_connection(DEFAULT_DB_ALIAS)
        if connection.vendor == "postgresql"
        else None
    )
    real_call = ProgressReporter.__call__

    def spy(self, percent, message=""):
        real_call(self, percent, message)
        polled = ImportJob.objects.get(pk=self.job_id)  # the cache: what pages read here
        row = None
        if outside is not None:
            with outside.cursor() as cursor:
                cursor.execute(
                    "SELECT progress, (SELECT count(*) FROM deals_app_deal) "
                    "FROM crm_app_importjob WHERE id = %s",
                    [self.job_id],
                )
                row = cursor.fetchone()
        seen.append((percent, progress_read(polled)[0], row))

    monkeypatch.setattr(
        jobs, "ProgressReporter", type("Spy", (ProgressReporter,), {"__call__": spy})
    )
    monkeypatch.setattr("crm_app.services.import_run.BATCH_SIZE", 1000)
    try:
        import_execute.delay(job.pk)
    finally:
        if outside is not None:
            outside.close()

    percents = [p for p, _, _ in seen]
    assert len(percents) >= 5 and percents == sorted(percents) and percents[-1] <= 99
    assert all(read == p for p, read, _ in seen)
    if connection.vendor == "postgresql":
        assert [row[0] for _, _, row in seen] == percents
        assert {row[1] for _, _, row in seen} == {0}  # nothing visible until the commit
    job.refresh_from_db()
    assert (job.state, job.progress) == ("succeeded", 100)
    assert Deal.objects.filter(workspace=workspace).count() == 9000


@pytest.mark.django_db
def test_a_successful_import_says_the_workspace_data_changed(workspace, tmp_path):
    AccountFactory.create(workspace=workspace, external_id="A1")
    job = _job(workspace, _opportunities(tmp_path, 3))
    received = []

    def listener(sender, workspace_id, **kwargs):
        received.append((sender, workspace_id))

    workspace_data_changed.connect(listener)
    try:
        assert import_execute.delay(job.pk).get() == "succeeded"
    finally:
        workspace_data_changed.disconnect(listener)
    assert received == [(ImportJob, workspace.pk)]


@pytest.mark.django_db
def test_a_refused_import_changes_nothing_and_sends_nothing(workspace, tmp_path):
    job = _job(workspace, _opportunities(tmp_path, 3))  # account A1 does not exist
    received = []
    workspace_data_changed.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="test-refused"
    )
    try:
        assert import_execute.delay(job.pk).get() == "failed"
    finally:
        workspace_data_changed.disconnect(dispatch_uid="test-refused")
    assert received == []
    job.refresh_from_db()
    assert job.error_count == 3 and "No account with id A1" in job.report


@pytest.mark.django_db
def test_running_a_task_twice_imports_once(workspace, tmp_path):
    AccountFactory.create(workspace=workspace, external_id="A1")
    job = _job(workspace, _opportunities(tmp_path, 3))
    assert import_execute.delay(job.pk).get() == "succeeded"
    assert import_execute.delay(job.pk).get() == "succeeded"  # finished: left alone
    assert Deal.objects.count() == 3


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_without_a_traceback_for_the_user(
    workspace, tmp_path, monkeypatch
):
    AccountFactory.create(workspace=workspace, external_id="A1")
    job = _job(workspace, _opportunities(tmp_path, 3))

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "import_run", boom)
    assert import_execute.delay(job.pk).get() == "failed"
    job.refresh_from_db()
    assert "unexpected error" in job.errors[0]["message"]
    assert "disk on fire" not in job.report
