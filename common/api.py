"""API plumbing shared by every app: one exception handler that turns rule violations into 400s."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError, ServiceUnavailable


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django ValidationError, ApplicationError and IntegrityError as 400s.

    Services raise Django's ValidationError (from full_clean) and ApplicationError; clients get
    field-level messages in DRF's usual shape ({"field": ["message"]}), never a 500.
    """
    if isinstance(exc, ServiceUnavailable):
        return Response({"detail": exc.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError({"detail": [exc.message], **exc.extra})
    elif isinstance(exc, IntegrityError):
        # A race the service's validation could not see (two writers at once).
        return Response(
            {"detail": ["This change conflicts with existing data; reload and try again."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
