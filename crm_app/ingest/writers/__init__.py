"""Batch upserts of one kind of record, keyed by external id within the workspace.

Each writer takes a batch of parsed rows, looks up the records that exist already (one query per
batch), creates the new ones with ``bulk_create`` and updates the changed ones with
``bulk_update``. A row whose reference cannot be resolved becomes a row error and is not written.
The CSV import and the live CRM sync write through the same writers.
"""

from crm_app.ingest.writers.accounts import AccountWriter
from crm_app.ingest.writers.base import Ledger, Tally, Writer
from crm_app.ingest.writers.contacts import ContactWriter
from crm_app.ingest.writers.deals import DealWriter
from crm_app.ingest.writers.roles import RoleLink, RoleWriter

__all__ = [
    "AccountWriter",
    "ContactWriter",
    "DealWriter",
    "Ledger",
    "RoleLink",
    "RoleWriter",
    "Tally",
    "Writer",
]
