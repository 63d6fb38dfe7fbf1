"""Later runs read only what changed since the mark, and what was deleted."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_app.models import Account
from crm_app.models import SyncRun
from deals_app.models import Deal, DealRole, Stage
from personas_app.models import Contact
from tests.crm_app.sync_support import changed, first_id, sync


def test_an_unchanged_run_makes_at_most_two_requests_per_object(sf_connection, fake_salesforce):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    fake_salesforce.reset_log()
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED
    assert run.changed_data is False
    data_requests = fake_salesforce.request_count("/services/data/")
    assert data_requests <= 2 * 4, fake_salesforce.requests
    assert run.requests == data_requests + 1  # + the token
    for name, c in run.counts.items():
        assert (c["created"], c["updated"], c["deleted"]) == (0, 0, 0), name


def test_an_incremental_run_sees_exactly_the_changes(sf_connection, fake_salesforce, workspace):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    opp_id = first_id(fake_salesforce, "Opportunity", StageName="Perception Analysis")
    fake_salesforce.update("Opportunity", opp_id, StageName="Closed Won")
    account_id = first_id(fake_salesforce, "Account")
    fake_salesforce.update("Account", account_id, Industry="Aerospace")
    new_contact = fake_salesforce.add(
        "Contact", AccountId=account_id, LastName="Okafor", FirstName="Ngozi", Title="CFO"
    )
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert changed(run, "Opportunity") == (0, 1, 0)
    assert changed(run, "Account") == (0, 1, 0)
    assert changed(run, "Contact") == (1, 0, 0)
    assert changed(run, "OpportunityContactRole") == (0, 0, 0)
    assert Deal.objects.get(workspace=workspace, external_id=opp_id).stage == Stage.CLOSED_WON
    assert Account.objects.get(workspace=workspace, external_id=account_id).industry == "Aerospace"
    assert Contact.objects.get(workspace=workspace, external_id=new_contact).title == "CFO"
    assert run.changed_data is True


def test_changes_inside_the_overlap_are_not_missed(sf_connection, fake_salesforce, workspace):
    """A change stamped a little before the mark (clock skew) is still read."""
    sync(sf_connection)
    fake_salesforce.now = fake_salesforce.now - timedelta(days=400)  # before every stamp
    late = first_id(fake_salesforce, "Account")
    stored = fake_salesforce.record("Account", late)
    mark = sf_connection.marks.get(object_type="Account").modified_at
    fake_salesforce.now = mark - timedelta(minutes=2)
    fake_salesforce.update("Account", late, Name=stored["Name"] + " (renamed)")
    run = sync(sf_connection)
    assert changed(run, "Account") == (0, 1, 0)
    assert Account.objects.get(workspace=workspace, external_id=late).name.endswith("(renamed)")


def test_deletions_mark_records_deleted_and_keep_what_hangs_on_them(
    sf_connection, fake_salesforce, workspace
):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    role_id = first_id(fake_salesforce, "OpportunityContactRole")
    role = fake_salesforce.record("OpportunityContactRole", role_id)
    deal_id = role["OpportunityId"]
    contact_id = first_id(fake_salesforce, "Contact")
    fake_salesforce.delete("OpportunityContactRole", role_id)
    fake_salesforce.delete("Opportunity", deal_id)
    fake_salesforce.delete("Contact", contact_id)
    deal = Deal.objects.get(workspace=workspace, external_id=deal_id)
    run = sync(sf_connection)
    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert changed(run, "Opportunity") == (0, 0, 1)
    assert changed(run, "Contact") == (0, 0, 1)
    assert changed(run, "OpportunityContactRole") == (0, 0, 1)
    assert not Deal.objects.filter(pk=deal.pk).exists()  # out of every list and insight
    kept = Deal.all_objects.get(pk=deal.pk)
    assert kept.crm_deleted_at is not None
    assert not DealRole.objects.filter(workspace=workspace, external_id=role_id).exists()
    assert Contact.all_objects.get(workspace=workspace, external_id=contact_id).crm_deleted_at
    # The next run does not count them again.
    fake_salesforce.advance(hours=1)
    again = sync(sf_connection)
    assert all(c["deleted"] == 0 for c in again.counts.values())


def test_a_record_restored_in_the_crm_comes_back(sf_connection, fake_salesforce, workspace):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    account_id = first_id(fake_salesforce, "Account")
    fake_salesforce.delete("Account", account_id)
    sync(sf_connection)
    assert not Account.objects.filter(workspace=workspace, external_id=account_id).exists()
    fake_salesforce.advance(hours=1)
    fake_salesforce.update("Account", account_id, IsDeleted=False)
    run = sync(sf_connection)
    assert changed(run, "Account")[1] == 1
    assert Account.objects.filter(workspace=workspace, external_id=account_id).exists()


def test_a_changed_contact_role_moves_with_its_crm_record(
    sf_connection, fake_salesforce, workspace
):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    role_id = first_id(fake_salesforce, "OpportunityContactRole")
    fake_salesforce.update("OpportunityContactRole", role_id, Role="Economic Buyer")
    run = sync(sf_connection)
    assert changed(run, "OpportunityContactRole") == (0, 1, 0)
    roles = DealRole.objects.filter(workspace=workspace, external_id=role_id)
    assert [r.role for r in roles] == [DealRole.Role.ECONOMIC_BUYER]


def _queries_of_a_run_changing(n, sf_connection, fake_salesforce):
    fake_salesforce.advance(hours=1)
    opps = [r for r, rec in fake_salesforce.store.records["Opportunity"].items()][:n]
    for opp in opps:
        record = fake_salesforce.record("Opportunity", opp)
        fake_salesforce.update("Opportunity", opp, Name=record["Name"] + " +")
    roles = list(fake_salesforce.store.records["OpportunityContactRole"])[: min(n, 40)]
    for role in roles:
        fake_salesforce.update("OpportunityContactRole", role, IsPrimary=False)
    with CaptureQueriesContext(connection) as queries:
        run = sync(sf_connection)
    assert changed(run, "Opportunity") == (0, n, 0)
    return len(queries)


def test_queries_do_not_grow_with_the_changed_records(sf_connection, fake_salesforce):
    sync(sf_connection)
    few = _queries_of_a_run_changing(5, sf_connection, fake_salesforce)
    many = _queries_of_a_run_changing(300, sf_connection, fake_salesforce)
    # Batches only (SQLite splits a bulk UPDATE by its variable limit), never a query per record.
    assert many <= few + 20, (few, many)
