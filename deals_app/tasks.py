"""Background work of deals_app: thin tasks that take ids and call one service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=900, time_limit=960)
def import_execute(job_id: int) -> str:
    """Run a queued CRM import; returns its final state. Idempotent (see import_job_execute)."""
    from .imports.jobs import import_job_execute

    job = import_job_execute(job_id=job_id)
    return job.state if job is not None else "missing"
