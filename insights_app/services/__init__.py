"""Writes of insights_app, split by topic; import from here.

- state: the per-workspace data version and dirty flag
- (snapshots: the recompute that writes and publishes snapshot versions)
- (catalog: assumptions, evidence, feature requests and mentions)
"""

from .state import workspace_mark_dirty

__all__ = ["workspace_mark_dirty"]
