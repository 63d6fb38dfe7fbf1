"""A small, honest SOQL parser for exactly the queries a sync sends.

Understood (keywords and field names case-blind, as in Salesforce)::

    SELECT f1, f2, Account.Name FROM Obj
    [WHERE cond AND cond ...]            cond: field (= | != | < | <= | > | >=) literal
    [ORDER BY field [ASC | DESC], ...]
    [LIMIT n]

Literals: datetimes (``2024-01-01T00:00:00Z``, ``…00.000+00:00``), dates (``2024-01-01``),
``'quoted strings'`` (backslash escapes), ``true``/``false``, ``null`` and numbers.
Anything else (OR, parentheses, IN, LIKE, functions, sub-queries, NULLS FIRST, OFFSET …) is a
``SoqlError`` with ``MALFORMED_QUERY``; the server answers it with 400, as Salesforce does.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
      | (?P<date>\d{4}-\d{2}-\d{2})
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*')
      | (?P<op><=|>=|!=|<>|=|<|>)
      | (?P<comma>,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"SELECT", "FROM", "WHERE", "AND", "ORDER", "BY", "ASC", "DESC", "LIMIT"}
_UNSUPPORTED = {"OR", "NOT", "IN", "LIKE", "INCLUDES", "EXCLUDES", "OFFSET", "NULLS", "GROUP"}


class SoqlError(Exception):
    """A query Salesforce would refuse; ``error_code`` is its ``errorCode``."""

    def __init__(self, message: str, error_code: str = "MALFORMED_QUERY"):
        super().__init__(message)
        self.message = message
        self.error_code = error_code


@dataclass(frozen=True)
class Condition:
    field: str
    op: str  # one of = != < <= > >=
    value: object  # datetime, "date" str, str, bool, None, int/float
    kind: str  # "datetime", "date", "string", "boolean", "null", "number"


@dataclass
class Query:
    fields: list[str]
    sobject: str
    where: list[Condition] = field(default_factory=list)
    order_by: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    limit: int | None = None


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 datetime as Salesforce writes or accepts it, as an aware UTC datetime."""
    text = text.strip().replace(" ", "+")  # a '+' decoded from an unencoded query string
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    match = re.fullmatch(r"(.*[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-])(\d{2}):?(\d{2})", text)
    if match:
        text = f"{match[1]}{match[2]}{match[3]}:{match[4]}"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            break
        kind = match.lastgroup
        value = match[kind]
        if kind == "other":
            raise SoqlError(f"unexpected token: '{value}'")
        if kind == "name" and value.upper() in _KEYWORDS | _UNSUPPORTED:
            kind, value = "keyword", value.upper()
        out.append((kind, value))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, kind: str, value: str | None = None) -> str:
        got_kind, got = self.peek()
        if got_kind != kind or (value is not None and got != value):
            wanted = value or kind
            raise SoqlError(f"unexpected token: '{got or 'end of query'}' (expected {wanted})")
        self.pos += 1
        return got

    def keyword(self, value: str) -> bool:
        if self.peek() == ("keyword", value):
            self.pos += 1
            return True
        return False

    def parse(self) -> Query:
        self.take("keyword", "SELECT")
        fields = [self.take("name")]
        while self.peek()[0] == "comma":
            self.pos += 1
            fields.append(self.take("name"))
        self.take("keyword", "FROM")
        query = Query(fields=fields, sobject=self.take("name"))
        if "." in query.sobject:
            raise SoqlError(f"unexpected token: '{query.sobject}'")
        if self.keyword("WHERE"):
            query.where.append(self.condition())
            while self.keyword("AND"):
                query.where.append(self.condition())
        if self.keyword("ORDER"):
            self.take("keyword", "BY")
            query.order_by.append(self.order_item())
            while self.peek()[0] == "comma":
                self.pos += 1
                query.order_by.append(self.order_item())
        if self.keyword("LIMIT"):
            number = self.take("number")
            if not number.isdigit():
                raise SoqlError(f"LIMIT must be a non-negative integer, not {number}")
            query.limit = int(number)
        if self.peek()[0] != "end":
            raise SoqlError(f"unexpected token: '{self.peek()[1]}'")
        return query

    def condition(self) -> Condition:
        name = self.take("name")
        op = self.take("op")
        op = "!=" if op == "<>" else op
        kind, raw = self.peek()
        self.pos += 1
        if kind == "datetime":
            return Condition(name, op, parse_datetime(raw), "datetime")
        if kind == "date":
            return Condition(name, op, raw, "date")
        if kind == "number":
            return Condition(name, op, float(raw) if "." in raw else int(raw), "number")
        if kind == "string":
            return Condition(name, op, re.sub(r"\\(.)", r"\1", raw[1:-1]), "string")
        if kind == "name" and raw.lower() in ("true", "false"):
            return Condition(name, op, raw.lower() == "true", "boolean")
        if kind == "name" and raw.lower() == "null":
            if op not in ("=", "!="):
                raise SoqlError(f"null can only be compared with = or !=, not {op}")
            return Condition(name, op, None, "null")
        raise SoqlError(f"unexpected token: '{raw or 'end of query'}' (expected a value)")

    def order_item(self) -> tuple[str, bool]:
        name = self.take("name")
        if self.keyword("DESC"):
            return name, True
        self.keyword("ASC")
        return name, False


def parse(text: str) -> Query:
    """Parse one SOQL statement of the supported forms, or raise ``SoqlError``."""
    if not text or not text.strip():
        raise SoqlError("the q parameter is missing or empty")
    return _Parser(text).parse()
