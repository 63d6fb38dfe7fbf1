"""Building blocks of the demo generator: name pools, weighted draws, accounts and people.

Faker (seeded per instance, never the global state) fills small pools of first and last
names per country once; the generator then draws from the pools with its own
``random.Random``, which is fast enough for a million rows and keeps every run identical.
"""

import math
import re
import unicodedata
from functools import lru_cache

from common.exceptions import ApplicationError

from ..reference import catalog

POOL_SIZE = 120


def ascii_slug(text: str, sep: str = "-") -> str:
    """'Müller & Söhne' -> 'muller-and-sohne' (for e-mail addresses and domains)."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and ")).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", sep, text.decode().lower()).strip(sep)


def _unique(values) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for value in values:
        value = value.strip()
        if value and value not in seen and ascii_slug(value):
            seen[value] = ascii_slug(value, ".")
    return tuple(seen.items())


@lru_cache(maxsize=4)
def name_pools(seed: int) -> dict[str, tuple[tuple, tuple]]:
    """country -> (first names, last names), each a tuple of (display, ascii) pairs."""
    try:
        from faker import Faker
    except ImportError as exc:  # Faker ships with the dev extras: pip install -e '.[dev]'
        raise ApplicationError(
            "seed_demo needs the Faker package: pip install Faker (or -e '.[dev]')."
        ) from exc
    pools = {}
    for country, _region, _weight, locale, _cities in catalog.COUNTRIES:
        if locale is None:
            firsts, lasts = catalog.HAND_NAMES[country]
        else:
            fake = Faker(locale)
            fake.seed_instance(seed)
            if locale == "ja_JP":  # romanised names, not kanji
                firsts = [fake.first_romanized_name() for _ in range(POOL_SIZE)]
                lasts = [fake.last_romanized_name() for _ in range(POOL_SIZE)]
            else:
                firsts = [fake.first_name() for _ in range(POOL_SIZE)]
                lasts = [fake.last_name() for _ in range(POOL_SIZE)]
        pools[country] = (_unique(firsts), _unique(lasts))
    return pools


class Weighted:
    """Draw from (value, weight) pairs with one random() call."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, pairs):
        self.values, self.cumulative, total = [], [], 0
        for value, weight in pairs:
            total += weight
            self.values.append(value)
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng):
        x = rng.random() * self.total
        for value, edge in zip(self.values, self.cumulative, strict=True):
            if x < edge:
                return value
        return self.values[-1]


class Person:
    """A contact while it is generated: enough to place it in the tree and on deals."""

    __slots__ = ("id", "persona", "seniority", "first", "last", "boss", "has_left", "up", "dept")

    def __init__(self, id_, persona, seniority, first, last, boss, has_left, dept):
        self.id, self.persona, self.seniority = id_, persona, seniority
        self.first, self.last, self.boss, self.has_left = first, last, boss, has_left
        self.dept = dept
        # Edges upwards in the influence graph: the boss, then everyone this person advocates to.
        self.up = [boss] if boss is not None else []

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


class Profile:
    """An account while it is generated: its dimensions and what follows from them."""

    __slots__ = (
        "id", "name", "domain", "industry", "band", "country", "region", "deployment", "infra",
        "lifecycle", "partner", "blind", "people", "names", "dims", "pains", "constraints",
        "topics", "assumption_rules", "feature_rules", "owners",
    )  # fmt: skip

    def __init__(self, **values):
        for key, value in values.items():
            setattr(self, key, value)
        self.people = []


def path_exists(sources, targets) -> bool:
    """Is there a path from any source to any target along reporting lines and advocacy?"""
    targets = set(map(id, targets))
    seen, todo = set(), list(sources)
    while todo:
        person = todo.pop()
        if id(person) in targets:
            return True
        if id(person) in seen:
            continue
        seen.add(id(person))
        todo.extend(person.up)
    return False


def poisson(rng, mean: float) -> int:
    """A Poisson draw by Knuth's method; fine for the small means used here."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k
