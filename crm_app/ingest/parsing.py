"""Rows of one file turned into DealLens values, with a precise error per bad cell."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from accounts_app.models import Account, Lifecycle
from common.models import WorkspaceOwnedModel
from deals_app.models import Deal, DealRole
from personas_app.models import Contact

from . import vocabulary
from .recognition import ACCOUNT, CONTACT, DEAL, DEAL_ROLE, FIELD_BY_NAME, KIND_LABELS
from .sources import MappingError, Row, SourceFile
from .values import CellError, DateReader, boolean, decimal, identifier, ids, integer, text

# What a parser reads a cell into; a row's values are keyed by field name.
CellValue = str | list[str] | int | Decimal | bool | dt.date | None

MODELS: dict[str, type[WorkspaceOwnedModel]] = {
    ACCOUNT: Account,
    CONTACT: Contact,
    DEAL: Deal,
    DEAL_ROLE: DealRole,
}
JOIN = " – "
NON_NEGATIVE = {"amount", "annual_revenue", "cost_of_sale", "employee_count"}

# field parser → (vocabulary table, value for an unknown word or None when unknown is an error)
CHOICES = {
    "stage": (vocabulary.STAGES, "discovery"),
    "role": (vocabulary.ROLES, "other"),
    "lifecycle": (vocabulary.LIFECYCLES, Lifecycle.PROSPECT),
    "loss_reason": (vocabulary.LOSS_REASONS, "other"),
    "seniority": (vocabulary.SENIORITIES, None),
    "deployment_model": (vocabulary.DEPLOYMENT_MODELS, None),
    "infrastructure": (vocabulary.INFRASTRUCTURES, None),
    "stance": (vocabulary.STANCES, None),
}


@dataclass
class CellProblem:
    field: str
    column: str
    value: str
    message: str


@dataclass
class Parsed:
    """One data row: its place in the file, the values read, and what was wrong with it."""

    row: Row
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    incomplete: bool = False
    deleted: bool = False


def _domain(raw: str) -> str:
    value = text(raw)
    if not value:
        return ""
    host = urlsplit(value if "//" in value else f"//{value}").hostname or value
    return host.removeprefix("www.")


class RowParser:
    """Reads the mapped columns of one file's rows into values for its kind."""

    def __init__(self, source: SourceFile, stage_aliases: dict[str, str] | None = None):
        self.source = source
        # The workspace's own stage labels (normalised → stage), read before the vocabulary.
        self.stage_aliases = stage_aliases or {}
        if source.kind is None:  # only a recognised (ready) file is parsed
            raise MappingError([f"{source.name}: columns not recognised: map them to a kind."])
        self.kind: str = source.kind
        self.fields = FIELD_BY_NAME[self.kind]
        self.dates: dict[str, DateReader] = {}
        self.unknown: dict[str, Counter[str]] = {}  # field → unknown source values (→ default)
        self.empty_roles = 0
        index = {h: i for i, h in reversed(list(enumerate(source.headers)))}
        # field → a constant for every row, or the indices of the columns it joins
        self.getters: dict[str, str | list[int]] = {}
        for name, spec in source.columns.items():
            if name not in self.fields:
                continue
            if isinstance(spec, dict):
                self.getters[name] = str(spec.get("value", ""))
            elif isinstance(spec, list):
                self.getters[name] = [index[h] for h in spec]
            else:
                self.getters[name] = [index[spec]]
        self.model = MODELS[self.kind]
        self.overrides = self._overrides()

    def _overrides(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        problems: list[str] = []
        for name, table in (self.source.values or {}).items():
            field_def = self.fields.get(name)
            if field_def is None or field_def.parser not in CHOICES and field_def.parser != "roles":
                problems.append(
                    f"{self.source.name}: values can be given for choice fields only "
                    f"({name!r} is not one)."
                )
                continue
            vocab = CHOICES.get(field_def.parser, CHOICES["role"])[0]
            allowed = set(vocab.values())
            problems.extend(
                f"{self.source.name}: {name}: {target!r} is not one of "
                f"{', '.join(sorted(allowed))}."
                for target in table.values()
                if target not in allowed
            )
            out[name] = {vocabulary.normalise(k): v for k, v in table.items()}
        if problems:
            raise MappingError(problems)
        return out

    def column(self, name: str) -> str:
        return self.source.column_label(name)

    def raw(self, row: Row, name: str) -> str:
        indices = self.getters[name]
        if isinstance(indices, str):
            return indices  # a constant
        cells = row.cells
        parts = [cells[i] if i < len(cells) else "" for i in indices]
        if len(parts) == 1:
            return parts[0]
        return JOIN.join(p.strip() for p in parts if text(p))

    def _choice(self, name: str, parser: str, raw: str) -> str:
        table, default = CHOICES[parser]
        key = vocabulary.normalise(raw)
        value = self.overrides.get(name, {}).get(key)
        if value is None and parser == "stage":
            value = self.stage_aliases.get(key)
        if value is None:
            value = table.get(key)
        if value is not None:
            return value
        if default is None:
            allowed = sorted(set(table.values()))
            raise CellError(f"is not one of {', '.join(allowed)}")
        self.unknown.setdefault(name, Counter())[raw.strip()] += 1
        return default

    def _value(self, name: str, parser: str, raw: str) -> CellValue:
        if parser == "id":
            return identifier(raw)
        if parser == "ids":
            return ids(raw)
        if parser in ("text", "email"):
            return text(raw)
        if parser == "domain":
            return _domain(raw)
        if parser == "integer":
            return integer(raw)
        if parser == "decimal":
            return decimal(raw)
        if parser == "bool":
            return boolean(raw)
        if parser == "date":
            reader = self.dates.setdefault(name, DateReader(day_first=self.source.day_first))
            return reader(raw)
        if parser == "roles":
            found = [p for p in raw.split(";") if text(p)]
            return [self._choice(name, "role", part) for part in found]
        if parser in CHOICES:
            return self._choice(name, parser, raw) if text(raw) else None
        raise AssertionError(parser)

    def parse(self, row: Row) -> Parsed:
        parsed = Parsed(row)
        values = parsed.values
        if len(row.cells) > len(self.source.headers) and any(
            c.strip() for c in row.cells[len(self.source.headers) :]
        ):
            parsed.problems.append(
                CellProblem(
                    "",
                    "",
                    "",
                    f"has {len(row.cells)} cells but the header has "
                    f"{len(self.source.headers)} columns (a missing quote?)",
                )
            )
        for name in self.getters:
            field_def = self.fields[name]
            raw = self.raw(row, name)
            try:
                value = self._value(name, field_def.parser, raw)
            except CellError as exc:
                parsed.problems.append(
                    CellProblem(name, self.column(name), raw.strip(), f"{field_def.label} {exc}.")
                )
                continue
            if name in NON_NEGATIVE and isinstance(value, int | Decimal) and value < 0:
                parsed.problems.append(
                    CellProblem(
                        name,
                        self.column(name),
                        raw.strip(),
                        f"{field_def.label} cannot be negative.",
                    )
                )
                continue
            values[name] = value
        if values.pop("deleted", None):
            parsed.deleted = True
            return parsed
        if self.kind == DEAL_ROLE and "role" in self.getters and not values.get("role"):
            self.empty_roles += 1
        for name, field_def in self.fields.items():
            if (
                field_def.required
                and not values.get(name)
                and not any(p.field == name for p in parsed.problems)
            ):
                if self.source.skip_incomplete:
                    parsed.incomplete = True
                    return parsed
                noun = KIND_LABELS[self.kind].lower().rstrip("s")
                parsed.problems.append(
                    CellProblem(
                        name,
                        self.column(name),
                        "",
                        f"{field_def.label} is missing: every {noun} needs one.",
                    )
                )
        self._validate(parsed)
        return parsed

    def _validate(self, parsed: Parsed) -> None:
        """Model field rules that need no database: lengths, digits, email syntax."""
        for name, value in parsed.values.items():
            if value in (None, "") or isinstance(value, list | bool):
                continue
            try:
                model_field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.is_relation or not isinstance(model_field, models.Field):
                continue
            try:
                model_field.clean(value, None)
            except ValidationError as exc:
                label = self.fields[name].label
                parsed.problems.append(
                    CellProblem(
                        name,
                        self.column(name),
                        str(value)[:200],
                        f"{label}: {' '.join(exc.messages)}",
                    )
                )

    def unknown_stages(self) -> Counter[str]:
        """The stage labels read as the default (for the workspace's list of stage values)."""
        found: Counter[str] = Counter()
        for name, counter in self.unknown.items():
            if self.fields[name].parser == "stage":
                found.update(counter)
        return found

    def notes(self) -> list[str]:
        """What the report should say about how this file's values were read."""
        out = []
        for name, reader in self.dates.items():
            if reader.ambiguous:
                out.append(
                    f"{self.source.name}: {self.column(name)}: {reader.ambiguous} date(s) such "
                    f"as {reader.ambiguous_example} could be month/day or day/month; read as "
                    "month/day/year (US). Set day_first in the mapping if they are day/month."
                )
        for name, counter in self.unknown.items():
            field_def = self.fields[name]
            default = CHOICES.get(field_def.parser, CHOICES["role"])[1]
            shown = ", ".join(f"{v!r} ×{n}" for v, n in counter.most_common(10))
            more = f" and {len(counter) - 10} more" if len(counter) > 10 else ""
            out.append(
                f"{self.source.name}: {self.column(name)}: {sum(counter.values())} unknown "
                f"value(s) read as {default}: {shown}{more}."
            )
        if self.empty_roles:
            out.append(
                f"{self.source.name}: {self.column('role')}: {self.empty_roles} empty role(s) "
                "read as other."
            )
        return out
