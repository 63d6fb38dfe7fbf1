"""Benchmark: the live Salesforce sync (PRODUCT.md §9, §11) against the local fake org.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deallens_bench \\
        .venv/bin/python bench/sync.py [--changed 10000] [--compare 2000]

(``make bench``; ``make bench-small`` runs it with ``--changed 1000 --compare 200`` and writes
nothing.) PostgreSQL only.

1. Starts ``FakeSalesforce`` (tests/crm_support: a local HTTPS server answering the Salesforce
   REST shapes, loaded with the real export of shared/acceptance_data) in this process, empties
   the workspace ``bench-sync`` (``--workspace``) and connects it to the fake org.
2. Runs, each in a child process set up like a worker (``DJANGO_DEBUG=false``, no broker) that
   runs ``sync_run_execute`` once and reports its wall time and its peak resident set (VmHWM),
   with its size before the run:
   - the first sync (the whole export: 185 accounts, 701 contacts, 741 opportunities, 42
     contact roles);
   - a run with nothing changed since;
   - after ``advance(minutes=10)``, ``--compare`` changed records (default 2,000), then after
     another ten minutes ``--changed`` records (default 10,000): 20 % accounts, 40 % contacts,
     30 % opportunities, 10 % contact roles, of each a quarter updates of records DealLens
     already holds and the rest new ones (contacts, opportunities and roles point at existing
     and new parents); the peaks of the two show whether memory stays flat;
   - the run after that, with nothing changed in the org (it reads the overlap window again).
   API requests are the run's own count (``SyncRun.requests``), checked against the fake org's
   log; the fake org's own time to answer is reported beside the wall time (it shares the
   machine's two cores with the sync and PostgreSQL).
3. Prints a table and, unless ``--no-write``, writes the section "CRM sync" of
   docs/benchmarks.md. Targets (PRODUCT.md §9): nothing changed ≤ 2 s and ≤ 2 requests per
   object type (plus one sign-in); 10,000 changed records ≤ 60 s, worker ≤ 250 MB.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## CRM sync"
# Of every batch of changed records: the share of each object type (in the order they sync).
SHARES = (
    ("Account", 0.2),
    ("Contact", 0.4),
    ("Opportunity", 0.3),
    ("OpportunityContactRole", 0.1),
)
UPDATED_SHARE = 0.25  # of each type's records, this share are updates of existing ones
# PRODUCT.md §9
UNCHANGED_S = 2.0
CHANGED_S = 60.0
PEAK_MB = 250.0
FLAT_MB = 10.0  # "flat": the 10,000-record peak within this of the 2,000-record peak


def say(*parts) -> None:
    print(*parts, flush=True)


def high_water_mb() -> float:
    """This process's peak resident set. VmHWM belongs to the running program; ru_maxrss would
    also count the parent's size at fork (Linux carries it over exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if match:
            return int(match.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the child: one run, as a worker runs it -----------------------------------------------------


def child_main(run_id: int) -> None:
    import django

    django.setup()
    from crm_app.models import SyncRun
    from crm_app.services.sync import sync_run_execute

    SyncRun.objects.filter(pk=run_id).exists()  # the database connection, as a worker holds one
    before = high_water_mb()
    started = time.perf_counter()
    run = sync_run_execute(run_id=run_id)
    seconds = time.perf_counter() - started
    state = run.state if run else "missing"
    say(
        json.dumps(
            {"seconds": seconds, "before_mb": before, "peak_mb": high_water_mb(), "state": state}
        )
    )


def child_env(sf) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "REDIS_URL": "",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
        "DEALLENS_CRM_CA_BUNDLE": sf.ca_path,
    }


# --- the parent ------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process, all threads: the fake org's, while a child syncs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sync_once(label: str, connection, sf) -> dict:
    from crm_app.models import SyncRun
    from crm_app.services.sync import sync_run_request

    sf.reset_log()
    run, _ = sync_run_request(connection=connection, workspace=connection.workspace, send=False)
    started, cpu = time.perf_counter(), _cpu_seconds()
    done = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, __file__, "--child", str(run.pk)],
        cwd=ROOT,
        env=child_env(sf),
        capture_output=True,
        text=True,
        check=False,
    )
    process_s, fake_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    if done.returncode != 0:
        say(done.stderr[-3000:])
        raise SystemExit(f"the sync child failed with exit code {done.returncode}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    run = SyncRun.objects.get(pk=run.pk)
    counts = {name: dict(c) for name, c in run.counts.items()}
    read = sum(
        sum(c.get(k, 0) for k in ("created", "updated", "unchanged", "skipped"))
        for c in counts.values()
    )
    changed = sum(c.get("created", 0) + c.get("updated", 0) for c in counts.values())
    agreement = agree(sf, connection.workspace_id)
    result = {
        "label": label,
        "agreement": agreement,
        "state": run.state,
        "seconds": round(child["seconds"], 2),
        "process_s": round(process_s, 2),
        "fake_org_s": round(fake_cpu, 2),
        "requests": run.requests,
        "fake_org_requests": sf.request_count(),
        "peak_mb": round(child["peak_mb"], 1),
        "before_mb": round(child["before_mb"], 1),
        "read": read,
        "changed": changed,
        "errors": run.error_count,
        "counts": counts,
        "message": run.message,
    }
    say(
        f"{label}: {result['seconds']:.2f} s (fake org CPU {result['fake_org_s']:.2f} s), "
        f"{run.requests} requests, peak {result['peak_mb']:.0f} MB "
        f"(before {result['before_mb']:.0f} MB); {read:,} read, {changed:,} created or updated, "
        f"{run.error_count} errors; {run.state}"
    )
    for name, c in counts.items():
        say(f"  {name}: " + ", ".join(f"{k} {v:,}" for k, v in c.items() if v))
    return result


def agree(sf, workspace_id: int) -> list[str]:
    """Where DealLens and the org differ after a run: live records per type (by CRM id), the
    sum of the opportunities' amounts and of the accounts' head counts (which the updates
    change). Empty when they agree."""
    from django.db.models import Sum

    from accounts_app.models import Account
    from deals_app.models import Deal, DealRole
    from personas_app.models import Contact

    live = {
        sobject: [r for r in records.values() if not r["IsDeleted"]]
        for sobject, records in sf.store.records.items()
    }
    ours = {
        "Account": Account.objects.filter(workspace_id=workspace_id).exclude(external_id=""),
        "Contact": Contact.objects.filter(workspace_id=workspace_id).exclude(external_id=""),
        "Opportunity": Deal.objects.filter(workspace_id=workspace_id).exclude(external_id=""),
        "OpportunityContactRole": DealRole.objects.filter(workspace_id=workspace_id).exclude(
            external_id=""
        ),
    }
    differences = []
    for sobject, queryset in ours.items():
        theirs, mine = len(live[sobject]), queryset.count()
        if theirs != mine:
            differences.append(f"{sobject}: {theirs:,} in the org, {mine:,} in DealLens")
    amounts = round(sum(r["Amount"] or 0 for r in live["Opportunity"]), 2)
    summed = ours["Opportunity"].aggregate(s=Sum("amount"))["s"] or 0
    if abs(float(summed) - amounts) > 0.005:
        differences.append(f"opportunity amounts: {amounts:,.2f} in the org, {summed:,.2f} here")
    heads = sum(r["NumberOfEmployees"] or 0 for r in live["Account"])
    counted = ours["Account"].aggregate(s=Sum("employee_count"))["s"] or 0
    if heads != counted:
        differences.append(f"account head counts: {heads:,} in the org, {counted:,} here")
    return differences


def make_changes(sf, n: int, rng: random.Random) -> dict:
    """n changed records in the fake org, stamped with its clock: per type a quarter updates of
    live records and the rest new ones. Returns {type: {"updated": u, "created": c}}."""
    plan: dict[str, dict[str, int]] = {}
    for sobject, share in SHARES:
        total = round(n * share)
        live = [i for i, r in sf.store.records[sobject].items() if not r["IsDeleted"]]
        ids = rng.sample(live, min(len(live), round(total * UPDATED_SHARE)))
        for record_id in ids:
            sf.update(
                sobject, record_id, **_changed_fields(sobject, sf.record(sobject, record_id), rng)
            )
        if sobject == "OpportunityContactRole":
            _add_roles(sf, total - len(ids), rng)
        else:
            sf.add_many(sobject, total - len(ids))
        plan[sobject] = {"updated": len(ids), "created": total - len(ids)}
    return plan


def _add_roles(sf, n: int, rng: random.Random) -> None:
    """n new contact roles, each on an opportunity and contact that have none together yet and
    not primary (Salesforce keeps one primary per opportunity): each one a new DealLens role."""
    live = {
        sobject: [i for i, r in sf.store.records[sobject].items() if not r["IsDeleted"]]
        for sobject in ("Opportunity", "Contact")
    }
    taken = {
        (r["OpportunityId"], r["ContactId"])
        for r in sf.store.records["OpportunityContactRole"].values()
        if not r["IsDeleted"]
    }
    roles = ["Decision Maker", "Economic Buyer", "Technical Buyer", "User", "Influencer"]
    added = 0
    while added < n:
        pair = (rng.choice(live["Opportunity"]), rng.choice(live["Contact"]))
        if pair in taken:
            continue
        taken.add(pair)
        sf.add(
            "OpportunityContactRole",
            OpportunityId=pair[0],
            ContactId=pair[1],
            Role=rng.choice(roles),
            IsPrimary=False,
        )
        added += 1


def _changed_fields(sobject: str, record: dict, rng: random.Random) -> dict:
    """Fields that DealLens reads, changed so the record is an update there too."""
    if sobject == "Account":
        return {"NumberOfEmployees": (record.get("NumberOfEmployees") or 0) + rng.randint(1, 50)}
    if sobject == "Contact":
        titles = ["CFO", "VP Engineering", "Head of IT", "Procurement Lead", "CTO", "COO"]
        return {"Title": rng.choice([t for t in titles if t != record.get("Title")])}
    if sobject == "Opportunity":
        return {"Amount": float((record.get("Amount") or 0) + rng.randint(1, 90) * 1000)}
    roles = ["Decision Maker", "Economic Buyer", "Technical Buyer", "User", "Influencer"]
    return {"Role": rng.choice([r for r in roles if r != record.get("Role")])}


def connect(workspace, sf):
    """The workspace's connection to the fake org."""
    from crm_app.services.connections import connection_create

    return connection_create(
        workspace=workspace,
        kind="salesforce",
        name="Fake org (bench)",
        instance_url=sf.url,
        credentials={"client_id": sf.client_id, "client_secret": sf.client_secret},
    )


def reset_workspace(slug: str):
    from accounts_app.models import Workspace

    Workspace.objects.filter(slug=slug).delete()
    return Workspace.objects.create(slug=slug, name="Sync benchmark")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changed", type=int, default=10_000, help="changed records, big run")
    parser.add_argument("--compare", type=int, default=2_000, help="changed records, small run")
    parser.add_argument("--workspace", default="bench-sync", help="emptied and synced into")
    parser.add_argument("--page-size", type=int, default=2000, help="the fake org's query page")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs alone")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DEALLENS_ENCRYPTION_KEYS"):
        # A throwaway key, shared with the children through the environment.
        from cryptography.fernet import Fernet

        os.environ["DEALLENS_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    if args.child is not None:
        child_main(args.child)
        return 0

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection as db

    from tests.crm_support.salesforce_server import FakeSalesforce

    if db.vendor != "postgresql":
        say("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
        return 2
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    machine = _machine()
    rng = random.Random(15)
    runs: list[dict] = []
    plans: dict[str, dict] = {}
    phase = time.perf_counter()
    workspace = reset_workspace(args.workspace)
    say(f"workspace {args.workspace}: emptied in {time.perf_counter() - phase:.1f} s")
    phase = time.perf_counter()
    with FakeSalesforce(page_size=args.page_size) as sf:
        say(f"fake org loaded in {time.perf_counter() - phase:.1f} s")
        settings.DEALLENS_CRM_CA_BUNDLE = sf.ca_path
        conn = connect(workspace, sf)
        export = {t: len(sf.store.records[t]) for t, _ in SHARES}
        say("fake org:", ", ".join(f"{v:,} {k}" for k, v in export.items()), f"at {sf.url}")
        runs.append(sync_once("first sync (the export)", conn, sf))
        runs.append(sync_once("nothing changed", conn, sf))
        for n in (args.compare, args.changed):
            sf.advance(minutes=10)
            plans[str(n)] = make_changes(sf, n, rng)
            runs.append(sync_once(f"{n:,} changed records", conn, sf))
        runs.append(sync_once(f"the run after the {args.changed:,}", conn, sf))
    figures = {
        "machine": machine,
        "page_size": args.page_size,
        "export": export,
        "changed": args.changed,
        "compare": args.compare,
        "plans": plans,
        "runs": runs,
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "total_s": round(time.perf_counter() - started, 1),
    }
    figures.update(verdicts(figures))
    rows = rows_of(figures)
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    say()
    for what, value, target, ok in rows:
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        say(f"{what:<{width}}  {value:<{vwidth}}  {target:<24} {mark}")
    for problem in figures["broken"]:
        say("FAILED:", problem)
    if not args.no_write:
        write_section(render(figures, rows))
        say(f"\nwrote the section '{SECTION[3:]}' of {DOC.relative_to(ROOT)}")
    if args.json:  # for bench/run.py
        say(json.dumps(figures, default=str))
    # With --json the caller (bench/run.py) reports what broke, beside every other figure.
    return 1 if figures["broken"] and not args.json else 0


def verdicts(figures: dict) -> dict:
    """The figures bench/run.py shows, and what did not work at all (wrong counts, errors)."""
    first, unchanged, small, big, after = figures["runs"]
    object_types = len(figures["export"])
    broken = []
    for run in figures["runs"]:
        if run["state"] != "succeeded" or run["errors"]:
            broken.append(f"{run['label']}: {run['state']}, {run['errors']} errors")
        if run["requests"] != run["fake_org_requests"]:
            broken.append(
                f"{run['label']}: the run counted {run['requests']} requests, the fake org "
                f"{run['fake_org_requests']}"
            )
        broken += [f"{run['label']}: {line}" for line in run["agreement"]]
    return {
        "first_s": first["seconds"],
        "unchanged_s": unchanged["seconds"],
        "unchanged_requests": unchanged["requests"],
        "requests_allowed": 2 * object_types + 1,
        "changed_s": big["seconds"],
        "changed_requests": big["requests"],
        "changed_peak_mb": big["peak_mb"],
        "compare_peak_mb": small["peak_mb"],
        "before_mb": big["before_mb"],
        "flat": big["peak_mb"] - small["peak_mb"] <= FLAT_MB,
        "after_s": after["seconds"],
        "broken": broken,
    }


def rows_of(f: dict) -> list[tuple[str, str, str, bool | None]]:
    """(what, measured, target, met) per line; targets judged at 10,000 records only."""
    first, unchanged, small, big, after = f["runs"]
    full = f["changed"] >= 10_000
    allowed = f["requests_allowed"]

    def run_value(run: dict) -> str:
        return f"{run['seconds']:.2f} s, {run['requests']} requests, {run['peak_mb']:.0f} MB"

    return [
        (
            f"first sync: the export ({sum(f['export'].values()):,} records)",
            run_value(first),
            "",
            None,
        ),
        (
            "nothing changed",
            f"{unchanged['seconds']:.2f} s, {unchanged['requests']} requests",
            f"≤ {UNCHANGED_S:g} s, ≤ {allowed} requests",
            unchanged["seconds"] <= UNCHANGED_S and unchanged["requests"] <= allowed,
        ),
        (f"{small['label']}", run_value(small), "", None),
        (
            f"{big['label']}",
            run_value(big),
            f"≤ {CHANGED_S:g} s, ≤ {PEAK_MB:g} MB",
            (big["seconds"] <= CHANGED_S and big["peak_mb"] <= PEAK_MB) if full else None,
        ),
        (
            f"peak memory: {f['compare']:,} / {f['changed']:,} changed",
            f"{small['peak_mb']:.0f} / {big['peak_mb']:.0f} MB: "
            f"+{small['peak_mb'] - small['before_mb']:.0f} / "
            f"+{big['peak_mb'] - big['before_mb']:.0f} MB over the process before the run",
            f"flat (within {FLAT_MB:g} MB)",
            f["flat"],
        ),
        (
            f"{after['label']} (overlap read again)",
            f"{after['seconds']:.2f} s, {after['requests']} requests, {after['read']:,} read, "
            f"{after['changed']:,} changed",
            "",
            None,
        ),
    ]


def _machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]

    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 (git with our own arguments)
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += "+uncommitted"
    return {
        "cores": os.cpu_count(),
        "postgresql": pg,
        "python": platform.python_version(),
        "commit": commit,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render(f: dict, rows) -> str:
    m = f["machine"]
    table = "\n".join(
        f"| {what} | {value} | {target or '—'} | "
        f"{'—' if ok is None else ('met' if ok else '**missed**')} |"
        for what, value, target, ok in rows
    )
    export = ", ".join(f"{v:,} {k}" for k, v in f["export"].items())
    export = f"{sum(f['export'].values()):,} records: {export}"
    plan = f["plans"][str(f["changed"])]
    mix = "\n".join(
        f"- {p['created'] + p['updated']:,} {name}, {p['updated']:,} of them updates"
        for name, p in plan.items()
    )
    per_run = "\n".join(
        f"| {r['label']} | {r['seconds']:.2f} s | {r['process_s']:.2f} s | "
        f"{r['fake_org_s']:.2f} s | {r['requests']} | {r['peak_mb']:.0f} MB | {r['read']:,} | "
        f"{r['changed']:,} |"
        for r in f["runs"]
    )
    header = (
        "| run | sync | child process, with start-up | fake org CPU | requests | peak RSS "
        "| records read | created or updated |"
    )
    return f"""{SECTION}

`make bench` (`bench/sync.py`), measured {m["date"]} at commit `{m["commit"]}`: {m["cores"]}
cores, PostgreSQL {m["postgresql"]}, Python {m["python"]}; load average (1 min)
{f["load_before"]:.1f} before and {f["load_after"]:.1f} after; {f["total_s"]:.0f} s in all.
The org is `FakeSalesforce` (tests/crm_support), a local HTTPS server answering the Salesforce
REST shapes, {f["page_size"]:,} records per query page, loaded with the real export:

> {export}.

It runs in the benchmark's own process, on the same cores as the sync and PostgreSQL. Each run
is `sync_run_execute` in a child process set up like a worker (`DJANGO_DEBUG=false`).

| what | measured | target (PRODUCT.md §9) | |
|---|---|---|---|
{table}

The {f["changed"]:,} changed records, stamped ten minutes after the run before (the
{f["compare"]:,} in the same shares):

{mix}

New contacts, opportunities and roles point at existing and new
parents; a changed role is counted as created (DealLens replaces the role), and a new CRM role
name that means the same DealLens role as the old one as unchanged. After every run DealLens
holds what the org holds: the live records of each type by CRM id, the sum of the
opportunities' amounts and of the accounts' head counts (which the updates change). Every run
counted its own requests (`SyncRun.requests`), equal to the fake org's log.

{header}
|---|---|---|---|---|---|---|---|
{per_run}

How it is measured: wall time of `sync_run_execute` in the child; peak memory is that child's
high-water mark (VmHWM), of which {f["before_mb"]:.0f} MB is Django and the app loaded before
the run. "Nothing changed" reads each object type's changes and deletions since its mark (one
query each, plus the sign-in); the marks step back five minutes for clock skew
(`CRM_SYNC_OVERLAP_SECONDS`), so the run just after a burst reads the burst again and finds it
unchanged (last line).
"""


def write_section(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(doc):
        doc = pattern.sub(lambda _m: text.rstrip("\n") + "\n\n", doc)
    else:  # after the CRM import's section, or at the end
        after = re.compile(r"^## CRM import\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
        found = after.search(doc)
        at = found.end() if found else len(doc)
        doc = doc[:at].rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n\n" + doc[at:]
    DOC.write_text(doc.rstrip("\n") + "\n")


if __name__ == "__main__":
    sys.exit(main())
