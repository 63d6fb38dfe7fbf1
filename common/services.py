"""Write helpers every app's services share (STYLE.md §2: validate the whole row, then save)."""

import enum
from typing import Any, Final, TypeVar

from django.db import models

from common.exceptions import ApplicationError
from common.models import WorkspaceOwnedModel

M = TypeVar("M", bound=models.Model)


class Unset(enum.Enum):
    """The type of :data:`UNSET`."""

    UNSET = enum.auto()


# The default of a service's field parameter that means "not given": an update leaves the field
# as it is, a create leaves the model's default. (None cannot say this: it is a value to set.)
UNSET: Final = Unset.UNSET


def given(**fields: Any) -> dict[str, Any]:
    """The fields a caller gave, without those left at :data:`UNSET`."""
    return {field: value for field, value in fields.items() if value is not UNSET}


def check_owned(obj: WorkspaceOwnedModel, workspace: models.Model) -> None:
    """A service never changes another workspace's row, whatever its caller passed."""
    if obj.workspace_id != workspace.pk:
        raise ApplicationError(f"This {obj._meta.verbose_name} belongs to another workspace.")


def save_validated(obj: M, **fields: Any) -> M:
    """Set the fields, run every model rule and constraint (full_clean), then save."""
    for field, value in fields.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    return obj
