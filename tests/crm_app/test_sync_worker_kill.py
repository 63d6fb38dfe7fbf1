"""Fault: the worker running a Salesforce or HubSpot sync is SIGKILLed mid-run (PRODUCT.md §11).

Two real Celery workers share a queue; the fake org answers slowly in small pages, so a first
sync takes seconds. Each trial starts a first sync of a fresh workspace through
``sync_run_request`` (sent after commit), waits until some pages are committed, and kills the
worker holding the task. The broker hands the task out again (acks_late, short visibility
timeout); PostgreSQL has dropped the dead worker's advisory lock with its connection, so the
other worker resumes the run from its cursor. Every record is there exactly once afterwards,
and the run's counts add up to the export's. Needs PostgreSQL and Redis (CI has both).
"""

import pytest
from django.conf import settings

from accounts_app.models import Account
from crm_app import tasks
from crm_app.models import SyncRun
from crm_app.services.connections import connection_create
from crm_app.services.sync import sync_run_request
from deals_app.models import Deal
from personas_app.models import Contact
from tests.factories import WorkspaceFactory
from tests.insights_app.faults_support import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TRIALS = 3
EXPORT = {"Account": 185, "Contact": 701, "Opportunity": 741, "OpportunityContactRole": 42}


@pytest.fixture
def to_test_queue(shared_workers, monkeypatch):
    sent: list[str] = []
    send = tasks.crm_sync_execute.apply_async

    def to_queue(*args, **options):
        result = send(*args, **{**options, "queue": shared_workers.queue})
        sent.append(result.id)
        return result

    monkeypatch.setattr(tasks.crm_sync_execute, "apply_async", to_queue)
    return sent


def _run(run_id):
    return SyncRun.objects.get(pk=run_id)


def _kill_mid_run(workers, pool, sent, connection, target, trial):
    """Start a first sync, kill its worker once a page of ``target`` is committed, and wait for
    another worker to finish it; asserts every record is there exactly once. The done run."""
    workspace = connection.workspace
    run, created = sync_run_request(connection=connection, workspace=workspace)
    assert created
    task_id = sent[-1]
    wait_until(
        lambda r=run.pk, t=target: _run(r).counts.get(t, {}).get("created", 0) >= 200,
        f"trial {trial}: pages committed",
        workers,
    )
    victim = workers.holder(task_id)
    assert victim is not None and _run(run.pk).state == SyncRun.State.RUNNING
    victim.kill()
    pool[pool.index(victim)] = workers.restart(victim)
    wait_until(lambda r=run.pk: _run(r).is_finished, f"trial {trial}: the resumed run", workers)
    done = _run(run.pk)
    assert done.state == SyncRun.State.SUCCEEDED, (done.message, workers.logs())
    assert Account.objects.for_workspace(workspace).count() == 185
    assert Contact.objects.for_workspace(workspace).count() == 701
    deals = Deal.objects.for_workspace(workspace)
    assert deals.count() == 741 == deals.values("external_id").distinct().count()
    assert Deal.history.filter(workspace_id=workspace.pk).count() == 741  # one each
    return done


def _worker_env(workers, fake, **extra):
    workers.env.update(
        DEALLENS_FAULT_VISIBILITY="4",
        DEALLENS_CRM_CA_BUNDLE=fake.ca_path,
        DEALLENS_ENCRYPTION_KEYS=",".join(settings.DEALLENS_ENCRYPTION_KEYS),
        DEALLENS_CRM_SYNC_BACKOFF_MAX_SECONDS="0.5",
        **extra,
    )


def test_a_sync_survives_its_worker_killed_mid_run(shared_workers, to_test_queue, fake_salesforce):
    fake_salesforce.page_size = 100
    fake_salesforce.slow_pages(0.15)
    _worker_env(shared_workers, fake_salesforce)
    pool = [shared_workers.start("a"), shared_workers.start("b")]
    resumed = 0
    # Kill once a few pages of contacts (trial 0), deals (1) or later are committed.
    for trial, target in enumerate(("Contact", "Opportunity", "Opportunity")[:TRIALS]):
        connection = connection_create(
            workspace=WorkspaceFactory(),
            kind="salesforce",
            name=f"Org {trial}",
            instance_url=fake_salesforce.url,
            credentials={
                "client_id": fake_salesforce.client_id,
                "client_secret": fake_salesforce.client_secret,
            },
        )
        done = _kill_mid_run(shared_workers, pool, to_test_queue, connection, target, trial)
        resumed += done.attempts >= 2
        assert {name: c["created"] for name, c in done.counts.items()} == EXPORT
    assert resumed == TRIALS


def test_a_hubspot_sync_survives_its_worker_killed_mid_run(
    shared_workers, to_test_queue, fake_hubspot
):
    fake_hubspot.slow_pages(0.3)
    _worker_env(
        shared_workers,
        fake_hubspot,
        DEALLENS_CRM_HUBSPOT_REQUESTS_PER_10S="0",
        DEALLENS_CRM_HUBSPOT_SEARCHES_PER_SECOND="0",
    )
    pool = [shared_workers.start("a"), shared_workers.start("b")]
    portal = {"companies": 185, "contacts": 701, "deals": 741}
    for trial, target in enumerate(("contacts", "deals")):
        connection = connection_create(
            workspace=WorkspaceFactory(),
            kind="hubspot",
            name=f"Portal {trial}",
            instance_url=fake_hubspot.url,
            credentials={"access_token": fake_hubspot.access_token},
        )
        done = _kill_mid_run(shared_workers, pool, to_test_queue, connection, target, trial)
        assert done.attempts >= 2
        assert {n: c["created"] for n, c in done.counts.items() if n in portal} == portal
