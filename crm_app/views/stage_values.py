"""/settings/stage-values/: the stage labels imports and Salesforce syncs met that the
vocabulary does not know, each with the DealLens stage an admin maps it to. Admins only."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from accounts_app.views import RoleRequiredMixin
from common.exceptions import ApplicationError
from crm_app.selectors import stage_alias_list
from crm_app.services.stage_values import stage_aliases_update
from deals_app.models import Stage

FIELD_PREFIX = "stage-"


class StageValuesView(WorkspaceViewMixin, RoleRequiredMixin, TemplateView):
    """The list, and the admin's choices posted as ``stage-<id>`` = stage ("" unmaps)."""

    template_name = "crm_app/integrations/stage_values.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            aliases=stage_alias_list(workspace=self.workspace),
            stage_choices=Stage.choices,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        choices: dict[int, str] = {}
        for key, value in request.POST.items():
            name = key.removeprefix(FIELD_PREFIX)
            if key.startswith(FIELD_PREFIX) and name.isdigit():
                choices[int(name)] = value
        try:
            changed = stage_aliases_update(workspace=self.workspace, choices=choices)
        except ApplicationError as exc:
            problems = " ".join(exc.extra.get("stages", []))
            messages.error(request, f"{exc.message} {problems}"[:500])
        else:
            messages.success(
                request,
                f"{changed} stage value(s) mapped. The next import or Salesforce sync reads "
                "them so; deals already imported move when they are imported or synced again.",
            )
        return redirect("stage-values")
