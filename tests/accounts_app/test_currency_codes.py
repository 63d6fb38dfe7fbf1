"""A workspace's currency is an ISO 4217 code: a made-up one ("zzz") is refused on the settings
page and by the model's own rules, a real one in any case is kept in capitals."""

import pytest
from django.core.exceptions import ValidationError

from accounts_app.models import Workspace
from accounts_app.services import workspace_create_or_update, workspace_update
from common.currencies import ISO_4217_CURRENCIES

pytestmark = pytest.mark.django_db

SETTINGS = {"name": "Acme Observability", "hourly_cost": "150"}


@pytest.fixture
def admin(client, member):
    client.force_login(member("admin"))
    return client


@pytest.mark.parametrize("code", ["zzz", "ZZZ", "XXX", "XTS", "HRK"])
def test_a_made_up_or_withdrawn_code_is_refused_on_the_settings_page(admin, workspace, code):
    response = admin.post("/settings/", {**SETTINGS, "currency": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"“{code.upper()}” is not a currency" in page
    assert "three-letter ISO 4217 code such as USD, EUR or GBP" in page
    workspace.refresh_from_db()
    assert workspace.currency == "USD"


@pytest.mark.parametrize(("typed", "kept"), [("eur", "EUR"), (" gbp ", "GBP"), ("JPY", "JPY")])
def test_a_real_code_is_saved_in_capitals(admin, workspace, typed, kept):
    response = admin.post("/settings/", {**SETTINGS, "currency": typed})
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.currency == kept


def test_the_model_refuses_a_code_that_is_not_a_currency(workspace):
    with pytest.raises(ValidationError) as error:
        workspace_update(workspace=workspace, currency="ZZZ")
    assert error.value.message_dict["currency"] == [
        "“ZZZ” is not a currency: use a three-letter ISO 4217 code such as USD, EUR or GBP."
    ]
    with pytest.raises(ValidationError):
        workspace_create_or_update(slug="new-one", currency="zzz")
    assert not Workspace.objects.filter(slug="new-one").exists()


def test_the_list_holds_the_currencies_people_price_deals_in():
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "INR", "BRL", "XCG", "ZWG"} <= ISO_4217_CURRENCIES
    assert not {"ZZZ", "XXX", "XTS", "XAU", "HRK", "ANG"} & ISO_4217_CURRENCIES
    assert all(len(c) == 3 and c.isupper() and c.isalpha() for c in ISO_4217_CURRENCIES)
