"""Pure functions over plain rows (no ORM): the arithmetic of PRODUCT.md §4.

Selectors hand in rows reduced by the database (one per value, or per value and a few keys);
these functions combine them into JSON-ready rows: counts as ints, money as decimal strings,
rates and shares as floats, null where §4 says a figure is undefined.
"""

from .assumptions import assumption_support
from .features import feature_demand
from .numbers import median_from_histogram, money, rate
from .periods import (
    ALL_TIME,
    CLOSED_MEASURES,
    LAST_4Q,
    PERIOD_FIELDS,
    normalize_period_key,
    period_list,
    period_quarters,
    period_segment_metrics,
    quarter_numbers,
    with_period,
)
from .rollup import (
    AccountIndex,
    FactFrame,
    Grouping,
    read_columns,
    rollup,
    rollup_by_period,
    total,
)
from .segments import segment_metrics
from .trend import quarter_range, quarterly_trend

__all__ = [
    "ALL_TIME",
    "CLOSED_MEASURES",
    "LAST_4Q",
    "PERIOD_FIELDS",
    "normalize_period_key",
    "period_list",
    "period_quarters",
    "period_segment_metrics",
    "quarter_numbers",
    "rollup_by_period",
    "with_period",
    "AccountIndex",
    "FactFrame",
    "Grouping",
    "read_columns",
    "rollup",
    "total",
    "assumption_support",
    "feature_demand",
    "median_from_histogram",
    "money",
    "quarter_range",
    "quarterly_trend",
    "rate",
    "segment_metrics",
]
