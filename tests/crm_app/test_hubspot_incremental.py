"""Later HubSpot runs read only what changed: edits, records sharing one stamp across a page
edge, a window past the search API's 10,000-result cap, archived records and association
changes."""

from accounts_app.models import Account
from crm_app.models import SyncRun
from deals_app.models import Deal, DealRole, Stage
from personas_app.models import Contact
from tests.crm_app.sync_support import changed, sync

ROLE = DealRole.Role


def _ok(run):
    assert run.state == SyncRun.State.SUCCEEDED, (run.message, run.errors[:3])
    return run


def test_an_edit_appears_after_the_next_run(hs_connection, fake_hubspot, workspace):
    _ok(sync(hs_connection))
    fake_hubspot.advance(hours=1)
    deal_id = fake_hubspot.ids("deals")[1]  # default pipeline
    fake_hubspot.update(
        "deals", deal_id, dealname="Renewal 2025 (edited)", dealstage="closedwon", amount="4200"
    )
    company_id = fake_hubspot.ids("companies")[0]
    fake_hubspot.update("companies", company_id, name="Renamed Inc.", industry="Healthcare")
    run = _ok(sync(hs_connection))
    assert changed(run, "deals") == (0, 1, 0)
    assert changed(run, "companies") == (0, 1, 0)
    assert changed(run, "contacts") == (0, 0, 0)
    deal = Deal.objects.get(workspace=workspace, external_id=deal_id)
    assert (deal.name, deal.stage, int(deal.amount)) == (
        "Renewal 2025 (edited)",
        Stage.CLOSED_WON,
        4200,
    )
    account = Account.objects.get(workspace=workspace, external_id=company_id)
    assert (account.name, account.industry) == ("Renamed Inc.", "Healthcare")


def test_a_run_with_nothing_changed_is_cheap(hs_connection, fake_hubspot):
    _ok(sync(hs_connection))
    fake_hubspot.advance(hours=1)
    run = _ok(sync(hs_connection))
    assert all(c["created"] + c["updated"] + c["deleted"] == 0 for c in run.counts.values())
    # PRODUCT.md §9: at most 2 requests per object type (pipelines once: the stage map).
    # companies, contacts, deals: a search and the archived list; roles of changed deals and of
    # changed contacts: a search each. Records the overlap re-reads at the stamp they were read
    # at are skipped without their associations.
    assert run.requests == 1 + 2 + 2 + 2 + 1 + 1, run.requests


def test_one_stamp_across_page_edges_skips_and_doubles_nothing(
    hs_connection, fake_hubspot, workspace
):
    _ok(sync(hs_connection))
    fake_hubspot.advance(hours=1)
    # 450 contacts with one stamp: more than two search pages of 200 share it.
    added = set(fake_hubspot.add_many("contacts", 450))
    fake_hubspot.advance(seconds=1)
    company = fake_hubspot.ids("companies")[0]
    later = fake_hubspot.add(
        "contacts",
        firstname="Late",
        lastname="Comer",
        email="l@x.test",
        associatedcompanyid=company,
    )
    run = _ok(sync(hs_connection))
    assert changed(run, "contacts") == (451, 0, 0)
    synced = set(
        Contact.objects.filter(workspace=workspace, external_id__in=[*added, later]).values_list(
            "external_id", flat=True
        )
    )
    assert synced == {*added, later}
    # The overlap re-reads the edge; nothing is created twice.
    fake_hubspot.advance(hours=1)
    again = _ok(sync(hs_connection))
    assert changed(again, "contacts") == (0, 0, 0)
    assert Contact.objects.filter(workspace=workspace).count() == 701 + 451


def test_a_window_over_the_search_cap_is_read_whole(hs_connection, fake_hubspot, workspace):
    _ok(sync(hs_connection))
    # 10,100 companies changed in one window, in runs of 100 sharing a stamp: an `after` cursor
    # would stop at 10,000 (the fake answers 400 past it, as HubSpot does).
    for _ in range(101):
        fake_hubspot.advance(seconds=1)
        fake_hubspot.add_many("companies", 100)
    run = _ok(sync(hs_connection))
    assert changed(run, "companies") == (10_100, 0, 0)
    assert Contact.objects.filter(workspace=workspace).count() == 701
    assert Account.objects.filter(workspace=workspace).count() == 185 + 10_100


def test_archived_records_are_marked_deleted(hs_connection, fake_hubspot, workspace):
    _ok(sync(hs_connection))
    fake_hubspot.advance(hours=1)
    deal_id = fake_hubspot.ids("deals")[2]
    contact_id = fake_hubspot.ids("contacts")[3]
    fake_hubspot.archive("deals", deal_id)
    fake_hubspot.archive("contacts", contact_id)
    run = _ok(sync(hs_connection))
    assert changed(run, "deals")[2] == 1
    assert changed(run, "contacts")[2] == 1
    assert not Deal.objects.filter(workspace=workspace, external_id=deal_id).exists()
    assert Deal.all_objects.get(workspace=workspace, external_id=deal_id).crm_deleted_at
    assert Contact.all_objects.get(workspace=workspace, external_id=contact_id).crm_deleted_at
    # Counted once: the next run does not delete them again.
    fake_hubspot.advance(hours=1)
    again = _ok(sync(hs_connection))
    assert all(c["deleted"] == 0 for c in again.counts.values())
    # Restored in HubSpot, it comes back.
    fake_hubspot.advance(hours=1)
    fake_hubspot.restore("deals", deal_id)
    _ok(sync(hs_connection))
    assert Deal.objects.filter(workspace=workspace, external_id=deal_id).exists()


def test_association_changes_move_the_roles(hs_connection, fake_hubspot, workspace):
    _ok(sync(hs_connection))
    fake_hubspot.advance(hours=1)
    deal_id, contacts = next(
        (d, c) for d, c in fake_hubspot.portal.deal_contacts.items() if any(c.values())
    )
    gone = next(iter(contacts))
    fake_hubspot.dissociate(deal_id, gone)
    newcomer = fake_hubspot.ids("contacts")[-1]
    fake_hubspot.associate(deal_id, newcomer, labels=("Economic buyer", "Champion"))
    run = _ok(sync(hs_connection))
    assert changed(run, "deal_contacts")[0] == 2
    assert changed(run, "deal_contacts")[2] >= 1
    roles = DealRole.objects.filter(workspace=workspace, deal__external_id=deal_id)
    held = {(r.contact.external_id, r.role) for r in roles.select_related("contact")}
    assert not any(contact == gone for contact, _ in held)
    assert {(newcomer, ROLE.ECONOMIC_BUYER), (newcomer, ROLE.CHAMPION)} <= held


def test_a_new_pipeline_maps_its_stages(hs_connection, fake_hubspot, workspace):
    _ok(sync(hs_connection))
    fake_hubspot.advance(hours=1)
    fake_hubspot.add_pipeline(
        "2001",
        "Partner deals",
        [
            ("2101", "Registered", False, 0.2),
            ("2102", "Negotiation", False, 0.8),
            ("2103", "Closed won", True, 1.0),
            ("2104", "Lost to competitor", True, 0.0),
        ],
    )
    deal_id = fake_hubspot.ids("deals")[3]
    fake_hubspot.update("deals", deal_id, pipeline="2001", dealstage="2102")
    _ok(sync(hs_connection))
    assert Deal.objects.get(workspace=workspace, external_id=deal_id).stage == Stage.NEGOTIATION
    fake_hubspot.advance(hours=1)
    fake_hubspot.update("deals", deal_id, dealstage="2104")
    _ok(sync(hs_connection))
    assert Deal.objects.get(workspace=workspace, external_id=deal_id).stage == Stage.CLOSED_LOST


def test_a_contacts_buying_role_reaches_its_unlabelled_deals(
    hs_connection, fake_hubspot, workspace
):
    _ok(sync(hs_connection))
    deal_id, contact_id = next(
        (d, c)
        for d, contacts in fake_hubspot.portal.deal_contacts.items()
        for c, labels in contacts.items()
        if not labels
        and fake_hubspot.object("contacts", c).properties.get("hs_buying_role") == "BUDGET_HOLDER"
    )
    fake_hubspot.advance(hours=1)
    fake_hubspot.update("contacts", contact_id, hs_buying_role="BLOCKER;LEGAL_AND_COMPLIANCE")
    run = _ok(sync(hs_connection))
    assert changed(run, "deals") == (0, 0, 0)  # the deal itself did not change
    roles = DealRole.objects.filter(
        workspace=workspace, deal__external_id=deal_id, contact__external_id=contact_id
    )
    assert {r.role for r in roles} == {ROLE.BLOCKER, ROLE.LEGAL_PROCUREMENT}
