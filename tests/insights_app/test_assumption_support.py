"""Assumption support per segment value and overall, with the status of PRODUCT.md §3.

Evidence for X: with Fintech accounts 3 supports + 1 contradicts; with Retail 1 + 3; with an
account without industry 1 + 1. For Y: 2 supports with Fintech. Z has no evidence.
"""

import pytest

from insights_app.models import Evidence
from insights_app.services import insights_compute
from tests.factories import (
    AccountFactory,
    AssumptionFactory,
    ConversationFactory,
    EvidenceFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db
SUPPORTS, CONTRADICTS = Evidence.Verdict.SUPPORTS, Evidence.Verdict.CONTRADICTS


@pytest.fixture
def world(workspace):
    acc = {
        industry: AccountFactory(workspace=workspace, industry=industry)
        for industry in ("Fintech", "Retail", "")
    }
    x = AssumptionFactory(workspace=workspace, statement="X", area="Deployment")
    y = AssumptionFactory(workspace=workspace, statement="Y", area="")
    z = AssumptionFactory(workspace=workspace, statement="Z")

    def evidence(assumption, industry, verdict, times):
        for _ in range(times):
            conversation = ConversationFactory(workspace=workspace, account=acc[industry])
            EvidenceFactory(
                workspace=workspace,
                assumption=assumption,
                conversation=conversation,
                verdict=verdict,
            )

    evidence(x, "Fintech", SUPPORTS, 3)
    evidence(x, "Fintech", CONTRADICTS, 1)
    evidence(x, "Retail", SUPPORTS, 1)
    evidence(x, "Retail", CONTRADICTS, 3)
    evidence(x, "", SUPPORTS, 1)
    evidence(x, "", CONTRADICTS, 1)
    evidence(y, "Fintech", SUPPORTS, 2)
    segment = SegmentFactory(workspace=workspace, name="Retailers", filters={"industry": "Retail"})
    return {"x": x, "y": y, "z": z, "segment": segment}


def assumptions(workspace, dimension):
    parts = insights_compute(workspace=workspace)
    (payload,) = [p.payload for p in parts if p.kind == "assumptions" and p.dimension == dimension]
    return payload


def test_support_and_status_per_industry(workspace, world):
    rows = assumptions(workspace, "industry")["results"]

    got = {
        (r["statement"], r["value"]): (r["supports"], r["contradicts"], r["status"]) for r in rows
    }
    assert got == {
        ("X", "Fintech"): (3, 1, "validated"),
        ("X", "Retail"): (1, 3, "invalidated"),
        ("X", "unknown"): (1, 1, "mixed"),
        ("Y", "Fintech"): (2, 0, "mixed"),  # supportive, but fewer than 3
    }
    x_fintech = next(r for r in rows if r["statement"] == "X" and r["value"] == "Fintech")
    assert x_fintech["assumption"] == world["x"].pk and x_fintech["area"] == "Deployment"


def test_overall_status_counts_all_evidence_and_lists_untested_assumptions(workspace, world):
    overall = assumptions(workspace, "industry")["overall"]

    got = {r["statement"]: (r["supports"], r["contradicts"], r["status"]) for r in overall}
    assert got == {"X": (5, 5, "mixed"), "Y": (2, 0, "mixed"), "Z": (0, 0, "untested")}
    assert {r["value"] for r in overall} == {"all"}


def test_a_saved_segment_sees_the_evidence_of_its_accounts_only(workspace, world):
    rows = assumptions(workspace, f"segment:{world['segment'].pk}")["results"]

    assert [(r["statement"], r["value"], r["status"]) for r in rows] == [
        ("X", "Retailers", "invalidated")
    ]
