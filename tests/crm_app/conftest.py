import pytest

from crm_app.services.connections import connection_create
from tests.crm_support.fixtures import fake_salesforce  # noqa: F401 - the fixture, registered


@pytest.fixture
def sf_connection(workspace, fake_salesforce, settings):  # noqa: F811 - the fixture above
    """A Salesforce connection of ``workspace`` to the fake org, trusting its CA, fast retries."""
    settings.DEALLENS_CRM_CA_BUNDLE = fake_salesforce.ca_path
    settings.CRM_SYNC_BACKOFF_MAX_SECONDS = 0.2
    settings.CRM_SYNC_TIMEOUT_SECONDS = 5.0
    return connection_create(
        workspace=workspace,
        kind="salesforce",
        name="Production org",
        instance_url=fake_salesforce.url,
        credentials={
            "client_id": fake_salesforce.client_id,
            "client_secret": fake_salesforce.client_secret,
        },
    )
