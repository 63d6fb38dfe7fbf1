"""The import report as plain text: what each file was read as, what was imported or which rows
to fix, the files skipped and the rows kept with a caveat (warnings), and the notes.

The command prints it and the job keeps it; the import page shows the same facts as tables.
"""

from typing import TYPE_CHECKING

from crm_app.ingest.recognition import KIND_LABELS, KINDS

if TYPE_CHECKING:
    from crm_app.services.import_run import ImportResult

LINE_NOTE = (
    "Line numbers are rows as a spreadsheet shows them (the header is line 1; a cell holding "
    "line breaks stays on one line). Where a row starts on another line of the text file, that "
    "line is given as text_line."
)


def _where(row: dict) -> str:
    """ "file line N (text line M), column C, value 'v'" for an error or warning."""
    where = f"{row['file']} line {row['line']}" if row.get("line") else row["file"]
    if row.get("text_line") and row["text_line"] != row.get("line"):
        where += f" (text line {row['text_line']})"
    column = f", column {row['column']}" if row.get("column") else ""
    value = f", value {row['value']!r}" if row.get("value") else ""
    return f"{where}{column}{value}"


def import_report_text(result: "ImportResult") -> str:
    lines = []
    for info in result.files:
        rows = result.rows.get(info["name"], 0)
        lines.append(
            f"{info['name']}: {info['source']} → {KIND_LABELS.get(info['kind'], '?')}, "
            f"{rows} row(s)"
        )
        if info.get("custom"):
            lines.append(f"  custom fields ignored: {', '.join(info['custom'])}")
        if info.get("ignored"):
            lines.append(f"  columns ignored: {', '.join(info['ignored'])}")
    lines.extend(f"{name}: not recognised → skipped" for name in result.skipped)
    if result.ok:
        lines.append("Imported:")
        for kind in KINDS:
            c = result.counts.get(kind, {})
            lines.append(
                f"  {KIND_LABELS[kind]}: {c.get('created', 0)} created, "
                f"{c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged"
                + (f", {c['skipped']} skipped" if c.get("skipped") else "")
            )
    else:
        lines.append(f"Nothing was imported: {result.error_count} problem(s) to fix.")
        lines.extend(f"  {_where(error)}: {error['message']}" for error in result.errors)
        if result.error_count > len(result.errors):
            lines.append(f"  … and {result.error_count - len(result.errors)} more.")
    if result.warnings:
        lines.append(f"Warnings: {result.warning_count}")
        lines.extend(f"  {_where(warning)}: {warning['message']}" for warning in result.warnings)
        if result.warning_count > len(result.warnings):
            lines.append(f"  … and {result.warning_count - len(result.warnings)} more.")
    if result.errors or any(w.get("line") for w in result.warnings):
        lines.append(LINE_NOTE)
    lines.extend(f"Note: {note}" for note in result.notes)
    return "\n".join(lines)
