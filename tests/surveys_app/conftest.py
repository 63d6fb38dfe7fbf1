"""A real SMTP server on 127.0.0.1 (aiosmtpd) and a closed deal with its buying committee."""

from dataclasses import dataclass

import pytest
from django.core.cache import caches

from accounts_app.models import Membership
from deals_app.models import Deal, DealRole
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    DealRoleFactory,
    MembershipFactory,
    UserFactory,
)
from tests.surveys_app.smtp_support import smtp_server


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 that Django sends through; its mailbox."""
    with smtp_server(settings) as mailbox:
        yield mailbox


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@dataclass
class Closed:
    workspace: object
    pm: object
    owner: object
    deal: Deal
    buyer: object
    champion: object
    no_email: object


@pytest.fixture
def closed(workspace):
    """A lost deal (the rep said: price) with an economic buyer, a champion and a contact
    without an e-mail address; a PM and the deal's owner (sales) in the workspace."""
    pm = UserFactory.create(username="pia")
    MembershipFactory.create(user=pm, workspace=workspace, role=Membership.Role.PM)
    owner = UserFactory.create(username="otto")
    MembershipFactory.create(user=owner, workspace=workspace, role=Membership.Role.SALES)
    account = AccountFactory.create(workspace=workspace, name="Initech")
    deal = DealFactory.create(
        account=account,
        owner=owner,
        name="Initech observability",
        stage=Deal.Stage.CLOSED_LOST,
        loss_reason="price",
    )
    buyer = ContactFactory.create(
        account=account, first_name="Bea", last_name="Buyer", email="bea@initech.example"
    )
    champion = ContactFactory.create(
        account=account, first_name="Chad", last_name="Champion", email="chad@initech.example"
    )
    no_email = ContactFactory.create(
        account=account, first_name="Nora", last_name="Nomail", email=""
    )
    DealRoleFactory.create(deal=deal, contact=buyer, role=DealRole.Role.ECONOMIC_BUYER)
    DealRoleFactory.create(deal=deal, contact=champion, role=DealRole.Role.CHAMPION)
    return Closed(workspace, pm, owner, deal, buyer, champion, no_email)
