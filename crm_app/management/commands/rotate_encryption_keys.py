"""manage.py rotate_encryption_keys

Re-encrypts every CRM connection's stored credentials with the newest key of
DEALLENS_ENCRYPTION_KEYS (the first); older keys can then be dropped from the setting.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from common.encryption import SecretUnreadable
from crm_app.services.connections import credentials_rotate


class Command(BaseCommand):
    help = "Re-encrypt the stored CRM credentials with the newest encryption key."

    def handle(self, *args, **options):
        try:
            done = credentials_rotate()
        except (SecretUnreadable, ImproperlyConfigured) as exc:
            raise CommandError(
                f"Some credentials cannot be decrypted with any configured key: {exc}"
            ) from exc
        self.stdout.write(f"Re-encrypted the credentials of {done} connection(s).")
