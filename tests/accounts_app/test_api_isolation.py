"""Workspace isolation over every route of the generated OpenAPI schema (PRODUCT.md §10).

A member of workspace A gets 404 for B's objects on every method, lists show none of B's
rows, and writes naming B's related ids get 400. The test walks the schema and fails when a
route has no isolation case, so a new endpoint must bring its own.
"""

import copy
import csv
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from accounts_app.models import Membership
from tests.api_support import member_client
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/"


def _schema_routes() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def _create_body(resource: str, w) -> dict:
    """A valid create body for each resource, naming the related rows of world ``w``."""
    return {
        "accounts": {"name": "Umbrella"},
        "personas": {"name": "CFO", "kind": "buyer"},
        "contacts": {
            "account": w.account.pk,
            "last_name": "Lee",
            "persona": w.persona.pk,
            "reports_to": w.manager.pk,
        },
        "advocacies": {"advocate": w.manager.pk, "audience": w.contact.pk},
        "deals": {"account": w.account.pk, "name": "Expansion", "owner": w.owner.pk},
        "deal-roles": {"deal": w.deal.pk, "contact": w.manager.pk, "role": "economic_buyer"},
        "business-cases": {"deal": w.deal.pk, "metric": "productivity"},
        "tags": {"name": "Budget freeze", "kind": "constraint"},
        "conversations": {
            "account": w.account.pk,
            "deal": w.deal.pk,
            "occurred_on": "2026-03-01",
            "title": "Call",
            "participants": [w.contact.pk],
            "tags": [w.tag.pk],
        },
        "action-items": {
            "conversation": w.conversation.pk,
            "text": "Follow up",
            "owner": w.owner.pk,
        },
        "assumptions": {"statement": "Buyers want SaaS."},
        "evidence": {
            "assumption": w.assumption.pk,
            "conversation": w.conversation.pk,
            "verdict": "supports",
        },
        "feature-requests": {"title": "Audit log"},
        "feature-mentions": {
            "feature": w.feature_request.pk,
            "account": w.account.pk,
            "deal": w.deal.pk,
            "conversation": w.conversation.pk,
        },
        "segments": {"name": "Fintech on VMs", "filters": {"industry": "Fintech"}},
    }[resource]


# A related field of a body → the same row in another world.
RELATED = {
    "account": lambda w: w.account.pk,
    "persona": lambda w: w.persona.pk,
    "reports_to": lambda w: w.manager.pk,
    "advocate": lambda w: w.manager.pk,
    "audience": lambda w: w.contact.pk,
    "deal": lambda w: w.deal.pk,
    "contact": lambda w: w.manager.pk,
    "owner": lambda w: w.owner.pk,
    "conversation": lambda w: w.conversation.pk,
    "assumption": lambda w: w.assumption.pk,
    "feature": lambda w: w.feature_request.pk,
    "participants": lambda w: [w.contact.pk],
    "tags": lambda w: [w.tag.pk],
}

# Routes that are not CRUD on a resource, with how to reach B's object through them.
DEAL_ACTIONS = {
    (f"{PREFIX}deals/{{id}}/persona-map/", "get"),
    (f"{PREFIX}deals/{{id}}/risks/", "get"),
    (f"{PREFIX}deals/{{id}}/scorecard/", "get"),
    (f"{PREFIX}deals/{{id}}/scorecard/", "patch"),
}
WORKSPACE_ROUTES = {(f"{PREFIX}workspaces/", "get"), (f"{PREFIX}workspaces/{{id}}/", "get")}
IMPORT_ROUTES = {
    (f"{PREFIX}imports/", "get"),
    (f"{PREFIX}imports/", "post"),
    (f"{PREFIX}imports/{{id}}/", "get"),
}

INTEGRATION_ROUTES = {
    (f"{PREFIX}integrations/", "get"),
    (f"{PREFIX}integrations/", "post"),
    (f"{PREFIX}integrations/{{id}}/", "get"),
    (f"{PREFIX}integrations/{{id}}/", "patch"),
    (f"{PREFIX}integrations/{{id}}/", "delete"),
    (f"{PREFIX}integrations/{{id}}/test/", "post"),
    (f"{PREFIX}integrations/{{id}}/sync/", "post"),
    (f"{PREFIX}integrations/{{id}}/runs/", "get"),
    (f"{PREFIX}integrations/{{id}}/runs/{{run_id}}/", "get"),
}


def _check_integrations(client, a, b) -> set[tuple[str, str]]:
    """B's connection and runs are neither listed nor found on any route; A's create is A's."""
    from crm_app.models import CrmConnection, SyncRun
    from tests.factories import SyncRunFactory

    theirs_run = SyncRunFactory.create(connection__workspace=b, workspace=b)
    own_run = SyncRunFactory.create(connection__workspace=a, workspace=a)
    theirs, own = theirs_run.connection, own_run.connection
    assert _ids(client, f"{PREFIX}integrations/") == {own.pk}
    body = {"name": "Taken over", "full": True}
    for path, method in sorted(INTEGRATION_ROUTES):
        if "{id}" not in path:
            continue
        url = path.replace("{id}", str(theirs.pk)).replace("{run_id}", str(theirs_run.pk))
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.content)
    # A's connection naming B's run.
    url = f"{PREFIX}integrations/{own.pk}/runs/{theirs_run.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(f"{PREFIX}integrations/{own.pk}/runs/").json()["count"] == 1
    assert CrmConnection.objects.filter(pk=theirs.pk, name=theirs.name).exists()
    assert SyncRun.objects.filter(workspace=b).count() == 1
    created = client.post(
        f"{PREFIX}integrations/",
        {
            "kind": "hubspot",
            "name": "HubSpot",
            "credentials": {"access_token": "pat-na1-0000-1111-2222"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert CrmConnection.objects.get(pk=created.json()["id"]).workspace_id == a.pk
    return INTEGRATION_ROUTES


WEBHOOK_ROUTES = {
    (f"{PREFIX}webhooks/", "get"),
    (f"{PREFIX}webhooks/", "post"),
    (f"{PREFIX}webhooks/{{id}}/", "get"),
    (f"{PREFIX}webhooks/{{id}}/", "put"),
    (f"{PREFIX}webhooks/{{id}}/", "patch"),
    (f"{PREFIX}webhooks/{{id}}/", "delete"),
    (f"{PREFIX}webhooks/{{id}}/rotate-secret/", "post"),
    (f"{PREFIX}webhooks/{{id}}/deliveries/", "get"),
    (f"{PREFIX}webhooks/{{id}}/deliveries/{{delivery_id}}/replay/", "post"),
}


def _check_webhooks(client, a, b, settings) -> set[tuple[str, str]]:
    """B's endpoints and deliveries are neither listed nor found on any route; A's is A's."""
    from alerts_app.models import WebhookDelivery, WebhookEndpoint
    from tests.alerts_support.webhooks import webhook_with_delivery

    theirs, their_delivery = webhook_with_delivery(b)
    own, own_delivery = webhook_with_delivery(a)
    assert _ids(client, f"{PREFIX}webhooks/") == {own.pk}
    body = {"url": "https://taken.example.com/", "description": "Taken over"}
    for path, method in sorted(WEBHOOK_ROUTES):
        if "{id}" not in path:
            continue
        url = path.replace("{id}", str(theirs.pk))
        url = url.replace("{delivery_id}", str(their_delivery.pk))
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.content)
    # A's endpoint naming B's delivery.
    url = f"{PREFIX}webhooks/{own.pk}/deliveries/{their_delivery.pk}/replay/"
    assert client.post(url).status_code == 404
    deliveries = client.get(f"{PREFIX}webhooks/{own.pk}/deliveries/").json()["results"]
    assert [d["id"] for d in deliveries] == [own_delivery.pk]
    theirs.refresh_from_db()
    assert theirs.description == "" and theirs.url == "https://hooks.example.com/in"
    assert WebhookDelivery.objects.get(pk=their_delivery.pk).state == "pending"
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True  # no DNS lookup for the create below
    created = client.post(f"{PREFIX}webhooks/", {"url": "http://127.0.0.1:9/in"}, format="json")
    assert created.status_code == 201, created.content
    assert WebhookEndpoint.objects.get(pk=created.json()["id"]).workspace_id == a.pk
    return WEBHOOK_ROUTES


ALERT_ROUTES = {
    (f"{PREFIX}notifications/", "get"),
    (f"{PREFIX}notifications/read-all/", "post"),
    (f"{PREFIX}notifications/{{id}}/", "get"),
    (f"{PREFIX}notifications/{{id}}/read/", "post"),
    (f"{PREFIX}subscriptions/", "get"),
    (f"{PREFIX}subscriptions/", "post"),
    (f"{PREFIX}subscriptions/preferences/", "get"),
    (f"{PREFIX}subscriptions/preferences/", "patch"),
    (f"{PREFIX}subscriptions/{{id}}/", "get"),
    (f"{PREFIX}subscriptions/{{id}}/", "patch"),
    (f"{PREFIX}subscriptions/{{id}}/", "delete"),
}


def _check_alerts(client, a, b, user, theirs) -> set[tuple[str, str]]:
    """Notifications and subscriptions are the caller's own in the request's workspace: B's
    (the caller's own in B too), and another member's in A, are neither listed nor found."""
    from alerts_app.models import AlertPreference, Notification, Subscription

    other = UserFactory.create()
    MembershipFactory.create(user=other, workspace=a, role=Membership.Role.ADMIN)
    own = Notification.objects.create(workspace=a, user=user, message="own")
    foreign = [
        Notification.objects.create(workspace=a, user=other, message="another member's"),
        Notification.objects.create(workspace=b, user=user, message="mine, but in B"),
    ]
    own_sub = Subscription.objects.create(workspace=a, user=user, event_types=["deal.won"])
    foreign_subs = [
        Subscription.objects.create(workspace=a, user=other, event_types=["deal.won"]),
        Subscription.objects.create(workspace=b, user=user, event_types=["deal.won"]),
    ]
    AlertPreference.objects.create(workspace=b, user=user, digest_hour=3)
    assert _ids(client, f"{PREFIX}notifications/") == {own.pk}
    assert own_sub.pk in _ids(client, f"{PREFIX}subscriptions/")
    assert not {s.pk for s in foreign_subs} & _ids(client, f"{PREFIX}subscriptions/")
    for n in foreign:
        assert client.get(f"{PREFIX}notifications/{n.pk}/").status_code == 404
        assert client.post(f"{PREFIX}notifications/{n.pk}/read/").status_code == 404
    for s in foreign_subs:
        for method in ("get", "patch", "delete"):
            response = getattr(client, method)(
                f"{PREFIX}subscriptions/{s.pk}/", {"scope": "mine"}, format="json"
            )
            assert response.status_code == 404, (method, s.pk, response.content)
    assert client.post(f"{PREFIX}notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.filter(pk__in=[n.pk for n in foreign], read_at=None).count() == 2
    assert Subscription.objects.filter(pk__in=[s.pk for s in foreign_subs]).count() == 2
    # A's digest time is A's: B's stays 3 o'clock.
    assert client.get(f"{PREFIX}subscriptions/preferences/").json()["digest_hour"] == 8
    client.patch(f"{PREFIX}subscriptions/preferences/", {"digest_hour": 6}, format="json")
    assert AlertPreference.objects.get(workspace=b, user=user).digest_hour == 3
    # A subscription naming B's saved segment is refused; one of A's own lands in A.
    response = client.post(
        f"{PREFIX}subscriptions/",
        {"event_types": ["deal.won"], "segment": theirs.segment.pk},
        format="json",
    )
    assert response.status_code == 400 and "does not exist" in str(response.json()["segment"])
    created = client.post(f"{PREFIX}subscriptions/", {"event_types": ["deal.won"]}, format="json")
    assert created.status_code == 201
    assert Subscription.objects.get(pk=created.json()["id"]).workspace_id == a.pk
    return ALERT_ROUTES


SURVEY_ROUTES = {
    (f"{PREFIX}surveys/", "get"),
    (f"{PREFIX}surveys/{{id}}/", "get"),
    (f"{PREFIX}deals/{{id}}/surveys/", "post"),
}


def _check_surveys(client, a, b, mine, theirs) -> set[tuple[str, str]]:
    """B's surveys are neither listed nor found; B's deal cannot be surveyed from A, nor A's
    deal sent to B's contact; nothing of B's changes."""
    from deals_app.models import Deal
    from surveys_app.models import Survey
    from tests.factories import SurveyFactory

    Deal.objects.filter(pk__in=[mine.deal.pk, theirs.deal.pk]).update(stage="closed_lost")
    own = SurveyFactory.create(deal=mine.deal, contact=mine.contact)
    other = SurveyFactory.create(deal=theirs.deal, contact=theirs.contact)
    assert _ids(client, f"{PREFIX}surveys/") == {own.pk}
    assert client.get(f"{PREFIX}surveys/{other.pk}/").status_code == 404
    assert client.get(f"{PREFIX}surveys/{own.pk}/").status_code == 200
    body = {"contacts": [theirs.contact.pk]}
    response = client.post(f"{PREFIX}deals/{theirs.deal.pk}/surveys/", body, format="json")
    assert response.status_code == 404, response.content
    response = client.post(f"{PREFIX}deals/{mine.deal.pk}/surveys/", body, format="json")
    assert response.status_code == 400, response.content
    assert "does not exist" in str(response.json()["contacts"])
    assert Survey.objects.filter(workspace=b).count() == 1
    assert Survey.objects.get(pk=other.pk).reminder_count == 0
    return SURVEY_ROUTES


INSIGHT_READS = ["segments", "features", "assumptions", "trend", "dimensions"]
B_MARKER = "Zebra industry only in B"


def _check_insights(client, a, b, theirs) -> set[tuple[str, str]]:
    from accounts_app.models import Account

    Account.objects.filter(pk=theirs.account.pk).update(industry=B_MARKER)
    theirs.segment.name = f"{B_MARKER} segment"
    theirs.segment.save()
    their_client, _ = member_client(b, Membership.Role.ADMIN)
    their_client.defaults["HTTP_X_WORKSPACE"] = b.slug
    their_task = their_client.post(f"{PREFIX}insights/recompute/", {}, format="json")
    assert their_task.status_code == 202, their_task.content
    own_task = client.post(f"{PREFIX}insights/recompute/", {}, format="json")
    assert own_task.status_code == 202, own_task.content

    covered = {(f"{PREFIX}insights/recompute/", "post")}
    for read in INSIGHT_READS:
        response = client.get(f"{PREFIX}insights/{read}/", {"dimension": "industry"})
        assert response.status_code == 200, (read, response.content)
        assert B_MARKER not in response.content.decode(), read
        covered.add((f"{PREFIX}insights/{read}/", "get"))
    # the same with a period of close dates (segments/?period=)
    response = client.get(
        f"{PREFIX}insights/segments/", {"dimension": "industry", "period": "last4q"}
    )
    assert response.status_code == 200, response.content
    assert B_MARKER not in response.content.decode()
    # B's own read does show it, so the check above can fail.
    response = their_client.get(f"{PREFIX}insights/segments/", {"dimension": "industry"})
    assert B_MARKER in response.content.decode()

    task = f"{PREFIX}tasks/{{task_id}}/"
    assert client.get(task.replace("{task_id}", own_task.json()["task_id"])).status_code == 200
    assert client.get(task.replace("{task_id}", their_task.json()["task_id"])).status_code == 404
    covered.add((task, "get"))
    return covered


def _ids(client, path) -> set[int]:
    response = client.get(path, {"page_size": 200})
    assert response.status_code == 200, (path, response.content)
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture(params=["member of A only", "member of A and B, acting in A"])
def setting(request):
    a, b = WorkspaceFactory.create(slug="a-corp"), WorkspaceFactory.create(slug="b-corp")
    mine, theirs = build_world(a), build_world(b)
    client, user = member_client(a, Membership.Role.ADMIN)
    if request.param != "member of A only":
        MembershipFactory.create(user=user, workspace=b, role=Membership.Role.ADMIN)
        client.defaults["HTTP_X_WORKSPACE"] = a.slug
    mine.reader = user  # the caller (alerts: their own notifications and subscriptions)
    return client, a, b, mine, theirs


def test_every_route_of_the_schema_keeps_workspaces_apart(setting, settings):
    client, a, b, mine, theirs = setting
    routes = _schema_routes()
    covered: set[tuple[str, str]] = set()
    resources = mine.by_resource()

    for resource, own in resources.items():
        collection, detail = f"{PREFIX}{resource}/", f"{PREFIX}{resource}/{{id}}/"
        other = theirs.by_resource()[resource]
        model = type(own)

        # Lists show none of B's rows (and do show A's).
        listed = _ids(client, collection)
        assert own.pk in listed, resource
        assert other.pk not in listed, resource
        covered.add((collection, "get"))

        # B's object is not found, whatever the method; nothing changes.
        body = _create_body(resource, mine)
        url = f"{collection}{other.pk}/"
        for method, kwargs in (
            ("get", {}),
            ("put", {"data": body, "format": "json"}),
            ("patch", {"data": body, "format": "json"}),
            ("delete", {}),
        ):
            response = getattr(client, method)(url, **kwargs)
            assert response.status_code == 404, (method, url, response.content)
            covered.add((detail, method))
        assert model.objects.filter(pk=other.pk).exists(), resource

        # Writes naming one of B's related rows are refused, field by field.
        related_fields = [f for f in body if f in RELATED]
        for field in related_fields:
            bad = copy.deepcopy(body)
            bad[field] = RELATED[field](theirs)
            before = model.objects.count()
            response = client.post(collection, bad, format="json")
            assert response.status_code == 400, (resource, field, response.content)
            assert field in response.json(), (resource, field, response.json())
            # "does not exist": another workspace's row is not revealed.
            assert "does not exist" in str(response.json()[field]), response.json()
            assert model.objects.count() == before
            for method in ("put", "patch"):
                payload = bad if method == "put" else {field: bad[field]}
                response = getattr(client, method)(f"{collection}{own.pk}/", payload, format="json")
                assert response.status_code == 400, (resource, method, field, response.content)
                assert field in response.json()

        # And a create in A works (the body is valid), landing in A.
        response = client.post(collection, body, format="json")
        assert response.status_code == 201, (resource, response.content)
        assert model.objects.get(pk=response.json()["id"]).workspace_id == a.pk
        covered.add((collection, "post"))

    for path, method in DEAL_ACTIONS:
        url = path.replace("{id}", str(theirs.deal.pk))
        kwargs = {"data": {"items": [{"key": "paper_process", "status": "confirmed"}]}}
        response = getattr(client, method)(
            url, format="json", **(kwargs if method == "patch" else {})
        )
        assert response.status_code == 404, (method, url, response.content)
        assert client.get(path.replace("{id}", str(mine.deal.pk))).status_code == 200
        covered.add((path, method))
    assert not theirs.deal.scorecard_items.exists()

    assert _ids(client, f"{PREFIX}workspaces/") >= {a.pk}
    if "HTTP_X_WORKSPACE" not in client.defaults:
        assert b.pk not in _ids(client, f"{PREFIX}workspaces/")
        assert client.get(f"{PREFIX}workspaces/{b.pk}/").status_code == 404
    assert client.get(f"{PREFIX}workspaces/{a.pk}/").status_code == 200
    covered |= WORKSPACE_ROUTES

    # Imports: B's import is neither listed nor found; an upload lands in A.
    from crm_app.models import ImportJob

    theirs_job = ImportJob.objects.create(workspace=b)
    own_job = ImportJob.objects.create(workspace=a)
    assert _ids(client, f"{PREFIX}imports/") == {own_job.pk}
    assert client.get(f"{PREFIX}imports/{theirs_job.pk}/").status_code == 404
    assert client.post(f"{PREFIX}imports/", {}, format="multipart").status_code == 400
    assert ImportJob.objects.filter(workspace=b).count() == 1
    covered |= IMPORT_ROUTES

    # Integrations (CRM connections and their runs).
    covered |= _check_integrations(client, a, b)

    # Webhooks (endpoints and their delivery log).
    covered |= _check_webhooks(client, a, b, settings)

    # Insights: B's figures never show in A's reads; B's task is not found from A.
    covered |= _check_insights(client, a, b, theirs)

    # Alerts: the caller's own notifications and subscriptions in A only.
    covered |= _check_alerts(client, a, b, mine.reader, theirs)

    # Win/loss surveys.
    covered |= _check_surveys(client, a, b, mine, theirs)

    missing = routes - covered
    assert not missing, f"routes without an isolation case (add one here): {sorted(missing)}"
    assert covered - routes == set(), "cases for routes that no longer exist"


def test_filters_naming_another_workspaces_rows_match_nothing(setting):
    client, a, b, mine, theirs = setting
    for path, params in (
        ("deals/", {"account": theirs.account.pk}),
        ("contacts/", {"account": theirs.account.pk}),
        ("conversations/", {"participant": theirs.contact.pk}),
        ("deal-roles/", {"deal": theirs.deal.pk}),
        ("feature-mentions/", {"feature": theirs.feature_request.pk}),
    ):
        response = client.get(PREFIX + path, params)
        assert response.status_code == 200
        assert response.json()["count"] == 0, path


def test_a_non_member_naming_a_workspace_gets_404_and_no_data(setting):
    client, a, b, mine, theirs = setting
    stranger, _ = member_client(WorkspaceFactory.create(slug="c-corp"))
    for slug in (a.slug, b.slug, "no-such-workspace"):
        stranger.defaults["HTTP_X_WORKSPACE"] = slug
        response = stranger.get(f"{PREFIX}deals/")
        assert response.status_code == 404
        assert "not a member" in response.json()["detail"]


HUBSPOT = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "hubspot"


def test_an_import_writes_into_the_callers_workspace_only(
    setting, settings, tmp_path, django_capture_on_commit_callbacks
):
    """B holds rows with the very CRM ids A imports: A's upsert creates A's own rows and
    leaves B's untouched (matching is by workspace and CRM id, never by CRM id alone)."""
    from accounts_app.models import Account
    from crm_app.models import ImportJob
    from deals_app.models import Deal
    from tests.factories import AccountFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    client, a, b, mine, theirs = setting
    with (HUBSPOT / "companies.csv").open(newline="") as handle:
        crm_ids = [row["Record ID"] for row in csv.DictReader(handle)]
    for crm_id in crm_ids:
        AccountFactory.create(workspace=b, external_id=crm_id, name=f"B's {crm_id}")
    before = {
        label: sorted(model.objects.for_workspace(b).values(), key=lambda row: row["id"])
        for label, model in (("accounts", Account), ("deals", Deal))
    }

    files = [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(HUBSPOT.glob("*.csv"))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PREFIX}imports/", {"files": files}, format="multipart")
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.workspace_id == a.pk
    assert client.get(f"{PREFIX}imports/{job.pk}/").json()["state"] == "succeeded"

    assert set(
        Account.objects.for_workspace(a)
        .filter(external_id__in=crm_ids)
        .values_list("external_id", flat=True)
    ) == set(crm_ids)
    for deal in Deal.objects.for_workspace(a).select_related("account"):
        assert deal.account.workspace_id == a.pk
    after = {
        label: sorted(model.objects.for_workspace(b).values(), key=lambda row: row["id"])
        for label, model in (("accounts", Account), ("deals", Deal))
    }
    assert after == before

    # B's members neither list nor read A's import.
    their_client, _ = member_client(b, Membership.Role.ADMIN)
    their_client.defaults["HTTP_X_WORKSPACE"] = b.slug
    assert job.pk not in _ids(their_client, f"{PREFIX}imports/")
    assert their_client.get(f"{PREFIX}imports/{job.pk}/").status_code == 404


def test_a_task_is_found_only_from_its_own_workspace(setting):
    client, a, b, mine, theirs = setting
    their_client, _ = member_client(b, Membership.Role.ADMIN)
    their_client.defaults["HTTP_X_WORKSPACE"] = b.slug
    task_id = client.post(f"{PREFIX}insights/recompute/", {}, format="json").json()["task_id"]
    assert client.get(f"{PREFIX}tasks/{task_id}/").status_code == 200
    response = their_client.get(f"{PREFIX}tasks/{task_id}/")
    assert response.status_code == 404
    assert task_id not in response.content.decode()
