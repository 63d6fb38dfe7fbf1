"""Writes for the catalog of what we learn: assumptions, evidence, feature requests, mentions."""

from django.db import transaction

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest
from personas_app.services import check_owned, save_validated


def _assumption_fields(workspace: Workspace, fields: dict, exclude_pk=None) -> dict:
    """Trim the statement and area, and refuse a statement the workspace already holds (any
    case, any spacing): evidence split over two copies of one belief would hide its status."""
    for name in ("statement", "area"):
        if name in fields:
            fields[name] = " ".join((fields[name] or "").split())
    statement = fields.get("statement")
    if statement:
        twins = Assumption.objects.for_workspace(workspace).filter(statement__iexact=statement)
        if exclude_pk is not None:
            twins = twins.exclude(pk=exclude_pk)
        if twins.exists():
            raise ApplicationError("An assumption with this statement exists already.")
    return fields


@transaction.atomic
def assumption_create(*, workspace: Workspace, **fields) -> Assumption:
    """Record a roadmap assumption; its status starts untested (no evidence yet)."""
    fields = _assumption_fields(workspace, fields)
    return save_validated(Assumption(workspace=workspace), **fields)


@transaction.atomic
def assumption_update(*, workspace: Workspace, assumption: Assumption, **fields) -> Assumption:
    """Reword an assumption (or move it to another area); its evidence stays with it."""
    check_owned(assumption, workspace)
    fields = _assumption_fields(workspace, fields, exclude_pk=assumption.pk)
    return save_validated(assumption, **fields)


@transaction.atomic
def assumption_delete(*, workspace: Workspace, assumption: Assumption) -> None:
    """Delete an assumption with its evidence."""
    check_owned(assumption, workspace)
    assumption.delete()


@transaction.atomic
def evidence_create(*, workspace: Workspace, **fields) -> Evidence:
    return save_validated(Evidence(workspace=workspace), **fields)


@transaction.atomic
def evidence_update(*, workspace: Workspace, evidence: Evidence, **fields) -> Evidence:
    check_owned(evidence, workspace)
    return save_validated(evidence, **fields)


@transaction.atomic
def evidence_delete(*, workspace: Workspace, evidence: Evidence) -> None:
    check_owned(evidence, workspace)
    evidence.delete()


@transaction.atomic
def feature_request_create(*, workspace: Workspace, **fields) -> FeatureRequest:
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    return save_validated(FeatureRequest(workspace=workspace), **fields)


@transaction.atomic
def feature_request_update(
    *, workspace: Workspace, feature_request: FeatureRequest, **fields
) -> FeatureRequest:
    check_owned(feature_request, workspace)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    return save_validated(feature_request, **fields)


@transaction.atomic
def feature_request_delete(*, workspace: Workspace, feature_request: FeatureRequest) -> None:
    """Delete a feature request with its mentions."""
    check_owned(feature_request, workspace)
    feature_request.delete()


@transaction.atomic
def feature_mention_create(*, workspace: Workspace, **fields) -> FeatureMention:
    return save_validated(FeatureMention(workspace=workspace), **fields)


@transaction.atomic
def feature_mention_update(
    *, workspace: Workspace, feature_mention: FeatureMention, **fields
) -> FeatureMention:
    check_owned(feature_mention, workspace)
    return save_validated(feature_mention, **fields)


@transaction.atomic
def feature_mention_delete(*, workspace: Workspace, feature_mention: FeatureMention) -> None:
    check_owned(feature_mention, workspace)
    feature_mention.delete()
