"""manage.py recompute_insights --workspace SLUG [--force]: a synchronous recompute."""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts_app.models import Workspace
from insights_app.services import insights_recompute


class Command(BaseCommand):
    help = (
        "Recompute a workspace's insights (every dimension and metric of PRODUCT.md §4) now, "
        "in this process, and publish them. Skips when nothing changed since the last "
        "recompute, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--force", action="store_true", help="Recompute even when nothing changed."
        )

    def handle(self, *args, workspace, force, **options):
        self.verbosity = options.get("verbosity", 1)
        ws = Workspace.objects.filter(slug=workspace).first()
        if ws is None:
            raise CommandError(f"No workspace with the slug '{workspace}'.")
        out = self.stdout
        started = time.perf_counter()
        result = insights_recompute(workspace_id=ws.pk, force=force, progress=self._progress)
        seconds = time.perf_counter() - started
        if result.outcome == "skipped":
            out.write(
                f"Insights of {ws.slug} are up to date (data version {result.data_version}, "
                f"snapshot v{result.version} computed {result.computed_at:%Y-%m-%d %H:%M:%S}); "
                f"nothing to do ({seconds:.2f} s). Use --force to recompute anyway."
            )
            return
        kinds: dict[str, int] = {}
        for kind, _dimension, rows in result.parts:
            kinds[kind] = kinds.get(kind, 0) + rows
        dimensions = sorted({dimension for _kind, dimension, _rows in result.parts})
        verb = "Published" if result.published else "Computed (a newer version won; not published)"
        out.write(
            f"{verb} insights of {ws.slug} as snapshot v{result.version} "
            f"(data version {result.data_version}) in {seconds:.2f} s:"
        )
        out.write(f"  dimensions   {len(dimensions):>6}  ({', '.join(dimensions)})")
        for kind, rows in kinds.items():
            out.write(f"  {kind:<12} {rows:>6} rows")

    def _progress(self, done: int, total: int, message: str) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"  [{done}/{total}] {message}")
