"""The quarterly trend: won, lost, revenue won and win rate per quarter of close_date."""

from collections.abc import Iterable

import pandas as pd

from .numbers import money, rate


def quarter_range(rows: Iterable[dict]) -> list[tuple[int, int]]:
    """Every (year, quarter) from the earliest to the latest one in rows, gaps included."""
    quarters = {(int(r["year"]), int(r["quarter"])) for r in rows}
    if not quarters:
        return []
    first, last = min(quarters), max(quarters)
    result, (year, quarter) = [], first
    while (year, quarter) <= last:
        result.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return result


def quarterly_trend(
    rows: Iterable[dict], *, quarters: list[tuple[int, int]], values: Iterable[str] = ()
) -> list[dict]:
    """One row per value and quarter of ``quarters``; a quarter without closed deals is zeros.

    pandas only sees the reduced rows (values × quarters) to fill the gaps; revenue stays an
    exact Decimal throughout.
    """
    frame = pd.DataFrame(
        list(rows), columns=["value", "year", "quarter", "won", "lost", "revenue_won"]
    )
    every_value = sorted(set(frame["value"]) | set(values))
    if not quarters or not every_value:
        return []
    frame["period"] = list(
        zip(frame["year"].astype(int), frame["quarter"].astype(int), strict=True)
    )
    index = pd.MultiIndex.from_product([every_value, quarters], names=["value", "period"])
    filled = (
        frame.set_index(["value", "period"])[["won", "lost", "revenue_won"]]
        .reindex(index)
        .reset_index()
    )
    result = []
    for value, (year, quarter), won, lost, revenue in filled.itertuples(index=False):
        won = 0 if pd.isna(won) else int(won)
        lost = 0 if pd.isna(lost) else int(lost)
        result.append(
            {
                "value": value,
                "quarter": f"{year}-Q{quarter}",
                "won": won,
                "lost": lost,
                "revenue_won": money(None if revenue is None or pd.isna(revenue) else revenue),
                "win_rate": rate(won, won + lost),
            }
        )
    return result
