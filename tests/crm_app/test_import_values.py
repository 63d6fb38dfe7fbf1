"""Cells and headers as real exports carry them: parsed and recognised the same way every time."""

import datetime as dt
from decimal import Decimal

import pytest

from crm_app.ingest.recognition import ACCOUNT, CONTACT, DEAL, DEAL_ROLE, recognise
from crm_app.ingest.values import CellError, DateReader, boolean, decimal, ids, integer, text
from crm_app.ingest.vocabulary import role, stage


@pytest.mark.parametrize("raw", ["", "  ", "#N/A", "NULL", "null", "N/A", None])
def test_empty_markers_are_empty(raw):
    assert text(raw) == ""
    assert decimal(raw) is None
    assert DateReader()(raw) is None
    assert ids(raw) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.01752E11", Decimal("101752000000.00")),
        ("72395.0", Decimal("72395.00")),
        ("1,250.00", Decimal("1250.00")),
        ("1.250,50", Decimal("1250.50")),
        ("$ 3,000", Decimal("3000.00")),
        ("32395.00000002", Decimal("32395.00")),
        ("(300)", Decimal("-300.00")),
        ("-12.5", Decimal("-12.50")),
    ],
)
def test_numbers_as_exports_write_them(raw, expected):
    assert decimal(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "12%", "1.2.3", "inf"])
def test_not_a_number_is_an_error(raw):
    with pytest.raises(CellError, match="not a number"):
        decimal(raw)


def test_integers_refuse_fractions():
    assert integer("2600.0") == 2600
    assert integer("1.4E4") == 14000
    with pytest.raises(CellError, match="whole number"):
        integer("12.5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-10-12", dt.date(2024, 10, 12)),
        ("2024-10-12T08:30:00.000+0000", dt.date(2024, 10, 12)),
        ("2018-12-19 00:00:00", dt.date(2018, 12, 19)),
        ("2019-09-15 2:50:54", dt.date(2019, 9, 15)),
        ("31/12/2024", dt.date(2024, 12, 31)),
        ("12/31/2024", dt.date(2024, 12, 31)),
        ("20241012", dt.date(2024, 10, 12)),
    ],
)
def test_dates_in_the_formats_exports_use(raw, expected):
    assert DateReader()(raw) == expected


def test_an_ambiguous_date_is_read_month_first_and_counted():
    reader = DateReader()
    assert reader("10/12/2024") == dt.date(2024, 10, 12)
    assert reader("05/05/2024") == dt.date(2024, 5, 5)  # the same either way: not ambiguous
    assert (reader.ambiguous, reader.ambiguous_example) == (1, "10/12/2024")
    assert DateReader(day_first=True)("10/12/2024") == dt.date(2024, 12, 10)


@pytest.mark.parametrize("raw", ["2024-02-31", "2023-02-29", "13/13/2024"])
def test_an_impossible_date_is_an_error(raw):
    with pytest.raises(CellError, match="not a real date"):
        DateReader()(raw)


def test_booleans():
    assert [boolean(v) for v in ["true", "FALSE", "1", "0", "yes", "No"]] == [
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    with pytest.raises(CellError):
        boolean("maybe")


def test_association_cells_hold_several_ids():
    assert ids("123;456") == ["123", "456"]
    assert ids(" 123 ; 456 ;") == ["123", "456"]
    assert ids("789") == ["789"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Economic Buyer", "economic_buyer"),
        ("Economic Decision Maker", "economic_buyer"),
        ("BUDGET_HOLDER", "economic_buyer"),
        ("Decision Maker", "decision_maker"),
        ("Technical Buyer", "technical_evaluator"),
        ("Evaluator", "technical_evaluator"),
        ("Executive Sponsor", "executive_sponsor"),
        ("Champion", "champion"),
        ("Influencer", "influencer"),
        ("Business User", "user"),
        ("END_USER", "user"),
        ("BLOCKER", "blocker"),
        ("LEGAL_AND_COMPLIANCE", "legal_procurement"),
        ("Other", "other"),
    ],
)
def test_roles_of_salesforce_and_hubspot(raw, expected):
    assert role(raw) == (expected, True)


def test_an_unknown_role_is_other_and_flagged():
    assert role("Procurement Wizard") == ("other", False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Prospecting", "prospecting"),
        ("Qualification", "discovery"),
        ("Needs Analysis", "discovery"),
        ("Value Proposition", "evaluation"),
        ("Id. Decision Makers", "evaluation"),
        ("Perception Analysis", "evaluation"),
        ("Proposal/Price Quote", "proposal"),
        ("Negotiation/Review", "negotiation"),
        ("Closed Won", "closed_won"),
        ("Closed Lost", "closed_lost"),
        ("closedwon", "closed_won"),
        ("Contract Sent", "negotiation"),
    ],
)
def test_stages(raw, expected):
    assert stage(raw) == (expected, True)


def test_an_unknown_stage_is_an_open_discovery_stage():
    assert stage("Engaging") == ("discovery", False)


@pytest.mark.parametrize(
    ("headers", "kind", "source"),
    [
        (["Id", "Name", "Industry", "BillingCountry"], ACCOUNT, "Salesforce Account export"),
        (
            ["Account ID", "Account Name", "Industry", "Annual Revenue", "Type"],
            ACCOUNT,
            "Salesforce Account export",
        ),
        (
            ["Id", "AccountId", "LastName", "FirstName", "ReportsToId"],
            CONTACT,
            "Salesforce Contact export",
        ),
        (
            ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate"],
            DEAL,
            "Salesforce Opportunity export",
        ),
        (
            ["Opportunity ID", "Opportunity Name", "Account ID", "Stage", "Close Date"],
            DEAL,
            "Salesforce Opportunity export",
        ),
        (
            ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"],
            DEAL_ROLE,
            "Salesforce OpportunityContactRole export",
        ),
        (
            ["Record ID", "Deal Name", "Deal Stage", "Associated Company IDs"],
            DEAL,
            "HubSpot deals export",
        ),
        (
            ["record id", "DEAL NAME", "deal-stage", "associated_company_ids"],
            DEAL,
            "HubSpot deals export",
        ),
        (
            ["Record ID", "Company name", "Company Domain Name", "Industry"],
            ACCOUNT,
            "HubSpot companies export",
        ),
        (
            ["Record ID", "First Name", "Last Name", "Email", "Buying Role"],
            CONTACT,
            "HubSpot contacts export",
        ),
        (
            ["deal_id", "property_dealname", "property_amount", "_fivetran_synced"],
            DEAL,
            "HubSpot deals (Fivetran warehouse table)",
        ),
        (
            ["id", "account_id", "stage_name", "is_won", "is_closed", "_fivetran_synced"],
            DEAL,
            "Salesforce Opportunity (Fivetran warehouse table)",
        ),
    ],
)
def test_headers_are_recognised_without_regard_to_case_spaces_or_punctuation(headers, kind, source):
    found = recognise(headers)
    assert (found.kind, found.source) == (kind, source)


def test_record_keys_and_references_are_picked_by_their_names():
    found = recognise(["Guid", "AccountId", "Name", "StageName", "Amount", "Foo__c", "Probability"])
    assert found.columns["external_id"] == "Guid"
    assert found.columns["account"] == "AccountId"
    assert found.custom == ["Foo__c"]
    assert found.ignored == ["Probability"]


def test_a_file_of_other_columns_is_not_recognised():
    assert recognise(["sku", "price", "colour"]).kind is None
