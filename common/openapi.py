"""The OpenAPI document, generated once per process.

Generating the schema walks every view and serializer: about 0.2–0.6 s of CPU, on an endpoint
anyone may call (60 a minute per address). The document depends only on the code, the API
version and the language, so each process keeps the generated document per (version, language)
and later calls only render it. Changing the settings it is built from (tests do) forgets it.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

SCHEMA_SETTINGS = {"ROOT_URLCONF", "REST_FRAMEWORK", "SPECTACULAR_SETTINGS", "INSTALLED_APPS"}


class CachedSchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, generating the document once per version and language."""

    schemas: ClassVar[dict[tuple[Any, ...], dict]] = {}

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language(), self.serve_public, settings.ROOT_URLCONF)
        schema = self.schemas.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            self.schemas[key] = schema
        filename = self._get_filename(request, version)
        return Response(
            data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


@receiver(setting_changed, dispatch_uid="openapi_schema_forget")
def _forget_schemas(*, setting: str, **kwargs: Any) -> None:
    if setting in SCHEMA_SETTINGS:
        CachedSchemaView.schemas.clear()
