"""Assemble the segment metrics of PRODUCT.md §4 from the grouped rows of the selectors."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from .numbers import median_from_histogram, money, money_or_none, rate, to_decimal

UNKNOWN_REASON = "unknown"
MINUTES_PER_HOUR = Decimal(60)
TOP_COMPETITORS = 10


def _by_value(rows: Iterable[dict]) -> dict[str, dict]:
    return {row["value"]: row for row in rows}


def segment_metrics(
    *,
    totals: Iterable[dict],
    cycles: Iterable[dict],
    loss_reasons: Iterable[dict],
    pains: Iterable[dict],
    pipeline_total: Decimal,
    hourly_cost: Decimal,
    values: Iterable[str] = (),
    competitors: Iterable[dict] = (),
) -> list[dict]:
    """One row per value with every metric of the §4 table, largest (by deals) first.

    ``totals`` holds one row per value with the per-account measures summed: ``accounts``;
    ``deals``, ``open_deals``, ``won``, ``lost``, ``revenue_won``, ``pipeline`` and
    ``cost_recorded`` (cost of sale recorded on closed deals); ``covered_open_deals``,
    ``covered_won``, ``covered_lost`` (deals with an economic buyer and a champion);
    ``costed_minutes`` (conversations of closed deals without a recorded cost);
    ``value_claimed``; ``stated`` and ``mismatched`` (lost deals with a stated reason, and those
    that disagree); ``recent_conversations``. ``cycles`` is (value, days, deals), ``loss_reasons``
    (value, reason, deals) and ``pains`` (value, pain, conversations, accounts).
    ``surveys_sent`` and ``surveys_answered`` in ``totals`` give the win/loss survey response
    rate; ``competitors`` is (value, competitor, surveys, deals) from answered surveys whose
    buyer chose a competitor (the competitor's name grouped trimmed and case-folded).

    ``values`` names values that must appear even with no row (a saved segment that matches
    no account still gets its line of zeros and nulls).
    """
    totals_by = _by_value(totals)
    histograms: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in cycles:
        histograms[row["value"]].append((row["days"], row["deals"]))
    reasons: dict[str, list[dict]] = defaultdict(list)
    for row in loss_reasons:
        if row["deals"]:
            reason = row["reason"] or UNKNOWN_REASON
            reasons[row["value"]].append({"reason": reason, "deals": row["deals"]})
    pain_lists: dict[str, list[dict]] = defaultdict(list)
    for row in pains:
        pain_lists[row["value"]].append(
            {"tag": row["pain"], "conversations": row["conversations"], "accounts": row["accounts"]}
        )

    rivals: dict[str, list[dict]] = defaultdict(list)
    for row in competitors:
        if row["surveys"]:
            rivals[row["value"]].append(
                {"competitor": row["competitor"], "surveys": row["surveys"], "deals": row["deals"]}
            )

    total_pipeline = to_decimal(pipeline_total)
    hourly = to_decimal(hourly_cost)
    result = []
    for value in set(values) | set(totals_by):
        t = totals_by.get(value, {})
        deals, open_deals = t.get("deals", 0), t.get("open_deals", 0)
        won, lost = t.get("won", 0), t.get("lost", 0)
        revenue_won = to_decimal(t.get("revenue_won"))
        pipeline = to_decimal(t.get("pipeline"))
        cost = (
            to_decimal(t.get("cost_recorded"))
            + hourly * Decimal(t.get("costed_minutes", 0)) / MINUTES_PER_HOUR
        )
        cost_of_sale = Decimal(money(cost))
        covered_won, covered_lost = t.get("covered_won", 0), t.get("covered_lost", 0)
        result.append(
            {
                "value": value,
                "accounts": t.get("accounts", 0),
                "deals": deals,
                "open_deals": open_deals,
                "won": won,
                "lost": lost,
                "win_rate": rate(won, won + lost),
                "revenue_won": money(revenue_won),
                "pipeline": money(pipeline),
                "avg_won_deal": money_or_none(revenue_won / won if won else None),
                "median_cycle_days": median_from_histogram(histograms.get(value, ())),
                "cost_of_sale": money(cost_of_sale),
                "roi": rate(revenue_won - cost_of_sale, cost_of_sale),
                "multithreaded_rate": rate(t.get("covered_open_deals", 0), open_deals),
                "win_rate_covered": rate(covered_won, covered_won + covered_lost),
                "win_rate_uncovered": rate(
                    won - covered_won, (won - covered_won) + (lost - covered_lost)
                ),
                "loss_reasons": sorted(
                    reasons.get(value, ()), key=lambda r: (-r["deals"], r["reason"])
                ),
                "top_pains": sorted(
                    pain_lists.get(value, ()),
                    key=lambda p: (-p["conversations"], -p["accounts"], p["tag"]),
                ),
                "value_claimed": money(t.get("value_claimed")),
                "reason_mismatch_rate": rate(t.get("mismatched", 0), t.get("stated", 0)),
                "survey_response_rate": rate(
                    t.get("surveys_answered", 0), t.get("surveys_sent", 0)
                ),
                "competitors": sorted(
                    rivals.get(value, ()),
                    key=lambda c: (-c["surveys"], -c["deals"], c["competitor"].casefold()),
                )[:TOP_COMPETITORS],
                "conversations_90d": t.get("recent_conversations", 0),
                "pipeline_share": rate(pipeline, total_pipeline),
            }
        )
    result.sort(key=lambda row: (-row["deals"], -row["accounts"], row["value"]))
    return result
