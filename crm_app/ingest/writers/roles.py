"""Deal roles: a contact's roles on a deal, from contact-role rows or association cells."""

from dataclasses import dataclass

from django.utils import timezone

from crm_app.ingest.parsing import Parsed, RowParser
from crm_app.ingest.recognition import CONTACT, DEAL, DEAL_ROLE
from crm_app.ingest.writers.base import WRITE_BATCH, Writer, diff_fields, row_where
from deals_app.history import history_record_bulk
from deals_app.models import Deal, DealRole
from personas_app.models import Contact


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
        existing: dict[tuple[int, int, str], DealRole] = {}
        # Whole rows: the history written for changed roles reads every tracked field.
        for stored in DealRole.objects.filter(workspace_id=self.ws, deal_id__in=deal_pks):
            existing[(stored.deal_id, stored.contact_id, stored.role)] = stored
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
                self.ledger.primary_of[deal_pk] = (row_where(parser, link.parsed), contact_pk)
                primary_keys.add((deal_pk, contact_pk, roles[0]))
            for index, role in enumerate(roles):
                key = (deal_pk, contact_pk, role)
                if key in self.ledger.roles_seen:
                    continue
                self.ledger.roles_seen.add(key)
                data: dict[str, bool | str] = {}
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
                diff = diff_fields(obj, data)
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
