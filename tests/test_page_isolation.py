"""Workspace isolation over every page route that names an object (PRODUCT.md §10).

The routes come from the URL resolver: every page with an integer in its path. An admin of
workspace A opens each with workspace B's ids and gets 404, for GET and for POST on the routes
that take writes, and nothing of B changes; A's own ids do reach the page (so the 404 is the
scope, not a broken route). A route without a case here fails the test, so a new page must
bring its own. Pages without ids must not show B's rows, and the deal page's forms naming
B's rows from A's deal are refused (400).
"""

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from accounts_app.models import Membership
from alerts_app.models import Notification, Subscription
from common.models import WorkspaceOwnedModel
from crm_app.models import ImportJob
from crm_app.services import import_jobs as jobs
from deals_app.views.deal_detail import FORMS as DEAL_FORMS
from tests.alerts_support.webhooks import webhook_with_delivery
from tests.factories import (
    MembershipFactory,
    SyncRunFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db

MARKER = "Zebrafish"  # only in B's names
# Pages named by a token rather than an id, with where their isolation is proven.
TOKEN_ROUTES = {"survey-public": "tests/surveys_app/test_public_page.py (a token's own survey)"}

# Pages reached by a signed link rather than a session, with where their isolation is proven.
SIGNED_LINK_PAGES = {
    # The token names one member's subscriptions; another member's token or a tampered one is
    # a 404 (tests/alerts_app/test_unsubscribe.py).
    "alerts-unsubscribe": "tests/alerts_app/test_unsubscribe.py",
}


def _page_patterns():
    """(name, pattern, view class) for every page route (not the API, not the admin)."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver().url_patterns, ""):
        if route.startswith(("api/", "admin/")):
            continue
        yield pattern.name, pattern, pattern.callback.view_class


def _id_routes() -> dict[str, tuple]:
    return {
        name: (pattern, view_class)
        for name, pattern, view_class in _page_patterns()
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    }


def _methods(view_class) -> list[str]:
    return [
        m for m in ("get", "post") if m in view_class.http_method_names and hasattr(view_class, m)
    ]


@dataclass
class Case:
    """B's kwargs for a route (expected 404), and A's for the same route (expected to work)."""

    theirs: dict
    mine: dict | None = None
    data: dict = field(default_factory=dict)


def _cases(mine, theirs) -> dict[str, list[Case]]:
    m, t = mine, theirs
    return {
        "deal-detail": [Case({"pk": t.deal.pk}, {"pk": m.deal.pk})],
        # Every form of the deal page, on B's deal; and A's deal naming B's role or contact.
        "deal-edit": [
            Case({"pk": t.deal.pk, "action": action}, data=_deal_form_data(action, t))
            for action in DEAL_FORMS
        ],
        # A move on the pipeline board (POST only), on B's deal.
        "deal-stage": [Case({"pk": t.deal.pk}, data={"stage": "proposal"})],
        "account-detail": [Case({"pk": t.account.pk}, {"pk": m.account.pk})],
        "import-detail": [Case({"pk": t.job.pk}, {"pk": m.job.pk})],
        "import-status": [Case({"pk": t.job.pk}, {"pk": m.job.pk})],
        "import-run": [Case({"pk": t.job.pk})],
        "import-file-remove": [Case({"pk": t.job.pk, "index": 0})],
        "import-map": [
            Case(
                {"pk": t.job.pk, "index": 0},
                {"pk": m.job.pk, "index": 0},
                data={"kind": "company"},
            )
        ],
        "conversation-detail": [
            Case({"pk": t.conversation.pk}, {"pk": m.conversation.pk}),
        ],
        "conversation-edit": [
            Case(
                {"pk": t.conversation.pk},
                {"pk": m.conversation.pk},
                data={"title": "Taken over", "notes": "x"},
            )
        ],
        "conversation-delete": [Case({"pk": t.conversation.pk}, {"pk": m.conversation.pk})],
        "action-item-toggle": [
            Case({"pk": t.conversation.pk, "item_pk": t.action_item.pk}, data={"done": "1"}),
            # A's conversation with B's item, and B's conversation with A's item.
            Case({"pk": m.conversation.pk, "item_pk": t.action_item.pk}, data={"done": "1"}),
            Case({"pk": t.conversation.pk, "item_pk": m.action_item.pk}, data={"done": "1"}),
        ],
        "assumption-detail": [Case({"pk": t.assumption.pk}, {"pk": m.assumption.pk})],
        "assumption-edit": [
            Case(
                {"pk": t.assumption.pk},
                {"pk": m.assumption.pk},
                data={"statement": "Taken over"},
            )
        ],
        "feature-detail": [Case({"pk": t.feature_request.pk}, {"pk": m.feature_request.pk})],
        "pm-action-item-done": [Case({"pk": t.action_item.pk}, data={"done": "1"})],
        "integration-detail": [
            Case({"pk": t.connection.pk}, {"pk": m.connection.pk}, data={"name": "Taken over"})
        ],
        "integration-test": [Case({"pk": t.connection.pk})],
        "integration-sync": [Case({"pk": t.connection.pk}, data={"full": "1"})],
        "integration-delete": [Case({"pk": t.connection.pk})],
        "integration-stages": [Case({"pk": t.connection.pk})],
        "deal-survey": [Case({"pk": t.deal.pk}, {"pk": m.deal.pk}, data={"action": "send"})],
        "integration-progress": [Case({"pk": t.connection.pk}, {"pk": m.connection.pk})],
        "notification-read": [Case({"pk": t.notification.pk})],
        "subscription-edit": [
            Case(
                {"pk": t.subscription.pk},
                {"pk": m.subscription.pk},
                data={"sub-event_types": ["deal.won"], "sub-scope": "all"},
            )
        ],
        "subscription-delete": [Case({"pk": t.subscription.pk})],
        "integration-run": [
            Case(
                {"pk": t.connection.pk, "run_pk": t.run.pk},
                {"pk": m.connection.pk, "run_pk": m.run.pk},
            ),
            # A's connection with B's run, and B's connection with A's run.
            Case({"pk": m.connection.pk, "run_pk": t.run.pk}),
            Case({"pk": t.connection.pk, "run_pk": m.run.pk}),
        ],
        "webhook-detail": [
            Case({"pk": t.webhook.pk}, {"pk": m.webhook.pk}, data={"url": "https://x.example/"})
        ],
        "webhook-rotate": [Case({"pk": t.webhook.pk})],
        "webhook-delete": [Case({"pk": t.webhook.pk})],
        "webhook-replay": [
            Case({"pk": t.webhook.pk, "delivery_pk": t.webhook_delivery.pk}),
            # A's endpoint with B's delivery, and B's endpoint with A's delivery.
            Case({"pk": m.webhook.pk, "delivery_pk": t.webhook_delivery.pk}),
            Case({"pk": t.webhook.pk, "delivery_pk": m.webhook_delivery.pk}),
        ],
    }


def _deal_form_data(action: str, w) -> dict:
    """Plausible fields for each deal-page form, naming world ``w``'s rows."""
    return {
        "contact": w.contact.pk,
        "role": w.deal_role.pk,
        "advocate": w.contact.pk,
        "audience": w.manager.pk,
        "reports_to": w.manager.pk,
        "stance": "supporter",
        "has_left": "on",
        "outcome": "closed_won",
        "stage": "closed_won",
    }


def _import_job(workspace, tmp_path):
    folder = tmp_path / workspace.slug
    folder.mkdir()
    path = folder / "companies.csv"
    path.write_text("Record ID,Company name,Industry\n1,Zebrafish Imports,Retail\n")
    job, problems = jobs.import_job_create(
        workspace=workspace, uploads=[(path.name, path)], store=False
    )
    assert problems == []
    assert job.state == ImportJob.State.DRAFT
    return job


def _rows_of(workspace) -> dict[str, list[dict]]:
    """Every row of every workspace-owned model in ``workspace``: a before/after picture."""
    return {
        model._meta.label: sorted(
            model.objects.for_workspace(workspace).values(), key=lambda row: row["id"]
        )
        for model in apps.get_models()
        if issubclass(model, WorkspaceOwnedModel)
    }


@pytest.fixture
def setting(tmp_path):
    a = WorkspaceFactory.create(slug="a-corp", name="A Corp")
    b = WorkspaceFactory.create(slug="b-corp", name=f"{MARKER} Corp")
    mine, theirs = build_world(a), build_world(b)
    for model_obj, attr in (
        (theirs.account, "name"),
        (theirs.deal, "name"),
        (theirs.conversation, "title"),
        (theirs.assumption, "statement"),
        (theirs.feature_request, "title"),
        (theirs.contact, "last_name"),
        (theirs.action_item, "text"),
    ):
        type(model_obj).objects.filter(pk=model_obj.pk).update(**{attr: f"{MARKER} {attr}"})
    mine.job, theirs.job = _import_job(a, tmp_path), _import_job(b, tmp_path)
    mine.run = SyncRunFactory.create(connection__workspace=a, workspace=a)
    theirs.run = SyncRunFactory.create(
        connection__workspace=b, connection__name=f"{MARKER} org", workspace=b
    )
    mine.connection, theirs.connection = mine.run.connection, theirs.run.connection
    mine.webhook, mine.webhook_delivery = webhook_with_delivery(a)
    theirs.webhook, theirs.webhook_delivery = webhook_with_delivery(b, label=MARKER)
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=a, role=Membership.Role.ADMIN)
    # The alerts pages name a member's own notification and subscription; B's belong to B's admin.
    their_admin = UserFactory.create()
    MembershipFactory.create(user=their_admin, workspace=b, role=Membership.Role.ADMIN)
    for world, workspace, owner in ((mine, a, user), (theirs, b, their_admin)):
        world.notification = Notification.objects.create(
            workspace=workspace, user=owner, message=f"{workspace.name} notice"
        )
        world.subscription = Subscription.objects.create(
            workspace=workspace, user=owner, event_types=["deal.won"]
        )
    client = Client()
    client.force_login(user)
    return client, a, b, mine, theirs


def test_every_page_with_an_id_answers_404_for_another_workspaces_ids(setting):
    client, a, b, mine, theirs = setting
    routes = _id_routes()
    cases = _cases(mine, theirs)
    assert not set(routes) - set(cases), (
        f"page routes without an isolation case (add one here): {sorted(set(routes) - set(cases))}"
    )
    assert not set(cases) - set(routes), "cases for routes that no longer exist"

    before = _rows_of(b)
    operations = []
    for name, (_pattern, view_class) in sorted(routes.items()):
        methods = _methods(view_class)
        assert methods, name
        for case in cases[name]:
            url = reverse(name, kwargs=case.theirs)
            for method in methods:
                response = client.get(url) if method == "get" else client.post(url, case.data)
                assert response.status_code == 404, (method, url, response.status_code)
                assert MARKER not in response.content.decode(), (method, url)
                operations.append((method.upper(), name))
            if case.mine is not None and "get" in methods:
                own = client.get(reverse(name, kwargs=case.mine))
                assert own.status_code == 200, (name, own.status_code)
    assert _rows_of(b) == before, "a request from A changed B's rows"
    assert len(operations) >= len(routes)
    print(f"page isolation: {len(operations)} operations over {len(routes)} id routes")


def test_every_page_without_an_id_shows_none_of_another_workspaces_rows(setting):
    client, a, b, mine, theirs = setting
    id_routes = _id_routes()
    checked = 0
    for name, _pattern, view_class in _page_patterns():
        if name in id_routes or name in SIGNED_LINK_PAGES or "get" not in _methods(view_class):
            continue
        if name in TOKEN_ROUTES:
            continue
        url = reverse(name)
        for params in ({}, {"q": MARKER[:5], "account": theirs.account.pk}):
            response = client.get(url, params)
            assert response.status_code < 500, (url, response.status_code)
            body = response.content.decode(errors="replace")
            assert MARKER not in body, (url, params)
            # B's ids in a query string match nothing rather than B's people.
            assert theirs.contact.last_name not in body
        checked += 1
    assert checked >= 12, checked


def test_the_dashboard_csv_export_holds_only_the_workspaces_figures(setting):
    from insights_app.services import insights_recompute

    client, a, b, mine, theirs = setting
    insights_recompute(workspace_id=a.pk, force=True)
    insights_recompute(workspace_id=b.pk, force=True)
    from accounts_app.models import Account

    Account.objects.filter(pk=theirs.account.pk).update(industry=MARKER)
    insights_recompute(workspace_id=b.pk, force=True)
    for dimension in ("industry", "infrastructure"):
        response = client.get(reverse("dashboard-export"), {"dimension": dimension})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join(response.streaming_content if response.streaming else [response.content])
        assert MARKER.encode() not in body
    # B's own export does show it, so the check above could fail.
    their_user = UserFactory.create()
    MembershipFactory.create(user=their_user, workspace=b, role=Membership.Role.ADMIN)
    their_client = Client()
    their_client.force_login(their_user)
    response = their_client.get(reverse("dashboard-export"), {"dimension": "industry"})
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    assert MARKER.encode() in body


def test_a_form_on_my_deal_naming_another_workspaces_rows_is_refused(setting):
    """Writes that name B's rows from A's own deal page: 400 with the form's error, and
    nothing of A's or B's changes."""
    client, a, b, mine, theirs = setting
    t, m = theirs, mine
    before_a, before_b = _rows_of(a), _rows_of(b)
    forms = {
        "add-person": {"add-contact": t.contact.pk, "add-role": "user", "add-stance": "neutral"},
        "stance": {"deal_role": t.deal_role.pk, "stance": "supporter"},
        "remove-role": {"deal_role": t.deal_role.pk},
        "add-advocacy": {"adv-advocate": t.contact.pk, "adv-audience": m.manager.pk},
        "remove-advocacy": {"advocacy": t.advocacy.pk},
        "reports-to": {"rep-contact": m.contact.pk, "rep-reports_to": t.manager.pk},
        "has-left": {"contact": t.contact.pk, "has_left": "on"},
    }
    for action, data in forms.items():
        url = reverse("deal-edit", kwargs={"pk": m.deal.pk, "action": action})
        response = client.post(url, data)
        assert response.status_code == 400, (action, response.status_code)
        assert MARKER not in response.content.decode(), action
    assert _rows_of(b) == before_b
    assert _rows_of(a) == before_a
