"""A sales lead imports the Salesforce demo export in the browser: uploads the files, sees what
each was recognised as, runs the import, watches the progress bar fill and reads the report."""

import re

import pytest
from playwright.sync_api import expect

from crm_app.models import ImportJob
from deals_app.models import Deal
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.fixtures.imports.support import acceptance_dir, read_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's password
SF_FILES = ["Account.csv", "Contact.csv", "Opportunity.csv", "OpportunityContactRole.csv"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files are stored under MEDIA_ROOT: keep this run's in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sales_lead():
    workspace = WorkspaceFactory.create(name="Acme Observability", slug="acme")
    user = UserFactory.create(username="sam", first_name="Sam", last_name="Seller")
    MembershipFactory.create(user=user, workspace=workspace, role="sales")
    return user, workspace


def _sign_in(page, next_url):
    page.goto(next_url)
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sales_lead_imports_the_salesforce_export(page, page_log, live_server, sales_lead):
    _, workspace = sales_lead
    folder = acceptance_dir() / "salesforce_cpq_demo_export"
    _sign_in(page, "/imports/")
    expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()
    expect(page.get_by_test_id("empty-history")).to_be_visible()

    page.get_by_label("CSV files").set_input_files([str(folder / name) for name in SF_FILES])
    page.get_by_test_id("upload-submit").click()

    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    files = page.get_by_test_id("import-file")
    expect(files).to_have_count(4)
    for name, source in [
        ("Account.csv", "Salesforce Account export"),
        ("Contact.csv", "Salesforce Contact export"),
        ("Opportunity.csv", "Salesforce Opportunity export"),
        ("OpportunityContactRole.csv", "Salesforce OpportunityContactRole export"),
    ]:
        row = page.locator(f"[data-testid='import-file'][data-file='{name}']")
        expect(row.get_by_test_id("file-source")).to_have_text(source)
    expect(page.get_by_test_id("import-state")).to_have_text("Waiting for you")
    assert Deal.objects.count() == 0

    page.get_by_test_id("run-import").click()

    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("value", "100")
    expect(page.get_by_test_id("import-percent")).to_have_text("100%")
    expect(page.get_by_test_id("import-state")).to_have_text("Imported")
    counts = page.get_by_test_id("import-counts")
    expected = {
        "Accounts": len(read_rows(folder / "Account.csv")),
        "Contacts": len(read_rows(folder / "Contact.csv")),
        "Deals": len(read_rows(folder / "Opportunity.csv")),
        "Deal roles": len(read_rows(folder / "OpportunityContactRole.csv")),
    }
    for label, n in expected.items():
        expect(
            counts.locator(f"tr[data-kind='{label}'] [data-testid='count-created']")
        ).to_have_text(f"{n:,}")
    expect(page.get_by_test_id("import-notes")).to_contain_text("3 empty role(s) read as other")
    assert Deal.objects.filter(workspace=workspace).count() == expected["Deals"]

    page.get_by_role("link", name="All imports").click()
    expect(page.get_by_test_id("import-history")).to_contain_text("Imported")
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_the_progress_bar_follows_a_running_import(page, page_log, live_server, sales_lead):
    """A worker elsewhere runs the import: the page polls and the bar moves, then the report
    appears when it is over."""
    _, workspace = sales_lead
    job = ImportJob.objects.create(
        workspace=workspace,
        state=ImportJob.State.RUNNING,
        progress=30,
        progress_message="Reading Opportunity.csv",
        files=[
            {
                "name": "Opportunity.csv",
                "path": "/nowhere",
                "kind": "deal",
                "source": "Salesforce Opportunity export",
            }
        ],
    )
    _sign_in(page, f"/imports/{job.pk}/")
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("value", "30")
    expect(page.get_by_test_id("import-message")).to_have_text("Reading Opportunity.csv")

    ImportJob.objects.filter(pk=job.pk).update(progress=80)
    expect(page.get_by_test_id("import-percent")).to_have_text("80%")

    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.SUCCEEDED,
        progress=100,
        counts={
            k: {"created": 5, "updated": 0, "unchanged": 0, "skipped": 0}
            for k in ("account", "contact", "deal", "deal_role")
        },
    )
    expect(page.get_by_test_id("import-succeeded")).to_be_visible()
    expect(page.get_by_test_id("import-progress")).to_have_attribute("value", "100")
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_sales_lead_imports_a_whole_export_folder(page, page_log, live_server, sales_lead):
    """All eight files of the export folder: the price books, products and line items are
    skipped (Run import stays enabled), one is removed from the draft, and the report lists the
    files skipped as warnings."""
    _, workspace = sales_lead
    folder = acceptance_dir() / "salesforce_cpq_demo_export"
    everything = sorted(folder.glob("*.csv"))
    assert len(everything) == 8
    _sign_in(page, "/imports/")

    page.get_by_label("CSV files").set_input_files([str(p) for p in everything])
    page.get_by_test_id("upload-submit").click()

    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.get_by_test_id("import-file")).to_have_count(8)
    expect(page.get_by_test_id("file-skipped")).to_have_count(4)
    expect(page.get_by_test_id("import-problems")).to_have_count(0)
    expect(page.get_by_test_id("run-import")).to_be_enabled()

    pricebook = page.locator("[data-testid='import-file'][data-file='Pricebook2.csv']")
    pricebook.get_by_test_id("remove-file").click()
    expect(page.get_by_text("Pricebook2.csv removed from this import.")).to_be_visible()
    expect(page.get_by_test_id("import-file")).to_have_count(7)
    expect(page.get_by_test_id("file-skipped")).to_have_count(3)

    page.get_by_test_id("run-import").click()

    expect(page.get_by_test_id("import-state")).to_have_text("Imported")
    deals = len(read_rows(folder / "Opportunity.csv"))
    expect(
        page.get_by_test_id("import-counts").locator(
            "tr[data-kind='Deals'] [data-testid='count-created']"
        )
    ).to_have_text(f"{deals:,}")
    warnings = page.get_by_test_id("import-warning")
    expect(warnings).to_have_count(3)
    for name in ("OpportunityLineItem.csv", "PricebookEntry.csv", "Product2.csv"):
        expect(page.get_by_test_id("import-warnings")).to_contain_text(name)
    expect(page.get_by_test_id("import-warnings")).to_contain_text("skipped")
    assert Deal.objects.filter(workspace=workspace).count() == deals
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []
