"""The dashboard's loss charts: the top loss reasons recorded by sales, and per value the share
of lost deals whose buyer-stated reason differs from sales' one."""

from collections import Counter

from common.figures import trace

from .common import (
    ORANGE,
    RED,
    base_layout,
    chart_rows,
    closed_scope,
    drill_values,
    finish,
    labels_of,
    marker,
    no_deals,
    percent,
    scope_suffix,
    set_apart,
)

LOSS_REASON_LABELS = {
    "price": "Price",
    "missing_feature": "Missing feature",
    "competitor": "Competitor",
    "no_decision": "No decision",
    "timing": "Timing",
    "champion_left": "Champion left",
    "security_compliance": "Security / compliance",
    "other": "Other",
}


def loss_reasons_total(rows: list[dict]) -> list[tuple[str, int]]:
    """Loss reasons summed over the values, largest first (exact: values partition deals)."""
    counts: Counter = Counter()
    for row in rows:
        for item in row.get("loss_reasons") or ():
            counts[item["reason"]] += int(item["deals"])
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def loss_reasons_figure(rows: list[dict], *, period=None) -> dict:
    """(8a) The top loss reasons over all values, horizontal bars (largest on top)."""
    reasons = loss_reasons_total(rows)[::-1]
    data = [
        trace(
            "bar",
            name="Lost deals",
            orientation="h",
            y=[LOSS_REASON_LABELS.get(r, r.replace("_", " ").capitalize()) for r, _ in reasons],
            x=[n for _, n in reasons],
            marker_color=RED,
            hovertemplate="%{y}: %{x} lost deals<extra></extra>",
        ),
    ]
    layout = base_layout(
        "Top loss reasons recorded by sales",
        subtitle=closed_scope(period, "lost"),
        x="Lost deals",
        showlegend=False,
    )
    layout["xaxis"]["tickangle"] = 0
    layout["xaxis"]["tickformat"] = ",d"  # counts of deals: whole numbers
    if max((n for _, n in reasons), default=0) <= 6:
        layout["xaxis"]["dtick"] = 1
    layout["yaxis"]["automargin"] = True
    layout["margin"].update({"l": 150, "b": 56})
    return finish(data, layout, empty=no_deals(period, "lost"))


def reason_mismatch_figure(
    rows: list[dict], *, labels: dict, per: str = "value", period=None
) -> dict:
    """(8b) Per value, the share of lost deals whose buyer-stated reason differs from sales'."""
    rows = chart_rows(rows)
    data = [
        trace(
            "bar",
            name="Reason mismatch",
            x=labels_of(rows, labels),
            y=[percent(r["reason_mismatch_rate"]) for r in rows],
            marker=marker(rows, ORANGE),
            customdata=drill_values(rows),
            hovertemplate="%{x}<br>Mismatch: %{y:.0f}%<extra></extra>",
        ),
    ]
    layout = base_layout(
        f"Loss reason mismatch per {per}: buyer's reason ≠ sales' reason",
        subtitle=f"{closed_scope(period, 'lost')} with a buyer-stated reason",
        y="Lost deals with a mismatch (%)",
    )
    layout["yaxis"]["range"] = [0, 100]
    set_apart(layout, rows)
    return finish(
        data, layout, empty="No lost deals with a buyer-stated reason" + scope_suffix(period)
    )
