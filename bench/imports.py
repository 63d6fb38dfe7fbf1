"""Benchmark: import a 200,000-row Opportunity CSV (plus its 5,000 accounts) and time it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deallens_bench \\
        DJANGO_DEBUG=true .venv/bin/python bench/imports.py [--rows 200000] [--accounts 5000]

Generates Salesforce-style Account.csv and Opportunity.csv (API names, Id keys, IsWon/IsClosed,
CreatedDate, a custom field) in a temporary folder, then runs ``manage.py import_crm`` twice in a
child process each — a first import (everything created) and a re-import (everything
unchanged) — and reports wall time and the child's peak resident memory (ru_maxrss), which is
the worker's memory for the same work. Targets (PRODUCT.md §9): ≤ 3 min and ≤ 250 MB.
The workspace ``bench-imports`` is emptied first. Run on PostgreSQL for the figures.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLUG = "bench-imports"
STAGES = [
    ("Prospecting", "false", "false"),
    ("Qualification", "false", "false"),
    ("Needs Analysis", "false", "false"),
    ("Value Proposition", "false", "false"),
    ("Proposal/Price Quote", "false", "false"),
    ("Negotiation/Review", "false", "false"),
    ("Closed Won", "true", "true"),
    ("Closed Lost", "true", "false"),
]


def generate(folder: Path, rows: int, accounts: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    account_path = folder / "Account.csv"
    with account_path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "Id",
                "Name",
                "Industry",
                "NumberOfEmployees",
                "AnnualRevenue",
                "BillingCountry",
                "Type",
            ]
        )
        for i in range(accounts):
            out.writerow(
                [
                    f"001BENCH{i:08d}",
                    f"Account {i}",
                    rng.choice(["Retail", "Energy"]),
                    rng.randint(10, 50000),
                    f"{rng.randint(1, 900)}.5E6",
                    rng.choice(["Germany", "United States", "Japan"]),
                    rng.choice(["Customer", "Prospect"]),
                ]
            )
    opportunity_path = folder / "Opportunity.csv"
    start = dt.date(2022, 1, 1)
    with opportunity_path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "Id",
                "AccountId",
                "Name",
                "StageName",
                "IsClosed",
                "IsWon",
                "Amount",
                "CloseDate",
                "CreatedDate",
                "Probability",
                "Region__c",
            ]
        )
        for i in range(rows):
            stage, closed, won = rng.choice(STAGES)
            opened = start + dt.timedelta(days=rng.randint(0, 900))
            closes = opened + dt.timedelta(days=rng.randint(0, 200))
            out.writerow(
                [
                    f"006BENCH{i:09d}",
                    f"001BENCH{rng.randrange(accounts):08d}",
                    f"Opportunity {i}",
                    stage,
                    closed,
                    won,
                    f"{rng.randint(0, 500000)}.0",
                    closes.isoformat(),
                    f"{opened.isoformat()}T08:30:00.000+0000",
                    "50.0",
                    "EMEA",
                ]
            )
    return account_path, opportunity_path


PEAK_WRAPPER = """
import resource, runpy, sys
sys.argv = ["manage.py", *sys.argv[1:]]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(f"\\nPEAK_RSS_KB {peak}\\n")
"""


def _manage(*args: str, env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run manage.py in a child of its own; wall seconds and that child's peak RSS in MB."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-c", PEAK_WRAPPER, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak_kb = next(
        (
            int(line.split()[1])
            for line in done.stderr.splitlines()
            if line.startswith("PEAK_RSS_KB")
        ),
        0,
    )
    return seconds, peak_kb / 1024, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    # As a worker runs: DEBUG off (with DEBUG on, Django keeps every SQL statement in memory).
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "REDIS_URL": "",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
    }

    setup = (
        "from accounts_app.models import Workspace;"
        f"Workspace.objects.filter(slug='{SLUG}').delete();"
        f"Workspace.objects.create(slug='{SLUG}', name='Import benchmark')"
    )
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "manage.py", "shell", "-c", setup],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    # The baseline: the same child process doing nothing but start Django.
    _, idle_mb, _ = _manage("check", env=env)

    with tempfile.TemporaryDirectory() as tmp:
        accounts, opportunities = generate(Path(tmp), args.rows, args.accounts)
        size_mb = opportunities.stat().st_size / 1e6
        print(
            f"Opportunity.csv: {args.rows:,} rows, {size_mb:.1f} MB; "
            f"Account.csv: {args.accounts:,} rows"
        )
        results = []
        for label in ("first import", "re-import"):
            seconds, peak_mb, done = _manage(
                "import_crm", "--workspace", SLUG, str(opportunities), str(accounts), env=env
            )
            if done.returncode != 0:
                print(done.stderr[-3000:])
                return 1
            print(
                f"{label}: {seconds:.1f} s, peak RSS {peak_mb:.0f} MB "
                f"(Django start-up alone: {idle_mb:.0f} MB)"
            )
            print("  " + done.stdout.strip().replace("\n", "\n  "))
            results.append((label, seconds, peak_mb))
    ok = all(seconds <= 180 and peak <= 250 for _, seconds, peak in results)
    print("within targets (≤ 180 s, ≤ 250 MB)" if ok else "OUTSIDE the targets")
    if args.json:  # for bench/run.py
        runs = [
            {"label": label, "seconds": round(seconds, 1), "peak_mb": round(peak, 1)}
            for label, seconds, peak in results
        ]
        print(json.dumps({"rows": args.rows, "idle_mb": round(idle_mb, 1), "runs": runs}))
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
