"""The integrations page shows how HubSpot's pipeline stages read in DealLens, and an admin's
correction is kept across syncs and moves the deals already synced."""

import pytest
from django.urls import reverse

from accounts_app.models import Membership
from crm_app.models import SyncMark
from deals_app.models import Deal, Stage
from tests.api_support import api_client
from tests.crm_app.sync_support import sync
from tests.factories import MembershipFactory, UserFactory

SECURITY_REVIEW = "1004"  # enterprise pipeline, open, 4th of 5: proposal by its place


@pytest.fixture
def admin(client, member):
    client.force_login(member("admin"))
    return client


@pytest.fixture
def synced(hs_connection):
    sync(hs_connection)
    hs_connection.refresh_from_db()
    return hs_connection


def _api(workspace):
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=workspace, role=Membership.Role.ADMIN)
    return api_client(user, workspace)


def _deals_in(fake, stage_id):
    return [
        d for d in fake.ids("deals") if fake.object("deals", d).properties["dealstage"] == stage_id
    ]


def test_the_page_shows_every_pipeline_with_its_stages(admin, synced):
    page = admin.get(reverse("integration-detail", args=[synced.pk])).content.decode()
    assert 'data-testid="stage-map"' in page
    assert page.count('data-testid="pipeline"') == 2
    assert page.count('data-testid="stage-row"') == 14
    assert "Security review" in page and "Did not buy" in page
    row = page.split(f'data-stage-id="{SECURITY_REVIEW}"')[1].split("</tr>")[0]
    assert '<option value="proposal" selected>' in row


def test_a_salesforce_connection_has_no_stage_map(admin, sf_connection):
    page = admin.get(reverse("integration-detail", args=[sf_connection.pk])).content.decode()
    assert 'data-testid="stage-map"' not in page


def test_an_admins_choice_is_kept_and_moves_the_synced_deals(
    admin, synced, fake_hubspot, workspace
):
    moved = _deals_in(fake_hubspot, SECURITY_REVIEW)
    assert moved
    assert {d.stage for d in Deal.objects.filter(workspace=workspace, external_id__in=moved)} == {
        Stage.PROPOSAL
    }
    url = reverse("integration-stages", args=[synced.pk])
    response = admin.post(url, {f"stage-{SECURITY_REVIEW}": "negotiation"}, follow=True)
    assert "Stage mapping saved" in response.content.decode()
    synced.refresh_from_db()
    assert synced.stage_map[SECURITY_REVIEW]["stage"] == "negotiation"
    assert synced.stage_map[SECURITY_REVIEW]["auto"] is False
    assert SyncMark.objects.get(connection=synced, object_type="deals").modified_at is None
    # The next run reads the deals again, and the pipelines' refresh keeps the choice.
    fake_hubspot.advance(hours=1)
    run = sync(synced)
    assert run.counts["deals"]["updated"] == len(moved)
    assert {d.stage for d in Deal.objects.filter(workspace=workspace, external_id__in=moved)} == {
        Stage.NEGOTIATION
    }
    synced.refresh_from_db()
    assert synced.stage_map[SECURITY_REVIEW]["stage"] == "negotiation"
    page = admin.get(reverse("integration-detail", args=[synced.pk])).content.decode()
    row = page.split(f'data-stage-id="{SECURITY_REVIEW}"')[1].split("</tr>")[0]
    assert "chosen" in row


def test_a_bad_choice_is_refused_and_changes_nothing(admin, synced):
    before = synced.stage_map
    url = reverse("integration-stages", args=[synced.pk])
    response = admin.post(
        url, {f"stage-{SECURITY_REVIEW}": "signed", "stage-nope": "discovery"}, follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Some stages could not be mapped" in body
    synced.refresh_from_db()
    assert synced.stage_map == before
    assert SyncMark.objects.get(connection=synced, object_type="deals").modified_at is not None


def test_another_workspaces_admin_cannot_change_the_map(client, member, other_workspace, synced):
    client.force_login(member("admin", ws=other_workspace))
    url = reverse("integration-stages", args=[synced.pk])
    assert client.post(url, {f"stage-{SECURITY_REVIEW}": "discovery"}).status_code == 404
    synced.refresh_from_db()
    assert synced.stage_map[SECURITY_REVIEW]["stage"] == Stage.PROPOSAL


def test_the_api_lists_the_stages_and_takes_corrections(synced, workspace, other_workspace):
    api = _api(workspace)
    url = f"/api/v1/integrations/{synced.pk}/"
    stages = api.get(url).json()["stages"]
    assert len(stages) == 14
    review = next(s for s in stages if s["id"] == SECURITY_REVIEW)
    assert review == {
        "id": SECURITY_REVIEW,
        "label": "Security review",
        "pipeline": "Enterprise",
        "pipeline_id": "enterprise",
        "order": review["order"],
        "closed": False,
        "probability": 0.7,
        "stage": "proposal",
        "auto": True,
    }
    bad = api.patch(url, {"stage_choices": {SECURITY_REVIEW: "signed"}, "name": "X"}, format="json")
    assert bad.status_code == 400 and "stage_choices" in bad.json()
    unknown = api.patch(url, {"stage_choices": {"nope": "discovery"}, "name": "X"}, format="json")
    assert unknown.status_code == 400 and "nope" in str(unknown.json()["stage_choices"])
    synced.refresh_from_db()
    assert synced.name != "X"  # all or nothing
    ok = api.patch(url, {"stage_choices": {SECURITY_REVIEW: "negotiation"}}, format="json")
    assert ok.status_code == 200
    review = next(s for s in ok.json()["stages"] if s["id"] == SECURITY_REVIEW)
    assert (review["stage"], review["auto"]) == ("negotiation", False)
    assert "stage_choices" not in ok.json()
    stranger = _api(other_workspace).patch(
        url, {"stage_choices": {SECURITY_REVIEW: "discovery"}}, format="json"
    )
    assert stranger.status_code == 404
