"""Pages of crm_app: the CRM import (imports.py), the live CRM integrations
(integrations.py) and the workspace's stage values (stage_values.py)."""

from .imports import (
    ImportDetailView,
    ImportFileRemoveView,
    ImportListView,
    ImportMapView,
    ImportRunView,
    ImportStatusView,
)
from .integrations import (
    IntegrationDeleteView,
    IntegrationDetailView,
    IntegrationListView,
    IntegrationProgressView,
    IntegrationPurgeView,
    IntegrationRunView,
    IntegrationStagesView,
    IntegrationSyncView,
    IntegrationTestView,
)
from .stage_values import StageValuesView

__all__ = [
    "ImportDetailView",
    "ImportFileRemoveView",
    "ImportListView",
    "ImportMapView",
    "ImportRunView",
    "ImportStatusView",
    "IntegrationDeleteView",
    "IntegrationDetailView",
    "IntegrationListView",
    "IntegrationProgressView",
    "IntegrationPurgeView",
    "IntegrationRunView",
    "IntegrationStagesView",
    "IntegrationSyncView",
    "IntegrationTestView",
    "StageValuesView",
]
