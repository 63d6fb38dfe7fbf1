"""Roll per-account facts up to the values of a dimension (pandas on rows the database reduced).

The database groups each family of metrics by account (``insights_app.selectors.facts``). An
account has exactly one value per dimension (and is in a saved segment or not), so every sum
rolls up exactly, and counting rows that are one per account counts distinct accounts.
Money travels as integer cents, so the sums stay exact.

Families keyed by account alone are laid side by side in one dense frame over the account
index (one row per account), so a dimension costs one group-by for all of them; families with
a second key (a pain tag, a loss reason, a quarter, a feature…) are rolled up on their own.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

import numpy as np
import pandas as pd

CHUNK = 20_000
INT64_SAFE = 2**62  # money columns summing past this many cents are summed as Python ints


def from_cents(cents) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def read_columns(
    rows: Iterable[tuple], names: Sequence[str], *, text: Sequence[str] = ()
) -> dict[str, np.ndarray]:
    """Streamed tuples as one array per column: int64 (None counts as 0), or objects for text.

    Rows are taken a chunk at a time and converted by numpy in C, so memory holds one chunk
    of tuples at most. Integers past int64 are kept as exact Python ints.
    """
    text_set = frozenset(text)
    numeric = [i for i, name in enumerate(names) if name not in text_set]
    parts: list[list[np.ndarray]] = [[] for _ in names]
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        ints = _int_columns(chunk, numeric)
        for i in range(len(names)):
            if i in ints:
                parts[i].append(ints[i])
            else:  # text: one shared string per distinct value, not one per row
                parts[i].append(np.array(pd.Categorical([row[i] for row in chunk]), dtype="object"))
    columns = {}
    for i, name in enumerate(names):
        if not parts[i]:
            columns[name] = np.zeros(0, dtype="object" if name in text_set else "int64")
        elif len({part.dtype for part in parts[i]}) > 1:
            columns[name] = np.concatenate([part.astype("object") for part in parts[i]])
        else:
            columns[name] = np.concatenate(parts[i])
    return columns


def _int_columns(chunk: list[tuple], numeric: list[int]) -> dict[int, np.ndarray]:
    """The numeric columns of a chunk as int64 arrays, converted in one go when every value is
    a plain int; else one by one (None counts 0, a Decimal from the driver becomes an int, and
    past int64 the column keeps exact Python ints)."""
    if not numeric:
        return {}
    try:
        if len(numeric) == len(chunk[0]):
            matrix = np.array(chunk, dtype="int64")
        else:
            matrix = np.array([[row[i] for i in numeric] for row in chunk], dtype="int64")
        return {i: matrix[:, j].copy() for j, i in enumerate(numeric)}
    except (TypeError, OverflowError, ValueError):
        columns = {}
        for i in numeric:
            values = [0 if row[i] is None else int(row[i]) for row in chunk]
            try:
                columns[i] = np.array(values, dtype="int64")
            except OverflowError:
                columns[i] = np.array(values, dtype="object")
        return columns


@dataclass
class FactFrame:
    """Reduced rows of one family, with each row's position in the account index."""

    frame: pd.DataFrame
    positions: np.ndarray
    money: frozenset[str]


class AccountIndex:
    """The workspace's accounts in a fixed order; groupings are code arrays over it."""

    def __init__(self, account_ids: Sequence[int] | np.ndarray) -> None:
        self.index = pd.Index(np.asarray(account_ids, dtype="int64"))

    def __len__(self) -> int:
        return len(self.index)

    def positions(self, account_ids) -> np.ndarray:
        """Positions of ids in the index; an unknown id gets the sentinel position len(index)."""
        positions = self.index.get_indexer(np.asarray(account_ids, dtype="int64"))
        positions[positions < 0] = len(self.index)
        return positions

    def keyed(
        self,
        columns: Mapping[str, np.ndarray],
        *,
        account: str = "account_id",
        money: Sequence[str] = (),
    ) -> FactFrame:
        """A family with a second key: its rows as they are, each mapped to its account."""
        frame = pd.DataFrame({k: v for k, v in columns.items() if k != account}, copy=False)
        return FactFrame(
            _safe_money(frame, money), self.positions(columns[account]), frozenset(money)
        )

    def stacked(
        self,
        families: Iterable[Mapping[str, np.ndarray]],
        *,
        keys: Sequence[str],
        measures: Sequence[str],
        account: str = "account_id",
        money: Sequence[str] = (),
        small: Sequence[str] = (),
    ) -> FactFrame:
        """Families with the same keys laid one under the other, each measure 0 where a family
        lacks it: one frame to roll up instead of one per family (an account may have a row
        per family; sums do not mind). Integers stay integers (no NaN from an outer join);
        each column is written once into a preallocated array, so memory holds the result and
        not a concatenation's copies. Columns named in ``small`` (counts per account, a
        quarter number) are held as int32; pandas sums them as int64."""
        families = list(families)
        sizes = [len(columns[account]) for columns in families]
        bounds = np.cumsum([0, *sizes])
        positions = np.empty(bounds[-1], dtype="int64")
        data: dict[str, np.ndarray] = {}
        for name in (*keys, *measures):
            dtypes = {columns[name].dtype for columns in families if name in columns}
            dtype = object if object in dtypes else ("int32" if name in small else "int64")
            data[name] = np.zeros(bounds[-1], dtype=dtype)
        for i, columns in enumerate(families):
            part = slice(bounds[i], bounds[i + 1])
            positions[part] = self.positions(columns[account])
            for name in (*keys, *measures):
                if name in columns:
                    data[name][part] = columns[name]
        frame = pd.DataFrame(data, copy=False)
        return FactFrame(_safe_money(frame, money), positions, frozenset(money))

    def per_account(
        self,
        families: Iterable[tuple[str, Mapping[str, np.ndarray]]],
        *,
        account: str = "account_id",
        money: Sequence[str] = (),
        skip: Sequence[str] = (),
    ) -> FactFrame:
        """Families summed per account, side by side: one row per account, 0 where none.

        Each family is (prefix, columns); a measure becomes the column ``prefix + name``. A
        family may hold several rows per account (split by a quarter, say): they are added up.
        Columns named in ``skip`` (such a second key) are left out.
        """
        n = len(self)
        data = {}
        for prefix, columns in families:
            positions = self.positions(columns[account])
            unique = len(np.unique(positions)) == len(positions)
            for name, values in columns.items():
                if name == account or name in skip:
                    continue
                dense = np.zeros(n + 1, dtype=values.dtype if values.dtype != object else object)
                if dense.dtype == object:
                    dense[:] = 0
                if unique:
                    dense[positions] = values  # n is the sentinel of unknown accounts
                else:
                    np.add.at(dense, positions, values)
                data[prefix + name] = dense[:n]
        frame = pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
        return FactFrame(_safe_money(frame, money), np.arange(n), frozenset(money))


def _safe_money(frame: pd.DataFrame, money: Sequence[str]) -> pd.DataFrame:
    """Money columns whose sums could pass int64 are summed as exact Python ints instead."""
    for name in money:
        column = frame[name]
        if column.dtype == "int64" and len(column):
            bound = int(np.abs(column.to_numpy()).max()) * len(column)
            if bound >= INT64_SAFE:
                frame[name] = column.astype("object")
    return frame


class Grouping:
    """One dimension's value for each account of an AccountIndex (None: not included)."""

    def __init__(self, labels: Sequence[str | None]) -> None:
        categorical = pd.Categorical(list(labels))
        self.categories = np.asarray(categorical.categories, dtype="object")
        self.codes = np.append(categorical.codes.astype("int64"), -1)  # sentinel: excluded

    @classmethod
    def everyone(cls, index: AccountIndex, label: str) -> "Grouping":
        return cls([label] * len(index))

    @classmethod
    def of_members(cls, index: AccountIndex, member_ids: Iterable[int], label: str) -> "Grouping":
        """A saved segment: its member accounts have the segment's name, others no value."""
        labels: list[str | None] = [None] * len(index)
        for position in index.positions(list(member_ids)):
            if position < len(index):
                labels[position] = label
        return cls(labels)


def rollup(
    facts: FactFrame,
    grouping: Grouping,
    *,
    keys: Sequence[str] = (),
    sums: Sequence[str] = (),
    maxes: Sequence[str] = (),
    count: str | None = None,
) -> list[dict]:
    """Group a family's rows by the dimension's value (and keys): sums, maxima, row counts.

    Returns plain rows ``{"value": …, <key>: …, <measure>: …}``; money back in Decimal.
    """
    codes = grouping.codes[facts.positions]
    keep = codes >= 0
    if not keep.any():
        return []
    measures = [*sums, *maxes]
    data = facts.frame.loc[keep, [*keys, *measures]]
    data.insert(0, "_code", codes[keep])
    grouped = data.groupby(["_code", *keys], sort=False)
    parts = []
    if sums:
        parts.append(grouped[list(sums)].sum())
    if maxes:
        parts.append(grouped[list(maxes)].max())
    if count:
        parts.append(grouped.size().to_frame(count))
    table = pd.concat(parts, axis=1) if len(parts) > 1 else parts[0]
    columns = [*keys, *measures, *([count] if count else [])]
    return _records(table.reset_index(), grouping, columns, facts.money)


def _records(table: pd.DataFrame, grouping: Grouping, columns, money) -> list[dict]:
    """Rolled-up rows (``_code`` and columns) as plain dicts, money back in Decimal.

    Column by column through ``tolist()`` (numpy scalars become Python ints, objects stay as
    they are): much cheaper than iterating rows of a frame."""
    return _rows(
        grouping.categories,
        table["_code"].to_numpy().tolist(),
        {name: table[name].to_numpy().tolist() for name in columns},
        money,
    )


def _rows(labels, codes: list, columns: dict[str, list], money) -> list[dict]:
    names = list(columns)
    lists = [
        [from_cents(v) for v in values] if name in money else values
        for name, values in columns.items()
    ]
    return [
        {"value": labels[code], **dict(zip(names, values, strict=True))}
        for code, *values in zip(codes, *lists, strict=True)
    ]


def rollup_by_period(
    facts: FactFrame,
    grouping: Grouping,
    *,
    periods: Mapping[str, Sequence[int]],
    keys: Sequence[str] = (),
    sums: Sequence[str] = (),
    quarter: str = "q",
) -> dict[str, list[dict]]:
    """Like ``rollup`` with sums, once per period: only rows whose quarter is in the period.

    ``periods`` maps a period's key to its quarter numbers (``periods.quarter_number``); rows
    without a quarter (negative) are in no period. The rows of the quarters any period uses
    are grouped by (value, quarter, keys) once and sorted by quarter: a one-quarter period is
    a slice of that, a longer one one more group-by of the (small) rolled-up rows.
    """
    result: dict[str, list[dict]] = {key: [] for key in periods}
    wanted = sorted({n for numbers in periods.values() for n in numbers})
    codes = grouping.codes[facts.positions]
    quarters = facts.frame[quarter].to_numpy()
    keep = (codes >= 0) & np.isin(quarters, wanted)
    if not keep.any():
        return result
    data = facts.frame.loc[keep, [*keys, *sums]]
    data.insert(0, "_q", quarters[keep])
    data.insert(0, "_code", codes[keep])
    table = data.groupby(["_q", "_code", *keys], sort=True)[list(sums)].sum().reset_index()
    columns = [*keys, *sums]
    by_quarter = table["_q"].to_numpy()
    code_list = table["_code"].to_numpy().tolist()
    lists = {name: table[name].to_numpy().tolist() for name in columns}
    labels = grouping.categories
    for key, numbers in periods.items():
        if len(numbers) == 1:
            low = int(np.searchsorted(by_quarter, numbers[0], side="left"))
            high = int(np.searchsorted(by_quarter, numbers[0], side="right"))
            result[key] = _rows(
                labels,
                code_list[low:high],
                {name: values[low:high] for name, values in lists.items()},
                facts.money,
            )
            continue
        part = table[np.isin(by_quarter, list(numbers))]
        if len(part):
            part = part.groupby(["_code", *keys], sort=False)[list(sums)].sum().reset_index()
            result[key] = _records(part, grouping, columns, facts.money)
    return result


def total(facts: FactFrame, column: str) -> Decimal | int:
    """The whole column summed over every row, money back in Decimal."""
    value = sum(facts.frame[column].tolist()) if len(facts.frame) else 0
    return from_cents(value) if column in facts.money else int(value)
