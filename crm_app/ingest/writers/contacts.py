"""Contacts: upserted under their account; reporting lines in a second pass."""

from django.db.models import Q
from django.utils import timezone

from crm_app.ingest.parsing import Parsed, RowParser
from crm_app.ingest.recognition import CONTACT
from crm_app.ingest.writers.base import CONTACT_FIELDS, WRITE_BATCH, Upsert, Writer
from personas_app.models import Contact


class ContactWriter(Writer):
    kind = CONTACT

    def write(self, parser: RowParser, batch: list[Parsed]) -> None:
        batch = self.claim_ids(parser, batch)
        accounts = self.accounts_for(batch)
        fields = [f for f in CONTACT_FIELDS if f in parser.getters]
        has_reports_to = "reports_to" in parser.getters
        existing = {
            c.external_id: c
            for c in Contact.all_objects.filter(
                workspace_id=self.ws, external_id__in=[p.values["external_id"] for p in batch]
            ).only("id", "external_id", "account_id", "reports_to_id", *fields)
        }
        upsert, moved = Upsert(Contact, self.tally), []
        for parsed in batch:
            values = parsed.values
            ext = values["external_id"]
            account_id = self.account_id(parser, parsed, accounts)
            if account_id is None:
                continue
            data = {f: values.get(f) for f in fields}
            for name in ("first_name", "title", "email", "department", "seniority"):
                if name in data and data[name] is None:
                    data[name] = ""
            if "has_left" in data and data["has_left"] is None:
                data.pop("has_left")
            data["account_id"] = account_id
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
                Contact.all_objects.filter(workspace_id=self.ws)
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
            Contact.all_objects.bulk_update(  # marked deleted too (see Changes.flush)
                changed, ["reports_to_id", "updated_at"], batch_size=WRITE_BATCH
            )
