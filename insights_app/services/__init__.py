"""Writes of insights_app, split by topic; import from here.

- state: the per-workspace data version and dirty flag
- payloads: the per-account facts rolled up into the snapshot parts of every dimension
- recompute: claim a version, compute its payloads, publish them in one transaction
- triggers: what starts a recompute (changed data, the scheduled debounce, the nightly run)
- recompute_requests: a requested recompute queued as a task, its state and progress
- inprocess: the embedded mode's debounced recompute on a timer thread (no broker, no beat)
- (catalog: assumptions, evidence, feature requests and mentions)
"""

from .catalog import (
    assumption_create,
    assumption_delete,
    assumption_update,
    evidence_create,
    evidence_delete,
    evidence_update,
    feature_mention_create,
    feature_mention_delete,
    feature_mention_update,
    feature_request_create,
    feature_request_delete,
    feature_request_update,
)
from .inprocess import inprocess_recompute_soon, inprocess_recompute_wait
from .payloads import insights_compute
from .recompute import RecomputeResult, insights_recompute
from .recompute_requests import (
    TaskQueueUnavailable,
    insight_task_create,
    insight_task_fail,
    insight_task_run,
    insights_recompute_request,
)
from .state import workspace_mark_dirty
from .triggers import insights_mark_changed, insights_recompute_all, insights_recompute_dirty

__all__ = [
    "RecomputeResult",
    "TaskQueueUnavailable",
    "insight_task_create",
    "insight_task_fail",
    "insight_task_run",
    "inprocess_recompute_soon",
    "inprocess_recompute_wait",
    "insights_compute",
    "insights_mark_changed",
    "insights_recompute",
    "insights_recompute_all",
    "insights_recompute_dirty",
    "insights_recompute_request",
    "workspace_mark_dirty",
]
__all__ += [  # catalog
    "assumption_create",
    "assumption_delete",
    "assumption_update",
    "evidence_create",
    "evidence_delete",
    "evidence_update",
    "feature_mention_create",
    "feature_mention_delete",
    "feature_mention_update",
    "feature_request_create",
    "feature_request_delete",
    "feature_request_update",
]
