import os

import pytest

from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.insights_app.faults_support import require_postgresql, require_redis, running_workers
from tests.world import build_figured_world, build_world

# assert_query_baseline: exact query counts per endpoint, tests/query_counts.json.
pytest_plugins = ["tests.query_counts"]


@pytest.fixture(scope="session", autouse=True)
def _hypothesis_home(tmp_path_factory):
    """Hypothesis (under schemathesis) keeps its caches in a temporary folder, not in
    ``.hypothesis/`` of the working tree."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture
def workspace(db):
    return WorkspaceFactory.create(name="Acme Observability", slug="acme")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory.create(name="Globex", slug="globex")


@pytest.fixture
def member(workspace):
    """A factory: member(role) -> a user with that role in the workspace."""

    def make(role="pm", ws=None, username=None):
        user = UserFactory.create(**({"username": username} if username else {}))
        MembershipFactory.create(user=user, workspace=ws or workspace, role=role)
        return user

    return make


@pytest.fixture
def world(workspace):
    """One row of every API resource in ``workspace`` (tests/world.py ``build_world``)."""
    return build_world(workspace)


@pytest.fixture
def figured_world(workspace):
    """The hand-built workspace whose §4 figures the insights tests work out by hand
    (tests/world.py ``build_figured_world``): {"accounts", "deals", "conversations",
    "segments"} by name."""
    return build_figured_world(workspace)


# Real Celery workers (marker ``redis``): the process plumbing is in faults_support.py.


@pytest.fixture
def redis_url():
    """REDIS_URL, answering; without it the test is skipped (and fails under CI=true)."""
    return require_redis(os.environ.get("REDIS_URL", ""))


@pytest.fixture
def test_database_url(transactional_db):
    """A DATABASE_URL of this test database (this xdist worker's own), which a worker process
    opens by itself: PostgreSQL only (skipped on SQLite, failed under CI=true)."""
    from django.db import connection

    return require_postgresql(connection)


@pytest.fixture
def celery_workers(test_database_url, redis_url, tmp_path):
    """``Workers`` on a queue of this test; this process's Celery app is left as it is."""
    with running_workers(
        database_url=test_database_url, broker_url=redis_url, folder=tmp_path, prefixed=False
    ) as workers:
        yield workers


@pytest.fixture
def shared_workers(test_database_url, redis_url, tmp_path):
    """``Workers`` on the shared Redis under a key prefix and queue of this test; this process
    sends through the same prefix (not eagerly)."""
    with running_workers(
        database_url=test_database_url, broker_url=redis_url, folder=tmp_path, prefixed=True
    ) as workers:
        yield workers


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``--dist loadgroup``), the tests that start real Celery workers run in
    one xdist worker, one after another: the kill-at-a-random-point tests time their kills from
    a warm-up run, which another test's workers running at the same time would throw off."""
    for item in items:
        if item.get_closest_marker("redis"):
            item.add_marker(pytest.mark.xdist_group("celery-workers"))
