"""What the CRM deleted (PRODUCT.md §11): a CSV import of the same records updates the marked
rows in place (no duplicate, no clash with the unique external id), and the admin's purge
removes the marked deals, contacts and accounts with their roles while conversations stay."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts_app.models import Account
from crm_app.selectors import crm_deleted_counts
from crm_app.services.purge import crm_deleted_purge
from deals_app.models import Conversation, Deal, DealRole
from personas_app.models import Contact
from tests.factories import ConversationFactory, DealRoleFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HUBSPOT = ROOT / "tests" / "fixtures" / "imports" / "hubspot"


def _import(workspace) -> None:
    call_command("import_crm", "--workspace", workspace.slug, *map(str, HUBSPOT.glob("*.csv")))


def _mark(model, workspace, external_id: str) -> None:
    model.all_objects.filter(workspace=workspace, external_id=external_id).update(
        crm_deleted_at=timezone.now()
    )


def test_an_import_updates_records_marked_deleted_instead_of_duplicating_them(workspace, capsys):
    _import(workspace)
    counts = {
        m: m.all_objects.filter(workspace=workspace).count() for m in (Account, Contact, Deal)
    }
    _mark(Deal, workspace, "7001")
    _mark(Contact, workspace, "501")
    _mark(Account, workspace, "9002")
    Deal.all_objects.filter(workspace=workspace, external_id="7001").update(name="Renamed here")
    capsys.readouterr()

    _import(workspace)  # the same export again: no IntegrityError on the external ids

    out = capsys.readouterr().out
    assert "Deals: 0 created" in out
    after = {m: m.all_objects.filter(workspace=workspace).count() for m in (Account, Contact, Deal)}
    assert after == counts
    deal = Deal.all_objects.get(workspace=workspace, external_id="7001")
    assert deal.name == "Northwind – observability"  # updated from the file
    # A CSV import is not the CRM saying the record is back: it stays marked (and hidden).
    assert deal.crm_deleted_at is not None
    assert not Deal.objects.filter(pk=deal.pk).exists()


def test_the_purge_removes_marked_records_with_their_roles_and_keeps_conversations(workspace):
    role = DealRoleFactory.create(deal__account__workspace=workspace)
    deal, contact = role.deal, role.contact
    kept_role = DealRoleFactory.create(deal__account=deal.account)
    talk = ConversationFactory.create(account=deal.account, deal=deal, title="Kept")
    talk.participants.add(contact)
    Deal.all_objects.filter(pk=deal.pk).update(crm_deleted_at=timezone.now())
    Contact.all_objects.filter(pk=kept_role.contact_id).update(crm_deleted_at=timezone.now())
    assert crm_deleted_counts(workspace=workspace) == {"deals": 1, "contacts": 1, "accounts": 0}

    purged = crm_deleted_purge(workspace=workspace)

    assert purged == {"deals": 1, "contacts": 1, "accounts": 0}
    assert not Deal.all_objects.filter(pk=deal.pk).exists()
    assert not DealRole.objects.filter(pk__in=[role.pk, kept_role.pk]).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()  # a live contact stays
    talk = Conversation.objects.get(pk=talk.pk)
    assert talk.deal_id is None and talk.title == "Kept"
    assert list(talk.participants.all()) == [contact]
    assert crm_deleted_counts(workspace=workspace) == {"deals": 0, "contacts": 0, "accounts": 0}
