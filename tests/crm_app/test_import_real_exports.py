"""The real exports of ../shared/acceptance_data import with the counts their CSVs imply.

Expectations are computed from the CSV files here (csv module), not copied from the importer.
"""

import csv
import datetime as dt
import itertools
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from accounts_app.models import Account
from crm_app.services.import_run import ImportRefused, import_run
from deals_app.models import Deal, DealRole
from personas_app.models import Contact
from tests.factories import AccountFactory
from tests.fixtures.imports.support import acceptance_dir, read_rows, write_csv

pytestmark = pytest.mark.django_db

SF_FILES = ["Account.csv", "Contact.csv", "Opportunity.csv", "OpportunityContactRole.csv"]
SF_STAGES = {
    "Prospecting": "prospecting",
    "Qualification": "discovery",
    "Needs Analysis": "discovery",
    "Value Proposition": "evaluation",
    "Id. Decision Makers": "evaluation",
    "Perception Analysis": "evaluation",
    "Proposal/Price Quote": "proposal",
    "Negotiation/Review": "negotiation",
    "Closed Won": "closed_won",
    "Closed Lost": "closed_lost",
}


@pytest.fixture
def sf_dir():
    return acceptance_dir() / "salesforce_cpq_demo_export"


def _sf_paths(sf_dir, names=SF_FILES):
    return [sf_dir / name for name in names]


def _counts(result):
    return {kind: (c["created"], c["updated"], c["unchanged"]) for kind, c in result.counts.items()}


def test_the_salesforce_demo_export_imports_with_the_counts_of_its_files(workspace, sf_dir):
    accounts = read_rows(sf_dir / "Account.csv")
    contacts = read_rows(sf_dir / "Contact.csv")
    opportunities = read_rows(sf_dir / "Opportunity.csv")
    roles = read_rows(sf_dir / "OpportunityContactRole.csv")

    result = import_run(workspace=workspace, files=_sf_paths(sf_dir))

    assert result.ok, result.report
    assert _counts(result) == {
        "account": (len(accounts), 0, 0),
        "contact": (len(contacts), 0, 0),
        "deal": (len(opportunities), 0, 0),
        "deal_role": (len({(r["OpportunityId"], r["ContactId"], r["Role"]) for r in roles}), 0, 0),
    }
    assert Account.objects.filter(workspace=workspace).count() == len(accounts) == 185
    assert Contact.objects.filter(workspace=workspace).count() == len(contacts) == 701
    assert Deal.objects.filter(workspace=workspace).count() == len(opportunities) == 741
    assert DealRole.objects.filter(workspace=workspace).count() == len(roles) == 42
    # Contact.csv has 704 physical lines for 701 rows: quoted newlines do not make rows.
    assert result.rows["Contact.csv"] == 701


def test_the_salesforce_demo_values_land_where_they_belong(workspace, sf_dir):
    import_run(workspace=workspace, files=_sf_paths(sf_dir))
    opportunities = read_rows(sf_dir / "Opportunity.csv")

    for name, value in {s: SF_STAGES[s] for s in SF_STAGES}.items():
        expected = sum(1 for o in opportunities if o["StageName"] == name)
        assert (
            Deal.objects.filter(
                workspace=workspace,
                stage=value,
                external_id__in=[o["Guid"] for o in opportunities if o["StageName"] == name],
            ).count()
            == expected
        )
    expected_total = sum(
        Decimal(o["Amount"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for o in opportunities
        if o["Amount"] != "#N/A"
    )
    deals = Deal.objects.filter(workspace=workspace)
    assert sum(d.amount or 0 for d in deals) == expected_total
    assert deals.filter(amount=None).count() == sum(o["Amount"] == "#N/A" for o in opportunities)
    first = opportunities[0]
    deal = Deal.objects.get(workspace=workspace, external_id=first["Guid"])
    assert (deal.account.external_id, deal.name, deal.close_date.isoformat()) == (
        first["AccountId"],
        first["Name"],
        first["CloseDate"],
    )
    assert deal.created_on is None  # the export has no CreatedDate

    zoomcast = Account.objects.get(
        workspace=workspace, external_id="8628af2c-bd93-4ee0-bf37-b1ca9f606ac2"
    )
    assert (zoomcast.name, zoomcast.industry, zoomcast.annual_revenue, zoomcast.country) == (
        "Zoomcast",
        "Retail",
        Decimal("101752000000.00"),
        "United States",
    )
    assert zoomcast.employee_count is None  # #N/A
    assert zoomcast.lifecycle == "prospect"


def test_contact_roles_across_accounts_are_kept_as_external(workspace, sf_dir):
    import_run(workspace=workspace, files=_sf_paths(sf_dir))
    contacts = {c["Guid"]: c["AccountId"] for c in read_rows(sf_dir / "Contact.csv")}
    deals = {o["Guid"]: o["AccountId"] for o in read_rows(sf_dir / "Opportunity.csv")}
    roles = read_rows(sf_dir / "OpportunityContactRole.csv")
    expected_external = sum(contacts[r["ContactId"]] != deals[r["OpportunityId"]] for r in roles)

    external = [
        r
        for r in DealRole.objects.filter(workspace=workspace).select_related("deal", "contact")
        if r.is_external
    ]
    assert len(external) == expected_external == 35
    # Roles as in PRODUCT.md §8; '#N/A' roles are other.
    by_role = dict.fromkeys(
        ["economic_buyer", "decision_maker", "technical_evaluator", "user", "influencer", "other"],
        0,
    )
    mapping = {
        "Decision Maker": "decision_maker",
        "Business User": "user",
        "Technical Buyer": "technical_evaluator",
        "Influencer": "influencer",
        "Economic Decision Maker": "economic_buyer",
        "Economic Buyer": "economic_buyer",
        "#N/A": "other",
    }
    for r in roles:
        by_role[mapping[r["Role"]]] += 1
    for value, n in by_role.items():
        assert DealRole.objects.filter(workspace=workspace, role=value).count() == n
    primaries = sum(r["IsPrimary"] == "true" for r in roles)
    assert DealRole.objects.filter(workspace=workspace, is_primary=True).count() == primaries


def test_contacts_are_never_merged_by_email(workspace, sf_dir):
    rows = read_rows(sf_dir / "Contact.csv")
    import_run(workspace=workspace, files=_sf_paths(sf_dir, ["Account.csv", "Contact.csv"]))
    assert Contact.objects.filter(workspace=workspace).count() == len(rows)
    assert Contact.objects.filter(workspace=workspace).values("email").distinct().count() == len(
        {r["Email"] for r in rows}
    )


def test_a_second_import_of_the_same_files_changes_nothing(workspace, sf_dir):
    import_run(workspace=workspace, files=_sf_paths(sf_dir))
    before = list(Deal.objects.filter(workspace=workspace).values_list("id", "updated_at"))

    again = import_run(workspace=workspace, files=_sf_paths(sf_dir))

    assert again.ok
    assert {kind: (c, u) for kind, (c, u, _) in _counts(again).items()} == {
        "account": (0, 0),
        "contact": (0, 0),
        "deal": (0, 0),
        "deal_role": (0, 0),
    }
    assert _counts(again)["deal"][2] == 741
    assert list(Deal.objects.filter(workspace=workspace).values_list("id", "updated_at")) == before


def test_a_changed_record_is_updated_not_duplicated(workspace, sf_dir, tmp_path):
    import_run(workspace=workspace, files=_sf_paths(sf_dir))
    rows = read_rows(sf_dir / "Opportunity.csv")
    header = list(rows[0])
    rows[0]["Amount"], rows[0]["StageName"] = "99999.0", "Closed Won"
    changed = write_csv(tmp_path / "Opportunity.csv", header, [list(r.values()) for r in rows])

    result = import_run(workspace=workspace, files=[changed])

    assert result.ok
    assert _counts(result)["deal"] == (0, 1, len(rows) - 1)
    deal = Deal.objects.get(workspace=workspace, external_id=rows[0]["Guid"])
    assert (deal.amount, deal.stage) == (Decimal("99999.00"), "closed_won")
    assert Deal.objects.filter(workspace=workspace).count() == len(rows)


@pytest.mark.parametrize(
    "order",
    [list(p) for p in itertools.islice(itertools.permutations(SF_FILES), 0, 24, 5)]
    + [list(reversed(SF_FILES))],
)
def test_files_come_in_any_order(workspace, sf_dir, order):
    result = import_run(workspace=workspace, files=_sf_paths(sf_dir, order))
    assert result.ok, result.report
    assert DealRole.objects.filter(workspace=workspace).count() == 42


def test_records_link_to_those_of_an_earlier_import(workspace, sf_dir):
    first = import_run(workspace=workspace, files=_sf_paths(sf_dir, ["Account.csv"]))
    second = import_run(workspace=workspace, files=_sf_paths(sf_dir, ["Opportunity.csv"]))
    third = import_run(
        workspace=workspace, files=_sf_paths(sf_dir, ["OpportunityContactRole.csv", "Contact.csv"])
    )
    assert first.ok and second.ok and third.ok, third.report
    assert _counts(second)["deal"] == (741, 0, 0)
    assert _counts(third)["deal_role"] == (42, 0, 0)


def test_an_import_never_touches_another_workspace(workspace, other_workspace, sf_dir):
    guid = read_rows(sf_dir / "Account.csv")[0]["Guid"]
    theirs = AccountFactory.create(workspace=other_workspace, external_id=guid, name="Theirs")

    result = import_run(workspace=workspace, files=_sf_paths(sf_dir))

    assert result.ok
    theirs.refresh_from_db()
    assert (theirs.name, theirs.workspace_id) == ("Theirs", other_workspace.pk)
    assert Account.objects.filter(workspace=other_workspace).count() == 1
    assert Account.objects.get(workspace=workspace, external_id=guid).name == "Zoomcast"


def test_references_are_not_resolved_in_another_workspace(workspace, other_workspace, sf_dir):
    import_run(workspace=other_workspace, files=_sf_paths(sf_dir, ["Account.csv"]))

    result = import_run(workspace=workspace, files=_sf_paths(sf_dir, ["Opportunity.csv"]))

    assert not result.ok
    assert result.error_count == 741
    assert {e["column"] for e in result.errors} == {"AccountId"}
    assert Deal.objects.count() == 0


# --- Fivetran seeds: warehouse snake_case columns ---------------------------------------------


def test_fivetran_salesforce_accounts_import_and_deleted_rows_are_skipped(workspace):
    path = acceptance_dir() / "fivetran_salesforce_seeds" / "sf_account_data.csv"
    rows = read_rows(path)
    live = [r for r in rows if r["is_deleted"] != "true"]

    result = import_run(workspace=workspace, files=[path])

    assert result.ok, result.report
    assert result.counts["account"]["created"] == len(live) == 1
    assert result.counts["account"]["skipped"] == len(rows) - len(live) == 9
    assert list(Account.objects.filter(workspace=workspace).values_list("external_id", "name")) == [
        (r["id"], r["name"]) for r in live
    ]


def test_fivetran_salesforce_opportunities_map_their_columns(workspace, tmp_path):
    """The seed's rows are all deleted and point at accounts nobody has; made live and given
    their accounts, they import. The one closing before it opened (a migration's load date)
    is kept with its opening date unknown, and listed as a warning."""
    path = acceptance_dir() / "fivetran_salesforce_seeds" / "sf_opportunity_data.csv"
    rows = read_rows(path)
    assert import_run(workspace=workspace, files=[path]).counts["deal"]["skipped"] == len(rows)
    for row in rows:
        row["is_deleted"] = "false"
    for account_id in {row["account_id"] for row in rows}:
        AccountFactory.create(workspace=workspace, external_id=account_id)
    live = write_csv(
        tmp_path / "sf_opportunity_data.csv", list(rows[0]), [list(r.values()) for r in rows]
    )

    result = import_run(workspace=workspace, files=[live])
    assert result.ok, result.report
    assert result.counts["deal"]["created"] == len(rows)
    backwards = [i + 2 for i, r in enumerate(rows) if r["close_date"][:10] < r["created_date"][:10]]
    assert backwards
    assert [(w["line"], w["column"]) for w in result.warnings] == [
        (line, "created_date") for line in backwards
    ]
    for row in rows:
        deal = Deal.objects.get(workspace=workspace, external_id=row["id"])
        closed, won = row["is_closed"] == "true", row["is_won"] == "true"
        expected = (
            ("closed_won" if won else "closed_lost")
            if closed
            else ("closed_won" if won else "discovery")
        )
        assert deal.stage == expected
        opened = row["created_date"][:10]
        assert deal.created_on == (
            None if row["close_date"][:10] < opened else dt.date.fromisoformat(opened)
        )
        assert deal.amount == (Decimal(row["amount"]) if row["amount"] else None)


def test_fivetran_salesforce_contacts_are_refused_with_every_bad_row(workspace):
    path = acceptance_dir() / "fivetran_salesforce_seeds" / "sf_contact_data.csv"
    rows = read_rows(path)

    result = import_run(workspace=workspace, files=[path])

    assert not result.ok
    bad_lines = {e["line"] for e in result.errors}
    assert bad_lines == set(range(2, len(rows) + 2))  # no account in the workspace for any
    assert Contact.objects.count() == 0


def test_fivetran_hubspot_companies_import(workspace):
    path = acceptance_dir() / "fivetran_hubspot_seeds" / "company_data.csv"
    rows = read_rows(path)
    result = import_run(workspace=workspace, files=[path])
    assert result.ok, result.report
    assert result.counts["account"]["created"] == sum(r["is_deleted"] != "true" for r in rows)
    assert "HubSpot companies (Fivetran warehouse table)" in result.report
    again = import_run(workspace=workspace, files=[path])
    assert again.counts["account"] == {
        "created": 0,
        "updated": 0,
        "unchanged": len(rows),
        "skipped": 0,
    }


def test_fivetran_hubspot_deals_need_their_company(workspace):
    """deal_data has no company column: refused up front; with a fixed account, it imports."""
    folder = acceptance_dir() / "fivetran_hubspot_seeds"
    rows = read_rows(folder / "deal_data.csv")
    with pytest.raises(ImportRefused, match="No column for Account id"):
        import_run(workspace=workspace, files=[folder / "deal_data.csv"])

    company = read_rows(folder / "company_data.csv")[0]["id"]
    mapping = {"deal_data.csv": {"columns": {"account": {"value": company}}}}
    result = import_run(
        workspace=workspace,
        mapping=mapping,
        files=[folder / "company_data.csv", folder / "deal_data.csv"],
    )
    assert result.ok, result.report
    assert result.counts["deal"]["created"] == len(rows)
    deal = Deal.objects.get(workspace=workspace, external_id=rows[0]["deal_id"])
    assert (deal.name, deal.created_on.isoformat()) == (
        rows[0]["property_dealname"],
        rows[0]["property_createdate"][:10],
    )


def test_fivetran_hubspot_deal_contacts_refer_to_deals_nobody_has(workspace):
    path = acceptance_dir() / "fivetran_hubspot_seeds" / "deal_contact_data.csv"
    rows = read_rows(path)
    result = import_run(workspace=workspace, files=[path])
    assert not result.ok
    assert [(e["line"], e["column"], e["value"]) for e in result.errors] == [
        (i + 2, "deal_id", r["deal_id"]) for i, r in enumerate(rows)
    ]


# --- Maven: a flat file through the generic mapping --------------------------------------------

MAVEN_MAPPING = {
    "files": {
        "accounts.csv": {
            "kind": "account",
            "columns": {
                "external_id": "account",
                "name": "account",
                "industry": "sector",
                "employee_count": "employees",
                "annual_revenue": "revenue",
                "country": "office_location",
            },
        },
        "sales_pipeline.csv": {
            "kind": "deal",
            "columns": {
                "external_id": "opportunity_id",
                "account": "account",
                "name": ["account", "product"],
                "stage": "deal_stage",
                "created_on": "engage_date",
                "close_date": "close_date",
                "amount": "close_value",
            },
            "values": {"stage": {"Engaging": "evaluation"}},
            "skip_incomplete": True,
        },
    }
}


def test_the_maven_pipeline_imports_through_a_json_mapping(workspace):
    folder = acceptance_dir() / "maven_crm_sales_opportunities"
    pipeline = read_rows(folder / "sales_pipeline.csv")
    with_account = [p for p in pipeline if p["account"]]

    result = import_run(
        workspace=workspace,
        mapping=json.loads(json.dumps(MAVEN_MAPPING)),
        files=[folder / "sales_pipeline.csv", folder / "accounts.csv"],
    )

    assert result.ok, result.report
    assert result.counts["account"]["created"] == len(read_rows(folder / "accounts.csv")) == 85
    assert result.counts["deal"]["created"] == len(with_account)
    assert result.counts["deal"]["skipped"] == len(pipeline) - len(with_account)
    deals = Deal.objects.filter(workspace=workspace)
    assert deals.filter(stage="closed_won").count() == sum(
        p["deal_stage"] == "Won" for p in with_account
    )
    assert deals.filter(stage="evaluation").count() == sum(
        p["deal_stage"] == "Engaging" for p in with_account
    )
    first = with_account[0]
    deal = deals.get(external_id=first["opportunity_id"])
    assert deal.name == f"{first['account']} – {first['product']}"
    assert deal.amount == Decimal(first["close_value"])
    assert deal.account.name == first["account"]


def test_the_whole_maven_pipeline_is_refused_without_skipping_rows_missing_an_account(workspace):
    folder = acceptance_dir() / "maven_crm_sales_opportunities"
    mapping = json.loads(json.dumps(MAVEN_MAPPING))
    mapping["files"]["sales_pipeline.csv"]["skip_incomplete"] = False
    with (folder / "sales_pipeline.csv").open(newline="") as fh:
        missing = [i + 2 for i, r in enumerate(csv.DictReader(fh)) if not r["account"]]

    result = import_run(
        workspace=workspace,
        mapping=mapping,
        files=[folder / "sales_pipeline.csv", folder / "accounts.csv"],
    )

    assert not result.ok
    assert [e["line"] for e in result.errors] == missing
    assert {e["column"] for e in result.errors} == {"account"}
    assert Account.objects.count() == 0
