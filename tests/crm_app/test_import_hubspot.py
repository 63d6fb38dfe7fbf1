"""HubSpot exports with their UI labels: companies, contacts and deals, with multi-id
association cells and buying roles (PRODUCT.md §8)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from accounts_app.models import Account
from crm_app.services.import_run import import_run
from deals_app.models import Deal, DealRole
from personas_app.models import Contact

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "hubspot"
FILES = [FIXTURES / "deals.csv", FIXTURES / "contacts.csv", FIXTURES / "companies.csv"]


def test_hubspot_label_exports_are_recognised(workspace):
    result = import_run(workspace=workspace, files=FILES)
    assert result.ok, result.report
    assert [f["source"] for f in result.files] == [
        "HubSpot deals export",
        "HubSpot contacts export",
        "HubSpot companies export",
    ]
    assert result.files[0]["ignored"] == ["Pipeline"]


def test_hubspot_companies_values(workspace):
    import_run(workspace=workspace, files=FILES)
    northwind = Account.objects.get(workspace=workspace, external_id="9001")
    assert (
        northwind.name,
        northwind.domain,
        northwind.employee_count,
        northwind.annual_revenue,
        northwind.country,
        northwind.lifecycle,
    ) == (
        "Northwind Traders",
        "northwind.example",
        1250,
        Decimal("72395.00"),
        "Germany",
        "customer",
    )
    contoso = Account.objects.get(workspace=workspace, external_id="9002")
    assert (contoso.annual_revenue, contoso.lifecycle) == (Decimal("101752000000.00"), "prospect")
    fabrikam = Account.objects.get(workspace=workspace, external_id="9003")
    assert (fabrikam.employee_count, fabrikam.annual_revenue) == (None, None)


def test_hubspot_deals_values(workspace):
    result = import_run(workspace=workspace, files=FILES)
    deals = {d.external_id: d for d in Deal.objects.filter(workspace=workspace)}
    assert deals["7001"].stage == "negotiation"  # Contract Sent
    assert deals["7001"].amount == Decimal("1250.00")
    assert deals["7001"].close_date == dt.date(2024, 10, 12)  # 10/12/2024, month first
    assert deals["7001"].created_on == dt.date(2024, 6, 1)
    assert deals["7002"].stage == "closed_won"
    assert deals["7002"].account.external_id == "9001"  # the first of 9001;9002
    assert (deals["7003"].stage, deals["7003"].amount) == ("closed_lost", Decimal("120000.00"))
    assert (deals["7004"].stage, deals["7004"].amount) == ("evaluation", None)
    assert deals["7004"].close_date == dt.date(2024, 12, 31)  # 31/12/2024 can only be day first
    assert any("10/12/2024" in note and "month/day" in note for note in result.notes)
    assert any("several companies" in note for note in result.notes)


def test_contacts_with_one_email_stay_two_contacts(workspace):
    import_run(workspace=workspace, files=FILES)
    assert Contact.objects.filter(workspace=workspace, email="ada@northwind.example").count() == 2


def test_multi_id_association_cells_give_roles_from_the_buying_role(workspace):
    result = import_run(workspace=workspace, files=FILES)
    roles = set(
        DealRole.objects.filter(workspace=workspace).values_list(
            "deal__external_id", "contact__external_id", "role"
        )
    )
    assert roles == {
        ("7001", "501", "economic_buyer"),  # BUDGET_HOLDER
        ("7001", "502", "champion"),
        ("7001", "502", "user"),  # CHAMPION;END_USER
        ("7002", "502", "champion"),
        ("7002", "502", "user"),
        ("7002", "504", "other"),  # an unknown buying role
        ("7004", "503", "decision_maker"),  # only the deal lists this contact
    }
    assert result.counts["deal_role"]["created"] == 7
    role = DealRole.objects.get(deal__external_id="7004")
    assert role.is_external  # a Contoso contact on a Fabrikam deal


def test_a_second_hubspot_import_changes_nothing(workspace):
    import_run(workspace=workspace, files=FILES)
    again = import_run(workspace=workspace, files=FILES)
    assert again.ok
    for kind, counts in again.counts.items():
        assert (counts["created"], counts["updated"]) == (0, 0), kind
