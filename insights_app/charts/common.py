"""What every dashboard chart shares: payload numbers as floats, the values a chart shows, the
scope its subtitle names, the house layout, the drill-down customdata, and the bar-plus-rate
figure (bars on the left axis, a rate on the right one)."""

from common.figures import figure, plain, trace

MAX_VALUES = 15  # charts show the largest values; the table under them shows every value
# The accounts without a value in the dimension: not a peer of the real values, so charts put
# it last, faded and named for what it is, behind a dotted separator.
UNKNOWN_VALUE = "unknown"
UNKNOWN_LABEL = "Unknown (no value)"
UNKNOWN_OPACITY = 0.35
BLUE, TEAL, ORANGE, GREY, RED = "#2563eb", "#0d9488", "#ea580c", "#94a3b8", "#dc2626"
FONT = "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
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


def is_unknown(row: dict) -> bool:
    return row.get("value") == UNKNOWN_VALUE


def chart_rows(rows: list[dict], limit: int = MAX_VALUES) -> list[dict]:
    """The values a chart shows: largest revenue won + pipeline first, at most ``limit``; the
    unknown value (when among them) comes last, apart from the real ones."""
    ranked = sorted(
        rows,
        key=lambda r: (
            -((number(r.get("revenue_won")) or 0) + (number(r.get("pipeline")) or 0)),
            str(r.get("value")),
        ),
    )[:limit]
    return [r for r in ranked if not is_unknown(r)] + [r for r in ranked if is_unknown(r)]


def marker(rows: list[dict], color: str, *, opacity: float = 1, **extra) -> dict:
    """A trace's marker in ``color``, the unknown value's point faded (greyed) out."""
    result = {"color": color, **extra}
    if any(is_unknown(r) for r in rows):
        result["opacity"] = [UNKNOWN_OPACITY if is_unknown(r) else opacity for r in rows]
    elif opacity != 1:
        result["opacity"] = opacity
    return result


def set_apart(layout: dict, rows: list[dict]) -> None:
    """A dotted line between the real values and the unknown one (last, on a category x axis)."""
    if len(rows) > 1 and is_unknown(rows[-1]):
        layout["shapes"] = [
            *layout.get("shapes", ()),
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": len(rows) - 1.5,
                "x1": len(rows) - 1.5,
                "y0": 0,
                "y1": 1,
                "line": {"color": GREY, "width": 1, "dash": "dot"},
            },
        ]


def closed_scope(period: dict | None, verb: str = "closed") -> str:
    """Which closed (or won) deals a figure counts: all of them, or those of the period."""
    if not period or not period.get("quarters"):
        return f"All {verb} deals"
    quarters = period["quarters"]
    span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} – {quarters[-1]}"
    if period.get("key") == "last4q":
        return f"Deals {verb} in the last 4 quarters ({span})"
    return f"Deals {verb} in {span}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def base_layout(title: str, *, x: str = "", y: str = "", subtitle: str = "", **extra) -> dict:
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


def finish(data: list, layout: dict, *, empty: str = "") -> dict:
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


def scope_suffix(period: dict | None) -> str:
    scope = closed_scope(period)
    return "" if scope.startswith("All") else scope.removeprefix("Deals closed")


def no_deals(period: dict | None, verb: str) -> str:
    """What an empty chart says: no deals closed (won, lost) in the period, or at all."""
    scope = closed_scope(period, verb)
    return "No " + (f"{verb} deals yet" if scope.startswith("All") else lower_first(scope))


def labels_of(rows: list[dict], labels: dict[str, str]) -> list[str]:
    """What a chart names each value (axis ticks, %{x} in hover): its label, as plain text."""
    return [
        plain(UNKNOWN_LABEL if is_unknown(r) else labels.get(r["value"], r["value"])) for r in rows
    ]


def drill_values(rows: list[dict], *extra: list) -> list[list]:
    """customdata: each point's raw value first (for the drill-down), then extra columns."""
    return [[r["value"], *(column[i] for column in extra)] for i, r in enumerate(rows)]


def bars_with_rate(
    x: list,
    *,
    bars: dict,
    rate: dict,
    rate_axis: dict,
    layout: dict,
    customdata: list | None = None,
) -> list[dict]:
    """The traces of a bar-plus-rate figure: bars on the left axis and a rate (markers or a
    line) on a right axis, over the same x. ``bars`` and ``rate`` hold each trace's name, y,
    hovertemplate and style; ``rate_axis`` the right axis' title and scale, which this puts on
    ``layout`` (over the left axis, no grid of its own) with room on the right for its ticks."""
    drill: dict = {} if customdata is None else {"customdata": customdata}
    data = [
        trace("bar", x=x, **bars, **drill),
        trace("scatter", x=x, yaxis="y2", **rate, **drill),
    ]
    layout["yaxis2"] = {
        **rate_axis,
        "overlaying": "y",
        "side": "right",
        "showgrid": False,
        "automargin": True,
    }
    layout["margin"]["r"] = 64
    return data
