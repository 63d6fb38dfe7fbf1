"""HubSpot through its CRM API with hubspot-api-client (PRODUCT.md §11).

Sign-in is a private app's access token. Companies, contacts and deals changed since a mark come
from the search API sorted by their modification stamp (``hs_lastmodifieddate``; contacts'
``lastmodifieddate``). Paging is by keyset, not by ``after``: each page asks again for records
stamped at or after the last full stamp of the page before, so records that share a stamp at a
page edge are read in full, a record edited mid-run cannot shift an offset and make another
one skipped, and the search API's 10,000-result cap (``after`` + ``limit``) is never reached.
When a whole page shares one stamp, that stamp is swept in ``hs_object_id`` order first.

Deals take their account from the v4 deal→company association (the primary one) and their
stage from the pipelines API through the connection's stage map (``services.stages``). Deal
roles are a stream of their own (``deal_contacts``): the deals changed since its mark, each
with all of its contact associations — a label is a role (several labels, several roles), an
unlabelled association takes the contact's ``hs_buying_role`` — so a role gone from HubSpot
goes from DealLens too. A second one (``contact_roles``) re-reads the deals of the contacts
changed since its mark, since editing a contact's buying role does not touch its deals.
Archived records come from the objects API with ``archived=true``.

Requests are paced under HubSpot's limits (about 100 per 10 seconds per app, and a few
searches per second) and 429s are retried with the shared backoff (``base.retrying``).
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from hubspot import HubSpot
from hubspot.crm.associations.v4 import BatchInputPublicFetchAssociationsBatchRequest
from hubspot.crm.associations.v4.exceptions import ApiException as AssociationsApiException
from hubspot.crm.objects import (
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
)
from hubspot.crm.objects.exceptions import ApiException as ObjectsApiException
from hubspot.crm.pipelines.exceptions import ApiException as PipelinesApiException
from hubspot.crm.properties.exceptions import ApiException as PropertiesApiException
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.retry import Retry

from crm_app.connectors.base import (
    BadCredentials,
    ConnectorError,
    CrmStage,
    Deleted,
    ObjectSpec,
    Pacer,
    Page,
    RequestCounter,
    Transient,
    cell,
    retry_after_seconds,
    retrying,
)
from crm_app.connectors.hubspot_records import (
    epoch_ms,
    error_of,
    fresh,
    parse_stamp,
    role_rows,
    unlabelled_contacts,
)
from crm_app.ingest.recognition import ACCOUNT, CONTACT, DEAL, DEAL_ROLE

API_ERRORS = (
    ObjectsApiException,
    AssociationsApiException,
    PipelinesApiException,
    PropertiesApiException,
)
ID = "hs_object_id"
COMPANY = "associatedcompanyid"  # a contact property; deals get it from their association
ROLE_FIELDS = ("Id", "deal_id", "contact_id", "Role")
OBJECTS = (
    ObjectSpec(
        "companies",
        ACCOUNT,
        (
            ID,
            "name",
            "domain",
            "industry",
            "numberofemployees",
            "annualrevenue",
            "country",
            "lifecyclestage",
        ),
    ),
    ObjectSpec("contacts", CONTACT, (ID, COMPANY, "firstname", "lastname", "jobtitle", "email")),
    ObjectSpec(
        "deals",
        DEAL,
        (ID, COMPANY, "dealname", "dealstage", "amount", "createdate", "closedate"),
    ),
    ObjectSpec("deal_contacts", DEAL_ROLE, ROLE_FIELDS),
    # The roles of the deals of contacts changed since its mark: a contact's hs_buying_role is
    # its role wherever an association has no label, and editing it does not touch the deals.
    ObjectSpec("contact_roles", DEAL_ROLE, ROLE_FIELDS),
)
STAMP = {"companies": "hs_lastmodifieddate", "contacts": "lastmodifieddate"}
STAMP_DEFAULT = "hs_lastmodifieddate"
SEARCH_LIMIT = 200  # the search API's largest page
BATCH_LIMIT = 100  # objects batch read
ASSOCIATION_LIMIT = 1000  # v4 associations batch read
LIST_LIMIT = 100  # objects list (archived records)
PRIMARY_COMPANY = 5  # HUBSPOT_DEFINED deal→company "Primary"
RATE_WINDOW_SECONDS = 10.0  # HubSpot's burst window (settings.CRM_HUBSPOT_REQUESTS_PER_10S)
_T = TypeVar("_T")


class HubSpotConnector:
    objects = OBJECTS

    def __init__(
        self,
        instance_url: str,
        credentials: dict[str, str],
        on_retry: Callable[[str], None] | None = None,
        attempts: int | None = None,  # per request; None: settings.CRM_SYNC_RETRIES
    ):
        self.host = instance_url.rstrip("/")
        self.on_retry, self.attempts = on_retry, attempts
        self.counter = RequestCounter()
        self.pacer = Pacer(settings.CRM_HUBSPOT_REQUESTS_PER_10S, RATE_WINDOW_SECONDS)
        self.search_pacer = Pacer(settings.CRM_HUBSPOT_SEARCHES_PER_SECOND, 1.0)
        self.timeout = settings.CRM_SYNC_TIMEOUT_SECONDS
        config: dict[str, Any] = {
            "access_token": credentials.get("access_token", ""),
            "host": self.host,
            # No retries inside urllib3: every retry goes through base.retrying (one policy).
            "retry": Retry(total=0, connect=0, read=0, redirect=0, status=0),
        }
        if settings.DEALLENS_CRM_CA_BUNDLE:
            config["ssl_ca_cert"] = settings.DEALLENS_CRM_CA_BUNDLE
        self.client = HubSpot(**config)

    # --- calls -----------------------------------------------------------------------------------

    def _call(self, call: Callable[..., _T], *args: Any, search: bool = False, **kwargs: Any) -> _T:
        """One API call, paced, with the shared retry policy."""

        def attempt() -> _T:
            self.pacer.wait()
            if search:
                self.search_pacer.wait()
            self.counter.count += 1
            try:
                return call(*args, _request_timeout=self.timeout, **kwargs)
            except API_ERRORS as exc:
                raise self._translated(exc) from exc
            except Urllib3Error as exc:
                raise Transient(f"HubSpot did not answer in time ({type(exc).__name__}).") from exc

        try:
            return retrying(attempt, self.on_retry, self.attempts)
        except Transient as exc:
            raise ConnectorError(f"{exc} Gave up after several tries; the next run resumes.") from (
                exc
            )

    def _translated(self, exc: Any) -> ConnectorError:
        status = int(exc.status or 0)
        category, message = error_of(exc)
        headers = dict(exc.headers or {})
        self.counter.last_headers = {str(k): str(v) for k, v in headers.items()}
        if status == 429 or status >= 500:
            retry_after = retry_after_seconds(self.counter.last_headers.get("Retry-After"))
            if status == 429:
                return Transient("HubSpot's rate limit was reached.", retry_after)
            return Transient(f"HubSpot answered {status}.", retry_after)
        if status == 401:
            return BadCredentials(
                "HubSpot rejected the access token: copy the private app's token again "
                "(Settings → Integrations → Private apps) and save it here."
            )
        if status == 403:
            return ConnectorError(
                "HubSpot refused the request (missing scopes): give the private app the "
                "crm.objects.companies.read, crm.objects.contacts.read, crm.objects.deals.read "
                "scopes and the same three crm.schemas.….read ones (for the fields)."
            )
        if status == 404:
            return ConnectorError(
                f"HubSpot answered 404 at {self.host}: leave the API URL blank for "
                "https://api.hubapi.com."
            )
        return ConnectorError(f"HubSpot answered {status} ({category or 'error'}): {message}"[:400])

    # --- the sync's questions ----------------------------------------------------------------

    def check(self) -> str:
        self._call(self.client.crm.objects.basic_api.get_page, "companies", limit=1)
        return "Connected to HubSpot: companies, contacts and deals can be read."

    def stages(self) -> list[CrmStage]:
        found = self._call(self.client.crm.pipelines.pipelines_api.get_all, "deals")
        out = []
        for pipeline in found.results or []:
            if pipeline.archived:
                continue
            for stage in pipeline.stages or []:
                if stage.archived:
                    continue
                meta = stage.metadata or {}
                try:
                    probability: float | None = float(meta.get("probability", ""))
                except (TypeError, ValueError):
                    probability = None
                out.append(
                    CrmStage(
                        id=str(stage.id),
                        label=str(stage.label),
                        pipeline_id=str(pipeline.id),
                        pipeline=str(pipeline.label),
                        order=int(stage.display_order or 0),
                        closed=str(meta.get("isClosed", "")).lower() == "true",
                        probability=probability,
                    )
                )
        return out

    def describe(self, spec: ObjectSpec) -> list[str]:
        if spec.kind == DEAL_ROLE:
            return list(ROLE_FIELDS)  # made here from associations, not a HubSpot object
        found = self._call(self.client.crm.properties.core_api.get_all, spec.name)
        names = [str(p.name) for p in found.results or []]
        if spec.kind == DEAL:
            names.append(COMPANY)  # filled from the deal→company association
        return names

    def changed(
        self,
        spec: ObjectSpec,
        fields: list[str],
        since: datetime | None,
        seen: dict[str, str] | None = None,
    ) -> Iterator[Page]:
        if spec.name == "contact_roles":
            yield from self._contact_roles(since, seen or {})
            return
        if spec.kind == DEAL_ROLE:
            yield from self._roles(since, seen or {})
            return
        stamp = STAMP.get(spec.name, STAMP_DEFAULT)
        wanted = [f for f in fields if f != COMPANY or spec.kind != DEAL]
        properties = list(dict.fromkeys([*wanted, stamp]))
        for found, last in self._keyset(spec.name, stamp, properties, since):
            stamps = fresh(found, stamp, seen or {})
            objects = [o for o in found if str(o.id) in stamps]
            rows = [
                {name: cell((o.properties or {}).get(name)) for name in fields} for o in objects
            ]
            for row, obj in zip(rows, objects, strict=True):
                row[ID] = str(obj.id)
            if spec.kind == DEAL and objects:
                companies = self._companies_of([str(o.id) for o in objects])
                for row in rows:
                    row[COMPANY] = companies.get(row[ID], "")
            yield Page(rows, last, stamps=stamps)

    def deleted(self, spec: ObjectSpec, since: datetime | None) -> Iterator[Deleted]:
        """Archived records, read whole (the list has no date filter); the mark moves to the
        latest ``archivedAt`` only once every page was handed over."""
        if spec.kind == DEAL_ROLE:
            return
        latest: datetime | None = None
        after: str | None = None
        while True:
            kwargs: dict[str, Any] = {"limit": LIST_LIMIT, "archived": True, "properties": [ID]}
            if after:
                kwargs["after"] = after
            found = self._call(self.client.crm.objects.basic_api.get_page, spec.name, **kwargs)
            ids = []
            for obj in found.results or []:
                when = obj.archived_at
                if when is not None and when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                if since is None or when is None or when >= since:
                    ids.append(str(obj.id))
                if when is not None and (latest is None or when > latest):
                    latest = when
            if ids:
                yield Deleted(ids, None)
            paging = found.paging
            after = paging.next.after if paging is not None and paging.next is not None else None
            if not after:
                break
        if latest is not None:
            yield Deleted([], latest)

    # --- reading -------------------------------------------------------------------------------

    def _search(
        self, object_type: str, filters: list[Filter], sort: str, properties: list[str]
    ) -> list[Any]:
        request = PublicObjectSearchRequest(
            filter_groups=[FilterGroup(filters=filters)] if filters else [],
            sorts=[{"propertyName": sort, "direction": "ASCENDING"}],
            properties=properties,
            limit=SEARCH_LIMIT,
            after="0",
        )
        found = self._call(
            self.client.crm.objects.search_api.do_search,
            object_type,
            request,
            search=True,
        )
        return list(found.results or [])

    def _keyset(
        self, object_type: str, stamp: str, properties: list[str], since: datetime | None
    ) -> Iterator[tuple[list[Any], datetime | None]]:
        """Pages in stamp order from ``since`` (inclusive), each record once."""

        def stamp_of(obj: Any) -> datetime:
            return parse_stamp(str((obj.properties or {}).get(stamp)))

        strict = False  # after sweeping a stamp: strictly later ones
        while True:
            filters = []
            if since is not None:
                operator = "GT" if strict else "GTE"
                filters.append(
                    Filter(property_name=stamp, operator=operator, value=epoch_ms(since))
                )
            found = self._search(object_type, filters, stamp, properties)
            if len(found) < SEARCH_LIMIT:  # the last page: all of it
                if found:
                    yield found, stamp_of(found[-1])
                return
            last = stamp_of(found[-1])
            before = [o for o in found if stamp_of(o) < last]
            if before:
                # Records at the last stamp may go on past this page: the next page starts there.
                yield before, stamp_of(before[-1])
                since, strict = last, False
                continue
            # The whole page shares one stamp: read that stamp by id, then go on after it.
            yield from self._sweep(object_type, stamp, properties, last)
            since, strict = last, True

    def _sweep(
        self, object_type: str, stamp: str, properties: list[str], at: datetime
    ) -> Iterator[tuple[list[Any], datetime | None]]:
        after_id = 0
        while True:
            filters = [
                Filter(property_name=stamp, operator="EQ", value=epoch_ms(at)),
                Filter(property_name=ID, operator="GT", value=str(after_id)),
            ]
            found = self._search(object_type, filters, ID, properties)
            if found:
                yield found, at
                after_id = max(int(o.id) for o in found)
            if len(found) < SEARCH_LIMIT:
                return

    def _associations(self, from_type: str, to_type: str, ids: list[str]) -> dict[str, list[Any]]:
        """from id → its associated objects (``to_object_id``, ``association_types``)."""
        out: dict[str, list[Any]] = {}
        api = self.client.crm.associations.v4.batch_api
        for start in range(0, len(ids), ASSOCIATION_LIMIT):
            request = BatchInputPublicFetchAssociationsBatchRequest(
                inputs=[{"id": i} for i in ids[start : start + ASSOCIATION_LIMIT]]
            )
            found = self._call(api.get_page, from_type, to_type, request)
            for result in found.results or []:
                out.setdefault(str(result._from.id), []).extend(result.to or [])
        return out

    def _companies_of(self, deal_ids: list[str]) -> dict[str, str]:
        out = {}
        for deal, targets in self._associations("deals", "companies", deal_ids).items():
            primary = [
                t
                for t in targets
                if any(a.type_id == PRIMARY_COMPANY for a in t.association_types or [])
            ]
            chosen = (primary or targets)[0] if targets else None
            if chosen is not None:
                out[deal] = str(chosen.to_object_id)
        return out

    def _buying_roles(self, contact_ids: list[str]) -> dict[str, str]:
        out = {}
        api = self.client.crm.objects.batch_api
        for start in range(0, len(contact_ids), BATCH_LIMIT):
            request = BatchReadInputSimplePublicObjectId(
                properties=["hs_buying_role"],
                inputs=[{"id": i} for i in contact_ids[start : start + BATCH_LIMIT]],
                properties_with_history=[],
            )
            found = self._call(api.read, "contacts", request)
            for obj in found.results or []:
                out[str(obj.id)] = str((obj.properties or {}).get("hs_buying_role") or "")
        return out

    def _roles(self, since: datetime | None, seen: dict[str, str]) -> Iterator[Page]:
        """Every changed deal's contact roles (all of them: the page is complete for it)."""
        for deals, last in self._keyset("deals", STAMP_DEFAULT, [STAMP_DEFAULT], since):
            stamps = fresh(deals, STAMP_DEFAULT, seen)
            deal_ids = [str(d.id) for d in deals if str(d.id) in stamps]
            rows = self._role_rows(deal_ids) if deal_ids else []
            yield Page(rows, last, complete_deals=deal_ids, stamps=stamps)

    def _contact_roles(self, since: datetime | None, seen: dict[str, str]) -> Iterator[Page]:
        """The complete roles of every deal of each contact changed since ``since``. The first
        run reads none (``deal_contacts`` read every deal): it marks the latest stamp, with the
        latest contacts as read (the next run's overlap need not read their deals again)."""
        stamp = STAMP["contacts"]
        if since is None:
            request = PublicObjectSearchRequest(
                sorts=[{"propertyName": stamp, "direction": "DESCENDING"}],
                properties=[stamp],
                limit=SEARCH_LIMIT,
                after="0",
            )
            found = self._call(
                self.client.crm.objects.search_api.do_search, "contacts", request, search=True
            )
            latest = fresh(list(found.results or []), stamp, {})
            if latest:
                yield Page([], max(latest.values()), stamps=latest)
            return
        for contacts, last in self._keyset("contacts", stamp, [stamp], since):
            stamps = fresh(contacts, stamp, seen)
            deals = self._associations("contacts", "deals", list(stamps)) if stamps else {}
            deal_ids = sorted({str(t.to_object_id) for ts in deals.values() for t in ts})
            rows = self._role_rows(deal_ids) if deal_ids else []
            yield Page(rows, last, complete_deals=deal_ids, stamps=stamps)

    def _role_rows(self, deal_ids: list[str]) -> list[dict[str, str]]:
        """One row per role of each deal: all of its contact associations."""
        contacts = self._associations("deals", "contacts", deal_ids)
        unlabelled = unlabelled_contacts(contacts)
        buying = self._buying_roles(unlabelled) if unlabelled else {}
        return role_rows(deal_ids, contacts, buying)
