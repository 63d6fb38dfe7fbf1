"""The buyer's page /s/<token>/: opened, answered once, then closed; expired and made-up
links are friendly 404s; CSRF-protected; rate-limited per address; no app chrome."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from deals_app.models import Conversation, Deal
from events_app.models import Event
from surveys_app import views as survey_views
from surveys_app.models import Survey
from tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db

ANSWER = {
    "main_reason": "missing_feature",
    "alternative": "competitor",
    "competitor": "  Globex Monitoring ",
    "would_have_changed": "Native Kubernetes support.",
    "fit": "2",
    "follow_up_welcome": "on",
}


@pytest.fixture
def survey(closed):
    return SurveyFactory.create(deal=closed.deal, contact=closed.buyer, raw_token="t" * 43)


def _url(token="t" * 43):
    return f"/s/{token}/"


def test_opening_the_link_shows_the_form_and_marks_the_survey_opened(survey, closed):
    response = Client().get(_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme Observability" in body and "Initech observability" in body
    assert "The price, or the value for money" in body  # the loss reasons in plain words
    assert "did not go ahead" in body
    assert 'class="topbar"' not in body and "Sign out" not in body  # no DealLens chrome
    assert "Initech</" not in body  # the account's name is not shown
    assert "<script>" not in body  # the page's JS is a static file (CSP)
    survey.refresh_from_db()
    assert survey.opened_at is not None and survey.state == "opened"
    first = survey.opened_at
    Client().get(_url())
    survey.refresh_from_db()
    assert survey.opened_at == first


def test_an_answer_becomes_a_win_loss_conversation_and_an_event(survey, closed):
    response = Client().post(_url(), ANSWER)
    assert response.status_code == 200
    assert b"Thank you" in response.content

    survey.refresh_from_db()
    assert survey.state == "answered"
    assert (survey.main_reason, survey.alternative, survey.competitor) == (
        "missing_feature",
        "competitor",
        "Globex Monitoring",
    )
    assert survey.fit == 2 and survey.follow_up_welcome is True
    conversation = Conversation.objects.get(pk=survey.conversation_id)
    assert conversation.kind == Conversation.Kind.WIN_LOSS
    assert conversation.account_id == closed.deal.account_id
    assert conversation.deal_id == closed.deal.pk
    assert conversation.stated_reason == "missing_feature"
    assert list(conversation.participants.all()) == [closed.buyer]
    assert conversation.title == "Win/loss survey: Bea Buyer"
    assert conversation.occurred_on == timezone.localdate()
    assert "Native Kubernetes support." in conversation.notes
    assert "Chose instead: Another vendor's product: Globex Monitoring" in conversation.notes
    assert "Fit (1–5): 2" in conversation.notes
    assert "Follow-up call welcome: yes" in conversation.notes
    assert conversation.sentiment == "negative"
    # The rep's reason stays what sales recorded.
    deal = Deal.objects.get(pk=closed.deal.pk)
    assert deal.loss_reason == "price"

    event = Event.objects.get(type="survey.answered")
    assert event.object_type == "deal" and event.object_id == str(closed.deal.pk)
    assert event.object_url == f"/deals/{closed.deal.pk}/"
    assert event.summary == "Bea Buyer answered the win/loss survey for Initech observability"
    assert event.data["competitor"] == "Globex Monitoring"
    assert event.data["main_reason"] == "missing_feature"
    assert event.data["owner_id"] == closed.owner.pk
    assert event.data["amount"] == "120000.00"


def test_a_used_link_is_refused_with_a_friendly_404(survey):
    Client().post(_url(), ANSWER)
    for response in (Client().get(_url()), Client().post(_url(), ANSWER)):
        assert response.status_code == 404
        assert b"This link has been used" in response.content
        assert b"Initech" not in response.content
    assert Conversation.objects.filter(kind="win_loss").count() == 1


def test_an_expired_link_is_a_friendly_404(survey):
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    for response in (Client().get(_url()), Client().post(_url(), ANSWER)):
        assert response.status_code == 404
        assert b"This link has expired" in response.content
    survey.refresh_from_db()
    assert survey.state == "expired" and survey.answered_at is None


@pytest.mark.parametrize("token", ["made-up", "t" * 42, "T" * 43, "x" * 200])
def test_a_made_up_link_is_a_friendly_404(survey, token):
    response = Client().get(_url(token))
    assert response.status_code == 404
    assert b"This link is not valid" in response.content
    assert b"Initech" not in response.content and b"Acme" not in response.content


def test_the_won_deal_asks_why_they_chose_us_and_sets_no_stated_reason(closed):
    Deal.objects.filter(pk=closed.deal.pk).update(stage="closed_won", loss_reason="")
    survey = SurveyFactory.create(deal=closed.deal, contact=closed.buyer, raw_token="w" * 43)
    page = Client().get(_url("w" * 43)).content.decode()
    assert "the main reason you chose us" in page
    assert "Easy to use and to roll out" in page
    refused = Client().post(_url("w" * 43), {**ANSWER, "main_reason": "champion_left"})
    assert refused.status_code == 200 and b"Select a valid choice" in refused.content
    Client().post(_url("w" * 43), {**ANSWER, "main_reason": "ease_of_use", "fit": "5"})
    survey.refresh_from_db()
    assert survey.main_reason == "ease_of_use"
    assert survey.conversation.stated_reason == ""
    assert survey.conversation.sentiment == "positive"


def test_missing_answers_are_asked_for_again(survey):
    response = Client().post(_url(), {"alternative": "competitor"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert "Which product did you choose?" in body
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_answer_form_needs_its_csrf_token(survey):
    client = Client(enforce_csrf_checks=True)
    page = client.get(_url())
    refused = client.post(_url(), ANSWER)
    assert refused.status_code == 403 and b"CSRF" in refused.content
    token = client.cookies["csrftoken"].value
    assert page.status_code == 200
    accepted = client.post(_url(), {**ANSWER, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 200 and b"Thank you" in accepted.content


def test_links_are_rate_limited_per_address(survey, monkeypatch):
    monkeypatch.setattr(survey_views, "PUBLIC_RATE_LIMIT", 5)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(5):
        assert client.get(_url(f"guess-{i}")).status_code == 404
    limited = client.get(_url())
    assert limited.status_code == 429
    assert b"Too many requests" in limited.content
    assert limited["Retry-After"] == "600"
    assert client.post(_url(), ANSWER).status_code == 429
    # Another address still gets through.
    assert Client(REMOTE_ADDR="203.0.113.10").get(_url()).status_code == 200


def test_a_token_only_reaches_its_own_survey(closed, other_workspace):
    from tests.factories import DealFactory

    mine = SurveyFactory.create(deal=closed.deal, contact=closed.buyer, raw_token="a" * 43)
    theirs = SurveyFactory.create(
        deal=DealFactory.create(
            account__workspace=other_workspace, name="Zebrafish deal", stage="closed_lost"
        ),
        raw_token="b" * 43,
    )
    page = Client().get(_url("a" * 43)).content.decode()
    assert "Zebrafish" not in page and "Globex" not in page
    Client().post(_url("a" * 43), ANSWER)
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.answered_at is not None and theirs.answered_at is None
    assert theirs.conversation_id is None


def test_a_very_long_answer_is_refused_with_the_fields_message(survey):
    response = Client().post(_url(), {**ANSWER, "would_have_changed": "x" * 5001})
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None
    accepted = Client().post(_url(), {**ANSWER, "would_have_changed": "x" * 5000})
    assert b"Thank you" in accepted.content
