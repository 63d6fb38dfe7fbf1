"""The Celery app of the fault-test workers: ``config``'s app plus hooks driven by the
environment, so a test can tell which worker runs a task and can inject a database error.

- ``DEALLENS_FAULT_DIR``: every task start appends ``<pid> <time>`` to ``<dir>/<task id>.runs``
  (the test kills the process that runs a task, and counts attempts and their times).
- ``DEALLENS_FAULT_DB_ERRORS=N``: the first N publishes of a recompute (counted across
  processes in ``<dir>/db-faults``) write every part, then raise OperationalError — the
  transaction rolls back, as when the database drops the connection at commit time.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]

FAULT_DIR = Path(os.environ["DEALLENS_FAULT_DIR"]) if os.environ.get("DEALLENS_FAULT_DIR") else None
DB_ERRORS = int(os.environ.get("DEALLENS_FAULT_DB_ERRORS", "0"))
_armed = False


def _append(path: Path, line: str) -> int:
    """Append a line (atomic for short lines with O_APPEND); returns the number of lines."""
    with path.open("a") as fh:
        fh.write(line + "\n")
    return len(path.read_text().splitlines())


def _arm_db_fault() -> None:
    from django.db import OperationalError, transaction

    from insights_app.services import recompute

    original = recompute._publish

    def publish_then_fail(**kwargs):
        with transaction.atomic():
            published = original(**kwargs)
            attempt = _append(FAULT_DIR / "db-faults", f"{os.getpid()} {time.time()}")
            if attempt <= DB_ERRORS:
                raise OperationalError(
                    f"injected fault {attempt}/{DB_ERRORS}: server closed the connection"
                )
        return published

    recompute._publish = publish_then_fail


@task_prerun.connect
def _on_task_start(task_id=None, **kwargs):
    global _armed
    if FAULT_DIR is None:
        return
    _append(FAULT_DIR / f"{task_id}.runs", f"{os.getpid()} {time.time()}")
    if DB_ERRORS and not _armed:
        _armed = True
        _arm_db_fault()
