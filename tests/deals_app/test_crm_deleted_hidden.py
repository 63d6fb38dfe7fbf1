"""Records the CRM deleted leave every list, page, API response and search (PRODUCT.md §11).

A sync marks an account, contact or deal ``crm_deleted_at``; the default manager hides it, and
the selectors that reach it through a join (roles, advocacy edges, business cases, counts)
leave it out by hand. What DealLens holds about it (conversations) stays, without links to a
page that would answer 404.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts_app.models import Account
from accounts_app.selectors import account_list
from common import counting
from deals_app.models import Deal
from personas_app.models import Contact
from tests.api_support import member_client
from tests.factories import (
    AccountFactory,
    AdvocacyFactory,
    BusinessCaseFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
)

pytestmark = pytest.mark.django_db


def _delete(*records) -> None:
    """Mark records deleted as the sync does: an UPDATE, past the default manager."""
    for record in records:
        type(record).all_objects.filter(pk=record.pk).update(crm_deleted_at=timezone.now())


@pytest.fixture
def world(workspace):
    """A live account with a live open deal (buyer, champion and a deleted contact's roles),
    a deleted open deal on it, and a deleted account; everything named "Gone …" is deleted."""
    live = AccountFactory.create(workspace=workspace, name="Live Corp", industry="Fintech")
    gone_account = AccountFactory.create(workspace=workspace, name="Gone Account Inc")
    deal = DealFactory.create(account=live, name="Live deal", amount=Decimal("1000"))
    gone_deal = DealFactory.create(account=live, name="Gone deal", amount=Decimal("9000"))
    buyer = DealRoleFactory.create(
        deal=deal,
        role="economic_buyer",
        contact__last_name="Buyer",
        last_engaged_on=timezone.localdate(),
    )
    champion = DealRoleFactory.create(deal=deal, role="champion", contact__last_name="Champion")
    AdvocacyFactory.create(advocate=champion.contact, audience=buyer.contact)
    gone_contact = ContactFactory.create(account=live, last_name="Gonecontact")
    gone_role = DealRoleFactory.create(
        deal=deal, contact=gone_contact, role="decision_maker", stance="opponent"
    )
    AdvocacyFactory.create(advocate=gone_contact, audience=buyer.contact)
    DealRoleFactory.create(deal=gone_deal, role="economic_buyer", contact=buyer.contact)
    BusinessCaseFactory.create(deal=gone_deal, description="Gone case")
    conversation = ConversationFactory.create(account=live, deal=gone_deal, title="Kept talk")
    conversation.participants.add(gone_contact, champion.contact)
    gone_account_talk = ConversationFactory.create(account=gone_account, title="Kept too")
    _delete(gone_account, gone_deal, gone_contact)
    return {
        "live": live,
        "deal": deal,
        "gone_account": gone_account,
        "gone_deal": gone_deal,
        "gone_contact": gone_contact,
        "gone_role": gone_role,
        "conversation": conversation,
        "gone_account_talk": gone_account_talk,
    }


@pytest.fixture
def api(workspace):
    client, _user = member_client(workspace)
    return client


@pytest.fixture
def page(client, member):
    client.force_login(member("admin"))
    return client


def _results(api, path: str) -> list[dict]:
    response = api.get(path)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _names(rows: list[dict], key: str = "name") -> set[str]:
    return {row[key] for row in rows}


# --- the API ------------------------------------------------------------------------------------


def test_api_lists_and_searches_leave_out_deleted_deals_accounts_and_contacts(api, world):
    deals = api.get("/api/v1/deals/").json()
    assert _names(deals["results"]) == {"Live deal"} and deals["count"] == 1
    assert _results(api, "/api/v1/deals/?search=Gone") == []
    assert _results(api, "/api/v1/deals/?stage=discovery") != []
    assert "Gone deal" not in _names(_results(api, "/api/v1/deals/?stage=discovery"))
    assert _names(_results(api, "/api/v1/accounts/")) == {"Live Corp"}
    assert _results(api, "/api/v1/accounts/?search=Gone") == []
    contacts = _names(_results(api, "/api/v1/contacts/"), "last_name")
    assert "Gonecontact" not in contacts and {"Buyer", "Champion"} <= contacts
    assert _results(api, "/api/v1/contacts/?search=Gonecontact") == []


def test_account_counts_leave_out_deleted_deals_and_contacts(workspace, world):
    (account,) = account_list(workspace=workspace)
    assert account.deal_count == 1
    assert account.contact_count == 2  # the buyer and the champion


def test_roles_cases_and_edges_of_deleted_records_leave_the_api_lists(api, world):
    roles = _results(api, "/api/v1/deal-roles/")
    assert {r["role"] for r in roles} == {"economic_buyer", "champion"}
    assert {r["deal"] for r in roles} == {world["deal"].pk}
    assert api.get(f"/api/v1/deal-roles/{world['gone_role'].pk}/").status_code == 404
    assert _results(api, "/api/v1/business-cases/") == []
    edges = _results(api, "/api/v1/advocacies/")
    assert len(edges) == 1 and edges[0]["advocate"] != world["gone_contact"].pk


def test_api_detail_routes_of_deleted_records_answer_404(api, world):
    gone = world["gone_deal"].pk
    for path in (
        f"/api/v1/deals/{gone}/",
        f"/api/v1/deals/{gone}/persona-map/",
        f"/api/v1/deals/{gone}/risks/",
        f"/api/v1/accounts/{world['gone_account'].pk}/",
        f"/api/v1/contacts/{world['gone_contact'].pk}/",
    ):
        assert api.get(path).status_code == 404, path


def test_a_deleted_contacts_roles_leave_a_live_deals_persona_map_and_risks(api, world):
    body = api.get(f"/api/v1/deals/{world['deal'].pk}/persona-map/").json()
    shown = {node["contact"] for node in body["nodes"]}
    assert world["gone_contact"].pk not in shown and len(shown) == 2
    assert body["gaps"] == []
    risks = api.get(f"/api/v1/deals/{world['deal'].pk}/risks/").json()["risks"]
    # The deleted decision maker opposed the deal: that risk went with them.
    assert "opponent_in_power" not in {r["code"] for r in risks}


def test_conversations_of_deleted_records_stay_in_the_api(api, world):
    titles = _names(_results(api, "/api/v1/conversations/"), "title")
    assert titles == {"Kept talk", "Kept too"}


# --- the pages ----------------------------------------------------------------------------------


def test_deal_list_pipeline_board_and_risk_board_leave_out_the_deleted_deal(page, world):
    listing = page.get("/deals/?stage=all").content.decode()
    assert "Live deal" in listing and "Gone deal" not in listing
    board = page.get("/deals/?view=board")
    assert "Gone deal" not in board.content.decode()
    assert [d.name for column in board.context["board"] for d in column.deals] == ["Live deal"]
    risk_board = page.get("/deals/at-risk/?scope=all")
    assert risk_board.status_code == 200
    assert "Gone deal" not in risk_board.content.decode()
    assert risk_board.context["board"].open_deals == 1


def test_the_deal_list_counts_only_the_live_contacts_on_a_deal(page, world):
    (deal,) = page.get("/deals/?stage=all").context["object_list"]
    assert deal.contact_count == 2


def test_account_list_and_its_search_leave_out_the_deleted_account(page, world):
    listing = page.get("/accounts/").content.decode()
    assert "Live Corp" in listing and "Gone Account Inc" not in listing
    assert "Gone Account Inc" not in page.get("/accounts/?q=Gone").content.decode()


def test_pages_of_deleted_records_answer_404(page, world):
    assert page.get(f"/deals/{world['gone_deal'].pk}/").status_code == 404
    assert page.get(f"/accounts/{world['gone_account'].pk}/").status_code == 404


def test_a_live_deal_page_leaves_out_the_deleted_contact(page, world):
    response = page.get(f"/deals/{world['deal'].pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gonecontact" not in body
    assert {role.contact_id for role in response.context["roles"]} == {
        r.contact_id for r in world["deal"].roles.exclude(contact=world["gone_contact"])
    }


def test_the_live_account_page_shows_no_deleted_deal_or_contact(page, world):
    body = page.get(f"/accounts/{world['live'].pk}/").content.decode()
    assert "Gonecontact" not in body
    assert 'href="/deals/{}/"'.format(world["gone_deal"].pk) not in body
    assert "Kept talk" in body  # the conversation stays


def test_a_conversation_on_deleted_records_stays_without_links_to_them(page, world):
    response = page.get(f"/conversations/{world['conversation'].pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="deal-deleted"' in body and "Gone deal" in body
    assert f"/deals/{world['gone_deal'].pk}/" not in body
    assert "Gonecontact" not in body
    other = page.get(f"/conversations/{world['gone_account_talk'].pk}/").content.decode()
    assert 'data-testid="account-deleted"' in other
    assert f"/accounts/{world['gone_account'].pk}/" not in other
    assert "Kept talk" in page.get("/conversations/").content.decode()


def test_editing_a_conversation_keeps_its_link_to_a_deleted_deal(page, world):
    conversation = world["conversation"]
    form = page.get(f"/conversations/{conversation.pk}/edit/").context["form"]
    assert world["gone_deal"] in form.fields["deal"].queryset
    assert list(
        Deal.all_objects.filter(pk=world["gone_deal"].pk).values_list("crm_deleted_at", flat=True)
    ) != [None]


def test_the_default_managers_hide_and_all_objects_sees(world):
    assert not Deal.objects.filter(pk=world["gone_deal"].pk).exists()
    assert not Account.objects.filter(pk=world["gone_account"].pk).exists()
    assert not Contact.objects.filter(pk=world["gone_contact"].pk).exists()
    assert list(world["live"].deals.all()) == [world["deal"]]
    assert Deal.all_objects.filter(pk=world["gone_deal"].pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the kept counts are PostgreSQL triggers"
)
def test_the_kept_deal_count_of_an_unfiltered_list_leaves_out_deleted_deals(api, workspace, world):
    assert counting.counted_rows(table="deals_app_deal", workspace_id=workspace.pk) == 1
    body = api.get("/api/v1/deals/").json()
    assert body["count"] == 1 == len(body["results"])
