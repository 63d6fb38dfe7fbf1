"""A database without DealLens's tables answers with a page that says what to run.

A server pointed at a database that was never migrated, or that another command replaced (the
demo's SQLite file before it moved to .demo/), used to answer every page, sign-in first, with a
debug 500 "no such table". Wherever the error is raised (a view, a template, a middleware such
as the session's), Django turns it into a 500 and sends ``got_request_exception`` while the
exception is being handled: the receiver notes it on the request, and this middleware, outermost
but for the security and CSP headers, swaps that 500 for a 503 page rendered without the
database.
"""

import re
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

# SQLite: "no such table: auth_user"; PostgreSQL: 'relation "auth_user" does not exist'.
MISSING_TABLE = re.compile(r'no such table: (\S+)|relation "([^"]+)" does not exist')
ATTRIBUTE = "_deallens_missing_table"


def missing_table(exc: BaseException | None) -> str | None:
    """The name of the missing table when ``exc`` says the database lacks one, else None."""
    if not isinstance(exc, OperationalError | ProgrammingError):
        return None
    match = MISSING_TABLE.search(str(exc))
    return (match.group(1) or match.group(2)) if match else None


def note_missing_table(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    table = missing_table(sys.exc_info()[1])
    if table and request is not None:
        setattr(request, ATTRIBUTE, table)


got_request_exception.connect(note_missing_table, dispatch_uid="deallens_missing_tables")


class MissingTablesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        table = getattr(request, ATTRIBUTE, None)
        if table and response.status_code == 500:
            return self.page(table)
        return response

    @staticmethod
    def page(table: str) -> HttpResponse:
        database = settings.DATABASES["default"]
        html = render_to_string(
            "missing_tables.html",
            {
                "table": table,
                # Where the server looks, for the person running it (never in production).
                "database": str(database.get("NAME", "")) if settings.DEBUG else "",
                "engine": database.get("ENGINE", "").rsplit(".", 1)[-1],
            },
        )
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = "30"
        return response
