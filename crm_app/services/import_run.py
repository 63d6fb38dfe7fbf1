"""The CRM import: files in, accounts, contacts, deals and deal roles out — all or nothing.

``import_run`` is the one service the command, the API and the import page use. It reads every
file as a stream, in batches, in the order that lets references resolve (accounts, contacts,
deals, deal roles, then reporting lines and associations), inside one transaction. Every bad
row is collected; if there is any, the transaction is rolled back and the result lists them all.
Files not recognised beside recognised ones are skipped, and rows kept with a caveat (a deal
opened after its close date) are warnings; both are listed in the report.
"""

import csv
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import DatabaseError, IntegrityError, transaction

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from crm_app.ingest.parsing import CellProblem, Parsed, RowParser
from crm_app.ingest.recognition import ACCOUNT, CONTACT, DEAL, DEAL_ROLE, KINDS
from crm_app.ingest.sources import (
    SKIPPED,
    MappingError,
    RowReader,
    SourceFile,
    apply_mapping,
    apply_segment_mapping,
    inspect,
    mapping_for,
    skipped_sources,
)
from crm_app.ingest.writers import (
    AccountWriter,
    ContactWriter,
    DealWriter,
    Ledger,
    RoleLink,
    RoleWriter,
)
from crm_app.selectors import stage_alias_map
from crm_app.services.import_report import import_report_text
from crm_app.services.stage_values import stage_values_seen
from personas_app.models import Contact

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_ERRORS = 10_000  # every bad row (and warning) is counted; the first 10,000 are listed
Progress = Callable[[int, str], None]


class ImportRefused(ApplicationError):
    """The files cannot be imported as given (not CSV, not recognised, a bad mapping)."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems), extra={"files": problems})
        self.problems = problems


class _Rollback(Exception):
    pass


@dataclass
class ImportResult:
    """What an import did (or, when refused, would not do) and why."""

    ok: bool
    counts: dict
    errors: list[dict]
    error_count: int
    notes: list[str]
    files: list[dict]
    rows: dict = field(default_factory=dict)  # file name → data rows read
    warnings: list[dict] = field(default_factory=list)  # as errors: file, line, column…
    warning_count: int = 0
    skipped: list[str] = field(default_factory=list)  # files not recognised, not read

    @property
    def report(self) -> str:
        return import_report_text(self)


def prepare_files(
    files: Iterable, mapping: dict | None = None
) -> tuple[list[SourceFile], list[str]]:
    """Inspect the files and apply the mapping; returns the files and what stops them."""
    sources, problems = [], []
    for item in files:
        if isinstance(item, SourceFile):
            source = item
        else:
            name, path = item if isinstance(item, tuple) else (Path(item).name, item)
            source = inspect(name, path)
        entry = mapping_for(mapping, source.name)
        if entry is not None and not source.problem:
            try:
                apply_mapping(source, entry)
            except MappingError as exc:
                problems.extend(exc.messages)
        sources.append(source)
    problems.extend(apply_segment_mapping(sources, mapping))
    names = [s.name for s in sources]
    problems.extend(
        f"{name}: two files have this name; rename one."
        for name in sorted({n for n in names if names.count(n) > 1})
    )
    skipped = {id(s) for s in skipped_sources(sources)}  # not recognised beside recognised files
    problems.extend(f"{s.name}: {s.status}" for s in sources if not (s.ready or id(s) in skipped))
    return sources, problems


def _batches(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class Importer:
    """One run over the files of one import (see the module docstring for the order)."""

    def __init__(
        self,
        workspace_id: int,
        sources: Sequence[SourceFile],
        progress: Progress | None = None,
    ):
        self.sources = list(sources)
        self.progress = progress
        self.errors: list[dict] = []
        self.error_count = 0
        self.warnings: list[dict] = []
        self.warning_count = 0
        # A migrated org's deals opened "after" they closed are kept, each one a warning.
        self.ledger = Ledger(
            workspace_id=workspace_id,
            report_problem=self._problem,
            report_warning=self._warning,
            created_after_close_unknown=True,
        )
        self.rows: dict[str, int] = {}
        self.parsers: dict[str, RowParser] = {}
        self.stage_aliases = stage_alias_map(workspace=workspace_id)
        self.accounts = AccountWriter(self.ledger)
        self.contacts = ContactWriter(self.ledger)
        self.deals = DealWriter(self.ledger)
        self.roles = RoleWriter(self.ledger)
        self._done_bytes = 0
        self._total_bytes = 1
        self._last_percent = -1

    # --- errors and progress --------------------------------------------------------------

    def _problem(self, parser: RowParser, parsed: Parsed, problem: CellProblem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(_row_entry(parser, parsed, problem))

    def _warning(self, parser: RowParser, parsed: Parsed, problem: CellProblem) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_ERRORS:
            self.warnings.append(_row_entry(parser, parsed, problem))

    def _file_problem(self, source: SourceFile, message: str) -> None:
        self.error_count += 1
        self.errors.append(
            {
                "file": source.name,
                "line": None,
                "text_line": None,
                "column": "",
                "value": "",
                "message": message,
            }
        )

    def _report_progress(self, reader: RowReader, message: str) -> None:
        if self.progress is None:
            return
        done = self._done_bytes + reader.bytes_read
        percent = min(99, int(done * 100 / self._total_bytes))
        if percent != self._last_percent:
            self._last_percent = percent
            self.progress(percent, message)

    # --- passes ---------------------------------------------------------------------------

    def _parsed_batches(
        self, source: SourceFile, what: str, first_pass: bool
    ) -> Iterator[tuple[RowParser, list[Parsed]]]:
        parser = self.parsers.get(source.name) or RowParser(source, self.stage_aliases)
        self.parsers.setdefault(source.name, parser)
        reader = RowReader(source)
        kind = parser.kind
        tally = self.ledger.counts[kind]
        for rows in _batches(reader, BATCH_SIZE):
            good = []
            for row in rows:
                parsed = parser.parse(row)
                if not first_pass:
                    if not (parsed.problems or parsed.deleted or parsed.incomplete):
                        good.append(parsed)
                    continue
                self.rows[source.name] = self.rows.get(source.name, 0) + 1
                if parsed.deleted:
                    tally.skipped += 1
                    self.ledger.notes[f"{source.name}: rows skipped, deleted in the source"] += 1
                    self._mark(kind, parser, parsed, "deleted in the source")
                elif parsed.incomplete:
                    tally.skipped += 1
                    self.ledger.notes[
                        f"{source.name}: rows skipped, a required value is "
                        "missing (skip_incomplete)"
                    ] += 1
                    self._mark(kind, parser, parsed, "skipped: a required value is missing")
                elif parsed.problems:
                    for problem in parsed.problems:
                        self._problem(parser, parsed, problem)
                    self._mark(kind, parser, parsed, "a row with errors")
                else:
                    good.append(parsed)
            yield parser, good
            self._report_progress(reader, f"{what} {source.name}")
        self._done_bytes += source.size

    def _mark(self, kind: str, parser: RowParser, parsed: Parsed, why: str) -> None:
        ext = parsed.values.get("external_id")
        if ext and kind in self.ledger.unusable:
            self.ledger.unusable[kind][ext] = f"{why} ({parser.source.name} line {parsed.row.line})"

    def _records_pass(self, source: SourceFile) -> None:
        writers: dict[str, AccountWriter | ContactWriter | DealWriter] = {
            ACCOUNT: self.accounts,
            CONTACT: self.contacts,
            DEAL: self.deals,
        }
        for parser, good in self._parsed_batches(source, "Reading", True):
            writers[parser.kind].write(parser, good)

    def _roles_pass(self, source: SourceFile) -> None:
        for parser, good in self._parsed_batches(source, "Reading", True):
            links = [
                RoleLink(
                    p,
                    p.values["deal"],
                    p.values["contact"],
                    [p.values.get("role") or "other"],
                    p.values.get("is_primary"),
                    p.values.get("stance"),
                )
                for p in good
            ]
            self.roles.write(parser, links)

    def _reports_to_pass(self, source: SourceFile) -> None:
        for parser, good in self._parsed_batches(source, "Linking managers in", False):
            self.contacts.link_reports_to(parser, good)

    def _associations_pass(self, source: SourceFile) -> None:
        for parser, good in self._parsed_batches(source, "Linking people and deals in", False):
            links: list[RoleLink] = []
            unusable = self.ledger.unusable[parser.kind]
            for parsed in good:
                ext = parsed.values["external_id"]
                if ext in unusable:
                    continue  # its row failed and was reported already
                if source.kind == CONTACT:
                    roles = parsed.values.get("buying_role") or None
                    links.extend(
                        RoleLink(
                            parsed,
                            deal,
                            ext,
                            roles,
                            deal_field="deals",
                            contact_field="external_id",
                        )
                        for deal in parsed.values.get("deals") or []
                    )
                else:
                    links.extend(
                        RoleLink(
                            parsed,
                            ext,
                            contact,
                            self.ledger.buying_roles.get(contact),
                            deal_field="external_id",
                            contact_field="contacts",
                        )
                        for contact in parsed.values.get("contacts") or []
                    )
            if links:
                self.roles.write(parser, links)

    def _passes(self) -> list[tuple[SourceFile, Callable]]:
        by_kind = {kind: [s for s in self.sources if s.kind == kind] for kind in KINDS}
        passes = [
            (s, self._records_pass) for kind in (ACCOUNT, CONTACT, DEAL) for s in by_kind[kind]
        ]
        passes += [(s, self._roles_pass) for s in by_kind[DEAL_ROLE]]
        passes += [
            (s, self._reports_to_pass) for s in by_kind[CONTACT] if "reports_to" in s.columns
        ]
        passes += [(s, self._associations_pass) for s in by_kind[CONTACT] if "deals" in s.columns]
        passes += [(s, self._associations_pass) for s in by_kind[DEAL] if "contacts" in s.columns]
        return passes

    def _check_reporting_loops(self) -> None:
        """A reporting line must not loop (A → B → A); the database cannot see that."""
        if not any("reports_to" in s.columns for s in self.sources):
            return
        boss_of = dict(
            Contact.all_objects.filter(
                workspace_id=self.ledger.workspace_id, reports_to__isnull=False
            ).values_list("id", "reports_to_id")
        )
        in_loop = set()
        for start in boss_of:
            seen, node = [], start
            while node in boss_of and node not in seen and node not in in_loop:
                seen.append(node)
                node = boss_of[node]
            if node in seen:
                in_loop.update(seen[seen.index(node) :])
        if in_loop:
            names = Contact.all_objects.filter(pk__in=in_loop).values_list("external_id", flat=True)
            self.error_count += 1
            self.errors.append(
                {
                    "file": ", ".join(s.name for s in self.sources if "reports_to" in s.columns),
                    "line": None,
                    "text_line": None,
                    "column": "reports_to",
                    "value": "",
                    "message": "These contacts' reporting lines form a loop: "
                    f"{', '.join(sorted(n or '?' for n in names))}.",
                }
            )

    def run(self) -> ImportResult:
        passes = self._passes()
        self._total_bytes = max(1, sum(source.size for source, _ in passes))
        try:
            with transaction.atomic():
                for source, run_pass in passes:
                    try:
                        run_pass(source)
                    except (UnicodeDecodeError, ValueError, csv.Error) as exc:
                        if isinstance(exc, MappingError):
                            raise
                        self._file_problem(source, f"The file could not be read to the end: {exc}.")
                        raise _Rollback from exc
                self._check_reporting_loops()
                if self.error_count:
                    raise _Rollback
        except _Rollback:
            pass
        except IntegrityError as exc:
            logger.warning("import hit a database constraint: %s", exc)
            self.error_count += 1
            self.errors.append(
                {
                    "file": "",
                    "line": None,
                    "text_line": None,
                    "column": "",
                    "value": "",
                    "message": "The data conflicts with records changed while the import ran "
                    "(or breaks a rule of the database). Nothing was imported; try again.",
                }
            )
        # Kept even when the import is refused: an admin can map them before the next try.
        unknown_stages = sum((p.unknown_stages() for p in self.parsers.values()), Counter())
        if unknown_stages:
            stage_values_seen(workspace_id=self.ledger.workspace_id, counts=unknown_stages)
        ok = self.error_count == 0
        order: dict[str, int] = {}
        for source, _ in passes:
            order.setdefault(source.name, len(order))
        self.errors.sort(key=lambda e: (order.get(e["file"], len(order)), e["line"] or 0))
        notes = []
        for parser in self.parsers.values():
            notes.extend(parser.notes())
        notes.extend(f"{what}: {n}" for what, n in self.ledger.notes.items())
        files = [
            {
                "name": s.name,
                "kind": s.kind,
                "source": s.source,
                "columns": {k: s.column_label(k) for k in s.columns},
                "ignored": s.ignored,
                "custom": s.custom,
            }
            for s in self.sources
        ]
        counts = {k: t.as_dict() for k, t in self.ledger.counts.items()}
        if not ok:
            counts = {k: {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0} for k in counts}
        warnings, warning_count = (self.warnings, self.warning_count) if ok else ([], 0)
        return ImportResult(
            ok,
            counts,
            self.errors,
            self.error_count,
            notes,
            files,
            self.rows,
            warnings=warnings,
            warning_count=warning_count,
        )


def _row_entry(parser: RowParser, parsed: Parsed, problem: CellProblem) -> dict:
    return {
        "file": parser.source.name,
        "line": parsed.row.line,
        "text_line": parsed.row.text_line,
        "column": problem.column,
        "value": problem.value[:200],
        "message": problem.message,
    }


def import_run(
    *,
    workspace: Workspace | int,
    files: Iterable,
    mapping: dict | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import CSV files into a workspace, all or nothing.

    ``files`` are paths, ``(name, path)`` pairs or inspected :class:`SourceFile` objects;
    ``mapping`` is keyed by file name (see ``sources.apply_mapping``). Raises ImportRefused when
    a file cannot be imported at all (not a CSV, not recognised and not mapped); otherwise
    returns an :class:`ImportResult` — ``ok`` False with every bad row when anything was wrong,
    in which case nothing was written.
    """
    sources, problems = prepare_files(files, mapping)
    if problems:
        raise ImportRefused(problems)
    skipped = skipped_sources(sources)
    sources = [s for s in sources if s not in skipped]
    try:
        for source in sources:
            RowParser(source)  # validates value overrides of the mapping
    except MappingError as exc:
        raise ImportRefused(exc.messages) from exc
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    try:
        result = Importer(workspace_id, sources, progress).run()
    except DatabaseError:
        logger.exception("import into workspace %s failed", workspace_id)
        raise
    result.skipped = [s.name for s in skipped]
    blank = {"line": None, "text_line": None, "column": "", "value": "", "message": SKIPPED}
    result.warnings[:0] = [{"file": s.name, **blank} for s in skipped]
    result.warning_count += len(skipped)
    return result
