"""Exact query-count baselines per endpoint or page, kept in tests/query_counts.json.

A test names what it measures; the count must equal the baseline, neither more (a new N+1)
nor fewer (an improvement to write down). ``QUERY_COUNTS_UPDATE=1 pytest …`` writes the counts
it sees instead of checking them (also under pytest-xdist: each write is a locked
read-modify-write). The counts are the same on SQLite and PostgreSQL, so a name maps to one
number; a name whose count differed would map to {"sqlite": n, "postgresql": m}.
"""

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

BASELINES = Path(__file__).with_name("query_counts.json")
# Outside the working tree, never removed (a removed lock file could be held by two writers).
LOCK = Path(tempfile.gettempdir()) / f"deallens-query-counts-{os.getuid()}.lock"
UPDATE = os.environ.get("QUERY_COUNTS_UPDATE", "") not in ("", "0")


def _load() -> dict:
    return json.loads(BASELINES.read_text()) if BASELINES.exists() else {}


def expected(name: str) -> int:
    entry = _load().get(name)
    if isinstance(entry, dict):
        entry = entry.get(connection.vendor)
    if entry is None:
        pytest.fail(
            f"no query-count baseline for {name!r} in {BASELINES.name}: "
            "run the test with QUERY_COUNTS_UPDATE=1 and commit the file",
            pytrace=False,
        )
    return entry


def record(name: str, count: int) -> None:
    """Write ``count`` as the baseline of ``name`` (keeping a per-vendor entry per vendor)."""
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        baselines = _load()
        entry = baselines.get(name)
        if isinstance(entry, dict):
            entry[connection.vendor] = count
        else:
            baselines[name] = count
        text = json.dumps(dict(sorted(baselines.items())), indent=2) + "\n"
        BASELINES.write_text(text)


def check(name: str, count: int) -> None:
    """The count measured for ``name`` equals its baseline (or is recorded, when updating)."""
    if UPDATE:
        record(name, count)
        return
    baseline = expected(name)
    assert count == baseline, (
        f"{name}: {count} queries, the baseline in {BASELINES.name} is {baseline} "
        "(QUERY_COUNTS_UPDATE=1 rewrites it when the change is meant)"
    )


@pytest.fixture
def assert_query_baseline(django_assert_num_queries):
    """``with assert_query_baseline(name): …``: exactly the baseline's number of queries
    (``django_assert_num_queries``, which lists the queries when it fails)."""

    @contextmanager
    def measure(name: str):
        if UPDATE:
            with CaptureQueriesContext(connection) as queries:
                yield queries
            record(name, len(queries))
        else:
            with django_assert_num_queries(expected(name)) as queries:
                yield queries

    return measure
