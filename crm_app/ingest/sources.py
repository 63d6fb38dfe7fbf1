"""The files of an import: their header, encoding and delimiter, what they were recognised as,
the column mapping that applies to them, and a streaming reader with line numbers.

Line numbers are rows as a spreadsheet shows them: the header is row 1 and a cell holding line
breaks stays in one row. Where a row starts on a different line of the text file (because an
earlier cell held line breaks), that text line is kept too, so a report can give both.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

from .recognition import (
    ACCOUNT,
    FIELD_BY_NAME,
    KIND_LABELS,
    KINDS,
    SEGMENT_FIELDS,
    assign_columns,
    guess,
    guess_kind,
    header_key,
    recognise,
    split_unused,
)

csv.field_size_limit(16 * 1024 * 1024)  # long descriptions are real; 16 MB per cell at most
SNIFF_BYTES = 64 * 1024
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


class MappingError(ValueError):
    """A column mapping that cannot be applied; ``messages`` say why, one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class SourceFile:
    """One CSV of an import and how it will be read."""

    name: str
    path: str
    size: int = 0
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    headers: list[str] = field(default_factory=list)
    kind: str | None = None
    source: str = ""
    # field → a header, a list of headers (joined with " – "), or {"value": constant}
    columns: dict = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    custom: list[str] = field(default_factory=list)
    skip_incomplete: bool = False
    day_first: bool = False
    values: dict = field(default_factory=dict)  # field → {source value: DealLens value}
    mapped: bool = False
    problem: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind or "", "Not recognised")

    @property
    def missing(self) -> list[str]:
        if self.kind is None:
            return []
        return [
            f.name
            for f in FIELD_BY_NAME[self.kind].values()
            if f.required and not self.columns.get(f.name)
        ]

    @property
    def ready(self) -> bool:
        return not self.problem and self.kind is not None and not self.missing

    @property
    def status(self) -> str:
        """What stands between this file and an import, in a sentence."""
        if self.problem:
            return self.problem
        if self.kind is None:
            return "Columns not recognised: map them to a kind of record."
        if self.missing:
            labels = [FIELD_BY_NAME[self.kind][name].label for name in self.missing]
            return f"No column for {', '.join(labels)}: map one."
        return "Ready"

    @property
    def unused_count(self) -> int:
        return len(self.ignored) + len(self.custom)

    def column_label(self, field_name: str) -> str:
        spec = self.columns.get(field_name)
        if isinstance(spec, list):
            return " + ".join(spec)
        if isinstance(spec, dict):
            return f'"{spec.get("value", "")}" (fixed)'
        return spec or ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "SourceFile":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def _encoding_of(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such; else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                chunk.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _delimiter_of(sample: str) -> str:
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def inspect(name: str, path: str | Path) -> SourceFile:
    """Read a file's header and recognise it; a file that is not a CSV gets a ``problem``."""
    path = Path(path)
    source = SourceFile(name=name, path=str(path))
    try:
        source.size = path.stat().st_size
        source.encoding = _encoding_of(path)
        with path.open(encoding=source.encoding, newline="") as fh:
            sample = fh.read(SNIFF_BYTES)
        if "\x00" in sample:
            source.problem = "This is not a CSV file (it holds binary data)."
            return source
        source.delimiter = _delimiter_of(sample)
        with path.open(encoding=source.encoding, newline="") as fh:
            headers = next(csv.reader(fh, delimiter=source.delimiter), [])
    except (OSError, csv.Error) as exc:
        source.problem = f"The file cannot be read as CSV: {exc}."
        return source
    headers = [h.strip() for h in headers]
    if not any(headers):
        source.problem = "The file is empty: the first line should hold the column names."
        return source
    source.headers = headers
    found = recognise(headers)
    source.kind, source.source, source.columns = found.kind, found.source, dict(found.columns)
    source.ignored, source.custom = found.ignored, found.custom
    return source


SKIPPED = (
    "Not recognised as accounts, contacts, deals or deal roles: skipped, nothing is read from "
    "it. Map its columns to import it too, or remove it."
)


def skipped_sources(sources: list[SourceFile]) -> list[SourceFile]:
    """The files whose columns were not recognised, skipped because other files of the same
    import were: a folder of exports holds price books and products too. A file that is not
    recognised when no other file is still needs a mapping (importing nothing helps nobody)."""
    if all(source.kind is None for source in sources):
        return []
    return [source for source in sources if source.kind is None and not source.problem]


def _find_header(source: SourceFile, wanted: str) -> str | None:
    if wanted in source.headers:
        return wanted
    key = header_key(wanted)
    return next((h for h in source.headers if header_key(h) == key), None)


def apply_mapping(source: SourceFile, entry: object) -> None:
    """Apply one file's mapping: ``{"kind", "columns", "values", "skip_incomplete",
    "day_first"}``. Raises MappingError listing every problem."""
    if not isinstance(entry, dict):
        raise MappingError([f"{source.name}: the mapping of a file must be an object."])
    problems: list[str] = []
    kind = entry.get("kind", source.kind)
    if kind not in KINDS:
        raise MappingError(
            [f"{source.name}: kind must be one of {', '.join(KINDS)} (got {kind!r})."]
        )
    if kind != source.kind:
        source.columns = assign_columns(kind, source.headers)
        source.kind = kind
        source.source = f"Mapped as {KIND_LABELS[kind].lower()}"
    columns = entry.get("columns", {})
    if not isinstance(columns, dict):
        problems.append(f"{source.name}: columns must map DealLens fields to column names.")
        columns = {}
    fields = FIELD_BY_NAME[kind]
    for name, spec in columns.items():
        if kind == ACCOUNT:
            name = SEGMENT_FIELDS.get(name, name)  # "size" is the employee count
        if name not in fields:
            problems.append(
                f"{source.name}: {name!r} is not a field of {KIND_LABELS[kind].lower()} "
                f"(fields: {', '.join(fields)})."
            )
            continue
        if spec in (None, "", []):
            source.columns.pop(name, None)
            continue
        if isinstance(spec, dict):
            if not isinstance(spec.get("value"), str):
                problems.append(f'{source.name}: {name}: a fixed value is {{"value": "text"}}.')
                continue
            source.columns[name] = {"value": spec["value"]}
            continue
        wanted = spec if isinstance(spec, list) else [spec]
        found = []
        for header in wanted:
            match = _find_header(source, header) if isinstance(header, str) else None
            if match is None:
                problems.append(f"{source.name}: there is no column {header!r} (for {name}).")
            else:
                found.append(match)
        if found:
            source.columns[name] = found if isinstance(spec, list) else found[0]
    values = entry.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        problems.append(f"{source.name}: values must map a field to {{source value: value}}.")
    else:
        source.values = {k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()}
    source.skip_incomplete = bool(entry.get("skip_incomplete", source.skip_incomplete))
    source.day_first = bool(entry.get("day_first", source.day_first))
    if problems:
        raise MappingError(problems)
    _mark_unused(source)
    source.mapped = True


def _mark_unused(source: SourceFile) -> None:
    used = set()
    for spec in source.columns.values():
        if isinstance(spec, str):
            used.add(spec)
        elif isinstance(spec, list):
            used.update(spec)
    source.ignored, source.custom = split_unused(source.headers, used)


def apply_segment_fields(
    source: SourceFile, segment_fields: dict[str, str], keep: set[str]
) -> set[str]:
    """An import's ``segment_fields`` (``{"lifecycle": "Customer_Status__c", …}``) on one
    account file: each names the column that fills that segment field, custom fields included;
    fields in ``keep`` (the file's own mapping named them) stay. Returns the keys it placed."""
    placed = set()
    for key, header in segment_fields.items():
        target = SEGMENT_FIELDS[key]
        found = _find_header(source, header)
        if target in keep:
            placed.add(key)  # the file's own mapping chose its column
        elif found is not None:
            source.columns[target] = found
            placed.add(key)
    if placed:
        _mark_unused(source)
    return placed


def segment_fields_clean(mapping: object) -> tuple[dict[str, str], list[str]]:
    """A mapping's ``segment_fields``, checked: (segment key → column, problems)."""
    raw = mapping.get("segment_fields") if isinstance(mapping, dict) else None
    if raw is None:
        return {}, []
    keys = ", ".join(SEGMENT_FIELDS)
    if not isinstance(raw, dict):
        return {}, [f"segment_fields must map a segment field ({keys}) to a column name."]
    clean, problems = {}, []
    for key, header in raw.items():
        if key not in SEGMENT_FIELDS:
            problems.append(f"segment_fields: {key!r} is not a segment field ({keys}).")
        elif not isinstance(header, str) or not header.strip():
            problems.append(f"segment_fields: {key}: give a column name.")
        else:
            clean[key] = header.strip()
    return clean, problems


def apply_segment_mapping(sources: list[SourceFile], mapping: dict[str, Any] | None) -> list[str]:
    """Apply a mapping's ``segment_fields`` to the account files (after their own mapping,
    whose columns win); returns the problems, such as a column no accounts file has."""
    segments, problems = segment_fields_clean(mapping)
    placed: set[str] = set()
    for source in sources:
        if segments and source.kind == ACCOUNT and not source.problem:
            entry = mapping_for(mapping, source.name)
            named = entry.get("columns") if isinstance(entry, dict) else None
            keep = {SEGMENT_FIELDS.get(str(n), str(n)) for n in named or {}}
            placed |= apply_segment_fields(source, segments, keep)
    problems.extend(
        f"segment_fields: no accounts file has a column {header!r} (for {key})."
        for key, header in segments.items()
        if key not in placed
    )
    return problems


def mapping_for(mapping: dict[str, Any] | None, name: str) -> object:
    """This file's entry of a mapping keyed by file name (``{"files": {...}}`` or flat); None
    when it has none. The entry is as the JSON holds it: apply_mapping refuses a non-object."""
    if not mapping:
        return None
    files = mapping.get("files", mapping) if isinstance(mapping, dict) else {}
    if not isinstance(files, dict):
        return None
    if name in files:
        return files[name]
    base = Path(name).name.lower()
    for key, entry in files.items():
        if Path(str(key)).name.lower() == base:
            return entry
    return None


def guesses(source: SourceFile, kind: str | None = None) -> tuple[str, dict]:
    """A kind and columns to offer on a mapping screen."""
    kind = kind or source.kind or guess_kind(source.headers)
    if kind == source.kind and source.columns:
        columns = dict(guess(kind, source.headers))
        columns.update(source.columns)
        return kind, columns
    return kind, guess(kind, source.headers)


class _CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read, for progress."""

    def __init__(self, raw: io.BufferedIOBase):
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer") -> int:
        n = self.raw.readinto(buffer)
        self.bytes_read += n
        return n


@dataclass
class Row:
    line: int  # spreadsheet row (header = 1)
    text_line: int  # the line of the text file the row starts on
    cells: list[str]


class RowReader:
    """Streams a file's data rows; ``bytes_read`` tells how far it got."""

    def __init__(self, source: SourceFile):
        self.source = source
        self._counter: _CountingReader | None = None

    @property
    def bytes_read(self) -> int:
        return self._counter.bytes_read if self._counter else 0

    def __iter__(self) -> Iterator[Row]:
        with open(self.source.path, "rb") as raw:
            self._counter = _CountingReader(raw)
            buffered = io.BufferedReader(self._counter, buffer_size=256 * 1024)
            text = io.TextIOWrapper(buffered, encoding=self.source.encoding, newline="")
            reader = csv.reader(text, delimiter=self.source.delimiter)
            next(reader, None)
            line, previous = 1, reader.line_num
            for cells in reader:
                line += 1
                start, previous = previous + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                yield Row(line, start, cells)
