"""The records behind the fake Salesforce: the real CPQ demo export, plus what tests change.

The export (``shared/acceptance_data/salesforce_cpq_demo_export/``, see its SOURCE.md) was made by
a data-load tool: ``Guid`` stands where Salesforce has ``Id`` and every reference (``AccountId``,
``OpportunityId``, ``ContactId``) holds such a Guid; ``#N/A`` is null. Here ``Guid`` becomes
``Id`` (so a CSV import of the same files and a sync key on the same CRM id), ``#N/A`` becomes
``None``, ``true``/``false`` columns become booleans and the standard number fields numbers.

The export has no audit fields, so they are synthesized deterministically: ``CreatedDate``,
``LastModifiedDate`` and ``SystemModstamp`` are ``BASE_TIME`` plus one minute per three rows (in
file order), so stamps tie in threes, as real bulk loads do, and a sync's ``(SystemModstamp, Id)``
keyset is exercised; ``IsDeleted`` is false. Standard derived fields are filled too: Contact
``Name`` (first + last) and Opportunity ``IsClosed``/``IsWon`` (from ``StageName``).
Records added later get real-looking 18-character Ids (key prefix, pod, checksum suffix).
"""

import csv
import functools
import os
import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.crm_support.soql import Condition, Query, SoqlError, parse_datetime

OBJECTS = ("Account", "Contact", "Opportunity", "OpportunityContactRole")
KEY_PREFIX = {"Account": "001", "Contact": "003", "Opportunity": "006"}
KEY_PREFIX["OpportunityContactRole"] = "00K"
BASE_TIME = datetime(2024, 9, 2, tzinfo=UTC)  # the day the export was published
DATETIME_FIELDS = ("CreatedDate", "LastModifiedDate", "SystemModstamp")
AUDIT_FIELDS = ("IsDeleted", *DATETIME_FIELDS)
NUMBER_FIELDS = {"Amount": float, "Probability": float, "AnnualRevenue": float}
NUMBER_FIELDS["NumberOfEmployees"] = int
DERIVED_FIELDS = {"Contact": ("Name",), "Opportunity": ("IsClosed", "IsWon")}
# relationship name -> (reference field, target object)
RELATIONSHIPS = {
    "Account": ("AccountId", "Account"),
    "Parent": ("ParentId", "Account"),
    "Opportunity": ("OpportunityId", "Opportunity"),
    "Contact": ("ContactId", "Contact"),
}
_NULL = "#N/A"
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def export_dir() -> Path:
    """``$DEALLENS_ACCEPTANCE_DATA``, ``../shared/acceptance_data`` beside the repository, or
    /work/shared/acceptance_data (a clone elsewhere on the machine)."""
    candidates = [
        os.environ.get("DEALLENS_ACCEPTANCE_DATA", ""),
        str(Path(__file__).resolve().parents[2] / ".." / "shared" / "acceptance_data"),
        "/work/shared/acceptance_data",
    ]
    found = next((c for c in candidates if c and Path(c).is_dir()), candidates[1])
    return Path(found).resolve() / "salesforce_cpq_demo_export"


def sf_datetime(value: datetime) -> str:
    """Salesforce's REST form: ``2024-09-02T00:00:00.000+0000``."""
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}+0000"


def case_safe_id(short: str) -> str:
    """The 18-character form of a 15-character Id: three checksum letters for its capitals."""
    suffix = ""
    for start in (0, 5, 10):
        chunk = short[start : start + 5]
        suffix += _CHECKSUM[sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")]
    return short + suffix


def salesforce_id(key_prefix: str, number: int) -> str:
    """An 18-character Id: key prefix, pod ``5g``, a base-62 counter, the case-safe suffix."""
    digits = ""
    for _ in range(10):
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return case_safe_id(f"{key_prefix}5g{digits}")


def _convert(column: str, raw: str, kind: str):
    if raw == _NULL or raw == "":
        return None
    if kind == "boolean":
        return raw == "true"
    if kind in ("double", "int"):
        return int(float(raw)) if kind == "int" else float(raw)
    return raw


def _column_kind(column: str, values: list[str]) -> str:
    present = [v for v in values if v not in (_NULL, "")]
    if column in NUMBER_FIELDS:
        return "int" if NUMBER_FIELDS[column] is int else "double"
    if column.endswith(("Latitude", "Longitude")):
        return "double"
    if column == "Guid":
        return "id"
    if column.endswith("Id") and column[:-2] in RELATIONSHIPS:
        return "reference"
    if present and all(v in ("true", "false") for v in present):
        return "boolean"
    if present and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in present):
        return "date"
    return "string"


@functools.cache
def _read_export(folder: Path) -> dict[str, tuple[dict[str, str], list[dict]]]:
    """{object: ({field: kind}, [record, ...])}, read once per process."""
    if not folder.is_dir():
        raise FileNotFoundError(
            f"the Salesforce demo export is missing: {folder} (set DEALLENS_ACCEPTANCE_DATA)"
        )
    out = {}
    for sobject in OBJECTS:
        with (folder / f"{sobject}.csv").open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            columns = reader.fieldnames or []
        kinds = {c: _column_kind(c, [r[c] for r in rows]) for c in columns}
        fields = {"Id": "id"} | {c: k for c, k in kinds.items() if c != "Guid"}
        for name in DERIVED_FIELDS.get(sobject, ()):
            fields[name] = "string" if name == "Name" else "boolean"
        fields |= {"IsDeleted": "boolean"} | dict.fromkeys(DATETIME_FIELDS, "datetime")
        records = []
        for index, row in enumerate(rows):
            record = {"Id": row["Guid"]}
            for column in columns:
                if column != "Guid":
                    record[column] = _convert(column, row[column], kinds[column])
            _derive(sobject, record)
            stamp = BASE_TIME + timedelta(minutes=index // 3)
            record |= {"IsDeleted": False} | dict.fromkeys(DATETIME_FIELDS, stamp)
            records.append(record)
        out[sobject] = (fields, records)
    return out


def _derive(sobject: str, record: dict) -> None:
    if sobject == "Contact":
        parts = (record.get("FirstName"), record.get("LastName"))
        record["Name"] = " ".join(p for p in parts if p) or None
    elif sobject == "Opportunity":
        stage = record.get("StageName") or ""
        record["IsClosed"] = stage.startswith("Closed")
        record["IsWon"] = stage == "Closed Won"


def _compare(value, cond: Condition, kind: str) -> bool:
    if cond.kind == "null":
        return (value is None) == (cond.op == "=")
    if value is None:
        return cond.op == "!="
    other = cond.value
    if isinstance(value, str) and isinstance(other, str) and kind not in ("id", "reference"):
        value, other = value.casefold(), other.casefold()  # SOQL compares text case-blind
    try:
        return {
            "=": value == other,
            "!=": value != other,
            "<": value < other,
            "<=": value <= other,
            ">": value > other,
            ">=": value >= other,
        }[cond.op]
    except TypeError:
        return False


_LITERAL_KINDS = {
    "datetime": ("datetime", "dateTime"),
    "date": ("date", "date"),
    "boolean": ("boolean", "boolean"),
    "double": ("number", "double"),
    "int": ("number", "int"),
}


class Store:
    """Records per object; not thread-safe by itself (FakeSalesforce holds a lock around it)."""

    def __init__(self, folder: Path | None = None):
        export = _read_export(folder or export_dir())
        self.fields = {t: dict(fields) for t, (fields, _) in export.items()}
        self.records = {t: {r["Id"]: dict(r) for r in rows} for t, (_, rows) in export.items()}
        self.deleted_dates: dict[str, dict[str, datetime]] = {t: {} for t in OBJECTS}
        self._next_number = 1
        self._pools: dict[str, list[str]] = {}
        self._random = random.Random(20240902)

    # -- names -------------------------------------------------------------------------------
    def sobject(self, name: str) -> str:
        for sobject in self.records:
            if sobject.lower() == name.lower():
                return sobject
        raise SoqlError(f"sObject type '{name}' is not supported.", "INVALID_TYPE")

    def field(self, sobject: str, name: str) -> str:
        for canonical in self.fields[sobject]:
            if canonical.lower() == name.lower():
                return canonical
        raise SoqlError(
            f"No such column '{name}' on entity '{sobject}'. If you are attempting to use a "
            "custom field, be sure to append the '__c' after the custom field name.",
            "INVALID_FIELD",
        )

    def relationship(self, sobject: str, name: str) -> tuple[str, str, str]:
        """'account' on Contact -> ('Account', 'AccountId', 'Account')."""
        for rel, (ref, target) in RELATIONSHIPS.items():
            if rel.lower() == name.lower() and ref in self.fields[sobject]:
                return rel, ref, target
        raise SoqlError(
            f"Didn't understand relationship '{name}' in field path. If you are attempting to "
            "use a custom relationship, be sure to append the '__r' after the custom "
            "relationship name.",
            "INVALID_FIELD",
        )

    def _path(self, sobject: str, name: str) -> tuple[str | None, str, str]:
        """A SELECT/WHERE/ORDER BY path -> (relationship or None, field, that field's kind)."""
        if "." not in name:
            field = self.field(sobject, name)
            return None, field, self.fields[sobject][field]
        rel_name, field_name = name.split(".", 1)
        rel, _, target = self.relationship(sobject, rel_name)
        field = self.field(target, field_name)
        return rel, field, self.fields[target][field]

    def _value(self, sobject: str, record: dict, path: tuple[str | None, str, str]):
        rel, field, _ = path
        if rel is None:
            return record.get(field)
        ref, target = RELATIONSHIPS[rel]
        parent = self.records[target].get(record.get(ref))
        return None if parent is None else parent.get(field)

    # -- queries -----------------------------------------------------------------------------
    def run(self, query: Query, include_deleted: bool, version: str) -> list[dict]:
        """Every matching record, serialized as the REST API returns it, in query order."""
        sobject = self.sobject(query.sobject)
        selected = [(name, self._path(sobject, name)) for name in query.fields]
        filters = []
        for cond in query.where:
            path = self._path(sobject, cond.field)
            wanted, label = _LITERAL_KINDS.get(path[2], ("string", "string"))
            if cond.kind not in (wanted, "null") and not (
                wanted == "string" and cond.kind == "number"
            ):
                raise SoqlError(
                    f"value of filter criterion for field '{path[1]}' must be of type {label} "
                    "and should not be enclosed in quotes"
                    if wanted != "string"
                    else f"value of filter criterion for field '{path[1]}' must be quoted",
                    "INVALID_QUERY_FILTER_OPERATOR",
                )
            filters.append((path, cond))
        order = [(self._path(sobject, name), desc) for name, desc in query.order_by]
        rows = [
            r
            for r in self.records[sobject].values()
            if (include_deleted or not r["IsDeleted"])
            and all(_compare(self._value(sobject, r, p), c, p[2]) for p, c in filters)
        ]
        for path, desc in reversed(order):  # stable sorts, last key first; nulls first on ASC
            rows.sort(key=lambda r, p=path: _sort_key(self._value(sobject, r, p)), reverse=desc)
        if query.limit is not None:
            rows = rows[: query.limit]
        return [self._serialize(sobject, r, selected, version) for r in rows]

    def _serialize(self, sobject: str, record: dict, selected: list, version: str) -> dict:
        out = {"attributes": self.attributes(sobject, record["Id"], version)}
        for _, (rel, field, _) in selected:
            if rel is None:
                out[field] = _json_value(record.get(field))
                continue
            ref, target = RELATIONSHIPS[rel]
            parent = self.records[target].get(record.get(ref))
            if parent is None:
                out[rel] = None
            else:
                nested = out.get(rel) or {
                    "attributes": self.attributes(target, parent["Id"], version)
                }
                nested[field] = _json_value(parent.get(field))
                out[rel] = nested
        return out

    @staticmethod
    def attributes(sobject: str, record_id: str, version: str) -> dict:
        return {"type": sobject, "url": f"/services/data/v{version}/sobjects/{sobject}/{record_id}"}

    def deleted_between(self, sobject: str, start: datetime, end: datetime) -> list[dict]:
        dates = self.deleted_dates[sobject]
        hits = sorted((d, i) for i, d in dates.items() if start <= d <= end)
        return [{"id": i, "deletedDate": sf_datetime(d)} for d, i in hits]

    def updated_between(self, sobject: str, start: datetime, end: datetime) -> list[str]:
        rows = self.records[sobject].values()
        return [r["Id"] for r in rows if not r["IsDeleted"] and start <= r["SystemModstamp"] <= end]

    def describe(self, sobject: str) -> dict:
        return {
            "name": sobject,
            "label": re.sub(r"(?<=[a-z])(?=[A-Z])", " ", sobject),
            "keyPrefix": KEY_PREFIX[sobject],
            "queryable": True,
            "fields": [
                {"name": name, "type": kind, "nillable": name not in ("Id", *AUDIT_FIELDS)}
                for name, kind in self.fields[sobject].items()
            ],
        }

    # -- changes -----------------------------------------------------------------------------
    def new_id(self, sobject: str) -> str:
        number, self._next_number = self._next_number, self._next_number + 1
        return salesforce_id(KEY_PREFIX[sobject], number)

    def _clean(self, sobject: str, fields: dict) -> dict:
        out = {}
        for name, value in fields.items():
            canonical = self.field(sobject, name)
            if canonical == "Id" or canonical in DERIVED_FIELDS.get(sobject, ()):
                raise ValueError(f"{sobject}.{canonical} is set by the server, not by a test")
            if self.fields[sobject][canonical] == "datetime" and isinstance(value, str):
                value = parse_datetime(value)
            out[canonical] = value
        return out

    def update(self, sobject: str, record_id: str, now: datetime, fields: dict) -> dict:
        record = self.records[sobject][record_id]  # KeyError: no such record
        record |= {"LastModifiedDate": now, "SystemModstamp": now} | self._clean(sobject, fields)
        _derive(sobject, record)
        return record

    def add(self, sobject: str, now: datetime, fields: dict) -> dict:
        record = dict.fromkeys(self.fields[sobject]) | {"Id": self.new_id(sobject)}
        record |= {"IsDeleted": False} | dict.fromkeys(DATETIME_FIELDS, now)
        record |= self._clean(sobject, fields)
        _derive(sobject, record)
        self.records[sobject][record["Id"]] = record
        return record

    def delete(self, sobject: str, record_id: str, now: datetime) -> None:
        record = self.records[sobject][record_id]
        if record["IsDeleted"]:
            raise ValueError(f"{sobject} {record_id} is already deleted")
        record |= {"IsDeleted": True, "LastModifiedDate": now, "SystemModstamp": now}
        self.deleted_dates[sobject][record_id] = now

    def add_many(self, sobject: str, n: int, now: datetime, template: dict) -> list[str]:
        """n realistic new records (all stamped ``now``), template fields overriding."""
        make = getattr(self, f"_fake_{sobject}")
        pools = {t: [i for i, r in self.records[t].items() if not r["IsDeleted"]] for t in OBJECTS}
        self._pools = pools  # the parents new records point at, listed once per call
        return [self.add(sobject, now, make(i) | template)["Id"] for i in range(n)]

    def _pick(self, sobject: str) -> str | None:
        live = self._pools[sobject]
        return self._random.choice(live) if live else None

    def _fake_Account(self, i: int) -> dict:  # noqa: N802
        rnd = self._random
        word = rnd.choice(["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli"])
        return {
            "Name": f"{word} {rnd.choice(['Labs', 'Systems', 'Group', 'Cloud'])} {i}",
            "Type": rnd.choice(["Prospect", "Customer"]),
            "Industry": rnd.choice(["Retail", "Banking", "Healthcare", "Technology", "Energy"]),
            "NumberOfEmployees": rnd.choice([40, 250, 1200, 8000, 30000]),
            "BillingCountry": rnd.choice(["United States", "Germany", "Australia", "Japan"]),
        }

    def _fake_Contact(self, i: int) -> dict:  # noqa: N802
        rnd = self._random
        first = rnd.choice(["Ada", "Grace", "Alan", "Linus", "Maya", "Omar", "Priya", "Chen"])
        last = rnd.choice(["Lovelace", "Hopper", "Turing", "Okafor", "Silva", "Novak", "Ito"])
        return {
            "AccountId": self._pick("Account"),
            "FirstName": first,
            "LastName": last,
            "Email": f"{first.lower()}.{last.lower()}.gen{i}@example.com",
            "Title": rnd.choice(["CFO", "VP Engineering", "Head of IT", "Procurement Lead"]),
        }

    def _fake_Opportunity(self, i: int) -> dict:  # noqa: N802
        rnd = self._random
        stage, probability = rnd.choice(
            [("Prospecting", 10.0), ("Needs Analysis", 20.0), ("Proposal/Price Quote", 75.0)]
            + [("Closed Won", 100.0), ("Closed Lost", 0.0)]
        )
        forecast = {"Closed Won": "Closed", "Closed Lost": "Omitted"}.get(stage, "Pipeline")
        close = date(2024, 10, 1) + timedelta(days=rnd.randrange(180))
        return {
            "AccountId": self._pick("Account"),
            "Name": f"Generated deal {i}",
            "StageName": stage,
            "Probability": probability,
            "ForecastCategoryName": forecast,
            "Amount": float(rnd.randrange(5, 500) * 1000),
            "CloseDate": close.isoformat(),
        }

    def _fake_OpportunityContactRole(self, i: int) -> dict:  # noqa: N802
        rnd = self._random
        return {
            "OpportunityId": self._pick("Opportunity"),
            "ContactId": self._pick("Contact"),
            "Role": rnd.choice(["Decision Maker", "Economic Buyer", "Technical Buyer", "User"]),
            "IsPrimary": i % 5 == 0,
        }


def _sort_key(value):
    return (value is not None, value if value is not None else 0)


def _json_value(value):
    return sf_datetime(value) if isinstance(value, datetime) else value
