"""The schedule: each connection on its own clock, one run per connection at a time, runs that
lost their worker sent again, and a run that changed data refreshes the dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm_app.models import SyncRun
from crm_app.services.connections import connection_update
from crm_app.services.sync import sync_due_request, sync_run_request, sync_runs_reap
from insights_app.selectors import snapshot_published_get
from insights_app.services import insights_recompute, insights_recompute_dirty
from tests.crm_app.sync_support import first_id, sync


def won_deals(workspace) -> int:
    snapshot = snapshot_published_get(workspace=workspace, kind="segments", dimension="industry")
    return sum(row["won"] for row in snapshot.payload["results"])


@pytest.mark.django_db(transaction=True)  # commits for real: the run's after-commit marks
def test_a_due_connection_syncs_and_the_dashboard_follows(
    sf_connection, fake_salesforce, workspace
):
    sync(sf_connection)
    insights_recompute(workspace_id=workspace.pk)
    before = won_deals(workspace)
    fake_salesforce.advance(hours=1)
    opp = first_id(fake_salesforce, "Opportunity", StageName="Perception Analysis")
    fake_salesforce.update("Opportunity", opp, StageName="Closed Won")

    sf_connection.refresh_from_db()
    assert sf_connection.next_run_at > timezone.now()  # the first run set the next one
    assert sync_due_request() == 0  # not due yet
    later = sf_connection.next_run_at + timedelta(seconds=1)
    assert sync_due_request(now=later) == 1
    run = SyncRun.objects.filter(connection=sf_connection).first()
    assert (run.trigger, run.state) == (SyncRun.Trigger.SCHEDULE, SyncRun.State.SUCCEEDED)
    assert run.counts["Opportunity"]["updated"] == 1
    assert [r.workspace_id for r in insights_recompute_dirty()] == [workspace.pk]
    assert won_deals(workspace) == before + 1


def test_manual_only_and_disabled_connections_are_never_due(sf_connection, workspace):
    connection_update(connection=sf_connection, workspace=workspace, schedule_minutes=0)
    assert sync_due_request(now=timezone.now() + timedelta(days=1)) == 0
    connection_update(
        connection=sf_connection, workspace=workspace, schedule_minutes=5, enabled=False
    )
    assert sync_due_request(now=timezone.now() + timedelta(days=1)) == 0


def test_one_run_per_connection_at_a_time(sf_connection, workspace):
    first, created = sync_run_request(connection=sf_connection, workspace=workspace, send=False)
    again, created_again = sync_run_request(
        connection=sf_connection, workspace=workspace, full=True, send=False
    )
    assert created and not created_again
    assert again.pk == first.pk


def test_a_run_that_lost_its_worker_is_sent_again(sf_connection, workspace, settings):
    run, _ = sync_run_request(connection=sf_connection, workspace=workspace, send=False)
    SyncRun.objects.filter(pk=run.pk).update(state=SyncRun.State.RUNNING)
    assert sync_runs_reap() == 0  # its worker may still be at it
    later = timezone.now() + timedelta(seconds=settings.CRM_SYNC_STALE_SECONDS + 1)
    assert sync_runs_reap(now=later) == 1
    run.refresh_from_db()
    assert run.state == SyncRun.State.SUCCEEDED  # (tasks run in-process here)
    assert run.counts["Account"]["created"] == 185
