"""CSV files a spreadsheet opens as data, never as formulas (OWASP "CSV injection").

Every CSV the app writes goes through ``writer``: each cell, headers included, passes
``safe_cell``. A text cell that starts with a character Excel or LibreOffice reads as the start
of a formula gets a leading apostrophe, which both show as text; numbers stay numbers. Every
cell is quoted, so a ``;`` inside a name cannot start a new cell (and a formula) where the
spreadsheet's locale splits on semicolons.
"""

import csv
import re
from decimal import Decimal
from typing import Any, Protocol

# OWASP's list, with the full-width forms some spreadsheets also read as formula starts.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def safe_cell(value: Any) -> str:
    """``value`` as a CSV cell no spreadsheet runs: None is empty, a number is written as is
    (a negative amount is no formula), text that starts like a formula is prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` whose every cell passes ``safe_cell``."""

    def __init__(self, file: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(file, quoting=csv.QUOTE_ALL, **fmtparams)

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: _Writable, **fmtparams: Any) -> SafeWriter:
    return SafeWriter(file, **fmtparams)
