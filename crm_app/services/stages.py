"""A CRM's pipeline stages mapped to DealLens stages (HubSpot; PRODUCT.md §11).

HubSpot deals carry a stage id of one of the portal's pipelines. Each run reads the pipelines and
refreshes the connection's stage map: a closed stage is won at probability 1.0 and lost at 0.0;
an open stage whose label the import's vocabulary knows takes that stage, any other the
DealLens stage nearest its place in its pipeline's order. An admin may choose another stage for
any of them; that choice is kept across runs and the next run re-reads the deals to apply it.
"""

from collections import defaultdict

from django.db import transaction

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from common.services import check_owned
from crm_app.connectors.base import CrmStage
from crm_app.ingest import vocabulary
from crm_app.models import CrmConnection, SyncMark
from deals_app.models import CLOSED_STAGES, OPEN_STAGES, Stage


def stage_auto(stage: CrmStage, position: int, open_count: int) -> str:
    """The DealLens stage for a CRM stage; ``position`` is its place among its pipeline's
    ``open_count`` open stages (ignored for closed ones)."""
    if stage.closed:
        return Stage.CLOSED_WON if (stage.probability or 0.0) >= 1.0 else Stage.CLOSED_LOST
    known, found = vocabulary.stage(stage.label)
    if found and known not in CLOSED_STAGES:
        return str(known)
    if open_count <= 1:
        return Stage.DISCOVERY
    index = round(position * (len(OPEN_STAGES) - 1) / (open_count - 1))
    return OPEN_STAGES[index]


def stage_map_refresh(connection: CrmConnection, stages: list[CrmStage]) -> dict[str, str]:
    """Merges the CRM's current stages into the connection's map (an admin's choices stay);
    returns stage id → DealLens stage."""
    by_pipeline: dict[str, list[CrmStage]] = defaultdict(list)
    for stage in stages:
        by_pipeline[stage.pipeline_id].append(stage)
    old = connection.stage_map or {}
    new: dict[str, dict] = {}
    for pipeline_stages in by_pipeline.values():
        open_stages = sorted((s for s in pipeline_stages if not s.closed), key=lambda s: s.order)
        position = {s.id: i for i, s in enumerate(open_stages)}
        for stage in pipeline_stages:
            kept = old.get(stage.id, {})
            chosen = kept.get("stage") if kept.get("auto") is False else None
            new[stage.id] = {
                "label": stage.label,
                "pipeline": stage.pipeline,
                "pipeline_id": stage.pipeline_id,
                "order": stage.order,
                "closed": stage.closed,
                "probability": stage.probability,
                "stage": chosen or stage_auto(stage, position.get(stage.id, 0), len(open_stages)),
                "auto": chosen is None,
            }
    if new != old:
        connection.stage_map = new
        CrmConnection.objects.filter(pk=connection.pk).update(stage_map=new)
    return {stage_id: entry["stage"] for stage_id, entry in new.items()}


def stage_map_update(
    *, connection: CrmConnection, workspace: Workspace, choices: dict[str, str]
) -> CrmConnection:
    """An admin's stage choices (stage id → DealLens stage). Deals are re-read on the next run
    so the ones already synced move to the chosen stages."""
    check_owned(connection, workspace)
    valid = set(Stage.values)
    with transaction.atomic():
        connection = CrmConnection.objects.select_for_update().get(pk=connection.pk)
        current = dict(connection.stage_map or {})
        errors = []
        changed = False
        for stage_id, stage in choices.items():
            if stage_id not in current:
                errors.append(f"{stage_id}: not a stage of this CRM's pipelines (sync first).")
            elif stage not in valid:
                errors.append(f"{stage_id}: choose one of {', '.join(sorted(valid))}.")
            elif current[stage_id]["stage"] != stage or current[stage_id].get("auto", True):
                current[stage_id] = {**current[stage_id], "stage": stage, "auto": False}
                changed = True
        if errors:
            raise ApplicationError(
                "Some stages could not be mapped.", extra={"stage_choices": errors}
            )
        if changed:
            connection.stage_map = current
            connection.save(update_fields=["stage_map", "updated_at"])
            # The deals' stage ids are not kept in DealLens: read them all again next run.
            SyncMark.objects.filter(connection=connection, object_type="deals").update(
                modified_at=None
            )
    return connection
