"""/settings/integrations/: an admin connects the CRM, tests it, syncs it, follows the run,
reads the run log, purges what the CRM deleted; nobody else gets in, and no page ever shows a
credential."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_app.models import CrmConnection, SyncRun
from deals_app.models import Deal
from tests.factories import (
    FACTORY_CRM_SECRET,
    CrmConnectionFactory,
    DealFactory,
    SyncRunFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "sf-secret-that-must-never-render-0042"  # noqa: S105 - a test's fake secret


@pytest.fixture
def admin(client, member):
    client.force_login(member("admin"))
    return client


def _add(client, **fields):
    data = {
        "kind": "salesforce",
        "name": "Production org",
        "instance_url": "https://acme.my.salesforce.com",
        "client_id": "client-id-0001",
        "client_secret": SECRET,
        "schedule_minutes": 15,
        "enabled": "on",
        **fields,
    }
    return client.post(reverse("integration-list"), data)


def test_without_a_connection_the_page_says_how_to_start(admin):
    page = admin.get(reverse("integration-list")).content.decode()
    assert "Connect Salesforce to keep DealLens current" in page
    assert 'data-testid="connection-form"' in page


def test_an_admin_adds_a_connection_and_the_secret_is_never_shown(admin, workspace):
    response = _add(admin, segment_region="ShippingCountry")
    connection = CrmConnection.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == reverse("integration-detail", args=[connection.pk])
    assert connection.credentials_hint == "…0042"
    assert connection.segment_fields["region"] == "ShippingCountry"
    assert connection.segment_fields["industry"] == "Industry"  # blank: the CRM's default
    assert SECRET not in connection.credentials_encrypted

    for url in (reverse("integration-list"), reverse("integration-detail", args=[connection.pk])):
        body = admin.get(url).content.decode()
        assert "Production org" in body and "…0042" in body
        assert SECRET not in body
        assert "client-id-0001" not in body
        assert connection.credentials_encrypted not in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"instance_url": "http://acme.my.salesforce.com"}, "Use the https:// address of the CRM."),
        ({"client_secret": ""}, "client_secret is required."),
        ({"kind": "pipedrive"}, "Select a valid choice."),
        ({"segment_size": "Employees; DROP"}, "is not a CRM field&#x27;s API name"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_the_secret_not_echoed(
    admin, workspace, fields, message
):
    response = _add(admin, **fields)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert SECRET not in body
    assert not CrmConnection.objects.filter(workspace=workspace).exists()


def test_a_second_connection_with_the_same_name_is_refused(admin, workspace):
    CrmConnectionFactory.create(workspace=workspace, name="Production org")
    body = _add(admin).content.decode()
    assert "A connection with this name already exists." in body
    assert CrmConnection.objects.filter(workspace=workspace).count() == 1


def test_an_edit_with_blank_credentials_keeps_them(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace, consecutive_failures=2)
    stored = connection.credentials_encrypted
    url = reverse("integration-detail", args=[connection.pk])
    form = admin.get(url).content.decode()
    assert "leave blank to keep it" in form and FACTORY_CRM_SECRET not in form
    assert f'value="{connection.name}"' in form  # the form starts from what is stored
    assert 'value="https://acme.my.salesforce.com"' in form
    assert 'value="NumberOfEmployees"' in form

    response = admin.post(
        url,
        {
            "name": "Renamed org",
            "instance_url": "https://renamed.my.salesforce.com/",
            "client_id": "",
            "client_secret": "",
            "segment_industry": "Industry",
            "segment_size": "NumberOfEmployees",
            "segment_region": "BillingCountry",
            "segment_infrastructure": "Cloud_Provider__c",
            "schedule_minutes": 0,
        },
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Renamed org"
    assert connection.instance_url == "https://renamed.my.salesforce.com"
    assert connection.segment_fields["infrastructure"] == "Cloud_Provider__c"
    assert connection.schedule_minutes == 0 and connection.enabled is False
    assert connection.credentials_encrypted == stored
    assert connection.consecutive_failures == 2  # new credentials would have cleared it


def test_test_connection_shows_the_crms_answer(admin, sf_connection):
    url = reverse("integration-test", args=[sf_connection.pk])
    page = admin.post(url, follow=True).content.decode()
    assert "Connection works" in page


def test_test_connection_with_a_wrong_secret_says_what_to_fix(admin, sf_connection):
    from crm_app.services.connections import connection_update

    connection_update(
        connection=sf_connection,
        workspace=sf_connection.workspace,
        credentials={"client_id": "x", "client_secret": "wrong-secret-0000"},
    )
    page = admin.post(reverse("integration-test", args=[sf_connection.pk]), follow=True)
    body = page.content.decode()
    assert "Connection failed" in body
    assert "wrong-secret-0000" not in body


def test_sync_now_syncs_and_the_run_log_shows_the_counts(
    admin, sf_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("integration-sync", args=[sf_connection.pk]))
    assert response.status_code == 302
    run = SyncRun.objects.get(connection=sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert run.trigger == SyncRun.Trigger.MANUAL and run.full is False

    page = admin.get(reverse("integration-detail", args=[sf_connection.pk])).content.decode()
    assert 'data-testid="run-row"' in page
    assert "Opportunities</span> 741 / 0 / 0 / 0" in page
    assert "Accounts</span> 185 / 0 / 0 / 0" in page
    assert "Succeeded" in page
    assert sf_connection.credentials_hint in page


def test_full_resync_asks_for_a_full_run(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    admin.post(reverse("integration-sync", args=[connection.pk]), {"full": "1"})
    run = SyncRun.objects.get(connection=connection)
    assert run.full is True and run.state == SyncRun.State.QUEUED  # not sent: no commit


def test_a_running_run_shows_its_progress_and_is_polled_until_it_ends(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    run = SyncRunFactory.create(
        connection=connection,
        state="running",
        finished_at=None,
        progress_message="Opportunity: 400 record(s) read",
        counts={
            "Account": {"created": 185, "updated": 0, "unchanged": 0, "deleted": 0, "skipped": 0}
        },
    )
    detail = admin.get(reverse("integration-detail", args=[connection.pk])).content.decode()
    progress_url = reverse("integration-progress", args=[connection.pk])
    assert f'hx-get="{progress_url}"' in detail and 'hx-trigger="every 2s"' in detail
    assert "Opportunity: 400 record(s) read" in detail

    fragment = admin.get(progress_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "Opportunity: 400 record(s) read" in fragment.content.decode()
    assert 'hx-trigger="every 2s"' in fragment.content.decode()

    SyncRun.objects.filter(pk=run.pk).update(state="succeeded", finished_at=timezone.now())
    done = admin.get(progress_url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"  # the page reloads with the run log
    page = admin.get(reverse("integration-detail", args=[connection.pk])).content.decode()
    assert 'hx-trigger="every 2s"' not in page


def test_the_run_page_lists_every_error(admin, workspace):
    run = SyncRunFactory.create(
        connection__workspace=workspace,
        workspace=workspace,
        state="partial",
        error_count=1,
        errors=[
            {
                "object": "Opportunity",
                "id": "006XX0000001",
                "field": "Amount",
                "message": "Not a number: 'lots'",
            }
        ],
    )
    url = reverse("integration-run", args=[run.connection_id, run.pk])
    page = admin.get(url).content.decode()
    assert "006XX0000001" in page and "Amount" in page and "Not a number" in page
    assert "Partly synced" in page
    other = CrmConnectionFactory.create(workspace=workspace)
    assert admin.get(reverse("integration-run", args=[other.pk, run.pk])).status_code == 404


def test_a_failing_connection_is_shown_red_with_its_error_and_count(admin, workspace):
    connection = CrmConnectionFactory.create(
        workspace=workspace,
        consecutive_failures=3,
        last_error="Salesforce refused the client ID or secret: check the connected app.",
    )
    connection.last_run = SyncRunFactory.create(connection=connection, state="failed")
    connection.save()
    for url in (reverse("integration-list"), reverse("integration-detail", args=[connection.pk])):
        page = admin.get(url).content.decode()
        assert 'data-testid="failing"' in page
        assert "3 runs" in page
        assert "refused the client ID or secret" in page


def test_delete_removes_the_connection_and_keeps_the_records(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    deal = DealFactory.create(account__workspace=workspace)
    assert admin.get(reverse("integration-delete", args=[connection.pk])).status_code == 405
    response = admin.post(reverse("integration-delete", args=[connection.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("integration-list")
    assert not CrmConnection.objects.filter(pk=connection.pk).exists()
    assert Deal.objects.filter(pk=deal.pk).exists()


def test_the_deleted_box_counts_and_purges_what_the_crm_deleted(admin, workspace):
    connection = CrmConnectionFactory.create(workspace=workspace)
    gone = DealFactory.create(account__workspace=workspace)
    kept = DealFactory.create(account__workspace=workspace)
    Deal.all_objects.filter(pk=gone.pk).update(crm_deleted_at=timezone.now())
    page = admin.get(reverse("integration-detail", args=[connection.pk])).content.decode()
    assert '<dd data-testid="deleted-deals">1</dd>' in page
    assert 'data-testid="purge-confirm"' in page

    response = admin.post(reverse("integration-purge"), {"next": connection.pk}, follow=True)
    assert "Purged 1 deal(s)" in response.content.decode()
    assert not Deal.all_objects.filter(pk=gone.pk).exists()
    assert Deal.objects.filter(pk=kept.pk).exists()


def test_the_settings_and_import_pages_link_to_integrations(admin):
    url = reverse("integration-list")
    assert f'href="{url}"' in admin.get(reverse("workspace-settings")).content.decode()
    assert f'href="{url}"' in admin.get(reverse("import-list")).content.decode()


def _routes(connection, run):
    pk = connection.pk
    return [
        ("get", reverse("integration-list")),
        ("post", reverse("integration-list")),
        ("post", reverse("integration-purge")),
        ("get", reverse("integration-detail", args=[pk])),
        ("post", reverse("integration-detail", args=[pk])),
        ("post", reverse("integration-test", args=[pk])),
        ("post", reverse("integration-sync", args=[pk])),
        ("post", reverse("integration-delete", args=[pk])),
        ("post", reverse("integration-stages", args=[pk])),
        ("get", reverse("integration-progress", args=[pk])),
        ("get", reverse("integration-run", args=[pk, run.pk])),
    ]


@pytest.mark.parametrize("role", ["pm", "sales", "exec"])
def test_other_roles_get_403_everywhere(client, member, workspace, role):
    run = SyncRunFactory.create(connection__workspace=workspace, workspace=workspace)
    client.force_login(member(role))
    for method, url in _routes(run.connection, run):
        response = getattr(client, method)(url, {"name": "Taken over"})
        assert response.status_code == 403, (role, method, url)
        assert FACTORY_CRM_SECRET not in response.content.decode()
    assert CrmConnection.objects.filter(pk=run.connection_id, name="Taken over").count() == 0
    assert SyncRun.objects.count() == 1


def test_another_workspaces_connection_is_not_found_anywhere(admin, other_workspace):
    run = SyncRunFactory.create(connection__workspace=other_workspace, workspace=other_workspace)
    for method, url in _routes(run.connection, run)[3:]:
        response = getattr(admin, method)(url, {"name": "Taken over"})
        assert response.status_code == 404, (method, url)
        assert run.connection.name not in response.content.decode()
    assert CrmConnection.objects.filter(pk=run.connection_id).exclude(name="Taken over").exists()
    assert SyncRun.objects.count() == 1


def test_the_list_page_costs_the_same_with_1_or_5_connections(
    admin, workspace, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            connection = CrmConnectionFactory.create(workspace=workspace)
            connection.last_run = SyncRunFactory.create(connection=connection)
            connection.save()

    add(1)
    with CaptureQueriesContext(db) as one:
        assert admin.get(reverse("integration-list")).status_code == 200
    add(4)
    with django_assert_max_num_queries(len(one)):
        page = admin.get(reverse("integration-list"))
    assert page.content.decode().count('data-testid="connection-row"') == 5
