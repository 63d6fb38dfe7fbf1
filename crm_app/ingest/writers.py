"""Batch upserts of one kind of record, keyed by external id within the workspace.

Each writer takes a batch of parsed rows, looks up the records that exist already (one query per
batch), creates the new ones with ``bulk_create`` and updates the changed ones with
``bulk_update``. A row whose reference cannot be resolved becomes a row error and is not written.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from accounts_app.models import Account
from deals_app.history import history_record_bulk
from deals_app.models import CLOSED_STAGES, Deal, DealRole, Stage
from personas_app.models import Contact

from .parsing import CellProblem, Parsed, RowParser
from .recognition import ACCOUNT, CONTACT, DEAL, DEAL_ROLE, KIND_LABELS

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
NOT_NULL_CHOICES = {"lifecycle", "deployment_model", "infrastructure", "stance"}


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict:
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
    counts: dict = field(default_factory=lambda: {k: Tally() for k in KIND_LABELS})
    # external id → "File line N" of every row of this import, per kind (duplicates, references)
    seen: dict = field(default_factory=lambda: {ACCOUNT: {}, CONTACT: {}, DEAL: {}})
    # external id → why a reference to it cannot be used (a bad or deleted row)
    unusable: dict = field(default_factory=lambda: {ACCOUNT: {}, CONTACT: {}, DEAL: {}})
    buying_roles: dict = field(default_factory=dict)  # contact external id → [roles]
    pending_reports_to: dict = field(default_factory=dict)  # contact ext id → counted status
    roles_seen: set = field(default_factory=set)  # (deal pk, contact pk, role) written
    primary_of: dict = field(default_factory=dict)  # deal pk → where its primary was set
    moved_contacts: int = 0
    notes: Counter = field(default_factory=Counter)


def _where(parser: RowParser, parsed: Parsed) -> str:
    return f"{parser.source.name} line {parsed.row.line}"


def _changed(obj, data: dict) -> list[str]:
    return [name for name, value in data.items() if getattr(obj, name) != value]


class _Upsert:
    """One batch's new and changed rows of a model, counted and then written in bulk."""

    def __init__(self, model, tally):
        self.model, self.tally = model, tally
        self.new: list = []
        self.changed: list = []
        self.fields: set[str] = set()
        self.now = timezone.now()

    def create(self, obj) -> str:
        self.new.append(obj)
        self.tally.created += 1
        return "created"

    def update(self, obj, data: dict) -> list[str]:
        """Apply the values that differ; returns the changed field names."""
        diff = _changed(obj, data)
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
            self.model.objects.bulk_update(
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

    def problem(self, parser, parsed, name, value, message):
        self.ledger.report_problem(
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
            seen[ext] = _where(parser, parsed)
            kept.append(parsed)
        return kept

    def mark_unusable(self, parser: RowParser, parsed: Parsed, why: str) -> None:
        ext = parsed.values.get("external_id")
        if ext and self.kind in self.ledger.unusable:
            self.ledger.unusable[self.kind][ext] = f"{why} ({_where(parser, parsed)})"

    def resolve(self, model, kind: str, refs: set[str], fields=("id",)) -> dict:
        """external id → (pk, …) for the referenced records of this workspace."""
        if not refs:
            return {}
        rows = model.objects.filter(workspace_id=self.ws, external_id__in=refs).values_list(
            "external_id", *fields
        )
        return {row[0]: row[1:] for row in rows}

    def missing_reference(self, parser, parsed, name, kind, ext) -> None:
        why = self.ledger.unusable[kind].get(ext)
        noun = KIND_LABELS[kind].lower().rstrip("s")
        if why:
            message = f"Refers to {noun} {ext}, which is {why}."
        else:
            message = f"No {noun} with id {ext} in these files or in the workspace."
        self.problem(parser, parsed, name, ext, message)
        self.mark_unusable(parser, parsed, f"not imported: its {noun} is missing")


class AccountWriter(Writer):
    kind = ACCOUNT

    def write(self, parser: RowParser, batch: list[Parsed]) -> None:
        batch = self.claim_ids(parser, batch)
        fields = [f for f in ACCOUNT_FIELDS if f in parser.getters]
        existing = {
            a.external_id: a
            for a in Account.objects.filter(
                workspace_id=self.ws, external_id__in=[p.values["external_id"] for p in batch]
            ).only("id", "external_id", *fields)
        }
        upsert = _Upsert(Account, self.tally)
        for parsed in batch:
            data = {f: parsed.values.get(f) for f in fields}
            for name in NOT_NULL_CHOICES & data.keys():
                if data[name] is None:
                    data.pop(name)
            for name in ("domain", "industry", "country", "region"):
                if name in data and data[name] is None:
                    data[name] = ""
            obj = existing.get(parsed.values["external_id"])
            if obj is None:
                upsert.create(
                    Account(workspace_id=self.ws, external_id=parsed.values["external_id"], **data)
                )
            else:
                upsert.update(obj, data)
        upsert.flush()


class ContactWriter(Writer):
    kind = CONTACT

    def write(self, parser: RowParser, batch: list[Parsed]) -> None:
        batch = self.claim_ids(parser, batch)
        accounts = self.resolve(Account, ACCOUNT, {p.values["account"][0] for p in batch})
        fields = [f for f in CONTACT_FIELDS if f in parser.getters]
        has_reports_to = "reports_to" in parser.getters
        existing = {
            c.external_id: c
            for c in Contact.objects.filter(
                workspace_id=self.ws, external_id__in=[p.values["external_id"] for p in batch]
            ).only("id", "external_id", "account_id", "reports_to_id", *fields)
        }
        upsert, moved = _Upsert(Contact, self.tally), []
        for parsed in batch:
            values = parsed.values
            ext, account_ext = values["external_id"], values["account"][0]
            if account_ext not in accounts:
                self.missing_reference(parser, parsed, "account", ACCOUNT, account_ext)
                continue
            if len(values["account"]) > 1:
                self.ledger.notes[
                    f"{parser.source.name}: contacts with several companies: "
                    "the first one is their account"
                ] += 1
            data = {f: values.get(f) for f in fields}
            for name in ("first_name", "title", "email", "department", "seniority"):
                if name in data and data[name] is None:
                    data[name] = ""
            if "has_left" in data and data["has_left"] is None:
                data.pop("has_left")
            data["account_id"] = accounts[account_ext][0]
            boss = values.get("reports_to") if has_reports_to else None
            if has_reports_to and not boss:
                data["reports_to_id"] = None
            if values.get("buying_role"):
                self.ledger.buying_roles[ext] = values["buying_role"]
            obj = existing.get(ext)
            if obj is None:
                status = upsert.create(Contact(workspace_id=self.ws, external_id=ext, **data))
            else:
                diff = upsert.update(obj, data)
                if "account_id" in diff:
                    moved.append(obj.pk)
                status = "updated" if diff else "unchanged"
            if boss:
                self.ledger.pending_reports_to[ext] = status
        if moved:
            # A contact who moved to another account keeps no reporting lines across accounts.
            cleared = (
                Contact.objects.filter(workspace_id=self.ws)
                .filter(Q(pk__in=moved) | Q(reports_to_id__in=moved))
                .exclude(reports_to=None)
                .update(reports_to=None)
            )
            self.ledger.moved_contacts += len(moved)
            if cleared:
                self.ledger.notes[
                    "reporting lines cleared because a contact moved to another account"
                ] += cleared
            for obj in upsert.changed:
                if obj.pk in moved and "reports_to_id" not in upsert.fields:
                    obj.reports_to_id = None
        upsert.flush()

    def link_reports_to(self, parser: RowParser, batch: list[Parsed]) -> None:
        """Second pass: reporting lines, once every contact of the import exists."""
        rows = [
            p
            for p in batch
            if p.values.get("reports_to")
            and p.values["external_id"] in self.ledger.pending_reports_to
        ]
        if not rows:
            return
        refs = {p.values["external_id"] for p in rows} | {p.values["reports_to"] for p in rows}
        found = self.resolve(Contact, CONTACT, refs, ("id", "account_id", "reports_to_id"))
        changed = []
        for parsed in rows:
            ext, boss = parsed.values["external_id"], parsed.values["reports_to"]
            if ext not in found:  # its row failed in the first pass and was reported there
                continue
            pk, account_id, current = found[ext]
            if boss not in found:
                self.missing_reference(parser, parsed, "reports_to", CONTACT, boss)
                continue
            boss_pk, boss_account, _ = found[boss]
            if boss_pk == pk:
                self.problem(
                    parser, parsed, "reports_to", boss, "A contact cannot report to themselves."
                )
                continue
            if boss_account != account_id:
                self.problem(
                    parser,
                    parsed,
                    "reports_to",
                    boss,
                    f"Contact {boss} is at another account: a contact can only report "
                    "to someone at the same account.",
                )
                continue
            if current != boss_pk:
                changed.append(Contact(pk=pk, reports_to_id=boss_pk, updated_at=timezone.now()))
                status = self.ledger.pending_reports_to[ext]
                if status == "unchanged":
                    self.tally.unchanged -= 1
                    self.tally.updated += 1
                    self.ledger.pending_reports_to[ext] = "updated"
        if changed:
            Contact.objects.bulk_update(
                changed, ["reports_to_id", "updated_at"], batch_size=WRITE_BATCH
            )


class DealWriter(Writer):
    kind = DEAL

    def _stage(self, values: dict) -> str | None:
        """IsWon/IsClosed decide won and lost over the stage name (PRODUCT.md §6)."""
        stage, won, closed = values.get("stage"), values.get("is_won"), values.get("is_closed")
        if closed is True:
            return Stage.CLOSED_WON if won else Stage.CLOSED_LOST
        if won is True:
            return Stage.CLOSED_WON
        if closed is False and stage in CLOSED_STAGES:
            return Stage.DISCOVERY  # the stage name says closed, IsClosed says open
        return stage

    def write(self, parser: RowParser, batch: list[Parsed]) -> None:
        batch = self.claim_ids(parser, batch)
        accounts = self.resolve(Account, ACCOUNT, {p.values["account"][0] for p in batch})
        fields = [f for f in DEAL_FIELDS if f in parser.getters]
        staged = bool({"stage", "is_won", "is_closed"} & parser.getters.keys())
        with_loss = "loss_reason" in parser.getters
        existing = {
            d.external_id: d
            for d in Deal.objects.filter(
                workspace_id=self.ws, external_id__in=[p.values["external_id"] for p in batch]
            ).only(
                "id",
                "external_id",
                "account_id",
                "stage",
                "loss_reason",
                "created_on",
                "close_date",
                *fields,
            )
        }
        upsert = _Upsert(Deal, self.tally)
        for parsed in batch:
            values = parsed.values
            ext, account_ext = values["external_id"], values["account"][0]
            if account_ext not in accounts:
                self.missing_reference(parser, parsed, "account", ACCOUNT, account_ext)
                continue
            if len(values["account"]) > 1:
                self.ledger.notes[
                    f"{parser.source.name}: deals with several companies: the "
                    "first one is their account"
                ] += 1
            data = {f: values.get(f) for f in fields}
            for name in ("loss_notes", "competitor"):
                if name in data and data[name] is None:
                    data[name] = ""
            data["account_id"] = accounts[account_ext][0]
            obj = existing.get(ext)
            stage = self._stage(values) if staged else None
            if stage is None:
                stage = obj.stage if obj is not None else (Stage.DISCOVERY if staged else None)
            if stage is not None:
                data["stage"] = stage
            final_stage = data.get("stage", obj.stage if obj else Stage.PROSPECTING)
            if with_loss:
                data["loss_reason"] = (
                    values.get("loss_reason") or "" if final_stage == Stage.CLOSED_LOST else ""
                )
            elif obj is not None and obj.loss_reason and final_stage != Stage.CLOSED_LOST:
                data["loss_reason"] = ""
            created_on = data.get("created_on", obj.created_on if obj else None)
            close_date = data.get("close_date", obj.close_date if obj else None)
            if created_on and close_date and close_date < created_on:
                self.problem(
                    parser,
                    parsed,
                    "close_date",
                    close_date.isoformat(),
                    f"Close date {close_date.isoformat()} is before the deal was opened "
                    f"({created_on.isoformat()}).",
                )
                self.mark_unusable(parser, parsed, "a row with errors")
                continue
            if obj is None:
                upsert.create(Deal(workspace_id=self.ws, external_id=ext, **data))
            else:
                upsert.update(obj, data)
        upsert.flush()


@dataclass
class RoleLink:
    """One contact on one deal, from a contact-role row or an association cell."""

    parsed: Parsed
    deal: str
    contact: str
    roles: list[str] | None  # None: not stated (an association); the pair needs some role
    is_primary: bool | None = None
    stance: str | None = None
    deal_field: str = "deal"
    contact_field: str = "contact"


class RoleWriter(Writer):
    kind = DEAL_ROLE

    def write(self, parser: RowParser, links: list[RoleLink]) -> None:
        deals = self.resolve(Deal, DEAL, {link.deal for link in links})
        contacts = self.resolve(Contact, CONTACT, {link.contact for link in links})
        usable = []
        for link in links:
            if link.deal not in deals:
                self.missing_reference(parser, link.parsed, link.deal_field, DEAL, link.deal)
            elif link.contact not in contacts:
                self.missing_reference(
                    parser, link.parsed, link.contact_field, CONTACT, link.contact
                )
            else:
                usable.append(link)
        deal_pks = {deals[link.deal][0] for link in usable}
        existing = {}
        for role in DealRole.objects.filter(workspace_id=self.ws, deal_id__in=deal_pks).only(
            "id", "deal_id", "contact_id", "role", "is_primary", "stance"
        ):
            existing[(role.deal_id, role.contact_id, role.role)] = role
        pairs = {(d, c) for d, c, _ in existing}
        new, changed, changed_fields = [], {}, set()
        counted: dict[int, str] = {}  # existing role pk → how this batch counted it
        primary_keys: set[tuple] = set()
        now = timezone.now()
        for link in usable:
            deal_pk, contact_pk = deals[link.deal][0], contacts[link.contact][0]
            roles = link.roles
            if roles is None:
                if (deal_pk, contact_pk) in pairs:
                    continue
                roles = [DealRole.Role.OTHER]
            roles = list(dict.fromkeys(roles))
            if link.is_primary:
                where = self.ledger.primary_of.get(deal_pk)
                if where and where[1] != contact_pk:
                    self.problem(
                        parser,
                        link.parsed,
                        "is_primary",
                        "true",
                        f"Deal {link.deal} already has a primary contact ({where[0]}): "
                        "a deal has one primary contact at most.",
                    )
                    continue
                self.ledger.primary_of[deal_pk] = (_where(parser, link.parsed), contact_pk)
                primary_keys.add((deal_pk, contact_pk, roles[0]))
            for index, role in enumerate(roles):
                key = (deal_pk, contact_pk, role)
                if key in self.ledger.roles_seen:
                    continue
                self.ledger.roles_seen.add(key)
                data = {}
                if link.is_primary is not None:
                    data["is_primary"] = bool(link.is_primary) and index == 0
                if link.stance:
                    data["stance"] = link.stance
                obj = existing.get(key)
                if obj is None:
                    new.append(
                        DealRole(
                            workspace_id=self.ws,
                            deal_id=deal_pk,
                            contact_id=contact_pk,
                            role=role,
                            **data,
                        )
                    )
                    pairs.add((deal_pk, contact_pk))
                    self.tally.created += 1
                    continue
                diff = _changed(obj, data)
                if diff:
                    for name in diff:
                        setattr(obj, name, data[name])
                    obj.updated_at = now
                    changed[obj.pk] = obj
                    changed_fields.update(diff)
                    self.tally.updated += 1
                    counted[obj.pk] = "updated"
                else:
                    self.tally.unchanged += 1
                    counted[obj.pk] = "unchanged"
        # One primary per deal: a new primary contact replaces the one the deal had.
        primary_deals = {key[0] for key in primary_keys}
        stale = [
            obj
            for key, obj in existing.items()
            if key[0] in primary_deals and obj.is_primary and key not in primary_keys
        ]
        for obj in stale:
            obj.is_primary = False
            obj.updated_at = now
            status = counted.get(obj.pk)
            if status != "updated":
                self.tally.updated += 1
                if status == "unchanged":
                    self.tally.unchanged -= 1
        if stale:
            DealRole.objects.filter(pk__in=[o.pk for o in stale]).update(
                is_primary=False, updated_at=now
            )
        if changed:
            DealRole.objects.bulk_update(
                list(changed.values()),
                [*sorted(changed_fields), "updated_at"],
                batch_size=WRITE_BATCH,
            )
        DealRole.objects.bulk_create(new, batch_size=WRITE_BATCH)
        history_record_bulk(DealRole, new, created=True, batch_size=WRITE_BATCH)
        touched = {obj.pk: obj for obj in [*stale, *changed.values()]}
        history_record_bulk(DealRole, list(touched.values()), created=False, batch_size=WRITE_BATCH)
