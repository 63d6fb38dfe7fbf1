"""The product manager's landing page (``/pm/``, "My work"): my recent conversations, my open
action items with an inline done tick (htmx or a plain POST), untested assumptions and
discovery blind spots read from the published snapshot."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts_app.models import SIZE_BANDS
from deals_app.models import ActionItem
from insights_app.selectors.pm import assumption_gaps, find_blind_spots
from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    ActionItemFactory,
    AssumptionFactory,
    ConversationFactory,
    DealFactory,
    EvidenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pm(member):
    return member("pm", username="pat")


@pytest.fixture
def pm_client(client, pm):
    client.force_login(pm)
    return client


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- landing and access --------------------------------------------------------------------------


def test_a_product_manager_lands_on_my_work(pm_client):
    response = pm_client.get("/")
    assert response.status_code == 302 and response.url == "/pm/"
    page = pm_client.get("/pm/").content.decode()
    assert "<h1>My work</h1>" in page
    assert 'href="/pm/" class="is-active" aria-current="page">My work</a>' in page


@pytest.mark.parametrize("role", ["pm", "sales", "exec", "admin"])
def test_every_member_can_open_my_work(client, member, role):
    client.force_login(member(role))
    assert client.get("/pm/").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/pm/")
    assert response.status_code == 302 and response.url.startswith("/login/")


# --- my conversations and action items ----------------------------------------------------------


def test_my_recent_conversations_are_mine_only(pm_client, pm, workspace, other_workspace):
    someone = UserFactory.create()
    ConversationFactory.create(
        account__workspace=workspace,
        logged_by=pm,
        title="Mine old",
        occurred_on=dt.date(2026, 1, 5),
    )
    ConversationFactory.create(
        account__workspace=workspace,
        logged_by=pm,
        title="Mine new",
        occurred_on=dt.date(2026, 3, 5),
    )
    ConversationFactory.create(account__workspace=workspace, logged_by=someone, title="Not mine")
    ConversationFactory.create(
        account__workspace=other_workspace, logged_by=pm, title="Mine elsewhere"
    )
    response = pm_client.get("/pm/")
    assert [c.title for c in response.context["conversations"]] == ["Mine new", "Mine old"]
    page = response.content.decode()
    assert "Not mine" not in page and "Mine elsewhere" not in page


def test_my_open_action_items_are_owned_or_unassigned_on_my_calls(
    pm_client, pm, workspace, other_workspace
):
    someone = UserFactory.create()
    mine = ConversationFactory.create(account__workspace=workspace, logged_by=pm)
    theirs = ConversationFactory.create(account__workspace=workspace, logged_by=someone)
    ActionItemFactory.create(
        conversation=theirs, owner=pm, text="Owned by me", due_on=dt.date(2026, 4, 1)
    )
    ActionItemFactory.create(
        conversation=mine, owner=None, text="Unassigned on my call", due_on=dt.date(2026, 3, 1)
    )
    ActionItemFactory.create(conversation=mine, owner=someone, text="Someone else's")
    ActionItemFactory.create(conversation=theirs, owner=None, text="Unassigned on their call")
    ActionItemFactory.create(conversation=mine, owner=pm, text="Already done", done=True)
    elsewhere = ConversationFactory.create(account__workspace=other_workspace, logged_by=pm)
    ActionItemFactory.create(conversation=elsewhere, owner=pm, text="Other workspace")
    response = pm_client.get("/pm/")
    assert [i.text for i in response.context["action_items"]] == [
        "Unassigned on my call",  # due soonest first
        "Owned by me",
    ]
    assert response.context["action_item_count"] == 2
    page = response.content.decode()
    for absent in ("Someone else", "Unassigned on their call", "Already done", "Other workspace"):
        assert absent not in page


def test_ticking_done_without_javascript_goes_back_with_a_message(pm_client, pm, workspace):
    item = ActionItemFactory.create(
        conversation__account__workspace=workspace, owner=pm, text="Send the guide"
    )
    response = pm_client.post(f"/pm/action-items/{item.pk}/done/", {"done": "1"}, follow=True)
    item.refresh_from_db()
    assert item.done
    assert response.redirect_chain == [("/pm/", 302)]
    page = response.content.decode()
    assert "Done: Send the guide" in page
    assert response.context["action_items"] == []


def test_ticking_done_with_htmx_answers_the_row_and_can_be_undone(pm_client, pm, workspace):
    item = ActionItemFactory.create(
        conversation__account__workspace=workspace, owner=pm, text="Send the guide"
    )
    url = f"/pm/action-items/{item.pk}/done/"
    response = pm_client.post(url, {"done": "1"}, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(
        f'<li class="action-item is-done" id="action-item-{item.pk}"'
    )
    assert "<html" not in fragment
    assert 'name="done" value="0"' in fragment and "Mark not done: Send the guide" in fragment
    # the open count beside the heading follows, out of band
    assert (
        'id="action-item-count" data-testid="action-item-count" hx-swap-oob="true">0<' in fragment
    )
    item.refresh_from_db()
    assert item.done
    pm_client.post(url, {"done": "0"}, **HTMX)
    item.refresh_from_db()
    assert not item.done


@pytest.mark.parametrize("role", ["sales", "exec"])
def test_readers_see_no_tick_and_cannot_post(client, member, workspace, role):
    reader = member(role)
    item = ActionItemFactory.create(conversation__account__workspace=workspace, owner=reader)
    client.force_login(reader)
    page = client.get("/pm/").content.decode()
    assert item.text in page
    assert f"/pm/action-items/{item.pk}/done/" not in page
    assert client.post(f"/pm/action-items/{item.pk}/done/", {"done": "1"}).status_code == 403
    item.refresh_from_db()
    assert not item.done


def test_another_workspaces_action_item_is_not_found(client, member, other_workspace):
    item = ActionItemFactory.create(conversation__account__workspace=other_workspace)
    client.force_login(member("admin"))
    response = client.post(f"/pm/action-items/{item.pk}/done/", {"done": "1"})
    assert response.status_code == 404
    assert client.post("/pm/action-items/999999/done/").status_code == 404
    assert not ActionItem.objects.get(pk=item.pk).done


def test_the_done_endpoint_only_takes_posts(pm_client, pm, workspace):
    item = ActionItemFactory.create(conversation__account__workspace=workspace, owner=pm)
    assert pm_client.get(f"/pm/action-items/{item.pk}/done/").status_code == 405


def test_an_overdue_item_is_marked(pm_client, pm, workspace):
    ActionItemFactory.create(
        conversation__account__workspace=workspace,
        owner=pm,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    assert 'class="overdue"' in pm_client.get("/pm/").content.decode()


# --- assumptions and blind spots ------------------------------------------------------------------


def test_untested_assumptions_are_those_without_evidence(pm_client, workspace, other_workspace):
    AssumptionFactory.create(workspace=workspace, statement="Nobody asked about this.")
    tested = AssumptionFactory.create(workspace=workspace, statement="We asked about this.")
    EvidenceFactory.create(assumption=tested)
    AssumptionFactory.create(workspace=other_workspace, statement="Their untested belief.")
    response = pm_client.get("/pm/")
    assert [a.statement for a in response.context["untested"]] == ["Nobody asked about this."]
    assert response.context["untested_count"] == 1
    page = response.content.decode()
    assert "We asked about this." not in page and "Their untested belief." not in page


def test_ask_next_names_the_industries_an_assumption_was_not_tested_in(pm_client, workspace):
    fintech = AccountFactory.create(workspace=workspace, industry="Fintech")
    health = AccountFactory.create(workspace=workspace, industry="Healthcare")
    AccountFactory.create(workspace=workspace, industry="")  # unknown: never to ask
    agents = AssumptionFactory.create(workspace=workspace, statement="VM teams reject agents.")
    sso = AssumptionFactory.create(workspace=workspace, statement="Everyone needs SSO.")
    EvidenceFactory.create(assumption=agents, conversation__account=fintech)
    EvidenceFactory.create(assumption=sso, conversation__account=fintech)
    EvidenceFactory.create(assumption=sso, conversation__account=health)
    insights_recompute(workspace_id=workspace.pk, force=True)
    response = pm_client.get("/pm/")
    gaps = response.context["ask_next"]
    assert [(g["statement"], g["values"]) for g in gaps] == [
        ("VM teams reject agents.", ["Healthcare"])
    ]
    assert "ask in Healthcare" in response.content.decode()


def test_assumption_gaps_leave_out_untested_and_unknown():
    payload = {
        "overall": [
            {"assumption": 1, "statement": "A", "status": "mixed"},
            {"assumption": 2, "statement": "B", "status": "untested"},
            {"assumption": 3, "statement": "C", "status": "validated"},
        ],
        "results": [
            {"assumption": 1, "value": "on_prem"},
            {"assumption": 3, "value": "on_prem"},
            {"assumption": 3, "value": "hybrid"},
            {"assumption": 3, "value": "unknown"},
        ],
    }
    gaps = assumption_gaps(payload, labels={"hybrid": "Hybrid"})
    assert [(g["statement"], g["values"]) for g in gaps] == [("A", ["Hybrid"])]
    assert assumption_gaps({}, labels={}) == []


def test_blind_spots_come_from_the_snapshot(pm_client, workspace):
    """Energy holds 80 % of the open pipeline but 1 of 11 recent conversations: a blind spot.
    Retail holds 20 % and 10 of them: well covered."""
    today = timezone.localdate()
    energy = AccountFactory.create(workspace=workspace, industry="Energy", region="APAC")
    retail = AccountFactory.create(workspace=workspace, industry="Retail", region="EMEA")
    DealFactory.create(account=energy, amount=Decimal("800000"), stage="proposal")
    DealFactory.create(account=retail, amount=Decimal("200000"), stage="proposal")
    ConversationFactory.create(account=energy, occurred_on=today)
    for _ in range(10):
        ConversationFactory.create(account=retail, occurred_on=today)
    page = pm_client.get("/pm/").content.decode()
    assert "Not computed yet" in page  # nothing is computed during the request
    insights_recompute(workspace_id=workspace.pk, force=True)
    response = pm_client.get("/pm/")
    spots = {(s.dimension, s.value) for s in response.context["blind_spots"]}
    assert ("industry", "Energy") in spots and ("region", "APAC") in spots
    assert ("industry", "Retail") not in spots
    page = response.content.decode()
    assert 'href="/accounts/?industry=Energy"' in page
    assert 'href="/dashboard/?dimension=region"' in page  # the account list has no region filter
    assert "80% of pipeline" in page


def test_find_blind_spots_skips_small_unknown_and_well_heard_values():
    rows = {
        "industry": [
            {"value": "Energy", "pipeline": "500", "pipeline_share": 0.5, "conversations_90d": 2},
            {"value": "Retail", "pipeline": "300", "pipeline_share": 0.3, "conversations_90d": 90},
            {"value": "Mining", "pipeline": "40", "pipeline_share": 0.04, "conversations_90d": 0},
            {"value": "unknown", "pipeline": "160", "pipeline_share": 0.16, "conversations_90d": 8},
        ],
        "size_band": [
            {
                "value": "strategic",
                "pipeline": "700",
                "pipeline_share": 0.7,
                "conversations_90d": 0,
            },
            {"value": "smb", "pipeline": "300", "pipeline_share": 0.3, "conversations_90d": 0},
        ],
    }
    spots = find_blind_spots(rows)
    assert [(s.dimension, s.value) for s in spots] == [
        ("size_band", "strategic"),  # 70 % of pipeline, nothing heard
        ("industry", "Energy"),  # 50 % of pipeline, 2 % of conversations
        ("size_band", "smb"),
    ]
    assert spots[0].label == dict(SIZE_BANDS)["strategic"]  # shown by its label
    assert spots[1].pipeline == Decimal("500") and spots[1].conversation_share == 0.02
    assert find_blind_spots({}) == []


# --- query counts ---------------------------------------------------------------------------------


def test_my_work_query_count_does_not_grow_with_rows(pm_client, pm, workspace):
    def add(n):
        for i in range(n):
            account = AccountFactory.create(workspace=workspace, industry=f"Industry {i % 7}")
            deal = DealFactory.create(account=account)
            conversation = ConversationFactory.create(account=account, deal=deal, logged_by=pm)
            ActionItemFactory.create(conversation=conversation, owner=pm)
            AssumptionFactory.create(workspace=workspace, statement=f"Belief {account.pk}")

    add(5)
    insights_recompute(workspace_id=workspace.pk, force=True)
    few = queries(pm_client, "/pm/")
    add(45)
    insights_recompute(workspace_id=workspace.pk, force=True)
    assert queries(pm_client, "/pm/") == few
