"""Assumption support per segment value, with the status PRODUCT.md §3 defines."""

from collections.abc import Callable, Iterable


def assumption_support(
    *,
    assumptions: Iterable[dict],
    counts: Iterable[dict],
    status_for: Callable[[int, int], str],
    every_assumption_as: str | None = None,
) -> list[dict]:
    """One row per (assumption, value) with evidence: supports, contradicts and status.

    With ``every_assumption_as`` set, assumptions without evidence get an ``untested`` row
    under that value (the overall board lists every assumption).
    """
    catalog = {a["id"]: a for a in assumptions}
    rows = {(row["assumption_id"], row["value"]): row for row in counts}
    if every_assumption_as is not None:
        for assumption_id in catalog:
            rows.setdefault((assumption_id, every_assumption_as), {"supports": 0, "contradicts": 0})
    result = []
    for (assumption_id, value), row in rows.items():
        assumption = catalog.get(assumption_id)
        if assumption is None:
            continue
        supports, contradicts = row["supports"], row["contradicts"]
        result.append(
            {
                "assumption": assumption_id,
                "statement": assumption["statement"],
                "area": assumption["area"],
                "value": value,
                "supports": supports,
                "contradicts": contradicts,
                "status": str(status_for(supports, contradicts)),
            }
        )
    result.sort(key=lambda r: (r["assumption"], r["value"]))
    return result
