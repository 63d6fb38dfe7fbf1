"""An executive lands on the segment dashboard, reads the charts drawn from the published
snapshot, switches the dimension and the period, drills into a value's deals from the table and
by clicking a bar, and downloads the CSV; no console errors and no request leaves the app."""

import datetime as dt
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    DealFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = 9
SHOTS = Path(tempfile.gettempdir()) / "i23-find"
DRAWN = 20_000  # plotly.js is 4.6 MB of script: on a busy machine drawing takes seconds


CLOSED_ON = timezone.localdate() - dt.timedelta(days=2)  # in this quarter (or the last)
QUARTER = f"{CLOSED_ON.year}Q{(CLOSED_ON.month - 1) // 3 + 1}"


@pytest.fixture
def book(workspace, acme_member):
    acme_member("elena", "exec", "Elena", "Novak")
    for industry, infrastructure, stages in (
        ("Fintech", "virtual_machines", ("closed_won", "closed_lost", "proposal")),
        ("Retail", "containers", ("closed_won", "evaluation")),
        ("Energy", "bare_metal", ("closed_lost", "discovery")),
    ):
        account = AccountFactory.create(
            workspace=workspace,
            name=f"{industry} Corp",
            industry=industry,
            infrastructure=infrastructure,
        )
        for stage in stages:
            DealFactory.create(
                account=account,
                stage=stage,
                amount=Decimal("100000"),
                created_on=CLOSED_ON - dt.timedelta(days=90),
                close_date=CLOSED_ON
                if stage.startswith("closed")
                else CLOSED_ON + dt.timedelta(30),
                loss_reason="price" if stage == "closed_lost" else "",
            )
    insights_recompute(workspace_id=workspace.pk, force=True)
    return workspace


def click_bar(page, chart: str, index: int) -> None:
    """Click the index-th bar of a chart's first trace as a person would (plotly listens on its
    drag layer, over the bars)."""
    bar = page.locator(f"#chart-{chart} .trace.bars").first.locator(".point").nth(index)
    box = bar.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def test_exec_switches_dimension_and_drills_down(page, page_log, live_server, book, sign_in):
    sign_in("elena")
    expect(page).to_have_url(re.compile(r"/dashboard/"))

    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=DRAWN)
    expect(page.get_by_test_id("segment-table")).to_contain_text("Fintech")
    expect(page.get_by_test_id("kpis")).to_contain_text("300,000")  # revenue won

    page.get_by_label("Split by").select_option("infrastructure")  # submits itself
    expect(page).to_have_url(re.compile(r"dimension=infrastructure"))
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=DRAWN)
    expect(page.get_by_test_id("segment-table")).to_contain_text("Bare metal")

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    assert download.value.suggested_filename == "deallens-acme-infrastructure.csv"

    page.get_by_role("link", name="Containers").click()
    expect(page).to_have_url(
        re.compile(r"/deals/\?stage=all&infrastructure=containers&dashboard=infrastructure$")
    )
    expect(page.locator("main")).to_contain_text("Retail Corp")
    expect(page.locator("main")).not_to_contain_text("Fintech Corp")

    page.get_by_role("link", name="← Back to the dashboard").click()  # not only the browser's
    expect(page).to_have_url(re.compile(r"/dashboard/\?dimension=infrastructure$"))
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=DRAWN)
    page.get_by_label("Split by").select_option("industry")
    expect(page).to_have_url(re.compile(r"dimension=industry&period=all"))
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=DRAWN)  # scripts ran
    page.get_by_label("Period").select_option(QUARTER)  # submits itself too
    expect(page).to_have_url(re.compile(rf"dimension=industry&period={QUARTER}"))
    expect(page.get_by_test_id("period-scope")).to_contain_text("close date is between")
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=DRAWN)

    click_bar(page, "revenue", 0)  # Fintech's revenue won: the largest values come first
    expect(page).to_have_url(
        re.compile(
            r"/deals/\?stage=all&industry=Fintech&close_from=[-\d]+&close_to=[-\d]+"
            rf"&dashboard=industry&dashboard_period={QUARTER}$"
        )
    )
    expect(page.locator("main")).to_contain_text("Fintech Corp")
    expect(page.locator("main")).not_to_contain_text("Retail Corp")
    page.get_by_test_id("back-to-dashboard").click()  # back to the same dimension and period
    expect(page).to_have_url(re.compile(rf"/dashboard/\?dimension=industry&period={QUARTER}$"))
    expect(page.get_by_test_id("period-scope")).to_contain_text("close date is between")

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


def test_a_product_manager_recomputes_and_the_page_reloads(
    page, page_log, live_server, book, acme_member, sign_in
):
    acme_member("pia", "pm")
    sign_in("pia", "/login/?next=/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    before = page.locator("time").get_attribute("datetime")
    expect(page.locator(".js-plotly-plot")).to_have_count(
        CHARTS, timeout=DRAWN
    )  # the page's scripts ran

    page.get_by_role("button", name="Recompute now").click()
    try:
        expect(page.locator("time")).not_to_have_attribute("datetime", before, timeout=20_000)
    except AssertionError:
        status = page.locator(".js-recompute-status").text_content()
        raise AssertionError(f"no new snapshot; the page says {status!r}") from None
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=DRAWN)

    assert page_log.console_errors == []
    assert page_log.foreign_requests == []


@pytest.mark.parametrize("width", [1440, 390])
def test_the_company_median_and_the_unknown_value_read_plainly(
    page, page_log, live_server, book, sign_in, width
):
    """The headline median cycle is one number (the company's), the values' range its detail;
    accounts without an industry are drawn last and faded, as "Unknown (no value)"."""
    blank = AccountFactory.create(workspace=book, name="Nameless Corp", industry="")
    DealFactory.create(
        account=blank,
        stage="closed_won",
        amount=Decimal("500000"),
        created_on=CLOSED_ON - dt.timedelta(days=200),
        close_date=CLOSED_ON,
    )
    insights_recompute(workspace_id=book.pk, force=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("elena")
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=DRAWN)
    tile = page.get_by_test_id("kpi-cycle")
    expect(tile).to_contain_text("90 days")  # 3 won deals of 90, 90 and 200 days
    expect(tile).to_contain_text("90–200 days across industry values")
    ticks = page.locator("#chart-revenue .xtick text")
    expect(ticks.last).to_have_text("Unknown (no value)")
    expect(page.locator("tr.is-unknown")).to_contain_text("Unknown (no value)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dashboard-{width}.png"), full_page=True)
    assert page_log.console_errors == []
