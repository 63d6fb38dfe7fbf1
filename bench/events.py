"""Benchmark: an event to its in-app notification and its webhook delivery (PRODUCT.md §9, §12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deallens_bench \\
        REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/events.py [--events 40]

(``make bench`` runs it as the part ``events``.) PostgreSQL and Redis: the point is the path
through a real broker and a real ``celery -A config worker`` (two processes, as
``make worker``), as in production.

1. Empties the workspace ``bench-events`` and gives it a sales lead who owns ``--events`` +
   ``--burst`` open deals, each with an economic buyer, a user and a champion; an admin's webhook
   endpoint (``deal.risk_raised``) points at a local receiver that verifies every Standard
   Webhooks signature (tests/alerts_support/webhook_receiver.py).
2. One at a time, with a pause between: removes a deal's champion through the service (as the
   deal page does) and times the write itself (service and commit, which includes queueing the
   hand-on), then the time from the event (``occurred_at``) to the owner's notification row and
   to the receiver's request. Target: ≤ 10 s each, the write unaffected.
3. A burst: ``--burst`` champions removed back to back; the same latencies for every event, and
   the time until the last one arrived.
4. A receiver that hangs for 5 s: the writes are timed again (a page never waits).
5. Prints a table and, as the last line with ``--json``, one JSON object of the figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
# The worker must reach the local receiver (127.0.0.1) and read the endpoint's secret.
os.environ["DEALLENS_WEBHOOKS_ALLOW_PRIVATE"] = "true"
LATENCY_S = 10.0  # PRODUCT.md §9


def say(*parts) -> None:
    print(*parts, flush=True)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 3) if values else None,
        "p95": round(percentile(values, 0.95), 3) if values else None,
        "max": round(max(values), 3) if values else None,
    }


def start_worker(env: dict) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--queues", "celery", "--concurrency", "2", "--loglevel", "WARNING",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 (our own interpreter)
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_ready(timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return
    raise SystemExit("The Celery worker did not answer within a minute.")


def build(slug: str, deals: int):
    """A fresh workspace: a sales lead owning ``deals`` covered deals, an admin."""
    from django.contrib.auth.models import User

    from accounts_app.models import Account, Membership, Workspace
    from deals_app.models import Deal, DealRole
    from personas_app.models import Contact

    Workspace.objects.filter(slug=slug).delete()
    workspace = Workspace.objects.create(name="Bench events", slug=slug)
    owner, _ = User.objects.get_or_create(username=f"{slug}-sales", defaults={"email": "s@x.test"})
    admin, _ = User.objects.get_or_create(username=f"{slug}-admin", defaults={"email": "a@x.test"})
    Membership.objects.create(user=owner, workspace=workspace, role="sales")
    Membership.objects.create(user=admin, workspace=workspace, role="admin")
    champions = []
    for i in range(deals):
        account = Account.objects.create(workspace=workspace, name=f"Account {i}")
        people = [
            Contact.objects.create(workspace=workspace, account=account, last_name=f"{who} {i}")
            for who in ("Buyer", "User", "Champion")
        ]
        deal = Deal.objects.create(
            workspace=workspace, account=account, name=f"Deal {i}", stage="proposal",
            owner=owner, amount=10_000,
        )  # fmt: skip
        for contact, role in zip(people, ("economic_buyer", "user", "champion"), strict=True):
            created = DealRole.objects.create(
                workspace=workspace, deal=deal, contact=contact, role=role
            )
        champions.append(created)
    return workspace, owner, admin, champions


def remove_champion(workspace, role):
    """The write a sales lead makes on the deal page; returns (seconds, the event)."""
    from deals_app.services import deal_role_delete
    from events_app.models import Event

    started = time.perf_counter()
    deal_role_delete(workspace=workspace, deal_role=role)  # its own transaction and commit
    took = time.perf_counter() - started
    event = Event.objects.filter(
        type="deal.risk_raised", object_id=str(role.deal_id), data__code="no_champion"
    ).latest("id")
    return took, event


def arrived(events, owner, receiver, timeout: float) -> tuple[list[float], list[float]]:
    """Seconds from each event to its notification and to its webhook; waits up to timeout."""
    from alerts_app.models import Notification

    wanted = {event.pk: event for event in events}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notes = dict(
            Notification.objects.filter(user=owner, event_id__in=wanted).values_list(
                "event_id", "created_at"
            )
        )
        hooks = {r.webhook_id: r.at for r in list(receiver.requests)}
        if len(notes) == len(wanted) and all(e.public_id in hooks for e in events):
            break
        time.sleep(0.05)
    in_app = [
        (notes[pk] - e.occurred_at).total_seconds() for pk, e in wanted.items() if pk in notes
    ]
    webhook = [
        hooks[e.public_id] - e.occurred_at.timestamp() for e in events if e.public_id in hooks
    ]
    return in_app, webhook


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=40, help="one at a time")
    parser.add_argument("--burst", type=int, default=200, help="back to back")
    parser.add_argument("--workspace", default="bench-events")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        say("The events benchmark needs a broker and a worker: set REDIS_URL=redis://…")
        return 2
    if not os.environ.get("DEALLENS_ENCRYPTION_KEYS"):
        from cryptography.fernet import Fernet  # a throwaway key the worker shares

        os.environ["DEALLENS_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from alerts_app.services.webhooks import webhook_endpoint_create
    from config.celery import app
    from tests.alerts_support.webhook_receiver import running_receiver

    if connection.vendor != "postgresql":
        say("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    slow = 20
    workspace, owner, admin, champions = build(args.workspace, args.events + args.burst + slow)
    app.control.purge()
    figures: dict = {"events": args.events, "burst": args.burst}
    with running_receiver() as receiver:
        _endpoint, secret = webhook_endpoint_create(
            workspace=workspace, url=receiver.url, event_types=["deal.risk_raised"],
            created_by=admin,
        )  # fmt: skip
        receiver.secret = secret
        worker = start_worker(dict(os.environ))
        try:
            wait_ready()
            writes, in_app, webhook = [], [], []
            for role in champions[: args.events]:
                took, event = remove_champion(workspace, role)
                writes.append(took)
                got_in_app, got_webhook = arrived([event], owner, receiver, timeout=30)
                in_app += got_in_app
                webhook += got_webhook
                time.sleep(0.1)
            figures["one_at_a_time"] = {
                "write_s": summary(writes),
                "in_app_s": summary(in_app),
                "webhook_s": summary(webhook),
            }
            say("one at a time:", figures["one_at_a_time"])

            burst = champions[args.events : args.events + args.burst]
            started = time.perf_counter()
            results = [remove_champion(workspace, role) for role in burst]
            in_app, webhook = arrived([e for _, e in results], owner, receiver, timeout=120)
            figures["burst_result"] = {
                "write_s": summary([took for took, _ in results]),
                "in_app_s": summary(in_app),
                "webhook_s": summary(webhook),
                "all_arrived_s": round(time.perf_counter() - started, 2),
                "verified": all(r.verified for r in receiver.requests),
            }
            say("burst:", figures["burst_result"])

            receiver.script = [("hang", 5)]
            hanging = champions[args.events + args.burst :]
            figures["hanging_receiver_write_s"] = summary(
                [remove_champion(workspace, role)[0] for role in hanging]
            )
            say("writes while the receiver hangs:", figures["hanging_receiver_write_s"])
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    worst = max(
        figures["one_at_a_time"]["in_app_s"]["p95"] or 0,
        figures["one_at_a_time"]["webhook_s"]["p95"] or 0,
        figures["burst_result"]["in_app_s"]["p95"] or 0,
        figures["burst_result"]["webhook_s"]["p95"] or 0,
    )
    figures["met"] = worst <= LATENCY_S
    figures["broken"] = (
        []
        if figures["burst_result"]["verified"]
        and figures["burst_result"]["in_app_s"]["n"] == args.burst
        and figures["burst_result"]["webhook_s"]["n"] == args.burst
        else ["events: not every event arrived, or a signature did not verify"]
    )
    if args.json:
        say(json.dumps(figures))
    return 1 if figures["broken"] else 0


if __name__ == "__main__":
    sys.exit(main())
