"""The executive dashboard's plotly figures (PRODUCT.md §2, §4), built from snapshot payloads.

Pure functions: rows of a published ``segments`` or ``trend`` snapshot in, a plain figure dict
out (JSON-ready, for ``json_script``; plotly.js is served by the app, never inlined). No ORM.
Money arrives as decimal strings and rates as fractions; charts show money in the workspace
currency and rates in percent. Every figure has a title saying what it shows and axis titles
with units.
"""

from __future__ import annotations

import json
from collections import Counter

import plotly.graph_objects as go

BLIND_SPOT_LABELS = 6  # points of the blind-spot chart with a visible label
MAX_VALUES = 15  # charts show the largest values; the table under them shows every value
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
BLUE, TEAL, ORANGE, GREY, RED = "#2563eb", "#0d9488", "#ea580c", "#94a3b8", "#dc2626"
FONT = "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def number(value) -> float | None:
    """A payload number (decimal string, int or float) as a float; None stays None."""
    if value is None or value == "":
        return None
    return float(value)


def percent(value) -> float | None:
    rate = number(value)
    return None if rate is None else round(rate * 100, 1)


def closed(row: dict) -> int:
    return int(row.get("won") or 0) + int(row.get("lost") or 0)


def chart_rows(rows: list[dict], limit: int = MAX_VALUES) -> list[dict]:
    """The values a chart shows: largest revenue won + pipeline first, at most ``limit``."""
    ranked = sorted(
        rows,
        key=lambda r: (
            -((number(r.get("revenue_won")) or 0) + (number(r.get("pipeline")) or 0)),
            str(r.get("value")),
        ),
    )
    return ranked[:limit]


def _layout(title: str, *, x: str = "", y: str = "", **extra) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "font": {"family": FONT, "size": 12, "color": "#1f2937"},
        "margin": {"l": 64, "r": 24, "t": 56, "b": 96},
        "height": 360,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left"},
        "xaxis": {"title": {"text": x}, "automargin": True, "tickangle": -30},
        "yaxis": {
            "title": {"text": y},
            "gridcolor": "#e5e7eb",
            "zeroline": False,
            "automargin": True,
            "rangemode": "tozero",
        },
        "hoverlabel": {"font": {"family": FONT}},
    }
    layout.update(extra)
    return layout


def _figure(data: list, layout: dict) -> dict:
    """A plain dict via plotly's own validation and JSON encoding (no plotly.js inside)."""
    return json.loads(go.Figure(data=data, layout=layout).to_json())


def _labels(rows: list[dict], labels: dict[str, str]) -> list[str]:
    return [labels.get(r["value"], r["value"]) for r in rows]


def revenue_pipeline_figure(rows: list[dict], *, labels: dict, currency: str) -> dict:
    """(1) Revenue won and open pipeline per value, grouped bars."""
    rows = chart_rows(rows)
    names = _labels(rows, labels)
    values = [r["value"] for r in rows]
    data = [
        go.Bar(
            name="Revenue won",
            x=names,
            y=[number(r["revenue_won"]) for r in rows],
            marker_color=TEAL,
            customdata=values,
            hovertemplate="%{x}<br>Revenue won: %{y:,.0f} " + currency + "<extra></extra>",
        ),
        go.Bar(
            name="Open pipeline",
            x=names,
            y=[number(r["pipeline"]) for r in rows],
            marker_color=BLUE,
            customdata=values,
            hovertemplate="%{x}<br>Pipeline: %{y:,.0f} " + currency + "<extra></extra>",
        ),
    ]
    return _figure(
        data,
        _layout(
            "Revenue won and open pipeline per value", y=f"Amount ({currency})", barmode="group"
        ),
    )


def win_rate_figure(rows: list[dict], *, labels: dict) -> dict:
    """(2) Win rate per value; each bar says how many deals closed (small samples show)."""
    rows = chart_rows(rows)
    data = [
        go.Bar(
            name="Win rate",
            x=_labels(rows, labels),
            y=[percent(r["win_rate"]) for r in rows],
            text=[f"{closed(r)} closed" for r in rows],
            textposition="outside",
            textfont={"size": 10},
            marker_color=TEAL,
            customdata=[closed(r) for r in rows],
            hovertemplate="%{x}<br>Win rate: %{y:.0f}%<br>%{customdata} closed deals"
            "<extra></extra>",
        ),
    ]
    layout = _layout("Win rate per value (label: closed deals)", y="Win rate (%)")
    layout["yaxis"]["range"] = [0, 110]
    return _figure(data, layout)


def roi_cost_figure(rows: list[dict], *, labels: dict, currency: str) -> dict:
    """(3) Cost of sale (bars, left axis) and ROI (markers, right axis) per value."""
    rows = chart_rows(rows)
    names = _labels(rows, labels)
    data = [
        go.Bar(
            name="Cost of sale",
            x=names,
            y=[number(r["cost_of_sale"]) for r in rows],
            marker_color=GREY,
            hovertemplate="%{x}<br>Cost of sale: %{y:,.0f} " + currency + "<extra></extra>",
        ),
        go.Scatter(
            name="ROI",
            x=names,
            y=[number(r["roi"]) for r in rows],
            yaxis="y2",
            mode="markers+lines",
            marker={"color": ORANGE, "size": 9},
            line={"color": ORANGE, "width": 1, "dash": "dot"},
            hovertemplate="%{x}<br>ROI: %{y:.1f}×<extra></extra>",
        ),
    ]
    layout = _layout("Cost of sale and ROI per value", y=f"Cost of sale ({currency})")
    layout["yaxis2"] = {
        "title": {"text": "ROI (× cost of sale)"},
        "tickformat": ".1~f",
        "tickmode": "auto",
        "nticks": 6,
        "ticksuffix": "×",
        "overlaying": "y",
        "side": "right",
        "showgrid": False,
        "rangemode": "tozero",
        "automargin": True,
    }
    layout["margin"]["r"] = 64
    return _figure(data, layout)


def cycle_figure(rows: list[dict], *, labels: dict) -> dict:
    """(4) Median sales cycle of won deals per value."""
    rows = chart_rows(rows)
    data = [
        go.Bar(
            name="Median cycle",
            x=_labels(rows, labels),
            y=[number(r["median_cycle_days"]) for r in rows],
            marker_color=BLUE,
            hovertemplate="%{x}<br>Median cycle: %{y:.0f} days<extra></extra>",
        ),
    ]
    return _figure(data, _layout("Median sales cycle of won deals per value", y="Days"))


def multithreading_figure(rows: list[dict], *, labels: dict) -> dict:
    """(5) Win rate of closed deals with vs without an economic buyer and a champion."""
    rows = chart_rows(rows)
    names = _labels(rows, labels)
    data = [
        go.Bar(
            name="With buyer + champion",
            x=names,
            y=[percent(r["win_rate_covered"]) for r in rows],
            marker_color=TEAL,
            hovertemplate="%{x}<br>With buyer + champion: %{y:.0f}%<extra></extra>",
        ),
        go.Bar(
            name="Without",
            x=names,
            y=[percent(r["win_rate_uncovered"]) for r in rows],
            marker_color=RED,
            hovertemplate="%{x}<br>Without: %{y:.0f}%<extra></extra>",
        ),
    ]
    layout = _layout(
        "Win rate with vs without economic buyer + champion", y="Win rate (%)", barmode="group"
    )
    layout["yaxis"]["range"] = [0, 100]
    return _figure(data, layout)


def trend_figure(trend: list[dict], *, currency: str) -> dict:
    """(6) Revenue won (bars) and win rate (line, right axis) per quarter of close date."""
    quarters = [r["quarter"] for r in trend]
    data = [
        go.Bar(
            name="Revenue won",
            x=quarters,
            y=[number(r["revenue_won"]) for r in trend],
            marker_color=TEAL,
            hovertemplate="%{x}<br>Revenue won: %{y:,.0f} " + currency + "<extra></extra>",
        ),
        go.Scatter(
            name="Win rate",
            x=quarters,
            y=[percent(r["win_rate"]) for r in trend],
            yaxis="y2",
            mode="lines+markers",
            line={"color": ORANGE, "width": 2},
            hovertemplate="%{x}<br>Win rate: %{y:.0f}%<extra></extra>",
        ),
    ]
    layout = _layout(
        "Quarterly trend: revenue won and win rate",
        x="Quarter of close date",
        y=f"Revenue won ({currency})",
    )
    layout["xaxis"]["type"] = "category"
    layout["yaxis2"] = {
        "title": {"text": "Win rate (%)"},
        "overlaying": "y",
        "side": "right",
        "range": [0, 100],
        "dtick": 20,
        "tickmode": "linear",
        "showgrid": False,
        "automargin": True,
    }
    layout["margin"]["r"] = 64
    return _figure(data, layout)


def blind_spots_figure(rows: list[dict], *, labels: dict) -> dict:
    """(7) Blind spots: share of the workspace pipeline vs conversations in the last 90 days;
    bottom-right points hold much pipeline with little listening."""
    rows = chart_rows(rows)
    sizes = [max(8.0, min(40.0, 8 + (number(r.get("accounts")) or 0) ** 0.5 * 3)) for r in rows]
    names = _labels(rows, labels)
    # only the largest shares carry a label (small ones crowd together); hover names them all
    by_share = sorted(range(len(rows)), key=lambda i: -(number(rows[i]["pipeline_share"]) or 0))
    labelled = set(by_share[:BLIND_SPOT_LABELS])
    data = [
        go.Scatter(
            name="Values",
            x=[percent(r["pipeline_share"]) for r in rows],
            y=[r["conversations_90d"] for r in rows],
            text=[name if i in labelled else "" for i, name in enumerate(names)],
            hovertext=names,
            mode="markers+text",
            textposition=[
                "top center" if i % 2 == 0 else "bottom center" for i in range(len(rows))
            ],
            marker={"size": sizes, "color": BLUE, "opacity": 0.7},
            customdata=[r.get("accounts") for r in rows],
            hovertemplate="%{hovertext}<br>Pipeline share: %{x:.1f}%<br>"
            "Conversations (90 days): %{y}<br>Accounts: %{customdata}<extra></extra>",
        ),
    ]
    layout = _layout(
        "Blind spots: pipeline share vs conversations in the last 90 days",
        x="Share of workspace pipeline (%)",
        y="Conversations in 90 days",
        showlegend=False,
    )
    layout["xaxis"]["tickangle"] = 0
    shares = [percent(r["pipeline_share"]) or 0 for r in rows] or [0]
    talks = [r["conversations_90d"] or 0 for r in rows] or [0]
    # room for the labels above the highest and right of the rightmost point
    x_pad, y_pad = max(shares) * 0.08 + 1, max(talks) * 0.15 + 2
    layout["xaxis"]["range"] = [-x_pad, max(shares) + x_pad]
    layout["yaxis"]["range"] = [-y_pad, max(talks) * 1.12 + y_pad]
    layout["margin"]["b"] = 64
    return _figure(data, layout)


def loss_reasons_total(rows: list[dict]) -> list[tuple[str, int]]:
    """Loss reasons summed over the values, largest first (exact: values partition deals)."""
    counts: Counter = Counter()
    for row in rows:
        for item in row.get("loss_reasons") or ():
            counts[item["reason"]] += int(item["deals"])
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def loss_reasons_figure(rows: list[dict]) -> dict:
    """(8a) The top loss reasons over all values, horizontal bars (largest on top)."""
    reasons = loss_reasons_total(rows)[::-1]
    data = [
        go.Bar(
            name="Lost deals",
            orientation="h",
            y=[LOSS_REASON_LABELS.get(r, r) for r, _ in reasons],
            x=[n for _, n in reasons],
            marker_color=RED,
            hovertemplate="%{y}: %{x} lost deals<extra></extra>",
        ),
    ]
    layout = _layout("Top loss reasons recorded by sales", x="Lost deals", showlegend=False)
    layout["xaxis"]["tickangle"] = 0
    layout["margin"].update({"l": 150, "b": 56})
    return _figure(data, layout)


def reason_mismatch_figure(rows: list[dict], *, labels: dict) -> dict:
    """(8b) Per value, the share of lost deals whose buyer-stated reason differs from sales'."""
    rows = chart_rows(rows)
    data = [
        go.Bar(
            name="Reason mismatch",
            x=_labels(rows, labels),
            y=[percent(r["reason_mismatch_rate"]) for r in rows],
            marker_color=ORANGE,
            hovertemplate="%{x}<br>Mismatch: %{y:.0f}%<extra></extra>",
        ),
    ]
    layout = _layout(
        "Loss reason mismatch: buyer's stated reason ≠ sales' reason",
        y="Lost deals with a mismatch (%)",
    )
    layout["yaxis"]["range"] = [0, 100]
    return _figure(data, layout)


def dashboard_figures(
    rows: list[dict], trend: list[dict], *, labels: dict, currency: str
) -> list[tuple[str, dict]]:
    """Every chart of the dashboard, in page order, as (id, figure)."""
    figures = [
        ("revenue", revenue_pipeline_figure(rows, labels=labels, currency=currency)),
        ("win-rate", win_rate_figure(rows, labels=labels)),
        ("roi", roi_cost_figure(rows, labels=labels, currency=currency)),
        ("cycle", cycle_figure(rows, labels=labels)),
        ("multithreading", multithreading_figure(rows, labels=labels)),
        ("trend", trend_figure(trend, currency=currency)),
        ("blind-spots", blind_spots_figure(rows, labels=labels)),
        ("loss-reasons", loss_reasons_figure(rows)),
        ("mismatch", reason_mismatch_figure(rows, labels=labels)),
    ]
    return figures
