"""The list pages' name searches: typed text → words → one ``Q`` (every word must match one of
the fields). The same rule as the API's ``?search=`` (DRF's SearchFilter), so a page and the API
find the same rows. Plain ``icontains`` for now; full-text indexes are a separate piece of work.
"""

import operator
from collections.abc import Callable, Iterable, Sequence
from functools import reduce

from django.db.models import Exists, Q
from django.utils.text import smart_split, unescape_string_literal

# More words than this add nothing but work for the database: the rest are ignored.
MAX_TERMS = 6


def search_terms(text: str) -> list[str]:
    """The words of a search: split on spaces and commas, a "quoted phrase" kept whole; at most
    ``MAX_TERMS`` of them, without duplicates (any case)."""
    terms: list[str] = []
    for raw in smart_split((text or "").replace("\x00", "")):
        chunk = raw.strip(",")
        if chunk[:1] in "\"'" and chunk[-1:] == chunk[:1] and len(chunk) > 1:
            words = [unescape_string_literal(chunk)]
        else:
            words = chunk.split(",")
        for word in (w.strip() for w in words):
            if word and word.lower() not in (t.lower() for t in terms):
                terms.append(word)
    return terms[:MAX_TERMS]


def terms_q(
    terms: Sequence[str],
    fields: Iterable[str],
    *,
    extra: Callable[[str], Q | Exists] | None = None,
) -> Q:
    """Rows where every term is contained (any case) in one of ``fields`` or satisfies
    ``extra(term)`` (e.g. an ``Exists`` over a many-to-many, which never duplicates a row)."""
    fields = tuple(fields)

    def one(term: str) -> Q:
        conditions: list[Q | Exists] = [Q(**{f"{name}__icontains": term}) for name in fields]
        if extra is not None:
            conditions.append(extra(term))
        return Q(reduce(operator.or_, conditions))

    return reduce(operator.and_, (one(term) for term in terms), Q())
