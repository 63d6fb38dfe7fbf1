"""Writes for the catalog of what we learn: assumptions, evidence, feature requests, mentions."""

from django.db import transaction

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from common.services import check_owned, save_validated
from insights_app.events import assumption_status_watch, feature_request_created_event
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _refuse_twin(workspace: Workspace, statement: str, exclude_pk=None) -> None:
    """Refuse a statement the workspace already holds (any case, any spacing): evidence split
    over two copies of one belief would hide its status."""
    if not statement:
        return
    twins = Assumption.objects.for_workspace(workspace).filter(statement__iexact=statement)
    if exclude_pk is not None:
        twins = twins.exclude(pk=exclude_pk)
    if twins.exists():
        raise ApplicationError("An assumption with this statement exists already.")


@transaction.atomic
def assumption_create(
    *, workspace: Workspace, statement: str, area: str = "", created_by=None
) -> Assumption:
    """Record a roadmap assumption; its status starts untested (no evidence yet). The statement
    and area are trimmed to single spaces."""
    statement, area = _one_line(statement), _one_line(area)
    _refuse_twin(workspace, statement)
    return save_validated(
        Assumption(workspace=workspace), statement=statement, area=area, created_by=created_by
    )


@transaction.atomic
def assumption_update(
    *,
    workspace: Workspace,
    assumption: Assumption,
    statement: str | None = None,
    area: str | None = None,
) -> Assumption:
    """Reword an assumption (or move it to another area); its evidence stays with it. A field
    left out (None) keeps its value."""
    check_owned(assumption, workspace)
    fields = {}
    if statement is not None:
        fields["statement"] = _one_line(statement)
        _refuse_twin(workspace, fields["statement"], exclude_pk=assumption.pk)
    if area is not None:
        fields["area"] = _one_line(area)
    return save_validated(assumption, **fields)


@transaction.atomic
def assumption_delete(*, workspace: Workspace, assumption: Assumption) -> None:
    """Delete an assumption with its evidence."""
    check_owned(assumption, workspace)
    assumption.delete()


@transaction.atomic
def evidence_create(*, workspace: Workspace, **fields) -> Evidence:
    assumption = fields.get("assumption")
    ids = (assumption.pk,) if isinstance(assumption, Assumption) else ()
    with assumption_status_watch(workspace_id=workspace.pk, assumption_ids=ids):
        return save_validated(Evidence(workspace=workspace), **fields)


@transaction.atomic
def evidence_update(*, workspace: Workspace, evidence: Evidence, **fields) -> Evidence:
    check_owned(evidence, workspace)
    ids = {evidence.assumption_id}
    if isinstance(fields.get("assumption"), Assumption):
        ids.add(fields["assumption"].pk)
    with assumption_status_watch(workspace_id=workspace.pk, assumption_ids=tuple(ids)):
        return save_validated(evidence, **fields)


@transaction.atomic
def evidence_delete(*, workspace: Workspace, evidence: Evidence) -> None:
    check_owned(evidence, workspace)
    with assumption_status_watch(
        workspace_id=workspace.pk, assumption_ids=(evidence.assumption_id,)
    ):
        evidence.delete()


@transaction.atomic
def feature_request_create(
    *,
    workspace: Workspace,
    title: str,
    description: str = "",
    status: str = FeatureRequest.Status.NEW,
) -> FeatureRequest:
    """Record a feature request; its title is stored without surrounding spaces."""
    feature = save_validated(
        FeatureRequest(workspace=workspace),
        title=(title or "").strip(),
        description=description,
        status=status,
    )
    feature_request_created_event(feature)
    return feature


@transaction.atomic
def feature_request_update(
    *,
    workspace: Workspace,
    feature_request: FeatureRequest,
    title: str | None = None,
    description: str | None = None,
    status: str | None = None,
) -> FeatureRequest:
    """Change a feature request; a field left out (None) keeps its value."""
    check_owned(feature_request, workspace)
    fields = {
        "title": title.strip() if title is not None else None,
        "description": description,
        "status": status,
    }
    given = {name: value for name, value in fields.items() if value is not None}
    return save_validated(feature_request, **given)


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
