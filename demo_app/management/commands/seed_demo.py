"""manage.py seed_demo [--workspace SLUG] [--scale N] [--as-of YYYY-MM-DD] [--reset | --if-empty]"""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from common.exceptions import ApplicationError
from demo_app.services import seed_demo


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date such as 2026-03-31.") from exc


class Command(BaseCommand):
    help = (
        "Fill a workspace with a realistic, deterministic demo data set and print the demo "
        "logins. --scale N multiplies accounts, deals and conversations (1 = 200 accounts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", default="demo", help="Workspace slug (default: demo).")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Size multiplier; may be 0.25."
        )
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help="Date the data is relative to (default: today).",
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--reset", action="store_true", help="Delete the workspace's data first."
        )
        existing.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the workspace has data."
        )

    def handle(self, *args, workspace, scale, as_of, reset, if_empty, **options):
        self._reported = 0
        try:
            result = seed_demo(
                slug=workspace,
                scale=scale,
                as_of=as_of,
                reset=reset,
                if_empty=if_empty,
                progress=self._progress,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        out = self.stdout
        ws = result.workspace
        if result.seeded:
            out.write(
                f"Seeded workspace {ws.slug} ({ws.name}) as of {result.as_of:%Y-%m-%d} "
                f"at scale {result.scale:g} in {result.seconds:.1f} s:"
            )
            width = max(len(label) for label, _ in result.counts)
            for label, count in result.counts:
                out.write(f"  {label:<{width}}  {count:>10,}")
        else:
            out.write(
                f"Workspace {ws.slug} already has {result.existing_accounts:,} accounts; "
                "left as it is (--if-empty)."
            )
        out.write(f"\nLog in at {result.login_url} as:")
        out.write(f"  {'username':<12}  {'role':<6}  password")
        for username, role, *_names in result.logins:
            out.write(f"  {username:<12}  {role:<6}  {result.password}")

    def _progress(self, done: int, total: int, seconds: float) -> None:
        # Large seeds report about every tenth of the way.
        step = max(1, total // 10)
        if done == total or done // step > self._reported // step:
            self._reported = done
            self.stdout.write(f"  {done:>9,} of {total:,} accounts written ({seconds:.0f} s)")
