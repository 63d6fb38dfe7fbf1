"""Signals deals_app sends to higher layers (insights_app listens; deals_app never imports it)."""

from django.dispatch import Signal

# Sent after bulk writes that bypass model signals (imports): kwargs workspace_id.
workspace_data_changed = Signal()
