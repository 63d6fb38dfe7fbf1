"""`manage.py rotate_encryption_keys` re-encrypts every stored secret: CRM credentials, webhook
signing secrets and Slack URLs, so an old key can be retired without losing any of them."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from alerts_app.models import WebhookEndpoint, WorkspaceAlertSettings
from alerts_app.services.subscriptions import workspace_slack_url_set
from alerts_app.services.webhooks import webhook_endpoint_create
from common import encryption

pytestmark = pytest.mark.django_db
SLACK = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX"


def test_rotation_covers_webhook_secrets_and_slack_urls(workspace, settings):
    settings.DEALLENS_WEBHOOKS_ALLOW_PRIVATE = True
    endpoint, secret = webhook_endpoint_create(
        workspace=workspace, url="http://127.0.0.1:9/hooks", event_types=["deal.won"]
    )
    workspace_slack_url_set(workspace=workspace, url=SLACK)
    new_key = Fernet.generate_key().decode()
    settings.DEALLENS_ENCRYPTION_KEYS = [new_key, *settings.DEALLENS_ENCRYPTION_KEYS]

    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Re-encrypted 1 webhook secret(s)." in out.getvalue()
    assert "Re-encrypted 1 Slack URL(s)." in out.getvalue()

    settings.DEALLENS_ENCRYPTION_KEYS = [new_key]  # the old key retired
    endpoint = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert encryption.decrypt(endpoint.secret_encrypted) == secret
    stored = WorkspaceAlertSettings.objects.get(workspace=workspace).slack_url_encrypted
    assert encryption.decrypt(stored) == SLACK
