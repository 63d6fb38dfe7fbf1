"""Accounts, workspaces, memberships and segments: derived size band and validation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts_app.models import Account, Membership, Segment, Workspace
from accounts_app.selectors import segment_accounts
from accounts_app.services import account_create, account_update
from tests.factories import AccountFactory, MembershipFactory, SegmentFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, "unknown"),
        (0, "smb"),
        (99, "smb"),
        (100, "mid_market"),
        (999, "mid_market"),
        (1000, "enterprise"),
        (9999, "enterprise"),
        (10000, "strategic"),
        (250000, "strategic"),
    ],
)
def test_size_band_is_derived_from_employee_count(workspace, employees, band):
    account = account_create(workspace=workspace, name="Initech", employee_count=employees)
    account.refresh_from_db()
    assert account.size_band == band


def test_size_band_follows_an_update_and_bulk_inserts(workspace):
    account = account_create(workspace=workspace, name="Initech", employee_count=50)
    account = account_update(account=account, employee_count=5000)
    assert account.size_band == "enterprise"
    Account.objects.bulk_create([Account(workspace=workspace, name="Bulk", employee_count=150)])
    assert Account.objects.get(name="Bulk").size_band == "mid_market"


def test_free_text_dimensions_are_trimmed(workspace):
    account = account_create(
        workspace=workspace, name="  Initech ", industry=" Fintech ", country="Germany  "
    )
    assert (account.name, account.industry, account.country) == ("Initech", "Fintech", "Germany")


def test_the_database_refuses_an_untrimmed_industry(workspace):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(workspace=workspace, name="Initech", industry="Fintech ")


def test_choices_are_enforced_with_messages_and_by_the_database(workspace):
    account = Account(workspace=workspace, name="Initech", deployment_model="on_premise")
    with pytest.raises(ValidationError) as exc:
        account.full_clean(exclude=["size_band"])
    assert "deployment_model" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        account.save()


def test_account_external_id_unique_per_workspace(workspace, other_workspace):
    account_create(workspace=workspace, name="A", external_id="001X")
    with pytest.raises(ValidationError, match="Another account in this workspace"):
        account_create(workspace=workspace, name="B", external_id="001X")
    account_create(workspace=other_workspace, name="B", external_id="001X")
    account_create(workspace=workspace, name="C")
    account_create(workspace=workspace, name="D")


def test_negative_revenue_is_rejected(workspace):
    with pytest.raises(ValidationError) as exc:
        account_create(workspace=workspace, name="A", annual_revenue=Decimal("-5"))
    assert "annual_revenue" in exc.value.message_dict


def test_workspace_currency_must_be_an_iso_code():
    workspace = Workspace(name="Acme", slug="acme", currency="euro")
    with pytest.raises(ValidationError) as exc:
        workspace.full_clean()
    assert any(
        "three-letter ISO 4217 code such as USD" in message
        for message in exc.value.message_dict["currency"]
    )
    assert Workspace(name="Acme", slug="acme2").currency == "USD"
    assert Workspace(name="Acme", slug="acme2").hourly_cost == Decimal("150")


def test_one_membership_per_user_and_workspace():
    membership = MembershipFactory.create(role=Membership.Role.SALES)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=membership.user, workspace=membership.workspace, role=Membership.Role.PM
        )
    MembershipFactory.create(user=membership.user, role=Membership.Role.EXEC)
    assert membership.user.memberships.count() == 2


def test_segment_filters_are_validated():
    segment = Segment(workspace=WorkspaceFactory.create(), name="VM", filters={"colour": "red"})
    with pytest.raises(ValidationError) as exc:
        segment.full_clean()
    assert "Unknown dimension(s): colour" in exc.value.message_dict["filters"][0]
    segment.filters = {"industry": 3}
    with pytest.raises(ValidationError, match="give a text value"):
        segment.full_clean()


def test_segment_matches_accounts_by_every_filter(workspace):
    match = AccountFactory.create(
        workspace=workspace, industry="Fintech", infrastructure="virtual_machines"
    )
    AccountFactory.create(workspace=workspace, industry="Fintech", infrastructure="containers")
    AccountFactory.create(workspace=workspace, industry="Retail", infrastructure="virtual_machines")
    AccountFactory.create(industry="Fintech", infrastructure="virtual_machines")  # elsewhere
    segment = SegmentFactory.create(
        workspace=workspace,
        filters={"industry": "Fintech", "infrastructure": ["virtual_machines", "bare_metal"]},
    )
    assert list(segment_accounts(segment=segment)) == [match]
