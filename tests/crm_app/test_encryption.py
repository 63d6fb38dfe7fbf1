"""CRM credentials at rest: encrypted with the first key, readable with any, rotatable."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from common import encryption
from crm_app.connectors.base import ConnectorError
from crm_app.models import CrmConnection
from crm_app.services.connections import (
    connection_create,
    connection_credentials,
    credentials_rotate,
)

SECRET = "s3cr3t-client-secret-f3a9"  # noqa: S105 - a test's secret


@pytest.fixture
def connection(workspace):
    return connection_create(
        workspace=workspace,
        kind="salesforce",
        name="Org",
        instance_url="https://example.my.salesforce.com",
        credentials={"client_id": "id-1", "client_secret": SECRET},
    )


def test_credentials_are_stored_encrypted_with_a_hint_only(connection):
    stored = CrmConnection.objects.values().get(pk=connection.pk)
    assert SECRET not in str(stored)
    assert stored["credentials_hint"] == "…f3a9"
    assert connection_credentials(connection) == {"client_id": "id-1", "client_secret": SECRET}


def test_rotating_re_encrypts_with_the_new_key(connection, settings):
    old = settings.DEALLENS_ENCRYPTION_KEYS
    new_key = Fernet.generate_key().decode()
    settings.DEALLENS_ENCRYPTION_KEYS = [new_key, *old]
    assert credentials_rotate() == 1
    assert credentials_rotate() == 0  # already under the newest key
    settings.DEALLENS_ENCRYPTION_KEYS = [new_key]  # the old key retired
    connection.refresh_from_db()
    assert connection_credentials(connection)["client_secret"] == SECRET


def test_a_lost_key_says_what_to_do(connection, settings):
    settings.DEALLENS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    connection.refresh_from_db()
    with pytest.raises(ConnectorError, match="enter them again"):
        connection_credentials(connection)


def test_production_without_keys_refuses_to_store_a_secret(settings):
    settings.DEALLENS_ENCRYPTION_KEYS = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="DEALLENS_ENCRYPTION_KEYS"):
        encryption.encrypt("x")
    settings.DEBUG = True  # make run: a key derived from SECRET_KEY
    assert encryption.decrypt(encryption.encrypt("x")) == "x"
