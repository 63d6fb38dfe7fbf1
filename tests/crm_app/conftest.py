import pytest

from crm_app.services.connections import connection_create
from tests.crm_support.fixtures import (  # noqa: F401 - the fixtures, registered
    fake_hubspot,
    fake_salesforce,
)


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


@pytest.fixture
def hs_connection(workspace, fake_hubspot, settings):  # noqa: F811 - the fixture above
    """A HubSpot connection of ``workspace`` to the fake portal, trusting its CA, fast retries."""
    settings.DEALLENS_CRM_CA_BUNDLE = fake_hubspot.ca_path
    settings.CRM_SYNC_BACKOFF_MAX_SECONDS = 0.2
    # Pacing has tests of its own; elsewhere it would only make the suite wait.
    settings.CRM_HUBSPOT_REQUESTS_PER_10S = 0  # 0: unpaced
    settings.CRM_HUBSPOT_SEARCHES_PER_SECOND = 0
    settings.CRM_SYNC_TIMEOUT_SECONDS = 5.0
    return connection_create(
        workspace=workspace,
        kind="hubspot",
        name="Main portal",
        instance_url=fake_hubspot.url,
        credentials={"access_token": fake_hubspot.access_token},
    )
