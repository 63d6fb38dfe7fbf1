from tests.crm_support.fixtures import fake_salesforce  # noqa: F401 - the fixture, registered
