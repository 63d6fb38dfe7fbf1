"""The ``fake_salesforce`` and ``fake_hubspot`` fixtures; register one from a conftest with
``from tests.crm_support.fixtures import fake_salesforce  # noqa: F401`` (or fake_hubspot).
"""

import os

import pytest

from tests.crm_support.hubspot_server import FakeHubSpot
from tests.crm_support.salesforce_server import FakeSalesforce


def _started(make):
    """A started fake from ``make()``, stopped afterwards. Missing export data skips the test
    locally and fails it in CI (CI=true)."""
    try:
        server = make()
    except FileNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))
    with server:
        yield server


@pytest.fixture
def fake_salesforce():
    """A started FakeSalesforce loaded with the demo export."""
    yield from _started(FakeSalesforce)


@pytest.fixture
def fake_hubspot():
    """A started FakeHubSpot, its portal derived from the demo export."""
    yield from _started(FakeHubSpot)
