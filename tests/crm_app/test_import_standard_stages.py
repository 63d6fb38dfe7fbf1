"""Every stage of Salesforce's standard OpportunityStage picklist (and its common renamings)
and of HubSpot's default deal pipeline lands in its DealLens stage (PRODUCT.md §8)."""

import pytest

from crm_app.models import StageAlias
from crm_app.services.import_run import import_run
from deals_app.models import Deal, Stage
from tests.fixtures.imports.support import write_csv

pytestmark = pytest.mark.django_db

SALESFORCE = {
    "Prospecting": Stage.PROSPECTING,
    "Qualification": Stage.DISCOVERY,
    "Needs Analysis": Stage.DISCOVERY,
    "Value Proposition": Stage.EVALUATION,
    "Id. Decision Makers": Stage.EVALUATION,
    "Id Decision Makers": Stage.EVALUATION,
    "Perception Analysis": Stage.EVALUATION,
    "Proposal/Price Quote": Stage.PROPOSAL,
    "Proposal/Quote": Stage.PROPOSAL,
    "Negotiation/Review": Stage.NEGOTIATION,
    "Negotiation": Stage.NEGOTIATION,
    "Closed Won": Stage.CLOSED_WON,
    "Closed/Won": Stage.CLOSED_WON,
    "Closed Lost": Stage.CLOSED_LOST,
    "Closed/Lost": Stage.CLOSED_LOST,
}
HUBSPOT = {
    "appointmentscheduled": Stage.PROSPECTING,
    "Appointment Scheduled": Stage.PROSPECTING,
    "qualifiedtobuy": Stage.DISCOVERY,
    "Qualified To Buy": Stage.DISCOVERY,
    "presentationscheduled": Stage.EVALUATION,
    "Presentation Scheduled": Stage.EVALUATION,
    "decisionmakerboughtin": Stage.EVALUATION,
    "Decision Maker Bought-In": Stage.EVALUATION,
    "contractsent": Stage.NEGOTIATION,
    "Contract Sent": Stage.NEGOTIATION,
    "closedwon": Stage.CLOSED_WON,
    "Closed Won": Stage.CLOSED_WON,
    "closedlost": Stage.CLOSED_LOST,
    "Closed Lost": Stage.CLOSED_LOST,
}


def _stages_after_import(workspace, tmp_path, header, labels):
    accounts = write_csv(
        tmp_path / "Account.csv", ["Id", "Name", "Industry"], [["001A", "Initech", "Banking"]]
    )
    deals = write_csv(
        tmp_path / "Opportunity.csv",
        header,
        [
            [f"006{i:03}", "001A", f"Initech deal {i}", label, "2025-03-01", "2025-06-30"]
            for i, label in enumerate(labels)
        ],
    )
    result = import_run(workspace=workspace, files=[accounts, deals])
    assert result.ok, result.errors
    by_id = dict(Deal.objects.filter(workspace=workspace).values_list("external_id", "stage"))
    return {label: by_id[f"006{i:03}"] for i, label in enumerate(labels)}


def test_every_salesforce_standard_stage_lands_in_its_stage(workspace, tmp_path):
    header = ["Id", "AccountId", "Name", "StageName", "CreatedDate", "CloseDate"]
    assert _stages_after_import(workspace, tmp_path, header, list(SALESFORCE)) == SALESFORCE
    assert not StageAlias.objects.exists()  # none of them is unknown


def test_every_hubspot_default_pipeline_stage_lands_in_its_stage(workspace, tmp_path):
    header = ["Record ID", "Associated Company IDs", "Deal Name", "Deal Stage", "Create Date"]
    header.append("Close Date")
    assert _stages_after_import(workspace, tmp_path, header, list(HUBSPOT)) == HUBSPOT
    assert not StageAlias.objects.exists()
