"""The executive dashboard's plotly figures (PRODUCT.md §2, §4), built from snapshot payloads.

Pure functions: rows of a published ``segments`` or ``trend`` snapshot in, a plain figure dict
out (JSON-ready, for ``json_script``; plotly.js is served by the app, never inlined). No ORM.
Money arrives as decimal strings and rates as fractions; charts show money in the workspace
currency and rates in percent. Every figure has a title saying what it shows, a subtitle saying
which deals it counts (the period of close dates, or "as of now") and axis titles with units.

Per-value charts (``PER_VALUE_CHARTS``) carry each point's raw value as the first item of its
``customdata``, which static/js/dashboard.js turns into the value's drill-down on click.

- common: shared helpers, the house layout and the bar-plus-rate figure
- segments: the per-value charts (revenue, win rate, ROI, cycle, multithreading, blind spots)
- trend: the quarterly trend
- losses: loss reasons and the loss-reason mismatch
- dashboard: every chart of the dashboard, in page order; import from here
"""

from .common import MAX_VALUES, UNKNOWN_LABEL, closed, closed_scope, no_deals
from .dashboard import PER_VALUE_CHARTS, dashboard_figures
from .losses import (
    LOSS_REASON_LABELS,
    loss_reasons_figure,
    loss_reasons_total,
    reason_mismatch_figure,
)
from .segments import (
    blind_spots_figure,
    cycle_figure,
    multithreading_figure,
    revenue_pipeline_figure,
    roi_cost_figure,
    win_rate_figure,
)
from .trend import trend_figure

__all__ = [
    "LOSS_REASON_LABELS",
    "MAX_VALUES",
    "PER_VALUE_CHARTS",
    "UNKNOWN_LABEL",
    "blind_spots_figure",
    "closed",
    "closed_scope",
    "cycle_figure",
    "dashboard_figures",
    "loss_reasons_figure",
    "loss_reasons_total",
    "multithreading_figure",
    "no_deals",
    "reason_mismatch_figure",
    "revenue_pipeline_figure",
    "roi_cost_figure",
    "trend_figure",
    "win_rate_figure",
]
