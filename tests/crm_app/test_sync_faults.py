"""Faults during a sync: rate limits, server errors, timeouts, an expired session, bad
credentials, a bad record, and a run that gives up — nothing lost, nothing doubled."""

import logging

from crm_app.models import SyncRun
from crm_app.services.connections import connection_test, connection_update
from deals_app.models import Deal
from tests.crm_app.sync_support import changed, first_id, sync

EXPORT = {"Account": 185, "Contact": 701, "Opportunity": 741, "OpportunityContactRole": 42}


def created(run):
    return {name: c["created"] for name, c in run.counts.items()}


def test_429_and_5xx_are_retried_honouring_retry_after(sf_connection, fake_salesforce):
    fake_salesforce.fail_next(2, 429, retry_after=0.1, path_prefix="/services/data/")
    fake_salesforce.fail_next(1, 503, path_prefix="/services/data/")
    fake_salesforce.fail_next(1, 403, path_prefix="/services/data/")  # REQUEST_LIMIT_EXCEEDED
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert created(run) == EXPORT
    assert run.requests == 13 + 4  # every retry is counted


def test_a_timeout_is_retried(sf_connection, fake_salesforce, settings):
    settings.CRM_SYNC_TIMEOUT_SECONDS = 0.5
    fake_salesforce.hang_next(2.0)
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert created(run) == EXPORT


def test_an_expired_session_is_renewed_once(sf_connection, fake_salesforce):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    opp = first_id(fake_salesforce, "Opportunity")
    fake_salesforce.update("Opportunity", opp, Name="Renamed after the token expired")
    fake_salesforce.expire_tokens()
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert changed(run, "Opportunity") == (0, 1, 0)


def test_bad_credentials_fail_the_run_with_words_to_act_on(sf_connection, workspace):
    connection_update(
        connection=sf_connection,
        workspace=workspace,
        credentials={"client_id": "deallens-test-client", "client_secret": "wrong-secret-9f3a"},
    )
    run = sync(sf_connection)
    assert run.state == SyncRun.State.FAILED
    assert "rejected the client id and secret" in run.message
    sf_connection.refresh_from_db()
    assert sf_connection.consecutive_failures == 1 and sf_connection.is_failing
    assert "wrong-secret-9f3a" not in run.message + sf_connection.last_error


def test_a_run_that_gives_up_resumes_next_time_without_gaps_or_doubles(
    sf_connection, fake_salesforce, workspace, settings
):
    settings.CRM_SYNC_RETRIES = 2
    fake_salesforce.page_size = 200
    # Accounts and the first contact page commit; then the org keeps failing.
    fake_salesforce.fail_next(2, 500, path_prefix="/services/data/v59.0/query/01g")
    first = sync(sf_connection)
    assert first.state == SyncRun.State.FAILED
    assert "Gave up after several tries" in first.message
    assert 0 < sum(created(first).values()) < sum(EXPORT.values())
    second = sync(sf_connection)
    assert second.state == SyncRun.State.SUCCEEDED, second.message
    for name, count in EXPORT.items():
        assert created(first).get(name, 0) + created(second).get(name, 0) == count, name
    deals = Deal.objects.filter(workspace=workspace)
    assert deals.count() == 741 == deals.values("external_id").distinct().count()
    sf_connection.refresh_from_db()
    assert sf_connection.consecutive_failures == 0 and sf_connection.last_run_id == second.pk


def test_a_bad_record_is_reported_and_the_rest_syncs(sf_connection, fake_salesforce, workspace):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    account = first_id(fake_salesforce, "Account")
    bad = fake_salesforce.add("Opportunity", AccountId=account, Name="Refund", Amount=-50.0)
    good = fake_salesforce.add("Opportunity", AccountId=account, Name="Expansion", Amount=9000.0)
    orphan = fake_salesforce.add("Opportunity", AccountId="001000000000000AAA", Name="Orphan")
    run = sync(sf_connection)
    assert run.state == SyncRun.State.PARTIAL
    assert run.error_count == 2
    by_id = {e["id"]: e for e in run.errors}
    assert by_id[bad]["object"] == "Opportunity"
    assert "negative" in by_id[bad]["message"]
    assert "No account with id" in by_id[orphan]["message"]
    assert run.counts["Opportunity"]["created"] == 1
    assert run.counts["Opportunity"]["skipped"] == 2
    assert Deal.objects.filter(workspace=workspace, external_id=good).exists()


def test_credentials_never_reach_a_log_line(sf_connection, fake_salesforce, caplog):
    caplog.set_level(logging.DEBUG)
    fake_salesforce.fail_next(1, 500, path_prefix="/services/oauth2/")
    fake_salesforce.fail_next(1, 429, retry_after=0, path_prefix="/services/data/")
    sync(sf_connection)
    run = SyncRun.objects.get(connection=sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED
    assert caplog.records  # the retries were logged
    assert fake_salesforce.client_secret not in caplog.text
    assert fake_salesforce.client_secret not in str(run.errors) + run.message
    sf_connection.refresh_from_db()
    assert fake_salesforce.client_secret not in sf_connection.credentials_encrypted


def test_the_connection_test_tries_once_and_says_what_is_wrong(
    sf_connection, fake_salesforce, workspace
):
    ok, message = connection_test(connection=sf_connection, workspace=workspace)
    assert ok and "daily API requests left" in message
    fake_salesforce.reset_log()
    fake_salesforce.fail_next(3, 503, path_prefix="/services/oauth2/")
    ok, message = connection_test(connection=sf_connection, workspace=workspace)
    assert not ok and "503" in message
    assert fake_salesforce.request_count() == 1
