"""The survey API: POST deals/<id>/surveys/, GET surveys/ (filters, answer fields, never the
token) and surveys/<id>/; isolation between workspaces."""

import pytest
from django.utils import timezone

from accounts_app.models import Membership
from deals_app.models import Deal
from surveys_app.models import Survey
from tests.api_support import api_client, member_client
from tests.factories import ContactFactory, DealFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _post(client, deal, contacts):
    return client.post(
        f"/api/v1/deals/{deal.pk}/surveys/", {"contacts": [c.pk for c in contacts]}, format="json"
    )


def test_posting_contacts_sends_one_survey_each_and_a_second_post_is_a_reminder(
    closed, django_capture_on_commit_callbacks, mailoutbox
):
    client = api_client(closed.pm)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, closed.deal, [closed.buyer, closed.champion])
    assert response.status_code == 201, response.content
    rows = response.json()
    assert sorted(r["contact"]["name"] for r in rows) == ["Bea Buyer", "Chad Champion"]
    assert {r["state"] for r in rows} == {"sent"} and {r["reminded"] for r in rows} == {False}
    assert all(r["deal"] == {"id": closed.deal.pk, "name": "Initech observability"} for r in rows)
    assert len(mailoutbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        again = _post(client, closed.deal, [closed.buyer])
    assert again.status_code == 201
    assert again.json()[0]["reminded"] is True and again.json()[0]["reminder_count"] == 1
    assert Survey.objects.count() == 2 and len(mailoutbox) == 3


def test_bad_requests_are_400s_with_field_messages(closed, other_workspace):
    client = api_client(closed.pm)
    no_email = _post(client, closed.deal, [closed.no_email])
    assert no_email.status_code == 400
    assert no_email.json()["contacts"] == ["No e-mail address for Nora Nomail: add one first."]

    stranger = ContactFactory.create(account__workspace=other_workspace)
    foreign = _post(client, closed.deal, [stranger])
    assert foreign.status_code == 400 and "contacts" in foreign.json()
    assert "Globex" not in foreign.content.decode()

    Deal.objects.filter(pk=closed.deal.pk).update(stage="evaluation", loss_reason="")
    open_deal = _post(client, closed.deal, [closed.buyer])
    assert open_deal.status_code == 400
    assert open_deal.json()["deal"] == ["Surveys are sent only for won or lost deals."]

    empty = client.post(f"/api/v1/deals/{closed.deal.pk}/surveys/", {}, format="json")
    assert empty.status_code == 400 and "contacts" in empty.json()
    assert Survey.objects.count() == 0


def test_another_workspaces_deal_is_404(closed, other_workspace):
    theirs = DealFactory.create(account__workspace=other_workspace, stage="closed_lost")
    response = _post(api_client(closed.pm), theirs, [closed.buyer])
    assert response.status_code == 404


@pytest.mark.parametrize("deal_id", ["abc", "-1", str(2**70)])
def test_a_malformed_deal_id_is_a_json_404(closed, deal_id):
    response = api_client(closed.pm).post(
        f"/api/v1/deals/{deal_id}/surveys/", {"contacts": [closed.buyer.pk]}, format="json"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_execs_and_other_sales_reps_may_not_send(closed):
    for role in (Membership.Role.EXEC, Membership.Role.SALES):
        client, _ = member_client(closed.workspace, role)
        response = _post(client, closed.deal, [closed.buyer])
        assert response.status_code == 403, role
    owner = _post(api_client(closed.owner), closed.deal, [closed.buyer])
    assert owner.status_code == 201
    admin, _ = member_client(closed.workspace, Membership.Role.ADMIN)
    assert _post(admin, closed.deal, [closed.champion]).status_code == 201


def test_the_list_shows_states_answers_and_never_the_token(closed, member):
    sent = SurveyFactory.create(deal=closed.deal, contact=closed.buyer)
    answered = SurveyFactory.create(
        deal=closed.deal,
        contact=closed.champion,
        answered_at=timezone.now(),
        opened_at=timezone.now(),
        main_reason="competitor",
        alternative="competitor",
        competitor="Globex",
        fit=3,
    )
    expired = SurveyFactory.create(
        deal=closed.deal, contact=closed.no_email, expires_at=timezone.now()
    )
    client = api_client(member("exec"))
    body = client.get("/api/v1/surveys/").json()
    assert body["count"] == 3
    by_id = {row["id"]: row for row in body["results"]}
    assert by_id[sent.pk]["state"] == "sent" and by_id[sent.pk]["answer"] is None
    assert by_id[expired.pk]["state"] == "expired"
    assert by_id[answered.pk]["state"] == "answered"
    assert by_id[answered.pk]["answer"]["competitor"] == "Globex"
    assert by_id[answered.pk]["answer"]["fit"] == 3
    text = client.get("/api/v1/surveys/").content.decode()
    assert "token" not in text and sent.token_hash not in text

    for state, expected in (("answered", answered), ("expired", expired), ("sent", sent)):
        rows = client.get("/api/v1/surveys/", {"state": state}).json()["results"]
        assert [r["id"] for r in rows] == [expected.pk], state
    assert client.get("/api/v1/surveys/", {"deal": closed.deal.pk}).json()["count"] == 3
    assert client.get("/api/v1/surveys/", {"state": "bogus"}).status_code == 400
    detail = client.get(f"/api/v1/surveys/{answered.pk}/")
    assert detail.status_code == 200 and detail.json()["answer"]["alternative"] == "competitor"


def test_another_workspaces_members_never_see_the_surveys(closed, other_workspace):
    survey = SurveyFactory.create(deal=closed.deal, contact=closed.buyer)
    client, _ = member_client(other_workspace, Membership.Role.ADMIN)
    assert client.get("/api/v1/surveys/").json()["count"] == 0
    assert client.get(f"/api/v1/surveys/{survey.pk}/").status_code == 404
    from django.test import Client

    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=other_workspace, role="admin")
    page_client = Client()
    page_client.force_login(user)
    assert page_client.get(f"/deals/{closed.deal.pk}/survey/").status_code == 404
    assert page_client.post(f"/deals/{closed.deal.pk}/survey/", {}).status_code == 404
