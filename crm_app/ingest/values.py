"""Cells as real CRM exports carry them, parsed into Python values.

Every parser takes the raw cell text and returns a value or raises :class:`CellError` with a
message a person can act on. ``#N/A``, ``NULL`` and empty cells are empty (``None``).
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EMPTY_MARKERS = frozenset({"", "#n/a", "n/a", "null", "none", "nan", "#null!", "(blank)", "-"})
CENT = Decimal("0.01")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0", "x", "checked"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0", "unchecked"})
ID_SEPARATORS = re.compile(r"[;,|\n]+")


class CellError(ValueError):
    """A cell that cannot be read; the message says what is wrong with it."""


def is_empty(raw: str | None) -> bool:
    return raw is None or raw.strip().lower() in EMPTY_MARKERS


def text(raw: str | None) -> str:
    """Trimmed text; empty markers become ''."""
    if raw is None or is_empty(raw):
        return ""
    return " ".join(raw.split()) if "\n" not in raw else raw.strip()


def decimal(raw: str | None) -> Decimal | None:
    """1.01752E11, 72395.0, 1,250.00, $ 1 250,50, (300) → Decimal rounded to cents."""
    if raw is None or is_empty(raw):
        return None
    cleaned = raw.strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = re.sub(r"[\s$€£¥\u00a0'()]|USD|EUR|GBP", "", cleaned.strip("()"))
    if cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:]
    if "," in cleaned and "." in cleaned:
        # Whichever separator comes last is the decimal point: 1,250.00 and 1.250,00.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        grouped = len(tail) == 3 and all(len(p) == 3 for p in head.split(",")[1:])
        cleaned = cleaned.replace(",", "") if grouped else f"{head.replace(',', '')}.{tail}"
    if "%" in cleaned or not re.fullmatch(r"\d*\.?\d*(e[+-]?\d+)?", cleaned, re.IGNORECASE):
        raise CellError("is not a number")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError("is not a number") from exc
    if not value.is_finite():
        raise CellError("is not a number")
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return -value if negative else value


def integer(raw: str | None) -> int | None:
    """2600, 2600.0, 2,600, 1.4E4 → int; fractions are refused."""
    value = decimal(raw)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellError("is not a whole number")
    return int(value)


def boolean(raw: str | None) -> bool | None:
    if raw is None or is_empty(raw):
        return None
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("is not true/false, yes/no or 1/0")


_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)
_SLASHED = re.compile(
    r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*[AaPp][Mm])?)?$"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_EPOCH_MS = re.compile(r"\d{12,13}$")  # HubSpot API exports dates as epoch milliseconds


class DateReader:
    """Reads dates of one column and remembers how it read the ambiguous ones.

    ``10/12/2024`` could be 12 October (US) or 10 December (most of the world): read month
    first, the way Salesforce and HubSpot US exports write it, unless the column's mapping says
    ``day_first`` or the cell can only be day first (``31/12/2024``). ``ambiguous`` counts the
    cells read month first that could have been day first, so the report can say so.
    """

    def __init__(self, *, day_first: bool = False):
        self.day_first = day_first
        self.ambiguous = 0
        self.ambiguous_example = ""

    def __call__(self, raw: str | None) -> dt.date | None:
        if raw is None or is_empty(raw):
            return None
        value = raw.strip()
        match = _ISO.match(value)
        if match:
            return self._date(int(match["y"]), int(match["m"]), int(match["d"]), value)
        match = _SLASHED.match(value)
        if match:
            a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
            if year < 100:
                year += 2000 if year < 70 else 1900
            if a > 12 and b <= 12:
                day, month = a, b
            elif b > 12 and a <= 12:
                month, day = a, b
            elif self.day_first:
                day, month = a, b
            else:
                month, day = a, b
                if a != b:
                    self.ambiguous += 1
                    self.ambiguous_example = self.ambiguous_example or value
            return self._date(year, month, day, value)
        match = _COMPACT.match(value)
        if match:
            return self._date(int(match["y"]), int(match["m"]), int(match["d"]), value)
        if _EPOCH_MS.match(value):
            return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.UTC).date()
        raise CellError("is not a date (use 2024-10-12 or 10/12/2024)")

    @staticmethod
    def _date(year: int, month: int, day: int, raw: str) -> dt.date:
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise CellError("is not a real date") from exc


def ids(raw: str | None) -> list[str]:
    """An association cell: one id or several (``123;456``, ``123, 456``), empties dropped."""
    if raw is None or is_empty(raw):
        return []
    return [part.strip() for part in ID_SEPARATORS.split(raw) if not is_empty(part)]


def identifier(raw: str | None) -> str:
    """A record id: trimmed; ``1.2345E9``-style numbers from spreadsheets are written out."""
    value = text(raw)
    if re.fullmatch(r"\d+\.0+", value):
        value = value.split(".")[0]
    return value


def normalise(word: str) -> str:
    """Lower case, letters and digits only: 'Opportunity Name' == 'opportunity_name'."""
    return re.sub(r"[^0-9a-z]", "", word.lower())
