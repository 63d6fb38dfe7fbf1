"""The workspace-scoped base every API view builds on (STYLE.md §3).

The workspace comes from the ``X-Workspace: SLUG`` header, else the member's only workspace.
A slug the user is not a member of is a 404 (its existence is not revealed).

A resource is a :class:`WorkspaceModelViewSet` that declares

- ``queryset``: the model's rows (router basename, schema); every request re-scopes it, and
- ``selector``: ``f(*, workspace) -> QuerySet`` from the app's selectors, with what a row shows
  loaded up front (``select_related``/``prefetch_related``),
- ``services``: the app's ``<entity>_create/update/delete`` functions; serializers only validate
  shape, services enforce the rules (``full_clean()``) and write,
- ``write_roles``: who besides admins may write.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, generics, permissions, serializers, viewsets

from accounts_app.models import Membership
from accounts_app.selectors import membership_resolve
from common.counting import counted_rows
from common.models import WorkspaceOwnedModel

from .plumbing import OrderingFilter, Pagination, SearchFilter

SAFE_METHODS = permissions.SAFE_METHODS
# Query parameters that do not change which rows a list holds.
COUNT_NEUTRAL_PARAMS = frozenset({"page", "page_size", "ordering", "format"})
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")


class WorkspaceNotFound(exceptions.NotFound):
    default_detail = "No such workspace, or you are not a member of it."


class WorkspaceAmbiguous(exceptions.ValidationError):
    default_detail = {
        "detail": ["You belong to several workspaces: name one in the X-Workspace header."]
    }


def membership_for_api_request(request) -> Membership:
    """Resolve (once per request) the membership this API request acts in, or raise."""
    cached = getattr(request, "_deallens_api_membership", None)
    if cached is not None:
        return cached
    slug = request.headers.get("X-Workspace", "").strip()
    if slug and not SLUG_RE.match(slug):
        raise WorkspaceNotFound()  # not a slug at all: nothing to look up
    membership = membership_resolve(user=request.user, slug=slug or None)
    if membership is None:
        if slug:
            raise WorkspaceNotFound()
        if request.user.memberships.exists():
            raise WorkspaceAmbiguous()
        raise exceptions.PermissionDenied("You are not a member of any workspace.")
    request._deallens_api_membership = membership
    return membership


class WorkspaceRolePermission(permissions.BasePermission):
    """Everyone in a workspace reads; writes need one of the view's ``write_roles`` (or admin)."""

    message = "Your role in this workspace cannot change this."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        membership = membership_for_api_request(request)
        if request.method in SAFE_METHODS:
            return True
        return membership.role == Membership.Role.ADMIN or membership.role in getattr(
            view, "write_roles", ()
        )


# --- serializers ------------------------------------------------------------------------------


class WorkspacePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that must name a row of the request's workspace (else "does not exist").

    Users (owners, authors) must be members of the workspace.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        workspace = self.context.get("workspace")
        if workspace is None:
            return queryset.none()
        if issubclass(queryset.model, WorkspaceOwnedModel):
            return queryset.for_workspace(workspace)
        if queryset.model is get_user_model():
            return queryset.filter(memberships__workspace=workspace)
        return queryset.none()

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class PrefetchedManyRelatedField(serializers.ManyRelatedField):
    """A many-related field that reads ``prefetched_<field name>`` when a list view loaded the
    related rows into that attribute (``Prefetch(…, to_attr=…)``): a plain list, so no related
    manager and queryset are built per row. Otherwise it reads the relation as usual."""

    def get_attribute(self, instance):
        prefetched = getattr(instance, f"prefetched_{self.field_name}", None)
        if prefetched is not None:
            return prefetched
        return super().get_attribute(instance)


class LabelledRelatedField(WorkspacePrimaryKeyRelatedField):
    """Written as an id (or ``{"id": …}``); read as ``{"id", <labels>}``, so a client needs
    no second call to show it. ``labels`` maps an output key to the object's attribute."""

    def __init__(self, *, labels: dict[str, str], **kwargs):
        self.labels = labels
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = PrefetchedManyRelatedField
        return field

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_internal_value(self, data):
        if isinstance(data, dict) and "id" in data:
            data = data["id"]
        return super().to_internal_value(data)

    def to_representation(self, value) -> dict:
        return {"id": value.pk, **{key: getattr(value, attr) for key, attr in self.labels.items()}}


class WorkspaceModelSerializer(serializers.ModelSerializer):
    """A model serializer whose related fields are scoped to the request's workspace."""

    serializer_related_field = WorkspacePrimaryKeyRelatedField


# --- views ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Services:
    """The write services of one resource: ``create(*, workspace, **data)``,
    ``update(*, workspace, <obj>, **data)`` and ``delete(*, workspace, <obj>)``."""

    obj: str
    create: Callable
    update: Callable
    delete: Callable


if TYPE_CHECKING:
    # The mixin goes before a DRF view: the checker sees the view's request, queryset, super().
    _ViewBase = generics.GenericAPIView
else:
    _ViewBase = object


class WorkspaceViewMixin(_ViewBase):
    """Resolves the workspace, scopes the queryset and stamps new rows with the workspace."""

    permission_classes = [permissions.IsAuthenticated, WorkspaceRolePermission]
    write_roles: tuple[str, ...] = ()
    selector: Callable | None = None
    lookup_value_regex = "[^/]+"  # a malformed id reaches the view: a JSON 404, not a page

    @property
    def membership(self) -> Membership:
        return membership_for_api_request(self.request)

    @property
    def workspace(self):
        return self.membership.workspace

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return super().get_queryset().none()
        selector = type(self).selector  # the class attribute: a plain function, not a method
        if selector is not None:
            queryset = selector(workspace=self.workspace)
        else:
            queryset = super().get_queryset()
        return queryset.for_workspace(self.workspace)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())  # typed Mapping in the DRF stubs
        if not getattr(self, "swagger_fake_view", False) and self.request.user.is_authenticated:
            context["workspace"] = self.workspace
        return context


def _unique_constraint_field(model, message: str) -> str | None:
    """The field a unique-constraint message is about (its last field besides workspace)."""
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
            continue
        fields = [f for f in constraint.fields if f != "workspace"]
        if not fields:
            continue
        label = " and ".join(
            str(model._meta.get_field(f).verbose_name).capitalize() for f in constraint.fields
        )
        if message in (
            constraint.violation_error_message,
            constraint.get_violation_error_message(),
        ):
            return fields[-1]
        if label.lower() in message.lower() and "already exists" in message:
            return fields[-1]
    return None


def field_errors(exc: DjangoValidationError, model) -> DjangoValidationError:
    """Move unique-constraint messages from non-field errors to the field they are about."""
    if not hasattr(exc, "error_dict") or NON_FIELD_ERRORS not in exc.error_dict:
        return exc
    errors = {k: list(v) for k, v in exc.error_dict.items()}
    kept = []
    for error in errors.pop(NON_FIELD_ERRORS):
        message = " ".join(error.messages)
        field = _unique_constraint_field(model, message)
        if field is None:
            kept.append(error)
        else:
            errors.setdefault(field, []).append(error)
    if kept:
        errors[NON_FIELD_ERRORS] = kept
    return DjangoValidationError(errors)


class WorkspaceModelViewSet(WorkspaceViewMixin, viewsets.ModelViewSet):
    """CRUD on a workspace-owned model; objects of other workspaces are simply not found.

    Writes call ``services``; ``perform_*`` never save through the serializer.
    """

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    services: Services | None = None
    # The table whose rows per workspace common.counting counts, when the selector's
    # list is all of them: an unfiltered list then needs no COUNT(*).
    counted_table: str | None = None

    def filter_queryset(self, queryset):
        # Filters, search and ordering shape lists; a detail route names its row by id (and
        # building the filter form is a good part of a detail request's time).
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)

    def known_count(self) -> int | None:
        """The list's exact count without COUNT(*), when nothing filters it; else None."""
        if self.counted_table is None or set(self.request.query_params) - COUNT_NEUTRAL_PARAMS:
            return None
        return counted_rows(table=self.counted_table, workspace_id=self.workspace.pk)

    def _call(self, func, **kwargs):
        try:
            return func(workspace=self.workspace, **kwargs)
        except DjangoValidationError as exc:
            raise field_errors(exc, self.queryset.model) from exc

    def create_extras(self) -> dict:
        """Service arguments a create gets from the request rather than the body."""
        return {}

    def _reload(self, obj):
        """The written row as a read shows it (annotations and related names loaded)."""
        return self.get_queryset().get(pk=obj.pk)

    def perform_create(self, serializer):
        obj = self._call(self.services.create, **serializer.validated_data, **self.create_extras())
        serializer.instance = self._reload(obj)

    def perform_update(self, serializer):
        obj = self._call(
            self.services.update,
            **{self.services.obj: serializer.instance},
            **serializer.validated_data,
        )
        serializer.instance = self._reload(obj)

    def perform_destroy(self, instance):
        self._call(self.services.delete, **{self.services.obj: instance})
