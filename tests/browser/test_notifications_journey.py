"""A sales lead hears in the bell that their deal lost its champion (someone else removed the
role), opens the line, lands on the deal, and the count drops; at 390 px the header fits."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from events_app.models import EventType
from events_app.services import event_record, events_dispatch_pending
from tests.factories import AccountFactory, DealFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def champion_removed(workspace, acme_member):
    """Sam's deal, whose champion Ada (an admin) has just removed: the event as the service
    that removes a deal role writes it, fanned out by the outbox sweep."""
    sam = acme_member("sam", "sales", "Sam", "Carter")
    ada = acme_member("ada", "admin", "Ada", "Admin")
    account = AccountFactory.create(workspace=workspace, name="Initech")
    deal = DealFactory.create(
        account=account, workspace=workspace, name="Initech platform", owner=sam
    )
    with transaction.atomic():
        event_record(
            workspace=workspace,
            type=EventType.DEAL_RISK_RAISED,
            object_type="deal",
            object_id=deal.pk,
            object_url=f"/deals/{deal.pk}/",
            summary="Initech platform: no champion any more (Sam Sosa's role was removed)",
            data={
                "deal_id": deal.pk,
                "name": deal.name,
                "owner_id": sam.pk,
                "amount": str(deal.amount),
                "account_id": account.pk,
                "code": "no_champion",
            },
            actor=ada,
        )
    events_dispatch_pending()  # eager settings have done it on commit already; idempotent
    return deal


def test_the_bell_leads_to_the_deal_and_the_count_drops(
    page, page_log, live_server, champion_removed, sign_in
):
    deal = champion_removed
    sign_in("sam")
    expect(page).to_have_url(re.compile(r"/deals/"))
    bell = page.get_by_test_id("notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(page.get_by_test_id("notification-count")).to_have_text("1")

    bell.click()
    expect(page).to_have_url(f"{live_server.url}/notifications/")
    line = page.get_by_test_id("notification")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Initech platform: no champion any more")
    expect(line).to_contain_text("by Ada Admin")

    page.get_by_test_id("notification-open").click()
    expect(page).to_have_url(f"{live_server.url}/deals/{deal.pk}/")
    expect(page.get_by_role("heading", name="Initech platform")).to_be_visible()
    expect(bell).to_have_attribute("aria-label", "Notifications, 0 unread")
    expect(page.get_by_test_id("notification-count")).to_have_count(0)

    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_test_id("notification")).not_to_have_class(re.compile("is-unread"))

    # On a phone the header fits: the bell is on screen and nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/deals/{deal.pk}/", "/notifications/", "/settings/alerts/"):
        page.goto(url)
        assert page.evaluate(FITS), url
        box = page.get_by_test_id("notification-bell").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (url, box)
    assert page_log.foreign_requests == []
    assert page_log.console_errors == []


def test_mark_all_read_with_htmx_clears_the_bell_in_place(
    page, page_log, live_server, champion_removed, sign_in
):
    sign_in("sam")
    page.goto("/notifications/")
    expect(page.get_by_test_id("notification-count")).to_have_text("1")
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("notification-count")).to_have_count(0)
    expect(page.get_by_test_id("notification-bell")).to_have_attribute(
        "aria-label", "Notifications, 0 unread"
    )
    expect(page.get_by_test_id("notification")).not_to_have_class(re.compile("is-unread"))
    assert page_log.console_errors == []
