"""Reads of the account pages (``deals_app.views.accounts``): the filtered list, and one
account with its contacts, deals and latest conversations."""

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts_app.models import Account, Workspace
from common.search import search_terms, terms_q
from deals_app.models import Conversation, Deal
from personas_app.models import Contact

from .lists import ACCOUNT_LIST_DIMENSIONS, account_dimension_q

ACCOUNT_TIMELINE_SIZE = 25


def account_list_filtered(*, workspace: Workspace, filters: dict) -> QuerySet[Account]:
    """Accounts by name, narrowed by a search (``q``: each word in the name or the domain) and
    the list dimensions (``filters[dimension]``, empty for any)."""
    accounts = Account.objects.for_workspace(workspace).order_by("name", "id")
    terms = search_terms(filters["q"])
    if terms:
        accounts = accounts.filter(terms_q(terms, ("name", "domain")))
    for dimension in ACCOUNT_LIST_DIMENSIONS:
        if filters[dimension]:
            accounts = accounts.filter(
                account_dimension_q(dimension, filters[dimension], prefix="")
            )
    return accounts


@dataclass
class AccountPage:
    """One account's page. ``deals`` and ``conversations`` are read when the page shows them."""

    account: Account
    contacts: list[Contact]
    deals: QuerySet[Deal]
    conversations: QuerySet[Conversation]


def account_page(*, workspace: Workspace, pk: int) -> AccountPage:
    """The account (``Account.DoesNotExist`` when not in this workspace), its contacts with
    their persona, its deals with their owner and its latest conversations."""
    account = Account.objects.for_workspace(workspace).get(pk=pk)
    contacts = list(
        Contact.objects.for_workspace(workspace)
        .filter(account=account)
        .select_related("persona")
        .order_by("last_name", "first_name")
    )
    deals = (
        Deal.objects.for_workspace(workspace)
        .filter(account=account)
        .select_related("owner")
        .order_by("-created_on", "-id")
    )
    conversations = (
        Conversation.objects.for_workspace(workspace)
        .filter(account=account)
        .select_related("deal", "logged_by")
        .prefetch_related("tags")
        .order_by("-occurred_on", "-id")[:ACCOUNT_TIMELINE_SIZE]
    )
    return AccountPage(account=account, contacts=contacts, deals=deals, conversations=conversations)
