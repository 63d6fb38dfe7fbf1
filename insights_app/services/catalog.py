"""Writes for the catalog of what we learn: assumptions, evidence, feature requests, mentions."""

from django.db import transaction

from accounts_app.models import Workspace
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest
from personas_app.services import check_owned, save_validated


@transaction.atomic
def assumption_create(*, workspace: Workspace, **fields) -> Assumption:
    return save_validated(Assumption(workspace=workspace), **fields)


@transaction.atomic
def assumption_update(*, workspace: Workspace, assumption: Assumption, **fields) -> Assumption:
    check_owned(assumption, workspace)
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
