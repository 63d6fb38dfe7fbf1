"""The workspace settings page: admins edit name, currency and hourly cost; others can't."""

from decimal import Decimal

import pytest

from accounts_app.models import Workspace
from accounts_app.services import workspace_update
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

VALID = {"name": "Acme Observability Inc.", "currency": "eur", "hourly_cost": "180.50"}


def test_admin_sees_the_settings_and_the_members(client, workspace, member):
    admin = member("admin", username="ada")
    member("sales", username="sam")
    MembershipFactory.create(workspace__slug="elsewhere", user__username="stranger")
    client.force_login(admin)
    response = client.get("/settings/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Acme Observability"' in page
    assert 'value="USD"' in page
    assert "ada" in page
    assert "sam" in page
    assert "Sales lead" in page
    assert "stranger" not in page


def test_admin_saves_new_settings(client, workspace, member):
    client.force_login(member("admin"))
    response = client.post("/settings/", VALID)
    assert response.status_code == 302
    assert response.url == "/settings/"
    workspace.refresh_from_db()
    assert workspace.name == "Acme Observability Inc."
    assert workspace.currency == "EUR"
    assert workspace.hourly_cost == Decimal("180.50")
    assert b"Workspace settings saved." in client.get("/settings/").content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hourly_cost", "-5", "greater than or equal to 0"),
        ("hourly_cost", "lots", "Enter a number."),
        ("hourly_cost", "12345678901", "no more than 10 digits"),
        ("currency", "EURO", "at most 3 characters"),
        ("currency", "E1R", "three-letter ISO 4217 code"),
        ("name", "", "This field is required."),
    ],
)
def test_bad_input_gives_a_form_error_and_changes_nothing(
    client, workspace, member, field, value, message
):
    client.force_login(member("admin"))
    response = client.post("/settings/", {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert b"field-error" in response.content
    workspace.refresh_from_db()
    assert workspace.name == "Acme Observability"
    assert workspace.hourly_cost == Decimal("150")


@pytest.mark.parametrize("role", ["pm", "sales", "exec"])
def test_other_roles_cannot_open_or_change_settings(client, workspace, member, role):
    client.force_login(member(role))
    assert client.get("/settings/").status_code == 403
    assert client.post("/settings/", VALID).status_code == 403
    workspace.refresh_from_db()
    assert workspace.name == "Acme Observability"


def test_admin_of_another_workspace_edits_only_their_own(
    client, workspace, other_workspace, member
):
    client.force_login(member("admin", ws=other_workspace))
    client.post("/settings/", VALID)
    workspace.refresh_from_db()
    other_workspace.refresh_from_db()
    assert workspace.name == "Acme Observability"
    assert other_workspace.name == "Acme Observability Inc."


def test_workspace_update_refuses_fields_that_are_not_settings(workspace):
    # The service names the settings it changes; anything else is not a parameter at all.
    with pytest.raises(TypeError, match="slug"):
        workspace_update(workspace=workspace, slug="hijack")
    assert Workspace.objects.filter(slug="acme").exists()


def test_workspace_update_validates_with_the_model_rules(workspace):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        workspace_update(workspace=workspace, currency="usd")
    assert "currency" in error.value.message_dict
