"""One page of CRM records into DealLens through the CSV import's parsers and writers.

The page's records become rows of a ``SourceFile`` whose headers are the CRM's field names, so
recognition, value parsing, the stage and role vocabularies and the batch writers are the very
ones a CSV export goes through (PRODUCT.md §6, §8): a record imported from a CSV export and later
synced is one record, keyed by the CRM id. Each page is written in the caller's transaction.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Model

from accounts_app.models import Account
from crm_app.connectors.base import ObjectSpec
from crm_app.ingest.parsing import CellProblem, Parsed, RowParser
from crm_app.ingest.recognition import ACCOUNT, CONTACT, DEAL, DEAL_ROLE, assign_columns
from crm_app.ingest.sources import Row, SourceFile
from crm_app.ingest.writers import (
    AccountWriter,
    ContactWriter,
    DealWriter,
    Ledger,
    RoleLink,
    RoleWriter,
)
from crm_app.ingest.writers.base import WRITE_BATCH
from crm_app.services.stage_values import stage_values_seen
from deals_app.models import Deal, DealRole
from personas_app.models import Contact

RECORD_MODELS: dict[str, type[Account] | type[Contact] | type[Deal]] = {
    ACCOUNT: Account,
    CONTACT: Contact,
    DEAL: Deal,
}
# segment key → the account field it fills (the country column stays the import's BillingCountry)
SEGMENT_TARGETS = {
    "industry": "industry",
    "size": "employee_count",
    "infrastructure": "infrastructure",
}
COUNTRY_FIELDS = {"billingcountry", "country"}
ProblemSink = Callable[[str, str, str], None]  # (CRM id, field, message)


def columns_for(spec: ObjectSpec, fields: list[str], segment_fields: dict[str, str]) -> dict:
    """field → CRM field name: the import's aliases, then the connection's segment fields."""
    columns: dict[str, Any] = dict(assign_columns(spec.kind, fields))
    if spec.kind != ACCOUNT:
        return columns
    available = {f.lower(): f for f in fields}
    for key, target in SEGMENT_TARGETS.items():
        chosen = available.get((segment_fields.get(key) or "").lower())
        if chosen:
            columns = {k: v for k, v in columns.items() if v != chosen}
            columns[target] = chosen
        else:
            columns.pop(target, None)
    region = (segment_fields.get("region") or "").lower()
    if region and region not in COUNTRY_FIELDS and region in available:
        columns = {k: v for k, v in columns.items() if v != available[region]}
        columns["region"] = available[region]
    return columns


def wanted_fields(spec: ObjectSpec, segment_fields: dict[str, str]) -> list[str]:
    extra = [v for k, v in segment_fields.items() if v] if spec.kind == ACCOUNT else []
    return list(dict.fromkeys([*spec.fields, *extra]))


class PageWriter:
    """Writes pages of one object type; counts go to ``tally`` and bad records to ``problem``."""

    def __init__(
        self,
        workspace_id: int,
        spec: ObjectSpec,
        fields: list[str],
        segment_fields: dict[str, str],
        problem: ProblemSink,
        source: str = "Salesforce API",
        stage_aliases: dict[str, str] | None = None,
        list_unknown_stages: bool = False,
    ):
        self.ws, self.spec, self.fields = workspace_id, spec, fields
        self.problem_sink = problem
        self.source = SourceFile(
            name=spec.name,
            path="",
            headers=fields,
            kind=spec.kind,
            source=source,
            columns=columns_for(spec, fields, segment_fields),
        )
        self.parser = RowParser(self.source, stage_aliases)
        # Unknown stage labels (Salesforce) are listed for an admin to map; HubSpot's stage ids
        # come mapped by the connection's stage map (the aliases) instead.
        self.lists_stage_labels = list_unknown_stages and spec.kind == DEAL
        self.ledger_notes: dict[str, int] = {}

    def notes(self) -> list[str]:
        """What the pages' values said: unknown roles or stages read as defaults, and so on."""
        counted = [f"{note} ({n})" if n > 1 else note for note, n in self.ledger_notes.items()]
        return [*self.parser.notes(), *counted]

    def _report(self, parser: RowParser, parsed: Parsed, problem: CellProblem) -> None:
        crm_id = str(parsed.values.get("crm_id") or parsed.values.get("external_id") or "")
        self.problem_sink(crm_id, problem.column, problem.message)

    def write(
        self,
        records: list[dict[str, str]],
        now: datetime,
        complete_deals: list[str] | None = None,
    ) -> dict[str, int]:
        """Writes one page; returns its counts (created, updated, unchanged, skipped, and
        deleted: roles of ``complete_deals`` the page no longer holds)."""
        ledger = Ledger(workspace_id=self.ws, report_problem=self._report)
        ledger.created_after_close_unknown = True  # migrated orgs: see DealWriter
        tally = ledger.counts[self.spec.kind]
        good: list[Parsed] = []
        unknown_before = self.parser.unknown_stages() if self.lists_stage_labels else None
        for line, record in enumerate(records, start=1):
            parsed = self.parser.parse(Row(line, line, [record.get(h, "") for h in self.fields]))
            parsed.values["crm_id"] = record.get("Id", "")  # contact roles have no id field
            if parsed.problems:
                for problem in parsed.problems:
                    self._report(self.parser, parsed, problem)
                tally.skipped += 1
            else:
                good.append(parsed)
        if unknown_before is not None:
            unknown = self.parser.unknown_stages() - unknown_before
            if unknown:  # in the page's transaction, like its records
                stage_values_seen(workspace_id=self.ws, counts=unknown)
        kind = self.spec.kind
        if kind == ACCOUNT:
            AccountWriter(ledger).write(self.parser, good)
        elif kind == CONTACT:
            writer = ContactWriter(ledger)
            writer.write(self.parser, good)
            writer.link_reports_to(self.parser, good)
        elif kind == DEAL:
            DealWriter(ledger).write(self.parser, good)
        else:
            self._roles(ledger, good)
        # A record a writer refused (its account is unknown, …) was reported there: skipped.
        tally.skipped += max(0, len(good) - (tally.created + tally.updated + tally.unchanged))
        counts = tally.as_dict()
        if kind in RECORD_MODELS:
            refused = ledger.unusable.get(kind, {})
            written = {p.values["external_id"] for p in good} - set(refused)
            counts["updated"] += self._undelete(RECORD_MODELS[kind], written, now)
        for note, n in ledger.notes.items():
            self.ledger_notes[note] = self.ledger_notes.get(note, 0) + n
        if complete_deals is not None:
            # A role the CRM still has stays, even when this page could not write it.
            still = {record.get("Id", "") for record in records}
            counts["deleted"] = roles_replace(self.ws, complete_deals, still)
        return counts

    def _undelete(self, model: type[Model], ids: set[str], now: datetime) -> int:
        """Records the CRM brought back (restored from its recycle bin) return to DealLens."""
        if not ids:
            return 0
        restored: int = model.all_objects.filter(  # type: ignore[attr-defined]
            workspace_id=self.ws, external_id__in=ids, crm_deleted_at__isnull=False
        ).update(crm_deleted_at=None, updated_at=now)
        return restored

    def _roles(self, ledger: Ledger, good: list[Parsed]) -> None:
        """Contact roles: a role whose CRM record changed its role or people moves with it."""
        by_id = {p.values["crm_id"]: p for p in good}
        links = [
            RoleLink(
                p,
                p.values["deal"],
                p.values["contact"],
                [p.values.get("role") or DealRole.Role.OTHER],
                p.values.get("is_primary"),
            )
            for p in good
        ]
        deals = dict(
            Deal.all_objects.filter(
                workspace_id=self.ws, external_id__in={link.deal for link in links}
            ).values_list("external_id", "id")
        )
        contacts = dict(
            Contact.all_objects.filter(
                workspace_id=self.ws, external_id__in={link.contact for link in links}
            ).values_list("external_id", "id")
        )
        wanted = {
            ext: (deals.get(p.values["deal"]), contacts.get(p.values["contact"]), link.roles[0])
            for (ext, p), link in zip(by_id.items(), links, strict=True)
            if link.roles
        }
        moved = [
            role
            for role in DealRole.objects.filter(workspace_id=self.ws, external_id__in=by_id)
            if (role.deal_id, role.contact_id, role.role) != wanted.get(role.external_id)
        ]
        if moved:  # simple-history records each deletion (post_delete)
            DealRole.objects.filter(pk__in=[r.pk for r in moved]).delete()
        tally = ledger.counts[DEAL_ROLE]
        created_before = tally.created
        RoleWriter(ledger).write(self.parser, links)
        # A CRM role that changed its role or people was one record updated, not a new one.
        relabelled = min(len(moved), tally.created - created_before)
        tally.created -= relabelled
        tally.updated += relabelled
        # Each CRM role keeps its id on the DealLens role it wrote.
        by_key = {key: ext for ext, key in wanted.items() if None not in key}
        tagged = []
        for role in DealRole.objects.filter(
            workspace_id=self.ws, deal_id__in={k[0] for k in by_key}
        ).only("id", "deal_id", "contact_id", "role", "external_id"):
            ext = by_key.get((role.deal_id, role.contact_id, role.role))
            if ext and role.external_id != ext:
                role.external_id = ext
                tagged.append(role)
        DealRole.objects.bulk_update(tagged, ["external_id"], batch_size=WRITE_BATCH)


def roles_replace(workspace_id: int, deal_ids: list[str], kept: set[str]) -> int:
    """Removes the CRM roles of these deals that the CRM no longer has (the ones people added
    in DealLens have no external id and stay). Returns how many went."""
    deals = Deal.all_objects.filter(workspace_id=workspace_id, external_id__in=deal_ids)
    gone = list(
        DealRole.objects.filter(workspace_id=workspace_id, deal__in=deals)
        .exclude(external_id="")
        .exclude(external_id__in=kept)
        .values_list("pk", flat=True)
    )
    if gone:  # simple-history records each deletion (post_delete)
        DealRole.objects.filter(pk__in=gone).delete()
    return len(gone)


def records_delete(workspace_id: int, spec: ObjectSpec, ids: list[str], now: datetime) -> int:
    """Marks what the CRM deleted: records leave DealLens (what hangs on them stays); a
    deleted contact role is a CRM field and goes. Returns how many were marked."""
    if not ids:
        return 0
    if spec.kind == DEAL_ROLE:
        roles = list(DealRole.objects.filter(workspace_id=workspace_id, external_id__in=ids))
        if roles:
            DealRole.objects.filter(pk__in=[r.pk for r in roles]).delete()
        return len(roles)
    model = RECORD_MODELS[spec.kind]
    return model.all_objects.filter(
        workspace_id=workspace_id, external_id__in=ids, crm_deleted_at=None
    ).update(crm_deleted_at=now, updated_at=now)
