"""History (django-simple-history): who changed deals, deal roles and conversations, and when.

- A write through the API (token authentication) or a page (session) records its user.
- The deal page shows stage, amount and close-date changes and persona-map changes; the
  conversation page shows who edited which fields; both in a constant number of queries.
- The CRM import's bulk writes keep history too (one row per created or changed record,
  none for unchanged ones); history is scoped to the workspace like everything else.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from crm_app.services.import_run import import_run
from deals_app.history import IMPORT_REASON, conversation_history, deal_history
from deals_app.models import Conversation, Deal, DealRole
from deals_app.services import deal_role_delete, deal_role_update, deal_update
from tests.api_support import member_client
from tests.factories import (
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HUBSPOT = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "hubspot"


def _user(workspace, role, first_name):
    user = UserFactory.create(first_name=first_name, last_name="Tester")
    MembershipFactory.create(user=user, workspace=workspace, role=role)
    return user


def test_an_api_write_records_the_token_user_and_the_page_shows_it(workspace, client):
    deal = DealFactory.create(account__workspace=workspace, stage=Deal.Stage.DISCOVERY)
    api, user = member_client(workspace, role="sales")
    user.first_name, user.last_name = "Ana", "Silva"
    user.save()

    response = api.patch(
        f"/api/v1/deals/{deal.pk}/",
        {"stage": "proposal", "amount": "150000.00", "close_date": "2026-09-30"},
        format="json",
        HTTP_X_WORKSPACE=workspace.slug,
    )

    assert response.status_code == 200, response.content
    latest = deal.history.first()
    assert (latest.history_type, latest.history_user) == ("~", user)
    [entry, created] = deal_history(workspace=workspace, deal=deal)
    assert (entry.who, entry.action, created.action) == ("Ana Silva", "changed", "created")
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("stage", "Discovery", "Proposal"),
        ("amount", "120,000.00", "150,000.00"),
        ("close date", "2026-06-30", "2026-09-30"),
    ]
    client.force_login(user)
    page = client.get(reverse("deal-detail", args=[deal.pk])).content.decode()
    assert 'data-testid="deal-history"' in page
    assert "stage changed from <strong>Discovery</strong> to <strong>Proposal</strong>" in page
    assert "by Ana Silva" in page


def test_a_page_write_records_the_signed_in_user(workspace, client):
    sales = _user(workspace, "sales", "Sam")
    role = DealRoleFactory.create(
        deal__account__workspace=workspace, workspace=workspace, stance="supporter"
    )
    client.force_login(sales)

    response = client.post(
        reverse("deal-edit", args=[role.deal_id, "stance"]),
        {"deal_role": role.pk, "stance": "opponent"},
    )

    assert response.status_code == 302
    assert role.history.first().history_user == sales
    page = client.get(reverse("deal-detail", args=[role.deal_id])).content.decode()
    assert "stance changed from <strong>Supporter</strong> to <strong>Opponent</strong>" in page
    assert "by Sam Tester" in page


def test_a_conversation_edit_shows_who_changed_which_fields(workspace, client):
    conversation = ConversationFactory.create(account__workspace=workspace)
    api, pm = member_client(workspace, role="pm")
    pm.first_name, pm.last_name = "Pia", "Tester"
    pm.save()

    response = api.patch(
        f"/api/v1/conversations/{conversation.pk}/",
        {"title": "Demo of the alert router", "kind": "demo", "notes": "New notes."},
        format="json",
        HTTP_X_WORKSPACE=workspace.slug,
    )

    assert response.status_code == 200, response.content
    assert conversation.history.first().history_user == pm
    [edited, logged] = conversation_history(workspace=workspace, conversation=conversation)
    assert (edited.who, edited.fields, logged.action) == (
        "Pia Tester",
        "title, kind, notes",
        "created",
    )
    assert [c.text for c in edited.changes] == [False, False, True]
    client.force_login(pm)
    page = client.get(reverse("conversation-detail", args=[conversation.pk])).content.decode()
    assert 'data-testid="conversation-history"' in page
    assert "Edited: title, kind, notes" in page and "by Pia Tester" in page


def test_persona_map_changes_are_on_the_deal_history(workspace):
    deal = DealFactory.create(account__workspace=workspace)
    contact = ContactFactory.create(
        account=deal.account, workspace=workspace, first_name="Lee", last_name="Chen"
    )
    role = DealRoleFactory.create(
        deal=deal, contact=contact, workspace=workspace, role=DealRole.Role.CHAMPION
    )
    deal_role_update(workspace=workspace, deal_role=role, stance=DealRole.Stance.OPPONENT)
    deal_role_delete(workspace=workspace, deal_role=role)

    entries = deal_history(workspace=workspace, deal=deal)

    assert [(e.subject, e.action) for e in entries[:3]] == [
        ("Lee Chen as Champion", "deleted"),
        ("Lee Chen as Champion", "changed"),
        ("Lee Chen as Champion", "created"),
    ]
    assert [(c.label, c.old, c.new) for c in entries[1].changes] == [
        ("stance", "Supporter", "Opponent")
    ]


def test_history_is_scoped_to_the_workspace(workspace, other_workspace):
    deal = DealFactory.create(account__workspace=workspace)
    deal_update(workspace=workspace, deal=deal, stage=Deal.Stage.PROPOSAL)
    assert deal_history(workspace=other_workspace, deal=deal) == []
    historical = Deal.history.model
    assert historical._meta.get_field("workspace").related_model._meta.label == (
        "accounts_app.Workspace"
    )
    assert set(Deal.history.values_list("workspace_id", flat=True)) == {workspace.pk}


@pytest.mark.parametrize("changes", [5, 50])
def test_the_history_reads_are_constant_in_queries(workspace, changes, assert_query_baseline):
    deal = DealFactory.create(account__workspace=workspace)
    conversation = ConversationFactory.create(account__workspace=workspace, deal=deal)
    owners = [_user(workspace, "sales", f"Owner{i}") for i in range(3)]
    for i in range(changes):
        deal_update(
            workspace=workspace,
            deal=deal,
            amount=Decimal(1000 + i),
            owner=owners[i % 3],
            close_date=dt.date(2026, 7, 1) + dt.timedelta(days=i),
        )
        role = DealRoleFactory.create(deal=deal, workspace=workspace, role="user")
        deal_role_update(workspace=workspace, deal_role=role, stance="opponent")
        conversation.title = f"Call {i}"
        conversation.save()

    # One baseline each for 5 and 50 changes: the counts are the same for both.
    with assert_query_baseline("deal_history"):
        entries = deal_history(workspace=workspace, deal=deal)
    with assert_query_baseline("conversation_history"):
        edits = conversation_history(workspace=workspace, conversation=conversation)

    assert len(entries) == 12 and len(edits) == min(12, changes + 1)
    assert entries[0].when >= entries[-1].when
    assert edits[0].fields == "title"


def test_the_import_keeps_history_of_created_and_changed_records_only(workspace, tmp_path):
    files = sorted(HUBSPOT.glob("*.csv"))
    assert import_run(workspace=workspace, files=files).ok
    deals = Deal.objects.for_workspace(workspace)
    assert deals.count() == 4
    created = Deal.history.filter(workspace_id=workspace.pk, history_type="+")
    assert created.count() == 4
    assert set(created.values_list("history_change_reason", flat=True)) == {IMPORT_REASON}
    roles = DealRole.objects.for_workspace(workspace).count()
    assert DealRole.history.filter(workspace_id=workspace.pk).count() == roles

    assert import_run(workspace=workspace, files=files).ok  # everything unchanged
    assert Deal.history.filter(workspace_id=workspace.pk).count() == 4

    renamed = tmp_path / "deals.csv"
    text = (HUBSPOT / "deals.csv").read_text()
    renamed.write_text(text.replace("7001,Northwind – observability", "7001,Northwind – APM"))
    changed = [renamed if f.name == "deals.csv" else f for f in files]
    assert import_run(workspace=workspace, files=changed).ok
    deal = deals.get(external_id="7001")
    [entry, *_] = deal_history(workspace=workspace, deal=deal)
    assert (entry.action, entry.reason, entry.who) == ("changed", IMPORT_REASON, "")
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("name", "Northwind – observability", "Northwind – APM")
    ]
    assert Deal.history.filter(workspace_id=workspace.pk).count() == 5


def test_a_conversation_created_in_a_service_has_a_logged_entry(workspace):
    conversation = ConversationFactory.create(account__workspace=workspace)
    [entry] = conversation_history(workspace=workspace, conversation=conversation)
    assert entry.action == "created"
    assert Conversation.history.filter(id=conversation.pk).count() == 1
