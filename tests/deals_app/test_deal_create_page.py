"""The "New deal" page (issue 23): sales and admins create a deal through deal_create, with the
account preselected from an account page, errors that keep the input, and a link from the
pipeline; other roles get 403 and no button."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deals_app.models import Deal
from events_app.models import Event
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

URL = reverse("deal-create")


@pytest.fixture
def account(workspace):
    return AccountFactory.create(workspace=workspace, name="Initech")


def _data(the_account, **overrides):
    data = {
        "account": the_account.pk,
        "name": "Initech observability",
        "stage": "discovery",
        "amount": "84000",
        "created_on": "2026-03-01",
        "close_date": "2026-09-30",
        "owner": "",
        "competitor": "Datadog",
    }
    data.update(overrides)
    return data


def test_a_sales_lead_creates_a_deal_and_lands_on_it(client, member, workspace, account):
    sam = member("sales", username="sam")
    client.force_login(sam)
    response = client.post(URL, _data(account, owner=sam.pk), follow=True)
    deal = Deal.objects.get(name="Initech observability")
    assert response.redirect_chain[-1][0] == reverse("deal-detail", args=[deal.pk])
    assert "Deal created." in response.content.decode()
    assert (deal.workspace, deal.account, deal.stage) == (workspace, account, "discovery")
    assert deal.amount == Decimal("84000")
    assert (deal.created_on, deal.close_date) == (dt.date(2026, 3, 1), dt.date(2026, 9, 30))
    assert deal.owner == sam and deal.competitor == "Datadog"
    assert Event.objects.filter(type="deal.created", object_id=str(deal.pk)).exists()
    assert deal.history.count() == 1  # the creation, by sam
    assert deal.history.first().history_user == sam


def test_the_form_defaults_to_prospecting_today_and_me_and_preselects_the_account(
    client, member, account
):
    sam = member("sales", username="sam")
    client.force_login(sam)
    response = client.get(URL, {"account": account.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["account"].value() == account.pk
    assert form["stage"].value() == "prospecting"
    assert form["owner"].value() == sam.pk
    assert form["created_on"].value() == timezone.localdate()
    html = response.content.decode()
    assert f'<option value="{account.pk}" selected>Initech</option>' in html


def test_another_workspaces_account_is_neither_offered_nor_accepted(
    client, member, account, other_workspace
):
    theirs = AccountFactory.create(workspace=other_workspace, name="Zebrafish Ltd")
    client.force_login(member("sales"))
    page = client.get(URL, {"account": theirs.pk})
    assert "Zebrafish" not in page.content.decode()
    response = client.post(URL, _data(theirs))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Deal.objects.filter(name="Initech observability").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"close_date": "2026-01-01"}, "close_date", "Close date cannot be before"),
        ({"amount": "-5"}, "amount", "Amount cannot be negative."),
        ({"name": ""}, "name", "This field is required."),
        ({"account": ""}, "account", "This field is required."),
    ],
)
def test_bad_input_is_a_form_error_that_keeps_the_input(
    client, member, account, overrides, field, message
):
    client.force_login(member("admin"))
    response = client.post(URL, _data(account, **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert "The deal was not created yet." in html
    if field != "name":
        assert 'value="Initech observability"' in html  # what was typed stays
    assert 'value="Datadog"' in html
    assert not Deal.objects.exists()


@pytest.mark.parametrize("role", ["pm", "exec"])
def test_other_roles_get_403_and_no_button(client, member, account, role):
    client.force_login(member(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _data(account)).status_code == 403
    assert not Deal.objects.exists()
    for page in (reverse("deal-list"), reverse("deal-list") + "?view=board"):
        assert 'data-testid="new-deal"' not in client.get(page).content.decode()


def test_the_deal_list_and_the_board_link_to_the_new_deal_page(client, member):
    client.force_login(member("sales"))
    for page in (reverse("deal-list"), reverse("deal-list") + "?view=board"):
        html = client.get(page).content.decode()
        assert f'href="{URL}" data-testid="new-deal"' in html


def test_the_page_runs_the_same_queries_whatever_the_number_of_accounts(client, member, workspace):
    client.force_login(member("sales"))
    AccountFactory.create_batch(2, workspace=workspace)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    AccountFactory.create_batch(30, workspace=workspace)
    for _ in range(5):
        member("sales")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)
