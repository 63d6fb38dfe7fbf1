"""What a CSV file is, from its header: Salesforce and HubSpot exports, their Fivetran warehouse
tables, or something that needs a column mapping.

Headers are compared normalised (lower case, letters and digits only), so ``StageName``,
``Stage Name`` and ``stage_name`` are one name; Fivetran's ``property_`` prefix is dropped.
"""

import difflib
from dataclasses import dataclass

from .values import normalise

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


RECORD_ID = ("Id", "Guid", "Record ID", "External_Id__c", "External Id", "hs_object_id")
DELETED = Field(
    "deleted",
    "Deleted in the source",
    "bool",
    ("IsDeleted", "is_deleted", "_fivetran_deleted", "Deleted"),
    help="Rows marked deleted are skipped.",
)

FIELDS: dict[str, tuple[Field, ...]] = {
    ACCOUNT: (
        Field(
            "external_id",
            "Record id",
            "id",
            (*RECORD_ID, "Account ID", "Company ID", "account_id", "account"),
            required=True,
            help="The account's id in the source; other files refer to it.",
        ),
        Field(
            "name",
            "Name",
            "text",
            ("Name", "Account Name", "Company name", "Company", "account"),
            required=True,
        ),
        Field(
            "domain",
            "Domain",
            "domain",
            ("Website", "Domain", "Company Domain Name", "Website URL"),
        ),
        Field("industry", "Industry", "text", ("Industry", "Sector")),
        Field(
            "employee_count",
            "Employees",
            "integer",
            ("NumberOfEmployees", "Employees", "Number of Employees", "Employee Count"),
        ),
        Field(
            "annual_revenue",
            "Annual revenue",
            "decimal",
            ("AnnualRevenue", "Annual Revenue", "Revenue"),
        ),
        Field(
            "country",
            "Country",
            "text",
            ("BillingCountry", "Country", "Country/Region", "Billing Country", "office_location"),
        ),
        Field("region", "Region", "text", ("Region", "Sales Region")),
        Field(
            "lifecycle",
            "Lifecycle",
            "lifecycle",
            ("Type", "Account Type", "Lifecycle Stage", "lifecyclestage", "Lifecycle"),
        ),
        Field("deployment_model", "Deployment model", "deployment_model", ("Deployment Model",)),
        Field("infrastructure", "Infrastructure", "infrastructure", ("Infrastructure",)),
        DELETED,
    ),
    CONTACT: (
        Field(
            "external_id",
            "Record id",
            "id",
            (*RECORD_ID, "Contact ID", "contact_id"),
            required=True,
        ),
        Field(
            "account",
            "Account id",
            "ids",
            (
                "AccountId",
                "Account ID",
                "Associated Company IDs (Primary)",
                "Associated Company IDs",
                "Associated Company ID",
                "associatedcompanyid",
                "Company ID",
                "account",
            ),
            required=True,
            help="The id of the contact's account (in these files or imported before).",
        ),
        Field("first_name", "First name", "text", ("FirstName", "First Name")),
        Field("last_name", "Last name", "text", ("LastName", "Last Name"), required=True),
        Field("title", "Title", "text", ("Title", "Job Title", "jobtitle")),
        Field("email", "Email", "email", ("Email", "Email Address")),
        Field("department", "Department", "text", ("Department",)),
        Field("seniority", "Seniority", "seniority", ("Seniority",)),
        Field(
            "reports_to",
            "Reports to (contact id)",
            "id",
            ("ReportsToId", "Reports To ID", "Reports To"),
        ),
        Field("has_left", "Has left the company", "bool", ("Has Left", "HasLeft")),
        Field(
            "buying_role",
            "Buying role",
            "roles",
            ("hs_buying_role", "Buying Role"),
            help="HubSpot: the contact's role on their associated deals.",
        ),
        Field(
            "deals",
            "Deal ids",
            "ids",
            ("Associated Deal IDs", "Associated Deal ID", "associateddealid"),
        ),
        DELETED,
    ),
    DEAL: (
        Field(
            "external_id",
            "Record id",
            "id",
            (*RECORD_ID, "Opportunity ID", "Deal ID", "deal_id", "opportunity_id"),
            required=True,
        ),
        Field(
            "account",
            "Account id",
            "ids",
            (
                "AccountId",
                "Account ID",
                "Associated Company IDs (Primary)",
                "Associated Company IDs",
                "Associated Company ID",
                "associatedcompanyid",
                "Company ID",
                "account",
            ),
            required=True,
            help="The id of the deal's account (in these files or imported before).",
        ),
        Field(
            "name",
            "Name",
            "text",
            ("Name", "Opportunity Name", "Deal Name", "dealname"),
            required=True,
        ),
        Field(
            "stage",
            "Stage",
            "stage",
            ("StageName", "Stage", "Deal Stage", "dealstage", "deal_pipeline_stage_id"),
        ),
        Field("is_won", "Won", "bool", ("IsWon", "Won", "Is Won")),
        Field("is_closed", "Closed", "bool", ("IsClosed", "Closed", "Is Closed")),
        Field(
            "amount",
            "Amount",
            "decimal",
            ("Amount", "Deal Amount", "close_value", "Opportunity Amount USD", "Value"),
        ),
        Field(
            "created_on",
            "Opened on",
            "date",
            (
                "CreatedDate",
                "Create Date",
                "Created Date",
                "createdate",
                "Created On",
                "engage_date",
            ),
        ),
        Field("close_date", "Close date", "date", ("CloseDate", "Close Date", "closedate")),
        Field(
            "loss_reason",
            "Loss reason",
            "loss_reason",
            ("Loss Reason", "Closed Lost Reason", "closed_lost_reason"),
        ),
        Field("loss_notes", "Loss notes", "text", ("Loss Notes",)),
        Field("competitor", "Competitor", "text", ("Competitor", "Competitor Type")),
        Field("cost_of_sale", "Cost of sale", "decimal", ("Cost of Sale",)),
        Field(
            "contacts",
            "Contact ids",
            "ids",
            ("Associated Contact IDs", "Associated Contact ID", "associatedcontactid"),
        ),
        DELETED,
    ),
    DEAL_ROLE: (
        Field(
            "deal",
            "Deal id",
            "id",
            ("OpportunityId", "Opportunity ID", "Deal ID", "deal_id"),
            required=True,
        ),
        Field(
            "contact", "Contact id", "id", ("ContactId", "Contact ID", "contact_id"), required=True
        ),
        Field("role", "Role", "role", ("Role", "Buying Role", "hs_buying_role")),
        Field("is_primary", "Primary", "bool", ("IsPrimary", "Primary", "Is Primary")),
        Field("stance", "Stance", "stance", ("Stance",)),
        DELETED,
    ),
}
FIELD_BY_NAME = {kind: {f.name: f for f in fields} for kind, fields in FIELDS.items()}


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
            header = by_key.get(key)
            if header is not None and header not in taken:
                columns[field.name] = header
                taken.add(header)
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
