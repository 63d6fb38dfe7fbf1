"""An admin adds a webhook endpoint in the browser, copies its secret (shown once), sees a
failed delivery in the log, replays it and sees it delivered with the same webhook-id; the
pages fit a 1440 px desktop and a 390 px phone without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from alerts_app.models import WebhookEndpoint
from tests.alerts_support.webhook_receiver import running_receiver
from tests.alerts_support.webhooks import emit
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, (width, viewport)


def test_admin_adds_an_endpoint_and_replays_a_delivery(
    page, page_log, acme_member, sign_in, workspace, settings
):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    acme_member("ada", "admin", "Ada", "Admin")
    page.set_viewport_size({"width": 1440, "height": 900})
    with running_receiver(script=[500, 200]) as receiver:
        sign_in("ada", "/settings/webhooks/")
        expect(page.get_by_test_id("no-endpoints")).to_be_visible()
        form = page.get_by_test_id("add-endpoint")
        form.get_by_label("URL").fill(receiver.url)
        form.locator('input[value="deal.won"]').check()
        form.locator('input[value="deal.lost"]').check()
        form.get_by_label("Description").fill("Data warehouse")
        page.get_by_test_id("endpoint-submit").click()

        box = page.get_by_test_id("new-secret")
        expect(box).to_contain_text("you will not see this secret again")
        secret = page.get_by_test_id("secret-value").input_value()
        assert secret.startswith("whsec_")
        receiver.secret = secret
        page.screenshot(path=str(ARTIFACTS / "webhooks-list-1440.png"), full_page=True)

        emit(workspace, summary="Umbrella renewal was won")  # sent at once (eager), fails
        page.get_by_test_id("endpoint-row").get_by_role("link").first.click()
        assert secret not in page.content()
        row = page.get_by_test_id("delivery-row").first
        expect(row.get_by_test_id("delivery-state")).to_have_text("Retrying")
        expect(row).to_contain_text("receiver says 500")
        row.get_by_test_id("replay").click()
        expect(page.get_by_text("Replay of evt_")).to_be_visible()
        row = page.get_by_test_id("delivery-row").first
        expect(row.get_by_test_id("delivery-state")).to_have_text("Delivered")
        assert [r.verified for r in receiver.requests] == [True, True]
        assert len({r.webhook_id for r in receiver.requests}) == 1
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "webhooks-detail-1440.png"), full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "webhooks-detail-390.png"), full_page=True)
        page.goto("/settings/webhooks/")
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "webhooks-list-390.png"), full_page=True)

    assert WebhookEndpoint.objects.get().description == "Data warehouse"
    assert page_log.console_errors == []
    assert page_log.foreign_requests == []
