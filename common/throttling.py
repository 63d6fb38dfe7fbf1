"""API throttles that count in the shared ``throttle`` cache (Redis whenever REDIS_URL is set).

DRF's throttles keep a list of timestamps in the default cache, read and written back: in
per-process memory every gunicorn worker has its own budget (3 workers let 3 × the limit
through), and even in a shared cache two workers reading the same list at once both count
one call. These count with an atomic increment instead, over a sliding window estimated from
two fixed ones (the previous window's count, weighted by how much of it still overlaps, plus
the current one's), so the combined count of every process is the limit, with no burst of
twice the limit at a window's edge. A refused call does not count.

With Redis down or silent the API keeps answering (PRODUCT.md §10): a throttle that cannot
reach its counters lets the call through and logs a warning; the cache's short socket
timeouts (config/settings.py) bound the wait.
"""

import logging
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from redis.exceptions import RedisError
from rest_framework import throttling

if TYPE_CHECKING:  # rest_framework.views loads the throttle classes: no import at run time
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisError, OSError)


class SharedCounterMixin:
    """Sliding-window counting in the ``throttle`` cache for a SimpleRateThrottle subclass."""

    cache: Any = ConnectionProxy(caches, "throttle")  # the request thread's own connection
    rate: str | None
    num_requests: int
    duration: int
    timer: Any
    get_cache_key: Any
    now: float
    elapsed: float
    previous: int
    current: int

    def allow_request(self, request: "Request | Any", view: "APIView | None") -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = now = self.timer()
        window = int(now // self.duration)
        self.elapsed = now - window * self.duration
        current_key = f"{key}:{window}"
        try:
            self.previous = int(self.cache.get(f"{key}:{window - 1}", 0))
            self.current = self._increment(current_key)
            if self._estimate(self.current) <= self.num_requests:
                return True
            self.cache.decr(current_key)  # a refused call does not use up the budget
        except UNREACHABLE:
            logger.warning("API throttle counters unreachable; letting the call through.")
            return True
        except ValueError:  # the counter expired between the increment and the decrement
            pass
        self.current -= 1
        return False

    def _increment(self, key: str) -> int:
        for _ in range(2):
            # Kept for two windows: the next window weighs this one's count.
            self.cache.add(key, 0, timeout=2 * self.duration)
            try:
                return int(self.cache.incr(key))
            except ValueError:  # expired between add and incr: start it again
                continue
        return int(self.cache.incr(key))

    def _estimate(self, current: int) -> float:
        overlap = 1 - self.elapsed / self.duration
        return self.previous * overlap + current

    def wait(self) -> float | None:
        """Seconds until one more call would be allowed (at least one, for Retry-After)."""
        limit, duration = self.num_requests, self.duration
        if limit <= 0:
            return None
        if self.current + 1 <= limit:
            # This window has room once enough of the previous one has slid out.
            room = limit - self.current - 1
            needed = duration * (1 - room / self.previous) if self.previous else 0.0
            seconds = needed - self.elapsed
        else:
            # Next window: this window's count becomes the previous one and must slide out.
            needed = duration * (1 - (limit - 1) / self.current)
            seconds = duration - self.elapsed + max(needed, 0.0)
        return max(seconds, 1.0)


class AnonRateThrottle(SharedCounterMixin, throttling.AnonRateThrottle):
    """Calls without credentials, per client address (DJANGO_API_THROTTLE_ANON)."""


class UserRateThrottle(SharedCounterMixin, throttling.UserRateThrottle):
    """Calls per token or session user (DJANGO_API_THROTTLE_USER)."""


class AddressRateThrottle(SharedCounterMixin, throttling.SimpleRateThrottle):
    """``limit`` requests per ``seconds`` per client address, for pages outside the API (a
    survey link): the API's shared counting and its address rule (``NUM_PROXIES``)."""

    def __init__(self, scope: str, limit: int, seconds: int) -> None:
        self.scope, self.rate = scope, f"{limit}/{seconds}s"
        self.num_requests, self.duration = limit, seconds

    def get_cache_key(self, request: Any, view: "APIView | None") -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
