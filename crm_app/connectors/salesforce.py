"""Salesforce through its REST API with simple-salesforce (PRODUCT.md §11).

Sign-in is the OAuth 2.0 client-credentials flow at ``{instance_url}/services/oauth2/token``;
the bearer token is then handed to simple-salesforce, and renewed once when it expires mid-run.
Changes are read with SOQL ordered by ``SystemModstamp, Id`` from a mark (``>=``, so records
that share a stamp at a page edge are read again, never skipped), following ``nextRecordsUrl``;
deletions with ``queryAll`` on ``IsDeleted = true``. Pages are yielded one at a time so the
caller can commit each before the next is fetched: memory stays flat whatever the org's size.
"""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from crm_app.connectors.base import (
    BadCredentials,
    ConnectorError,
    CrmStage,
    Deleted,
    ObjectSpec,
    Page,
    RequestCounter,
    Transient,
    cell,
    http_session,
    retry_after_seconds,
    retrying,
)
from crm_app.ingest.recognition import ACCOUNT, CONTACT, DEAL, DEAL_ROLE

API_VERSION = "59.0"
STAMP = "SystemModstamp"
OBJECTS = (
    ObjectSpec(
        "Account",
        ACCOUNT,
        (
            "Id",
            "Name",
            "Website",
            "Type",
            "Industry",
            "NumberOfEmployees",
            "AnnualRevenue",
            "BillingCountry",
        ),
    ),
    ObjectSpec(
        "Contact",
        CONTACT,
        ("Id", "AccountId", "FirstName", "LastName", "Title", "Email", "Department", "ReportsToId"),
    ),
    ObjectSpec(
        "Opportunity",
        DEAL,
        (
            "Id",
            "AccountId",
            "Name",
            "StageName",
            "IsClosed",
            "IsWon",
            "Amount",
            "CreatedDate",
            "CloseDate",
        ),
    ),
    ObjectSpec(
        "OpportunityContactRole",
        DEAL_ROLE,
        ("Id", "OpportunityId", "ContactId", "Role", "IsPrimary"),
    ),
)
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")  # an API name, custom (…__c) included
_T = TypeVar("_T")


def parse_stamp(value: str) -> datetime:
    """``2024-09-02T00:00:00.000+0000`` → an aware datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)


def soql_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _errors_of(exc: SalesforceError) -> tuple[str, str]:
    """(errorCode, message) of a Salesforce error body ``[{"errorCode", "message"}]``."""
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    return "", str(content)[:200]


class SalesforceConnector:
    objects = OBJECTS

    def __init__(
        self,
        instance_url: str,
        credentials: dict[str, str],
        on_retry: Callable[[str], None] | None = None,
        attempts: int | None = None,  # per request; None: settings.CRM_SYNC_RETRIES
    ):
        self.instance_url = instance_url.rstrip("/")
        self.credentials = credentials
        self.on_retry = on_retry
        self.attempts = attempts
        self.counter = RequestCounter()
        self.session = http_session(self.counter)
        self._client: Salesforce | None = None
        self._renewed = False

    # --- sign-in ------------------------------------------------------------------------------

    def _token(self) -> tuple[str, str]:
        url = f"{self.instance_url}/services/oauth2/token"
        data = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.get("client_id", ""),
            "client_secret": self.credentials.get("client_secret", ""),
        }
        try:
            response = self.session.post(url, data=data)
        except (requests.Timeout, requests.ConnectionError) as exc:
            host = urlsplit(self.instance_url).netloc
            raise Transient(f"Salesforce at {host} did not answer ({type(exc).__name__}).") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise Transient(
                f"Salesforce answered {response.status_code} to the sign-in.",
                retry_after_seconds(response.headers.get("Retry-After")),
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise ConnectorError(
                f"{self.instance_url} does not look like a Salesforce org (its sign-in answered "
                f"HTTP {response.status_code} without JSON): check the My Domain URL."
            ) from exc
        if response.status_code >= 400 or not isinstance(body, dict) or "access_token" not in body:
            error = body.get("error", "") if isinstance(body, dict) else ""
            if error in ("invalid_client", "invalid_client_id", "invalid_grant"):
                raise BadCredentials(
                    "Salesforce rejected the client id and secret: check the connected app's "
                    "consumer key and secret, and that its client-credentials flow has a run-as "
                    "user."
                )
            raise ConnectorError(
                f"Salesforce refused the sign-in ({error or response.status_code}): check that "
                "the connected app allows the client-credentials flow."
            )
        return str(body["access_token"]), str(body.get("instance_url") or self.instance_url)

    @property
    def client(self) -> Salesforce:
        if self._client is None:
            token, instance_url = retrying(self._token, self.on_retry, self.attempts)
            self._client = Salesforce(
                instance_url=instance_url,
                session_id=token,
                session=self.session,
                version=API_VERSION,
            )
        return self._client

    # --- calls -----------------------------------------------------------------------------------

    def _call(self, call: Callable[[Salesforce], _T]) -> _T:
        """One API call with retries; an expired session is renewed once per connector."""

        def attempt() -> _T:
            try:
                return call(self.client)
            except SalesforceExpiredSession as exc:
                if self._renewed:
                    raise BadCredentials(
                        "Salesforce ended the session twice in one run: check the connected "
                        "app's session policies."
                    ) from exc
                self._renewed, self._client = True, None
                return call(self.client)

        try:
            return retrying(lambda: self._translated(attempt), self.on_retry, self.attempts)
        except Transient as exc:
            raise ConnectorError(f"{exc} Gave up after several tries; the next run resumes.") from (
                exc
            )

    def _translated(self, attempt: Callable[[], _T]) -> _T:
        try:
            return attempt()
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise Transient(f"Salesforce did not answer in time ({type(exc).__name__}).") from exc
        except SalesforceExpiredSession as exc:
            raise BadCredentials("Salesforce rejected the session: reconnect.") from exc
        except SalesforceRefusedRequest as exc:
            code, message = _errors_of(exc)
            if code == "REQUEST_LIMIT_EXCEEDED":
                raise Transient(f"Salesforce's API limit was reached: {message}", None) from exc
            raise ConnectorError(
                f"Salesforce refused the request ({code or 403}): the run-as user needs read "
                "access to accounts, contacts, opportunities and contact roles."
            ) from exc
        except SalesforceResourceNotFound as exc:
            raise ConnectorError(
                "Salesforce answered 404: check the My Domain URL of the connection."
            ) from exc
        except SalesforceMalformedRequest as exc:
            code, message = _errors_of(exc)
            if code == "INVALID_QUERY_LOCATOR":
                raise _LocatorExpired(message) from exc
            raise ConnectorError(f"Salesforce refused a query ({code}): {message}") from exc
        except SalesforceError as exc:
            status = exc.status
            code, message = _errors_of(exc)
            if status == 429 or status >= 500 or code == "REQUEST_LIMIT_EXCEEDED":
                retry_after = retry_after_seconds(self.counter.last_headers.get("Retry-After"))
                raise Transient(f"Salesforce answered {status} {code}.", retry_after) from exc
            raise ConnectorError(f"Salesforce answered {status} ({code}): {message}") from exc

    # --- the sync's questions ----------------------------------------------------------------

    def check(self) -> str:
        limits = self._call(lambda sf: sf.limits())
        daily = limits.get("DailyApiRequests", {}) if isinstance(limits, dict) else {}
        if daily:
            return (
                f"Connected to Salesforce: {daily.get('Remaining')} of {daily.get('Max')} "
                "daily API requests left."
            )
        return "Connected to Salesforce."

    def stages(self) -> list[CrmStage]:
        return []  # StageName is a label the vocabulary reads; IsWon/IsClosed decide the rest

    def describe(self, spec: ObjectSpec) -> list[str]:
        found = self._call(lambda sf: getattr(sf, spec.name).describe())
        return [str(f["name"]) for f in found.get("fields", [])]

    def _pages(self, soql: str, include_deleted: bool) -> Iterator[dict[str, Any]]:
        result = self._call(lambda sf: sf.query(soql, include_deleted=include_deleted))
        while True:
            yield result
            if result.get("done", True) or not result.get("nextRecordsUrl"):
                return
            result = self._call(self._more(result["nextRecordsUrl"], include_deleted))

    @staticmethod
    def _more(url: str, deleted: bool) -> Callable[[Salesforce], Any]:
        return lambda sf: sf.query_more(url, identifier_is_url=True, include_deleted=deleted)

    def _keyset(
        self, select: str, where: list[str], since: datetime | None, include_deleted: bool
    ) -> Iterator[tuple[list[dict[str, Any]], datetime | None]]:
        """Pages in (SystemModstamp, Id) order from ``since``; an expired cursor restarts from
        the last stamp seen (records at that stamp come again; the writers take them as
        unchanged)."""
        while True:
            conditions = list(where)
            if since is not None:
                conditions.append(f"{STAMP} >= {soql_datetime(since)}")
            soql = select + (f" WHERE {' AND '.join(conditions)}" if conditions else "")
            soql += f" ORDER BY {STAMP} ASC, Id ASC"
            try:
                for page in self._pages(soql, include_deleted):
                    records = page.get("records", [])
                    last = parse_stamp(records[-1][STAMP]) if records else since
                    yield records, last
                    since = last
                return
            except _LocatorExpired:
                continue

    def changed(
        self,
        spec: ObjectSpec,
        fields: list[str],
        since: datetime | None,
        seen: dict[str, str] | None = None,  # unused: re-reading a page costs no extra request
    ) -> Iterator[Page]:
        fields = [name for name in fields if FIELD_NAME.fullmatch(name)]
        wanted = list(dict.fromkeys([*fields, STAMP]))
        # Names are API names checked against FIELD_NAME (and describe); SOQL has no parameters.
        select = f"SELECT {', '.join(wanted)} FROM {spec.name}"  # noqa: S608
        for records, last in self._keyset(select, [], since, include_deleted=False):
            rows = [{name: cell(record.get(name)) for name in fields} for record in records]
            yield Page(rows, last)

    def deleted(self, spec: ObjectSpec, since: datetime | None) -> Iterator[Deleted]:
        select = f"SELECT Id, {STAMP} FROM {spec.name}"  # noqa: S608 - constants
        for records, last in self._keyset(select, ["IsDeleted = true"], since, True):
            yield Deleted([str(r["Id"]) for r in records], last)


class _LocatorExpired(ConnectorError):
    """A ``nextRecordsUrl`` that Salesforce no longer knows (cursors live about 15 minutes)."""
