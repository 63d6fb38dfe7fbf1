"""A local HTTPS server answering the documented HubSpot CRM REST shapes, for sync tests.

    with FakeHubSpot() as hs:           # or the ``fake_hubspot`` fixture
        client = hubspot.HubSpot(
            access_token=hs.access_token, host=hs.url, ssl_ca_cert=hs.ca_path
        )                               # hs.client() does the same
        client.crm.deals.search_api.do_search(public_object_search_request={...})

Serves, as hubspot-api-client 12 parses them (and as HubSpot's docs show them):

- ``GET  /crm/v3/objects/{companies|contacts|deals}`` (``limit`` ≤ 100, ``after``, ``properties``,
  ``archived``), ``GET /crm/v3/objects/{type}/{id}``
- ``POST /crm/v3/objects/{type}/search`` (filterGroups, one sort, ``after``; ``search_cap``)
- ``POST /crm/v3/objects/{type}/batch/read`` (≤ 100 inputs; 207 for missing ids)
- ``POST /crm/v4/associations/{from}/{to}/batch/read`` (≤ 1000 inputs; 207 for ids without
  associations), ``GET /crm/v4/associations/{from}/{to}/labels``,
  ``GET /crm/v4/objects/{from}/{id}/associations/{to}``; pairs among deals, companies, contacts
- ``GET  /crm/v3/pipelines/deals`` (and ``/{id}``, ``/{id}/stages``)
- ``GET  /crm/v3/properties/{type}`` (and ``/{name}``)
- ``GET  /account-info/v3/details``

Records come from the real demo export (``hubspot_data.py``). Tests steer it from Python under one
lock: change records (each change stamps ``hs_lastmodifieddate`` with the fake clock ``now``),
archive and restore, (dis)associate, edit pipelines, revoke the token, inject 429/5xx, hangs and
slow pages, turn on a rolling rate limit, and read the request log.

Every answer carries ``X-HubSpot-RateLimit-Max``/``-Remaining``/``-Interval-Milliseconds``
(190 per 10 s unless ``rate_limit`` says otherwise, which is then enforced with 429s). Errors
have HubSpot's body: ``{"status": "error", "message", "correlationId", "category", …}``.
"""

import base64
import binascii
import json
import re
import secrets
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import requests

from tests.crm_support import hubspot_data as data
from tests.crm_support.https_server import FakeServer, Fault, Reply

START_TIME = datetime(2024, 10, 1, tzinfo=UTC)  # the clock's default: after every loaded stamp
DEFAULT_RATE = (190, 10.0)  # the headers' figures when no rate_limit is enforced
ACCOUNT_TYPES = {"deals": "DEAL", "companies": "COMPANY", "contacts": "CONTACT"}
_AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
    "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
_FAULT_MESSAGES = {
    401: ("INVALID_AUTHENTICATION", _AUTH_MESSAGE),
    403: ("MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call."),
    500: (None, "internal error"),
    502: (None, "Bad Gateway"),
    503: (None, "Service Unavailable"),
    504: (None, "Gateway Timeout"),
}
# the association pairs served (v4 batch read, labels, per-object pages); see _links()
ASSOCIATION_PAIRS = (
    ("deals", "companies"),
    ("companies", "deals"),
    ("deals", "contacts"),
    ("contacts", "deals"),
    ("contacts", "companies"),
    ("companies", "contacts"),
)
_PRIMARY_TYPE_IDS = {  # (from, to) -> (primary typeId, unlabelled typeId)
    ("deals", "companies"): (data.DEAL_TO_COMPANY_PRIMARY, data.DEAL_TO_COMPANY),
    ("companies", "deals"): (data.COMPANY_TO_DEAL_PRIMARY, data.COMPANY_TO_DEAL),
    ("contacts", "companies"): (1, 279),
    ("companies", "contacts"): (2, 280),
}
_PAGE_ROUTES = re.compile(r"/crm/v3/objects/[\w-]+(/search)?/?")


class LoggedRequest(NamedTuple):
    method: str
    path: str
    query: dict  # query-string parameters; repeated ones joined with commas
    body: object  # the parsed JSON body of a POST (None otherwise, or when not JSON)


def error_body(message: str, category: str | None = None, **extra) -> dict:
    body = {"status": "error", "message": message, "correlationId": str(uuid.uuid4())}
    if category is not None:
        body["category"] = category
    return body | extra


def rate_limit_body() -> dict:
    return {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": "TEN_SECONDLY_ROLLING",
    }


def _invalid(message: str = "There was a problem with the request.", **extra) -> Reply:
    return Reply(400, error_body(message, "VALIDATION_ERROR", **extra))


def _not_found() -> Reply:
    return Reply(404, error_body("Resource not found", "OBJECT_NOT_FOUND"))


def page_token(hs_id: str) -> str:
    """An opaque list cursor (base64 of the next id, as HubSpot's look)."""
    return base64.urlsafe_b64encode(hs_id.encode()).decode().rstrip("=")


def _read_token(token: str) -> int:
    text = unquote(unquote(token)).strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode().strip()
        return int(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _invalid(f"Invalid paging cursor: {token}") from exc


class FakeHubSpot(FakeServer):
    """A fake HubSpot portal on ``https://127.0.0.1:<port>``; a context manager."""

    def __init__(
        self,
        *,
        access_token: str = "pat-na1-test-token",  # noqa: S107 - a fake portal's token
        search_cap: int = 10000,
        rate_limit: tuple[int, float] | None = None,
        portal_id: int = 62515,
        association_page_size: int = 500,
        data_dir: Path | None = None,  # default: salesforce_data.export_dir()
    ):
        self._serve_init()
        self.access_token = access_token
        self.search_cap = search_cap  # search answers 400 once after + limit exceeds it
        self._window: deque[float] = deque()  # monotonic times of requests let through
        self.rate_limit = rate_limit
        self.rate_limited = 0  # how many requests rate_limit refused
        self.portal_id = portal_id
        self.association_page_size = association_page_size  # v4 'to' objects per from-id page
        self.portal = data.Portal(data_dir)
        self._now = START_TIME
        self._revoked: set[str] = set()
        self._faults: deque[Fault] = deque()

    # -- clients ----------------------------------------------------------------------------
    def session(self) -> requests.Session:
        """A requests session trusting this server's CA, with the bearer token set.

        ``trust_env`` is off, as in FakeSalesforce.session(): env CA bundles and proxies must
        not override ``verify`` or see 127.0.0.1.
        """
        session = requests.Session()
        session.verify = self.ca_bundle_path
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {self.access_token}"
        return session

    def client(self, **config):
        """``hubspot.HubSpot`` configured for this server (config: e.g. ``retry=``)."""
        from hubspot import HubSpot

        settings = {"access_token": self.access_token, "host": self.url}
        return HubSpot(**(settings | {"ssl_ca_cert": self.ca_path} | config))

    @property
    def rate_limit(self) -> tuple[int, float] | None:
        """(n, seconds): more than n requests in any rolling window of seconds answer 429
        (wall-clock time, not ``now``). None: not enforced. Setting it starts a fresh window."""
        return self._rate_limit

    @rate_limit.setter
    def rate_limit(self, value: tuple[int, float] | None) -> None:
        with self._lock:
            self._rate_limit = value
            self._window.clear()

    # -- control API: clock and records ------------------------------------------------------
    @property
    def now(self) -> datetime:
        """The portal's clock: changes are stamped with it (default 2024-10-01T00:00:00Z)."""
        return self._now

    @now.setter
    def now(self, value: datetime | str) -> None:
        with self._lock:
            self._now = data.parse_hs_datetime(value)

    def advance(self, **delta) -> datetime:
        """Move the clock on, e.g. ``advance(minutes=5)``; returns the new time."""
        with self._lock:
            self._now = data.parse_hs_datetime(self._now + timedelta(**delta))
            return self._now

    def hubspot_id(self, sf_type: str, sf_id: str) -> str:
        """The HubSpot id of an exported Salesforce record: ``hubspot_id("Account", guid)``."""
        return self.portal.hubspot_id(sf_type, sf_id)

    def record(self, hs_type: str, hs_id: str) -> dict:
        """Every property of one record as the API writes it (text, None when unset)."""
        with self._lock:
            obj = self.portal.get(hs_type, hs_id)
            names = [*data.STAMP_PROPERTIES[obj.type], *obj.properties]
            return {name: obj.text(name) for name in names}

    def object(self, hs_type: str, hs_id: str) -> data.HubSpotObject:
        """A copy of one stored object (archived, salesforce_id, salesforce_stage, …)."""
        with self._lock:
            return self.portal.get(hs_type, hs_id).copy()

    def ids(self, hs_type: str, archived: bool = False) -> list[str]:
        """The ids of live (or only archived) records, in id order."""
        with self._lock:
            objects = self.portal.objects[data.object_type(hs_type)].values()
            return [o.id for o in objects if o.archived == archived]

    def update(self, hs_type: str, hs_id: str, **properties) -> dict:
        """Change properties; ``hs_lastmodifieddate`` (contacts: ``lastmodifieddate`` too)
        becomes ``now`` unless given. Values: text, numbers, datetimes (or epoch ms / ISO)."""
        with self._lock:
            self.portal.update(hs_type, hs_id, self._now, properties)
            return self.record(hs_type, hs_id)

    def add(self, hs_type: str, **properties) -> str:
        """A new record created and modified ``now`` (unless given); returns its new id."""
        with self._lock:
            return self.portal.add(hs_type, self._now, properties).id

    def add_many(self, hs_type: str, n: int, stamp=None, **template) -> list[str]:
        """n generated, realistic records, all created and modified at ``stamp`` (default
        ``now``): one identical stamp. Template properties override; generated deals are
        associated with a random live company."""
        stamp = self._now if stamp is None else data.parse_hs_datetime(stamp)
        with self._lock:
            return self.portal.add_many(hs_type, n, stamp, template)

    def archive(self, hs_type: str, hs_id: str) -> None:
        """Archive (HubSpot's delete): archivedAt and updatedAt become ``now``; the record
        leaves search, batch read and default lists, and shows up in ``archived=true`` lists."""
        with self._lock:
            self.portal.archive(hs_type, hs_id, self._now)

    def restore(self, hs_type: str, hs_id: str) -> None:
        """Undo archive(); the record is modified ``now``."""
        with self._lock:
            self.portal.restore(hs_type, hs_id, self._now)

    def purge(self, hs_type: str, hs_id: str) -> None:
        """Delete for good (GDPR delete): gone from every list, archived ones included."""
        with self._lock:
            self.portal.purge(hs_type, hs_id)

    def add_property(
        self,
        hs_type: str,
        name: str,
        label: str | None = None,
        type: str = "string",  # noqa: A002 - HubSpot's own name for it
        field_type: str = "text",
        options=(),
    ) -> None:
        """Define a custom property (then set it with update/add)."""
        definition = data.PropertyDef(
            name, label or name, type, field_type, "custom", tuple(options), hubspot_defined=False
        )
        with self._lock:
            self.portal.add_property(hs_type, definition)

    # -- control API: associations and pipelines ---------------------------------------------
    def associate(self, deal_id: str, contact_id: str, labels=()) -> None:
        """Associate (or re-label) a deal and a contact: typeId 3 plus one USER_DEFINED type per
        label (a label not defined yet is defined). The deal is modified ``now``."""
        with self._lock:
            self.portal.associate(deal_id, contact_id, labels, self._now)

    def dissociate(self, deal_id: str, contact_id: str) -> None:
        with self._lock:
            self.portal.dissociate(deal_id, contact_id, self._now)

    def associate_company(self, deal_id: str, company_id: str, primary: bool = True) -> None:
        """Associate a deal with a company (primary: typeIds 5 and 341, and the deal's former
        primary company keeps only 341; otherwise 341 alone). The deal is modified ``now``."""
        with self._lock:
            self.portal.associate_company(deal_id, company_id, primary, self._now)

    def dissociate_company(self, deal_id: str, company_id: str) -> None:
        with self._lock:
            self.portal.dissociate_company(deal_id, company_id, self._now)

    def deal_associations(self, deal_id: str) -> dict:
        """{"companies": {company id: primary?}, "contacts": {contact id: (label, …)}}."""
        with self._lock:
            return {
                "companies": dict(self.portal.deal_companies.get(str(deal_id), {})),
                "contacts": dict(self.portal.deal_contacts.get(str(deal_id), {})),
            }

    @property
    def label_definitions(self) -> list[dict]:
        """The deal→contact association types, as ``…/deals/contacts/labels`` lists them."""
        with self._lock:
            return self._label_specs("deals", "contacts")

    def add_pipeline(self, pipeline_id: str, label: str, stages) -> None:
        """A new deal pipeline; stages: (id, label, is_closed, probability) tuples or dicts."""
        with self._lock:
            self.portal.add_pipeline(pipeline_id, label, stages, self._now)

    def update_stage(self, pipeline_id: str, stage_id: str, **changes) -> None:
        """Change a stage (label, is_closed, probability, display_order, archived), or add it
        (label required)."""
        with self._lock:
            self.portal.update_stage(pipeline_id, stage_id, self._now, **changes)

    def update_pipeline(self, pipeline_id: str, **changes) -> None:
        """Change a pipeline (label, display_order, archived)."""
        with self._lock:
            self.portal.update_pipeline(pipeline_id, self._now, **changes)

    # -- control API: auth, faults, log ------------------------------------------------------
    def revoke_token(self) -> None:
        """The current access token answers 401 from now on."""
        with self._lock:
            self._revoked.add(self.access_token)

    def issue_token(self) -> str:
        """A new valid access token, which becomes ``access_token``."""
        with self._lock:
            self.access_token = f"pat-na1-{uuid.UUID(bytes=secrets.token_bytes(16))}"
            return self.access_token

    def fail_next(
        self, n: int = 1, status: int = 429, retry_after=None, path_prefix: str = "", body=None
    ) -> None:
        """The next n requests (whose path starts with path_prefix) answer ``status`` with
        HubSpot's body for it (429: the ten-secondly rate-limit body). ``Retry-After`` is sent
        only when retry_after is given. Faults go to requests in their order of arrival."""
        with self._lock:
            for _ in range(n):
                payload = body
                if payload is None and status == 429:
                    payload = rate_limit_body()
                elif payload is None:
                    category, message = _FAULT_MESSAGES.get(status, (None, f"HTTP {status}"))
                    payload = error_body(message, category)
                self._faults.append(Fault(status, payload, retry_after, path_prefix))

    # -- request handling --------------------------------------------------------------------
    def handle(self, method: str, target: str, headers, body: bytes) -> tuple[int, object, dict]:
        split = urlsplit(target)
        path = split.path.rstrip("/") or "/"
        multi = parse_qs(split.query, keep_blank_values=True)
        query = {k: ",".join(v) for k, v in multi.items()}
        parsed, bad_json = None, None
        if method in ("POST", "PUT", "PATCH") and body:
            try:
                parsed = json.loads(body)
            except ValueError as exc:
                bad_json = str(exc)
        with self._lock:  # hang, fault and rate limit are decided on arrival, in order
            self._log.append(LoggedRequest(method, path, query, parsed))
            hang = self._hangs.popleft() if self._hangs else 0
            fault = next((f for f in self._faults if path.startswith(f.path_prefix)), None)
            if fault is not None:
                self._faults.remove(fault)
            limited = fault is None and not self._admit()
            headers_out = self._rate_headers()
        if hang:
            self._stopping.wait(hang)
        if fault is not None:
            extra = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            return fault.status, fault.body, extra | headers_out
        if limited:
            return 429, rate_limit_body(), headers_out
        if self._slow_pages and _PAGE_ROUTES.fullmatch(path):
            self._stopping.wait(self._slow_pages)
        try:
            if not self._authorized(headers.get("Authorization", "")):
                raise Reply(401, error_body(_AUTH_MESSAGE, "INVALID_AUTHENTICATION"))
            if bad_json is not None:
                raise _invalid(f"Invalid input JSON on line 1, column 1: {bad_json}")
            with self._lock:
                status, payload = self._route(method, path, query, parsed)
        except Reply as reply:
            status, payload, headers_out = reply.status, reply.body, reply.headers | headers_out
        return status, payload, headers_out

    def _admit(self) -> bool:
        with self._lock:
            n, seconds = self.rate_limit or DEFAULT_RATE
            clock = time.monotonic()
            while self._window and self._window[0] <= clock - seconds:
                self._window.popleft()
            if self.rate_limit is not None and len(self._window) >= n:
                self.rate_limited += 1
                return False
            self._window.append(clock)
            return True

    def _rate_headers(self) -> dict:
        with self._lock:
            n, seconds = self.rate_limit or DEFAULT_RATE
            return {
                "X-HubSpot-RateLimit-Max": str(n),
                "X-HubSpot-RateLimit-Remaining": str(max(0, n - len(self._window))),
                "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(seconds * 1000)),
            }

    def _authorized(self, auth: str) -> bool:
        with self._lock:
            token = self.access_token
            return auth == f"Bearer {token}" and token not in self._revoked

    def _route(self, method: str, path: str, query: dict, body) -> tuple[int, object]:
        parts = path.strip("/").split("/")

        def expect(verb: str) -> None:
            if method != verb:
                raise Reply(405, error_body(f"HTTP {method} is not supported by {path}"))

        if parts == ["account-info", "v3", "details"]:
            expect("GET")
            return 200, self._account_info()
        if parts[:3] == ["crm", "v3", "objects"] and len(parts) >= 4:
            hs_type = self._object_type(parts[3])
            rest = parts[4:]
            if rest == []:
                expect("GET")
                return 200, self._list(hs_type, path, query)
            if rest == ["search"]:
                expect("POST")
                return 200, self._search(hs_type, self._json(body))
            if rest == ["batch", "read"]:
                expect("POST")
                return self._batch_read(hs_type, self._json(body), query)
            if len(rest) == 1:
                expect("GET")
                return 200, self._get(hs_type, rest[0], query)
        if parts[:3] == ["crm", "v4", "associations"] and len(parts) == 7:
            pair = (self._object_type(parts[3]), self._object_type(parts[4]))
            if parts[5:] == ["batch", "read"]:
                expect("POST")
                return self._association_batch(pair, self._json(body))
        if parts[:3] == ["crm", "v4", "associations"] and len(parts) == 6:
            pair = (self._object_type(parts[3]), self._object_type(parts[4]))
            if parts[5] == "labels":
                expect("GET")
                return 200, {"results": self._label_specs(*pair)}
        if parts[:3] == ["crm", "v4", "objects"] and len(parts) == 7 and parts[5] == "associations":
            expect("GET")
            pair = (self._object_type(parts[3]), self._object_type(parts[6]))
            return 200, self._association_page(pair, parts[4], query)
        if parts[:3] == ["crm", "v3", "pipelines"] and len(parts) >= 4:
            expect("GET")
            if self._object_type(parts[3]) != "deals":
                return 200, {"results": []}
            return 200, self._pipelines(parts[4:])
        if parts[:3] == ["crm", "v3", "properties"] and len(parts) in (4, 5):
            expect("GET")
            return 200, self._properties(self._object_type(parts[3]), parts[4:])
        raise _not_found()

    @staticmethod
    def _object_type(name: str) -> str:
        try:
            return data.object_type(name)
        except KeyError:
            raise _invalid(f"Unable to infer object type from: {name}") from None

    @staticmethod
    def _json(body) -> dict:
        if not isinstance(body, dict):
            raise _invalid("Invalid input JSON: expected an object")
        return body

    # -- objects -----------------------------------------------------------------------------
    def _wanted(self, hs_type: str, requested) -> list[str]:
        """Requested property names that the type defines (unknown ones are ignored, as
        HubSpot does), or the type's defaults."""
        if isinstance(requested, str):
            requested = requested.split(",")
        names = [n.strip() for n in requested or () if n and n.strip()]
        if not names:
            return list(data.DEFAULT_PROPERTIES[hs_type])
        defined = self.portal.properties[hs_type]
        return [n for n in dict.fromkeys(names) if n in defined]

    @staticmethod
    def _serialize(obj: data.HubSpotObject, names: list[str]) -> dict:
        properties = {name: obj.text(name) for name in names}
        for name in data.STAMP_PROPERTIES[obj.type]:
            properties[name] = obj.text(name)
        out = {
            "id": obj.id,
            "properties": properties,
            "createdAt": data.hs_datetime(obj.created),
            "updatedAt": data.hs_datetime(obj.modified),
            "archived": obj.archived,
        }
        if obj.archived and obj.archived_at is not None:
            out["archivedAt"] = data.hs_datetime(obj.archived_at)
        return out

    @staticmethod
    def _int(value, name: str, default: int) -> int:
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _invalid(f"Invalid value for {name}: {value}") from None

    @staticmethod
    def _archived(query: dict) -> bool:
        return query.get("archived", "false").lower() == "true"

    def _list(self, hs_type: str, path: str, query: dict) -> dict:
        if "associations" in query:
            raise _invalid(
                "the fake HubSpot does not serve associations= on lists; use "
                "/crm/v4/associations/{from}/{to}/batch/read"
            )
        limit = self._int(query.get("limit"), "limit", 10)
        if not 1 <= limit <= 100:
            raise _invalid(f"limit must be between 1 and 100, got {limit}")
        start = _read_token(query["after"]) if query.get("after") else 0
        archived = self._archived(query)
        names = self._wanted(hs_type, query.get("properties"))
        page: list[data.HubSpotObject] = []
        for obj in self.portal.objects[hs_type].values():  # in id order: ids only grow
            if obj.archived == archived and int(obj.id) >= start:
                page.append(obj)
                if len(page) > limit:
                    break
        out: dict = {"results": [self._serialize(o, names) for o in page[:limit]]}
        if len(page) > limit:
            token = page_token(page[limit].id)
            link_query = {k: v for k, v in query.items() if k != "after"} | {"after": token}
            link = f"{self.url}{path}?{urlencode(link_query)}"
            out["paging"] = {"next": {"after": token, "link": link}}
        return out

    def _find(self, hs_type: str, key: str, id_property: str | None, archived: bool):
        objects = self.portal.objects[hs_type]
        if not id_property or id_property == "hs_object_id":
            obj = objects.get(str(key))
        else:
            wanted = str(key).casefold()
            obj = next(
                (
                    o
                    for o in objects.values()
                    if o.archived == archived and (o.text(id_property) or "").casefold() == wanted
                ),
                None,
            )
        return obj if obj is not None and obj.archived == archived else None

    def _get(self, hs_type: str, hs_id: str, query: dict) -> dict:
        obj = self._find(hs_type, hs_id, query.get("idProperty"), self._archived(query))
        if obj is None:
            raise Reply(
                404,
                error_body(
                    "Object not found.  objectId are usually numeric.",
                    "OBJECT_NOT_FOUND",
                    context={"id": [hs_id]},
                ),
            )
        return self._serialize(obj, self._wanted(hs_type, query.get("properties")))

    def _batch_read(self, hs_type: str, body: dict, query: dict) -> tuple[int, dict]:
        inputs = body.get("inputs")
        if not isinstance(inputs, list):
            raise _invalid("inputs is required")
        if len(inputs) > 100:
            raise _invalid(f"Batch input size {len(inputs)} exceeds the limit of 100")
        names = self._wanted(hs_type, body.get("properties"))
        archived = self._archived(query)
        started = self._now
        found, missing = [], []
        for key in dict.fromkeys(str((i or {}).get("id", "")) for i in inputs):
            obj = self._find(hs_type, key, body.get("idProperty"), archived)
            if obj is None:
                missing.append(key)
            else:
                found.append(self._serialize(obj, names))
        out: dict = {"status": "COMPLETE", "results": found}
        if missing:
            what = ACCOUNT_TYPES[hs_type]
            out["numErrors"] = 1
            out["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": f"Could not get some {what} objects, they may be deleted or not "
                    "exist. Check that ids are valid.",
                    "context": {"ids": missing},
                }
            ]
        out |= {"startedAt": data.hs_datetime(started), "completedAt": data.hs_datetime(self._now)}
        return (207 if missing else 200), out

    # -- search ------------------------------------------------------------------------------
    def _search(self, hs_type: str, body: dict) -> dict:
        limit = self._int(body.get("limit"), "limit", 10)
        if not 0 <= limit <= 200:
            raise _invalid(f"limit must be between 0 and 200, got {limit}")
        after_raw = body.get("after")
        after = self._int(after_raw, "after", 0)
        if after < 0:
            raise _invalid(f"Invalid value for after: {after_raw}")
        if after + limit > self.search_cap:
            raise _invalid()  # HubSpot's answer past the 10,000th result: no more detail
        groups = body.get("filterGroups") or []
        if len(groups) > 5:
            raise _invalid(f"Too many filter groups ({len(groups)}); the maximum is 5")
        matchers = []
        for group in groups:
            filters = (group or {}).get("filters") or []
            if len(filters) > 6:
                raise _invalid(f"Too many filters in a group ({len(filters)}); the maximum is 6")
            matchers.append([self._matcher(hs_type, f) for f in filters])
        if sum(len(g) for g in matchers) > 18:
            raise _invalid("Too many filters; the maximum is 18 across all groups")
        sorts = body.get("sorts") or []
        if len(sorts) > 1:
            raise _invalid("Only one sort is supported")
        text = (body.get("query") or "").casefold().strip()
        rows = [
            o
            for o in self.portal.objects[hs_type].values()
            if not o.archived
            and (not matchers or any(all(m(o) for m in g) for g in matchers))
            and (not text or self._text_match(o, text))
        ]
        if sorts:
            name, descending = self._sort(hs_type, sorts[0])
            kind = self.portal.properties[hs_type][name].type
            rows.sort(key=lambda o: int(o.id))
            rows.sort(key=lambda o: _sort_key(_typed(o.value(name), kind)), reverse=descending)
        else:
            rows.sort(key=lambda o: int(o.id))
        names = self._wanted(hs_type, body.get("properties"))
        out: dict = {
            "total": len(rows),
            "results": [self._serialize(o, names) for o in rows[after : after + limit]],
        }
        if after + limit < len(rows) and limit:
            out["paging"] = {"next": {"after": str(after + limit)}}
        return out

    @staticmethod
    def _text_match(obj: data.HubSpotObject, text: str) -> bool:
        names = data.DEFAULT_PROPERTIES[obj.type] + ("hs_object_id",)
        return any(text in (obj.text(n) or "").casefold() for n in names)

    def _sort(self, hs_type: str, sort) -> tuple[str, bool]:
        if isinstance(sort, str):  # "-createdate" / "createdate"
            name, descending = sort.lstrip("-"), sort.startswith("-")
        elif isinstance(sort, dict):
            name = sort.get("propertyName", "")
            direction = sort.get("direction", "ASCENDING")
            if direction not in ("ASCENDING", "DESCENDING"):
                raise _invalid(f"Invalid sort direction: {direction}")
            descending = direction == "DESCENDING"
        else:
            raise _invalid("Invalid sort")
        if name not in self.portal.properties[hs_type]:
            raise _invalid(f"Property {name!r} does not exist on {hs_type}")
        return name, descending

    def _matcher(self, hs_type: str, spec):
        if not isinstance(spec, dict):
            raise _invalid("Invalid filter")
        name, operator = spec.get("propertyName", ""), spec.get("operator", "EQ")
        definition = self.portal.properties[hs_type].get(name)
        if definition is None:
            raise _invalid(f"Property {name!r} does not exist on {hs_type}")
        kind = definition.type

        def convert(value):
            if value is None:
                raise _invalid(f"Filter on {name} with {operator} needs a value")
            try:
                if kind == "datetime":
                    return data.parse_hs_datetime(value)
                if kind == "number":
                    return float(value)
            except (TypeError, ValueError):
                raise _invalid(f"Invalid value {value!r} for property {name}") from None
            return str(value).casefold()

        def values_of(obj) -> list:
            value = _typed(obj.value(name), kind)
            if value is None or value == "":
                return []
            if kind == "enumeration" and isinstance(value, str):
                return value.split(";")
            return [value]

        if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
            present = operator == "HAS_PROPERTY"
            return lambda obj: bool(values_of(obj)) == present
        if operator in ("IN", "NOT_IN"):
            raw = spec.get("values")
            if not isinstance(raw, list):
                raise _invalid(f"Filter on {name} with {operator} needs values")
            wanted = {convert(v) for v in raw}
            if operator == "IN":
                return lambda obj: any(v in wanted for v in values_of(obj))
            return lambda obj: not any(v in wanted for v in values_of(obj))
        if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            pattern = re.escape(str(spec.get("value", "")).casefold()).replace(r"\*", ".*")
            token = re.compile(rf"(^|[^\w]){pattern}($|[^\w])")

            def contains(obj) -> bool:
                return any(token.search(str(v)) for v in values_of(obj))

            return contains if operator == "CONTAINS_TOKEN" else (lambda obj: not contains(obj))
        value = convert(spec.get("value"))
        if operator == "BETWEEN":
            high = convert(spec.get("highValue"))
            return lambda obj: any(
                _cmp(v, value, ">=") and _cmp(v, high, "<=") for v in values_of(obj)
            )
        if operator == "EQ":
            return lambda obj: value in values_of(obj)
        if operator == "NEQ":
            return lambda obj: value not in values_of(obj)
        if operator in ("LT", "LTE", "GT", "GTE"):
            op = {"LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}[operator]
            return lambda obj: any(_cmp(v, value, op) for v in values_of(obj))
        raise _invalid(f"Invalid operator: {operator}")

    # -- associations ------------------------------------------------------------------------
    def _label_specs(self, from_type: str, to_type: str) -> list[dict]:
        if (from_type, to_type) in _PRIMARY_TYPE_IDS:
            primary, plain = _PRIMARY_TYPE_IDS[from_type, to_type]
            return [_spec("HUBSPOT_DEFINED", primary, "Primary"), _spec("HUBSPOT_DEFINED", plain)]
        if {from_type, to_type} == {"deals", "contacts"}:
            base = data.DEAL_TO_CONTACT if from_type == "deals" else data.CONTACT_TO_DEAL
            labels = self.portal.label_type_ids
            return [_spec("HUBSPOT_DEFINED", base)] + [
                _spec("USER_DEFINED", type_id, label) for label, type_id in labels.items()
            ]
        return []

    def _links(self, from_type: str, to_type: str) -> dict[str, dict[str, list[dict]]]:
        """{from id: {to id: [association type, …]}} for live objects on both ends."""
        portal = self.portal
        live = {t: portal.objects[t] for t in data.OBJECT_TYPES}
        out: dict[str, dict[str, list[dict]]] = {}

        def link(src: str, dst: str, types: list[dict]) -> None:
            a, b = live[from_type].get(src), live[to_type].get(dst)
            if a is not None and b is not None and not a.archived and not b.archived:
                out.setdefault(src, {})[dst] = types

        pair = (from_type, to_type)
        if pair not in ASSOCIATION_PAIRS:
            raise _invalid(f"Unsupported association: {from_type} to {to_type}")
        if pair in (("deals", "companies"), ("companies", "deals")):
            primary_id, plain_id = _PRIMARY_TYPE_IDS[pair]
            primary, plain = (
                _spec("HUBSPOT_DEFINED", primary_id, "Primary"),
                _spec("HUBSPOT_DEFINED", plain_id),
            )
            for deal, companies in portal.deal_companies.items():
                for company, is_primary in companies.items():
                    types = [primary, plain] if is_primary else [plain]
                    if from_type == "deals":
                        link(deal, company, types)
                    else:
                        link(company, deal, types)
        elif pair in (("deals", "contacts"), ("contacts", "deals")):
            base = data.DEAL_TO_CONTACT if from_type == "deals" else data.CONTACT_TO_DEAL
            for deal, contacts in portal.deal_contacts.items():
                for contact, labels in contacts.items():
                    types = [_spec("HUBSPOT_DEFINED", base)] + [
                        _spec("USER_DEFINED", portal.label_type_id(label), label)
                        for label in labels
                    ]
                    if from_type == "deals":
                        link(deal, contact, types)
                    else:
                        link(contact, deal, types)
        else:  # contacts and companies, from the contacts' associatedcompanyid
            primary_id, plain_id = _PRIMARY_TYPE_IDS[pair]
            types = [
                _spec("HUBSPOT_DEFINED", primary_id, "Primary"),
                _spec("HUBSPOT_DEFINED", plain_id),
            ]
            for contact in live["contacts"].values():
                company = contact.properties.get("associatedcompanyid")
                if company:
                    if from_type == "contacts":
                        link(contact.id, company, types)
                    else:
                        link(company, contact.id, types)
        return out

    @staticmethod
    def _to_page(targets: dict[str, list[dict]], after, size: int) -> tuple[list, str | None]:
        ordered = sorted(targets, key=int)
        start = _read_token(str(after)) if after else 0
        ordered = [t for t in ordered if int(t) >= start]
        size = max(1, size)
        page = [{"toObjectId": int(t), "associationTypes": targets[t]} for t in ordered[:size]]
        return page, (page_token(ordered[size]) if len(ordered) > size else None)

    def _association_batch(self, pair: tuple[str, str], body: dict) -> tuple[int, dict]:
        inputs = body.get("inputs")
        if not isinstance(inputs, list):
            raise _invalid("inputs is required")
        if len(inputs) > 1000:
            raise _invalid(f"Batch input size {len(inputs)} exceeds the limit of 1000")
        links = self._links(*pair)
        started = self._now
        results, errors = [], []
        seen: set[str] = set()
        from_name, to_name = data.SINGULAR[pair[0]], data.SINGULAR[pair[1]]
        for item in inputs:
            from_id = str((item or {}).get("id", ""))
            if from_id in seen:
                continue
            seen.add(from_id)
            targets = links.get(from_id)
            if not targets:
                errors.append(
                    {
                        "status": "error",
                        "category": "OBJECT_NOT_FOUND",
                        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                        "message": f"No {to_name} is associated with {from_name} {from_id}.",
                        "context": {
                            "fromObjectId": [from_id],
                            "fromObjectType": [from_name],
                            "toObjectType": [to_name],
                        },
                    }
                )
                continue
            page, after = self._to_page(
                targets, (item or {}).get("after"), self.association_page_size
            )
            result: dict = {"from": {"id": from_id}, "to": page}
            if after is not None:
                result["paging"] = {"next": {"after": after}}
            results.append(result)
        out: dict = {"status": "COMPLETE", "results": results}
        if errors:
            out |= {"numErrors": len(errors), "errors": errors}
        out |= {"startedAt": data.hs_datetime(started), "completedAt": data.hs_datetime(self._now)}
        return (207 if errors else 200), out

    def _association_page(self, pair: tuple[str, str], from_id: str, query: dict) -> dict:
        targets = self._links(*pair).get(from_id, {})
        limit = self._int(query.get("limit"), "limit", 500)
        if not 1 <= limit <= 500:
            raise _invalid(f"limit must be between 1 and 500, got {limit}")
        page, after = self._to_page(targets, query.get("after"), limit)
        out: dict = {"results": page}
        if after is not None:
            out["paging"] = {"next": {"after": after}}
        return out

    # -- pipelines, properties, account ------------------------------------------------------
    def _pipelines(self, rest: list[str]) -> dict:
        pipelines = sorted(
            (p for p in self.portal.pipelines.values() if not p.archived),
            key=lambda p: p.display_order,
        )
        if not rest:
            return {"results": [_pipeline_json(p) for p in pipelines]}
        pipeline = self.portal.pipelines.get(rest[0])
        if pipeline is None or pipeline.archived:
            raise Reply(404, error_body(f"Unable to find pipeline {rest[0]}", "OBJECT_NOT_FOUND"))
        if rest[1:] == []:
            return _pipeline_json(pipeline)
        if rest[1:] == ["stages"]:
            return {"results": _pipeline_json(pipeline)["stages"]}
        raise _not_found()

    def _properties(self, hs_type: str, rest: list[str]) -> dict:
        definitions = self.portal.properties[hs_type]
        if rest:
            if rest[0] not in definitions:
                raise Reply(
                    404,
                    error_body(
                        f"Unable to find property {rest[0]} for object type {hs_type}",
                        "OBJECT_NOT_FOUND",
                    ),
                )
            names = [rest[0]]
        else:
            names = list(definitions)
        out = []
        for order, name in enumerate(definitions):
            if name in names:
                out.append(self._property_json(definitions[name], order))
        return out[0] if rest else {"results": out}

    def _property_json(self, d: data.PropertyDef, order: int) -> dict:
        if d.name == "pipeline":
            options = [(p.id, p.label) for p in self.portal.pipelines.values() if not p.archived]
        elif d.name == "dealstage":
            options = [
                (s.id, s.label)
                for p in self.portal.pipelines.values()
                if not p.archived
                for s in p.stages.values()
                if not s.archived
            ]
        else:
            options = [(v, d.option_labels.get(v, v)) for v in d.options]
        stamp = data.hs_datetime(data.PIPELINE_TIME)
        out = {
            "name": d.name,
            "label": d.label,
            "type": d.type,
            "fieldType": d.field_type,
            "groupName": d.group,
            "description": "",
            "options": [
                {"label": label, "value": value, "displayOrder": i, "hidden": False}
                | {"description": ""}
                for i, (value, label) in enumerate(options)
            ],
            "displayOrder": order if d.display_order < 0 else d.display_order,
            "calculated": False,
            "externalOptions": d.name in ("pipeline", "dealstage"),
            "hasUniqueValue": d.name == "hs_object_id",
            "hidden": False,
            "modificationMetadata": {
                "archivable": not d.hubspot_defined,
                "readOnlyDefinition": d.hubspot_defined,
                "readOnlyValue": d.read_only,
            },
            "formField": not d.read_only,
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }
        if d.hubspot_defined:
            out["hubspotDefined"] = True
        return out

    def _account_info(self) -> dict:
        return {
            "portalId": self.portal_id,
            "accountType": "STANDARD",
            "timeZone": "US/Eastern",
            "companyCurrency": "USD",
            "additionalCurrencies": [],
            "utcOffset": "-05:00",
            "utcOffsetMilliseconds": -18000000,
            "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1",
        }


def _spec(category: str, type_id: int, label: str | None = None) -> dict:
    return {"category": category, "typeId": type_id, "label": label}


def _pipeline_json(pipeline: data.Pipeline) -> dict:
    stages = sorted(
        (s for s in pipeline.stages.values() if not s.archived), key=lambda s: s.display_order
    )
    return {
        "id": pipeline.id,
        "label": pipeline.label,
        "displayOrder": pipeline.display_order,
        "archived": False,
        "createdAt": data.hs_datetime(pipeline.created),
        "updatedAt": data.hs_datetime(pipeline.updated),
        "stages": [
            {
                "id": s.id,
                "label": s.label,
                "displayOrder": s.display_order,
                "metadata": {
                    "isClosed": "true" if s.is_closed else "false",
                    "probability": str(float(s.probability)),
                },
                "archived": False,
                "createdAt": data.hs_datetime(s.created),
                "updatedAt": data.hs_datetime(s.updated),
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            }
            for s in stages
        ],
    }


def _typed(value, kind: str):
    """A stored value in the form filters compare: float, datetime or casefolded text."""
    if value is None or isinstance(value, datetime):
        return value
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            return None
    return str(value).casefold()


def _cmp(a, b, op: str) -> bool:
    try:
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    except TypeError:
        return False


def _sort_key(value):
    return (0,) if value is None else (1, value)
