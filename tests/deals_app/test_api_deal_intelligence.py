"""Per deal: the persona map, the MEDDPICC scorecard and the risk warnings (PRODUCT.md §5)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts_app.models import Membership
from deals_app.models import DealRole, ScorecardItem
from tests.api_support import member_client
from tests.factories import (
    AccountFactory,
    AdvocacyFactory,
    BusinessCaseFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

Role, Stance = DealRole.Role, DealRole.Stance
TODAY = timezone.localdate()
KEYS = [
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "paper_process",
    "identify_pain",
    "champion",
    "competition",
]


@pytest.fixture
def sales(workspace):
    return member_client(workspace, Membership.Role.SALES)[0]


@pytest.fixture
def deal(workspace):
    return DealFactory.create(account=AccountFactory.create(workspace=workspace, name="Initech"))


def person(deal, first, last, title="", **kwargs):
    return ContactFactory.create(
        account=deal.account, first_name=first, last_name=last, title=title, **kwargs
    )


def role(deal, contact, which, stance=Stance.SUPPORTER, engaged=TODAY, **kwargs):
    return DealRoleFactory.create(
        deal=deal, contact=contact, role=which, stance=stance, last_engaged_on=engaged, **kwargs
    )


def risks(client, deal):
    response = client.get(f"/api/v1/deals/{deal.pk}/risks/")
    assert response.status_code == 200, response.content
    return {r["code"]: r["message"] for r in response.json()["risks"]}


def persona_map(client, deal):
    response = client.get(f"/api/v1/deals/{deal.pk}/persona-map/")
    assert response.status_code == 200, response.content
    return response.json()


# --- the champion's-champion path -------------------------------------------------------------


def test_a_champions_champion_who_reaches_the_buyer_clears_no_path_to_buyer(sales, deal):
    sam = person(deal, "Sam", "Lee", "SRE lead")
    priya = person(deal, "Priya", "Nair", "Director of Platform")
    ines = person(deal, "Ines", "Ruiz", "CIO")
    role(deal, sam, Role.CHAMPION)
    role(deal, ines, Role.ECONOMIC_BUYER)
    AdvocacyFactory.create(advocate=sam, audience=priya)

    found = risks(sales, deal)
    assert "no_path_to_buyer" in found
    assert "Sam Lee (champion)" in found["no_path_to_buyer"]
    assert "Ines Ruiz (economic buyer)" in found["no_path_to_buyer"]
    assert persona_map(sales, deal)["gaps"] == ["no_path_to_buyer"]

    AdvocacyFactory.create(advocate=priya, audience=ines)  # the champion's champion

    assert "no_path_to_buyer" not in risks(sales, deal)
    graph = persona_map(sales, deal)
    assert graph["gaps"] == []
    nodes = {n["contact"]: n for n in graph["nodes"]}
    assert nodes[priya.pk] == {
        "contact": priya.pk,
        "name": "Priya Nair",
        "title": "Director of Platform",
        "roles": [],
        "stance": None,
        "external": False,
    }
    assert {(e["source"], e["target"], e["kind"]) for e in graph["edges"]} == {
        (sam.pk, priya.pk, "advocacy"),
        (priya.pk, ines.pk, "advocacy"),
    }


def test_reporting_lines_lead_to_the_buyer_too(sales, deal):
    ines = person(deal, "Ines", "Ruiz", "CIO")
    director = person(deal, "Dan", "Ode", reports_to=ines)
    sam = person(deal, "Sam", "Lee", reports_to=director)
    role(deal, sam, Role.CHAMPION)
    role(deal, ines, Role.ECONOMIC_BUYER)
    assert "no_path_to_buyer" not in risks(sales, deal)
    edges = {(e["source"], e["target"], e["kind"]) for e in persona_map(sales, deal)["edges"]}
    assert edges == {(sam.pk, director.pk, "reports_to"), (director.pk, ines.pk, "reports_to")}


def test_advocacy_runs_one_way_only(sales, deal):
    sam, ines = person(deal, "Sam", "Lee"), person(deal, "Ines", "Ruiz")
    role(deal, sam, Role.CHAMPION)
    role(deal, ines, Role.ECONOMIC_BUYER)
    AdvocacyFactory.create(advocate=ines, audience=sam)  # the buyer praising the champion
    assert "no_path_to_buyer" in risks(sales, deal)


def test_a_champion_who_is_the_buyer_has_a_path(sales, deal):
    ines, other = person(deal, "Ines", "Ruiz"), person(deal, "Ola", "Berg")
    role(deal, ines, Role.CHAMPION)
    role(deal, ines, Role.ECONOMIC_BUYER)
    role(deal, other, Role.USER)
    assert risks(sales, deal) == {}
    node = persona_map(sales, deal)["nodes"][0]
    assert (node["name"], node["roles"]) == ("Ines Ruiz", ["economic_buyer", "champion"])


# --- the other risks --------------------------------------------------------------------------


def test_an_empty_deal_has_no_buyer_no_champion_and_is_single_threaded(sales, deal):
    found = risks(sales, deal)
    assert list(found) == ["no_economic_buyer", "no_champion", "single_threaded"]
    assert "owns the budget" in found["no_economic_buyer"]


def test_one_person_is_single_threaded_and_named(sales, deal):
    role(deal, person(deal, "Sam", "Lee"), Role.CHAMPION)
    assert found_contains(risks(sales, deal), "single_threaded", "Only Sam Lee holds a role")


def found_contains(found, code, text):
    return code in found and text in found[code]


def test_a_buyer_not_engaged_for_30_days_is_a_risk(sales, deal):
    sam, ines = person(deal, "Sam", "Lee"), person(deal, "Ines", "Ruiz")
    role(deal, sam, Role.CHAMPION)
    buyer = role(deal, ines, Role.ECONOMIC_BUYER, engaged=TODAY - dt.timedelta(days=31))
    AdvocacyFactory.create(advocate=sam, audience=ines)
    found = risks(sales, deal)
    assert list(found) == ["buyer_not_engaged"]
    assert "Ines Ruiz (economic buyer)" in found["buyer_not_engaged"]
    assert (TODAY - dt.timedelta(days=31)).isoformat() in found["buyer_not_engaged"]
    DealRole.objects.filter(pk=buyer.pk).update(last_engaged_on=TODAY - dt.timedelta(days=29))
    assert risks(sales, deal) == {}
    DealRole.objects.filter(pk=buyer.pk).update(last_engaged_on=None)
    assert "never engaged" in risks(sales, deal)["buyer_not_engaged"]


def test_a_champion_who_left_and_an_opponent_in_power_are_risks(sales, deal):
    sam = person(deal, "Sam", "Lee", has_left=True)
    ines = person(deal, "Ines", "Ruiz")
    role(deal, sam, Role.CHAMPION)
    role(deal, ines, Role.ECONOMIC_BUYER, stance=Stance.OPPONENT)
    AdvocacyFactory.create(advocate=sam, audience=ines)
    found = risks(sales, deal)
    assert list(found) == ["champion_left", "opponent_in_power"]
    assert found["champion_left"].startswith("Sam Lee (champion) left the company")
    assert found["opponent_in_power"].startswith("Ines Ruiz (economic buyer) opposes this deal")


def test_a_closed_deal_has_no_risks(sales, workspace):
    closed = DealFactory.create(account__workspace=workspace, stage="closed_won")
    assert risks(sales, closed) == {}


def test_an_external_contact_is_marked_external(sales, deal, workspace):
    partner = ContactFactory.create(account=AccountFactory.create(workspace=workspace))
    role(deal, partner, Role.INFLUENCER)
    node = persona_map(sales, deal)["nodes"][0]
    assert node["external"] is True
    assert persona_map(sales, deal)["gaps"] == ["no_economic_buyer", "no_champion"]


# --- scorecard --------------------------------------------------------------------------------


def scorecard(client, deal):
    response = client.get(f"/api/v1/deals/{deal.pk}/scorecard/")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["key"] for i in items] == KEYS
    return {i["key"]: (i["status"], i["source"]) for i in items}


def test_an_empty_deal_scores_missing_everywhere_except_a_named_competitor(sales, deal):
    card = scorecard(sales, deal)
    assert set(card.values()) == {("missing", "auto")}
    deal.competitor = "Globex"
    deal.save()
    assert scorecard(sales, deal)["competition"] == ("confirmed", "auto")


def test_auto_letters_come_from_the_data(sales, deal):
    sam, ines = person(deal, "Sam", "Lee"), person(deal, "Ines", "Ruiz")
    role(deal, sam, Role.CHAMPION)
    role(deal, ines, Role.ECONOMIC_BUYER)
    BusinessCaseFactory.create(deal=deal, estimated_annual_value=None)
    conversation = ConversationFactory.create(account=deal.account)  # not on this deal
    conversation.tags.add(TagFactory.create(workspace=deal.workspace, kind="pain"))
    card = scorecard(sales, deal)
    assert card["metrics"] == ("partial", "auto")
    assert card["economic_buyer"] == ("confirmed", "auto")
    assert card["champion"] == ("confirmed", "auto")
    assert card["identify_pain"] == ("partial", "auto")

    BusinessCaseFactory.create(deal=deal)
    conversation.deal = deal
    conversation.save()
    sam.has_left = True
    sam.save()
    card = scorecard(sales, deal)
    assert card["metrics"] == ("confirmed", "auto")
    assert card["identify_pain"] == ("confirmed", "auto")
    assert card["champion"] == ("partial", "auto")


def test_letters_set_by_hand_override_and_can_be_cleared_back_to_auto(sales, deal):
    role(deal, person(deal, "Ines", "Ruiz"), Role.ECONOMIC_BUYER)
    url = f"/api/v1/deals/{deal.pk}/scorecard/"
    body = {
        "items": [
            {"key": "decision_process", "status": "confirmed", "note": "Board signs in June"},
            {"key": "economic_buyer", "status": "partial"},
        ]
    }
    response = sales.patch(url, body, format="json")
    assert response.status_code == 200, response.content
    card = {i["key"]: (i["status"], i["source"]) for i in response.json()["items"]}
    assert card["decision_process"] == ("confirmed", "manual")
    assert card["economic_buyer"] == ("partial", "manual")
    assert card["paper_process"] == ("missing", "auto")
    assert ScorecardItem.objects.get(deal=deal, key="decision_process").note == (
        "Board signs in June"
    )

    response = sales.patch(
        url, {"items": [{"key": "economic_buyer", "status": None}]}, format="json"
    )
    card = {i["key"]: (i["status"], i["source"]) for i in response.json()["items"]}
    assert card["economic_buyer"] == ("confirmed", "auto")
    assert card["decision_process"] == ("confirmed", "manual")  # untouched
    assert scorecard(sales, deal) == card


@pytest.mark.parametrize(
    "body",
    [
        {"items": [{"key": "budget", "status": "confirmed"}]},
        {"items": [{"key": "metrics", "status": "done"}]},
        {"items": [{"key": "metrics"}]},
        {"items": "metrics"},
        {},
        {
            "items": [
                {"key": "metrics", "status": "partial"},
                {"key": "metrics", "status": "confirmed"},
            ]
        },
    ],
)
def test_a_bad_scorecard_change_is_a_400_and_changes_nothing(sales, deal, body):
    response = sales.patch(f"/api/v1/deals/{deal.pk}/scorecard/", body, format="json")
    assert response.status_code == 400, response.content
    assert "items" in response.json()
    assert not ScorecardItem.objects.exists()


@pytest.mark.parametrize("who", ["exec", "pm"])
def test_only_sales_and_admins_set_letters(workspace, deal, who):
    client, _ = member_client(workspace, who)
    body = {"items": [{"key": "metrics", "status": "confirmed"}]}
    response = client.patch(f"/api/v1/deals/{deal.pk}/scorecard/", body, format="json")
    assert response.status_code == 403
    assert client.get(f"/api/v1/deals/{deal.pk}/scorecard/").status_code == 200
