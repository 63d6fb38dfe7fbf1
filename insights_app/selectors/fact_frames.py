"""The facts behind a recompute: every family of per-account metrics, read once.

Each family is one query grouped by account (``facts``); the rows arrive as column arrays and
are indexed per account (``analytics.AccountIndex``), ready for the rollups that turn them into
snapshot payloads (``insights_app.services.payloads``). Reads only.
"""

import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import connections

from accounts_app.models import Workspace
from insights_app import analytics

from . import facts, survey_facts
from .dimensions import ACCOUNT_DIMENSIONS

RECENT_DAYS = 90  # conversations_90d: occurred_on from today − 90 days to today, both included
# Family reads run on this many connections at once (PostgreSQL, outside a transaction).
PARALLEL_READS = 3


@dataclass
class Facts:
    """Every family of per-account facts of a workspace, read once per recompute."""

    index: analytics.AccountIndex
    dimension_columns: dict[str, np.ndarray]
    totals: analytics.FactFrame
    keyed: dict[str, analytics.FactFrame]
    features: list[dict]
    assumptions: list[dict]
    pains: dict[int, str]
    competitor_names: dict[str, str]


TOTAL_MONEY = ("revenue_won", "pipeline", "cost_recorded", "value_claimed")
# Families read by account and quarter of close_date (summed per account for all time).
QUARTERED = ("trend", "covered", "costed", "stated", "cycles", "reasons")


def _fact_reads(workspace: Workspace, *, today: date) -> dict[str, Callable[[], dict]]:
    """Each family's read: one query grouped by account, turned into column arrays.

    Listed roughly from the most to the least expensive, so parallel reads start the long
    ones first.
    """
    read = analytics.read_columns
    since = today - timedelta(days=RECENT_DAYS)
    ws = workspace
    return {
        "pains": lambda: read(facts.pains_by_account(workspace=ws), facts.PAIN_COLUMNS),
        "feature_deals": lambda: read(
            facts.feature_deals_by_account(workspace=ws), facts.FEATURE_DEAL_COLUMNS
        ),
        "evidence": lambda: read(facts.evidence_by_account(workspace=ws), facts.EVIDENCE_COLUMNS),
        "covered": lambda: read(
            facts.covered_outcomes_by_account(workspace=ws), facts.COVERED_COLUMNS
        ),
        "costed": lambda: read(
            facts.costed_minutes_by_account(workspace=ws), facts.MINUTES_COLUMNS
        ),
        "outcomes": lambda: read(
            facts.deal_outcomes_by_account(workspace=ws), facts.OUTCOME_COLUMNS
        ),
        "trend": lambda: read(
            facts.quarterly_outcomes_by_account(workspace=ws), facts.TREND_COLUMNS
        ),
        "stated": lambda: read(facts.stated_reasons_by_account(workspace=ws), facts.STATED_COLUMNS),
        "claimed": lambda: read(
            facts.value_claimed_by_account(workspace=ws), facts.CLAIMED_COLUMNS
        ),
        "recent": lambda: read(
            facts.conversations_between_by_account(workspace=ws, since=since, until=today),
            facts.RECENT_COLUMNS,
        ),
        "feature_accounts": lambda: read(
            facts.feature_accounts(workspace=ws), facts.FEATURE_ACCOUNT_COLUMNS
        ),
        "reasons": lambda: read(
            facts.loss_reasons_by_account(workspace=ws), facts.REASON_COLUMNS, text=("reason",)
        ),
        "cycles": lambda: read(facts.won_cycle_days_by_account(workspace=ws), facts.CYCLE_COLUMNS),
        "surveys": lambda: read(
            survey_facts.surveys_by_account(workspace=ws), survey_facts.SURVEY_COLUMNS
        ),
        "competitors": lambda: read(
            survey_facts.competitors_by_account(workspace=ws),
            survey_facts.COMPETITOR_COLUMNS,
            text=("competitor", "name"),
        ),
        "accounts": lambda: read(
            facts.account_dimension_rows(workspace=ws),
            facts.ACCOUNT_COLUMNS,
            text=tuple(ACCOUNT_DIMENSIONS),
        ),
    }


def _read_loop(pending: "queue.SimpleQueue", results: dict) -> None:
    """One reading thread: take reads until none is left, on this thread's own connection."""
    try:
        with facts.fact_reading_session():
            while True:
                try:
                    name, read = pending.get_nowait()
                except queue.Empty:
                    return
                results[name] = read()
    finally:
        connections.close_all()


def _run_reads(reads: dict[str, Callable[[], dict]]) -> dict[str, dict]:
    """Run the family reads, in parallel on PostgreSQL (each thread on its own connection).

    Inside a transaction (tests, or a caller's atomic block) the reads must see that
    transaction's data, so they run one after another on the caller's connection.
    """
    connection = connections["default"]
    if PARALLEL_READS < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        with facts.fact_reading_session():
            return {name: read() for name, read in reads.items()}
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for item in reads.items():
        pending.put(item)
    results: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=PARALLEL_READS) as pool:
        loops = [pool.submit(_read_loop, pending, results) for _ in range(PARALLEL_READS)]
        for loop in loops:
            loop.result()  # re-raises a failed read
    return {name: results[name] for name in reads}


def fact_frames_get(*, workspace: Workspace, today: date) -> Facts:
    """Every family of per-account facts of the workspace, for a recompute: one query per
    family, each grouped by account in the database, in parallel on PostgreSQL."""
    columns = _run_reads(_fact_reads(workspace, today=today))
    for name in QUARTERED:  # closed-deal families: the quarter of close_date, for periods
        family = columns[name]
        family["q"] = analytics.quarter_numbers(family.pop("year"), family.pop("quarter"))
    accounts = columns["accounts"]
    index = analytics.AccountIndex(accounts["account_id"])
    covered, costed = columns["covered"], columns["costed"]
    totals = index.per_account(
        [
            ("", columns["outcomes"]),
            ("covered_", covered),
            ("costed_", costed),
            ("", columns["claimed"]),
            ("", columns["stated"]),
            ("recent_", columns["recent"]),
            ("", columns["surveys"]),
        ],
        money=TOTAL_MONEY,
        skip=("q",),
    )
    keyed = {
        "cycles": index.keyed(columns["cycles"]),
        "reasons": index.keyed(columns["reasons"]),
        "pains": index.keyed(columns["pains"]),
        "competitors": index.keyed(
            {k: v for k, v in columns["competitors"].items() if k != "name"}
        ),
        "closed_q": index.stacked(
            [
                columns["trend"],
                _closed_rows(
                    {
                        "account_id": covered["account_id"],
                        "q": covered["q"],
                        "covered_won": covered["won"],
                        "covered_lost": covered["lost"],
                    }
                ),
                {
                    "account_id": costed["account_id"],
                    "q": costed["q"],
                    "costed_minutes": costed["minutes"],
                },
                columns["stated"],
            ],
            keys=("q",),
            measures=analytics.CLOSED_MEASURES,
            money=("revenue_won", "cost_recorded"),
            small=("q", "won", "lost", "covered_won", "covered_lost", "stated", "mismatched"),
        ),
        "feature_accounts": index.keyed(columns["feature_accounts"]),
        "feature_deals": index.keyed(columns["feature_deals"], money=("demand", "lost", "largest")),
        "evidence": index.keyed(columns["evidence"]),
    }
    return Facts(
        index=index,
        dimension_columns={name: accounts[name] for name in ACCOUNT_DIMENSIONS},
        totals=totals,
        keyed=keyed,
        features=facts.feature_list(workspace=workspace),
        assumptions=facts.assumption_list(workspace=workspace),
        pains=facts.pain_tags(workspace=workspace),
        competitor_names=_competitor_names(columns["competitors"]),
    )


def _closed_rows(columns: dict) -> dict:
    """Only the rows about closed deals (covered deals are read open and closed alike)."""
    closed = (columns["covered_won"] + columns["covered_lost"]) > 0
    return {name: values[closed] for name, values in columns.items()}


def _competitor_names(columns: dict) -> dict[str, str]:
    """One spelling per competitor key (the first in sort order, so the same every time)."""
    names: dict[str, str] = {}
    for key, name in zip(columns["competitor"].tolist(), columns["name"].tolist(), strict=True):
        if key not in names or name < names[key]:
            names[key] = name
    return names
