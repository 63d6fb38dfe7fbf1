"""The assumption status rule of PRODUCT.md §3."""

import pytest

from insights_app.models import Assumption


@pytest.mark.parametrize(
    ("supports", "contradicts", "status"),
    [
        (0, 0, "untested"),
        (1, 0, "mixed"),
        (3, 0, "validated"),
        (4, 2, "validated"),
        (4, 3, "mixed"),
        (0, 3, "invalidated"),
        (2, 4, "invalidated"),
        (2, 3, "mixed"),
        (3, 3, "mixed"),
    ],
)
def test_status_from_evidence_counts(supports, contradicts, status):
    assert Assumption.status_for(supports, contradicts) == status
