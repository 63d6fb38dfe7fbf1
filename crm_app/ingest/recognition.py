"""What a CSV file is, from its header: Salesforce and HubSpot exports, their Fivetran warehouse
tables, or something that needs a column mapping.

Headers are compared normalised (lower case, letters and digits only), so ``StageName``,
``Stage Name`` and ``stage_name`` are one name; Fivetran's ``property_`` prefix is dropped.
"""

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from crm_app.ingest.values import normalise

ACCOUNT, CONTACT, DEAL, DEAL_ROLE = "account", "contact", "deal", "deal_role"
KINDS = (ACCOUNT, CONTACT, DEAL, DEAL_ROLE)
KIND_LABELS = {ACCOUNT: "Accounts", CONTACT: "Contacts", DEAL: "Deals", DEAL_ROLE: "Deal roles"}


@dataclass(frozen=True)
class Field:
    """A DealLens field a column can fill: how to read it and the header names that mean it."""

    name: str
    label: str
    parser: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(normalise(alias) for alias in self.aliases)


def _load_fields() -> tuple[tuple[str, ...], dict[str, tuple[Field, ...]]]:
    """The field table lives in data/fields.toml: people add a header alias there, not in code."""
    with (Path(__file__).parent / "data" / "fields.toml").open("rb") as fh:
        table = tomllib.load(fh)
    fields = {
        kind: tuple(
            Field(
                entry["name"],
                entry["label"],
                entry["parser"],
                tuple(entry["aliases"]),
                required=entry.get("required", False),
                help=entry.get("help", ""),
            )
            for entry in table[kind]
        )
        for kind in KINDS
    }
    return tuple(table["record_id"]), fields


RECORD_ID, FIELDS = _load_fields()
FIELD_BY_NAME = {kind: {f.name: f for f in fields} for kind, fields in FIELDS.items()}
# The account fields that segment accounts, by the names a CRM connection's segment_fields use:
# a mapping may give any column for them, custom fields (…__c) included.
SEGMENT_FIELDS = {
    "lifecycle": "lifecycle",
    "industry": "industry",
    "size": "employee_count",
    "region": "region",
    "infrastructure": "infrastructure",
}


def header_key(header: str) -> str:
    lowered = header.strip().lower()
    if lowered.startswith("property_"):
        lowered = lowered[len("property_") :]
    return normalise(lowered)


def is_custom(header: str) -> bool:
    """Salesforce custom fields (``…__c``, Fivetran writes ``…_c``)."""
    lowered = header.strip().lower()
    return lowered.endswith("__c") or (lowered.endswith("_c") and "_" in lowered[:-2])


@dataclass
class Recognition:
    """The outcome of reading a header: the kind, where it comes from, and which column is which."""

    kind: str | None
    source: str
    columns: dict[str, str]  # field name → header
    ignored: list[str]
    custom: list[str]

    @property
    def missing(self) -> list[str]:
        if self.kind is None:
            return []
        return [f.name for f in FIELDS[self.kind] if f.required and f.name not in self.columns]


def _kind_of(keys: set[str]) -> str | None:
    if (
        {"opportunityid", "dealid"} & keys
        and "contactid" in keys
        and not ({"stagename", "dealstage", "dealname", "lastname", "amount"} & keys)
    ):
        return DEAL_ROLE
    if {"stagename", "dealstage", "dealname", "opportunityname", "iswon", "isclosed"} & keys or (
        "closedate" in keys and {"accountid", "amount", "stage"} & keys
    ):
        return DEAL
    if {"lastname", "firstname", "reportstoid", "hsbuyingrole", "jobtitle"} & keys:
        return CONTACT
    named = {"name", "accountname", "companyname"} & keys
    if named and (
        {
            "billingcountry",
            "numberofemployees",
            "annualrevenue",
            "industry",
            "website",
            "companydomainname",
            "type",
            "lifecyclestage",
            "accountsource",
            "domain",
        }
        & keys
    ):
        return ACCOUNT
    return None


SALESFORCE_HINTS = frozenset(
    {
        "stagename",
        "accountid",
        "iswon",
        "isclosed",
        "reportstoid",
        "isprimary",
        "billingcountry",
        "numberofemployees",
        "annualrevenue",
        "forecastcategoryname",
        "guid",
        "opportunityid",
        "accountsource",
        "mailingcountry",
    }
)
HUBSPOT_HINTS = frozenset(
    {
        "recordid",
        "dealname",
        "dealstage",
        "hsobjectid",
        "associatedcompanyids",
        "associatedcompanyidsprimary",
        "associatedcontactids",
        "hsbuyingrole",
        "companydomainname",
        "lifecyclestage",
        "createdate",
        "dealid",
        "pipeline",
        "dealowner",
        "jobtitle",
        "buyingrole",
    }
)
SOURCE_NAMES = {
    ("Salesforce", ACCOUNT): "Salesforce Account",
    ("Salesforce", CONTACT): "Salesforce Contact",
    ("Salesforce", DEAL): "Salesforce Opportunity",
    ("Salesforce", DEAL_ROLE): "Salesforce OpportunityContactRole",
    ("HubSpot", ACCOUNT): "HubSpot companies",
    ("HubSpot", CONTACT): "HubSpot contacts",
    ("HubSpot", DEAL): "HubSpot deals",
    ("HubSpot", DEAL_ROLE): "HubSpot deal–contact associations",
}


def _source_of(headers: list[str], keys: set[str], kind: str | None) -> str:
    """A name for where the file comes from, for people (it changes nothing in the import)."""
    if kind is None:
        return "Not recognised"
    raw = {h.strip().lower() for h in headers}
    warehouse = any(h.startswith(("_fivetran", "property_")) for h in raw)
    salesforce = len(SALESFORCE_HINTS & keys) + any(h.endswith("__c") for h in raw)
    hubspot = len(HUBSPOT_HINTS & keys) + 2 * any(h.startswith("property_") for h in raw)
    if salesforce == hubspot:  # no evidence either way (or as much for both): say so
        return f"CSV with {KIND_LABELS[kind].lower()} columns"
    system = "HubSpot" if hubspot > salesforce else "Salesforce"
    name = SOURCE_NAMES[(system, kind)]
    return f"{name} (Fivetran warehouse table)" if warehouse else f"{name} export"


def assign_columns(kind: str, headers: list[str]) -> dict[str, str]:
    """Each field takes the first header matching one of its aliases, in alias order."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    taken: set[str] = set()
    columns: dict[str, str] = {}
    for field in FIELDS[kind]:
        for key in field.keys:
            found = by_key.get(key)
            if found is not None and found not in taken:
                columns[field.name] = found
                taken.add(found)
                break
    return columns


def split_unused(headers: list[str], used: set[str]) -> tuple[list[str], list[str]]:
    ignored = [h for h in headers if h not in used and not is_custom(h)]
    custom = [h for h in headers if h not in used and is_custom(h)]
    return ignored, custom


def recognise(headers: list[str]) -> Recognition:
    keys = {header_key(h) for h in headers}
    kind = _kind_of(keys)
    columns = assign_columns(kind, headers) if kind else {}
    ignored, custom = split_unused(headers, set(columns.values()))
    return Recognition(kind, _source_of(headers, keys, kind), columns, ignored, custom)


def _likeness(key: str, alias: str) -> float:
    if key == alias:
        return 1.0
    if len(alias) >= 4 and len(key) >= 4 and (alias in key or key in alias):
        return 0.8 + 0.19 * min(len(alias), len(key)) / max(len(alias), len(key))
    return difflib.SequenceMatcher(None, key, alias).ratio()


def guess(kind: str, headers: list[str]) -> dict[str, str]:
    """Best guesses for a mapping screen: exact aliases first, then the closest spellings,
    the best-matching pair first, each column used once."""
    columns = assign_columns(kind, headers)
    taken = set(columns.values())
    candidates = []
    for field in FIELDS[kind]:
        if field.name in columns or field.name == "deleted":
            continue
        aliases = (*field.keys, normalise(field.name), normalise(field.label))
        for header in headers:
            if header in taken:
                continue
            key = header_key(header)
            score = max(_likeness(key, alias) for alias in aliases)
            if score >= 0.8:
                candidates.append((score, field.name, header))
    for _score, name, header in sorted(candidates, key=lambda c: -c[0]):
        if name not in columns and header not in taken:
            columns[name] = header
            taken.add(header)
    return columns


def guess_kind(headers: list[str]) -> str:
    """The kind whose fields the headers fill best (for a file nothing recognised)."""
    keys = {header_key(h) for h in headers}
    scores = {
        kind: sum(1 for f in FIELDS[kind] if set(f.keys) & keys)
        for kind in (DEAL, ACCOUNT, CONTACT, DEAL_ROLE)
    }
    return max(scores, key=lambda k: scores[k])
