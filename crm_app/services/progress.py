"""Progress of a running import, visible to pollers while the import's transaction is open.

The import writes every record inside one transaction, so a progress value written through that
transaction would stay invisible until the end. The reporter writes it elsewhere:

- always to the cache (enough for the embedded setup, where tasks run in the web process), and
- on PostgreSQL also to the ImportJob row through a second, autocommit connection, so a web
  process polling a Celery worker's import sees the bar move. The import's own transaction never
  touches the job row, so the two connections never wait on each other (a short lock_timeout
  guards against it anyway).
"""

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections

from crm_app.models import ImportJob

logger = logging.getLogger(__name__)
CACHE_TIMEOUT = 6 * 3600


def _cache_key(job_id: int) -> str:
    return f"deallens:import-progress:{job_id}"


class ProgressReporter:
    """``reporter(percent, message)`` from inside an import; ``close()`` when it is over."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._side = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        cache.set(_cache_key(self.job_id), (percent, message[:300]), CACHE_TIMEOUT)
        if self._side is None:
            return
        try:
            with self._side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET progress = %s, "  # noqa: S608 - the model's own table name
                    "progress_message = %s WHERE id = %s AND state = 'running'",
                    [percent, message[:300], self.job_id],
                )
        except DatabaseError:
            logger.warning("could not record progress of import %s", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def progress_read(job: ImportJob) -> tuple[int, str]:
    """Percent done and what is happening, the freshest of the job row and the cache."""
    percent, message = job.progress, job.progress_message
    if job.state == job.State.RUNNING:
        cached = cache.get(_cache_key(job.pk))
        if cached and cached[0] >= percent:
            percent, message = cached
    elif job.is_finished:
        percent = 100
    return percent, message


def progress_forget(job_id: int) -> None:
    cache.delete(_cache_key(job_id))
