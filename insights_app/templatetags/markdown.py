"""``{{ text|markdown }}``: user Markdown rendered to HTML through the nh3 sanitiser.

Scripts, event handlers, styles and ``javascript:`` links are stripped; links open safely.

The parser is markdown-it-py (CommonMark plus tables) because its time grows linearly with the
input, pathological input included: Python-Markdown took 16 s on ``"[" * 8000`` (its inline
patterns backtrack), so one preview could hold a worker for as long as it liked
(tests/insights_app/test_markdown_pathological.py measures the growth). Raw HTML is parsed as
HTML and left to nh3 to strip, as before, rather than shown as escaped tags.
"""

import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from common.limits import NOTES_MAX_LENGTH

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
TRUNCATED = (
    '<p class="muted">Shortened here: these notes are longer than the {limit:,} characters '
    "notes may have. Edit them to see the rest.</p>"
)

# CommonMark caps nesting (lists in quotes in lists …) at 20 levels, which bounds the depth too.
_parser = MarkdownIt("commonmark", {"html": True}).enable("table")
# Every link becomes a link and nh3 alone judges its scheme, as with the old renderer: a
# ``javascript:`` link loses its href rather than showing its source as text.
_parser.validateLink = lambda url: True  # type: ignore[method-assign]  # a documented hook


@register.filter(name="markdown")
def render_markdown(text: str | None, limit: int = NOTES_MAX_LENGTH) -> str:
    """``text`` as sanitised HTML; only its first ``limit`` characters, so a row stored before
    the limit existed (or written around it) still renders in bounded time."""
    text = text or ""
    html = _parser.render(text[:limit])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    if len(text) > limit:
        clean += TRUNCATED.format(limit=limit)
    return mark_safe(clean)  # noqa: S308 — sanitised by nh3 just above
