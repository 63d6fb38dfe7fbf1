"""Feature demand per feature request and segment value (PRODUCT.md §4)."""

from collections.abc import Iterable

from .numbers import money, rate, to_decimal


def feature_demand(
    *,
    features: Iterable[dict],
    accounts: Iterable[dict],
    deals: Iterable[dict],
    every_feature_as: str | None = None,
) -> list[dict]:
    """One row per (feature, value) that has mentions, largest demand first.

    ``concentration`` is the largest single open-or-won deal's share of the demand: near 1.0
    the demand is one big deal ("the deli counter"); null when there is no demand.
    With ``every_feature_as`` set, features without mentions get a zero row under that value
    (the overall board lists every feature).
    """
    catalog = {f["id"]: f for f in features}
    rows: dict[tuple[int, str], dict] = {}
    for row in accounts:
        rows.setdefault((row["feature_id"], row["value"]), {})["accounts"] = row["accounts"]
    for row in deals:
        rows.setdefault((row["feature_id"], row["value"]), {}).update(
            demand=row["demand"], lost=row["lost"], largest=row["largest"]
        )
    if every_feature_as is not None:
        for feature_id in catalog:
            rows.setdefault((feature_id, every_feature_as), {})

    result = []
    for (feature_id, value), row in rows.items():
        feature = catalog.get(feature_id)
        if feature is None:
            continue
        demand = to_decimal(row.get("demand"))
        result.append(
            {
                "feature": feature_id,
                "title": feature["title"],
                "status": feature["status"],
                "value": value,
                "accounts": row.get("accounts", 0),
                "revenue_weighted_demand": money(demand),
                "lost_revenue": money(row.get("lost")),
                "concentration": rate(to_decimal(row.get("largest")), demand),
            }
        )
    result.sort(
        key=lambda r: (
            -to_decimal(r["revenue_weighted_demand"]),
            -r["accounts"],
            r["title"],
            r["value"],
        )
    )
    return result
