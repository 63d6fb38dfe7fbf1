"""The per-account reads of the win/loss survey figures (PRODUCT.md §13): how many surveys
were sent and answered, and the competitors buyers named. One query per family, grouped by
the account of the survey's deal, like the families of ``facts``; all time (a survey belongs
to the workspace as it is now, not to a period of close dates)."""

from collections.abc import Iterator

from django.db.models import Count, F, Min, Q
from django.db.models.functions import Lower, Trim

from accounts_app.models import Workspace
from surveys_app.models import Alternative, Survey

from .facts import LIVE_DEAL, _stream

SURVEY_COLUMNS = ("account_id", "surveys_sent", "surveys_answered")


def surveys_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(account, surveys sent, surveys answered) by the account of the survey's deal."""
    return _stream(
        Survey.objects.filter(LIVE_DEAL, workspace_id=workspace.pk)
        .values(deal_account=F("deal__account_id"))
        .annotate(
            surveys_sent=Count("id"),
            surveys_answered=Count("id", filter=Q(answered_at__isnull=False)),
        )
        .values_list("deal_account", "surveys_sent", "surveys_answered")
    )


COMPETITOR_COLUMNS = ("account_id", "competitor", "name", "surveys", "deals")


def competitors_by_account(*, workspace: Workspace) -> Iterator[tuple]:
    """(account, competitor key, a spelling of it, surveys, distinct deals) over answered
    surveys whose buyer chose a competitor. The key is the name trimmed and lower-cased, so
    "Globex" and " globex " count together; a deal has one account, so distinct deals per
    account add up exactly across accounts."""
    key = Lower(Trim("competitor"))
    return _stream(
        Survey.objects.filter(
            LIVE_DEAL,
            workspace_id=workspace.pk,
            answered_at__isnull=False,
            alternative=Alternative.COMPETITOR,
        )
        .exclude(competitor="")
        .values(deal_account=F("deal__account_id"), competitor_key=key)
        .annotate(
            name=Min(Trim("competitor")), surveys=Count("id"), deals=Count("deal_id", distinct=True)
        )
        .values_list("deal_account", "competitor_key", "name", "surveys", "deals")
    )
