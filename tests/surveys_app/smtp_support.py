"""The survey tests' view of the shared local SMTP server (tests/alerts_support/smtp.py): the
messages it received, their text, and the token of the survey link in them."""

import re
from contextlib import contextmanager
from email.message import EmailMessage

from tests.alerts_support.smtp import SmtpServer, django_sends_to

LINK_RE = re.compile(r"https?://[^\s]+/s/([A-Za-z0-9_-]+)/")


class Mailbox:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    @property
    def messages(self) -> list[EmailMessage]:
        found = []
        for received in self.server.received:
            if "X-Rcpt-To" not in received.message:  # whom the envelope named, for lookups
                received.message["X-Rcpt-To"] = ", ".join(received.recipients)
            found.append(received.message)
        return found

    def text(self, message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    def token(self, message: EmailMessage) -> str:
        found = LINK_RE.search(self.text(message))
        assert found, self.text(message)
        return found.group(1)


@contextmanager
def smtp_server(settings):
    """Django sends through a real SMTP server listening on 127.0.0.1; yields its mailbox."""
    server = SmtpServer()
    server.start()
    django_sends_to(settings, server, base_url="http://testserver")
    try:
        yield Mailbox(server)
    finally:
        server.stop()
