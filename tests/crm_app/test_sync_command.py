"""manage.py sync_crm syncs here and now and prints the counts; exit status 1 on a failed run
or a bad argument. manage.py rotate_encryption_keys re-encrypts the stored credentials."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from common import encryption
from crm_app.models import CrmConnection, SyncRun
from crm_app.services.connections import connection_create, connection_credentials
from tests.factories import CrmConnectionFactory

pytestmark = pytest.mark.django_db


def _sync(*args):
    out = StringIO()
    call_command("sync_crm", *args, stdout=out)
    return out.getvalue()


def test_the_command_syncs_the_fake_org_and_prints_the_counts(sf_connection, workspace):
    out = _sync("--workspace", workspace.slug)
    assert "Account: 185 created" in out
    assert "Contact: 701 created" in out
    assert "Opportunity: 741 created" in out
    assert "OpportunityContactRole: 42 created" in out
    assert "API requests: " in out and "Errors: 0" in out
    run = SyncRun.objects.get(connection=sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED
    assert run.trigger == SyncRun.Trigger.COMMAND

    again = _sync("--workspace", workspace.slug, "--connection", str(sf_connection.pk), "--full")
    assert "Account: 0 created, 0 updated, 185 unchanged" in again
    assert SyncRun.objects.filter(connection=sf_connection, full=True).count() == 1


def test_a_connection_that_is_not_the_workspaces_is_a_bad_argument(workspace, other_workspace):
    theirs = CrmConnectionFactory.create(workspace=other_workspace)
    with pytest.raises(CommandError, match=f"No connection {theirs.pk} in the workspace acme"):
        _sync("--workspace", workspace.slug, "--connection", str(theirs.pk))
    with pytest.raises(CommandError, match="No connection 999999"):
        _sync("--workspace", workspace.slug, "--connection", "999999")
    assert not SyncRun.objects.exists()


def test_an_unknown_workspace_or_none_enabled_is_a_bad_argument(workspace):
    with pytest.raises(CommandError, match="No workspace with the slug 'nope'"):
        _sync("--workspace", "nope")
    CrmConnectionFactory.create(workspace=workspace, enabled=False)
    with pytest.raises(CommandError, match="no enabled connection"):
        _sync("--workspace", workspace.slug)


def test_bad_credentials_fail_the_run_and_the_command(workspace, fake_salesforce, settings):
    settings.DEALLENS_CRM_CA_BUNDLE = fake_salesforce.ca_path
    settings.CRM_SYNC_BACKOFF_MAX_SECONDS = 0.2
    connection = connection_create(
        workspace=workspace,
        kind="salesforce",
        name="Wrong secret",
        instance_url=fake_salesforce.url,
        credentials={"client_id": fake_salesforce.client_id, "client_secret": "not-the-secret"},
    )
    out = StringIO()
    with pytest.raises(CommandError, match="Sync failed. Wrong secret:"):
        call_command("sync_crm", "--workspace", workspace.slug, stdout=out)
    assert "not-the-secret" not in out.getvalue()
    run = SyncRun.objects.get(connection=connection)
    assert run.state == SyncRun.State.FAILED
    connection.refresh_from_db()
    assert connection.consecutive_failures == 1 and connection.last_error


def test_the_exit_status_is_1_on_failure(workspace, capsys):
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "sync_crm", "--workspace", "nope"]).execute()
    assert exit_info.value.code == 1
    assert "No workspace with the slug 'nope'" in capsys.readouterr().err


def test_rotate_encryption_keys_reencrypts_with_the_newest_key(workspace, settings):
    old_key = settings.DEALLENS_ENCRYPTION_KEYS[0] if settings.DEALLENS_ENCRYPTION_KEYS else None
    settings.DEALLENS_ENCRYPTION_KEYS = [old_key] if old_key else []
    connection = CrmConnectionFactory.create(workspace=workspace)
    before = connection.credentials_encrypted
    settings.DEALLENS_ENCRYPTION_KEYS = ["Yt3eK1b0lC6sM2vN8xQ4wR7uP5aZ9dF0gH2jL4nB6c8=", old_key]

    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Re-encrypted the credentials of 1 connection(s)." in out.getvalue()
    connection.refresh_from_db()
    assert connection.credentials_encrypted != before
    assert connection_credentials(connection)["client_id"] == "factory-client"
    settings.DEALLENS_ENCRYPTION_KEYS = ["Yt3eK1b0lC6sM2vN8xQ4wR7uP5aZ9dF0gH2jL4nB6c8="]
    assert encryption.decrypt(CrmConnection.objects.get().credentials_encrypted)
