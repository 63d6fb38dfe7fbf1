"""Data that comes from a CRM: the CSV import (its jobs, pages, API and command) and the
record mapping (``crm_app.ingest``) that imports share. Sits between deals_app and insights_app."""
