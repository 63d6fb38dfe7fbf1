"""Data changes that affect insights mark the workspace dirty, once per transaction.

The receivers only remember the workspace id; after the transaction commits, one UPDATE per
transaction bumps the data version of every workspace it touched
(``insights_mark_changed``). A burst of 100 edits in one transaction is one bump; edits in
separate transactions are one cheap UPDATE each, and the scheduled recompute turns any number
of them into one recompute. A rolled-back transaction marks nothing.

Bulk writes (``bulk_create``, ``QuerySet.update``) send no model signals: imports send
``deals_app.signals.workspace_data_changed`` (listened to here), seed_demo (``demo_app``)
calls ``insights_app.services.workspace_mark_dirty`` itself.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts_app.models import Account, Segment, Workspace
from deals_app.models import BusinessCase, Conversation, Deal, DealRole, Tag
from deals_app.signals import workspace_data_changed

from .models import Assumption, Evidence, FeatureMention, FeatureRequest
from .services import insights_mark_changed

# Every model whose rows feed a figure of PRODUCT.md §4 (contacts and personas feed none).
WATCHED = (
    Account,
    Segment,
    Deal,
    DealRole,
    BusinessCase,
    Conversation,
    Tag,
    Assumption,
    Evidence,
    FeatureRequest,
    FeatureMention,
)
M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}


class _MarkOnCommit:
    """The on-commit callback of one transaction (or savepoint): the workspaces it touched."""

    def __init__(self) -> None:
        self.workspace_ids: set[int] = set()

    def __call__(self) -> None:
        insights_mark_changed(workspace_ids=self.workspace_ids)


def mark_after_commit(workspace_id: int | None, using: str = "default") -> None:
    """Remember that the workspace changed; mark it once when the transaction commits."""
    if workspace_id is None:
        return
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        savepoints = set(connection.savepoint_ids)
        # Join the callback already registered at this same savepoint depth: it is dropped
        # together with our change if that savepoint rolls back, and runs if it commits.
        for entry in reversed(connection.run_on_commit):
            sids, func = entry[0], entry[1]
            if isinstance(func, _MarkOnCommit) and sids == savepoints:
                func.workspace_ids.add(workspace_id)
                return
    callback = _MarkOnCommit()
    callback.workspace_ids.add(workspace_id)
    transaction.on_commit(callback, using=using)


def _workspace_id(instance) -> int | None:
    if isinstance(instance, Workspace):
        return instance.pk
    return getattr(instance, "workspace_id", None)


def on_save_or_delete(sender, instance, using="default", **kwargs) -> None:
    mark_after_commit(_workspace_id(instance), using)


def on_workspace_saved(sender, instance, created=False, using="default", **kwargs) -> None:
    """hourly_cost feeds cost of sale and ROI; a new workspace has nothing to compute yet."""
    if not created:
        mark_after_commit(instance.pk, using)


def on_tags_changed(sender, instance, action, using="default", **kwargs) -> None:
    """Conversation.tags: pains per segment (the instance is a conversation or a tag)."""
    if action in M2M_ACTIONS:
        mark_after_commit(_workspace_id(instance), using)


def on_workspace_data_changed(sender, workspace_id: int, **kwargs) -> None:
    """A lower app wrote in bulk (an import) and says so."""
    mark_after_commit(workspace_id)


def connect() -> None:
    """Called from InsightsAppConfig.ready()."""
    for model in WATCHED:
        label = model._meta.label_lower
        post_save.connect(on_save_or_delete, sender=model, dispatch_uid=f"insights_save_{label}")
        post_delete.connect(
            on_save_or_delete, sender=model, dispatch_uid=f"insights_delete_{label}"
        )
    post_save.connect(on_workspace_saved, sender=Workspace, dispatch_uid="insights_workspace")
    m2m_changed.connect(
        on_tags_changed, sender=Conversation.tags.through, dispatch_uid="insights_conv_tags"
    )
    workspace_data_changed.connect(on_workspace_data_changed, dispatch_uid="insights_bulk_data")
