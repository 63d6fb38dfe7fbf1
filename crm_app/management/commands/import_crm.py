"""manage.py import_crm --workspace SLUG FILE… [--mapping JSON_FILE] [--segment FIELD=COLUMN]…

Imports Salesforce or HubSpot CSV exports (or any CSV, with a mapping) into a workspace, all or
nothing. Counts go to stdout; the report (what was recognised, every bad row) to stderr.
Exit status: 0 imported, 1 refused (bad rows, unrecognised files, bad arguments).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from crm_app.ingest.recognition import KIND_LABELS, KINDS, SEGMENT_FIELDS
from crm_app.models import ImportJob
from crm_app.selectors import import_job_sources
from crm_app.services.import_jobs import import_job_create, import_job_execute


class Command(BaseCommand):
    help = "Import CRM exports (Salesforce, HubSpot, or any CSV with --mapping) into a workspace."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="Slug of the workspace.")
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV files, in any order.")
        parser.add_argument(
            "--mapping",
            metavar="JSON_FILE",
            help='Column mappings keyed by file name, e.g. {"pipeline.csv": {"kind": "deal", '
            '"columns": {"external_id": "id", "account": "account", "name": "title"}}}.',
        )
        parser.add_argument(
            "--segment",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="The column of the accounts file that fills a segment field "
            f"({', '.join(SEGMENT_FIELDS)}), custom fields included, e.g. "
            "--segment lifecycle=Customer_Status__c. Repeatable; a file's own --mapping wins.",
        )

    @staticmethod
    def _segments(given: list[str]) -> dict[str, str]:
        segments = {}
        for item in given:
            key, sep, column = item.partition("=")
            if not sep or not column.strip() or key.strip() not in SEGMENT_FIELDS:
                raise CommandError(
                    f"--segment {item!r}: give FIELD=COLUMN, FIELD one of "
                    f"{', '.join(SEGMENT_FIELDS)}."
                )
            segments[key.strip()] = column.strip()
        return segments

    def handle(self, *args, **options):
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        missing = [f for f in options["files"] if not Path(f).is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        mapping = None
        if options["mapping"]:
            try:
                mapping = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"The mapping file cannot be read as JSON: {exc}") from exc
        segments = self._segments(options["segment"])
        if segments:
            if mapping is not None and not isinstance(mapping, dict):
                raise CommandError("The mapping file must hold a JSON object keyed by file name.")
            mapping = dict(mapping or {})
            mapping["segment_fields"] = {**(mapping.get("segment_fields") or {}), **segments}
        uploads = [(Path(f).name, Path(f).resolve()) for f in options["files"]]
        try:
            job, problems = import_job_create(
                workspace=workspace, uploads=uploads, mapping=mapping, store=False
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        # A file's own state is checked again by the run; a mapping that could not be applied
        # (a column no file has) is not, and must not import as if it had been.
        statuses = {f"{s.name}: {s.status}" for s in import_job_sources(job)}
        unapplied = [p for p in problems if p not in statuses]
        if unapplied:
            report = "Nothing was imported:\n" + "\n".join(unapplied)
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.FAILED,
                report=report,
                error_count=len(unapplied),
                finished_at=timezone.now(),
            )
            self.stderr.write(report)
            raise CommandError(
                f"Import {job.pk} refused: {len(unapplied)} problem(s); nothing was imported."
            )
        # Run here and now (no worker needed); files that cannot be read are refused by the run.
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
        job = import_job_execute(job_id=job.pk)
        self.stderr.write(job.report)
        if job.state != ImportJob.State.SUCCEEDED:
            raise CommandError(
                f"Import {job.pk} refused: {job.error_count} problem(s); nothing was imported."
            )
        for kind in KINDS:
            c = job.counts.get(kind, {})
            self.stdout.write(
                f"{KIND_LABELS[kind]}: {c.get('created', 0)} created, {c.get('updated', 0)} "
                f"updated, {c.get('unchanged', 0)} unchanged, {c.get('skipped', 0)} skipped"
            )
