"""The first sync of the fake org (the real CPQ demo export) reads everything, once."""

from accounts_app.models import Account
from crm_app.models import SyncMark, SyncRun
from deals_app.models import Deal, DealRole, Stage
from personas_app.models import Contact
from tests.crm_app.sync_support import first_id, sync

EXPORT = {"Account": 185, "Contact": 701, "Opportunity": 741, "OpportunityContactRole": 42}


def test_first_sync_counts_equal_the_export(sf_connection, workspace):
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, (run.message, run.errors[:3])
    assert {name: c["created"] for name, c in run.counts.items()} == EXPORT
    assert run.error_count == 0
    assert Account.objects.filter(workspace=workspace).count() == 185
    assert Contact.objects.filter(workspace=workspace).count() == 701
    assert Deal.objects.filter(workspace=workspace).count() == 741
    assert DealRole.objects.filter(workspace=workspace).exclude(external_id="").count() == 42
    # one token, one describe per object, ceil(n/2000) pages per object, one deletions query each
    assert run.requests == 1 + 4 + 4 + 4
    marks = SyncMark.objects.filter(connection=sf_connection)
    assert {m.object_type for m in marks if m.modified_at} == set(EXPORT)


def test_records_carry_the_crm_values(sf_connection, workspace, fake_salesforce):
    sync(sf_connection)
    opp_id = first_id(fake_salesforce, "Opportunity", StageName="Closed Won")
    record = fake_salesforce.record("Opportunity", opp_id)
    deal = Deal.objects.get(workspace=workspace, external_id=opp_id)
    assert deal.stage == Stage.CLOSED_WON
    assert deal.name == record["Name"]
    assert deal.account.external_id == record["AccountId"]
    account = Account.objects.get(workspace=workspace, external_id=record["AccountId"])
    stored = fake_salesforce.record("Account", record["AccountId"])
    assert account.name == stored["Name"]
    assert account.industry == (stored["Industry"] or "")
    assert account.country == (stored["BillingCountry"] or "")


def test_the_same_window_twice_changes_nothing(sf_connection, workspace):
    sync(sf_connection)
    again = sync(sf_connection, full=True)
    assert again.state == SyncRun.State.SUCCEEDED
    for name, count in EXPORT.items():
        c = again.counts[name]
        assert (c["created"], c["updated"], c["deleted"]) == (0, 0, 0), name
        assert c["unchanged"] == count
    assert again.changed_data is False
    assert Deal.objects.filter(workspace=workspace).count() == 741
