"""The executive dashboard's plotly figures (PRODUCT.md §2, §4), built from snapshot payloads.

Pure functions: rows of a published ``segments`` or ``trend`` snapshot in, a plain figure dict
out (JSON-ready, for ``json_script``; plotly.js is served by the app, never inlined). No ORM.
Money arrives as decimal strings and rates as fractions; charts show money in the workspace
currency and rates in percent. Every figure has a title saying what it shows, a subtitle saying
which deals it counts (the period of close dates, or "as of now") and axis titles with units.

Per-value charts (``PER_VALUE_CHARTS``) carry each point's raw value as the first item of its
``customdata``, which static/js/dashboard.js turns into the value's drill-down on click.
"""

from __future__ import annotations

from collections import Counter

from common.figures import figure, trace

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
# Charts with one bar or point per value: a click on one drills down to the value's deals.
PER_VALUE_CHARTS = (
    "revenue",
    "win-rate",
    "roi",
    "cycle",
    "multithreading",
    "blind-spots",
    "mismatch",
)
NOW = "As of now"


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


def closed_scope(period: dict | None, verb: str = "closed") -> str:
    """Which closed (or won) deals a figure counts: all of them, or those of the period."""
    if not period or not period.get("quarters"):
        return f"All {verb} deals"
    quarters = period["quarters"]
    span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} – {quarters[-1]}"
    if period.get("key") == "last4q":
        return f"Deals {verb} in the last 4 quarters ({span})"
    return f"Deals {verb} in {span}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _layout(title: str, *, x: str = "", y: str = "", subtitle: str = "", **extra) -> dict:
    layout = {
        "title": {
            "text": title,
            "subtitle": {"text": subtitle, "font": {"size": 12, "color": "#6b7280"}},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.975,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 15},
        },
        "font": {"family": FONT, "size": 12, "color": "#1f2937"},
        # the title and subtitle sit at the top, the legend just above the plot, below them
        "margin": {"l": 64, "r": 24, "t": 96, "b": 96},
        "height": 400,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "xanchor": "left"},
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


def _figure(data: list, layout: dict, *, empty: str = "") -> dict:
    """A plain, JSON-ready figure dict (common.figures: no validating graph objects).

    When no trace has a single value to draw, ``empty`` is written across the plot, so an empty
    chart says why it is empty."""
    if empty and not any(
        v is not None
        for line in data
        for v in ((line.get("x") if line.get("orientation") == "h" else line.get("y")) or ())
    ):
        layout["annotations"] = [
            {
                "text": empty,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 13, "color": "#6b7280"},
            }
        ]
    return figure(data, layout)


def _scope_suffix(period: dict | None) -> str:
    scope = closed_scope(period)
    return "" if scope.startswith("All") else scope.removeprefix("Deals closed")


def no_deals(period: dict | None, verb: str) -> str:
    """What an empty chart says: no deals closed (won, lost) in the period, or at all."""
    scope = closed_scope(period, verb)
    return "No " + (f"{verb} deals yet" if scope.startswith("All") else _lower_first(scope))


def _labels(rows: list[dict], labels: dict[str, str]) -> list[str]:
    return [labels.get(r["value"], r["value"]) for r in rows]


def _values(rows: list[dict], *extra: list) -> list[list]:
    """customdata: each point's raw value first (for the drill-down), then extra columns."""
    return [[r["value"], *(column[i] for column in extra)] for i, r in enumerate(rows)]


def revenue_pipeline_figure(
    rows: list[dict], *, labels: dict, currency: str, per: str = "value", period=None
) -> dict:
    """(1) Revenue won (in the period) and open pipeline (now) per value, grouped bars."""
    rows = chart_rows(rows)
    names = _labels(rows, labels)
    values = _values(rows)
    data = [
        trace(
            "bar",
            name="Revenue won",
            x=names,
            y=[number(r["revenue_won"]) for r in rows],
            marker_color=TEAL,
            customdata=values,
            hovertemplate="%{x}<br>Revenue won: %{y:,.0f} " + currency + "<extra></extra>",
        ),
        trace(
            "bar",
            name="Open pipeline (now)",
            x=names,
            y=[number(r["pipeline"]) for r in rows],
            marker_color=BLUE,
            customdata=values,
            hovertemplate="%{x}<br>Open pipeline now: %{y:,.0f} " + currency + "<extra></extra>",
        ),
    ]
    return _figure(
        data,
        _layout(
            f"Revenue won and open pipeline per {per}",
            subtitle=f"Revenue: {_lower_first(closed_scope(period))} · pipeline: as of now",
            y=f"Amount ({currency})",
            barmode="group",
        ),
    )


def win_rate_figure(rows: list[dict], *, labels: dict, per: str = "value", period=None) -> dict:
    """(2) Win rate per value; each bar says how many deals closed (small samples show)."""
    rows = chart_rows(rows)
    counts = [closed(r) for r in rows]
    data = [
        trace(
            "bar",
            name="Win rate",
            x=_labels(rows, labels),
            y=[percent(r["win_rate"]) for r in rows],
            text=[f"{n} closed" for n in counts],
            textposition="outside",
            textfont={"size": 10},
            cliponaxis=False,
            marker_color=TEAL,
            customdata=_values(rows, counts),
            hovertemplate="%{x}<br>Win rate: %{y:.0f}%<br>%{customdata[1]} closed deals"
            "<extra></extra>",
        ),
    ]
    layout = _layout(
        f"Win rate per {per} (label: closed deals)",
        subtitle=closed_scope(period),
        y="Win rate (%)",
    )
    layout["yaxis"]["range"] = [0, 112]
    layout["yaxis"]["tickvals"] = [0, 20, 40, 60, 80, 100]
    return _figure(data, layout, empty=no_deals(period, "closed"))


def roi_cost_figure(
    rows: list[dict], *, labels: dict, currency: str, per: str = "value", period=None
) -> dict:
    """(3) Cost of sale (bars, left axis) and ROI (markers, right axis) per value."""
    rows = chart_rows(rows)
    names = _labels(rows, labels)
    values = _values(rows)
    data = [
        trace(
            "bar",
            name="Cost of sale",
            x=names,
            y=[number(r["cost_of_sale"]) for r in rows],
            marker_color=GREY,
            customdata=values,
            hovertemplate="%{x}<br>Cost of sale: %{y:,.0f} " + currency + "<extra></extra>",
        ),
        trace(
            "scatter",
            name="ROI",
            x=names,
            y=[number(r["roi"]) for r in rows],
            yaxis="y2",
            mode="markers+lines",
            marker={"color": ORANGE, "size": 9},
            line={"color": ORANGE, "width": 1, "dash": "dot"},
            customdata=values,
            hovertemplate="%{x}<br>ROI: %{y:.1f}×<extra></extra>",
        ),
    ]
    layout = _layout(
        f"Cost of sale and ROI per {per}",
        subtitle=closed_scope(period),
        y=f"Cost of sale ({currency})",
    )
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
    _align_zero(layout, [number(r["cost_of_sale"]) for r in rows], [number(r["roi"]) for r in rows])
    layout["margin"]["r"] = 64
    return _figure(data, layout)


def _align_zero(layout: dict, left: list, right: list) -> None:
    """A negative ROI puts the right axis' zero above the left one's: set both ranges so the
    zeros share a line (one baseline for the bars and the markers)."""
    lows = [v for v in right if v is not None]
    if not lows or min(lows) >= 0:
        return
    top_left = max([v for v in left if v is not None] + [0]) * 1.08 or 1
    low, high = min(lows) * 1.15, max([*lows, 0]) * 1.15
    high = high or -low  # nothing positive: keep zero in the middle
    layout["yaxis2"]["range"] = [low, high]
    layout["yaxis"]["range"] = [top_left * low / high, top_left]


def cycle_figure(rows: list[dict], *, labels: dict, per: str = "value", period=None) -> dict:
    """(4) Median sales cycle of won deals per value."""
    rows = chart_rows(rows)
    data = [
        trace(
            "bar",
            name="Median cycle",
            x=_labels(rows, labels),
            y=[number(r["median_cycle_days"]) for r in rows],
            marker_color=BLUE,
            customdata=_values(rows),
            hovertemplate="%{x}<br>Median cycle: %{y:.0f} days<extra></extra>",
        ),
    ]
    return _figure(
        data,
        _layout(
            f"Median sales cycle of won deals per {per}",
            subtitle=f"{closed_scope(period, 'won')} · days from created to closed",
            y="Median cycle (days)",
        ),
        empty=no_deals(period, "won"),
    )


def multithreading_figure(
    rows: list[dict], *, labels: dict, per: str = "value", period=None
) -> dict:
    """(5) Win rate of closed deals with vs without an economic buyer and a champion."""
    rows = chart_rows(rows)
    names = _labels(rows, labels)
    values = _values(rows)
    data = [
        trace(
            "bar",
            name="With buyer + champion",
            x=names,
            y=[percent(r["win_rate_covered"]) for r in rows],
            marker_color=TEAL,
            customdata=values,
            hovertemplate="%{x}<br>With buyer + champion: %{y:.0f}%<extra></extra>",
        ),
        trace(
            "bar",
            name="Without",
            x=names,
            y=[percent(r["win_rate_uncovered"]) for r in rows],
            marker_color=RED,
            customdata=values,
            hovertemplate="%{x}<br>Without: %{y:.0f}%<extra></extra>",
        ),
    ]
    layout = _layout(
        f"Win rate with vs without economic buyer + champion, per {per}",
        subtitle=closed_scope(period),
        y="Win rate (%)",
        barmode="group",
    )
    layout["yaxis"]["range"] = [0, 100]
    return _figure(data, layout, empty=no_deals(period, "closed"))


def trend_figure(trend: list[dict], *, currency: str, period=None) -> dict:
    """(6) Revenue won (bars) and win rate (line, right axis) per quarter of close date; the
    chosen period's quarters are shaded."""
    quarters = [r["quarter"] for r in trend]
    data = [
        trace(
            "bar",
            name="Revenue won",
            x=quarters,
            y=[number(r["revenue_won"]) for r in trend],
            marker_color=TEAL,
            hovertemplate="%{x}<br>Revenue won: %{y:,.0f} " + currency + "<extra></extra>",
        ),
        trace(
            "scatter",
            name="Win rate",
            x=quarters,
            y=[percent(r["win_rate"]) for r in trend],
            yaxis="y2",
            mode="lines+markers",
            line={"color": ORANGE, "width": 2},
            hovertemplate="%{x}<br>Win rate: %{y:.0f}%<extra></extra>",
        ),
    ]
    shaded = [q for q in (period or {}).get("quarters", []) if q in quarters]
    layout = _layout(
        "Quarterly trend: revenue won and win rate",
        subtitle="Every quarter of close date"
        + (f" · shaded: {_lower_first(closed_scope(period))}" if shaded else ""),
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
    return _figure(data, layout, empty="No closed deals with a close date yet")


def blind_spots_figure(rows: list[dict], *, labels: dict, per: str = "value") -> dict:
    """(7) Blind spots: share of the workspace pipeline vs conversations in the last 90 days;
    bottom-right points hold much pipeline with little listening. As of now in every period."""
    rows = chart_rows(rows)
    sizes = [max(8.0, min(40.0, 8 + (number(r.get("accounts")) or 0) ** 0.5 * 3)) for r in rows]
    names = _labels(rows, labels)
    labelled = _spaced_labels(rows)
    data = [
        trace(
            "scatter",
            name="Values",
            x=[percent(r["pipeline_share"]) for r in rows],
            y=[r["conversations_90d"] for r in rows],
            text=[name if i in labelled else "" for i, name in enumerate(names)],
            hovertext=names,
            mode="markers+text",
            textposition="top center",
            cliponaxis=False,
            marker={"size": sizes, "color": BLUE, "opacity": 0.7},
            customdata=_values(rows, [r.get("accounts") for r in rows]),
            hovertemplate="%{hovertext}<br>Pipeline share: %{x:.1f}%<br>"
            "Conversations (90 days): %{y}<br>Accounts: %{customdata[1]}<extra></extra>",
        ),
    ]
    layout = _layout(
        f"Blind spots: pipeline share vs conversations, per {per}",
        subtitle=f"{NOW} · bottom right: much pipeline, little listening",
        x="Share of workspace pipeline (%)",
        y="Conversations in the last 90 days",
        showlegend=False,
    )
    layout["xaxis"]["tickangle"] = 0
    shares = [percent(r["pipeline_share"]) or 0 for r in rows] or [0]
    talks = [r["conversations_90d"] or 0 for r in rows] or [0]
    # room for the labels above the highest and right of the rightmost point
    x_pad, y_pad = max(shares) * 0.08 + 1, max(talks) * 0.15 + 2
    layout["xaxis"]["range"] = [-x_pad, max(shares) + x_pad]
    # below zero only the room a marker needs: no "−2 conversations" tick
    layout["yaxis"]["range"] = [-(max(talks) * 0.06 + 0.4), max(talks) * 1.12 + y_pad]
    layout["yaxis"]["tickformat"] = ",d"
    if max(talks) < 6:
        layout["yaxis"]["dtick"] = 1
    layout["margin"]["b"] = 64
    return _figure(data, layout)


def _spaced_labels(rows: list[dict]) -> set[int]:
    """The points of the blind-spot chart that carry a visible label: the largest pipeline
    shares first (down to a fifth of the largest), at most BLIND_SPOT_LABELS, skipping a point
    too close to one already labelled (its label would overlap); hover names every point."""
    xs = [percent(r["pipeline_share"]) or 0 for r in rows]
    ys = [r["conversations_90d"] or 0 for r in rows]
    width, height = (max(xs, default=0) or 1), (max(ys, default=0) or 1)
    chosen: list[int] = []
    for i in sorted(range(len(rows)), key=lambda i: -xs[i]):
        if chosen and xs[i] < width * 0.2:
            break  # a small share is no blind spot, and small ones crowd together
        near = any(
            abs(xs[i] - xs[j]) / width < 0.12 and abs(ys[i] - ys[j]) / height < 0.12 for j in chosen
        )
        if not near:
            chosen.append(i)
        if len(chosen) == BLIND_SPOT_LABELS:
            break
    return set(chosen)


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
    layout = _layout(
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
    return _figure(data, layout, empty=no_deals(period, "lost"))


def reason_mismatch_figure(
    rows: list[dict], *, labels: dict, per: str = "value", period=None
) -> dict:
    """(8b) Per value, the share of lost deals whose buyer-stated reason differs from sales'."""
    rows = chart_rows(rows)
    data = [
        trace(
            "bar",
            name="Reason mismatch",
            x=_labels(rows, labels),
            y=[percent(r["reason_mismatch_rate"]) for r in rows],
            marker_color=ORANGE,
            customdata=_values(rows),
            hovertemplate="%{x}<br>Mismatch: %{y:.0f}%<extra></extra>",
        ),
    ]
    layout = _layout(
        f"Loss reason mismatch per {per}: buyer's reason ≠ sales' reason",
        subtitle=f"{closed_scope(period, 'lost')} with a buyer-stated reason",
        y="Lost deals with a mismatch (%)",
    )
    layout["yaxis"]["range"] = [0, 100]
    return _figure(
        data, layout, empty="No lost deals with a buyer-stated reason" + _scope_suffix(period)
    )


def dashboard_figures(
    rows: list[dict],
    trend: list[dict],
    *,
    labels: dict,
    currency: str,
    dimension: str = "value",
    period: dict | None = None,
) -> list[tuple[str, dict]]:
    """Every chart of the dashboard, in page order, as (id, figure). ``dimension`` names what
    the values are (titles say "per industry"); ``period`` is the chosen period (None or
    all time: every closed deal), whose quarters the subtitles name and the trend shades."""
    per = dimension.lower()
    figures = [
        (
            "revenue",
            revenue_pipeline_figure(rows, labels=labels, currency=currency, per=per, period=period),
        ),
        ("win-rate", win_rate_figure(rows, labels=labels, per=per, period=period)),
        ("roi", roi_cost_figure(rows, labels=labels, currency=currency, per=per, period=period)),
        ("cycle", cycle_figure(rows, labels=labels, per=per, period=period)),
        ("multithreading", multithreading_figure(rows, labels=labels, per=per, period=period)),
        ("trend", trend_figure(trend, currency=currency, period=period)),
        ("blind-spots", blind_spots_figure(rows, labels=labels, per=per)),
        ("loss-reasons", loss_reasons_figure(rows, period=period)),
        ("mismatch", reason_mismatch_figure(rows, labels=labels, per=per, period=period)),
    ]
    return figures
