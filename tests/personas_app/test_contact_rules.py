"""Contacts report within their account; advocacy edges stay inside one workspace."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from personas_app.models import Advocacy, Contact
from tests.factories import AccountFactory, AdvocacyFactory, ContactFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

REPORTS_TO = "contact_reports_to_same_account"


def _check_deferred_constraints():
    # PostgreSQL checks the deferred composite key at commit; inside a test, force it now.
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_reporting_to_someone_at_another_account_is_rejected_with_a_message():
    boss = ContactFactory.create()
    report = ContactFactory.create(account=AccountFactory.create(workspace=boss.workspace))
    report.reports_to = boss
    with pytest.raises(ValidationError) as exc:
        report.full_clean()
    assert exc.value.message_dict["reports_to"] == [
        "A contact can only report to someone at the same account."
    ]


def test_the_database_refuses_a_reporting_line_across_accounts():
    boss = ContactFactory.create()
    report = ContactFactory.create(account=AccountFactory.create(workspace=boss.workspace))
    with pytest.raises(IntegrityError, match=REPORTS_TO), transaction.atomic():
        Contact.objects.filter(pk=report.pk).update(reports_to=boss)
        _check_deferred_constraints()


def test_the_database_refuses_moving_a_manager_away_from_their_reports():
    boss = ContactFactory.create()
    ContactFactory.create(account=boss.account, reports_to=boss)
    elsewhere = AccountFactory.create(workspace=boss.workspace)
    with pytest.raises(IntegrityError, match=REPORTS_TO), transaction.atomic():
        Contact.objects.filter(pk=boss.pk).update(account=elsewhere)
        _check_deferred_constraints()


def test_reporting_lines_within_an_account_are_fine_and_loops_are_refused():
    ceo = ContactFactory.create(title="CEO")
    cio = ContactFactory.create(account=ceo.account, reports_to=ceo, title="CIO")
    sre = ContactFactory.create(account=ceo.account, reports_to=cio)
    sre.full_clean()
    ceo.reports_to = sre
    with pytest.raises(ValidationError) as exc:
        ceo.full_clean()
    assert exc.value.message_dict["reports_to"] == ["This reporting line would form a loop."]


def test_a_contact_cannot_report_to_themselves():
    contact = ContactFactory.create()
    contact.reports_to = contact
    with pytest.raises(ValidationError, match="cannot report to themselves"):
        contact.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        contact.save()


def test_deleting_a_manager_keeps_their_reports():
    boss = ContactFactory.create()
    report = ContactFactory.create(account=boss.account, reports_to=boss)
    boss.delete()
    report.refresh_from_db()
    assert report.reports_to is None


def test_contact_of_an_account_in_another_workspace_is_rejected():
    contact = ContactFactory.build(account=AccountFactory.create())
    contact.workspace = WorkspaceFactory.create()
    with pytest.raises(ValidationError) as exc:
        contact.full_clean()
    assert exc.value.message_dict["account"] == ["This account belongs to another workspace."]


def test_advocacy_to_oneself_is_rejected():
    contact = ContactFactory.create()
    edge = Advocacy(workspace=contact.workspace, advocate=contact, audience=contact)
    with pytest.raises(ValidationError, match="cannot advocate to themselves"):
        edge.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        edge.save()


def test_an_outside_advisor_may_advocate_but_not_from_another_workspace():
    edge = AdvocacyFactory.create()
    advisor = ContactFactory.create(account=AccountFactory.create(workspace=edge.workspace))
    Advocacy(workspace=edge.workspace, advocate=advisor, audience=edge.audience).full_clean()
    stranger = ContactFactory.create()
    bad = Advocacy(workspace=edge.workspace, advocate=stranger, audience=edge.audience)
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert exc.value.message_dict["advocate"] == ["This contact belongs to another workspace."]
