"""A real SMTP server on 127.0.0.1 (aiosmtpd) and a closed deal with its buying committee."""

import re
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
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

LINK_RE = re.compile(r"https?://[^\s]+/s/([A-Za-z0-9_-]+)/")


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def text(self, message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    def token(self, message: EmailMessage) -> str:
        found = LINK_RE.search(self.text(message))
        assert found, self.text(message)
        return found.group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Django sends through a real SMTP server listening on 127.0.0.1; yields its mailbox."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEALLENS_BASE_URL = "http://testserver"
    try:
        yield mailbox
    finally:
        controller.stop()


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
