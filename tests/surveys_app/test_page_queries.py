"""The deal's survey page costs the same queries with 2 or 12 people and surveys, exactly its
baseline (tests/query_counts.json)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ContactFactory, DealRoleFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _grow(closed, n):
    for i in range(n):
        contact = ContactFactory.create(account=closed.deal.account, email=f"p{i}@x.example")
        DealRoleFactory.create(deal=closed.deal, contact=contact, role="user")
        SurveyFactory.create(deal=closed.deal, contact=contact)


def test_the_survey_page_does_not_grow_with_its_people(closed, client, assert_query_baseline):
    client.force_login(closed.pm)
    url = reverse("deal-survey", args=[closed.deal.pk])
    _grow(closed, 2)
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(closed, 10)
    with assert_query_baseline("page GET /deals/<id>/survey/") as big:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="survey-row-') == 12
    assert len(big) == len(small)
