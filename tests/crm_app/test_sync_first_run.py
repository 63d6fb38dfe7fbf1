"""The first sync of the fake org (the real CPQ demo export) reads everything once."""

from accounts_app.models import Account
from crm_app.models import SyncRun
from crm_app.services.sync import sync_run_execute, sync_run_request
from deals_app.models import Deal, DealRole
from personas_app.models import Contact


def sync(connection, full=False):
    run, _ = sync_run_request(
        connection=connection, workspace=connection.workspace, full=full, send=False
    )
    return sync_run_execute(run_id=run.pk)


def test_first_sync_counts_equal_the_export(sf_connection, workspace):
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, (run.message, run.errors[:3])
    assert run.counts["Account"]["created"] == 185
    assert run.counts["Contact"]["created"] == 701
    assert run.counts["Opportunity"]["created"] == 741
    assert run.counts["OpportunityContactRole"]["created"] == 42
    assert Account.objects.filter(workspace=workspace).count() == 185
    assert Contact.objects.filter(workspace=workspace).count() == 701
    assert Deal.objects.filter(workspace=workspace).count() == 741
    assert DealRole.objects.filter(workspace=workspace).exclude(external_id="").count() == 42
    assert run.error_count == 0
