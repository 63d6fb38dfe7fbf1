"""Moving a deal between stages on the pipeline board (issue 23): by drag (a fetch answered in
JSON) or the card's "Move to" menu (a plain form POST); a move to Closed won/lost opens the
close form instead of closing silently; sales and admins only."""

import pytest
from django.urls import reverse

from deals_app.models import Deal
from events_app.models import Event
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("deal-list") + "?view=board"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def deal(workspace):
    return DealFactory.create(account__workspace=workspace, name="Initech platform")


def _url(deal):
    return reverse("deal-stage", args=[deal.pk])


def test_each_card_has_a_move_menu_for_the_keyboard(client, member, deal):
    client.force_login(member("sales"))
    html = client.get(BOARD).content.decode()
    assert f'action="{_url(deal)}"' in html
    assert f'<label class="visually-hidden" for="move-{deal.pk}">' in html
    assert '<option value="proposal">Move to Proposal</option>' in html
    assert 'draggable="true"' in html


def test_the_move_menu_posts_moves_and_comes_back_to_the_board(client, member, deal):
    client.force_login(member("sales"))
    response = client.post(_url(deal), {"stage": "proposal", "next": BOARD}, follow=True)
    assert response.redirect_chain[-1][0] == BOARD
    deal.refresh_from_db()
    assert deal.stage == "proposal"
    html = response.content.decode()
    assert "Initech platform moved to Proposal." in html
    column = next(c for c in response.context["board"] if c.stage == "proposal")
    assert column.count == 1 and [d.pk for d in column.deals] == [deal.pk]
    assert Event.objects.filter(type="deal.stage_changed", object_id=str(deal.pk)).exists()
    assert deal.history.first().stage == "proposal"


def test_a_drag_is_answered_in_json(client, member, deal):
    client.force_login(member("admin"))
    response = client.post(_url(deal), {"stage": "negotiation"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"message": "Initech platform moved to Negotiation.", "error": ""}
    deal.refresh_from_db()
    assert deal.stage == "negotiation"


@pytest.mark.parametrize(("stage", "outcome"), [("closed_won", "won"), ("closed_lost", "lost")])
def test_a_move_to_closed_opens_the_close_form_and_closes_nothing(
    client, member, deal, stage, outcome
):
    client.force_login(member("sales"))
    expected = reverse("deal-detail", args=[deal.pk]) + f"?outcome={outcome}#close"
    assert client.post(_url(deal), {"stage": stage}, **JSON).json() == {"redirect": expected}
    response = client.post(_url(deal), {"stage": stage})
    assert response.status_code == 302 and response["Location"] == expected
    deal.refresh_from_db()
    assert deal.stage == "discovery"
    page = client.get(expected)
    assert page.context["forms"]["close"]["outcome"].value() == outcome


def test_a_bad_stage_or_an_outside_next_is_refused(client, member, deal):
    client.force_login(member("sales"))
    response = client.post(_url(deal), {"stage": "won-ish"}, **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "Choose a stage."
    response = client.post(_url(deal), {"stage": "proposal", "next": "https://evil.example/"})
    assert response["Location"] == BOARD


def test_reopening_a_lost_deal_clears_its_loss_reason(client, member, workspace):
    deal = DealFactory.create(
        account__workspace=workspace, stage="closed_lost", loss_reason="price"
    )
    client.force_login(member("sales"))
    assert client.post(_url(deal), {"stage": "negotiation"}, **JSON).status_code == 200
    deal.refresh_from_db()
    assert (deal.stage, deal.loss_reason) == ("negotiation", "")


@pytest.mark.parametrize("role", ["pm", "exec"])
def test_readers_get_no_menu_and_cannot_move(client, member, deal, role):
    client.force_login(member(role))
    html = client.get(BOARD).content.decode()
    assert "data-board-move" not in html and 'draggable="true"' not in html
    assert client.post(_url(deal), {"stage": "proposal"}).status_code == 403
    deal.refresh_from_db()
    assert deal.stage == "discovery"


def test_another_workspaces_deal_is_not_found(client, member, other_workspace):
    theirs = DealFactory.create(account__workspace=other_workspace)
    client.force_login(member("sales"))
    assert client.post(_url(theirs), {"stage": "proposal"}).status_code == 404
    assert Deal.objects.get(pk=theirs.pk).stage == "discovery"
