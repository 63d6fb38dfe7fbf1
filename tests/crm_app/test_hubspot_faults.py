"""Faults during a HubSpot sync: its rate limits (paced under, 429s retried), server errors,
timeouts, a revoked token and a run that gives up — nothing lost, nothing doubled."""

import logging

from crm_app.connectors import hubspot
from crm_app.models import SyncRun
from crm_app.services.connections import connection_test
from deals_app.models import Deal
from tests.crm_app.sync_support import sync

PORTAL = {"companies": 185, "contacts": 701, "deals": 741}


def created(run):
    return {name: c["created"] for name, c in run.counts.items() if name in PORTAL}


def test_paced_under_the_portals_limit_it_never_hears_429(
    hs_connection, fake_hubspot, settings, monkeypatch
):
    # HubSpot's 100 per 10 s, scaled to 10 per second so the test takes seconds.
    fake_hubspot.rate_limit = (10, 1.0)
    monkeypatch.setattr(hubspot, "RATE_WINDOW_SECONDS", 1.0)
    settings.CRM_HUBSPOT_REQUESTS_PER_10S = 9
    run = sync(hs_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert created(run) == PORTAL
    assert fake_hubspot.rate_limited == 0
    assert run.requests >= 28  # three windows' worth at least: pacing was needed


def test_unpaced_429s_are_retried_and_lose_nothing(hs_connection, fake_hubspot, workspace):
    fake_hubspot.rate_limit = (10, 1.0)  # the fixture's connection is unpaced
    run = sync(hs_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert fake_hubspot.rate_limited > 0
    assert created(run) == PORTAL
    deals = Deal.objects.filter(workspace=workspace)
    assert deals.count() == 741 == deals.values("external_id").distinct().count()


def test_429_and_5xx_are_retried_honouring_retry_after(hs_connection, fake_hubspot):
    fake_hubspot.fail_next(2, 429, retry_after=0.1, path_prefix="/crm/v3/objects/contacts/search")
    fake_hubspot.fail_next(1, 502, path_prefix="/crm/v4/associations/")
    run = sync(hs_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert created(run) == PORTAL
    assert run.requests == fake_hubspot.request_count()  # every retry is counted


def test_a_timeout_is_retried(hs_connection, fake_hubspot, settings):
    settings.CRM_SYNC_TIMEOUT_SECONDS = 0.5
    fake_hubspot.hang_next(2.0)
    run = sync(hs_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert created(run) == PORTAL


def test_a_revoked_token_fails_the_run_with_words_to_act_on(hs_connection, fake_hubspot):
    fake_hubspot.revoke_token()
    run = sync(hs_connection)
    assert run.state == SyncRun.State.FAILED
    assert "HubSpot rejected the access token" in run.message
    hs_connection.refresh_from_db()
    assert hs_connection.consecutive_failures == 1
    assert fake_hubspot.access_token not in run.message + hs_connection.last_error


def test_a_run_that_gives_up_resumes_without_gaps_or_doubles(
    hs_connection, fake_hubspot, workspace, settings
):
    settings.CRM_SYNC_RETRIES = 2
    # Companies and a page of contacts commit; then the deal searches keep failing.
    fake_hubspot.fail_next(2, 500, path_prefix="/crm/v3/objects/deals/search")
    first = sync(hs_connection)
    assert first.state == SyncRun.State.FAILED
    assert "Gave up after several tries" in first.message
    second = sync(hs_connection)
    assert second.state == SyncRun.State.SUCCEEDED, second.message
    for name, count in PORTAL.items():
        assert created(first).get(name, 0) + created(second).get(name, 0) == count, name
    deals = Deal.objects.filter(workspace=workspace)
    assert deals.count() == 741 == deals.values("external_id").distinct().count()


def test_the_token_never_reaches_a_log_line(hs_connection, fake_hubspot, caplog):
    caplog.set_level(logging.DEBUG)
    fake_hubspot.fail_next(1, 429, retry_after=0)
    fake_hubspot.fail_next(1, 500)
    run = sync(hs_connection)
    assert run.state == SyncRun.State.SUCCEEDED
    assert caplog.records  # the retries were logged
    assert fake_hubspot.access_token not in caplog.text
    hs_connection.refresh_from_db()
    assert fake_hubspot.access_token not in hs_connection.credentials_encrypted


def test_the_connection_test_tries_once_and_says_what_is_wrong(
    hs_connection, fake_hubspot, workspace
):
    ok, message = connection_test(connection=hs_connection, workspace=workspace)
    assert ok and "HubSpot" in message
    fake_hubspot.reset_log()
    fake_hubspot.revoke_token()
    ok, message = connection_test(connection=hs_connection, workspace=workspace)
    assert not ok and "access token" in message
    assert fake_hubspot.request_count() == 1


def test_missing_scopes_and_a_wrong_host_are_named(hs_connection, fake_hubspot, workspace):
    fake_hubspot.fail_next(1, 403)
    ok, message = connection_test(connection=hs_connection, workspace=workspace)
    assert not ok and "missing scopes" in message and "crm.objects.deals.read" in message
    fake_hubspot.fail_next(1, 404)
    ok, message = connection_test(connection=hs_connection, workspace=workspace)
    assert not ok and "404" in message and "API URL" in message
