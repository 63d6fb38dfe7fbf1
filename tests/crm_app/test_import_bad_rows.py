"""A file with bad rows imports nothing, and the report names every bad row: file, line,
column, value and what is wrong."""

import pytest

from accounts_app.models import Account
from crm_app.services.import_run import ImportRefused, import_run
from deals_app.models import Deal, DealRole
from personas_app.models import Contact
from tests.factories import AccountFactory, ContactFactory, DealFactory, DealRoleFactory
from tests.fixtures.imports.support import write_csv

pytestmark = pytest.mark.django_db

ACCOUNT_HEADER = ["Id", "Name", "Industry", "NumberOfEmployees", "AnnualRevenue", "Description"]
OPP_HEADER = ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "CreatedDate"]


@pytest.fixture
def bad_files(tmp_path):
    accounts = write_csv(
        tmp_path / "Account.csv",
        ACCOUNT_HEADER,
        [
            ["A1", "Acme", "Software", "100", "1000", "Line one\nline two\nline three"],  # line 2
            ["A2", "#N/A", "Retail", "50", "10", "plain"],  # line 3 (text line 5): no name
            ["A3", "Globex", "Energy", "-5", "10", "x"],  # line 4: negative employees
            ["A4", "Initech", "Energy", "12.5", "abc", "x"],  # line 5: two bad cells
        ],
    )
    opportunities = write_csv(
        tmp_path / "Opportunity.csv",
        OPP_HEADER,
        [
            ["O1", "A1", "Good deal", "Prospecting", "100", "2024-10-12", "2024-01-01"],  # 2
            ["O2", "A1", "Negative", "Prospecting", "-100", "2024-10-12", "2024-01-01"],  # 3
            ["O3", "A1", "Impossible", "Prospecting", "100", "2024-02-31", "2024-01-01"],  # 4
            ["O4", "A1", "Migrated", "Closed Won", "100", "2024-01-01", "2024-03-01"],  # 5: kept
            ["O5", "ZZZ", "Orphan", "Prospecting", "100", "2024-10-12", "2024-01-01"],  # 6
            ["O6", "A2", "Bad account", "Prospecting", "100", "2024-10-12", "2024-01-01"],  # 7
            ["O1", "A1", "Duplicate", "Prospecting", "100", "2024-10-12", "2024-01-01"],  # 8
            ["O8", "A1", "", "Prospecting", "100", "2024-10-12", "2024-01-01"],  # 9
        ],
    )
    return [opportunities, accounts]


def test_every_bad_row_is_reported_and_nothing_is_written(workspace, bad_files):
    result = import_run(workspace=workspace, files=bad_files)

    assert not result.ok
    found = [(e["file"], e["line"], e["column"], e["value"]) for e in result.errors]
    assert found == [
        ("Account.csv", 3, "Name", ""),
        ("Account.csv", 4, "NumberOfEmployees", "-5"),
        ("Account.csv", 5, "NumberOfEmployees", "12.5"),
        ("Account.csv", 5, "AnnualRevenue", "abc"),
        ("Opportunity.csv", 3, "Amount", "-100"),
        ("Opportunity.csv", 4, "CloseDate", "2024-02-31"),
        ("Opportunity.csv", 6, "AccountId", "ZZZ"),
        ("Opportunity.csv", 7, "AccountId", "A2"),
        ("Opportunity.csv", 8, "Id", "O1"),
        ("Opportunity.csv", 9, "Name", ""),
    ]
    messages = {(e["file"], e["line"], e["column"]): e["message"] for e in result.errors}
    assert "missing" in messages[("Account.csv", 3, "Name")]
    assert "negative" in messages[("Opportunity.csv", 3, "Amount")]
    assert "not a real date" in messages[("Opportunity.csv", 4, "CloseDate")]
    assert "No account with id ZZZ" in messages[("Opportunity.csv", 6, "AccountId")]
    assert "Account.csv line 3" in messages[("Opportunity.csv", 7, "AccountId")]
    assert "appears twice" in messages[("Opportunity.csv", 8, "Id")]
    assert result.error_count == 10
    assert Account.objects.count() == Deal.objects.count() == 0
    assert result.counts["account"]["created"] == 0


def test_line_numbers_count_rows_as_a_spreadsheet_shows_them(workspace, bad_files):
    result = import_run(workspace=workspace, files=bad_files)
    no_name = result.errors[0]
    # A1's description holds two line breaks: A2 is the spreadsheet's line 3, the text's line 5.
    assert (no_name["line"], no_name["text_line"]) == (3, 5)
    assert "line 3 (text line 5), column Name" in result.report


def test_a_good_import_after_fixing_the_rows_writes_everything(workspace, tmp_path):
    accounts = write_csv(
        tmp_path / "Account.csv", ACCOUNT_HEADER, [["A1", "Acme", "Software", "100", "1000", "ok"]]
    )
    deals = write_csv(
        tmp_path / "Opportunity.csv",
        OPP_HEADER,
        [["O1", "A1", "Good deal", "Prospecting", "100", "2024-10-12", "2024-01-01"]],
    )
    result = import_run(workspace=workspace, files=[deals, accounts])
    assert result.ok
    deal = Deal.objects.get(workspace=workspace, external_id="O1")
    assert (deal.created_on.isoformat(), deal.close_date.isoformat()) == (
        "2024-01-01",
        "2024-10-12",
    )


def test_close_before_an_existing_deals_open_date_is_a_row_error(workspace, tmp_path):
    account = AccountFactory.create(workspace=workspace, external_id="A1")
    DealFactory.create(
        account=account, external_id="O1", created_on="2024-05-01", close_date="2024-06-01"
    )
    path = write_csv(
        tmp_path / "deals.csv",
        ["Id", "AccountId", "Name", "CloseDate"],
        [["O1", "A1", "Moved", "2024-04-01"]],
    )
    result = import_run(workspace=workspace, files=[path])
    assert [(e["line"], e["column"]) for e in result.errors] == [(2, "CloseDate")]
    assert Deal.objects.get(external_id="O1").name != "Moved"


def test_reports_to_must_be_at_the_same_account(workspace, tmp_path):
    accounts = write_csv(
        tmp_path / "Account.csv",
        ["Id", "Name", "Industry"],
        [["A1", "Acme", "x"], ["A2", "Globex", "y"]],
    )
    contacts = write_csv(
        tmp_path / "Contact.csv",
        ["Id", "AccountId", "FirstName", "LastName", "ReportsToId"],
        [
            ["C1", "A1", "Ann", "Boss", ""],
            ["C2", "A1", "Bob", "Report", "C1"],
            ["C3", "A2", "Cid", "Outsider", "C1"],  # line 4: another account
            ["C4", "A2", "Dee", "Ghost", "C99"],  # line 5: nobody
            ["C5", "A2", "Eve", "Self", "C5"],  # line 6: themselves
        ],
    )
    result = import_run(workspace=workspace, files=[contacts, accounts])

    assert [(e["line"], e["column"], e["value"]) for e in result.errors] == [
        (4, "ReportsToId", "C1"),
        (5, "ReportsToId", "C99"),
        (6, "ReportsToId", "C5"),
    ]
    assert "same account" in result.errors[0]["message"]
    assert Contact.objects.count() == 0


def test_reporting_lines_link_in_any_order_and_loops_are_refused(workspace, tmp_path):
    header = ["Id", "AccountId", "FirstName", "LastName", "ReportsToId"]
    AccountFactory.create(workspace=workspace, external_id="A1")
    fine = write_csv(
        tmp_path / "Contact.csv",
        header,
        [
            ["C2", "A1", "Bob", "Report", "C1"],  # the boss comes later in the file
            ["C1", "A1", "Ann", "Boss", ""],
        ],
    )
    assert import_run(workspace=workspace, files=[fine]).ok
    assert Contact.objects.get(external_id="C2").reports_to.external_id == "C1"

    loop = write_csv(
        tmp_path / "loop" / "Contact.csv",
        header,
        [
            ["C2", "A1", "Bob", "Report", "C1"],
            ["C1", "A1", "Ann", "Boss", "C2"],
        ],
    )
    result = import_run(workspace=workspace, files=[loop])
    assert not result.ok
    assert "loop" in result.errors[0]["message"]
    assert Contact.objects.get(external_id="C1").reports_to is None


def test_a_second_primary_contact_on_a_deal_is_a_row_error(workspace, tmp_path):
    account = AccountFactory.create(workspace=workspace, external_id="A1")
    DealFactory.create(account=account, external_id="O1")
    for ext in ("C1", "C2"):
        ContactFactory.create(account=account, external_id=ext)
    path = write_csv(
        tmp_path / "OpportunityContactRole.csv",
        ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"],
        [["R1", "O1", "C1", "Champion", "true"], ["R2", "O1", "C2", "Economic Buyer", "true"]],
    )
    result = import_run(workspace=workspace, files=[path])
    assert [(e["line"], e["column"]) for e in result.errors] == [(3, "IsPrimary")]
    assert DealRole.objects.count() == 0


def test_a_new_primary_contact_replaces_the_old_one(workspace, tmp_path):
    account = AccountFactory.create(workspace=workspace, external_id="A1")
    deal = DealFactory.create(account=account, external_id="O1")
    old = DealRoleFactory.create(deal=deal, is_primary=True, role="user")
    ContactFactory.create(account=account, external_id="C1")
    path = write_csv(
        tmp_path / "OpportunityContactRole.csv",
        ["OpportunityId", "ContactId", "Role", "IsPrimary"],
        [["O1", "C1", "Economic Buyer", "true"]],
    )
    result = import_run(workspace=workspace, files=[path])
    assert result.ok, result.report
    old.refresh_from_db()
    assert not old.is_primary
    assert DealRole.objects.get(is_primary=True).contact.external_id == "C1"
    assert result.counts["deal_role"] == {"created": 1, "updated": 1, "unchanged": 0, "skipped": 0}


def test_unknown_and_custom_columns_are_listed_never_errors(workspace, tmp_path):
    path = write_csv(
        tmp_path / "Account.csv",
        ["Id", "Name", "Industry", "Rating__c", "Fax"],
        [["A1", "Acme", "x", "Hot", "123"]],
    )
    result = import_run(workspace=workspace, files=[path])
    assert result.ok
    assert result.files[0]["custom"] == ["Rating__c"]
    assert result.files[0]["ignored"] == ["Fax"]
    assert "custom fields ignored: Rating__c" in result.report


def test_unknown_role_values_become_other_and_are_counted(workspace, tmp_path):
    account = AccountFactory.create(workspace=workspace, external_id="A1")
    DealFactory.create(account=account, external_id="O1")
    ContactFactory.create(account=account, external_id="C1")
    path = write_csv(
        tmp_path / "OpportunityContactRole.csv",
        ["OpportunityId", "ContactId", "Role"],
        [["O1", "C1", "Procurement Wizard"]],
    )
    result = import_run(workspace=workspace, files=[path])
    assert result.ok
    assert DealRole.objects.get().role == "other"
    assert any("1 unknown value(s) read as other: 'Procurement Wizard'" in n for n in result.notes)


def test_a_file_that_is_not_csv_or_not_recognised_is_refused_up_front(workspace, tmp_path):
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    other = write_csv(tmp_path / "products.csv", ["sku", "price"], [["X", "1"]])
    with pytest.raises(ImportRefused) as refused:
        import_run(workspace=workspace, files=[binary, other])
    assert refused.value.problems == [
        "photo.csv: This is not a CSV file (it holds binary data).",
        "products.csv: Columns not recognised: map them to a kind of record.",
    ]


def test_a_mapping_naming_missing_columns_is_refused(workspace, tmp_path):
    path = write_csv(tmp_path / "products.csv", ["sku", "price"], [["X", "1"]])
    with pytest.raises(ImportRefused, match="there is no column 'title'"):
        import_run(
            workspace=workspace,
            files=[path],
            mapping={"products.csv": {"kind": "deal", "columns": {"name": "title"}}},
        )
