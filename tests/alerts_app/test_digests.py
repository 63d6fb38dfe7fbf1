"""Daily and weekly digests (PRODUCT.md §12): at the member's hour, on the weekly day, grouped,
never empty, never twice in an hour, with queries that do not grow with the members."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_app.models import Membership
from alerts_app.models import AlertPreference, Channel, ChannelDelivery, DeliveryState
from alerts_app.services.digests import MAX_LINES, digests_send_due
from events_app.models import EventType
from tests.alerts_support.rows import deal_event, member_with, other_event, subscribe

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
MONDAY_8 = datetime(2026, 12, 7, 8, 5, tzinfo=UTC)  # a Monday
TUESDAY_8 = datetime(2026, 12, 8, 8, 5, tzinfo=UTC)
E = EventType


def at(day: datetime, hour: int, minute: int = 5) -> datetime:
    return day.replace(hour=hour, minute=minute)


@pytest.fixture
def rep(workspace):
    """A sales rep with a daily digest of won and lost deals and risks, at 9."""
    user = member_with(workspace, username="rita", email="rita@vendor.example", digest_hour=9)
    subscribe(
        user,
        workspace,
        types=[E.DEAL_WON, E.DEAL_LOST, E.DEAL_RISK_RAISED],
        channel=Channel.DIGEST,
    )
    return user


@pytest.fixture
def exec_(workspace):
    """An exec with the role default: a weekly digest of segment shifts, Mondays at 8."""
    user = member_with(
        workspace,
        role=Membership.Role.EXEC,
        username="erin",
        email="erin@vendor.example",
        digest_hour=8,
        digest_weekday=0,
    )
    subscribe(
        user,
        workspace,
        types=[E.SEGMENT_SHIFTED],
        channel=Channel.DIGEST,
        digest_frequency="weekly",
    )
    return user


def shift(workspace, *, value="Retail", before=0.42, after=0.28, metric="win_rate"):
    return other_event(
        workspace,
        type=E.SEGMENT_SHIFTED,
        summary=f"Win rate of industry {value} moved",
        object_url="/dashboard/?dimension=industry",
        dimension="industry",
        value=value,
        metric=metric,
        before=before,
        after=after,
    )


def test_a_daily_digest_goes_at_the_members_hour_only(smtp_server, workspace, rep):
    deal_event(workspace, type=E.DEAL_WON, summary="Umbrella – platform was won")
    for hour in (7, 8, 10, 23):
        assert digests_send_due(at(MONDAY_8, hour)) == 0
    assert smtp_server.received == []

    assert digests_send_due(at(MONDAY_8, 9)) == 1
    [mail] = smtp_server.received
    assert mail.recipients == ["rita@vendor.example"]
    assert "daily" in mail.message["Subject"] and "1 update" in mail.message["Subject"]
    assert not ChannelDelivery.objects.filter(state=DeliveryState.PENDING).exists()
    preference = AlertPreference.objects.get(user=rep)
    assert preference.last_daily_digest_at == at(MONDAY_8, 9)


def test_the_digest_hour_is_in_the_configured_time_zone(smtp_server, settings, workspace, rep):
    settings.TIME_ZONE = "Europe/Berlin"  # 9:00 there is 8:00 UTC in December
    deal_event(workspace, type=E.DEAL_WON)
    assert digests_send_due(at(MONDAY_8, 9)) == 0
    assert digests_send_due(at(MONDAY_8, 8)) == 1


def test_a_second_run_in_the_hour_sends_nothing_more(smtp_server, workspace, rep):
    deal_event(workspace, type=E.DEAL_WON)
    assert digests_send_due(at(MONDAY_8, 9, 0)) == 1
    deal_event(workspace, type=E.DEAL_LOST)  # arrives after the digest went
    assert digests_send_due(at(MONDAY_8, 9, 40)) == 0
    assert len(smtp_server.received) == 1
    # The next day the new line goes, and only it.
    assert digests_send_due(at(TUESDAY_8, 9)) == 1
    assert "1 update" in smtp_server.received[1].message["Subject"]
    assert "lost" in smtp_server.received[1].part("text/plain").lower()


def test_the_beat_task_run_twice_sends_one_digest(
    smtp_server, settings, workspace, rep, monkeypatch
):
    """The task itself, at the real time: the rep's hour is made the current one (and the
    clock held there, so the test cannot straddle the turn of an hour)."""
    from django.utils import timezone

    from alerts_app.services import digests
    from alerts_app.tasks import alerts_digests_send

    now = timezone.now()
    monkeypatch.setattr(digests.timezone, "now", lambda: now)
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    AlertPreference.objects.filter(user=rep).update(digest_hour=local.hour)
    deal_event(workspace, type=E.DEAL_WON)
    alerts_digests_send.delay()
    alerts_digests_send.delay()  # the beat's run twice (or two beats)
    assert len(smtp_server.received) == 1


def test_nothing_pending_sends_no_email(smtp_server, workspace, rep):
    assert digests_send_due(at(MONDAY_8, 9)) == 0
    assert smtp_server.received == []


def test_a_weekly_digest_goes_only_on_its_weekday_and_reads_well(
    smtp_server, workspace, exec_, rep
):
    shift(workspace, value="Retail", before=0.42, after=0.28)
    shift(workspace, value="Fintech", metric="pipeline", before=120000, after=80000)
    assert digests_send_due(at(TUESDAY_8, 8)) == 0  # not Monday
    assert ChannelDelivery.objects.filter(state=DeliveryState.PENDING).count() == 2
    sent = digests_send_due(at(MONDAY_8, 8) + timedelta(days=7))  # the next Monday
    assert sent == 1
    [mail] = smtp_server.received
    assert mail.recipients == ["erin@vendor.example"]
    assert "weekly" in mail.message["Subject"] and "2 updates" in mail.message["Subject"]
    text, html = mail.part("text/plain"), mail.part("text/html")
    for body in (text, html):
        assert "Industry: Retail" in body
        assert "Win rate 42% → 28% (−14 points)" in body
        assert "Industry: Fintech" in body
        assert "Pipeline 120,000 → 80,000 (−33%)" in body
        assert "segment shifted, in a weekly digest" in body, body
        assert "https://deallens.example/dashboard/?dimension=industry" in body
    assert "SEGMENTS THAT SHIFTED (2)" in text
    # A digest of several subscriptions unsubscribes from all of them at once.
    assert str(mail.message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in str(mail.message["List-Unsubscribe"])


def test_lines_are_grouped_by_type_newest_first(smtp_server, workspace, rep):
    deal_event(workspace, type=E.DEAL_WON, summary="Initech – renewal was won")
    deal_event(workspace, type=E.DEAL_LOST, summary="Hooli – expansion was lost")
    deal_event(workspace, type=E.DEAL_WON, summary="Umbrella – platform was won")
    deal_event(workspace, type=E.DEAL_RISK_RAISED, summary="New risk: single-threaded")
    assert digests_send_due(at(MONDAY_8, 9)) == 1
    text = smtp_server.received[0].part("text/plain")
    headings = ["RISKS RAISED (1)", "DEALS WON (2)", "DEALS LOST (1)"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert text.index("Umbrella – platform was won") < text.index("Initech – renewal was won")
    assert "4 updates" in text


def test_a_long_digest_is_capped_with_a_link_to_the_rest(smtp_server, workspace, rep):
    for n in range(MAX_LINES + 3):
        deal_event(workspace, type=E.DEAL_WON, summary=f"Deal number {n} was won")
    assert digests_send_due(at(MONDAY_8, 9)) == 1
    [mail] = smtp_server.received
    text, html = mail.part("text/plain"), mail.part("text/html")
    assert "Deal number 52 was won" in text and "Deal number 3 was won" in text
    assert "Deal number 2 was won" not in text  # the oldest three are not listed
    assert "...and 3 more: https://deallens.example/notifications/" in text
    assert "and 3 more" in html and 'href="https://deallens.example/notifications/"' in html
    # All of them count as sent: the digest named them all.
    assert not ChannelDelivery.objects.filter(state=DeliveryState.PENDING).exists()


def test_with_the_mail_server_down_the_lines_wait_and_go_on_the_next_run(
    smtp_server, workspace, rep
):
    deal_event(workspace, type=E.DEAL_WON)
    smtp_server.stop()
    assert digests_send_due(at(MONDAY_8, 9, 0)) == 0
    assert ChannelDelivery.objects.filter(state=DeliveryState.PENDING).count() == 1
    assert AlertPreference.objects.get(user=rep).last_daily_digest_at is None
    smtp_server.start()
    assert digests_send_due(at(MONDAY_8, 9, 30)) == 1
    assert len(smtp_server.received) == 1


def test_a_refused_address_does_not_hold_up_the_other_digests(smtp_server, workspace, rep):
    other = member_with(workspace, username="sam", email="sam@vendor.example", digest_hour=9)
    subscribe(other, workspace, types=[E.DEAL_WON], channel=Channel.DIGEST)
    smtp_server.handler.refuse.add("rita@vendor.example")
    deal_event(workspace, type=E.DEAL_WON)
    assert digests_send_due(at(MONDAY_8, 9)) == 1
    assert [m.recipients for m in smtp_server.received] == [["sam@vendor.example"]]
    # Rita's line waits; her digest is tried again on the next run.
    assert ChannelDelivery.objects.get(subscription__user=rep).state == DeliveryState.PENDING
    assert AlertPreference.objects.get(user=rep).last_daily_digest_at is None
    smtp_server.handler.refuse.clear()
    assert digests_send_due(at(MONDAY_8, 9, 30)) == 1
    assert smtp_server.received[-1].recipients == ["rita@vendor.example"]


def test_lines_of_a_turned_off_subscription_and_of_a_member_who_left_are_not_sent(
    smtp_server, workspace, rep, exec_
):
    deal_event(workspace, type=E.DEAL_WON)
    shift(workspace)
    rep.alert_subscriptions.update(enabled=False)
    Membership.objects.filter(user=exec_).delete()
    assert digests_send_due(at(MONDAY_8, 9)) == 0
    assert digests_send_due(at(MONDAY_8, 8)) == 0
    assert smtp_server.received == []


def test_a_member_of_another_workspace_gets_none_of_this_workspaces_lines(
    smtp_server, workspace, other_workspace, rep
):
    outsider = member_with(
        other_workspace, username="otto", email="otto@globex.example", digest_hour=9
    )
    subscribe(outsider, other_workspace, types=[E.DEAL_WON], channel=Channel.DIGEST)
    # Rita is in both workspaces, with a digest in each.
    Membership.objects.create(user=rep, workspace=other_workspace, role=Membership.Role.SALES)
    AlertPreference.objects.create(workspace=other_workspace, user=rep, digest_hour=9)
    subscribe(rep, other_workspace, types=[E.DEAL_WON], channel=Channel.DIGEST)
    deal_event(workspace, type=E.DEAL_WON, summary="Acme's own deal was won")
    deal_event(other_workspace, type=E.DEAL_WON, summary="Globex's deal was won")

    assert digests_send_due(at(MONDAY_8, 9)) == 3
    by_recipient: dict[str, list[str]] = {}
    for mail in smtp_server.received:
        by_recipient.setdefault(mail.recipients[0], []).append(mail.part("text/plain"))
    [otto] = by_recipient["otto@globex.example"]
    assert "Globex's deal was won" in otto and "Acme's own" not in otto
    assert sorted(
        ("Acme's own" in t, "Globex's" in t) for t in by_recipient["rita@vendor.example"]
    ) == [
        (False, True),
        (True, False),
    ]


def _queries_for(members: int, workspace, tag: str) -> int:
    for n in range(members):
        user = member_with(
            workspace, username=f"{tag}{n}", email=f"{tag}{n}@vendor.example", digest_hour=9
        )
        subscribe(user, workspace, types=[E.DEAL_WON, E.DEAL_LOST], channel=Channel.DIGEST)
    deal_event(workspace, type=E.DEAL_WON)
    deal_event(workspace, type=E.DEAL_LOST)
    with CaptureQueriesContext(connection) as queries:
        assert digests_send_due(at(MONDAY_8, 9)) == members
    return len(queries)


def test_queries_do_not_grow_with_the_members(smtp_server, workspace, other_workspace):
    one = _queries_for(1, workspace, "solo")
    five = _queries_for(5, other_workspace, "team")
    assert one == five, (one, five)
    assert one <= 10
    assert len(smtp_server.received) == 6
