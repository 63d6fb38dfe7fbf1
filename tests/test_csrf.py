"""CSRF on every form (PRODUCT.md §10): a POST without the token is refused with 403.

The routes come from the URL resolver: every page whose view accepts POST, signed in as an
admin of the workspace (so no role check answers first), with the workspace's own ids. A
route without ids here fails the test, so a new form is covered the day it is added. The
API's session sign-in is held to the same rule; token calls carry no cookie to forge.
"""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts_app.models import Membership
from alerts_app.models import Notification, Subscription
from common.models import WorkspaceOwnedModel
from crm_app.services import import_jobs as jobs
from tests.alerts_support.webhooks import webhook_with_delivery
from tests.factories import (
    CrmConnectionFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's password

# POST routes without CSRF protection, with why; each has its own test that a POST without
# its authorisation changes nothing.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST with no cookie and no form token; the
    # signed token in the path is the authorisation (tests/alerts_app/test_unsubscribe.py).
    "alerts-unsubscribe": "signed one-click unsubscribe link",
}


def _post_routes():
    """(name, route, converters) of every page route whose view takes POST."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver().url_patterns, ""):
        if route.startswith(("api/", "admin/")):
            continue
        view_class = pattern.callback.view_class
        if pattern.name in CSRF_EXEMPT:
            continue
        if "post" in view_class.http_method_names and hasattr(view_class, "post"):
            yield pattern.name, route, set(pattern.pattern.converters)


def _kwargs(world, job) -> dict[str, list[dict]]:
    """The workspace's own ids for each POST route that names objects."""
    w = world
    return {
        "deal-edit": [
            {"pk": w.deal.pk, "action": "stance"},
            {"pk": w.deal.pk, "action": "close"},
            {"pk": w.deal.pk, "action": "details"},
            {"pk": w.deal.pk, "action": "restore-role"},
        ],
        "deal-stage": [{"pk": w.deal.pk}],
        "import-run": [{"pk": job.pk}],
        "import-map": [{"pk": job.pk, "index": 0}],
        "import-file-remove": [{"pk": job.pk, "index": 0}],
        "conversation-edit": [{"pk": w.conversation.pk}],
        "conversation-delete": [{"pk": w.conversation.pk}],
        "action-item-toggle": [{"pk": w.conversation.pk, "item_pk": w.action_item.pk}],
        "assumption-edit": [{"pk": w.assumption.pk}],
        "pm-action-item-done": [{"pk": w.action_item.pk}],
        "integration-detail": [{"pk": w.connection.pk}],
        "integration-test": [{"pk": w.connection.pk}],
        "integration-sync": [{"pk": w.connection.pk}],
        "integration-delete": [{"pk": w.connection.pk}],
        "integration-stages": [{"pk": w.connection.pk}],
        "webhook-detail": [{"pk": w.webhook.pk}],
        "webhook-rotate": [{"pk": w.webhook.pk}],
        "webhook-delete": [{"pk": w.webhook.pk}],
        "webhook-replay": [{"pk": w.webhook.pk, "delivery_pk": w.webhook_delivery.pk}],
        "notification-read": [{"pk": w.notification.pk}],
        "subscription-edit": [{"pk": w.subscription.pk}],
        "subscription-delete": [{"pk": w.subscription.pk}],
        "deal-survey": [{"pk": w.deal.pk}],
        "survey-public": [{"token": "a-made-up-token"}],
    }


def _rows(workspace) -> dict[str, list[dict]]:
    return {
        model._meta.label: sorted(model.objects.for_workspace(workspace).values(), key=repr)
        for model in apps.get_models()
        if issubclass(model, WorkspaceOwnedModel)
    }


@pytest.fixture
def signed_in(tmp_path):
    workspace = WorkspaceFactory.create(slug="acme")
    world = build_world(workspace)
    world.connection = CrmConnectionFactory.create(workspace=workspace)
    world.webhook, world.webhook_delivery = webhook_with_delivery(workspace)
    path = tmp_path / "companies.csv"
    path.write_text("Record ID,Company name,Industry\n1,Umbrella,Retail\n")
    job, problems = jobs.import_job_create(
        workspace=workspace, uploads=[(path.name, path)], store=False
    )
    assert problems == []
    user = UserFactory.create(username="admin")
    MembershipFactory.create(user=user, workspace=workspace, role=Membership.Role.ADMIN)
    world.notification = Notification.objects.create(workspace=workspace, user=user, message="N")
    world.subscription = Subscription.objects.create(
        workspace=workspace, user=user, event_types=["deal.won"]
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client, workspace, world, job


def test_every_form_refuses_a_post_without_the_csrf_token(signed_in):
    client, workspace, world, job = signed_in
    routes = list(_post_routes())
    assert len(routes) >= 15, "the resolver walk found the forms"
    by_name = _kwargs(world, job)
    named = {name for name, _route, converters in routes if converters}
    assert not named - set(by_name), f"POST routes without ids here: {sorted(named - set(by_name))}"
    assert not set(by_name) - named, "ids for routes that no longer take POST"

    before = _rows(workspace)
    refused = []
    for name, _route, converters in routes:
        for kwargs in by_name.get(name, [{}]) if converters else [{}]:
            url = reverse(name, kwargs=kwargs or None)
            response = client.post(url, {"name": "Forged", "title": "Forged", "done": "1"})
            assert response.status_code == 403, (url, response.status_code)
            assert b"CSRF" in response.content, url
            refused.append(url)
    assert _rows(workspace) == before, "a forged POST changed data"
    print(f"CSRF: {len(refused)} POSTs over {len(routes)} form routes refused")


def test_the_same_post_with_the_token_gets_through(signed_in):
    """The 403 above is the missing token, not the route: with it, the switch works."""
    client, workspace, world, job = signed_in
    page = client.get(reverse("workspace-settings"))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value
    response = client.post(
        reverse("workspace-switch"), {"workspace": "acme", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_signing_in_needs_the_token_too():
    user = UserFactory.create(username="ines")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_api_with_a_session_refuses_a_write_without_the_token(signed_in):
    client, workspace, world, job = signed_in
    response = client.post("/api/v1/accounts/", {"name": "Forged"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not world.account.__class__.objects.filter(name="Forged").exists()


def test_the_csrf_exempt_routes_are_real_and_refuse_a_post_without_their_token(signed_in):
    """The exemptions above exist, and a POST with a made-up token changes nothing."""
    client, workspace, world, job = signed_in
    before = _rows(workspace)
    for name in CSRF_EXEMPT:
        response = client.post(reverse(name, kwargs={"token": "made-up:token"}))
        assert response.status_code == 404, name
    assert _rows(workspace) == before
