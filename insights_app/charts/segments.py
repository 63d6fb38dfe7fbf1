"""The dashboard's per-value charts: one bar or point per value of the dimension (revenue and
pipeline, win rate, cost of sale and ROI, sales cycle, multithreading, blind spots). A click
on a point drills down to the value's deals (its raw value is the first customdata item)."""

from common.figures import trace

from .common import (
    BLUE,
    GREY,
    NOW,
    ORANGE,
    RED,
    TEAL,
    bars_with_rate,
    base_layout,
    chart_rows,
    closed,
    closed_scope,
    drill_values,
    finish,
    labels_of,
    lower_first,
    marker,
    no_deals,
    number,
    percent,
    set_apart,
)

BLIND_SPOT_LABELS = 6  # points of the blind-spot chart with a visible label


def revenue_pipeline_figure(
    rows: list[dict], *, labels: dict, currency: str, per: str = "value", period=None
) -> dict:
    """(1) Revenue won (in the period) and open pipeline (now) per value, grouped bars."""
    rows = chart_rows(rows)
    names = labels_of(rows, labels)
    values = drill_values(rows)
    data = [
        trace(
            "bar",
            name="Revenue won",
            x=names,
            y=[number(r["revenue_won"]) for r in rows],
            marker=marker(rows, TEAL),
            customdata=values,
            hovertemplate="%{x}<br>Revenue won: %{y:,.0f} " + currency + "<extra></extra>",
        ),
        trace(
            "bar",
            name="Open pipeline (now)",
            x=names,
            y=[number(r["pipeline"]) for r in rows],
            marker=marker(rows, BLUE),
            customdata=values,
            hovertemplate="%{x}<br>Open pipeline now: %{y:,.0f} " + currency + "<extra></extra>",
        ),
    ]
    layout = base_layout(
        f"Revenue won and open pipeline per {per}",
        subtitle=f"Revenue: {lower_first(closed_scope(period))} · pipeline: as of now",
        y=f"Amount ({currency})",
        barmode="group",
    )
    set_apart(layout, rows)
    return finish(data, layout)


def win_rate_figure(rows: list[dict], *, labels: dict, per: str = "value", period=None) -> dict:
    """(2) Win rate per value; each bar says how many deals closed (small samples show)."""
    rows = chart_rows(rows)
    counts = [closed(r) for r in rows]
    data = [
        trace(
            "bar",
            name="Win rate",
            x=labels_of(rows, labels),
            y=[percent(r["win_rate"]) for r in rows],
            text=[f"{n} closed" for n in counts],
            textposition="outside",
            textfont={"size": 10},
            cliponaxis=False,
            marker=marker(rows, TEAL),
            customdata=drill_values(rows, counts),
            hovertemplate="%{x}<br>Win rate: %{y:.0f}%<br>%{customdata[1]} closed deals"
            "<extra></extra>",
        ),
    ]
    layout = base_layout(
        f"Win rate per {per} (label: closed deals)",
        subtitle=closed_scope(period),
        y="Win rate (%)",
    )
    layout["yaxis"]["range"] = [0, 112]
    layout["yaxis"]["tickvals"] = [0, 20, 40, 60, 80, 100]
    set_apart(layout, rows)
    return finish(data, layout, empty=no_deals(period, "closed"))


def roi_cost_figure(
    rows: list[dict], *, labels: dict, currency: str, per: str = "value", period=None
) -> dict:
    """(3) Cost of sale (bars, left axis) and ROI (markers, right axis) per value."""
    rows = chart_rows(rows)
    layout = base_layout(
        f"Cost of sale and ROI per {per}",
        subtitle=closed_scope(period),
        y=f"Cost of sale ({currency})",
    )
    data = bars_with_rate(
        labels_of(rows, labels),
        bars={
            "name": "Cost of sale",
            "y": [number(r["cost_of_sale"]) for r in rows],
            "marker": marker(rows, GREY),
            "hovertemplate": "%{x}<br>Cost of sale: %{y:,.0f} " + currency + "<extra></extra>",
        },
        rate={
            "name": "ROI",
            "y": [number(r["roi"]) for r in rows],
            "mode": "markers+lines",
            "marker": marker(rows, ORANGE, size=9),
            "line": {"color": ORANGE, "width": 1, "dash": "dot"},
            "hovertemplate": "%{x}<br>ROI: %{y:.1f}×<extra></extra>",
        },
        rate_axis={
            "title": {"text": "ROI (× cost of sale)"},
            "tickformat": ".1~f",
            "tickmode": "auto",
            "nticks": 6,
            "ticksuffix": "×",
            "rangemode": "tozero",
        },
        layout=layout,
        customdata=drill_values(rows),
    )
    _align_zero(layout, [number(r["cost_of_sale"]) for r in rows], [number(r["roi"]) for r in rows])
    set_apart(layout, rows)
    return finish(data, layout)


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
            x=labels_of(rows, labels),
            y=[number(r["median_cycle_days"]) for r in rows],
            marker=marker(rows, BLUE),
            customdata=drill_values(rows),
            hovertemplate="%{x}<br>Median cycle: %{y:.0f} days<extra></extra>",
        ),
    ]
    layout = base_layout(
        f"Median sales cycle of won deals per {per}",
        subtitle=f"{closed_scope(period, 'won')} · days from created to closed",
        y="Median cycle (days)",
    )
    set_apart(layout, rows)
    return finish(data, layout, empty=no_deals(period, "won"))


def multithreading_figure(
    rows: list[dict], *, labels: dict, per: str = "value", period=None
) -> dict:
    """(5) Win rate of closed deals with vs without an economic buyer and a champion."""
    rows = chart_rows(rows)
    names = labels_of(rows, labels)
    values = drill_values(rows)
    data = [
        trace(
            "bar",
            name="With buyer + champion",
            x=names,
            y=[percent(r["win_rate_covered"]) for r in rows],
            marker=marker(rows, TEAL),
            customdata=values,
            hovertemplate="%{x}<br>With buyer + champion: %{y:.0f}%<extra></extra>",
        ),
        trace(
            "bar",
            name="Without",
            x=names,
            y=[percent(r["win_rate_uncovered"]) for r in rows],
            marker=marker(rows, RED),
            customdata=values,
            hovertemplate="%{x}<br>Without: %{y:.0f}%<extra></extra>",
        ),
    ]
    layout = base_layout(
        f"Win rate with vs without economic buyer + champion, per {per}",
        subtitle=closed_scope(period),
        y="Win rate (%)",
        barmode="group",
    )
    layout["yaxis"]["range"] = [0, 100]
    set_apart(layout, rows)
    return finish(data, layout, empty=no_deals(period, "closed"))


def blind_spots_figure(rows: list[dict], *, labels: dict, per: str = "value") -> dict:
    """(7) Blind spots: share of the workspace pipeline vs conversations in the last 90 days;
    bottom-right points hold much pipeline with little listening. As of now in every period."""
    rows = chart_rows(rows)
    sizes = [max(8.0, min(40.0, 8 + (number(r.get("accounts")) or 0) ** 0.5 * 3)) for r in rows]
    names = labels_of(rows, labels)
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
            marker=marker(rows, BLUE, opacity=0.7, size=sizes),
            customdata=drill_values(rows, [r.get("accounts") for r in rows]),
            hovertemplate="%{hovertext}<br>Pipeline share: %{x:.1f}%<br>"
            "Conversations (90 days): %{y}<br>Accounts: %{customdata[1]}<extra></extra>",
        ),
    ]
    layout = base_layout(
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
    return finish(data, layout)


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
