"""The deal page: what it shows, who may edit it, each edit, bad input, and its query count."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deals_app.models import Deal, DealRole, ScorecardItem
from personas_app.models import Advocacy, Contact
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


@pytest.fixture
def sales(client, member):
    client.force_login(member("sales", username="sam"))
    return client


def rich_deal(workspace, *, extra_people=0, extra_conversations=0):
    """A deal with a buyer, a champion without a path to them, an external advisor,
    a business case, and conversations with pain tags."""
    account = AccountFactory.create(workspace=workspace, name="Initech")
    deal = DealFactory.create(account=account, workspace=workspace, name="Initech platform")
    ines = ContactFactory.create(
        account=account, first_name="Ines", last_name="Ito", title="CIO", seniority="c_level"
    )
    sam = ContactFactory.create(
        account=account, first_name="Sam", last_name="Sosa", title="SRE lead", seniority="manager"
    )
    partner = AccountFactory.create(workspace=workspace, name="Consult Co")
    kai = ContactFactory.create(account=partner, first_name="Kai", last_name="Kern")
    DealRoleFactory.create(deal=deal, contact=ines, role="economic_buyer", stance="neutral")
    DealRoleFactory.create(deal=deal, contact=sam, role="champion", is_primary=True)
    DealRoleFactory.create(deal=deal, contact=kai, role="influencer")
    BusinessCaseFactory.create(
        deal=deal, description="Retire two monitoring tools.", estimated_annual_value=400000
    )
    pain = TagFactory.create(workspace=workspace, name="Alert fatigue")
    for i in range(1 + extra_conversations):
        conversation = ConversationFactory.create(
            account=account,
            workspace=workspace,
            deal=deal,
            title=f"Discovery call {i}",
            occurred_on=dt.date(2026, 3, 1) + dt.timedelta(days=i),
        )
        conversation.participants.add(sam)
        conversation.tags.add(pain)
    for i in range(extra_people):
        contact = ContactFactory.create(account=account, reports_to=sam, last_name=f"User{i}")
        DealRoleFactory.create(deal=deal, contact=contact, role="user")
        AdvocacyFactory.create(advocate=contact, audience=sam, workspace=workspace)
    return deal, {"ines": ines, "sam": sam, "kai": kai}


def url(deal, action=None):
    if action:
        return reverse("deal-edit", args=[deal.pk, action])
    return reverse("deal-detail", args=[deal.pk])


def figure_of(response) -> dict:
    match = re.search(
        r'<script id="persona-map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries the figure as JSON"
    return json.loads(match.group(1))


def risk_codes(response) -> list[str]:
    return [r["code"] for r in response.context["risks"]]


# ---------------------------------------------------------------- reading


def test_the_page_shows_map_risks_scorecard_case_pains_and_timeline(sales, workspace):
    deal, people = rich_deal(workspace)
    response = sales.get(url(deal))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Initech platform" in html
    nodes = [
        c
        for t in figure_of(response)["data"]
        if (t.get("meta") or {}).get("kind") == "nodes"
        for c in t["customdata"]
    ]
    assert sorted(nodes) == sorted(p.pk for p in people.values())
    assert risk_codes(response) == ["buyer_not_engaged", "no_path_to_buyer"]
    assert "No path from Sam Sosa (champion) to Ines Ito (economic buyer)" in html
    assert "To clear it:" in html
    assert 'data-key="metrics"' in html and "auto · business case" in html
    assert "400,000" in html and "Retire two monitoring tools." in html
    assert "Alert fatigue" in html and "1 conversation" in html
    assert "Discovery call 0" in html
    assert "external" in html  # Kai belongs to another account
    assert "vendor/plotly/plotly.min.js" in html
    assert "<script>" not in html  # no inline script: the map starts from a static file


def test_the_deal_list_links_to_the_deal_page(sales, workspace):
    deal, _ = rich_deal(workspace)
    response = sales.get(reverse("deal-list"))
    assert f'href="{url(deal)}"' in response.content.decode()


def test_another_workspaces_deal_is_not_found(sales, other_workspace):
    deal = DealFactory.create(account__workspace=other_workspace)
    assert sales.get(url(deal)).status_code == 404
    response = sales.post(url(deal, "stance"), {"deal_role": 1, "stance": "opponent"})
    assert response.status_code == 404


def test_a_role_of_another_deal_cannot_be_changed_through_this_one(sales, workspace):
    deal, _ = rich_deal(workspace)
    elsewhere = DealRoleFactory.create(deal__account__workspace=workspace, stance="neutral")
    response = sales.post(url(deal, "stance"), {"deal_role": elsewhere.pk, "stance": "opponent"})
    assert response.status_code == 400
    elsewhere.refresh_from_db()
    assert elsewhere.stance == "neutral"


@pytest.mark.parametrize("role", ["pm", "exec"])
def test_readers_see_no_forms_and_cannot_post_any(client, member, workspace, role):
    deal, people = rich_deal(workspace)
    client.force_login(member(role))
    response = client.get(url(deal))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="map-forms"' not in html
    assert 'data-testid="form-scorecard"' not in html
    assert 'data-testid="form-close"' not in html
    posts = {
        "add-person": {"add-last_name": "New", "add-role": "user", "add-stance": "neutral"},
        "stance": {"deal_role": DealRole.objects.first().pk, "stance": "opponent"},
        "remove-role": {"deal_role": DealRole.objects.first().pk},
        "add-advocacy": {"adv-advocate": people["sam"].pk, "adv-audience": people["ines"].pk},
        "remove-advocacy": {"advocacy": 1},
        "reports-to": {"rep-contact": people["sam"].pk, "rep-reports_to": people["ines"].pk},
        "has-left": {"contact": people["sam"].pk, "has_left": "on"},
        "scorecard": {"score-key": "paper_process", "score-status": "confirmed"},
        "close": {"close-outcome": "won", "close-close_date": "2026-06-01"},
    }
    for action, data in posts.items():
        assert client.post(url(deal, action), data).status_code == 403, action
    assert DealRole.objects.count() == 3
    assert not Advocacy.objects.exists()
    assert Deal.objects.get(pk=deal.pk).is_open


def test_admins_edit_too(client, member, workspace):
    deal, _ = rich_deal(workspace)
    client.force_login(member("admin"))
    data = {"score-key": "paper_process", "score-status": "partial"}
    assert client.post(url(deal, "scorecard"), data).status_code == 302


def test_the_page_runs_the_same_number_of_queries_for_5_or_50_people(sales, workspace):
    def count(deal):
        with CaptureQueriesContext(connection) as ctx:
            assert sales.get(url(deal)).status_code == 200
        return len(ctx.captured_queries)

    small, _ = rich_deal(workspace, extra_people=2, extra_conversations=2)
    big, _ = rich_deal(workspace, extra_people=47, extra_conversations=47)
    assert count(small) == count(big)


# ---------------------------------------------------------------- editing the map


def test_adding_the_missing_advocacy_edge_clears_no_path_to_buyer(sales, workspace):
    deal, people = rich_deal(workspace)
    response = sales.post(
        url(deal, "add-advocacy"),
        {"adv-advocate": people["sam"].pk, "adv-audience": people["ines"].pk, "adv-note": "Intro"},
    )
    assert response.status_code == 302
    assert Advocacy.objects.filter(advocate=people["sam"], audience=people["ines"]).exists()
    response = sales.get(url(deal))
    assert "no_path_to_buyer" not in risk_codes(response)
    assert "Sam Sosa advocates to Ines Ito." in response.content.decode()


def test_an_advocacy_to_oneself_or_a_duplicate_is_a_form_error(sales, workspace):
    deal, people = rich_deal(workspace)
    sam, ines = people["sam"].pk, people["ines"].pk
    response = sales.post(url(deal, "add-advocacy"), {"adv-advocate": sam, "adv-audience": sam})
    assert response.status_code == 400
    assert "cannot advocate to themselves" in response.content.decode()
    sales.post(url(deal, "add-advocacy"), {"adv-advocate": sam, "adv-audience": ines})
    response = sales.post(url(deal, "add-advocacy"), {"adv-advocate": sam, "adv-audience": ines})
    assert response.status_code == 400
    assert "already advocates to" in response.content.decode()
    assert Advocacy.objects.count() == 1


def test_a_contact_of_another_workspace_cannot_be_named(sales, workspace, other_workspace):
    deal, people = rich_deal(workspace)
    stranger = ContactFactory.create(account__workspace=other_workspace)
    response = sales.post(
        url(deal, "add-advocacy"),
        {"adv-advocate": stranger.pk, "adv-audience": people["ines"].pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Advocacy.objects.exists()


def test_removing_an_advocacy_edge(sales, workspace):
    deal, people = rich_deal(workspace)
    edge = AdvocacyFactory.create(advocate=people["sam"], audience=people["ines"])
    assert sales.post(url(deal, "remove-advocacy"), {"advocacy": edge.pk}).status_code == 302
    assert not Advocacy.objects.exists()
    assert "no_path_to_buyer" in risk_codes(sales.get(url(deal)))


def test_adding_an_existing_contact_with_a_role(sales, workspace):
    deal, people = rich_deal(workspace)
    response = sales.post(
        url(deal, "add-person"),
        {
            "add-contact": people["sam"].pk,
            "add-role": "technical_evaluator",
            "add-stance": "supporter",
        },
    )
    assert response.status_code == 302
    assert set(people["sam"].deal_roles.values_list("role", flat=True)) == {
        "champion",
        "technical_evaluator",
    }


def test_adding_a_new_contact_with_a_role(sales, workspace):
    deal, _ = rich_deal(workspace)
    response = sales.post(
        url(deal, "add-person"),
        {
            "add-first_name": "Dana",
            "add-last_name": "Diaz",
            "add-title": "VP Engineering",
            "add-seniority": "vp",
            "add-role": "decision_maker",
            "add-stance": "supporter",
        },
    )
    assert response.status_code == 302
    dana = Contact.objects.get(last_name="Diaz")
    assert dana.account_id == deal.account_id and dana.workspace_id == workspace.pk
    assert dana.deal_roles.get().role == "decision_maker"


def test_adding_a_person_without_a_name_or_twice_in_a_role_is_a_form_error(sales, workspace):
    deal, people = rich_deal(workspace)
    response = sales.post(url(deal, "add-person"), {"add-role": "user", "add-stance": "neutral"})
    assert response.status_code == 400
    assert "give the new contact&#x27;s last name" in response.content.decode()
    response = sales.post(
        url(deal, "add-person"),
        {"add-contact": people["sam"].pk, "add-role": "champion", "add-stance": "neutral"},
    )
    assert response.status_code == 400
    assert "already has this role" in response.content.decode()
    assert DealRole.objects.count() == 3


def test_changing_a_stance_raises_opponent_in_power(sales, workspace):
    deal, people = rich_deal(workspace)
    role = people["ines"].deal_roles.get()
    response = sales.post(url(deal, "stance"), {"deal_role": role.pk, "stance": "opponent"})
    assert response.status_code == 302
    assert "opponent_in_power" in risk_codes(sales.get(url(deal)))
    response = sales.post(url(deal, "stance"), {"deal_role": role.pk, "stance": "furious"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_removing_a_role(sales, workspace):
    deal, people = rich_deal(workspace)
    role = people["sam"].deal_roles.get()
    assert sales.post(url(deal, "remove-role"), {"deal_role": role.pk}).status_code == 302
    assert "no_champion" in risk_codes(sales.get(url(deal)))


def test_setting_a_reporting_line_can_make_the_path(sales, workspace):
    deal, people = rich_deal(workspace)
    data = {"rep-contact": people["sam"].pk, "rep-reports_to": people["ines"].pk}
    assert sales.post(url(deal, "reports-to"), data).status_code == 302
    people["sam"].refresh_from_db()
    assert people["sam"].reports_to_id == people["ines"].pk
    assert "no_path_to_buyer" not in risk_codes(sales.get(url(deal)))
    data = {"rep-contact": people["sam"].pk, "rep-reports_to": ""}
    assert sales.post(url(deal, "reports-to"), data).status_code == 302
    people["sam"].refresh_from_db()
    assert people["sam"].reports_to_id is None


def test_a_reporting_line_across_accounts_or_in_a_loop_is_a_form_error(sales, workspace):
    deal, people = rich_deal(workspace)
    data = {"rep-contact": people["sam"].pk, "rep-reports_to": people["kai"].pk}
    response = sales.post(url(deal, "reports-to"), data)
    assert response.status_code == 400
    assert "same account" in response.content.decode()
    sales.post(
        url(deal, "reports-to"),
        {"rep-contact": people["sam"].pk, "rep-reports_to": people["ines"].pk},
    )
    data = {"rep-contact": people["ines"].pk, "rep-reports_to": people["sam"].pk}
    response = sales.post(url(deal, "reports-to"), data)
    assert response.status_code == 400
    assert "loop" in response.content.decode()


def test_marking_the_champion_as_left_raises_champion_left(sales, workspace):
    deal, people = rich_deal(workspace)
    data = {"contact": people["sam"].pk, "has_left": "on"}
    assert sales.post(url(deal, "has-left"), data).status_code == 302
    people["sam"].refresh_from_db()
    assert people["sam"].has_left
    assert "champion_left" in risk_codes(sales.get(url(deal)))
    assert sales.post(url(deal, "has-left"), {"contact": people["sam"].pk}).status_code == 302
    people["sam"].refresh_from_db()
    assert not people["sam"].has_left


def test_a_bad_contact_id_is_a_form_error_not_a_crash(sales, workspace):
    deal, _ = rich_deal(workspace)
    response = sales.post(url(deal, "has-left"), {"contact": "abc"})
    assert response.status_code == 400
    response = sales.post(url(deal, "has-left"), {"contact": 999999})
    assert response.status_code == 400
    assert "Choose a contact of this deal" in response.content.decode()


def test_an_unknown_action_is_not_found(sales, workspace):
    deal, _ = rich_deal(workspace)
    assert sales.post(url(deal, "explode"), {}).status_code == 404


# ---------------------------------------------------------------- scorecard and closing


def test_setting_a_letter_by_hand_and_back_to_auto(sales, workspace):
    deal, _ = rich_deal(workspace)
    data = {"score-key": "paper_process", "score-status": "confirmed", "score-note": "MSA signed"}
    assert sales.post(url(deal, "scorecard"), data).status_code == 302
    line = next(s for s in sales.get(url(deal)).context["scorecard"] if s.key == "paper_process")
    assert (line.status, line.source, line.note) == ("confirmed", "manual", "MSA signed")
    data = {"score-key": "paper_process", "score-status": ""}
    assert sales.post(url(deal, "scorecard"), data).status_code == 302
    assert not ScorecardItem.objects.exists()
    response = sales.post(url(deal, "scorecard"), {"score-key": "x", "score-status": "confirmed"})
    assert response.status_code == 400


def test_closing_as_lost_needs_a_loss_reason(sales, workspace):
    deal, _ = rich_deal(workspace)
    data = {"close-outcome": "lost", "close-close_date": "2026-06-01"}
    response = sales.post(url(deal, "close"), data)
    assert response.status_code == 400
    assert "Say why the deal was lost." in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).is_open
    data["close-loss_reason"] = "competitor"
    data["close-competitor"] = "Datadog"
    assert sales.post(url(deal, "close"), data).status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.loss_reason, deal.competitor) == (
        "closed_lost",
        "competitor",
        "Datadog",
    )
    response = sales.get(url(deal))
    assert "Loss reason: <strong>Competitor</strong>" in response.content.decode()
    assert response.context["risks"] == []


def test_closing_before_the_deal_opened_is_a_form_error(sales, workspace):
    deal, _ = rich_deal(workspace)
    data = {"close-outcome": "won", "close-close_date": "2020-01-01"}
    response = sales.post(url(deal, "close"), data)
    assert response.status_code == 400
    assert "cannot be before the date the deal was opened" in response.content.decode()
    deal.refresh_from_db()
    assert deal.is_open and deal.amount == Decimal("120000.00")


def test_closing_a_closed_deal_again_is_a_form_error(sales, workspace):
    deal, _ = rich_deal(workspace)
    data = {"close-outcome": "won", "close-close_date": "2026-06-01"}
    assert sales.post(url(deal, "close"), data).status_code == 302
    response = sales.post(url(deal, "close"), data)
    assert response.status_code == 400
    assert "already closed won" in response.content.decode()


def test_a_deal_without_people_renders_its_gaps_and_no_map(sales, workspace):
    deal = DealFactory.create(account__workspace=workspace)
    response = sales.get(url(deal))
    assert response.status_code == 200
    html = response.content.decode()
    assert "persona-map-data" not in html
    assert "Nobody has a role on this deal yet." in html
    assert risk_codes(response) == ["no_economic_buyer", "no_champion", "single_threaded"]
    assert [g["code"] for g in response.context["gaps"]] == ["no_economic_buyer", "no_champion"]
