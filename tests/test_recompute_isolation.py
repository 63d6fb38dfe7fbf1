"""Recomputing one workspace's insights reads that workspace only (PRODUCT.md §10).

Workspace A holds the demo data set at a small scale; workspace B, beside it, ten times more of
the same shape (the same industries, personas, tags and feature names, so any leak through a
shared value would change A's figures). A's published snapshot after a recompute is identical,
part by part, to the one computed when A was alone in the database, whether B was recomputed
before it or not.
"""

import datetime as dt

import pytest

from accounts_app.models import Account
from deals_app.models import Conversation, Deal
from demo_app.services import seed_demo
from insights_app.models import InsightSnapshot, InsightState
from insights_app.services import insights_recompute, insights_recompute_all

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 31)
TODAY = AS_OF


def _published(workspace) -> dict[tuple[str, str], dict]:
    state = InsightState.objects.get(workspace=workspace)
    parts = InsightSnapshot.objects.for_workspace(workspace).filter(version=state.published_version)
    return {(part.kind, part.dimension): part.payload for part in parts}


def _rows(workspace) -> int:
    return sum(
        model.objects.for_workspace(workspace).count() for model in (Account, Deal, Conversation)
    )


def test_a_recompute_of_a_is_the_same_with_ten_times_more_data_in_b():
    a = seed_demo(slug="small", scale=0.1, as_of=AS_OF).workspace
    insights_recompute(workspace_id=a.pk, force=True, today=TODAY)
    alone = _published(a)
    assert len(alone) >= 8 and any(payload for payload in alone.values())

    b = seed_demo(slug="large", scale=1.25, as_of=AS_OF).workspace
    assert _rows(b) >= 10 * _rows(a)

    insights_recompute(workspace_id=a.pk, force=True, today=TODAY)
    assert _published(a) == alone

    # B recomputed first, then A again: still A's own figures; and B's are not A's.
    insights_recompute(workspace_id=b.pk, force=True, today=TODAY)
    insights_recompute(workspace_id=a.pk, force=True, today=TODAY)
    assert _published(a) == alone
    theirs = _published(b)
    assert set(theirs) >= {key for key in alone if not key[1].startswith("segment:")}
    assert any(theirs[key] != alone[key] for key in alone if key in theirs)


def test_the_nightly_recompute_of_every_workspace_keeps_each_to_its_own():
    a = seed_demo(slug="small", scale=0.1, as_of=AS_OF).workspace
    insights_recompute_all(force=True)
    alone = _published(a)
    seed_demo(slug="large", scale=0.5, as_of=AS_OF)
    insights_recompute_all(force=True)
    assert _published(a) == alone
