"""The records behind the fake HubSpot: a portal derived from the Salesforce CPQ demo export.

The same people and deals as the fake Salesforce (read through ``salesforce_data.Store``, so
``Guid`` is the Salesforce Id and ``#N/A`` is None), with HubSpot-style ids, numeric strings
assigned deterministically in file order:

    companies  5000000001, 5000000002, …   (Account.csv)
    contacts   101, 102, …                 (Contact.csv)
    deals      9000000001, 9000000002, …   (Opportunity.csv)

Records added later continue each sequence (and have no Salesforce Id). ``hubspot_id("Account",
sf_id)`` maps a Salesforce Id to its HubSpot id, ``salesforce_id_of("deals", id)`` goes back and
``id_maps()`` holds them all. Every object keeps the Salesforce Id it came from
(``HubSpotObject.salesforce_id``) and each deal its original ``StageName``
(``HubSpotObject.salesforce_stage``; not a HubSpot property).

The export's row counts (its SOURCE.md): 185 companies, 701 contacts, 741 deals and 42 contact
roles, so 741 deal→company and 42 deal→contact associations.

Stamps are synthesized as in ``salesforce_data``: ``BASE_TIME`` plus one minute per three
records in file order (ties in threes), for ``createdate`` and ``hs_lastmodifieddate`` (contacts:
``lastmodifieddate`` too, always equal). Every date-time is written as HubSpot writes it, UTC
with milliseconds: ``2024-09-02T00:00:00.000Z`` (``hs_datetime``); a deal's ``closedate`` too
(``2024-10-12T00:00:00.000Z`` from CloseDate ``2024-10-12``).

Deals: every deal whose 0-based file position is divisible by 4 is in the custom "enterprise"
pipeline, the rest in "default"; stages follow ``STAGE_BY_SALESFORCE``. Associations (v4):
deal→company for every deal with an AccountId (``Primary`` typeId 5 and unlabelled 341), and
deal→contact from OpportunityContactRole (typeId 3, plus a USER_DEFINED label for the row's
Role, see ``ROLE_LABELS``). Rows without a Role stay unlabelled and set their contact's
``hs_buying_role`` instead (``BUDGET_HOLDER`` for the first, ``CHAMPION;END_USER`` for the
others). Edge cases, deterministic: the first "Influencer" row carries two labels
(``Influencer`` and ``Champion``), the first "Business User" row only ``Procurement lead``.

``Portal`` is not thread-safe by itself; ``FakeHubSpot`` holds a lock around it.
"""

import functools
import random
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.crm_support.salesforce_data import BASE_TIME, Store, export_dir

__all__ = ["BASE_TIME", "export_dir"]  # re-exported: the same export and base time

OBJECT_TYPES = ("companies", "contacts", "deals")
SALESFORCE_OBJECT = {"companies": "Account", "contacts": "Contact", "deals": "Opportunity"}
OBJECT_TYPE_ID = {"contacts": "0-1", "companies": "0-2", "deals": "0-3"}
SINGULAR = {"companies": "company", "contacts": "contact", "deals": "deal"}
ID_START = {"companies": 5000000001, "contacts": 101, "deals": 9000000001}
DATETIME_PROPERTIES = ("createdate", "hs_lastmodifieddate", "lastmodifieddate", "closedate")
STAMP_PROPERTIES = {  # set by the portal, always returned
    "companies": ("hs_object_id", "createdate", "hs_lastmodifieddate"),
    "contacts": ("hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate"),
    "deals": ("hs_object_id", "createdate", "hs_lastmodifieddate"),
}
DEFAULT_PROPERTIES = {  # returned when a request names none (HubSpot's documented defaults)
    "companies": ("name", "domain"),
    "contacts": ("firstname", "lastname", "email"),
    "deals": ("dealname", "amount", "closedate", "pipeline", "dealstage"),
}
PIPELINE_TIME = datetime(2024, 1, 15, tzinfo=UTC)  # when the portal's pipelines were set up

# Salesforce StageName -> (stage in "default", stage in "enterprise")
STAGE_BY_SALESFORCE = {
    "Prospecting": ("appointmentscheduled", "1001"),
    "Qualification": ("qualifiedtobuy", "1002"),
    "Needs Analysis": ("qualifiedtobuy", "1002"),
    "Value Proposition": ("presentationscheduled", "1003"),
    "Id. Decision Makers": ("presentationscheduled", "1003"),
    "Perception Analysis": ("presentationscheduled", "1003"),
    "Proposal/Price Quote": ("decisionmakerboughtin", "1004"),
    "Negotiation/Review": ("contractsent", "1005"),
    "Closed Won": ("closedwon", "1006"),
    "Closed Lost": ("closedlost", "1007"),
}
# (id, label, isClosed, probability), in displayOrder
DEFAULT_STAGES = (
    ("appointmentscheduled", "Appointment Scheduled", False, 0.2),
    ("qualifiedtobuy", "Qualified To Buy", False, 0.4),
    ("presentationscheduled", "Presentation Scheduled", False, 0.6),
    ("decisionmakerboughtin", "Decision Maker Bought-In", False, 0.8),
    ("contractsent", "Contract Sent", False, 0.9),
    ("closedwon", "Closed Won", True, 1.0),
    ("closedlost", "Closed Lost", True, 0.0),
)
ENTERPRISE_STAGES = (
    ("1001", "Intro call", False, 0.1),
    ("1002", "Technical validation", False, 0.3),
    ("1003", "Business case", False, 0.5),
    ("1004", "Security review", False, 0.7),
    ("1005", "Commercials", False, 0.9),
    ("1006", "Signed", True, 1.0),
    ("1007", "Did not buy", True, 0.0),
)

# Association types (v4). HUBSPOT_DEFINED ids are HubSpot's own; labels are USER_DEFINED.
DEAL_TO_COMPANY_PRIMARY, DEAL_TO_COMPANY = 5, 341
COMPANY_TO_DEAL_PRIMARY, COMPANY_TO_DEAL = 6, 342
DEAL_TO_CONTACT, CONTACT_TO_DEAL = 3, 4
ROLE_LABELS = {  # Salesforce OpportunityContactRole.Role -> deal↔contact label
    "Economic Buyer": "Economic buyer",
    "Economic Decision Maker": "Economic buyer",
    "Decision Maker": "Decision maker",
    "Technical Buyer": "Technical evaluator",
    "Influencer": "Influencer",
    "Business User": "End user",
}
FIRST_LABEL_TYPE_ID = 100
# Label -> typeId (one per label, the same in both directions); later labels continue from 107.
LABEL_TYPE_IDS = {
    label: FIRST_LABEL_TYPE_ID + i
    for i, label in enumerate(
        [
            "Economic buyer",
            "Decision maker",
            "Technical evaluator",
            "Influencer",
            "End user",
            "Champion",
            "Procurement lead",
        ]
    )
}
BUYING_ROLE_OPTIONS = (
    "BLOCKER",
    "BUDGET_HOLDER",
    "CHAMPION",
    "DECISION_MAKER",
    "END_USER",
    "EXECUTIVE_SPONSOR",
    "INFLUENCER",
    "LEGAL_AND_COMPLIANCE",
    "OTHER",
)
LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
CUSTOMER_TIERS = ("platinum", "gold", "silver")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_NAME_ALIASES = {
    **{t: t for t in OBJECT_TYPES},
    **{s: t for t, s in SINGULAR.items()},
    **{i: t for t, i in OBJECT_TYPE_ID.items()},
    **{s.lower(): t for t, s in SALESFORCE_OBJECT.items()},
}


def object_type(name: str) -> str:
    """'deals', 'deal', '0-3' or 'Opportunity' -> 'deals' (KeyError for anything else)."""
    return _NAME_ALIASES[name.lower()]


def hs_datetime(value: datetime) -> str:
    """HubSpot's form, UTC with milliseconds: ``2024-09-02T00:00:00.000Z``."""
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def parse_hs_datetime(value) -> datetime:
    """A filter value or a test's input as an aware UTC datetime, to the millisecond (HubSpot's
    precision): epoch milliseconds (int or digit string), an ISO datetime (``Z`` or an offset;
    naive means UTC), an ISO date, or a datetime. ValueError otherwise."""
    if isinstance(value, datetime):
        parsed = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = _EPOCH + timedelta(milliseconds=value)
    else:
        text = str(value).strip()
        if re.fullmatch(r"-?\d+", text):
            return _EPOCH + timedelta(milliseconds=int(text))
        if re.fullmatch(r"-?\d+\.\d*", text):
            return parse_hs_datetime(float(text))
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000)


def epoch_ms(value: datetime) -> int:
    """The epoch milliseconds HubSpot's search filters take for a date-time."""
    return (value - _EPOCH) // timedelta(milliseconds=1)


def number_text(value) -> str | None:
    """A number as HubSpot writes it: ``12500`` when whole, else ``32395.00000002``."""
    if value is None:
        return None
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def domain_of(website: str | None) -> str | None:
    """``http://www.salesforce.com/`` -> ``salesforce.com``."""
    if not website:
        return None
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", website.strip(), flags=re.IGNORECASE)
    host = re.split(r"[/?#]", host, maxsplit=1)[0].lower()
    return (host[4:] if host.startswith("www.") else host) or None


@dataclass(slots=True)
class HubSpotObject:
    """One CRM record. ``properties`` hold HubSpot's text values (None when unset), except the
    date-time ones (datetime); ``created``/``modified`` are ``createdate``/``hs_lastmodifieddate``
    (and ``createdAt``/``updatedAt``)."""

    type: str
    id: str
    properties: dict
    created: datetime
    modified: datetime
    archived: bool = False
    archived_at: datetime | None = None
    salesforce_id: str | None = None
    salesforce_stage: str | None = None  # deals: the export's StageName

    def copy(self) -> "HubSpotObject":
        return replace(self, properties=dict(self.properties))

    def value(self, name: str):
        """A property's stored value (datetime for date-times), stamps included."""
        if name == "hs_object_id":
            return self.id
        if name == "createdate":
            return self.created
        if name == "hs_lastmodifieddate" or (
            name == "lastmodifieddate" and self.type == "contacts"
        ):
            return self.modified
        return self.properties.get(name)

    def text(self, name: str) -> str | None:
        """A property as the API writes it."""
        value = self.value(name)
        return hs_datetime(value) if isinstance(value, datetime) else value


@dataclass
class Stage:
    id: str
    label: str
    display_order: int
    is_closed: bool
    probability: float
    archived: bool = False
    created: datetime = PIPELINE_TIME
    updated: datetime = PIPELINE_TIME


@dataclass
class Pipeline:
    id: str
    label: str
    display_order: int
    stages: dict[str, Stage] = field(default_factory=dict)
    archived: bool = False
    created: datetime = PIPELINE_TIME
    updated: datetime = PIPELINE_TIME


@dataclass
class PropertyDef:
    name: str
    label: str
    type: str  # string | number | datetime | enumeration
    field_type: str  # text | number | date | select | radio | checkbox
    group: str
    options: tuple[str, ...] = ()  # enumeration values (label = value unless given below)
    option_labels: dict[str, str] = field(default_factory=dict)
    hubspot_defined: bool = True
    read_only: bool = False
    display_order: int = -1


def _property_defs() -> dict[str, dict[str, PropertyDef]]:
    def defs(*items: PropertyDef) -> dict[str, PropertyDef]:
        return {d.name: d for d in items}

    def stamps(group: str) -> list[PropertyDef]:
        return [
            PropertyDef("hs_object_id", "Record ID", "number", "number", group, read_only=True),
            PropertyDef("createdate", "Create Date", "datetime", "date", group, read_only=True),
            PropertyDef(
                "hs_lastmodifieddate",
                "Last Modified Date",
                "datetime",
                "date",
                group,
                read_only=True,
            ),
        ]

    company = "companyinformation"
    contact = "contactinformation"
    deal = "dealinformation"
    return {
        "companies": defs(
            *stamps(company),
            PropertyDef("name", "Company name", "string", "text", company),
            PropertyDef("domain", "Company domain name", "string", "text", company),
            PropertyDef("industry", "Industry", "string", "text", company),
            PropertyDef("numberofemployees", "Number of Employees", "number", "number", company),
            PropertyDef("annualrevenue", "Annual Revenue", "number", "number", company),
            PropertyDef("country", "Country/Region", "string", "text", company),
            PropertyDef(
                "lifecyclestage",
                "Lifecycle Stage",
                "enumeration",
                "radio",
                company,
                options=LIFECYCLE_STAGES,
            ),
            PropertyDef(
                "customer_tier",
                "Customer tier",
                "enumeration",
                "select",
                company,
                options=CUSTOMER_TIERS,
                hubspot_defined=False,
            ),
        ),
        "contacts": defs(
            *stamps(contact),
            PropertyDef(
                "lastmodifieddate",
                "Last Modified Date",
                "datetime",
                "date",
                contact,
                read_only=True,
            ),
            PropertyDef("firstname", "First Name", "string", "text", contact),
            PropertyDef("lastname", "Last Name", "string", "text", contact),
            PropertyDef("jobtitle", "Job Title", "string", "text", contact),
            PropertyDef("email", "Email", "string", "text", contact),
            PropertyDef(
                "associatedcompanyid", "Primary Associated Company ID", "number", "number", contact
            ),
            PropertyDef(
                "hs_buying_role",
                "Buying Role",
                "enumeration",
                "checkbox",
                contact,
                options=BUYING_ROLE_OPTIONS,
            ),
        ),
        "deals": defs(
            *stamps(deal),
            PropertyDef("dealname", "Deal Name", "string", "text", deal),
            PropertyDef("amount", "Amount", "number", "number", deal),
            PropertyDef("closedate", "Close Date", "datetime", "date", deal),
            PropertyDef("pipeline", "Pipeline", "enumeration", "select", deal),  # options: live
            PropertyDef("dealstage", "Deal Stage", "enumeration", "radio", deal),  # options: live
        ),
    }


@dataclass
class _Export:
    objects: dict[str, dict[str, HubSpotObject]]
    ids: dict[str, dict[str, str]]  # HubSpot type -> {Salesforce Id: HubSpot id}
    deal_companies: dict[str, dict[str, bool]]  # deal -> {company: primary}
    deal_contacts: dict[str, dict[str, tuple[str, ...]]]  # deal -> {contact: labels}


@functools.cache
def _export(folder: Path) -> _Export:
    """The portal as derived from the export, built once per process (Portal copies it)."""
    store = Store(folder)
    ids: dict[str, dict[str, str]] = {}
    for hs_type, sf_type in SALESFORCE_OBJECT.items():
        start = ID_START[hs_type]
        ids[hs_type] = {sf: str(start + i) for i, sf in enumerate(store.records[sf_type])}
    objects: dict[str, dict[str, HubSpotObject]] = {t: {} for t in OBJECT_TYPES}

    def add(hs_type: str, sf: dict, properties: dict, stage: str | None = None) -> None:
        hs_id = ids[hs_type][sf["Id"]]
        objects[hs_type][hs_id] = HubSpotObject(
            hs_type,
            hs_id,
            properties,
            sf["CreatedDate"],
            sf["SystemModstamp"],
            salesforce_id=sf["Id"],
            salesforce_stage=stage,
        )

    for i, account in enumerate(store.records["Account"].values()):
        add(
            "companies",
            account,
            {
                "name": account["Name"],
                "domain": domain_of(account.get("Website")),
                "industry": account.get("Industry"),
                "numberofemployees": number_text(account.get("NumberOfEmployees")),
                "annualrevenue": number_text(account.get("AnnualRevenue")),
                "country": account.get("BillingCountry"),
                "lifecyclestage": "customer" if account.get("Type") == "Customer" else "lead",
                "customer_tier": CUSTOMER_TIERS[(i // 3) % 3] if i % 3 == 0 else None,
            },
        )
    for contact in store.records["Contact"].values():
        add(
            "contacts",
            contact,
            {
                "firstname": contact.get("FirstName"),
                "lastname": contact.get("LastName"),
                "jobtitle": contact.get("Title"),
                "email": contact.get("Email"),
                "associatedcompanyid": ids["companies"].get(contact.get("AccountId") or ""),
                "hs_buying_role": None,
            },
        )
    deal_companies: dict[str, dict[str, bool]] = {}
    for i, opportunity in enumerate(store.records["Opportunity"].values()):
        stage_name = opportunity.get("StageName")
        pipeline = "enterprise" if i % 4 == 0 else "default"
        stage = STAGE_BY_SALESFORCE.get(stage_name or "")
        close = opportunity.get("CloseDate")
        add(
            "deals",
            opportunity,
            {
                "dealname": opportunity.get("Name"),
                "amount": number_text(opportunity.get("Amount")),
                "closedate": parse_hs_datetime(close) if close else None,
                "pipeline": pipeline,
                "dealstage": None if stage is None else stage[pipeline == "enterprise"],
            },
            stage=stage_name,
        )
        company = ids["companies"].get(opportunity.get("AccountId") or "")
        if company is not None:
            deal_companies[ids["deals"][opportunity["Id"]]] = {company: True}
    deal_contacts: dict[str, dict[str, tuple[str, ...]]] = {}
    unlabelled = 0
    seen_roles: set[str] = set()
    for row in store.records["OpportunityContactRole"].values():
        deal = ids["deals"].get(row.get("OpportunityId") or "")
        contact = ids["contacts"].get(row.get("ContactId") or "")
        if deal is None or contact is None:
            continue
        role = row.get("Role")
        labels: tuple[str, ...] = ()
        if role is None:
            buying_role = "BUDGET_HOLDER" if unlabelled == 0 else "CHAMPION;END_USER"
            objects["contacts"][contact].properties["hs_buying_role"] = buying_role
            unlabelled += 1
        elif role == "Influencer" and role not in seen_roles:
            labels = ("Influencer", "Champion")
        elif role == "Business User" and role not in seen_roles:
            labels = ("Procurement lead",)
        else:
            labels = (ROLE_LABELS[role],) if role in ROLE_LABELS else (role,)
        if role is not None:
            seen_roles.add(role)
        deal_contacts.setdefault(deal, {})[contact] = labels
    return _Export(objects, ids, deal_companies, deal_contacts)


def hubspot_id(sf_type: str, sf_id: str, folder: Path | None = None) -> str:
    """The HubSpot id of a Salesforce record of the export: ``hubspot_id("Account", guid)``."""
    return _export(folder or export_dir()).ids[object_type(sf_type)][sf_id]


def id_maps(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """{HubSpot type: {Salesforce Id: HubSpot id}} for the export's records (a copy)."""
    return {t: dict(m) for t, m in _export(folder or export_dir()).ids.items()}


def salesforce_id_of(hs_type: str, hs_id: str, folder: Path | None = None) -> str:
    """The export's Salesforce Id behind a HubSpot id (KeyError for records added later)."""
    salesforce = _export(folder or export_dir()).objects[object_type(hs_type)][hs_id].salesforce_id
    if salesforce is None:
        raise KeyError(hs_id)
    return salesforce


class Portal:
    """Objects, associations, pipelines and property definitions of one fake portal."""

    def __init__(self, folder: Path | None = None):
        export = _export(folder or export_dir())
        self.objects = {
            t: {i: o.copy() for i, o in objs.items()} for t, objs in export.objects.items()
        }
        self.ids = {t: dict(m) for t, m in export.ids.items()}  # {type: {Salesforce Id: id}}
        self.deal_companies = {d: dict(c) for d, c in export.deal_companies.items()}
        self.deal_contacts = {d: dict(c) for d, c in export.deal_contacts.items()}
        self.label_type_ids = dict(LABEL_TYPE_IDS)
        self.properties = _property_defs()
        self.pipelines: dict[str, Pipeline] = {}
        self.add_pipeline("default", "Sales Pipeline", DEFAULT_STAGES, PIPELINE_TIME)
        self.add_pipeline("enterprise", "Enterprise", ENTERPRISE_STAGES, PIPELINE_TIME)
        self._next_id = {
            t: max(map(int, self.objects[t]), default=ID_START[t] - 1) + 1 for t in OBJECT_TYPES
        }
        self._random = random.Random(20241001)

    # -- ids and labels ----------------------------------------------------------------------
    def hubspot_id(self, sf_type: str, sf_id: str) -> str:
        return self.ids[object_type(sf_type)][sf_id]

    def label_type_id(self, label: str) -> int:
        """The typeId of a deal↔contact label, defining the label on first use."""
        if label not in self.label_type_ids:
            self.label_type_ids[label] = max(self.label_type_ids.values()) + 1
        return self.label_type_ids[label]

    def get(self, hs_type: str, hs_id: str) -> HubSpotObject:
        return self.objects[object_type(hs_type)][str(hs_id)]  # KeyError: no such record

    # -- changes -----------------------------------------------------------------------------
    def _clean(self, hs_type: str, properties: dict) -> dict:
        out = {}
        for name, value in properties.items():
            definition = self.properties[hs_type].get(name)
            if definition is None:
                raise ValueError(
                    f"{hs_type} have no property {name!r}; define it with add_property() first"
                )
            if name == "hs_object_id":
                raise ValueError("hs_object_id is set by the portal")
            if value is None:
                out[name] = None
            elif definition.type == "datetime":
                out[name] = parse_hs_datetime(value)
            elif definition.type == "number":
                out[name] = number_text(value)
            elif isinstance(value, list | tuple | set):
                out[name] = ";".join(str(v) for v in value)  # multi-checkbox
            else:
                out[name] = str(value)
        return out

    def _apply(self, obj: HubSpotObject, cleaned: dict, now: datetime) -> None:
        created = cleaned.pop("createdate", None)
        modified = cleaned.pop("hs_lastmodifieddate", None) or cleaned.pop("lastmodifieddate", None)
        cleaned.pop("lastmodifieddate", None)
        obj.properties.update(cleaned)
        if created is not None:
            obj.created = created
        obj.modified = modified or now

    def update(self, hs_type: str, hs_id: str, now: datetime, properties: dict) -> HubSpotObject:
        hs_type = object_type(hs_type)
        obj = self.get(hs_type, hs_id)
        self._apply(obj, self._clean(hs_type, properties), now)
        return obj

    def new_id(self, hs_type: str) -> str:
        number = self._next_id[hs_type]
        self._next_id[hs_type] = number + 1
        return str(number)

    def add(self, hs_type: str, now: datetime, properties: dict) -> HubSpotObject:
        hs_type = object_type(hs_type)
        cleaned = self._clean(hs_type, properties)
        blank = dict.fromkeys(
            d for d in self.properties[hs_type] if d not in STAMP_PROPERTIES[hs_type]
        )
        obj = HubSpotObject(hs_type, self.new_id(hs_type), blank, now, now)
        self._apply(obj, cleaned, now)
        self.objects[hs_type][obj.id] = obj
        return obj

    def add_many(self, hs_type: str, n: int, stamp: datetime, template: dict) -> list[str]:
        """n generated, realistic records, all created and modified at ``stamp``; template
        properties override. Generated deals are associated with a random live company."""
        hs_type = object_type(hs_type)
        cleaned = self._clean(hs_type, template)
        created = cleaned.pop("createdate", stamp)
        modified = cleaned.pop("hs_lastmodifieddate", None) or cleaned.pop(
            "lastmodifieddate", stamp
        )
        cleaned.pop("lastmodifieddate", None)
        make = getattr(self, f"_fake_{hs_type}")
        companies = [i for i, o in self.objects["companies"].items() if not o.archived]
        blank = dict.fromkeys(
            d for d in self.properties[hs_type] if d not in STAMP_PROPERTIES[hs_type]
        )
        store = self.objects[hs_type]
        out = []
        for i in range(n):
            hs_id = self.new_id(hs_type)
            properties = blank | make(i, companies) | cleaned
            store[hs_id] = HubSpotObject(hs_type, hs_id, properties, created, modified)
            if hs_type == "deals" and companies:
                self.deal_companies[hs_id] = {self._random.choice(companies): True}
            out.append(hs_id)
        return out

    def archive(self, hs_type: str, hs_id: str, now: datetime) -> None:
        obj = self.get(hs_type, hs_id)
        if obj.archived:
            raise ValueError(f"{obj.type} {hs_id} is already archived")
        obj.archived, obj.archived_at, obj.modified = True, now, now

    def restore(self, hs_type: str, hs_id: str, now: datetime) -> None:
        obj = self.get(hs_type, hs_id)
        if not obj.archived:
            raise ValueError(f"{obj.type} {hs_id} is not archived")
        obj.archived, obj.archived_at, obj.modified = False, None, now

    def purge(self, hs_type: str, hs_id: str) -> None:
        """Delete for good (GDPR delete): gone from every list, archived ones included."""
        hs_type = object_type(hs_type)
        del self.objects[hs_type][str(hs_id)]
        if hs_type == "deals":
            self.deal_companies.pop(str(hs_id), None)
            self.deal_contacts.pop(str(hs_id), None)
        else:
            table = self.deal_companies if hs_type == "companies" else self.deal_contacts
            for links in table.values():
                links.pop(str(hs_id), None)

    def associate(self, deal_id: str, contact_id: str, labels, now: datetime) -> None:
        deal, contact = self.get("deals", deal_id), self.get("contacts", contact_id)
        labels = (labels,) if isinstance(labels, str) else tuple(labels)
        for label in labels:
            self.label_type_id(label)
        self.deal_contacts.setdefault(deal.id, {})[contact.id] = labels
        deal.modified = now

    def dissociate(self, deal_id: str, contact_id: str, now: datetime) -> None:
        deal = self.get("deals", deal_id)
        del self.deal_contacts.get(deal.id, {})[str(contact_id)]  # KeyError: not associated
        deal.modified = now

    def associate_company(self, deal_id: str, company_id: str, primary: bool, now: datetime):
        deal, company = self.get("deals", deal_id), self.get("companies", company_id)
        links = self.deal_companies.setdefault(deal.id, {})
        if primary:  # one primary company per deal: the old one stays, unlabelled
            links.update(dict.fromkeys(links, False))
        links[company.id] = primary
        deal.modified = now

    def dissociate_company(self, deal_id: str, company_id: str, now: datetime) -> None:
        deal = self.get("deals", deal_id)
        del self.deal_companies.get(deal.id, {})[str(company_id)]  # KeyError: not associated
        deal.modified = now

    # -- pipelines ---------------------------------------------------------------------------
    def add_pipeline(self, pipeline_id: str, label: str, stages, now: datetime) -> Pipeline:
        """stages: (id, label, isClosed, probability) tuples or dicts with those keys."""
        if pipeline_id in self.pipelines:
            raise ValueError(f"pipeline {pipeline_id!r} exists already")
        pipeline = Pipeline(pipeline_id, label, len(self.pipelines), created=now, updated=now)
        self.pipelines[pipeline_id] = pipeline
        for stage in stages:
            if isinstance(stage, dict):
                sid = stage["id"]
                fields = {
                    "label": stage["label"],
                    "is_closed": stage.get("isClosed", stage.get("is_closed", False)),
                    "probability": stage.get("probability", 0.0),
                }
            else:
                sid, *rest = stage
                fields = dict(zip(("label", "is_closed", "probability"), rest, strict=False))
            self.update_stage(pipeline_id, sid, now, **fields)
        return pipeline

    def update_stage(self, pipeline_id: str, stage_id: str, now: datetime, **changes) -> Stage:
        """Change a stage (label, is_closed, probability, display_order, archived), or add it
        at the end of the pipeline when it is new (then label is required)."""
        pipeline = self.pipelines[pipeline_id]
        stage = pipeline.stages.get(stage_id)
        if stage is None:
            if "label" not in changes:
                raise ValueError(f"new stage {stage_id!r} needs a label")
            stage = Stage(
                stage_id, changes.pop("label"), len(pipeline.stages), False, 0.0, created=now
            )
            pipeline.stages[stage_id] = stage
        for key, value in changes.items():
            if not hasattr(stage, key) or key in ("id", "created", "updated"):
                raise ValueError(f"stages have no {key!r}")
            setattr(stage, key, value)
        stage.updated = pipeline.updated = now
        return stage

    def update_pipeline(self, pipeline_id: str, now: datetime, **changes) -> Pipeline:
        """Change a pipeline's label, display_order or archived."""
        pipeline = self.pipelines[pipeline_id]
        for key, value in changes.items():
            if key not in ("label", "display_order", "archived"):
                raise ValueError(f"pipelines have no {key!r}")
            setattr(pipeline, key, value)
        pipeline.updated = now
        return pipeline

    def add_property(self, hs_type: str, definition: PropertyDef) -> None:
        hs_type = object_type(hs_type)
        self.properties[hs_type][definition.name] = definition
        for obj in self.objects[hs_type].values():
            obj.properties.setdefault(definition.name, None)

    # -- generated records -------------------------------------------------------------------
    def _fake_companies(self, i: int, companies: list[str]) -> dict:
        rnd = self._random
        word = rnd.choice(["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli"])
        name = f"{word} {rnd.choice(['Labs', 'Systems', 'Group', 'Cloud'])} {i}"
        return {
            "name": name,
            "domain": f"{word.lower()}{i}.example.com",
            "industry": rnd.choice(["Retail", "Banking", "Healthcare", "Technology", "Energy"]),
            "numberofemployees": str(rnd.choice([40, 250, 1200, 8000, 30000])),
            "country": rnd.choice(["United States", "Germany", "Australia", "Japan"]),
            "lifecyclestage": rnd.choice(["lead", "customer"]),
        }

    def _fake_contacts(self, i: int, companies: list[str]) -> dict:
        rnd = self._random
        first = rnd.choice(["Ada", "Grace", "Alan", "Linus", "Maya", "Omar", "Priya", "Chen"])
        last = rnd.choice(["Lovelace", "Hopper", "Turing", "Okafor", "Silva", "Novak", "Ito"])
        return {
            "firstname": first,
            "lastname": last,
            "email": f"{first.lower()}.{last.lower()}.gen{i}@example.com",
            "jobtitle": rnd.choice(["CFO", "VP Engineering", "Head of IT", "Procurement Lead"]),
            "associatedcompanyid": rnd.choice(companies) if companies else None,
        }

    def _fake_deals(self, i: int, companies: list[str]) -> dict:
        rnd = self._random
        stage = rnd.choice(
            ["appointmentscheduled", "qualifiedtobuy", "decisionmakerboughtin", "closedwon"]
            + ["closedlost"]
        )
        close = datetime(2024, 10, 1, tzinfo=UTC) + timedelta(days=rnd.randrange(180))
        return {
            "dealname": f"Generated deal {i}",
            "amount": str(rnd.randrange(5, 500) * 1000),
            "closedate": close,
            "pipeline": "default",
            "dealstage": stage,
        }
