"""Writes of win/loss surveys: send (or remind), open, answer (PRODUCT.md §13).

The raw token of a link exists only in the e-mail: a survey row keeps its SHA-256, so a
database reader cannot answer for a buyer. A reminder issues a new token for the same row
(the old link stops working) and restarts the 30 days.
"""

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts_app.models import Membership, Workspace
from common.exceptions import ApplicationError
from deals_app.models import Conversation, Deal, DealRole, LossReason
from deals_app.services import conversation_create
from events_app.models import EventType
from events_app.services import event_record
from personas_app.models import Contact

from .models import LOSS_REASON_WORDS, SURVEY_LIFETIME, Alternative, Survey, WinReason

logger = logging.getLogger(__name__)

SENDER_ROLES = (Membership.Role.ADMIN, Membership.Role.PM)


class SurveyLinkError(ApplicationError):
    """A link that cannot be used; ``reason`` is ``unknown``, ``answered`` or ``expired``."""

    def __init__(self, reason: str):
        messages = {
            "unknown": "This link is not valid.",
            "answered": "This survey has been answered already.",
            "expired": "This link has expired.",
        }
        super().__init__(messages[reason])
        self.reason = reason


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)  # 256 bits
    return token, token_hash(token)


def survey_link(token: str) -> str:
    return f"{settings.DEALLENS_BASE_URL}/s/{token}/"


def survey_may_send(*, workspace: Workspace, user: AbstractBaseUser, deal: Deal) -> bool:
    """PMs, admins and the deal's owner send surveys; other sales reps and execs do not."""
    role = (
        Membership.objects.filter(workspace=workspace, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        return False
    return role in SENDER_ROLES or (deal.owner_id is not None and deal.owner_id == user.pk)


def reason_choices(deal: Deal) -> list[tuple[str, str]]:
    """The main-reason answers a survey about this deal offers, in the buyer's words."""
    if deal.stage == Deal.Stage.CLOSED_WON:
        return list(WinReason.choices)
    return [(value, LOSS_REASON_WORDS[LossReason(value)]) for value, _ in LossReason.choices]


# --- e-mail -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyEmail:
    subject: str
    text: str
    html: str


def _email(*, deal: Deal, contact: Contact, link: str, expires_at: dt.datetime) -> SurveyEmail:
    workspace_name = deal.workspace.name
    context = {
        "workspace_name": workspace_name,
        "deal_name": deal.name,
        "first_name": contact.first_name or contact.full_name,
        "link": link,
        "expires_on": timezone.localdate(expires_at),
        "won": deal.stage == Deal.Stage.CLOSED_WON,
    }
    subject = f"{workspace_name}: one minute on {deal.name}?"
    return SurveyEmail(
        subject=subject,
        text=render_to_string("surveys_app/email/survey.txt", context),
        html=render_to_string("surveys_app/email/survey.html", context),
    )


def survey_preview(*, workspace: Workspace, deal: Deal, contact: Contact) -> SurveyEmail:
    """The e-mail a contact would get, with a placeholder where the personal link goes."""
    if deal.workspace_id != workspace.pk or contact.workspace_id != workspace.pk:
        raise ApplicationError("This deal or contact belongs to another workspace.")
    return _email(
        deal=deal,
        contact=contact,
        link=f"{settings.DEALLENS_BASE_URL}/s/…/ (a personal link)",
        expires_at=timezone.now() + SURVEY_LIFETIME,
    )


def _deliver(items: list[tuple[int, str]]) -> None:
    """Send the e-mails of surveys just committed; a failure is noted on the survey."""
    connection = get_connection(fail_silently=False)
    for survey_id, token in items:
        survey = Survey.objects.select_related("deal__workspace", "contact").get(pk=survey_id)
        message = _email(
            deal=survey.deal,
            contact=survey.contact,
            link=survey_link(token),
            expires_at=survey.expires_at,
        )
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[survey.contact.email],
            connection=connection,
        )
        mail.attach_alternative(message.html, "text/html")
        try:
            mail.send()
        except Exception as exc:  # noqa: BLE001 - any mail failure is reported, never a 500
            logger.warning("Survey %s: e-mail not sent (%s)", survey_id, exc)
            error = f"E-mail not sent: {exc}"[:300]
            Survey.objects.filter(pk=survey_id).update(last_error=error)
        else:
            Survey.objects.filter(pk=survey_id).exclude(last_error="").update(last_error="")


# --- send -------------------------------------------------------------------------------------


@transaction.atomic
def survey_send(
    *,
    workspace: Workspace,
    deal: Deal,
    contacts: Iterable[Contact],
    sent_by: AbstractBaseUser | None,
) -> list[Survey]:
    """Send a survey to each contact about a closed deal; a contact already asked gets a
    reminder (a new link for the same survey). The e-mails leave after commit.

    Each returned survey has ``reminded`` set: True when it was a reminder.
    """
    contacts = list(contacts)
    if deal.workspace_id != workspace.pk:
        raise ApplicationError("This deal belongs to another workspace.")
    if sent_by is not None and not survey_may_send(workspace=workspace, user=sent_by, deal=deal):
        raise PermissionDenied("Only PMs, admins and the deal's owner send surveys.")
    if not deal.is_closed:
        raise ValidationError({"deal": "Surveys are sent only for won or lost deals."})
    if not contacts:
        raise ValidationError({"contacts": "Choose at least one contact."})
    foreign = [c for c in contacts if c.workspace_id != workspace.pk]
    if foreign:
        raise ValidationError({"contacts": "A contact belongs to another workspace."})
    on_deal = set(
        DealRole.objects.filter(deal=deal, contact__in=[c.pk for c in contacts]).values_list(
            "contact_id", flat=True
        )
    )
    unrelated = [
        c.full_name for c in contacts if c.pk not in on_deal and c.account_id != deal.account_id
    ]
    if unrelated:
        # The e-mail names the deal: only its own people are asked about it.
        raise ValidationError(
            {"contacts": f"{', '.join(unrelated)}: not on this deal or its account."}
        )
    no_email = [c.full_name for c in contacts if not c.email]
    if no_email:
        raise ValidationError(
            {"contacts": f"No e-mail address for {', '.join(no_email)}: add one first."}
        )
    existing = {
        s.contact_id: s
        for s in Survey.objects.select_for_update().filter(
            deal=deal, contact__in=[c.pk for c in contacts]
        )
    }
    answered = [c.full_name for c in contacts if c.pk in existing and existing[c.pk].answered_at]
    if answered:
        raise ValidationError(
            {"contacts": f"{', '.join(answered)} answered already: no reminder is sent."}
        )
    now = timezone.now()
    surveys, outgoing = [], []
    for contact in dict.fromkeys(contacts):  # a contact named twice is asked once
        token, digest = _new_token()
        survey = existing.get(contact.pk)
        if survey is None:
            survey = Survey(workspace=workspace, deal=deal, contact=contact)
            survey.sent_by = sent_by  # type: ignore[assignment]
            survey.sent_at = now
            survey.reminded = False  # type: ignore[attr-defined]
        else:
            survey.reminded_at = now
            survey.reminder_count += 1
            survey.reminded = True  # type: ignore[attr-defined]
        survey.token_hash = digest
        survey.expires_at = now + SURVEY_LIFETIME
        survey.last_error = ""
        survey.full_clean()
        survey.save()
        surveys.append(survey)
        outgoing.append((survey.pk, token))
    transaction.on_commit(lambda: _deliver(outgoing), robust=True)
    return surveys


# --- the buyer's side -------------------------------------------------------------------------


def survey_for_token(*, token: str, lock: bool = False) -> Survey:
    """The survey a link names, if it can still be answered; else SurveyLinkError."""
    if not token or len(token) > 100:
        raise SurveyLinkError("unknown")
    queryset = Survey.objects.select_related("deal__workspace", "deal__account", "contact")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    survey = queryset.filter(token_hash=token_hash(token)).first()
    if survey is None:
        raise SurveyLinkError("unknown")
    if survey.answered_at is not None:
        raise SurveyLinkError("answered")
    if survey.expires_at <= timezone.now():
        raise SurveyLinkError("expired")
    return survey


def survey_open(*, token: str) -> Survey:
    """The buyer opened the link: note the first time."""
    survey = survey_for_token(token=token)
    if survey.opened_at is None:
        now = timezone.now()
        Survey.objects.filter(pk=survey.pk, opened_at=None).update(opened_at=now)
        survey.opened_at = now
    return survey


def _notes(survey: Survey, reason_label: str) -> str:
    alternative = Alternative(survey.alternative).label if survey.alternative else "—"
    if survey.alternative == Alternative.COMPETITOR and survey.competitor:
        alternative = f"{alternative}: {survey.competitor}"
    lines = [
        f"Answered by {survey.contact.full_name} in the win/loss survey.",
        "",
        f"Main reason: {reason_label}",
        f"Chose instead: {alternative}",
        f"Fit (1–5): {survey.fit if survey.fit else 'not given'}",
        f"Follow-up call welcome: {'yes' if survey.follow_up_welcome else 'no'}",
    ]
    if survey.would_have_changed.strip():
        lines += ["", "What would have changed the decision:", survey.would_have_changed.strip()]
    return "\n".join(lines)


def _sentiment(fit: int | None) -> str:
    if fit is None:
        return Conversation.Sentiment.NEUTRAL
    if fit >= 4:
        return Conversation.Sentiment.POSITIVE
    return Conversation.Sentiment.NEGATIVE if fit <= 2 else Conversation.Sentiment.NEUTRAL


@transaction.atomic
def survey_answer(
    *,
    token: str,
    main_reason: str,
    alternative: str,
    competitor: str = "",
    would_have_changed: str = "",
    fit: int | None = None,
    follow_up_welcome: bool = False,
) -> Survey:
    """Store the buyer's answer and log it as a win/loss conversation on the deal's account
    (the contact as participant; for a lost deal ``stated_reason`` is the buyer's reason).
    The deal's own ``loss_reason`` — what sales recorded — is left as it is."""
    survey = survey_for_token(token=token, lock=True)
    deal, contact = survey.deal, survey.contact
    reasons = dict(reason_choices(deal))
    errors = {}
    if main_reason not in reasons:
        errors["main_reason"] = "Choose the main reason."
    if alternative not in Alternative.values:
        errors["alternative"] = "Choose what you went with instead."
    competitor = competitor.strip() if alternative == Alternative.COMPETITOR else ""
    if alternative == Alternative.COMPETITOR and not competitor:
        errors["competitor"] = "Which product did you choose?"
    if errors:
        raise ValidationError(errors)
    survey.main_reason, survey.alternative, survey.competitor = main_reason, alternative, competitor
    survey.would_have_changed = would_have_changed.strip()
    survey.fit, survey.follow_up_welcome = fit, follow_up_welcome
    survey.answered_at = timezone.now()
    if survey.opened_at is None:
        survey.opened_at = survey.answered_at
    lost = deal.stage == Deal.Stage.CLOSED_LOST
    conversation = conversation_create(
        workspace=deal.workspace,
        account=deal.account,
        deal=deal,
        participants=[contact],
        occurred_on=timezone.localdate(),
        kind=Conversation.Kind.WIN_LOSS,
        title=f"Win/loss survey: {contact.full_name}"[:255],
        notes=_notes(survey, reasons[main_reason]),
        sentiment=_sentiment(fit),
        # The won-deal list is not the loss-reason taxonomy: stated_reason stays empty then.
        stated_reason=main_reason if lost else "",
    )
    survey.conversation = conversation
    survey.full_clean()
    survey.save()
    event_record(
        workspace=survey.workspace_id,
        type=EventType.SURVEY_ANSWERED,
        object_type="deal",
        object_id=deal.pk,
        object_url=f"/deals/{deal.pk}/",
        summary=f"{contact.full_name} answered the win/loss survey for {deal.name}",
        data={
            "survey_id": survey.pk,
            "deal_id": deal.pk,
            "deal": deal.name,
            "account_id": deal.account_id,
            "account": deal.account.name,
            "owner_id": deal.owner_id,
            "amount": str(deal.amount) if deal.amount is not None else None,
            "stage": deal.stage,
            "contact": contact.full_name,
            "main_reason": main_reason,
            "alternative": alternative,
            "competitor": competitor,
            "fit": fit,
        },
        actor=None,
    )
    return survey
