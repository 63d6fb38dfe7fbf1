"""Abstract building blocks shared by every app; no tables of their own."""

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models

if TYPE_CHECKING:
    from accounts_app.models import Workspace

_M = TypeVar("_M", bound=models.Model)


class TimeStampedModel(models.Model):
    """Adds created/updated timestamps maintained by Django."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkspaceQuerySet(models.QuerySet[_M]):
    """The one way a request-serving query is scoped to a tenant."""

    def for_workspace(self, workspace: "Workspace | int | None") -> Self:
        workspace_id = getattr(workspace, "pk", workspace)
        if workspace_id is None:
            return self.none()
        return self.filter(workspace_id=workspace_id)


class CrmLiveManager(models.Manager[_M]):
    """The default manager of records a CRM sync can delete (accounts, contacts, deals): rows
    marked ``crm_deleted_at`` leave every list, page, related set and insight at once
    (PRODUCT.md §11). What hangs on them stays; ``all_objects`` still sees them (the sync's
    writers, the admin's purge)."""

    def get_queryset(self) -> WorkspaceQuerySet[_M]:
        return WorkspaceQuerySet(self.model, using=self._db).filter(crm_deleted_at=None)

    def for_workspace(self, workspace: "Workspace | int | None") -> WorkspaceQuerySet[_M]:
        return self.get_queryset().for_workspace(workspace)


class CrmRecordMixin(models.Model):
    """Marks a record deleted in the CRM it came from; see CrmLiveManager."""

    crm_deleted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the CRM deleted this record."
    )

    objects = CrmLiveManager()
    all_objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True


class WorkspaceOwnedModel(TimeStampedModel):
    """A row that belongs to exactly one workspace (tenant)."""

    workspace = models.ForeignKey(
        "accounts_app.Workspace", on_delete=models.CASCADE, related_name="+"
    )

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True

    def check_same_workspace(self, **related: "WorkspaceOwnedModel | None") -> dict[str, str]:
        """Errors for related objects that live in another workspace (used by clean())."""
        errors = {}
        for field, obj in related.items():
            if obj is not None and obj.workspace_id != self.workspace_id:
                errors[field] = f"This {obj._meta.verbose_name} belongs to another workspace."
        return errors
