"""Money, rates and the exact median the insight rows are made of."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """A database sum as a Decimal; None (nothing summed) is 0."""
    if value is None:
        return Decimal("0")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value) -> str:
    """An exact amount as a decimal string with cents ("1234.50"); None stays 0.00."""
    return str(to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def money_or_none(value) -> str | None:
    return None if value is None else money(value)


def rate(part, whole) -> float | None:
    """part / whole as a float, or None when whole is 0 (the figure is undefined)."""
    if not whole:
        return None
    return float(Decimal(part) / Decimal(whole)) if isinstance(whole, Decimal) else part / whole


def median_from_histogram(counts: Iterable[tuple[int, int]]) -> int | float | None:
    """The median of a multiset given as (value, how many) pairs; None when it is empty.

    With an even number of items it is the mean of the two middle ones (so it may end in .5).
    """
    pairs = sorted((value, n) for value, n in counts if n > 0)
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    lower_rank, upper_rank = (total + 1) // 2, total // 2 + 1  # 1-based ranks of the middle
    lower = upper = None
    seen = 0
    for value, n in pairs:
        seen += n
        if lower is None and seen >= lower_rank:
            lower = value
        if seen >= upper_rank:
            upper = value
            break
    assert lower is not None and upper is not None  # total > 0: both ranks are reached
    if total % 2:
        return lower
    middle = (lower + upper) / 2
    return int(middle) if middle == int(middle) else middle
