"""Assumption pages beside the board: create, edit, and one assumption's page with its evidence
(quotes linked to their conversations). Product managers and admins write; everyone reads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from common.exceptions import ApplicationError
from insights_app.forms import AssumptionForm
from insights_app.selectors.pm import area_list, assumption_get, evidence_list_for
from insights_app.services import assumption_create, assumption_update

from .roles import WRITE_ROLES, _WriterOnlyMixin

EVIDENCE_PER_PAGE = 25


def attach_errors(form, error: ValidationError) -> None:
    """A model's ValidationError onto the form: by field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class _AssumptionFormView(_WriterOnlyMixin, TemplateView):
    template_name = "insights_app/assumption_form.html"
    forbidden_message = "Your role in this workspace cannot change assumptions."
    assumption = None

    def get_initial(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"] = AssumptionForm(initial=self.get_initial())
        return super().get_context_data(
            assumption=self.assumption, areas=area_list(workspace=self.workspace), **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = AssumptionForm(request.POST)
        if form.is_valid():
            try:
                assumption = self.save(form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            except ApplicationError as error:
                form.add_error("statement", str(error))
            else:
                messages.success(request, self.success_message)
                return redirect("assumption-detail", pk=assumption.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AssumptionCreateView(_AssumptionFormView):
    """``/assumptions/new/``: record a roadmap assumption; it starts untested."""

    success_message = "Assumption added. It is untested until a conversation brings evidence."

    def save(self, data):
        return assumption_create(workspace=self.workspace, created_by=self.request.user, **data)


class AssumptionEditView(_AssumptionFormView):
    """``/assumptions/<id>/edit/``: reword an assumption; its evidence stays with it."""

    success_message = "Assumption saved."

    def get_assumption(self):
        if self.assumption is None:
            self.assumption = assumption_get(workspace=self.workspace, pk=self.kwargs["pk"])
        return self.assumption

    def get_initial(self) -> dict:
        assumption = self.get_assumption()
        return {"statement": assumption.statement, "area": assumption.area}

    def get_context_data(self, **kwargs):
        self.get_assumption()
        return super().get_context_data(**kwargs)

    def save(self, data):
        return assumption_update(workspace=self.workspace, assumption=self.get_assumption(), **data)


class AssumptionDetailView(WorkspaceViewMixin, TemplateView):
    """``/assumptions/<id>/``: one assumption, its live status and every piece of evidence."""

    template_name = "insights_app/assumption_detail.html"
    write_roles = WRITE_ROLES

    def get_context_data(self, **kwargs):
        assumption = assumption_get(workspace=self.workspace, pk=kwargs["pk"])
        paginator = Paginator(
            evidence_list_for(workspace=self.workspace, assumption=assumption), EVIDENCE_PER_PAGE
        )
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            assumption=assumption, evidence=page.object_list, page_obj=page, **kwargs
        )
