"""Editing a deal's name, stage, amount, close date and owner from its page (issue 23): through
deal_update, kept in the history the page shows; bad values are form errors, never a 500;
sales and admins only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from deals_app.models import Deal
from events_app.models import Event
from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def _url(deal):
    return reverse("deal-edit", args=[deal.pk, "details"])


def _data(deal, **overrides):
    data = {
        "deal-name": deal.name,
        "deal-stage": deal.stage,
        "deal-amount": str(deal.amount),
        "deal-close_date": deal.close_date.isoformat(),
        "deal-owner": deal.owner_id or "",
    }
    data.update({f"deal-{k}": v for k, v in overrides.items()})
    return data


@pytest.fixture
def deal(workspace):
    return DealFactory.create(account__workspace=workspace, name="Initech platform")


def test_a_sales_lead_changes_stage_amount_close_date_and_owner(client, member, deal):
    sam, ana = member("sales", username="sam"), member("sales", username="ana")
    client.force_login(sam)
    response = client.post(
        _url(deal),
        _data(deal, stage="proposal", amount="150000", close_date="2026-08-15", owner=ana.pk),
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(
        reverse("deal-detail", args=[deal.pk]) + "#details"
    )
    deal.refresh_from_db()
    assert (deal.stage, deal.amount) == ("proposal", Decimal("150000"))
    assert (deal.close_date, deal.owner) == (dt.date(2026, 8, 15), ana)
    html = response.content.decode()
    assert "Deal updated." in html
    # The history on the page says what changed, and who changed it.
    history = response.context["history"]
    labels = {c.label.lower() for entry in history for c in entry.changes}
    assert {"stage", "amount", "close date", "owner"} <= labels
    assert "changed from <strong>Discovery</strong> to <strong>Proposal</strong>" in html
    assert deal.history.first().history_user == sam
    assert Event.objects.filter(type="deal.stage_changed", object_id=str(deal.pk)).exists()


def test_the_form_shows_the_deals_values_and_the_workspaces_members(client, member, deal):
    sam = member("sales", username="sam")
    Deal.objects.filter(pk=deal.pk).update(owner=sam)
    client.force_login(sam)
    form = client.get(reverse("deal-detail", args=[deal.pk])).context["forms"]["details"]
    assert form["name"].value() == "Initech platform"
    assert form["stage"].value() == "discovery"
    assert form["owner"].value() == sam.pk
    assert [label for _v, label in form.fields["stage"].choices][-1] == "Negotiation"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"close_date": "2025-01-01"}, "close_date", "Close date cannot be before"),
        ({"amount": "-1"}, "amount", "Amount cannot be negative."),
        ({"stage": "closed_won"}, "stage", "Select a valid choice"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_values_are_shown_on_the_form_never_a_500(
    client, member, deal, overrides, field, message
):
    client.force_login(member("sales"))
    response = client.post(_url(deal), _data(deal, **overrides))
    assert response.status_code == 400
    form = response.context["forms"]["details"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert 'id="details" data-testid="deal-edit" open' in html  # the form stays open
    assert "That change was not saved." in html
    deal.refresh_from_db()
    assert (deal.stage, deal.amount, deal.close_date) == (
        "discovery",
        Decimal("120000.00"),
        dt.date(2026, 6, 30),
    )


def test_another_workspaces_member_cannot_be_made_owner(client, member, deal, other_workspace):
    stranger = member("sales", ws=other_workspace)
    client.force_login(member("sales"))
    response = client.post(_url(deal), _data(deal, owner=stranger.pk))
    assert response.status_code == 400
    deal.refresh_from_db()
    assert deal.owner is None


@pytest.mark.parametrize("role", ["pm", "exec"])
def test_readers_see_no_edit_form_and_cannot_post(client, member, deal, role):
    client.force_login(member(role))
    html = client.get(reverse("deal-detail", args=[deal.pk])).content.decode()
    assert 'data-testid="deal-edit"' not in html
    assert client.post(_url(deal), _data(deal, amount="1")).status_code == 403
    deal.refresh_from_db()
    assert deal.amount == Decimal("120000.00")


def test_a_closed_deals_stage_is_not_in_the_form(client, member, workspace):
    deal = DealFactory.create(account__workspace=workspace, stage="closed_won")
    client.force_login(member("sales"))
    form = client.get(reverse("deal-detail", args=[deal.pk])).context["forms"]["details"]
    assert "stage" not in form.fields
    data = _data(deal, amount="99")
    data.pop("deal-stage")
    assert client.post(_url(deal), data).status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.amount) == ("closed_won", Decimal("99"))
