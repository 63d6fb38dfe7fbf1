"""Stage names a workspace's imports and Salesforce syncs do not know are listed for its admins,
who map each to a DealLens stage; the next import or sync reads them so. Other workspaces never
see them, and only admins open the page."""

import pytest
from django.urls import reverse

from crm_app.models import StageAlias, SyncRun
from crm_app.services.import_run import import_run
from crm_app.services.stage_values import stage_aliases_update
from deals_app.models import Deal, Stage
from tests.crm_app.sync_support import first_id, sync
from tests.fixtures.imports.support import write_csv

pytestmark = pytest.mark.django_db

HEADER = ["Id", "AccountId", "Name", "StageName", "CreatedDate", "CloseDate"]


def _import(workspace, tmp_path, stage="Technical Win"):
    accounts = write_csv(
        tmp_path / "Account.csv", ["Id", "Name", "Industry"], [["001A", "Initech", "Banking"]]
    )
    deals = write_csv(
        tmp_path / "Opportunity.csv",
        HEADER,
        [
            ["006A", "001A", "Initech platform", stage, "2025-03-01", "2025-06-30"],
            ["006B", "001A", "Initech add-on", stage, "2025-03-02", "2025-07-31"],
            ["006C", "001A", "Initech renewal", "Prospecting", "2025-03-03", "2025-08-31"],
        ],
    )
    result = import_run(workspace=workspace, files=[accounts, deals])
    assert result.ok, result.errors
    return result


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("stage-values"))


def test_an_unknown_stage_is_listed_mapped_and_read_so_on_the_next_import(
    client, member, workspace, tmp_path
):
    result = _import(workspace, tmp_path)
    assert any("'Technical Win' ×2" in note for note in result.notes)
    assert set(Deal.objects.values_list("stage", flat=True)) == {"discovery", "prospecting"}

    page = _page(client, member("admin")).content.decode()
    row = page.split('data-value="Technical Win"')[1].split("</tr>")[0]
    assert "2 rows" in row
    assert '<option value="" selected>' in row
    alias = StageAlias.objects.get(workspace=workspace)
    assert (alias.value, alias.stage, alias.seen_count) == ("Technical Win", "", 2)

    answer = client.post(reverse("stage-values"), {f"stage-{alias.pk}": "evaluation"})
    assert answer.status_code == 302
    page = client.get(reverse("stage-values")).content.decode()
    assert '<option value="evaluation" selected>' in page.split('data-value="Technical Win"')[1]

    result = _import(workspace, tmp_path)
    assert not any("Technical Win" in note for note in result.notes)
    stages = dict(Deal.objects.values_list("external_id", "stage"))
    assert stages == {"006A": "evaluation", "006B": "evaluation", "006C": "prospecting"}
    # A label spelt another way is the same label.
    _import(workspace, tmp_path, stage="TECHNICAL-WIN")
    assert Deal.objects.get(external_id="006A").stage == Stage.EVALUATION
    assert StageAlias.objects.get().seen_count == 2  # a mapped label is no longer unknown


def test_another_workspace_never_sees_or_maps_them(
    client, member, workspace, other_workspace, tmp_path
):
    _import(workspace, tmp_path)
    alias = StageAlias.objects.get(workspace=workspace)
    outsider = member("admin", ws=other_workspace)
    page = _page(client, outsider).content.decode()
    assert "Technical Win" not in page
    assert 'data-testid="no-stage-values"' in page

    client.post(
        reverse("stage-values"),
        {f"stage-{alias.pk}": "negotiation"},
        HTTP_X_WORKSPACE=other_workspace.slug,
    )
    alias.refresh_from_db()
    assert alias.stage == ""
    # Its own import of the same label is its own, unmapped.
    _import(other_workspace, tmp_path / "other")
    assert StageAlias.objects.filter(workspace=other_workspace, stage="").count() == 1
    assert Deal.objects.filter(workspace=other_workspace, stage="discovery").count() == 2


@pytest.mark.parametrize("role", ["sales", "pm", "exec"])
def test_only_admins_open_or_post_the_page(client, member, workspace, tmp_path, role):
    _import(workspace, tmp_path)
    alias = StageAlias.objects.get()
    user = member(role)
    assert _page(client, user).status_code == 403
    answer = client.post(reverse("stage-values"), {f"stage-{alias.pk}": "proposal"})
    assert answer.status_code == 403
    alias.refresh_from_db()
    assert alias.stage == ""


def test_a_stage_that_is_not_one_is_refused(client, member, workspace, tmp_path):
    _import(workspace, tmp_path)
    alias = StageAlias.objects.get()
    client.force_login(member("admin"))
    answer = client.post(reverse("stage-values"), {f"stage-{alias.pk}": "won-ish"}, follow=True)
    assert "could not be mapped" in answer.content.decode()
    alias.refresh_from_db()
    assert alias.stage == ""


def test_a_salesforce_sync_lists_its_unknown_stages_and_reads_the_mapping(
    sf_connection, fake_salesforce, workspace
):
    opp_id = first_id(fake_salesforce, "Opportunity", StageName="Perception Analysis")
    fake_salesforce.update("Opportunity", opp_id, StageName="Security Review")
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert Deal.objects.get(workspace=workspace, external_id=opp_id).stage == Stage.DISCOVERY
    alias = StageAlias.objects.get(workspace=workspace)
    assert (alias.value, alias.stage, alias.seen_count) == ("Security Review", "", 1)

    stage_aliases_update(workspace=workspace, choices={alias.pk: Stage.PROPOSAL})
    run = sync(sf_connection, full=True)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert Deal.objects.get(workspace=workspace, external_id=opp_id).stage == Stage.PROPOSAL
