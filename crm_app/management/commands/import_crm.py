"""manage.py import_crm --workspace SLUG FILE… [--mapping JSON_FILE]

Imports Salesforce or HubSpot CSV exports (or any CSV, with a mapping) into a workspace, all or
nothing. Counts go to stdout; the report (what was recognised, every bad row) to stderr.
Exit status: 0 imported, 1 refused (bad rows, unrecognised files, bad arguments).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from crm_app.ingest.recognition import KIND_LABELS, KINDS
from crm_app.models import ImportJob
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
        uploads = [(Path(f).name, Path(f).resolve()) for f in options["files"]]
        try:
            job, _problems = import_job_create(
                workspace=workspace, uploads=uploads, mapping=mapping, store=False
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
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
