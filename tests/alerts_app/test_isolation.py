"""A member never sees another member's notifications or subscriptions; another workspace's
ids are 404; a notification of workspace A never reaches B's bell for a person in both."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts_app.models import Membership
from accounts_app.selectors import SESSION_KEY
from alerts_app.models import Notification, Subscription
from alerts_app.services.subscriptions import subscription_defaults_ensure
from tests.api_support import api_client
from tests.factories import DealFactory, MembershipFactory, UserFactory

from .support import deal_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(workspace, other_workspace):
    """Ann (sales in A and B), Bob (sales in A): one risk on each's deal in A, one on Ann's in B."""
    ann, bob = UserFactory.create(username="ann"), UserFactory.create(username="bob")
    MembershipFactory.create(user=ann, workspace=workspace, role=Membership.Role.SALES)
    MembershipFactory.create(user=ann, workspace=other_workspace, role=Membership.Role.SALES)
    MembershipFactory.create(user=bob, workspace=workspace, role=Membership.Role.SALES)
    deal_event(workspace, DealFactory.create(account__workspace=workspace, owner=ann, name="AnnA"))
    deal_event(workspace, DealFactory.create(account__workspace=workspace, owner=bob, name="BobA"))
    deal_event(
        other_workspace,
        DealFactory.create(account__workspace=other_workspace, owner=ann, name="AnnB"),
    )
    subscription_defaults_ensure(workspace=workspace)
    return ann, bob


def _page_client(user, workspace):
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = workspace.slug
    session.save()
    return client


def _bell(html):
    return re.search(r'aria-label="Notifications, (\S+) unread"', html).group(1)


def test_each_member_sees_only_their_own_lines_per_workspace(workspace, other_workspace, people):
    ann, bob = people
    html_a = _page_client(ann, workspace).get(reverse("notification-list")).content.decode()
    html_b = _page_client(ann, other_workspace).get(reverse("notification-list")).content.decode()
    assert "AnnA" in html_a and "BobA" not in html_a and "AnnB" not in html_a
    assert "AnnB" in html_b and "AnnA" not in html_b
    assert _bell(html_a) == "1" and _bell(html_b) == "1"
    # Reading all in A leaves B's bell as it was.
    _page_client(ann, workspace).post(reverse("notification-read-all"))
    html_b = _page_client(ann, other_workspace).get(reverse("deal-list")).content.decode()
    assert _bell(html_b) == "1"
    assert Notification.objects.get(user=bob).read_at is None


def test_anothers_ids_are_404_on_pages(workspace, other_workspace, people):
    ann, bob = people
    client = _page_client(ann, workspace)
    bobs = Notification.objects.get(user=bob)
    anns_in_b = Notification.objects.get(user=ann, workspace=other_workspace)
    for pk in (bobs.pk, anns_in_b.pk):
        assert client.post(reverse("notification-read", args=[pk])).status_code == 404
    assert Notification.objects.get(pk=bobs.pk).read_at is None
    bob_sub = Subscription.objects.filter(user=bob).first()
    assert client.get(reverse("subscription-edit", args=[bob_sub.pk])).status_code == 404
    assert client.post(reverse("subscription-delete", args=[bob_sub.pk])).status_code == 404
    assert Subscription.objects.filter(pk=bob_sub.pk).exists()
    html = client.get(reverse("alert-settings")).content.decode()
    assert f"/settings/alerts/subscriptions/{bob_sub.pk}/" not in html


def test_anothers_ids_are_404_in_the_api(workspace, other_workspace, people):
    ann, bob = people
    client = api_client(ann, workspace)
    bobs = Notification.objects.get(user=bob)
    anns_in_b = Notification.objects.get(user=ann, workspace=other_workspace)
    listed = client.get("/api/v1/notifications/").json()
    assert [row["event"]["data"]["name"] for row in listed["results"]] == ["AnnA"]
    for pk in (bobs.pk, anns_in_b.pk):
        assert client.get(f"/api/v1/notifications/{pk}/").status_code == 404
        assert client.post(f"/api/v1/notifications/{pk}/read/").status_code == 404
    bob_sub = Subscription.objects.filter(user=bob).first()
    assert client.get(f"/api/v1/subscriptions/{bob_sub.pk}/").status_code == 404
    patched = client.patch(f"/api/v1/subscriptions/{bob_sub.pk}/", {"scope": "all"}, format="json")
    assert patched.status_code == 404
    assert client.delete(f"/api/v1/subscriptions/{bob_sub.pk}/").status_code == 404
    ids = {row["id"] for row in client.get("/api/v1/subscriptions/").json()["results"]}
    assert ids == set(
        Subscription.objects.filter(user=ann, workspace=workspace).values_list("pk", flat=True)
    )
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.filter(read_at=None).count() == 2  # Bob's and Ann's in B
