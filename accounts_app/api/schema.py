"""OpenAPI: the X-Workspace header and the error responses of every workspace API operation."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers

from .base import WorkspaceViewMixin


class LabelledRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """An id in requests; ``{"id", <labels>}`` (all labels strings) in responses."""

    target_class = "accounts_app.api.base.LabelledRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        keys = ["id", *self.target.labels]
        return {
            "type": "object",
            "properties": {
                "id": build_basic_type(OpenApiTypes.INT),
                **{key: build_basic_type(OpenApiTypes.STR) for key in self.target.labels},
            },
            "required": keys,
        }


WORKSPACE_HEADER = OpenApiParameter(
    "X-Workspace",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Slug of the workspace to act in. Optional when you belong to one workspace; "
        "required (else 400) when you belong to several. A workspace you are not a member "
        "of answers 404."
    ),
)


def crud_schema(noun: str, plural: str, *, writers: str, filters_note: str = ""):
    """``extend_schema_view`` for a resource: a summary and who may write, per action.

    Error responses (400/401/403/404) and the X-Workspace header are added to every operation
    by :class:`WorkspaceAutoSchema`.
    """
    writes = f"Readers: every member. Writers: {writers}."
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"{plural.capitalize()} of the workspace, paginated. {filters_note}",
        ),
        retrieve=extend_schema(summary=f"Read a {noun}"),
        create=extend_schema(summary=f"Create a {noun}", description=writes),
        update=extend_schema(summary=f"Replace a {noun}", description=writes),
        partial_update=extend_schema(summary=f"Change some fields of a {noun}", description=writes),
        destroy=extend_schema(summary=f"Delete a {noun}", description=writes),
    )


class ErrorSerializer(serializers.Serializer):
    """The body of a 401, 403 or 404."""

    detail = serializers.CharField()


VALIDATION_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "description": "Field name (or `detail`/`non_field_errors`) → list of messages; "
        "nested for lists of objects.",
        "additionalProperties": True,
    },
    description="Invalid input: messages per field. Also: several workspaces and no "
    "X-Workspace header.",
)
ERRORS = {
    "400": VALIDATION_ERROR,
    "401": OpenApiResponse(
        ErrorSerializer, description="No credentials: log in or send `Authorization: Token KEY`."
    ),
    "403": OpenApiResponse(
        ErrorSerializer,
        description="Your role in this workspace cannot "
        "do this, or you are not a member of any workspace.",
    ),
    "404": OpenApiResponse(
        ErrorSerializer,
        description="Not found in this workspace (another "
        "workspace's objects are not found either), no such page, or "
        "X-Workspace names a workspace you are not a member of.",
    ),
}


class WorkspaceAutoSchema(AutoSchema):
    """drf-spectacular's schema plus, on every workspace API operation, the X-Workspace header
    and the error responses it can give."""

    def _is_workspace_view(self) -> bool:
        return isinstance(self.view, WorkspaceViewMixin)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._is_workspace_view():
            parameters = [*parameters, WORKSPACE_HEADER]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response" and self._is_workspace_view():
            for code, response in ERRORS.items():
                if code not in responses:
                    responses[code] = self._get_response_for_code(response, code)
        return responses
