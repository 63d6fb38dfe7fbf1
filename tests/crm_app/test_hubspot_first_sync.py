"""The first HubSpot sync of the fake portal (the CPQ demo export with HubSpot ids) reads it all:
companies, contacts, deals with their accounts and pipeline stages, and the contacts' roles."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts_app.models import Account
from crm_app.models import SyncMark, SyncRun
from deals_app.models import Deal, DealRole, Stage
from personas_app.models import Contact
from tests.crm_app.sync_support import sync
from tests.crm_support.hubspot_data import (
    DEFAULT_STAGES,
    ENTERPRISE_STAGES,
)

PORTAL = {"companies": 185, "contacts": 701, "deals": 741}
ROLE = DealRole.Role


@pytest.fixture
def first_run(hs_connection):
    run = sync(hs_connection)
    assert run.state == SyncRun.State.SUCCEEDED, (run.message, run.errors[:3])
    return run


def _associations(fake):
    """(deal id, contact id, labels) of every deal→contact association in the portal."""
    return [
        (deal, contact, labels)
        for deal, contacts in fake.portal.deal_contacts.items()
        for contact, labels in contacts.items()
    ]


def test_first_sync_matches_the_portal(first_run, hs_connection, fake_hubspot, workspace):
    assert {n: c["created"] for n, c in first_run.counts.items() if n in PORTAL} == PORTAL
    assert first_run.error_count == 0
    assert Account.objects.filter(workspace=workspace).count() == 185
    assert Contact.objects.filter(workspace=workspace).count() == 701
    assert Deal.objects.filter(workspace=workspace).count() == 741
    # One role per label (the first "Influencer" association carries two), else one per
    # buying role (CHAMPION;END_USER is two), else one.
    expected_roles = 0
    for _deal, contact, labels in _associations(fake_hubspot):
        buying = fake_hubspot.object("contacts", contact).properties.get("hs_buying_role")
        expected_roles += len(labels) or len((buying or "OTHER").split(";"))
    assert first_run.counts["deal_contacts"]["created"] == expected_roles
    assert DealRole.objects.filter(workspace=workspace).count() == expected_roles
    marks = SyncMark.objects.filter(connection=hs_connection)
    assert {m.object_type for m in marks if m.modified_at} == {
        *PORTAL,
        "deal_contacts",
        "contact_roles",
    }
    assert first_run.counts["contact_roles"]["created"] == 0  # marked, not read, the first time


def test_requests_per_first_run(first_run):
    # pipelines 1; properties 3; searches of 200: companies 1, contacts 4, deals 4 (+ deals→
    # companies 4), roles 4 (+ deals→contacts 4, contacts' buying roles ≤ 4); archived lists 3;
    # the latest contact stamp for the buying-roles mark 1
    assert first_run.requests <= 1 + 3 + 1 + 4 + 8 + 12 + 3 + 1, first_run.requests


def test_records_carry_the_portal_values(first_run, fake_hubspot, workspace):
    deal_id = fake_hubspot.ids("deals")[5]
    record = fake_hubspot.object("deals", deal_id).properties
    deal = Deal.objects.get(workspace=workspace, external_id=deal_id)
    assert deal.name == record["dealname"]
    if record["amount"]:
        assert float(deal.amount) == pytest.approx(float(record["amount"]))
    # The account comes from the primary deal→company association.
    (company_id,) = [
        c for c, primary in fake_hubspot.deal_associations(deal_id)["companies"].items() if primary
    ]
    assert deal.account.external_id == company_id
    company = fake_hubspot.object("companies", company_id).properties
    account = Account.objects.get(workspace=workspace, external_id=company_id)
    assert account.name == company["name"]
    assert account.industry == (company["industry"] or "")
    assert account.country == (company["country"] or "")


def test_deals_land_in_their_pipeline_stages(first_run, fake_hubspot, workspace):
    deals = {d.external_id: d.stage for d in Deal.objects.filter(workspace=workspace)}
    by_salesforce = {
        "Prospecting": Stage.PROSPECTING,
        "Closed Won": Stage.CLOSED_WON,
        "Closed Lost": Stage.CLOSED_LOST,
    }
    seen = set()
    for position, deal_id in enumerate(fake_hubspot.ids("deals")):
        obj = fake_hubspot.object("deals", deal_id)
        pipeline = "enterprise" if position % 4 == 0 else "default"
        assert obj.properties["pipeline"] == pipeline
        if obj.salesforce_stage in by_salesforce:
            assert deals[deal_id] == by_salesforce[obj.salesforce_stage], (deal_id, pipeline)
            seen.add((pipeline, obj.salesforce_stage))
    # The custom pipeline's own names ("Signed", "Did not buy") are won and lost by isClosed and
    # probability; both pipelines have won and lost deals in the export.
    assert {("enterprise", "Closed Won"), ("enterprise", "Closed Lost")} <= seen
    assert {("default", "Closed Won"), ("default", "Closed Lost")} <= seen


def test_open_stages_map_by_label_then_by_order(first_run, hs_connection):
    hs_connection.refresh_from_db()
    stage_map = hs_connection.stage_map
    assert len(stage_map) == len(DEFAULT_STAGES) + len(ENTERPRISE_STAGES)
    assert all(entry["auto"] for entry in stage_map.values())
    chosen = {stage_id: entry["stage"] for stage_id, entry in stage_map.items()}
    # The default pipeline's labels are HubSpot's; open ones spread over the open stages in order.
    enterprise = [chosen[s[0]] for s in ENTERPRISE_STAGES]
    assert enterprise == [
        Stage.PROSPECTING,
        Stage.DISCOVERY,
        Stage.EVALUATION,
        Stage.PROPOSAL,
        Stage.NEGOTIATION,
        Stage.CLOSED_WON,
        Stage.CLOSED_LOST,
    ]
    default = [chosen[s[0]] for s in DEFAULT_STAGES]
    assert default[0] == Stage.PROSPECTING
    assert default[-2:] == [Stage.CLOSED_WON, Stage.CLOSED_LOST]
    assert default[:-2] == sorted(default[:-2], key=list(Stage.values).index)  # never backwards


def test_labels_and_buying_roles_become_roles(first_run, fake_hubspot, workspace):
    roles = {}
    for role in DealRole.objects.filter(workspace=workspace).select_related("deal", "contact"):
        roles.setdefault((role.deal.external_id, role.contact.external_id), set()).add(role.role)
    checked = {"two labels": 0, "label": 0, "unknown label": 0, "buying roles": 0}
    for deal, contact, labels in _associations(fake_hubspot):
        got = roles[(deal, contact)]
        buying = fake_hubspot.object("contacts", contact).properties.get("hs_buying_role")
        if set(labels) == {"Influencer", "Champion"}:
            assert got == {ROLE.INFLUENCER, ROLE.CHAMPION}
            checked["two labels"] += 1
        elif labels == ("Procurement lead",):
            assert got == {ROLE.OTHER}
            checked["unknown label"] += 1
        elif labels == ("Economic buyer",):
            assert got == {ROLE.ECONOMIC_BUYER}
            checked["label"] += 1
        elif labels == ("End user",):
            assert got == {ROLE.USER}
        elif not labels and buying == "CHAMPION;END_USER":
            assert got == {ROLE.CHAMPION, ROLE.USER}
            checked["buying roles"] += 1
        elif not labels and buying == "BUDGET_HOLDER":
            assert got == {ROLE.ECONOMIC_BUYER}
    assert all(checked.values()), checked
    # The unknown label is counted in the run's notes.
    assert any("Procurement lead" in note for note in first_run.notes["deal_contacts"])


def test_labelled_contacts_show_on_the_persona_map(
    first_run, fake_hubspot, workspace, client, member
):
    deal_id, contact_id = next(
        (d, c)
        for d, c, labels in _associations(fake_hubspot)
        if set(labels) == {"Influencer", "Champion"}
    )
    deal = Deal.objects.get(workspace=workspace, external_id=deal_id)
    contact = Contact.objects.get(workspace=workspace, external_id=contact_id)
    client.force_login(member("sales"))
    page = client.get(reverse("deal-detail", args=[deal.pk])).content.decode()
    assert escape(contact.full_name) in page
    assert "Champion" in page and "Influencer" in page
