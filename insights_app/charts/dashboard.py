"""Every chart of the executive dashboard, in page order."""

from .losses import loss_reasons_figure, reason_mismatch_figure
from .segments import (
    blind_spots_figure,
    cycle_figure,
    multithreading_figure,
    revenue_pipeline_figure,
    roi_cost_figure,
    win_rate_figure,
)
from .trend import trend_figure

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
