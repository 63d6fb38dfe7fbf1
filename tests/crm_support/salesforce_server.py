"""A local HTTPS server answering the documented Salesforce REST shapes, for sync tests.

    with FakeSalesforce() as sf:        # or the ``fake_salesforce`` fixture
        client = simple_salesforce.Salesforce(
            instance_url=sf.url, session_id=sf.token, session=sf.session()
        )
        client.query_all("SELECT Id, Name FROM Account")

Serves ``POST /services/oauth2/token`` (client credentials), ``GET /services/data/``,
``…/vXX.X/query`` and ``queryAll`` (SOQL as in ``soql.py``, ``nextRecordsUrl`` paging),
``…/sobjects/<Type>/deleted/`` and ``updated/``, ``…/limits/``, ``…/sobjects/`` and
``…/sobjects/<Type>/describe/``. Records come from the real demo export (``salesforce_data.py``).
Tests steer it from Python: change records, move the clock, inject 429/5xx, hangs, slow pages
and expired sessions, and read the request log. Everything is guarded by one lock.
"""

import base64
import hashlib
import hmac
import itertools
import re
import secrets
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import requests

from tests.crm_support.https_server import FakeServer, Fault, Reply
from tests.crm_support.salesforce_data import BASE_TIME, Store, salesforce_id, sf_datetime
from tests.crm_support.soql import SoqlError, parse, parse_datetime

START_TIME = datetime(2024, 10, 1, tzinfo=UTC)  # the clock's default: after every loaded stamp
VERSIONS = ("57.0", "58.0", "59.0", "60.0", "61.0", "62.0")
_DEFAULT = object()
_ERRORS = {
    403: ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
    429: ("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."),
    500: ("UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId."),
    502: ("SERVER_UNAVAILABLE", "Bad gateway"),
    503: ("SERVER_UNAVAILABLE", "Server temporarily unavailable"),
}


class LoggedRequest(NamedTuple):
    method: str
    path: str
    query: dict  # query-string parameters, one value each


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, [{"message": message, "errorCode": code}])


class FakeSalesforce(FakeServer):
    """A fake Salesforce org on ``https://127.0.0.1:<port>``; a context manager."""

    def __init__(
        self,
        *,
        client_id: str = "deallens-test-client",
        client_secret: str = "deallens-test-secret",  # noqa: S107 - a fake org's secret
        page_size: int = 2000,
        api_max: int = 15000,
        data_dir: Path | None = None,  # default: salesforce_data.export_dir()
    ):
        self.client_id, self.client_secret = client_id, client_secret
        self.page_size = page_size  # records per query page (Salesforce: 2000)
        self.api_max = api_max  # DailyApiRequests Max in limits/
        self.store = Store(data_dir)
        self._serve_init()
        self._now = START_TIME
        self._tokens: set[str] = set()
        self._cursors: dict[str, tuple[list[dict], int]] = {}
        self._cursor_numbers = itertools.count(1)
        self._faults: deque[Fault] = deque()
        self.token = self.issue_token()  # a valid session id, as if fetched already

    # -- clients ----------------------------------------------------------------------------
    def session(self) -> requests.Session:
        """A requests session that trusts this server's throwaway CA.

        ``trust_env`` is off: requests lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` from the
        environment override ``session.verify`` (psf/requests#3829), and env proxies must not
        see 127.0.0.1 either.
        """
        session = requests.Session()
        session.verify = self.ca_bundle_path
        session.trust_env = False
        return session

    # -- control API for tests ---------------------------------------------------------------
    @property
    def now(self) -> datetime:
        """The org's clock: changes are stamped with it (default 2024-10-01T00:00:00Z)."""
        return self._now

    @now.setter
    def now(self, value: datetime | str) -> None:
        value = parse_datetime(value) if isinstance(value, str) else value
        with self._lock:
            self._now = value.replace(tzinfo=UTC) if value.tzinfo is None else value

    def advance(self, **delta) -> datetime:
        """Move the clock on, e.g. ``advance(minutes=5)``; returns the new time."""
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def record(self, sobject: str, record_id: str) -> dict:
        """A copy of one stored record (datetimes as datetime objects)."""
        with self._lock:
            return dict(self.store.records[sobject][record_id])

    def update(self, sobject: str, record_id: str, **fields) -> dict:
        """Change fields; LastModifiedDate and SystemModstamp become ``now``."""
        with self._lock:
            return dict(self.store.update(sobject, record_id, self._now, fields))

    def add(self, sobject: str, **fields) -> str:
        """A new record stamped ``now``; returns its new 18-character Id."""
        with self._lock:
            return self.store.add(sobject, self._now, fields)["Id"]

    def add_many(self, sobject: str, n: int, **template) -> list[str]:
        """n generated, realistic records stamped ``now`` (template fields override)."""
        with self._lock:
            return self.store.add_many(sobject, n, self._now, template)

    def delete(self, sobject: str, record_id: str) -> None:
        """Soft-delete as the recycle bin does: IsDeleted, SystemModstamp and deletedDate = now."""
        with self._lock:
            self.store.delete(sobject, record_id, self._now)

    def fail_next(
        self, n: int = 1, status: int = 429, body=None, retry_after=_DEFAULT, path_prefix=""
    ) -> None:
        """The next n requests (whose path starts with path_prefix) answer ``status``.

        The default body is Salesforce's error list for that status (429 and 403:
        REQUEST_LIMIT_EXCEEDED). A 429 carries ``Retry-After: 1`` unless retry_after says
        otherwise (None: no header); other statuses carry it only when retry_after is given.
        """
        if body is None:
            code, message = _ERRORS.get(status, ("UNKNOWN_EXCEPTION", f"HTTP {status}"))
            body = [{"message": message, "errorCode": code}]
        if retry_after is _DEFAULT:
            retry_after = 1 if status == 429 else None
        with self._lock:
            self._faults.extend([Fault(status, body, retry_after, path_prefix)] * n)

    def issue_token(self) -> str:
        token = f"00D5g00000DLensEAA!{secrets.token_urlsafe(32)}"
        with self._lock:
            self._tokens.add(token)
        return token

    def expire_tokens(self) -> None:
        """Every session issued so far answers 401 INVALID_SESSION_ID from now on."""
        with self._lock:
            self._tokens.clear()

    def expire_cursors(self) -> None:
        """Open nextRecordsUrl locators answer 400 INVALID_QUERY_LOCATOR."""
        with self._lock:
            self._cursors.clear()

    # -- request handling --------------------------------------------------------------------
    def handle(self, method: str, target: str, headers, body: bytes) -> tuple[int, object, dict]:
        split = urlsplit(target)
        path = split.path
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        with self._lock:
            self._log.append(LoggedRequest(method, path, query))
            hang = self._hangs.popleft() if self._hangs else 0
        if hang:
            self._stopping.wait(hang)
        with self._lock:
            fault = next((f for f in self._faults if path.startswith(f.path_prefix)), None)
            if fault is not None:
                self._faults.remove(fault)
        if fault is not None:
            status, payload = fault.status, fault.body
            extra = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        else:
            try:
                status, payload, extra = 200, self._route(method, path, query, headers, body), {}
            except Reply as reply:
                status, payload, extra = reply.status, reply.body, reply.headers
        if path.startswith("/services/data/v"):
            extra = extra | {"Sforce-Limit-Info": f"api-usage={self._api_used()}/{self.api_max}"}
        return status, payload, extra

    def _api_used(self) -> int:
        return self.request_count("/services/data/v")

    def _route(self, method, path, query, headers, body):
        if path == "/services/oauth2/token":
            if method != "POST":
                raise _error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed")
            return self._token(parse_qs(body.decode("utf-8"), keep_blank_values=True))
        if method != "GET":
            raise _error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed")
        if path.rstrip("/") == "/services/data":
            return [
                {"label": f"v{v}", "url": f"/services/data/v{v}", "version": v} for v in VERSIONS
            ]
        match = re.fullmatch(r"/services/data/v(\d+\.\d)/(.*)", path)
        if not match:
            raise _error(404, "NOT_FOUND", "The requested resource does not exist")
        version, rest = match.groups()
        auth = headers.get("Authorization", "")
        with self._lock:
            valid = auth.startswith("Bearer ") and auth[7:] in self._tokens
        if not valid:
            raise Reply(
                401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
            )
        if re.fullmatch(r"limits/?", rest):
            remaining = self.api_max - self._api_used()
            return {"DailyApiRequests": {"Max": self.api_max, "Remaining": remaining}}
        if match := re.fullmatch(r"(query|queryAll)/?", rest):
            return self._query(query.get("q", ""), match[1] == "queryAll", version)
        if match := re.fullmatch(r"(?:query|queryAll)/([\w]+)-(\d+)/?", rest):
            return self._more(match[1], int(match[2]), version)
        if re.fullmatch(r"sobjects/?", rest):
            with self._lock:
                names = list(self.store.records)
            return {
                "encoding": "UTF-8",
                "maxBatchSize": 200,
                "sobjects": [{"name": n, "queryable": True} for n in names],
            }
        if match := re.fullmatch(r"sobjects/(\w+)/(describe|deleted|updated)/?", rest):
            return self._sobject(match[1], match[2], query)
        raise _error(404, "NOT_FOUND", "The requested resource does not exist")

    def _token(self, form: dict) -> dict:
        def field(name):
            return (form.get(name) or [""])[0]

        if field("grant_type") != "client_credentials":
            raise Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant type not supported",
                },
            )
        good_id = hmac.compare_digest(field("client_id"), self.client_id)
        if not (good_id and hmac.compare_digest(field("client_secret"), self.client_secret)):
            raise Reply(
                400, {"error": "invalid_client", "error_description": "invalid client credentials"}
            )
        identity = f"{self.url}/id/00D5g00000DLensEAA/0055g00000DLensAAA"
        issued_at = str(int(time.time() * 1000))
        digest = hmac.new(
            self.client_secret.encode(), (identity + issued_at).encode(), hashlib.sha256
        )
        return {
            "access_token": self.issue_token(),
            "instance_url": self.url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
            "signature": base64.b64encode(digest.digest()).decode(),
        }

    def _query(self, soql: str, include_deleted: bool, version: str) -> dict:
        try:
            parsed = parse(soql)
            with self._lock:
                records = self.store.run(parsed, include_deleted, version)
                page_size = self.page_size
                locator = salesforce_id("01g", next(self._cursor_numbers))
                if len(records) > page_size:
                    self._cursors[locator] = (records, page_size)
        except SoqlError as exc:
            raise _error(400, exc.error_code, exc.message) from exc
        return self._page(records, 0, page_size, locator, version)

    def _more(self, locator: str, offset: int, version: str) -> dict:
        with self._lock:
            cursor = self._cursors.get(locator)
        if cursor is None or offset >= len(cursor[0]):
            raise _error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(cursor[0], offset, cursor[1], locator, version)

    def _page(self, records, offset, page_size, locator, version) -> dict:
        if self._slow_pages:
            self._stopping.wait(self._slow_pages)
        end = offset + page_size
        out = {
            "totalSize": len(records),
            "done": end >= len(records),
            "records": records[offset:end],
        }
        if not out["done"]:
            out["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{end}"
        return out

    def _sobject(self, name: str, action: str, query: dict) -> dict:
        with self._lock:
            try:
                sobject = self.store.sobject(name)
            except SoqlError as exc:
                raise _error(404, "NOT_FOUND", "The requested resource does not exist") from exc
            if action == "describe":
                return self.store.describe(sobject)
            if "start" not in query or "end" not in query:
                raise _error(400, "MISSING_ARGUMENT", "start and end are required")
            try:
                start, end = parse_datetime(query["start"]), parse_datetime(query["end"])
            except ValueError as exc:
                raise _error(
                    400, "INVALID_REPLICATION_DATE", "start and end must be ISO 8601"
                ) from exc
            if end < start:
                raise _error(400, "INVALID_REPLICATION_DATE", "end is before start")
            covered = sf_datetime(min(end, self._now).replace(second=0, microsecond=0))
            if action == "updated":
                return {
                    "ids": self.store.updated_between(sobject, start, end),
                    "latestDateCovered": covered,
                }
            return {
                "deletedRecords": self.store.deleted_between(sobject, start, end),
                "earliestDateAvailable": sf_datetime(BASE_TIME),
                "latestDateCovered": covered,
            }
