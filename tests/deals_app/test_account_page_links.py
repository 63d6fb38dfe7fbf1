"""An account page links every record it names: each deal to its deal page, a conversation's
deal too, each person to their place in the org chart; the account list searches by name and
says when nothing matches."""

import pytest

from tests.factories import AccountFactory, ContactFactory, ConversationFactory, DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(client, member):
    client.force_login(member("sales"))
    return client


def test_deal_names_on_the_account_page_open_the_deal(sales, workspace):
    account = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    deal = DealFactory.create(account=account, name="Observability rollout")
    closed = DealFactory.create(account=account, name="Renewal 2025", stage="closed_won")
    ConversationFactory.create(account=account, deal=deal, title="Scoping call")
    page = sales.get(f"/accounts/{account.pk}/").content.decode()
    for d in (deal, closed):
        assert f'href="/deals/{d.pk}/" data-testid="account-deal-link">{d.name}</a>' in page
    assert f'href="/deals/{deal.pk}/" data-testid="timeline-deal-link">' in page


def test_people_on_the_account_page_link_to_their_place(sales, workspace):
    account = AccountFactory.create(workspace=workspace)
    contact = ContactFactory.create(account=account, first_name="Priya", last_name="Raman")
    page = sales.get(f"/accounts/{account.pk}/").content.decode()
    assert f'id="contact-{contact.pk}"' in page
    assert f'href="#contact-{contact.pk}"' in page and "Priya Raman</a>" in page


def test_the_deal_list_links_each_account(sales, workspace):
    account = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    DealFactory.create(account=account)
    page = sales.get("/deals/").content.decode()
    assert f'href="/accounts/{account.pk}/">Charlotte Health</a>' in page


def test_the_account_list_searches_names_and_says_when_nothing_matches(sales, workspace):
    AccountFactory.create(workspace=workspace, name="Charlotte Health")
    AccountFactory.create(workspace=workspace, name="Initech")
    response = sales.get("/accounts/", {"q": "charlotte health"})
    assert [a.name for a in response.context["accounts"]] == ["Charlotte Health"]
    page = sales.get("/accounts/", {"q": "Zebra"}).content.decode()
    assert "No account matches “Zebra”" in page
