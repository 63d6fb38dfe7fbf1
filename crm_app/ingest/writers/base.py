"""What every writer shares: the ledger of one import, batch upserts, id and reference checks."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

from accounts_app.models import Account
from common.models import WorkspaceOwnedModel
from crm_app.ingest.parsing import CellProblem, Parsed, RowParser
from crm_app.ingest.recognition import ACCOUNT, CONTACT, DEAL, KIND_LABELS
from deals_app.history import history_record_bulk
from deals_app.models import Deal
from personas_app.models import Contact

WRITE_BATCH = 1000
ACCOUNT_FIELDS = (
    "name",
    "domain",
    "industry",
    "employee_count",
    "annual_revenue",
    "country",
    "region",
    "lifecycle",
    "deployment_model",
    "infrastructure",
)
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "email",
    "department",
    "seniority",
    "has_left",
)
DEAL_FIELDS = (
    "name",
    "amount",
    "created_on",
    "close_date",
    "loss_notes",
    "competitor",
    "cost_of_sale",
)
# The imported kinds that carry the CRM's id (external_id) and so can be referred to.
Referenced = type[Account] | type[Contact] | type[Deal]
_Row = TypeVar("_Row", bound=WorkspaceOwnedModel)
NOT_NULL_CHOICES = {"lifecycle", "deployment_model", "infrastructure", "stance"}


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


@dataclass
class Ledger:
    """What the import has seen so far, shared by the writers of one import."""

    workspace_id: int
    report_problem: Callable[[RowParser, Parsed, CellProblem], None]
    counts: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KIND_LABELS})
    # external id → "File line N" of every row of this import, per kind (duplicates, references)
    seen: dict[str, dict[str, str]] = field(
        default_factory=lambda: {ACCOUNT: {}, CONTACT: {}, DEAL: {}}
    )
    # external id → why a reference to it cannot be used (a bad or deleted row)
    unusable: dict[str, dict[str, str]] = field(
        default_factory=lambda: {ACCOUNT: {}, CONTACT: {}, DEAL: {}}
    )
    buying_roles: dict[str, list[str]] = field(default_factory=dict)  # contact ext id → [roles]
    pending_reports_to: dict[str, str] = field(default_factory=dict)  # ext id → counted status
    # (deal pk, contact pk, role) written
    roles_seen: set[tuple[int, int, str]] = field(default_factory=set)
    # deal pk → (where its primary was set, the primary contact's pk)
    primary_of: dict[int, tuple[str, int]] = field(default_factory=dict)
    moved_contacts: int = 0
    notes: Counter[str] = field(default_factory=Counter)
    # A deal opened after its close date (a migrated org's load date): keep it with the opening
    # date unknown, and say so in a note, instead of refusing the row (the live sync, CSV imports).
    created_after_close_unknown: bool = False
    # Where a row kept with a caveat is reported (the CSV import's warnings); None: notes only.
    report_warning: Callable[[RowParser, Parsed, CellProblem], None] | None = None


def row_where(parser: RowParser, parsed: Parsed) -> str:
    return f"{parser.source.name} line {parsed.row.line}"


def diff_fields(obj: models.Model, data: dict[str, Any]) -> list[str]:
    return [name for name, value in data.items() if getattr(obj, name) != value]


class Upsert(Generic[_Row]):
    """One batch's new and changed rows of a model, counted and then written in bulk."""

    def __init__(self, model: type[_Row], tally: Tally):
        self.model, self.tally = model, tally
        self.new: list[_Row] = []
        self.changed: list[_Row] = []
        self.fields: set[str] = set()
        self.now = timezone.now()

    def create(self, obj: _Row) -> str:
        self.new.append(obj)
        self.tally.created += 1
        return "created"

    def update(self, obj: _Row, data: dict[str, Any]) -> list[str]:
        """Apply the values that differ; returns the changed field names."""
        diff = diff_fields(obj, data)
        if diff:
            for name in diff:
                setattr(obj, name, data[name])
            obj.updated_at = self.now
            self.changed.append(obj)
            self.fields.update(diff)
            self.tally.updated += 1
        else:
            self.tally.unchanged += 1
        return diff

    def flush(self) -> None:
        self.model.objects.bulk_create(self.new, batch_size=WRITE_BATCH)
        if self.changed:
            # Every row, also one the CRM deleted: bulk_update through the default manager
            # filters its UPDATE by it, and a marked record's changes were dropped without a word.
            self.model._base_manager.bulk_update(
                self.changed, [*sorted(self.fields), "updated_at"], batch_size=WRITE_BATCH
            )
        # Deals keep history: one row per created or changed deal (none for unchanged ones).
        history_record_bulk(self.model, self.new, created=True, batch_size=WRITE_BATCH)
        history_record_bulk(self.model, self.changed, created=False, batch_size=WRITE_BATCH)


class Writer:
    """The shared steps: duplicate ids, reference lookups, counting."""

    kind: str

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.ws = ledger.workspace_id

    @property
    def tally(self) -> Tally:
        return self.ledger.counts[self.kind]

    def problem(
        self, parser: RowParser, parsed: Parsed, name: str, value: object, message: str
    ) -> None:
        self.ledger.report_problem(
            parser, parsed, CellProblem(name, parser.column(name), str(value), message)
        )

    def warning(
        self, parser: RowParser, parsed: Parsed, name: str, value: object, message: str
    ) -> None:
        if self.ledger.report_warning is not None:
            self.ledger.report_warning(
                parser, parsed, CellProblem(name, parser.column(name), str(value), message)
            )

    def claim_ids(self, parser: RowParser, batch: list[Parsed]) -> list[Parsed]:
        """Rows whose external id is new to this import; repeats are row errors."""
        seen = self.ledger.seen[self.kind]
        kept = []
        for parsed in batch:
            ext = parsed.values["external_id"]
            if ext in seen:
                self.problem(
                    parser,
                    parsed,
                    "external_id",
                    ext,
                    f"The id {ext} appears twice in this import (also {seen[ext]}).",
                )
                continue
            seen[ext] = row_where(parser, parsed)
            kept.append(parsed)
        return kept

    def mark_unusable(self, parser: RowParser, parsed: Parsed, why: str) -> None:
        ext = parsed.values.get("external_id")
        if ext and self.kind in self.ledger.unusable:
            self.ledger.unusable[self.kind][ext] = f"{why} ({row_where(parser, parsed)})"

    def resolve(
        self,
        model: Referenced,
        kind: str,
        refs: set[str],
        fields: tuple[str, ...] = ("id",),
    ) -> dict[str, tuple[Any, ...]]:
        """external id → (pk, …) for the referenced records of this workspace."""
        if not refs:
            return {}
        rows = model.all_objects.filter(workspace_id=self.ws, external_id__in=refs).values_list(
            "external_id", *fields
        )
        return {row[0]: row[1:] for row in rows}

    def missing_reference(
        self, parser: RowParser, parsed: Parsed, name: str, kind: str, ext: str
    ) -> None:
        why = self.ledger.unusable[kind].get(ext)
        noun = KIND_LABELS[kind].lower().rstrip("s")
        if why:
            message = f"Refers to {noun} {ext}, which is {why}."
        else:
            message = f"No {noun} with id {ext} in these files or in the workspace."
        self.problem(parser, parsed, name, ext, message)
        self.mark_unusable(parser, parsed, f"not imported: its {noun} is missing")

    def accounts_for(self, batch: list[Parsed]) -> dict[str, tuple[Any, ...]]:
        """external id → (pk,) of the accounts this batch's rows name (their first company)."""
        return self.resolve(Account, ACCOUNT, {p.values["account"][0] for p in batch})

    def account_id(
        self, parser: RowParser, parsed: Parsed, accounts: dict[str, tuple[Any, ...]]
    ) -> int | None:
        """The row's account pk; None (and a row error) when the account is unknown. A row that
        names several companies belongs to the first one, and the import says so in a note."""
        values = parsed.values
        account_ext = values["account"][0]
        if account_ext not in accounts:
            self.missing_reference(parser, parsed, "account", ACCOUNT, account_ext)
            return None
        if len(values["account"]) > 1:
            noun = KIND_LABELS[self.kind].lower()
            self.ledger.notes[
                f"{parser.source.name}: {noun} with several companies: "
                "the first one is their account"
            ] += 1
        account_pk: int = accounts[account_ext][0]
        return account_pk
