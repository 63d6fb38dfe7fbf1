"""Closing a deal from its page (issue 23): the outcome has no default (two radio buttons,
neither checked), choosing none is a clear error, and lost needs a loss reason."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(workspace):
    return DealFactory.create(account__workspace=workspace)


def test_the_outcome_is_two_radio_buttons_neither_checked(client, member, deal):
    client.force_login(member("sales"))
    response = client.get(reverse("deal-detail", args=[deal.pk]))
    html = response.content.decode()
    radios = re.findall(r'<input type="radio" name="close-outcome"[^>]*>', html)
    assert len(radios) == 2
    assert not any("checked" in radio for radio in radios)
    assert response.context["forms"]["close"]["close_date"].value() == timezone.localdate()


def test_closing_without_an_outcome_is_a_clear_error(client, member, deal):
    client.force_login(member("sales"))
    url = reverse("deal-edit", args=[deal.pk, "close"])
    response = client.post(url, {"close-close_date": "2026-06-01"})
    assert response.status_code == 400
    assert "Choose the outcome: won or lost." in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == "discovery"


def test_lost_needs_a_reason_and_won_closes(client, member, deal):
    client.force_login(member("sales"))
    url = reverse("deal-edit", args=[deal.pk, "close"])
    data = {"close-outcome": "lost", "close-close_date": "2026-06-01"}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why the deal was lost." in html
    assert re.search(r'<input type="radio" name="close-outcome" value="lost"[^>]*checked', html)
    data["close-outcome"] = "won"
    assert client.post(url, data).status_code == 302
    deal.refresh_from_db()
    assert deal.stage == "closed_won"
