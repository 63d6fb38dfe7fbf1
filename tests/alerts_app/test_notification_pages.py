"""/notifications/ and the bell in every page's header (PRODUCT.md §12): a member's own lines,
newest first; a line marks itself read and goes to its object; "Mark all read"; the bell
counts with one query."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts_app.models import Membership
from alerts_app.models import Notification
from alerts_app.selectors.notifications import notification_unread_count
from tests.factories import DealFactory

from .support import deal_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(workspace, member):
    user = member(Membership.Role.SALES, username="sam")
    client = Client()
    client.force_login(user)
    return user, client


def _bell(html: str) -> str | None:
    match = re.search(r'aria-label="Notifications, (\S+) unread"', html)
    return match.group(1) if match else None


def test_the_bell_counts_three_then_none_after_mark_all_read(workspace, sales):
    user, client = sales
    deals = [DealFactory.create(account__workspace=workspace, owner=user) for _ in range(3)]
    for deal in deals:
        deal_event(workspace, deal)
    page = client.get(reverse("deal-list")).content.decode()
    assert _bell(page) == "3"
    assert 'data-testid="notification-count">3<' in page

    response = client.post(reverse("notification-read-all"))
    assert response.status_code == 302
    page = client.get(reverse("deal-list")).content.decode()
    assert _bell(page) == "0"
    assert 'data-testid="notification-count"' not in page


def test_the_list_shows_the_members_lines_newest_first_unread_marked(workspace, sales):
    user, client = sales
    first = DealFactory.create(account__workspace=workspace, owner=user, name="Alpha")
    second = DealFactory.create(account__workspace=workspace, owner=user, name="Beta <b>x</b>")
    deal_event(workspace, first, summary="Alpha: no champion any more")
    deal_event(workspace, second, summary="Beta <b>x</b>: no champion any more")
    html = client.get(reverse("notification-list")).content.decode()
    assert html.index("Beta &lt;b&gt;x&lt;/b&gt;") < html.index("Alpha: no champion")
    assert "<b>x</b>" not in html  # the summary is escaped
    assert html.count('class="notification is-unread"') == 2
    assert "Deal risk raised" in html and "by DealLens" in html
    assert "Manage alerts" in html


def test_clicking_a_line_marks_it_read_and_goes_to_the_deal(workspace, sales):
    user, client = sales
    deal = DealFactory.create(account__workspace=workspace, owner=user)
    deal_event(workspace, deal)
    notification = Notification.objects.get(user=user)
    response = client.post(reverse("notification-read", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/deals/{deal.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert notification_unread_count(workspace=workspace, user=user) == 0


@pytest.mark.parametrize(
    "url", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_a_line_never_leads_off_the_site(workspace, sales, url):
    user, client = sales
    notification = Notification.objects.create(
        workspace=workspace, user=user, message="Your webhook was switched off", url=url
    )
    html = client.get(reverse("notification-list")).content.decode()
    assert "evil.example" not in html and "javascript:" not in html
    response = client.post(reverse("notification-read", args=[notification.pk]))
    assert response["Location"] == reverse("notification-list")


def test_a_system_notice_shows_its_message_and_path(workspace, sales):
    user, client = sales
    notification = Notification.objects.create(
        workspace=workspace, user=user, message="Webhook switched off", url="/settings/alerts/"
    )
    html = client.get(reverse("notification-list")).content.decode()
    assert "Webhook switched off" in html and "from DealLens" in html
    response = client.post(reverse("notification-read", args=[notification.pk]))
    assert response["Location"] == "/settings/alerts/"


def test_the_unread_filter_and_the_empty_states(workspace, sales):
    user, client = sales
    html = client.get(reverse("notification-list")).content.decode()
    assert "Nothing yet" in html and "Manage alerts" in html
    deal = DealFactory.create(account__workspace=workspace, owner=user)
    deal_event(workspace, deal)
    client.post(reverse("notification-read-all"))
    assert (
        "All caught up"
        in client.get(reverse("notification-list"), {"show": "unread"}).content.decode()
    )
    assert 'data-testid="notification"' in client.get(reverse("notification-list")).content.decode()


def test_mark_all_read_by_htmx_answers_the_list_it_redirects_to(workspace, sales):
    user, client = sales
    deal = DealFactory.create(account__workspace=workspace, owner=user)
    deal_event(workspace, deal)
    response = client.post(
        reverse("notification-read-all"), headers={"HX-Request": "true"}, follow=True
    )
    html = response.content.decode()
    assert 'id="notification-panel"' in html and _bell(html) == "0"


def test_the_list_is_paginated(workspace, sales):
    user, client = sales
    Notification.objects.bulk_create(
        [Notification(workspace=workspace, user=user, message=f"Notice {i}") for i in range(30)]
    )
    html = client.get(reverse("notification-list")).content.decode()
    assert html.count('data-testid="notification"') == 25
    assert "Page 1 of 2" in html
    assert _bell(html) == "30"


def test_the_bell_says_99_plus_beyond_99(workspace, sales):
    user, client = sales
    Notification.objects.bulk_create(
        [Notification(workspace=workspace, user=user, message=f"N{i}") for i in range(120)]
    )
    assert notification_unread_count(workspace=workspace, user=user) == 100
    assert _bell(client.get(reverse("notification-list")).content.decode()) == "99+"


def test_the_bell_is_one_query_and_only_when_a_page_shows_it(
    workspace, sales, django_assert_num_queries
):
    user, client = sales
    Notification.objects.create(workspace=workspace, user=user, message="One")
    with django_assert_num_queries(1) as queries:
        assert notification_unread_count(workspace=workspace, user=user) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "COUNT" in sql.upper() and "LIMIT" in sql.upper()
    # A page without the header (the sign-in page of a signed-out visitor) counts nothing.
    anonymous = Client()
    html = anonymous.get(reverse("login")).content.decode()
    assert _bell(html) is None


def test_a_page_shows_the_bell_with_exactly_one_more_query(workspace, sales):
    """The notifications page's own reads plus the bell: counted so a second bell query (or
    an N+1 over the lines) shows up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, client = sales
    deal = DealFactory.create(account__workspace=workspace, owner=user)
    deal_event(workspace, deal)
    client.get(reverse("notification-list"))  # session warm-up
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notification-list"))
    Notification.objects.bulk_create(
        [Notification(workspace=workspace, user=user, message=f"N{i}") for i in range(20)]
    )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notification-list"))
    assert len(many) == len(few)
    bell = [
        q
        for q in many.captured_queries
        if "alerts_app_notification" in q["sql"] and "LIMIT 100" in q["sql"]
    ]
    assert len(bell) == 1
