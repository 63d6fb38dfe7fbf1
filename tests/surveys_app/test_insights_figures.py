"""Survey answers in the insights (PRODUCT.md §13 with §4): the buyer's reason moves the
reason mismatch rate; each segment value gains a response rate and competitor counts. The
expected figures are computed here from the rows, independently of the recompute."""

from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from accounts_app.models import Membership
from deals_app.models import Conversation, Deal
from insights_app.services import insights_recompute
from surveys_app.models import Survey
from tests.api_support import member_client
from tests.factories import AccountFactory, ContactFactory, DealFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _answer(survey, token, **answer):
    data = {"main_reason": "competitor", "alternative": "competitor", "fit": "3", **answer}
    response = Client().post(f"/s/{token}/", data)
    assert response.status_code == 200, response.content
    survey.refresh_from_db()
    assert survey.answered_at is not None


def _segments(client, dimension="industry"):
    body = client.get("/api/v1/insights/segments/", {"dimension": dimension}).json()
    return {row["value"]: row for row in body["results"]}


def _expected(industry):
    """Response rate, competitor counts and mismatch rate from the rows themselves."""
    surveys = Survey.objects.filter(deal__account__industry=industry)
    sent = surveys.count()
    answered = surveys.exclude(answered_at=None).count()
    named = [
        (s.competitor.strip().casefold(), s.deal_id)
        for s in surveys.exclude(answered_at=None).filter(alternative="competitor")
    ]
    by_surveys = Counter(key for key, _ in named)
    by_deals = Counter(key for key, _ in set(named))
    lost = Deal.objects.filter(account__industry=industry, stage="closed_lost")
    stated = mismatched = 0
    for deal in lost:
        latest = (
            Conversation.objects.filter(deal=deal, kind="win_loss")
            .exclude(stated_reason="")
            .order_by("-occurred_on", "-id")
            .first()
        )
        if latest:
            stated += 1
            mismatched += latest.stated_reason != deal.loss_reason
    return {
        "rate": answered / sent if sent else None,
        "competitors": sorted(
            ((key, by_surveys[key], by_deals[key]) for key in by_surveys),
            key=lambda c: (-c[1], -c[2], c[0]),
        ),
        "mismatch": mismatched / stated if stated else None,
    }


def test_answers_move_the_mismatch_rate_competitor_counts_and_response_rate(workspace):
    fintech = AccountFactory.create(workspace=workspace, industry="Fintech")
    retail = AccountFactory.create(workspace=workspace, industry="Retail")
    deals = [
        DealFactory.create(account=fintech, stage="closed_lost", loss_reason="price")
        for _ in range(3)
    ]
    won = DealFactory.create(account=fintech, stage="closed_won")
    quiet = DealFactory.create(account=retail, stage="closed_lost", loss_reason="price")
    tokens = {}
    for i, deal in enumerate([*deals, won]):
        for j in range(2):
            token = f"tok-{i}-{j}-" + "z" * 40
            contact = ContactFactory.create(account=deal.account)
            tokens[(i, j)] = (
                SurveyFactory.create(deal=deal, contact=contact, raw_token=token),
                token,
            )
    SurveyFactory.create(deal=quiet, contact=ContactFactory.create(account=retail))

    client, _ = member_client(workspace, Membership.Role.EXEC)
    insights_recompute(workspace_id=workspace.pk, force=True)
    before = _segments(client)
    assert before["Fintech"]["survey_response_rate"] == 0.0
    assert before["Fintech"]["competitors"] == []
    assert before["Fintech"]["reason_mismatch_rate"] is None
    assert before["Retail"]["survey_response_rate"] == 0.0

    # Deal 0: the buyer says price too (agrees with the rep), no competitor.
    _answer(*tokens[(0, 0)], main_reason="price", alternative="no_decision")
    # Deal 1: two buyers name the same competitor, spelled differently; the rep said price.
    _answer(*tokens[(1, 0)], main_reason="competitor", competitor="Globex")
    _answer(*tokens[(1, 1)], main_reason="missing_feature", competitor="  globex ")
    # Deal 2: another competitor.
    _answer(*tokens[(2, 0)], main_reason="competitor", competitor="Hooli")
    # The won deal: a buyer who considered Globex.
    _answer(*tokens[(3, 0)], main_reason="product_fit", competitor="GLOBEX")

    insights_recompute(workspace_id=workspace.pk, force=True)
    after = _segments(client)
    fintech_row, expected = after["Fintech"], _expected("Fintech")

    assert fintech_row["survey_response_rate"] == pytest.approx(expected["rate"]) == 5 / 8
    got = [
        (c["competitor"].casefold(), c["surveys"], c["deals"]) for c in fintech_row["competitors"]
    ]
    assert got == expected["competitors"] == [("globex", 3, 2), ("hooli", 1, 1)]
    assert fintech_row["competitors"][0]["competitor"] == "GLOBEX"  # one spelling, stable
    # Deal 0 agrees, deal 1's latest answer (missing_feature or competitor) differs, deal 2
    # differs: 2 of 3 lost deals with a stated reason disagree with the rep.
    assert fintech_row["reason_mismatch_rate"] == pytest.approx(expected["mismatch"]) == 2 / 3
    assert after["Retail"]["survey_response_rate"] == 0.0
    assert after["Retail"]["competitors"] == []
    # The reps' reasons are unchanged.
    assert set(
        Deal.objects.filter(pk__in=[d.pk for d in deals]).values_list("loss_reason", flat=True)
    ) == {"price"}

    # Both accounts are prospects: their surveys roll up together (5 of 9 answered).
    prospects = _segments(client, "lifecycle")["prospect"]
    assert prospects["survey_response_rate"] == pytest.approx(5 / 9)
    assert prospects["competitors"][0]["surveys"] == 3

    # The dashboard shows them beside the mismatch rate.
    page_client = Client()
    page_client.force_login(_)
    page = page_client.get("/dashboard/", {"dimension": "industry"}).content.decode()
    assert "Survey response" in page and "GLOBEX 3" in page
    assert 'data-testid="survey-response">62%<' in page  # widthratio: 62.5 → 62


def test_a_value_without_surveys_has_no_response_rate(workspace):
    account = AccountFactory.create(workspace=workspace, industry="Energy")
    DealFactory.create(account=account, stage="closed_lost", loss_reason="price")
    client, _ = member_client(workspace, Membership.Role.EXEC)
    insights_recompute(workspace_id=workspace.pk, force=True)
    row = _segments(client)["Energy"]
    assert row["survey_response_rate"] is None and row["competitors"] == []


def test_an_expired_unanswered_survey_still_counts_as_sent(workspace):
    account = AccountFactory.create(workspace=workspace, industry="Energy")
    deal = DealFactory.create(account=account, stage="closed_lost", loss_reason="price")
    SurveyFactory.create(
        deal=deal, contact=ContactFactory.create(account=account), expires_at=timezone.now()
    )
    client, _ = member_client(workspace, Membership.Role.EXEC)
    insights_recompute(workspace_id=workspace.pk, force=True)
    assert _segments(client)["Energy"]["survey_response_rate"] == 0.0
