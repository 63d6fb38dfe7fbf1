"""Sending a closed deal's survey: a real SMTP server gets one e-mail per contact with a
personal link; sending again is a reminder with a new link; the rules refuse what they must."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from deals_app.models import Deal
from surveys_app.models import Survey
from surveys_app.services import survey_preview, survey_send

pytestmark = pytest.mark.django_db


def _send(closed, contacts, capture, user=None):
    with capture(execute=True):
        return survey_send(
            workspace=closed.workspace,
            deal=closed.deal,
            contacts=contacts,
            sent_by=user or closed.pm,
        )


def test_sending_mails_each_contact_a_personal_link_stored_only_as_a_hash(
    closed, smtp, django_capture_on_commit_callbacks
):
    surveys = _send(closed, [closed.buyer, closed.champion], django_capture_on_commit_callbacks)

    assert len(surveys) == 2 and not any(s.reminded for s in surveys)
    assert len(smtp.messages) == 2
    by_rcpt = {m["X-Rcpt-To"]: m for m in smtp.messages}
    message = by_rcpt["bea@initech.example"]
    assert message["Subject"] == "Acme Observability: one minute on Initech observability?"
    assert "alerts@deallens.local" in message["From"]
    assert message.get_body(preferencelist=("html",)) is not None
    text = smtp.text(message)
    assert "Hello Bea" in text and "Initech observability" in text
    token = smtp.token(message)
    assert len(token) >= 43  # 32 random bytes, base64url
    survey = Survey.objects.get(contact=closed.buyer)
    assert survey.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Survey.objects.filter(pk=survey.pk).values().get())
    assert survey.state == "sent" and survey.sent_by == closed.pm
    assert (survey.expires_at - survey.sent_at).days == 30
    assert Client().get(f"/s/{token}/").status_code == 200


def test_sending_again_is_a_reminder_with_a_new_link_and_the_old_one_stops_working(
    closed, smtp, django_capture_on_commit_callbacks
):
    _send(closed, [closed.buyer], django_capture_on_commit_callbacks)
    first = smtp.token(smtp.messages[0])
    survey = Survey.objects.get()
    Survey.objects.filter(pk=survey.pk).update(expires_at=survey.expires_at.replace(year=2020))

    again = _send(closed, [closed.buyer], django_capture_on_commit_callbacks)

    assert [s.reminded for s in again] == [True]
    assert Survey.objects.count() == 1
    survey.refresh_from_db()
    assert survey.reminder_count == 1 and survey.reminded_at is not None
    assert survey.state == "sent"  # the expiry restarted
    second = smtp.token(smtp.messages[1])
    assert second != first
    client = Client()
    old = client.get(f"/s/{first}/")
    assert old.status_code == 404
    assert b"not valid" in old.content
    assert client.get(f"/s/{second}/").status_code == 200


def test_a_contact_without_an_email_is_named_in_the_error(closed):
    with pytest.raises(ValidationError) as refused:
        survey_send(
            workspace=closed.workspace,
            deal=closed.deal,
            contacts=[closed.buyer, closed.no_email],
            sent_by=closed.pm,
        )
    assert refused.value.message_dict == {
        "contacts": ["No e-mail address for Nora Nomail: add one first."]
    }
    assert Survey.objects.count() == 0


def test_an_open_deal_gets_no_survey(closed):
    Deal.objects.filter(pk=closed.deal.pk).update(stage=Deal.Stage.NEGOTIATION, loss_reason="")
    closed.deal.refresh_from_db()
    with pytest.raises(ValidationError, match="only for won or lost deals"):
        survey_send(
            workspace=closed.workspace, deal=closed.deal, contacts=[closed.buyer], sent_by=None
        )


def test_a_contact_who_answered_gets_no_reminder(closed):
    from django.utils import timezone

    Survey.objects.create(
        workspace=closed.workspace,
        deal=closed.deal,
        contact=closed.buyer,
        token_hash="0" * 64,
        sent_at=timezone.now(),
        expires_at=timezone.now(),
        answered_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="Bea Buyer answered already"):
        survey_send(
            workspace=closed.workspace, deal=closed.deal, contacts=[closed.buyer], sent_by=None
        )


def test_a_mail_server_that_is_down_is_reported_on_the_survey_not_raised(
    closed, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    _send(closed, [closed.buyer], django_capture_on_commit_callbacks)
    survey = Survey.objects.get()
    assert survey.last_error.startswith("E-mail not sent")


def test_the_preview_shows_the_email_without_a_real_link(closed):
    preview = survey_preview(workspace=closed.workspace, deal=closed.deal, contact=closed.buyer)
    assert preview.subject == "Acme Observability: one minute on Initech observability?"
    assert "Hello Bea" in preview.text and "(a personal link)" in preview.text
    assert Survey.objects.count() == 0


def test_the_deal_page_links_to_the_survey_page_for_closed_deals_only(closed, client):
    client.force_login(closed.pm)
    page = client.get(reverse("deal-detail", args=[closed.deal.pk]))
    assert reverse("deal-survey", args=[closed.deal.pk]).encode() in page.content
    Deal.objects.filter(pk=closed.deal.pk).update(stage=Deal.Stage.PROPOSAL, loss_reason="")
    page = client.get(reverse("deal-detail", args=[closed.deal.pk]))
    assert reverse("deal-survey", args=[closed.deal.pk]).encode() not in page.content


def test_the_survey_page_previews_then_sends(
    closed, client, smtp, django_capture_on_commit_callbacks
):
    client.force_login(closed.pm)
    url = reverse("deal-survey", args=[closed.deal.pk])
    page = client.get(url).content.decode()
    assert f'value="{closed.buyer.pk}" checked' in page  # the economic buyer, preselected
    assert "no e-mail address" in page
    assert f'value="{closed.no_email.pk}" disabled' in page

    preview = client.post(url, {"contacts": [closed.buyer.pk], "action": "preview"})
    assert preview.status_code == 200
    assert b"Preview" in preview.content and b"Hello Bea" in preview.content
    assert Survey.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"contacts": [closed.buyer.pk], "action": "send"}, follow=True)
    assert b"1 survey sent." in sent.content
    assert len(smtp.messages) == 1
    assert b'data-testid="survey-state">sent<' in sent.content

    refused = client.post(url, {"contacts": [closed.no_email.pk], "action": "send"})
    assert refused.status_code == 400


def test_a_contact_of_another_workspace_is_refused(closed, other_workspace):
    from tests.factories import ContactFactory

    stranger = ContactFactory.create(account__workspace=other_workspace)
    with pytest.raises(ValidationError, match="another workspace"):
        survey_send(workspace=closed.workspace, deal=closed.deal, contacts=[stranger], sent_by=None)


def test_only_pms_admins_and_the_owner_may_send(closed, member, client):
    for role in ("exec", "sales"):
        user = member(role)
        with pytest.raises(PermissionDenied):
            survey_send(
                workspace=closed.workspace, deal=closed.deal, contacts=[closed.buyer], sent_by=user
            )
        client.force_login(user)
        url = reverse("deal-survey", args=[closed.deal.pk])
        assert client.get(url).status_code == 200  # reading is fine
        response = client.post(url, {"contacts": [closed.buyer.pk], "action": "send"})
        assert response.status_code == 403, role
    assert Survey.objects.count() == 0
    for user in (closed.owner, member("admin"), closed.pm):
        survey_send(
            workspace=closed.workspace, deal=closed.deal, contacts=[closed.champion], sent_by=user
        )
    assert Survey.objects.get().reminder_count == 2


def test_a_contact_of_another_account_without_a_role_on_the_deal_is_refused(closed):
    from tests.factories import ContactFactory, DealRoleFactory

    outsider = ContactFactory.create(account__workspace=closed.workspace, last_name="Outsider")
    with pytest.raises(ValidationError, match="Outsider: not on this deal or its account"):
        survey_send(workspace=closed.workspace, deal=closed.deal, contacts=[outsider], sent_by=None)
    # A partner with a role on the deal may be asked.
    DealRoleFactory.create(deal=closed.deal, contact=outsider, role="influencer")
    assert survey_send(
        workspace=closed.workspace, deal=closed.deal, contacts=[outsider], sent_by=None
    )
