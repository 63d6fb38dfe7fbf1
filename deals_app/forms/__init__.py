"""The deals app's forms, one module per topic; every name is re-exported here.

- ``filters``: the base of the list pages' GET filter forms
- ``pipeline``: the pipeline's filters (the timeline's are in conversations_app.forms)
- ``persona_map``, ``deal``: the deal page's edit forms
- ``deal_edit``: a new deal, its core fields, a board move, a role's removal undone
"""

from .deal import AUTO, CloseDealForm, ScorecardForm, close_changes
from .deal_edit import (
    CLOSE_OUTCOMES,
    DealCreateForm,
    DealEditForm,
    RestoreRoleForm,
    StageMoveForm,
)
from .filters import _FilterForm as _FilterForm
from .persona_map import (
    AddPersonForm,
    AdvocacyForm,
    HasLeftForm,
    RemoveAdvocacyForm,
    RemoveRoleForm,
    ReportsToForm,
    StanceForm,
)
from .persona_map import _PeopleForm as _PeopleForm
from .pipeline import OWNER_ME, OWNER_NONE, DealFilterForm

__all__ = [
    "AUTO",
    "CLOSE_OUTCOMES",
    "OWNER_ME",
    "OWNER_NONE",
    "AddPersonForm",
    "AdvocacyForm",
    "CloseDealForm",
    "DealCreateForm",
    "DealEditForm",
    "DealFilterForm",
    "HasLeftForm",
    "RemoveAdvocacyForm",
    "RemoveRoleForm",
    "ReportsToForm",
    "RestoreRoleForm",
    "ScorecardForm",
    "StageMoveForm",
    "StanceForm",
    "close_changes",
]
