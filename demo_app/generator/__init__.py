"""The demo data generator behind ``manage.py seed_demo``: realistic, deterministic, fast at scale.

``accounts`` drives it (accounts and people), with ``deals`` and ``conversations`` mixed in;
they build the rows as plain tuples with one ``random.Random``, ``people`` holds the building
blocks (name pools, weighted draws), ``tables`` the target tables and their columns, and
``writers`` inserts the rows (COPY on PostgreSQL, bulk_create elsewhere). The reference data
they draw from (``catalog``, ``vocabulary``) is read from demo_app/data/ by
``demo_app.reference``. The service that uses it is ``demo_app.services``.
"""

from .accounts import ACCOUNTS_PER_UNIT, SEED, DemoGenerator

__all__ = ["ACCOUNTS_PER_UNIT", "SEED", "DemoGenerator"]
