"""manage.py sync_crm --workspace SLUG [--connection ID] [--full]

Syncs a workspace's CRM connections here and now (no worker needed): every enabled connection,
or the one named. Counts per object, API requests and record errors go to stdout.
Exit status: 0 synced (errors on single records included), 1 a run failed or a bad argument.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts_app.models import Workspace
from common.exceptions import ApplicationError
from crm_app.models import CrmConnection, SyncRun
from crm_app.selectors import connection_get, connection_list
from crm_app.services.sync import sync_run_execute, sync_run_request

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Sync a workspace's CRM connections now (all enabled ones, or --connection ID)."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="Slug of the workspace.")
        parser.add_argument("--connection", type=int, help="Id of one connection to sync.")
        parser.add_argument(
            "--full", action="store_true", help="Read everything again, not only what changed."
        )

    def handle(self, *args, **options):
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        if options["connection"] is not None:
            try:
                connections = [connection_get(workspace=workspace, pk=options["connection"])]
            except CrmConnection.DoesNotExist as exc:
                raise CommandError(
                    f"No connection {options['connection']} in the workspace {workspace.slug}."
                ) from exc
        else:
            connections = list(connection_list(workspace=workspace).filter(enabled=True))
            if not connections:
                raise CommandError(f"The workspace {workspace.slug} has no enabled connection.")
        failed = []
        for connection in connections:
            run = self._sync(workspace, connection, full=options["full"])
            if run.state == SyncRun.State.FAILED:
                failed.append(f"{connection.name}: {run.message}")
        if failed:
            raise CommandError("Sync failed. " + " ".join(failed))

    def _sync(self, workspace: Workspace, connection: CrmConnection, *, full: bool) -> SyncRun:
        try:
            run, created = sync_run_request(
                connection=connection,
                workspace=workspace,
                full=full,
                trigger=SyncRun.Trigger.COMMAND,
                send=False,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not created:
            self.stdout.write(
                f"{connection.name}: run {run.pk} is already {run.state}; finishing it here."
            )
        self.stdout.write(f"{connection} — run {run.pk}{' (full)' if run.full else ''}")
        run = sync_run_execute(run_id=run.pk) or run
        for name, c in run.counts.items():
            self.stdout.write(
                f"  {name}: {c.get('created', 0)} created, {c.get('updated', 0)} updated, "
                f"{c.get('unchanged', 0)} unchanged, {c.get('deleted', 0)} deleted, "
                f"{c.get('skipped', 0)} skipped"
            )
        self.stdout.write(f"  API requests: {run.requests}")
        self.stdout.write(f"  Errors: {run.error_count}")
        for error in run.errors[:SHOWN_ERRORS]:
            self.stdout.write(
                f"    {error.get('object')} {error.get('id')}"
                f"{' ' + error['field'] if error.get('field') else ''}: {error.get('message')}"
            )
        if run.error_count > SHOWN_ERRORS:
            self.stdout.write(f"    … and {run.error_count - SHOWN_ERRORS} more")
        self.stdout.write(f"  {run.get_state_display()}: {run.message}")
        return run
