"""manage.py rotate_encryption_keys

Re-encrypts every stored secret — CRM connections' credentials, and what other apps register
with ``common.encryption.rotator_register`` (webhook secrets, Slack URLs) — with the newest key
of DEALLENS_ENCRYPTION_KEYS (the first); older keys can then be dropped from the setting.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from common.encryption import SecretUnreadable, rotators
from crm_app.services.connections import credentials_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the newest encryption key."

    def handle(self, *args, **options):
        try:
            done = credentials_rotate()
            others = {what: rotate_rows() for what, rotate_rows in rotators().items()}
        except (SecretUnreadable, ImproperlyConfigured) as exc:
            raise CommandError(
                f"Some credentials cannot be decrypted with any configured key: {exc}"
            ) from exc
        self.stdout.write(f"Re-encrypted the credentials of {done} connection(s).")
        for what, count in others.items():
            self.stdout.write(f"Re-encrypted {count} {what}.")
