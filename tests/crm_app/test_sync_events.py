"""What an incremental CRM sync tells people (PRODUCT.md §12): a deal the CRM closes is won or
lost in DealLens too, and a champion added or removed in the CRM clears or raises the risk.
A first sync reports nothing (every deal would "change")."""

from deals_app.models import Deal
from events_app.models import Event
from tests.crm_app.sync_support import first_id, sync


def test_a_first_sync_writes_no_deal_events(sf_connection):
    run = sync(sf_connection)
    assert run.state == "succeeded", run.message
    assert not Event.objects.filter(type__startswith="deal.").exists()


def test_a_deal_the_crm_closes_is_won_here_with_its_events(sf_connection, fake_salesforce):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    opp_id = first_id(fake_salesforce, "Opportunity", StageName="Perception Analysis")
    fake_salesforce.update("Opportunity", opp_id, StageName="Closed Won")
    sync(sf_connection)
    deal = Deal.objects.get(external_id=opp_id)
    kinds = list(
        Event.objects.filter(object_id=str(deal.pk)).order_by("id").values_list("type", flat=True)
    )
    assert kinds == ["deal.stage_changed", "deal.won"]


def test_a_champion_added_then_removed_in_the_crm_clears_then_raises_the_risk(
    sf_connection, fake_salesforce
):
    sync(sf_connection)
    fake_salesforce.advance(hours=1)
    opp_id = first_id(fake_salesforce, "Opportunity", StageName="Perception Analysis")
    account_id = fake_salesforce.record("Opportunity", opp_id)["AccountId"]
    contact_id = fake_salesforce.add(
        "Contact", AccountId=account_id, FirstName="Ngozi", LastName="Okafor", Title="VP IT"
    )
    role_id = fake_salesforce.add(
        "OpportunityContactRole",
        OpportunityId=opp_id,
        ContactId=contact_id,
        Role="Champion",
        IsPrimary=False,
    )
    sync(sf_connection)
    deal = Deal.objects.get(external_id=opp_id)

    def risk(kind):
        return set(
            Event.objects.filter(type=kind, object_id=str(deal.pk)).values_list(
                "data__code", flat=True
            )
        )

    assert "no_champion" in risk("deal.risk_cleared")
    assert "no_champion" not in risk("deal.risk_raised")

    fake_salesforce.advance(hours=1)
    fake_salesforce.delete("OpportunityContactRole", role_id)
    sync(sf_connection)
    assert "no_champion" in risk("deal.risk_raised")
    raised = Event.objects.get(type="deal.risk_raised", data__code="no_champion")
    assert raised.data["deal"] == deal.name
