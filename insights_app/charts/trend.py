"""The dashboard's quarterly trend: revenue won and win rate per quarter of close date."""

from .common import (
    ORANGE,
    TEAL,
    bars_with_rate,
    base_layout,
    closed_scope,
    finish,
    lower_first,
    number,
    percent,
)


def trend_figure(trend: list[dict], *, currency: str, period=None) -> dict:
    """(6) Revenue won (bars) and win rate (line, right axis) per quarter of close date; the
    chosen period's quarters are shaded."""
    quarters = [r["quarter"] for r in trend]
    shaded = [q for q in (period or {}).get("quarters", []) if q in quarters]
    layout = base_layout(
        "Quarterly trend: revenue won and win rate",
        subtitle="Every quarter of close date"
        + (f" · shaded: {lower_first(closed_scope(period))}" if shaded else ""),
        x="Quarter of close date",
        y=f"Revenue won ({currency})",
    )
    layout["xaxis"]["type"] = "category"
    layout["xaxis"]["categoryorder"] = "array"
    layout["xaxis"]["categoryarray"] = quarters
    if shaded:
        first, last = quarters.index(shaded[0]), quarters.index(shaded[-1])
        layout["shapes"] = [
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": first - 0.5,
                "x1": last + 0.5,
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(37, 99, 235, 0.08)",
                "line": {"width": 0},
                "layer": "below",
            }
        ]
    data = bars_with_rate(
        quarters,
        bars={
            "name": "Revenue won",
            "y": [number(r["revenue_won"]) for r in trend],
            "marker_color": TEAL,
            "hovertemplate": "%{x}<br>Revenue won: %{y:,.0f} " + currency + "<extra></extra>",
        },
        rate={
            "name": "Win rate",
            "y": [percent(r["win_rate"]) for r in trend],
            "mode": "lines+markers",
            "line": {"color": ORANGE, "width": 2},
            "hovertemplate": "%{x}<br>Win rate: %{y:.0f}%<extra></extra>",
        },
        rate_axis={
            "title": {"text": "Win rate (%)"},
            "range": [0, 100],
            "dtick": 20,
            "tickmode": "linear",
        },
        layout=layout,
    )
    return finish(data, layout, empty="No closed deals with a close date yet")
