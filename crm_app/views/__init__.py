"""Pages of crm_app: the CRM import (imports.py) and the live CRM integrations
(integrations.py)."""

from .imports import (
    ImportDetailView,
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

__all__ = [
    "ImportDetailView",
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
]
