"""Periods of close dates: the dashboard's "last 4 quarters" and single quarters.

A period restricts the figures of *closed* deals to the deals whose close_date falls in it:
won, lost, win rate, revenue won, average won deal, median cycle, cost of sale, ROI, the
win rates with and without an economic buyer + champion, loss reasons and the reason
mismatch rate (``PERIOD_FIELDS``). Everything else describes the workspace as it is now and is
the same in every period: accounts, open deals, pipeline and its share, multithreading,
value claimed, pains and conversations in the last 90 days. ``deals`` in a period is the open
deals now plus the deals closed in the period (for all time that is every deal).

Quarters are numbered ``year * 4 + quarter - 1`` so a period is a set of integers; a closed
deal without a close date has no quarter and counts only in all time.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

import numpy as np

from .segments import segment_metrics

ALL_TIME = "all"
LAST_4Q = "last4q"
MAX_QUARTERS = 12  # single quarters offered: the most recent ones with data, three years
QUARTER_KEY = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)

# Per-account-and-quarter measures of closed deals that a period restricts.
CLOSED_MEASURES = (
    "won",
    "lost",
    "revenue_won",
    "cost_recorded",
    "covered_won",
    "covered_lost",
    "costed_minutes",
    "stated",
    "mismatched",
)
# The figures of a segment row that depend on the period (the rest are "as of now").
PERIOD_FIELDS = (
    "deals",
    "won",
    "lost",
    "win_rate",
    "revenue_won",
    "avg_won_deal",
    "median_cycle_days",
    "cost_of_sale",
    "roi",
    "win_rate_covered",
    "win_rate_uncovered",
    "loss_reasons",
    "reason_mismatch_rate",
)


def quarter_number(year: int, quarter: int) -> int:
    return year * 4 + quarter - 1


def quarter_numbers(years: np.ndarray, quarters: np.ndarray) -> np.ndarray:
    """Quarter numbers of (year, quarter) columns; -1 where there is no date (year 0)."""
    years = np.asarray(years, dtype="int64")
    numbers = years * 4 + np.asarray(quarters, dtype="int64") - 1
    numbers[years <= 0] = -1
    return numbers


def _year_quarter(number: int) -> tuple[int, int]:
    return number // 4, number % 4 + 1


def quarter_key(number: int) -> str:
    """The period key of a quarter: ``2026Q3``."""
    year, quarter = _year_quarter(number)
    return f"{year}Q{quarter}"


def quarter_label(number: int) -> str:
    """A quarter as the trend labels it: ``2026-Q3``."""
    year, quarter = _year_quarter(number)
    return f"{year}-Q{quarter}"


def _first_day(number: int) -> dt.date:
    year, quarter = _year_quarter(number)
    return dt.date(year, 3 * quarter - 2, 1)


def _last_day(number: int) -> dt.date:
    return _first_day(number + 1) - dt.timedelta(days=1)


def _period(key: str, label: str, numbers: Sequence[int]) -> dict:
    return {
        "key": key,
        "label": label,
        "first_day": _first_day(min(numbers)).isoformat(),
        "last_day": _last_day(max(numbers)).isoformat(),
        "quarters": [quarter_label(n) for n in numbers],
    }


def period_list(*, quarters_with_data: Iterable[int], today: dt.date) -> list[dict]:
    """The periods a snapshot holds figures for, as JSON-ready dicts (key, label, first and last
    day, quarters): the last 4 quarters (the current one to date and the three before it),
    then single quarters, newest first — the quarters from the first with closed deals to the
    last one up to today's, at most MAX_QUARTERS of them. A quarter after today's (a closed
    deal dated in the future) counts in all time only."""
    current = quarter_number(today.year, (today.month - 1) // 3 + 1)
    last4 = list(range(current - 3, current + 1))
    periods = [_period(LAST_4Q, "Last 4 quarters", last4)]
    known = [n for n in quarters_with_data if 0 <= n <= current]
    if known:
        last = max(known)
        first = max(min(known), last - MAX_QUARTERS + 1)
        periods += [
            _period(quarter_key(n), quarter_label(n), [n]) for n in range(last, first - 1, -1)
        ]
    return periods


def period_quarters(periods: Iterable[dict]) -> dict[str, list[int]]:
    """Each period's key with its quarter numbers."""
    result = {}
    for period in periods:
        numbers = []
        for label in period["quarters"]:
            match = QUARTER_KEY.match(label)
            assert match is not None, label  # the labels are quarter keys made above
            numbers.append(quarter_number(int(match[1]), int(match[2])))
        result[period["key"]] = numbers
    return result


def normalize_period_key(text: str) -> str:
    """A period as a user may type it (``2026-q3``, `` LAST4Q ``) in its stored form."""
    text = (text or "").strip()
    if text.lower() in (ALL_TIME, LAST_4Q):
        return text.lower()
    match = QUARTER_KEY.match(text)
    return f"{match[1]}Q{match[2]}" if match else text


def period_segment_metrics(
    *,
    totals: Iterable[dict],
    closed: Iterable[dict],
    cycles: Iterable[dict],
    loss_reasons: Iterable[dict],
    hourly_cost: Decimal,
    values: Iterable[str] = (),
) -> list[dict]:
    """One period's figures per value: ``PERIOD_FIELDS`` only (the others are as of now and
    stay in the all-time rows; ``with_period`` lays them together).

    ``totals`` are the all-time per-value sums (as for ``segment_metrics``); ``closed`` the
    period's per-value sums of ``CLOSED_MEASURES`` (one row per value); ``cycles`` and
    ``loss_reasons`` the period's rows as for ``segment_metrics``. Every value of ``totals``
    (and ``values``) gets a row, with zeros and nulls when nothing closed in the period.
    """
    base = {row["value"]: row for row in totals}
    in_period = {row["value"]: row for row in closed}
    rows = []
    for value in set(base) | set(in_period) | set(values):
        row = {**base.get(value, {"value": value}), **dict.fromkeys(CLOSED_MEASURES, 0)}
        row.update(in_period.get(value, {}))
        row["deals"] = int(row.get("open_deals", 0)) + int(row["won"]) + int(row["lost"])
        rows.append(row)
    metrics = segment_metrics(
        totals=rows,
        cycles=cycles,
        loss_reasons=loss_reasons,
        pains=(),
        pipeline_total=Decimal(0),
        hourly_cost=hourly_cost,
        values=values,
    )
    return [{"value": row["value"], **{k: row[k] for k in PERIOD_FIELDS}} for row in metrics]


def with_period(results: list[dict], period_rows: list[dict]) -> list[dict]:
    """All-time rows with one period's figures laid over them (by value): every metric of
    PRODUCT.md §4, the closed-deal ones for the period. No arithmetic: both were stored by
    the recompute."""
    by_value = {row["value"]: row for row in period_rows}
    return [{**row, **by_value.get(row["value"], {})} for row in results]
