"""The embedded mode's debounced recompute: no broker, no beat, so this process runs it.

Without REDIS_URL tasks run eagerly and nothing schedules ``insights_recompute_dirty_workspaces``
every INSIGHTS_DEBOUNCE_SECONDS. With DEALLENS_INPROCESS_RECOMPUTE on, a data change (after its
commit) arms one daemon ``threading.Timer`` per process; when it fires, the dirty workspaces are
recomputed in that thread, never in the request that made the change (the delay: 2 s, or
the DEALLENS_INPROCESS_RECOMPUTE_DELAY setting). Changes while the timer
is pending join it (a burst is one recompute); a change while a recompute runs arms the next
timer, which waits for the running one (the run lock), so nothing is lost and two never overlap.
At exit a pending timer is dropped (the next change, or ``recompute_insights``, catches up).
"""

import atexit
import logging
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_lock = threading.Lock()  # guards _timer
_run_lock = threading.Lock()  # one in-process recompute at a time
_timer: threading.Timer | None = None


def inprocess_recompute_enabled() -> bool:
    return bool(getattr(settings, "DEALLENS_INPROCESS_RECOMPUTE", False))


def inprocess_recompute_soon() -> bool:
    """Arm the timer (unless one is pending); True when a recompute is now scheduled."""
    global _timer
    if not inprocess_recompute_enabled():
        return False
    with _lock:
        if _timer is not None and _timer.is_alive():
            return True  # the pending timer covers this change too: one recompute per burst
        delay = float(getattr(settings, "DEALLENS_INPROCESS_RECOMPUTE_DELAY", 2.0))
        timer = threading.Timer(delay, _run)
        timer.daemon = True  # never keeps the process alive at exit
        timer.name = "deallens-inprocess-recompute"
        _timer = timer
        timer.start()
    return True


def _run() -> None:
    global _timer
    with _lock:
        if _timer is threading.current_thread():
            _timer = None  # a change from now on arms the next timer
    from insights_app.tasks import insights_recompute_dirty_workspaces

    with _run_lock:
        try:
            count = insights_recompute_dirty_workspaces()
            logger.info("In-process recompute: %s workspace(s) recomputed", count)
        except Exception:
            logger.exception("The in-process recompute failed; the next change retries it")
        finally:
            connections.close_all()  # this thread's connections only


def inprocess_recompute_wait(timeout: float = 30.0) -> bool:
    """Wait until no timer is pending and no recompute runs (tests, shutdown); True if idle."""
    with _lock:
        timer = _timer
    if timer is not None:
        timer.join(timeout)
        if timer.is_alive():
            return False
    acquired = _run_lock.acquire(timeout=timeout)
    if acquired:
        _run_lock.release()
    return acquired


@atexit.register
def _at_exit() -> None:
    """A process that exits (a command, the server stopped) drops its pending timer and lets a
    running recompute finish, so no scheduler lease is left behind to hold the workspace."""
    global _timer
    with _lock:
        timer, _timer = _timer, None
    if timer is not None:
        timer.cancel()
    if _run_lock.acquire(timeout=60):
        _run_lock.release()
