"""The workspace's own stage labels: what imports and Salesforce syncs met that the vocabulary
does not know (PRODUCT.md §8 reads them as discovery), and the stage an admin maps each to.

HubSpot deals carry pipeline stage ids, which the connection's stage map covers
(services/stages.py); these aliases are for stage labels.
"""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from crm_app.ingest.values import normalise
from crm_app.models import StageAlias
from deals_app.models import Stage

VALUE_LENGTH = StageAlias._meta.get_field("value").max_length or 200


def stage_values_seen(*, workspace_id: int, counts: Mapping[str, int]) -> None:
    """Counts unknown stage labels (label → rows) into the workspace's list; a label already
    listed (mapped or not) is counted again, a new one is added unmapped."""
    now = timezone.now()
    merged: dict[str, tuple[str, int]] = {}
    for raw, n in counts.items():
        key = normalise(raw)[:VALUE_LENGTH]
        if key:
            value, total = merged.get(key, (raw.strip()[:VALUE_LENGTH], 0))
            merged[key] = (value, total + n)
    for key, (value, n) in sorted(merged.items()):
        existing = StageAlias.objects.filter(workspace_id=workspace_id, key=key)
        if existing.update(seen_count=F("seen_count") + n, last_seen=now):
            continue
        try:
            with transaction.atomic():  # a concurrent import may add the same label first
                StageAlias.objects.create(
                    workspace_id=workspace_id, key=key, value=value, seen_count=n, last_seen=now
                )
        except IntegrityError:
            existing.update(seen_count=F("seen_count") + n, last_seen=now)


@transaction.atomic
def stage_aliases_update(*, workspace: Workspace, choices: Mapping[int, str]) -> int:
    """An admin's choices (alias id → DealLens stage, "" to unmap); the next import or sync
    reads those labels as the chosen stages. Returns how many changed."""
    aliases = {
        a.pk: a
        for a in StageAlias.objects.for_workspace(workspace)
        .select_for_update()
        .filter(pk__in=list(choices))
    }
    valid = {"", *Stage.values}
    errors = [f"{pk}: not a stage value of this workspace." for pk in choices if pk not in aliases]
    errors += [
        f"{aliases[pk].value}: choose one of {', '.join(Stage.values)}."
        for pk, stage in choices.items()
        if pk in aliases and stage not in valid
    ]
    if errors:
        raise ApplicationError("Some stage values could not be mapped.", extra={"stages": errors})
    changed = [aliases[pk] for pk, stage in choices.items() if aliases[pk].stage != stage]
    for alias in changed:
        alias.stage = choices[alias.pk]
        alias.full_clean()
        alias.save(update_fields=["stage", "updated_at"])
    return len(changed)
