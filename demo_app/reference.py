"""The demo data set's reference tables, read once from ``demo_app/data/*.toml``.

``catalog`` (accounts, people, deals, the demo logins) and ``vocabulary`` (tags, conversation
texts, assumptions, features, segments) are namespaces whose upper-case attributes are the
tables: ``catalog.COUNTRIES`` is the ``countries`` key of catalog.toml. Arrays become tuples
and each record of an array of tables a tuple of the fields listed below, in the order the
generator unpacks them (a missing field is None), so the generator walks the same ordered
data on every run.
"""

import tomllib
from pathlib import Path
from types import SimpleNamespace

DATA = Path(__file__).resolve().parent / "data"

# Arrays of tables (or tables of tables) -> the fields of their rows, in order.
RECORDS = {
    "catalog": {
        "demo_logins": ("username", "role", "first_name", "last_name"),
        "other_sales": ("username", "first_name", "last_name"),
        "other_pms": ("username", "first_name", "last_name"),
        "industries": ("name", "weight", "templates"),
        "countries": ("name", "region", "weight", "locale", "cities"),
        "hand_names": ("first_names", "last_names"),
        "size_bands": ("name", "weight", "employees"),
        "personas": ("name", "kind", "goals", "pains", "success_metric"),
        "positions": ("seniority", "titles", "department"),
    },
    "vocabulary": {
        "segment_tags": ("dimension", "values", "tags"),
        "assumptions": (
            "statement", "area", "dimension", "holds_in", "fails_in", "quote_holds",
            "quote_fails",
        ),
        "features": ("title", "status", "description", "dimension", "asked_in", "quote"),
        "deli_feature": ("title", "status", "description", "quote"),
        # A segment's filters are kept as read (lists), as the segment editor stores them.
        "segments": ("name", "description", "filters"),
    },
}  # fmt: skip
AS_READ = {"filters"}


def _frozen(value):
    """Arrays as tuples, all the way down; tables stay dicts (in the file's order)."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def _row(record: dict, fields: tuple[str, ...]) -> tuple:
    unknown = set(record) - set(fields)
    if unknown:
        raise ValueError(f"Unknown fields {sorted(unknown)} in a record with {fields}.")
    return tuple(
        record.get(name) if name in AS_READ else _frozen(record.get(name)) for name in fields
    )


def _load(name: str) -> SimpleNamespace:
    with (DATA / f"{name}.toml").open("rb") as file:
        data = tomllib.load(file)
    records = RECORDS[name]
    tables = {}
    for key, value in data.items():
        fields = records.get(key)
        if fields is None:
            tables[key] = _frozen(value)
        elif isinstance(value, list):  # [[key]]: rows
            tables[key] = tuple(_row(record, fields) for record in value)
        elif all(isinstance(item, dict) for item in value.values()):  # [key.name]: rows by name
            tables[key] = {k: _row(record, fields) for k, record in value.items()}
        else:  # [key]: one row
            tables[key] = _row(value, fields)
    return SimpleNamespace(**{key.upper(): value for key, value in tables.items()})


catalog = _load("catalog")
vocabulary = _load("vocabulary")
