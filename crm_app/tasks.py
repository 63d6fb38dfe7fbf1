"""Background work of crm_app: thin tasks that take ids and call one service.

A transient database error that escapes the service (its connection dropped) is retried with
exponential backoff (1 s, 2 s, 4 s, … at most 6 times): the import is all or nothing and a job
whose run did not finish is run again, so a retry never imports twice.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError


# ignore_result: the outcome lives on the ImportJob row; sending then touches only the broker,
# never the result backend (which, once Redis was unreachable, refuses until a restart).
@shared_task(
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=900,
    time_limit=960,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=6,
)
def import_execute(job_id: int) -> str:
    """Run a queued CRM import; returns its final state. Idempotent (see import_job_execute)."""
    from crm_app.services.import_jobs import import_job_execute  # the service owns the logic

    job = import_job_execute(job_id=job_id)
    return job.state if job is not None else "missing"


# The outcome lives on the SyncRun row. A worker killed mid-run loses its message's ack, so
# the broker redelivers it (acks_late + reject_on_worker_lost); the service's lock and cursor
# make the second delivery resume where the first one's last committed page ended.
@shared_task(
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=3300,
    time_limit=3600,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=6,
)
def crm_sync_execute(run_id: int) -> str:
    """Run a queued or interrupted CRM sync; returns its final state. Safe to run twice."""
    from crm_app.services.sync import sync_run_execute

    run = sync_run_execute(run_id=run_id)
    return run.state if run is not None else "missing"


@shared_task(ignore_result=True)
def crm_sync_due() -> int:
    """Beat, every minute: start the connections whose schedule is due and re-send runs that
    lost their worker; returns how many runs were sent."""
    from crm_app.services.sync import sync_due_request, sync_runs_reap

    return sync_due_request() + sync_runs_reap()


@shared_task(ignore_result=True)
def import_drafts_delete() -> int:
    """Beat, hourly: delete import drafts nobody ran (DEALLENS_IMPORT_DRAFT_HOURS) with their
    stored files; returns how many went."""
    from crm_app.services.import_jobs import import_drafts_delete as drafts_delete

    return drafts_delete()
