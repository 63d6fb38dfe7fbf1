"""Reads of alerts_app, one module per topic (webhooks, …)."""
