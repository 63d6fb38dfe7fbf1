"""Removing a person's role on the deal page (issue 23): a confirmation first (a second step
that works without JavaScript), then an "Undo" that puts the role back as it was, from a
signed copy of its fields that cannot be forged."""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse

from deals_app.models import DealRole
from deals_app.views.deal_detail import UNDO_SALT
from tests.factories import ContactFactory, DealFactory, DealRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(workspace):
    deal = DealFactory.create(account__workspace=workspace)
    contact = ContactFactory.create(account=deal.account, first_name="Ines", last_name="Ito")
    return DealRoleFactory.create(
        deal=deal,
        contact=contact,
        role="champion",
        stance="supporter",
        is_primary=True,
        last_engaged_on=dt.date(2026, 2, 3),
    )


def _remove(client, role):
    return client.post(
        reverse("deal-edit", args=[role.deal_id, "remove-role"]), {"deal_role": role.pk}
    )


def test_remove_asks_for_confirmation_first(client, member, role):
    client.force_login(member("sales"))
    html = client.get(reverse("deal-detail", args=[role.deal_id])).content.decode()
    assert '<details class="confirm-remove" data-testid="remove-role">' in html
    assert "Remove Ines Ito as champion? You can undo it right after." in html
    assert "Yes, remove" in html


def test_undo_puts_the_role_back_as_it_was(client, member, role):
    client.force_login(member("sales"))
    response = _remove(client, role)
    assert response.status_code == 302
    assert not DealRole.objects.filter(pk=role.pk).exists()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Ines Ito is no longer champion." in html
    assert "Ines Ito was removed as champion." in html
    token = page.context["undo"]["token"]
    restore = reverse("deal-edit", args=[role.deal_id, "restore-role"])
    response = client.post(restore, {"token": token}, follow=True)
    assert "Ines Ito is back as champion." in response.content.decode()
    back = DealRole.objects.get(deal=role.deal, contact=role.contact)
    assert (back.role, back.stance, back.is_primary, back.last_engaged_on) == (
        "champion",
        "supporter",
        True,
        dt.date(2026, 2, 3),
    )
    # The history shows the removal and the return.
    actions = [e.action for e in response.context["history"] if e.subject == "Ines Ito as Champion"]
    assert actions[:2] == ["created", "deleted"]  # newest first: back, after removed


def test_a_forged_or_foreign_undo_is_refused(client, member, role, workspace):
    client.force_login(member("sales"))
    restore = reverse("deal-edit", args=[role.deal_id, "restore-role"])
    forged = signing.dumps({"deal": role.deal_id, "contact": role.contact_id}, salt="other")
    response = client.post(restore, {"token": forged})
    assert response.status_code == 400
    assert "This undo has expired or is not valid." in response.content.decode()
    other = DealFactory.create(account__workspace=workspace)
    token = signing.dumps(
        {"deal": other.pk, "contact": role.contact_id, "role": "user", "stance": "neutral"},
        salt=UNDO_SALT,
    )
    response = client.post(restore, {"token": token})
    assert response.status_code == 400
    assert DealRole.objects.filter(deal=role.deal).count() == 1


def test_readers_cannot_remove_or_restore(client, member, role):
    client.force_login(member("pm"))
    html = client.get(reverse("deal-detail", args=[role.deal_id])).content.decode()
    assert "confirm-remove" not in html
    assert _remove(client, role).status_code == 403
    assert DealRole.objects.filter(pk=role.pk).exists()
