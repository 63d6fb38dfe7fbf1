"""The segment dimensions of PRODUCT.md §3: seven account columns plus every saved Segment.

An account dimension's value is the account's column, an empty one grouping as ``unknown``; a
saved Segment has one value, its name, held by the accounts ``Segment.account_q()`` matches
(``Dimension.scope``).
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db.models import Q

from accounts_app.models import Segment, Workspace

ACCOUNT_DIMENSIONS: dict[str, str] = {
    "industry": "Industry",
    "size_band": "Size band",
    "country": "Country",
    "region": "Region",
    "deployment_model": "Deployment model",
    "infrastructure": "Infrastructure",
    "lifecycle": "Lifecycle",
}
SEGMENT_PREFIX = "segment:"
UNKNOWN = "unknown"
ALL = "all"


@dataclass(frozen=True)
class Dimension:
    """One way to split a workspace's accounts into values."""

    key: str
    label: str
    field: str | None = None  # the Account column, for an account dimension
    segment: Segment | None = dataclass_field(default=None, compare=False)

    @property
    def is_segment(self) -> bool:
        return self.segment is not None

    def scope(self, path: str = "") -> Q:
        """The accounts this dimension covers: all of them, or the saved segment's."""
        if self.segment is None:
            return Q()
        filters = self.segment.filters
        if not isinstance(filters, dict) or set(filters) - set(Segment.FILTERABLE):
            return Q(pk__in=[])  # a malformed filter (written around validation) matches nothing
        return self.segment.account_q(prefix=path)


def _segment_dimension(segment: Segment) -> Dimension:
    return Dimension(key=f"{SEGMENT_PREFIX}{segment.pk}", label=segment.name, segment=segment)


# Every account, one value: the "overall" lines beside per-value figures.
OVERALL = Dimension(key=ALL, label=ALL)


def dimension_list(*, workspace: Workspace) -> list[Dimension]:
    """The account dimensions, then the workspace's saved segments by id (one query)."""
    dimensions = [
        Dimension(key=key, label=label, field=key) for key, label in ACCOUNT_DIMENSIONS.items()
    ]
    segments = Segment.objects.for_workspace(workspace).order_by("id").only("id", "name", "filters")
    dimensions.extend(_segment_dimension(segment) for segment in segments)
    return dimensions


def dimension_get(*, workspace: Workspace, key: str) -> Dimension | None:
    """The dimension named ``key`` in this workspace, or None when there is no such dimension."""
    if key in ACCOUNT_DIMENSIONS:
        return Dimension(key=key, label=ACCOUNT_DIMENSIONS[key], field=key)
    if not key.startswith(SEGMENT_PREFIX):
        return None
    segment_id = key.removeprefix(SEGMENT_PREFIX)
    if not segment_id.isdigit():
        return None
    segment = (
        Segment.objects.for_workspace(workspace)
        .filter(pk=int(segment_id))
        .only("id", "name", "filters")
        .first()
    )
    return _segment_dimension(segment) if segment else None
