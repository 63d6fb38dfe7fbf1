"""Markdown renders in time linear in its length, whatever the input (issue 21).

The old renderer took 16 s on ``"[" * 8000`` and grew with the square of the input. Each input
here is one of the shapes that make backtracking parsers quadratic; the test renders it at n
and at 4n characters and compares the two times with each other, not with a fixed number, so a
slow or busy machine does not fail it: linear growth gives a ratio near 4, quadratic near 16.
"""

import time

import pytest

from common.limits import NOTES_MAX_LENGTH
from insights_app.templatetags.markdown import render_markdown

SMALL = 4_000  # characters; 4 × SMALL stays under the notes limit, so nothing is cut
PATHOLOGICAL = {
    "open brackets": "[",
    "nested brackets": None,  # "[[[…a]]]", built below
    "open images": "![",
    "link openers": "[a](",
    "link chain": "[a](b)",
    "reference-style chain": "[a][b]",
    "emphasis run": "*a ",
    "mixed emphasis": "*_",
    "underscore run": "a_",
    "open tags": "<a ",
    "backtick runs": "`a",
    "table cells": "|a",
}


def pathological(shape: str, size: int) -> str:
    if shape == "nested brackets":
        half = (size - 1) // 2
        return "[" * half + "a" * (size - 2 * half) + "]" * half
    unit = PATHOLOGICAL[shape]
    assert unit is not None
    text = unit * (size // len(unit) + 1)
    if shape == "table cells":  # a header row, its delimiter row, and one body row
        row = text[: size // 3]
        return f"{row}\n{'|-' * (len(row) // 2)}\n{row}"[:size]
    return text[:size]


def render_seconds(text: str) -> float:
    """The best of three renders: the least disturbed by whatever else the machine does."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        render_markdown(text, limit=len(text))
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("shape", list(PATHOLOGICAL))
def test_four_times_the_input_takes_about_four_times_as_long(shape):
    small, large = pathological(shape, SMALL), pathological(shape, 4 * SMALL)
    assert len(large) == 4 * len(small)
    # Below a millisecond the clock's noise outweighs the work; grow both until it does not.
    while render_seconds(small) < 0.002 and len(large) < 64 * SMALL:
        small, large = small * 2, large * 2
    ratio = render_seconds(large) / render_seconds(small)
    assert ratio < 8, f"{shape}: {ratio:.1f}× the time for 4× the input"


@pytest.mark.parametrize("shape", list(PATHOLOGICAL))
def test_a_pathological_note_of_the_full_length_renders_in_seconds_not_minutes(shape):
    # Sanity, not a benchmark: the old renderer needed 16 s for 8,000 brackets.
    seconds = render_seconds(pathological(shape, NOTES_MAX_LENGTH))
    assert seconds < 5, f"{shape}: {seconds:.2f} s"


def test_text_past_the_limit_is_not_rendered_and_says_so():
    html = render_markdown("**kept** " + "[" * (NOTES_MAX_LENGTH + 50_000))
    assert "<strong>kept</strong>" in html
    assert "Shortened here" in html and f"{NOTES_MAX_LENGTH:,} characters" in html
    assert html.count("[") <= NOTES_MAX_LENGTH


def test_the_renderer_still_knows_tables_fenced_code_and_lists():
    html = render_markdown(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n<x> & y\n```\n\n1. one\n2. two\n\n- dot"
    )
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>&lt;x&gt; &amp; y\n</code></pre>" in html
    assert "<ol>" in html and "<li>two</li>" in html and "<li>dot</li>" in html
    assert "Shortened here" not in html
