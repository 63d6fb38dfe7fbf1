"""What every CRM connector shares: its errors, pages, an HTTP session and the retry policy.

A connector reads one CRM for one connection. The sync (``crm_app.services.sync``) asks it for
the records of an object type changed since a mark, page by page in (stamp, id) order, and for
the ids deleted since a mark; it never sees HTTP. Every request goes through :func:`retrying`:
429, the CRM's "request limit exceeded", 5xx, timeouts and dropped connections are retried with
exponential backoff and jitter, honouring ``Retry-After``.
"""

import email.utils
import logging
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import requests
import tenacity
from django.conf import settings

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


class ConnectorError(Exception):
    """The CRM refused or failed; ``str()`` is a sentence a person can act on (never a secret)."""


class BadCredentials(ConnectorError):
    """The CRM rejected the credentials (or the token cannot be renewed)."""


class Transient(ConnectorError):
    """Worth another try: rate limited, the CRM is down or slow, the network dropped."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Page:
    """One page of changed records, flattened to text cells keyed by CRM field name."""

    records: list[dict[str, str]]
    last_stamp: datetime | None  # the last record's modification stamp (the mark's next value)
    # Deal roles only: the deals whose whole set of roles this page holds, so a CRM role of
    # theirs that is not in it was removed in the CRM (HubSpot associations have no deletions).
    complete_deals: list[str] | None = None
    # id → modification stamp of the records read (HubSpot), so the next run can tell a record
    # it re-reads in the overlap at the same stamp from a changed one and skip it.
    stamps: dict[str, datetime] | None = None


@dataclass
class Deleted:
    ids: list[str]
    last_stamp: datetime | None


@dataclass
class ObjectSpec:
    """How one CRM object type feeds DealLens: its kind (``crm_app.ingest.recognition``)."""

    name: str
    kind: str
    fields: tuple[str, ...] = ()


@dataclass
class CrmStage:
    """One stage of a CRM's deal pipeline, as its pipelines API describes it."""

    id: str
    label: str
    pipeline_id: str
    pipeline: str
    order: int
    closed: bool
    probability: float | None


@dataclass
class RequestCounter:
    count: int = 0
    last_headers: dict[str, str] = field(default_factory=dict)


class Connector(Protocol):
    """What the sync needs from a CRM."""

    @property
    def objects(self) -> tuple[ObjectSpec, ...]: ...  # in the order references resolve

    @property
    def counter(self) -> RequestCounter: ...

    def check(self) -> str: ...

    def stages(self) -> list[CrmStage]: ...  # [] when stage names say it all (Salesforce)

    def describe(self, spec: ObjectSpec) -> list[str]: ...

    def changed(
        self,
        spec: ObjectSpec,
        fields: list[str],
        since: datetime | None,
        seen: dict[str, str] | None = None,  # id → stamp (ISO) already read at that stamp
    ) -> Iterator[Page]: ...

    def deleted(self, spec: ObjectSpec, since: datetime | None) -> Iterator[Deleted]: ...


class Pacer:
    """At most ``limit`` calls in any ``window`` seconds: waits (sleeps) before a call that
    would exceed it. A limit of 0 paces nothing."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.sent: deque[float] = deque()

    def wait(self) -> None:
        if self.limit <= 0:
            return
        now = self.clock()
        while self.sent and now - self.sent[0] >= self.window:
            self.sent.popleft()
        if len(self.sent) >= self.limit:
            time.sleep(max(0.0, self.window - (now - self.sent[0])))
            self.sent.popleft()
            now = self.clock()
        self.sent.append(now)


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def cell(value: Any) -> str:
    """A JSON value as the text a CSV export would hold (what the import's parsers read)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, str) and _DATETIME.match(value):
        return value[:10]  # CreatedDate and other datetimes feed date fields
    return str(value)


class TimeoutSession(requests.Session):
    """A session whose requests time out unless told otherwise (requests has no default)."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def http_session(counter: RequestCounter) -> requests.Session:
    """A session that counts its requests, keeps the last response's headers (Retry-After) and
    trusts ``DEALLENS_CRM_CA_BUNDLE`` when set. ``trust_env`` is off then: requests would let
    ``REQUESTS_CA_BUNDLE`` from the environment override ``verify`` (psf/requests#3829)."""
    session = TimeoutSession(settings.CRM_SYNC_TIMEOUT_SECONDS)
    bundle = settings.DEALLENS_CRM_CA_BUNDLE
    if bundle:
        session.verify = bundle
        session.trust_env = False

    def count(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        counter.count += 1
        counter.last_headers = dict(response.headers)

    session.hooks["response"].append(count)
    return session


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _WaitRetryAfter(tenacity.wait.wait_base):
    """The server's ``Retry-After`` when it gave one (capped), else exponential with jitter."""

    def __init__(self, fallback: tenacity.wait.wait_base, cap: float):
        self.fallback, self.cap = fallback, cap

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return min(self.cap, exc.retry_after)
        return float(self.fallback(retry_state))


def _log_retry(retry_state: tenacity.RetryCallState) -> None:
    outcome = retry_state.outcome
    exc = outcome.exception() if outcome is not None else None
    logger.warning("CRM request failed (%s); try %d", exc, retry_state.attempt_number + 1)


def retrying(
    call: Callable[[], _T],
    on_retry: Callable[[str], None] | None = None,
    attempts: int | None = None,
) -> _T:
    """``call()`` with the sync's retry policy; the last Transient is raised when tries run out."""
    cap = settings.CRM_SYNC_BACKOFF_MAX_SECONDS

    def before_sleep(retry_state: tenacity.RetryCallState) -> None:
        _log_retry(retry_state)
        if on_retry is not None:
            outcome = retry_state.outcome
            on_retry(str(outcome.exception()) if outcome is not None else "")

    retryer = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(Transient),
        wait=_WaitRetryAfter(tenacity.wait_exponential_jitter(initial=1, max=cap), cap),
        stop=tenacity.stop_after_attempt(max(1, attempts or settings.CRM_SYNC_RETRIES)),
        before_sleep=before_sleep,
        reraise=True,
    )
    return retryer(call)
