"""One-click unsubscribe (RFC 8058): the signed link shows what stops, a POST (a person's or a
mail client's, without a session or a CSRF token) stops it; any other token is a 404."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from alerts_app.models import Channel, ChannelDelivery, DeliveryState, Subscription
from alerts_app.services.wording import UNSUBSCRIBE_SALT, unsubscribe_token
from events_app.models import EventType
from tests.alerts_support.rows import deal_event, deliveries, member_with, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(workspace):
    user = member_with(workspace, username="rita", email="rita@vendor.example")
    email = subscribe(user, workspace, types=[EventType.DEAL_RISK_RAISED], scope="mine")
    in_app = subscribe(user, workspace, types=[EventType.DEAL_WON], channel=Channel.IN_APP)
    return user, email, in_app


def _url(user, *subscriptions) -> str:
    token = unsubscribe_token(user_id=user.pk, subscription_ids=[s.pk for s in subscriptions])
    return reverse("alerts-unsubscribe", kwargs={"token": token})


def test_the_link_shows_what_will_stop_and_changes_nothing_yet(rep):
    user, email, _ = rep
    response = Client().get(_url(user, email))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unsubscribe?" in page
    assert "deal risk raised on your deals, by e-mail as it happens" in page
    assert "Acme Observability" in page
    assert 'method="post"' in page
    email.refresh_from_db()
    assert email.enabled


def test_a_post_turns_that_subscription_off_and_only_that_one(rep):
    user, email, in_app = rep
    client = Client(enforce_csrf_checks=True)  # a mail client: no session, no CSRF token
    response = client.post(_url(user, email), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "You will no longer get" in page
    assert "deal risk raised on your deals" in page
    assert 'href="/settings/alerts/"' in page
    email.refresh_from_db()
    in_app.refresh_from_db()
    assert not email.enabled and in_app.enabled
    # Again, and a GET afterwards: still off, and says so.
    assert client.post(_url(user, email)).status_code == 200
    again = client.get(_url(user, email)).content.decode()
    assert "You are unsubscribed" in again


def test_what_was_waiting_is_not_sent_after_unsubscribing(workspace, rep):
    user, email, _ = rep
    digest = subscribe(user, workspace, types=[EventType.DEAL_WON], channel=Channel.DIGEST)
    deal_event(workspace, type=EventType.DEAL_WON)
    [line] = deliveries(digest)
    Client().post(_url(user, digest))
    line.refresh_from_db()
    assert line.state == DeliveryState.SKIPPED and line.last_error == "Unsubscribed."


def test_a_digest_link_turns_off_every_subscription_of_that_digest(workspace, rep):
    user, email, _ = rep
    daily = subscribe(user, workspace, types=[EventType.DEAL_WON], channel=Channel.DIGEST)
    weekly = subscribe(
        user,
        workspace,
        types=[EventType.SEGMENT_SHIFTED],
        channel=Channel.DIGEST,
        digest_frequency="weekly",
    )
    Client().post(_url(user, daily, weekly))
    assert set(Subscription.objects.filter(enabled=False)) == {daily, weekly}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_made_up_token_is_a_friendly_404(rep, method):
    user, email, _ = rep
    good = unsubscribe_token(user_id=user.pk, subscription_ids=[email.pk])
    payload, rest = good.split(":", 1)
    forged = signing.dumps({"u": user.pk, "s": [email.pk]}, salt="another-salt")
    for token in (good[:-2] + "xx", "eyJ1IjoxLCJzIjpbMl19:" + rest, "nonsense", forged):
        response = getattr(Client(), method)(reverse("alerts-unsubscribe", kwargs={"token": token}))
        assert response.status_code == 404, token
        assert "This unsubscribe link does not work" in response.content.decode()
    email.refresh_from_db()
    assert email.enabled


def test_a_token_cannot_touch_another_members_subscription(workspace, other_workspace, rep):
    user, email, _ = rep
    other = member_with(workspace, username="otto")
    theirs = subscribe(other, workspace, types=[EventType.DEAL_RISK_RAISED])
    outsider = member_with(other_workspace, username="olga")
    elsewhere = subscribe(outsider, other_workspace, types=[EventType.DEAL_RISK_RAISED])
    # Rita's signature over someone else's subscription ids (as if she had guessed them).
    for url in (_url(user, theirs), _url(user, elsewhere)):
        assert Client().get(url).status_code == 404
        assert Client().post(url).status_code == 404
    # A mix: only her own is touched.
    token = unsubscribe_token(user_id=user.pk, subscription_ids=[email.pk, theirs.pk])
    Client().post(reverse("alerts-unsubscribe", kwargs={"token": token}))
    assert list(Subscription.objects.filter(enabled=False)) == [email]
    assert ChannelDelivery.objects.count() == 0
    page = Client().get(reverse("alerts-unsubscribe", kwargs={"token": token})).content.decode()
    assert "otto" not in page and "olga" not in page


def test_the_salt_keeps_other_signed_values_out(rep):
    user, email, _ = rep
    token = signing.dumps({"u": user.pk, "s": [email.pk]}, salt=UNSUBSCRIBE_SALT)
    assert Client().get(reverse("alerts-unsubscribe", kwargs={"token": token})).status_code == 200
    plain = signing.dumps({"u": user.pk, "s": [email.pk]})
    assert Client().get(reverse("alerts-unsubscribe", kwargs={"token": plain})).status_code == 404
