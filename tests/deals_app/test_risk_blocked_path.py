"""`no_path_to_buyer` when someone blocks the way (PRODUCT.md §5, issue 21): a path that runs
through a contact who opposes the deal (in any of their roles on it) or who has left is no path,
and the warning names who blocks it. The per-deal and batched readers, the persona map, the API
and the deal page agree."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts_app.models import Membership
from deals_app.models import Deal, DealRole
from deals_app.selectors import deal_persona_map, deal_risks, deal_risks_for
from tests.api_support import member_client
from tests.factories import (
    AccountFactory,
    AdvocacyFactory,
    ContactFactory,
    DealFactory,
    DealRoleFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)
Role, Stance = DealRole.Role, DealRole.Stance


def contact(deal, first, last, **kwargs):
    return ContactFactory.create(account=deal.account, first_name=first, last_name=last, **kwargs)


def role(deal, who, which, stance=Stance.SUPPORTER):
    DealRoleFactory.create(deal=deal, contact=who, role=which, stance=stance, last_engaged_on=TODAY)


def no_path(deal) -> str | None:
    """The `no_path_to_buyer` message, after checking the batched reader says the same (in a
    batch with a healthy neighbour on the same account)."""
    neighbour = DealFactory.create(account=deal.account, workspace=deal.workspace, name="Other")
    deals = list(Deal.objects.filter(pk__in=[deal.pk, neighbour.pk]).order_by("id"))
    batched = deal_risks_for(deals=deals, today=TODAY)
    single = {d.pk: deal_risks(deal=d, today=TODAY) for d in deals}
    pairs = {pk: [(r.code, r.message) for r in risks] for pk, risks in batched.items()}
    assert pairs == {pk: [(r.code, r.message) for r in risks] for pk, risks in single.items()}
    neighbour.delete()
    messages = {r.code: r.message for r in single[deal.pk]}
    gaps = deal_persona_map(deal=deal).gaps
    assert ("no_path_to_buyer" in gaps) == ("no_path_to_buyer" in messages)
    return messages.get("no_path_to_buyer")


@pytest.fixture
def deal(workspace):
    return DealFactory.create(account=AccountFactory.create(workspace=workspace, name="Initech"))


@pytest.fixture
def issue(deal):
    """The map of issue 21: Emma (champion) → Caroline (blocker, opponent) → Stacey (buyer)."""
    emma = contact(deal, "Emma", "Bradley")
    caroline = contact(deal, "Caroline", "Wilson")
    stacey = contact(deal, "Stacey", "Jarvis", title="CFO")
    role(deal, emma, Role.CHAMPION)
    role(deal, caroline, Role.BLOCKER, Stance.OPPONENT)
    role(deal, stacey, Role.ECONOMIC_BUYER)
    AdvocacyFactory.create(advocate=emma, audience=caroline)
    AdvocacyFactory.create(advocate=caroline, audience=stacey)
    return {"emma": emma, "caroline": caroline, "stacey": stacey}


def test_an_opponent_inside_the_only_path_blocks_it_and_is_named(deal, issue):
    message = no_path(deal)
    assert message is not None
    assert message.startswith("No path from Emma Bradley (champion) to Stacey Jarvis (economic")
    assert "every one runs through Caroline Wilson (opponent)" in message
    persona_map = deal_persona_map(deal=deal)
    assert persona_map.path is None
    assert persona_map.blocked_path == [p.pk for p in issue.values()]
    assert [p.contact for p in persona_map.blockers] == [issue["caroline"].pk]


def test_a_clean_way_round_the_opponent_is_a_path(deal, issue):
    assistant = contact(deal, "Ali", "Khan", reports_to=issue["stacey"])  # no role on the deal
    AdvocacyFactory.create(advocate=issue["emma"], audience=assistant)
    assert no_path(deal) is None
    persona_map = deal_persona_map(deal=deal)
    assert persona_map.path == [issue["emma"].pk, assistant.pk, issue["stacey"].pk]
    assert persona_map.blocked_path is None and persona_map.blockers == []


def test_winning_the_opponent_over_opens_the_path(deal, issue):
    DealRole.objects.filter(contact=issue["caroline"]).update(stance=Stance.NEUTRAL)
    assert no_path(deal) is None


def test_opposing_in_any_one_role_blocks(deal, issue):
    DealRole.objects.filter(contact=issue["caroline"]).update(stance=Stance.SUPPORTER)
    assert no_path(deal) is None
    role(deal, issue["caroline"], Role.INFLUENCER, Stance.OPPONENT)
    assert "Caroline Wilson (opponent)" in (no_path(deal) or "")


def test_opposing_another_deal_does_not_block_this_one(deal, issue):
    DealRole.objects.filter(contact=issue["caroline"]).delete()  # no role here: no stance here
    other = DealFactory.create(account=deal.account, workspace=deal.workspace)
    role(other, issue["caroline"], Role.BLOCKER, Stance.OPPONENT)
    assert no_path(deal) is None


def test_someone_who_left_blocks_even_without_a_role(deal):
    emma, stacey = contact(deal, "Emma", "Bradley"), contact(deal, "Stacey", "Jarvis")
    gone = contact(deal, "Gus", "Gone", has_left=True, reports_to=stacey)
    role(deal, emma, Role.CHAMPION)
    role(deal, stacey, Role.ECONOMIC_BUYER)
    AdvocacyFactory.create(advocate=emma, audience=gone)
    message = no_path(deal)
    assert message is not None and "every one runs through Gus Gone (has left)" in message
    # The blocked path is drawn: the person who left is on the map although they hold no role.
    assert gone.pk in [n.contact for n in deal_persona_map(deal=deal).nodes]
    gone.has_left = False
    gone.save()
    assert no_path(deal) is None


def test_every_blocker_is_named_when_each_path_has_its_own(deal, issue):
    gone = contact(deal, "Gus", "Gone", has_left=True)
    AdvocacyFactory.create(advocate=issue["emma"], audience=gone)
    AdvocacyFactory.create(advocate=gone, audience=issue["stacey"])
    message = no_path(deal) or ""
    assert "every one runs through Caroline Wilson (opponent) or Gus Gone (has left)" in message


def test_an_opponent_off_every_path_is_not_named(deal, issue):
    bystander = contact(deal, "Bea", "Stander")
    role(deal, bystander, Role.USER, Stance.OPPONENT)
    AdvocacyFactory.create(advocate=bystander, audience=issue["emma"])  # leads to no buyer
    message = no_path(deal) or ""
    assert "Caroline Wilson (opponent)" in message and "Bea Stander" not in message


def test_the_ends_of_a_path_are_not_judged_by_it(deal, issue):
    """An opposing buyer is `opponent_in_power`, not a blocked path."""
    DealRole.objects.filter(contact=issue["caroline"]).update(stance=Stance.SUPPORTER)
    DealRole.objects.filter(contact=issue["stacey"]).update(stance=Stance.OPPONENT)
    assert no_path(deal) is None
    codes = [r.code for r in deal_risks(deal=deal, today=TODAY)]
    assert "opponent_in_power" in codes


def test_a_champion_who_left_starts_no_path(deal, issue):
    """Their leaving is `champion_left`; with no champion still there, there is no path to
    look for. A champion who stays and whose only way runs through them is blocked."""
    DealRole.objects.filter(contact=issue["caroline"]).update(stance=Stance.SUPPORTER)
    issue["emma"].has_left = True
    issue["emma"].save()
    assert no_path(deal) is None
    codes = [r.code for r in deal_risks(deal=deal, today=TODAY)]
    assert "champion_left" in codes
    nia = contact(deal, "Nia", "New")
    role(deal, nia, Role.CHAMPION)
    AdvocacyFactory.create(advocate=nia, audience=issue["emma"])
    message = no_path(deal) or ""
    assert message.startswith("No path from Nia New (champion) to Stacey Jarvis")
    assert "every one runs through Emma Bradley (has left)" in message
    assert "Find someone else who can introduce" in message
    AdvocacyFactory.create(advocate=nia, audience=issue["caroline"])
    assert no_path(deal) is None


def test_no_path_at_all_keeps_its_own_sentence(deal):
    emma, stacey = contact(deal, "Emma", "Bradley"), contact(deal, "Stacey", "Jarvis")
    role(deal, emma, Role.CHAMPION)
    role(deal, stacey, Role.ECONOMIC_BUYER)
    message = no_path(deal) or ""
    assert "nobody they advocate to or report to leads there" in message
    assert deal_persona_map(deal=deal).blocked_path is None


def test_the_api_and_the_deal_page_show_the_blocked_path(client, member, workspace, deal, issue):
    sales = member_client(workspace, Membership.Role.SALES)[0]
    response = sales.get(f"/api/v1/deals/{deal.pk}/risks/")
    found = {r["code"]: r["message"] for r in response.json()["risks"]}
    assert "Caroline Wilson (opponent)" in found["no_path_to_buyer"]
    assert sales.get(f"/api/v1/deals/{deal.pk}/persona-map/").json()["gaps"] == ["no_path_to_buyer"]

    client.force_login(member("sales", username="sam"))
    response = client.get(reverse("deal-detail", args=[deal.pk]))
    html = response.content.decode()
    assert "no_path_to_buyer" in [r["code"] for r in response.context["risks"]]
    assert 'data-testid="no-risks"' not in html
    assert "every one runs through Caroline Wilson (opponent)" in html
    assert 'data-testid="blocked-path"' in html
    assert (
        'Emma Bradley → <span class="path-blocker" data-blocker>Caroline Wilson (opponent)</span>'
        " → Stacey Jarvis" in html
    )
    assert "Path to the buyer:" not in html
