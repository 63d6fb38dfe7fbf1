"""JSON from a request, parsed with a nesting limit.

Python's json module recurses once per level, so a body such as ``[[[[…]]]]`` 100,000 deep
raises RecursionError (a 500) instead of ValueError. No DealLens document nests deeper than a
few levels (an import mapping: file → values → field → CRM value), so anything deeper than
``MAX_DEPTH`` is refused as bad input, a 400: by the API's JSON parser for request bodies,
and by ``JSONField`` and ``json_loads`` for JSON that arrives inside a form field.
"""

import codecs
from collections.abc import Iterable, Mapping
from typing import IO, Any

from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32


class JSONTooDeep(ValueError):  # noqa: N818 (reads as the problem, like JSONDecodeError)
    """JSON nested deeper than the limit."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"nested deeper than {limit} levels")
        self.limit = limit


def json_depth_check(value: Any, *, limit: int = MAX_DEPTH) -> None:
    """Raise JSONTooDeep when lists and objects nest deeper than ``limit`` (a scalar is depth 0,
    ``[]`` depth 1). Walks without recursion, so any depth is safe to check."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            raise JSONTooDeep(limit)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def json_loads(text: str | bytes, *, limit: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """``json.loads`` (DRF's strict flavour: no NaN) that raises JSONTooDeep, a ValueError,
    for input nested deeper than ``limit`` instead of a RecursionError."""
    if isinstance(text, bytes):
        text = text.decode()
    if text.count("[") + text.count("{") <= limit:
        return json.loads(text, **kwargs)  # cannot nest deeper than it has brackets
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        # The C scanner gives up near the interpreter's recursion limit (about 1,000 levels).
        raise JSONTooDeep(limit) from None
    json_depth_check(value, limit=limit)
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the nesting limit: a too-deep body is a 400 (ParseError)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            text = codecs.getreader(encoding)(stream).read()
            if self.strict:
                return json_loads(text)
            return json_loads(text, parse_constant=None)
        except ValueError as exc:  # JSONTooDeep, bad JSON, undecodable bytes
            raise ParseError(f"JSON parse error - {exc}.") from exc


class JSONField(serializers.JSONField):
    """A serializer JSONField whose value may not nest deeper than MAX_DEPTH, whether it comes
    as JSON (already parsed) or as JSON text in a form field (multipart, url-encoded)."""

    default_error_messages = {
        "too_deep": f"Nested deeper than {MAX_DEPTH} levels; give a flatter value.",
    }

    def to_internal_value(self, data: Any) -> Any:
        try:
            if self.binary or getattr(data, "is_json_string", False):
                return json_loads(data, cls=self.decoder)
            json_depth_check(data)
        except JSONTooDeep:
            self.fail("too_deep")
        except (TypeError, ValueError):
            self.fail("invalid")
        return super().to_internal_value(data)
