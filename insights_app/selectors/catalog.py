"""Reads for the catalog (assumptions, evidence, feature requests, mentions), workspace-first."""

from django.db.models import Count, Q, QuerySet

from accounts_app.models import Workspace

from ..models import Assumption, Evidence, FeatureMention, FeatureRequest


def assumption_list(*, workspace: Workspace) -> QuerySet[Assumption]:
    """Assumptions with their evidence counts (``supports``, ``contradicts``)."""
    return (
        Assumption.objects.for_workspace(workspace)
        .select_related("created_by")
        .annotate(
            supports=Count("evidence", filter=Q(evidence__verdict=Evidence.Verdict.SUPPORTS)),
            contradicts=Count("evidence", filter=Q(evidence__verdict=Evidence.Verdict.CONTRADICTS)),
        )
        .order_by("-created_at", "-id")
    )


def evidence_list(*, workspace: Workspace) -> QuerySet[Evidence]:
    return Evidence.objects.for_workspace(workspace).select_related("assumption", "conversation")


def feature_request_list(*, workspace: Workspace) -> QuerySet[FeatureRequest]:
    """Feature requests with how many mentions and distinct accounts ask for them (accounts
    still in the CRM: the join bypasses Account's default manager, PRODUCT.md §11; the
    mentions themselves are DealLens's and all count)."""
    live_account = Q(mentions__account__crm_deleted_at=None)
    return (
        FeatureRequest.objects.for_workspace(workspace)
        .annotate(
            mention_count=Count("mentions", distinct=True),
            account_count=Count("mentions__account", filter=live_account, distinct=True),
        )
        .order_by("title", "id")
    )


def feature_mention_list(*, workspace: Workspace) -> QuerySet[FeatureMention]:
    return FeatureMention.objects.for_workspace(workspace).select_related(
        "feature", "account", "deal", "conversation"
    )
