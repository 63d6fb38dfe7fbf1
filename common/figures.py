"""Plotly figures as plain dicts, without plotly's validating graph objects.

Building a ``plotly.graph_objects.Figure`` validates every property on every request; on the
deal page and the dashboard that was most of the page's time. Chart builders write traces and
layouts as dicts (property names as in plotly.js) and finish them here: the named template
(serialised once per process, as plotly itself would embed it) and JSON-safe values.

Plotly draws its own HTML subset (``<a href>``, ``<b>``, ``<br>``, ``<span style>``) in every
title, tick label, text, hover text and legend name, so each user value that goes into a figure
passes ``plain`` exactly once, where the builder takes it in; builders' own markup stays markup.
"""

import functools
import html
import json
from typing import Any

import plotly.io as pio
from plotly.utils import PlotlyJSONEncoder


def plain(value: object) -> str:
    """A user's text (a name, an industry, a segment) shown by plotly as typed, never as markup.

    Plotly splits text on tags and then decodes only ``&lt; &gt; &amp;`` and numeric entities
    (not ``&quot;``), so quotes stay as they are: without ``<`` there is no tag to quote in."""
    return html.escape(str(value), quote=False)


@functools.cache
def _template_json(name: str) -> str:
    return json.dumps(pio.templates[name].to_plotly_json(), cls=PlotlyJSONEncoder)


def figure(
    data: list[dict[str, Any]], layout: dict[str, Any], *, template: str | None = None
) -> dict[str, Any]:
    """A JSON-ready plotly figure: ``template`` defaults to plotly's default template, as a
    graph_objects figure would have it."""
    name = template or pio.templates.default
    payload = json.dumps({"data": data, "layout": layout}, cls=PlotlyJSONEncoder)
    figure: dict[str, Any] = json.loads(payload)
    figure["layout"]["template"] = json.loads(_template_json(name))
    return figure


def trace(kind: str, *, marker_color: str | None = None, **props: Any) -> dict[str, Any]:
    """One trace of type ``kind`` ("bar", "scatter"); ``marker_color`` as plotly's shorthand."""
    result: dict[str, Any] = {"type": kind, **props}
    if marker_color is not None:
        result["marker"] = {**result.get("marker", {}), "color": marker_color}
    return result
