"""The dashboard's chart builders: a snapshot payload in, a plotly figure dict out, with the right
traces, values, titles and axis units."""

import json

import pytest

from insights_app import charts

ROWS = [
    {
        "value": "fintech",
        "accounts": 4,
        "deals": 10,
        "won": 3,
        "lost": 1,
        "win_rate": 0.75,
        "revenue_won": "300.00",
        "pipeline": "500.50",
        "median_cycle_days": 42,
        "cost_of_sale": "100.00",
        "roi": 2.0,
        "win_rate_covered": 1.0,
        "win_rate_uncovered": 0.5,
        "loss_reasons": [{"reason": "price", "deals": 1}],
        "reason_mismatch_rate": 0.25,
        "conversations_90d": 7,
        "pipeline_share": 0.625,
    },
    {
        "value": "retail",
        "accounts": 1,
        "deals": 2,
        "won": 0,
        "lost": 2,
        "win_rate": 0.0,
        "revenue_won": "0.00",
        "pipeline": "300.00",
        "median_cycle_days": None,
        "cost_of_sale": "0.00",
        "roi": None,
        "win_rate_covered": None,
        "win_rate_uncovered": 0.0,
        "loss_reasons": [{"reason": "price", "deals": 1}, {"reason": "timing", "deals": 1}],
        "reason_mismatch_rate": None,
        "conversations_90d": 0,
        "pipeline_share": 0.375,
    },
]
TREND = [
    {
        "value": "all",
        "quarter": "2025-Q1",
        "won": 1,
        "lost": 1,
        "revenue_won": "10.00",
        "win_rate": 0.5,
    },
    {
        "value": "all",
        "quarter": "2025-Q2",
        "won": 0,
        "lost": 0,
        "revenue_won": "0.00",
        "win_rate": None,
    },
]
LABELS = {"fintech": "Fintech", "retail": "Retail"}


def by_name(figure):
    return {trace["name"]: trace for trace in figure["data"]}


def test_revenue_and_pipeline_are_grouped_bars_in_the_currency():
    figure = charts.revenue_pipeline_figure(ROWS, labels=LABELS, currency="EUR")
    traces = by_name(figure)
    assert set(traces) == {"Revenue won", "Open pipeline (now)"}
    assert traces["Revenue won"]["x"] == ["Fintech", "Retail"]
    assert traces["Revenue won"]["y"] == [300.0, 0.0]
    assert traces["Open pipeline (now)"]["y"] == [500.5, 300.0]
    assert traces["Open pipeline (now)"]["customdata"] == [["fintech"], ["retail"]]
    assert figure["layout"]["barmode"] == "group"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Amount (EUR)"
    assert "Revenue won and open pipeline" in figure["layout"]["title"]["text"]


def test_win_rate_in_percent_with_the_number_of_closed_deals():
    figure = charts.win_rate_figure(ROWS, labels=LABELS)
    (trace,) = figure["data"]
    assert trace["y"] == [75.0, 0.0]
    assert trace["text"] == ["4 closed", "2 closed"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "Win rate (%)"


def test_roi_on_a_second_axis_and_cost_of_sale_as_bars():
    figure = charts.roi_cost_figure(ROWS, labels=LABELS, currency="USD")
    traces = by_name(figure)
    assert traces["Cost of sale"]["y"] == [100.0, 0.0]
    assert traces["ROI"]["y"] == [2.0, None]
    assert traces["ROI"]["yaxis"] == "y2"
    assert "ROI" in figure["layout"]["yaxis2"]["title"]["text"]


def test_cycle_and_multithreading():
    cycle = charts.cycle_figure(ROWS, labels=LABELS)
    assert cycle["data"][0]["y"] == [42.0, None]
    assert cycle["layout"]["yaxis"]["title"]["text"] == "Median cycle (days)"
    threads = by_name(charts.multithreading_figure(ROWS, labels=LABELS))
    assert threads["With buyer + champion"]["y"] == [100.0, None]
    assert threads["Without"]["y"] == [50.0, 0.0]


def test_trend_per_quarter():
    figure = charts.trend_figure(TREND, currency="USD")
    traces = by_name(figure)
    assert traces["Revenue won"]["x"] == ["2025-Q1", "2025-Q2"]
    assert traces["Revenue won"]["y"] == [10.0, 0.0]
    assert traces["Win rate"]["y"] == [50.0, None]
    assert figure["layout"]["xaxis"]["title"]["text"] == "Quarter of close date"


def test_blind_spots_scatter_one_point_per_value():
    figure = charts.blind_spots_figure(ROWS, labels=LABELS)
    (trace,) = figure["data"]
    assert trace["type"] == "scatter"
    assert trace["x"] == [62.5, 37.5]
    assert trace["y"] == [7, 0]
    assert trace["text"] == ["Fintech", "Retail"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "Share of workspace pipeline (%)"


def test_loss_reasons_are_summed_and_the_mismatch_rate_per_value():
    assert charts.loss_reasons_total(ROWS) == [("price", 2), ("timing", 1)]
    figure = charts.loss_reasons_figure(ROWS)
    (trace,) = figure["data"]
    assert trace["y"] == ["Timing", "Price"]  # largest on top of a horizontal bar chart
    assert trace["x"] == [1, 2]
    mismatch = charts.reason_mismatch_figure(ROWS, labels=LABELS)
    assert mismatch["data"][0]["y"] == [25.0, None]


def test_charts_show_the_largest_values_first_and_at_most_fifteen():
    rows = [dict(ROWS[1], value=f"v{i}", pipeline=str(i)) for i in range(20)]
    figure = charts.revenue_pipeline_figure(rows, labels={}, currency="USD")
    assert len(figure["data"][0]["x"]) == charts.MAX_VALUES
    assert figure["data"][0]["x"][0] == "v19"


@pytest.mark.parametrize("rows", [ROWS, []])
def test_every_figure_is_plain_json_with_titles(rows):
    figures = charts.dashboard_figures(rows, TREND, labels=LABELS, currency="USD")
    assert [key for key, _ in figures] == [
        "revenue",
        "win-rate",
        "roi",
        "cycle",
        "multithreading",
        "trend",
        "blind-spots",
        "loss-reasons",
        "mismatch",
    ]
    for _, figure in figures:
        json.dumps(figure)
        assert figure["layout"]["title"]["text"]


LAST4Q = {
    "key": "last4q",
    "label": "Last 4 quarters",
    "quarters": ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
}
QUARTER = {"key": "2025Q2", "label": "2025-Q2", "quarters": ["2025-Q2"]}


def test_titles_name_the_dimension_and_subtitles_the_closed_deals_counted():
    figures = dict(
        charts.dashboard_figures(ROWS, TREND, labels=LABELS, currency="USD", dimension="Industry")
    )
    assert figures["revenue"]["layout"]["title"]["text"].endswith("per industry")
    assert figures["win-rate"]["layout"]["title"]["subtitle"]["text"] == "All closed deals"
    assert figures["cycle"]["layout"]["title"]["subtitle"]["text"].startswith("All won deals")
    assert "As of now" in figures["blind-spots"]["layout"]["title"]["subtitle"]["text"]


def test_a_period_is_named_in_the_subtitles_and_shaded_on_the_trend():
    figures = dict(
        charts.dashboard_figures(ROWS, TREND, labels=LABELS, currency="USD", period=QUARTER)
    )
    assert figures["win-rate"]["layout"]["title"]["subtitle"]["text"] == "Deals closed in 2025-Q2"
    assert "pipeline: as of now" in figures["revenue"]["layout"]["title"]["subtitle"]["text"]
    assert figures["loss-reasons"]["layout"]["title"]["subtitle"]["text"] == "Deals lost in 2025-Q2"
    (shade,) = figures["trend"]["layout"]["shapes"]
    assert (shade["x0"], shade["x1"]) == (0.5, 1.5)  # the second quarter of the trend
    last4q = charts.win_rate_figure(ROWS, labels=LABELS, period=LAST4Q)
    assert last4q["layout"]["title"]["subtitle"]["text"] == (
        "Deals closed in the last 4 quarters (2025-Q1 – 2025-Q4)"
    )
    whole = charts.trend_figure(TREND, currency="USD", period=LAST4Q)["layout"]["shapes"][0]
    assert (whole["x0"], whole["x1"]) == (-0.5, 1.5)  # only the quarters the trend has


def test_all_time_has_no_shaded_quarters():
    assert "shapes" not in charts.trend_figure(TREND, currency="USD")["layout"]


def test_every_per_value_trace_carries_the_raw_value_first_for_the_drill_down():
    figures = dict(charts.dashboard_figures(ROWS, TREND, labels=LABELS, currency="USD"))
    for key in charts.PER_VALUE_CHARTS:
        for trace in figures[key]["data"]:
            assert [item[0] for item in trace["customdata"]] == ["fintech", "retail"], key
    win_rate = figures["win-rate"]["data"][0]
    assert win_rate["customdata"] == [["fintech", 4], ["retail", 2]]  # closed deals, for hover
    assert "customdata[1]" in win_rate["hovertemplate"]
    for key in ("trend", "loss-reasons"):
        assert all("customdata" not in trace for trace in figures[key]["data"])


def test_an_empty_chart_says_why_and_a_drawn_one_says_nothing():
    nothing_won = [dict(row, median_cycle_days=None) for row in ROWS]
    figure = charts.cycle_figure(nothing_won, labels=LABELS, period=QUARTER)
    (note,) = figure["layout"]["annotations"]
    assert note["text"] == "No deals won in 2025-Q2"
    assert charts.loss_reasons_figure([], period=None)["layout"]["annotations"][0]["text"] == (
        "No lost deals yet"
    )
    assert "annotations" not in charts.cycle_figure(ROWS, labels=LABELS)["layout"]


def test_a_negative_roi_shares_its_zero_line_with_the_cost_of_sale():
    rows = [dict(ROWS[0], roi=-0.5, cost_of_sale="100.00"), dict(ROWS[1], roi=2.0)]
    layout = charts.roi_cost_figure(rows, labels=LABELS, currency="USD")["layout"]
    low, high = layout["yaxis2"]["range"]
    cost_low, cost_high = layout["yaxis"]["range"]
    assert low < 0 < high
    assert cost_low / cost_high == pytest.approx(low / high)


def test_blind_spot_labels_skip_small_shares_and_crowded_points():
    rows = [dict(ROWS[0], value="big", pipeline_share=0.6, conversations_90d=300)]
    rows += [
        dict(ROWS[1], value=f"small {i}", pipeline_share=0.03 + i * 0.001, conversations_90d=10)
        for i in range(8)
    ]
    rows += [dict(ROWS[1], value="next", pipeline_share=0.3, conversations_90d=12)]
    rows += [dict(ROWS[1], value="beside", pipeline_share=0.29, conversations_90d=14)]
    (trace,) = charts.blind_spots_figure(rows, labels={})["data"]
    shown = {name for name in trace["text"] if name}
    assert shown == {"big", "next"}  # "beside" would overlap "next"; small shares crowd
    assert len(trace["hovertext"]) == len(rows)  # hover still names every point
