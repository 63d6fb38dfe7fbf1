"""A workspace that imported the org's CSV export first, then connects the same org: the sync
updates those records (keyed by CRM id) and never duplicates them; what people recorded in
DealLens stays as they left it."""

from accounts_app.models import Account
from crm_app.models import SyncRun
from crm_app.services.import_run import import_run
from deals_app.models import Deal, DealRole
from personas_app.models import Contact
from tests.crm_app.sync_support import sync
from tests.crm_support.salesforce_data import export_dir
from tests.factories import ConversationFactory

FILES = ["Account.csv", "Contact.csv", "Opportunity.csv", "OpportunityContactRole.csv"]


def test_csv_import_then_sync_gives_no_duplicates(sf_connection, workspace):
    result = import_run(workspace=workspace, files=[export_dir() / name for name in FILES])
    assert result.ok, result.report
    role = DealRole.objects.filter(workspace=workspace).first()
    role.stance = DealRole.Stance.OPPONENT  # recorded in DealLens
    role.save()
    conversation = ConversationFactory(workspace=workspace, account=role.deal.account)

    run = sync(sf_connection)

    assert run.state == SyncRun.State.SUCCEEDED, run.message
    assert {name: c["created"] for name, c in run.counts.items()} == dict.fromkeys(
        ["Account", "Contact", "Opportunity", "OpportunityContactRole"], 0
    )
    assert Account.objects.filter(workspace=workspace).count() == 185
    assert Contact.objects.filter(workspace=workspace).count() == 701
    assert Deal.objects.filter(workspace=workspace).count() == 741
    roles = DealRole.objects.filter(workspace=workspace)
    assert roles.count() == 42
    assert roles.filter(external_id="").count() == 0  # each now knows its CRM id
    role.refresh_from_db()
    assert role.stance == DealRole.Stance.OPPONENT
    conversation.refresh_from_db()
    assert conversation.account_id == role.deal.account_id
