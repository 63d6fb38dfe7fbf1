"""Every API read costs the same number of queries with 5 or 50 related rows (PRODUCT.md §9),
exactly its baseline in tests/query_counts.json (``api GET <path>``; tests/query_counts.py).

Driven by the generated schema, so a new read endpoint is measured without being listed here
(and fails until its baseline is written with QUERY_COUNTS_UPDATE=1).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from accounts_app.models import Membership
from tests import query_counts
from tests.api_support import member_client
from tests.factories import WorkspaceFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db


def _get_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, ops in schema["paths"].items() if "get" in ops)


def _objects(world) -> dict[str, int]:
    """The id to read per resource of the schema; a new resource needs a line here."""
    from alerts_app.models import Notification, Subscription, WebhookEndpoint
    from crm_app.models import CrmConnection, ImportJob
    from surveys_app.models import Survey

    workspace_id = world.account.workspace_id
    job = ImportJob.objects.filter(workspace_id=workspace_id).first()
    connection = CrmConnection.objects.filter(workspace_id=workspace_id).first()
    endpoint = WebhookEndpoint.objects.filter(workspace_id=workspace_id).order_by("id").first()
    # Notifications and subscriptions are the reader's own (the exec of _counts).
    reader = Membership.objects.filter(
        workspace_id=workspace_id, role=Membership.Role.EXEC
    ).values_list("user_id", flat=True)
    notification = Notification.objects.filter(user_id__in=reader).first()
    subscription = Subscription.objects.filter(user_id__in=reader).first()
    survey = Survey.objects.filter(workspace_id=workspace_id).first()
    return {
        **{resource: obj.pk for resource, obj in world.by_resource().items()},
        "workspaces": workspace_id,
        "imports": job.pk if job else None,
        "integrations": connection.pk if connection else None,
        "webhooks": endpoint.pk if endpoint else None,
        "notifications": notification.pk if notification else None,
        "subscriptions": subscription.pk if subscription else None,
        "surveys": survey.pk if survey else None,
    }


def _url(path: str, world) -> str:
    if "{task_id}" in path:  # a recompute task of this workspace
        from insights_app.models import InsightTask

        task = InsightTask.objects.filter(workspace_id=world.account.workspace_id).first()
        return path.replace("{task_id}", str(task.pk))
    if "{run_id}" in path:  # the newest run of the connection read below
        from crm_app.models import SyncRun

        run = SyncRun.objects.filter(connection_id=_objects(world)["integrations"]).first()
        path = path.replace("{run_id}", str(run.pk))
    if "{id}" not in path:
        return path
    resource = path.removeprefix("/api/v1/").split("/")[0]
    objects = _objects(world)
    assert resource in objects, f"no object to read for {path}: add one to _objects()"
    return path.replace("{id}", str(objects[resource]))


def _counts(client, world, admin=None) -> dict[str, int]:
    """Every read's query count; admin-only reads (integrations, webhooks) through ``admin``."""
    counts = {}
    for path in _get_paths():
        admin_only = "/integrations/" in path or "/webhooks/" in path
        reader = admin if admin is not None and admin_only else client
        url = _url(path, world)
        params = {"page_size": 200} if "{" not in path else {}
        if "/insights/" in path:
            params = {"dimension": "industry"}
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(url, params)
        assert response.status_code == 200, (url, response.content)
        counts[path] = len(queries)
        if path.endswith("/insights/segments/"):  # and with a period of close dates
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {**params, "period": "last4q"})
            assert response.status_code == 200, (url, response.content)
            counts[f"{path}?period=last4q"] = len(queries)
    return counts


def _connections(workspace, n: int) -> None:
    """``n`` CRM connections, each with a last run; the first also has ``n`` runs."""
    from tests.factories import CrmConnectionFactory, SyncRunFactory

    for index in range(n):
        connection = CrmConnectionFactory.create(workspace=workspace)
        runs = SyncRunFactory.create_batch(n if index == 0 else 1, connection=connection)
        connection.last_run = runs[-1]
        connection.save()


def _webhooks(workspace, n: int) -> None:
    """Webhook endpoints (about 2n), each with a delivery; the first has ``n`` of them."""
    from alerts_app.models import WebhookDelivery
    from tests.alerts_support.webhooks import webhook_with_delivery

    first, _ = webhook_with_delivery(workspace)
    for _ in range(n - 1):
        webhook_with_delivery(workspace)
        _endpoint, delivery = webhook_with_delivery(workspace)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(endpoint=first)


def _notifications(workspace, user, n: int) -> None:
    """``n`` notifications of the reader, each about an event with an actor; their defaults."""
    from django.utils import timezone

    from alerts_app.models import Notification
    from alerts_app.services.subscriptions import subscription_defaults_ensure
    from events_app.models import Event

    events = Event.objects.bulk_create(
        [
            Event(
                workspace=workspace,
                type="deal.won",
                occurred_at=timezone.now(),
                actor=user,
                object_type="deal",
                object_url="/deals/1/",
                summary=f"Deal {i} won",
            )
            for i in range(n)
        ]
    )
    Notification.objects.bulk_create(
        [Notification(workspace=workspace, user=user, event=event) for event in events]
    )
    subscription_defaults_ensure(workspace=workspace)


def test_reads_cost_the_same_with_5_or_50_related_rows():
    small_ws, big_ws = WorkspaceFactory.create(slug="small"), WorkspaceFactory.create(slug="big")
    small = [build_world(small_ws, related=5)]
    big = [build_world(big_ws, related=50)]
    for _ in range(4):
        small.append(build_world(small_ws, owner=small[0].owner))
    for _ in range(49):
        big.append(build_world(big_ws, owner=big[0].owner))
    from crm_app.models import ImportJob

    ImportJob.objects.bulk_create([ImportJob(workspace=small_ws) for _ in range(5)])
    ImportJob.objects.bulk_create([ImportJob(workspace=big_ws) for _ in range(50)])
    _connections(small_ws, 5)
    _connections(big_ws, 50)
    from tests.factories import SurveyFactory

    for world in (*small, *big):  # one survey per world: 5 and 50 in the lists
        SurveyFactory.create(deal=world.deal, contact=world.contact)
    _webhooks(small_ws, 5)
    _webhooks(big_ws, 50)
    small_client, small_exec = member_client(small_ws, Membership.Role.EXEC)
    big_client, big_exec = member_client(big_ws, Membership.Role.EXEC)
    admins = {}
    for ws in (small_ws, big_ws):  # a recompute, so insight reads answer from snapshots
        admins[ws.pk], _ = member_client(ws, Membership.Role.ADMIN)
        response = admins[ws.pk].post("/api/v1/insights/recompute/", {}, format="json")
        assert response.status_code == 202
    _notifications(small_ws, small_exec, 5)
    _notifications(big_ws, big_exec, 50)

    small_counts = _counts(small_client, small[0], admins[small_ws.pk])
    big_counts = _counts(big_client, big[0], admins[big_ws.pk])

    assert big_counts == small_counts
    for path, count in big_counts.items():  # auth, membership, count, page, a few prefetches
        query_counts.check(f"api GET {path}", count)


def test_a_list_page_stays_within_its_query_budget(assert_query_baseline):
    workspace = WorkspaceFactory.create()
    world = build_world(workspace, related=20)
    client, _ = member_client(workspace, Membership.Role.EXEC)
    for resource in world.by_resource():
        with assert_query_baseline(f"api GET /api/v1/{resource}/ (first page, 20 related)"):
            assert client.get(f"/api/v1/{resource}/").status_code == 200
