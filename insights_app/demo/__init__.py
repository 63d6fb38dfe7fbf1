"""The demo data set behind ``manage.py seed_demo``: realistic, deterministic, fast at scale.

``seeding`` is the service (workspace, logins, batches) and ``reset`` empties a workspace;
``generator``, ``deals`` and ``conversations`` build the rows as plain tuples, ``writers``
inserts them (COPY on PostgreSQL, bulk_create elsewhere); ``catalog`` and ``vocabulary``
hold the reference data.
"""

from .reset import workspace_data_delete
from .seeding import SeedResult, seed_demo

__all__ = ["SeedResult", "seed_demo", "workspace_data_delete"]
