"""Purging what the CRM deleted: the records a sync marked deleted, and all that hangs on them."""

from django.db import transaction

from accounts_app.models import Account, Workspace
from deals_app.models import Deal
from deals_app.signals import workspace_data_changed
from personas_app.models import Contact


def crm_deleted_purge(*, workspace: Workspace) -> dict[str, int]:
    """Deletes the workspace's deals, contacts and accounts marked deleted in the CRM, with
    their roles, conversations' links and history; returns how many of each kind went."""
    purged = {}
    with transaction.atomic():
        for label, model in (("deals", Deal), ("contacts", Contact), ("accounts", Account)):
            gone = model.all_objects.filter(workspace=workspace, crm_deleted_at__isnull=False)
            purged[label] = gone.count()
            if purged[label]:
                gone.delete()
    if any(purged.values()):
        workspace_data_changed.send(sender=Account, workspace_id=workspace.pk)
    return purged
