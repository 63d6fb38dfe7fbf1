"""Reads of win/loss surveys, scoped to a workspace."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from accounts_app.models import Workspace
from deals_app.models import Deal, DealRole
from personas_app.models import Contact

from .models import Survey, SurveyQuerySet


def survey_list(*, workspace: Workspace) -> SurveyQuerySet:
    """The workspace's surveys with ``state_value`` annotated and what a row shows loaded."""
    return (
        Survey.objects.for_workspace(workspace)
        .with_state()
        .select_related("deal", "contact")
        .order_by("-sent_at", "-id")
    )


def survey_list_for_deal(*, workspace: Workspace, deal: Deal) -> SurveyQuerySet:
    return survey_list(workspace=workspace).filter(deal=deal)


def survey_candidates(*, workspace: Workspace, deal: Deal) -> QuerySet[Contact]:
    """Who can be asked about a deal: the contacts with a role on it and the people of its
    account who are still there; ``is_buyer`` marks an economic buyer (listed first)."""
    roles = DealRole.objects.filter(workspace=workspace, deal=deal, contact=OuterRef("pk"))
    return (
        Contact.objects.for_workspace(workspace)
        .filter(has_left=False)
        .annotate(
            on_deal=Exists(roles),
            is_buyer=Exists(roles.filter(role=DealRole.Role.ECONOMIC_BUYER)),
        )
        .filter(Q(on_deal=True) | Q(account_id=deal.account_id))
        .annotate(
            rank=Case(
                When(is_buyer=True, then=Value(0)),
                When(on_deal=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "last_name", "first_name", "pk")
    )
