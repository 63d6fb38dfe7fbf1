"""Pages that create a deal and move it between stages (PRODUCT.md §2: sales maintains deals).

- ``DealCreateView``: the "New deal" form (``?account=<id>`` preselects an account of this
  workspace); ``deal_create`` fires the deal's events.
- ``DealStageView``: a move on the pipeline board, by drag or by the card's "Move to" menu;
  a form POST without JavaScript, a fetch with it (answered in JSON). A move to Closed won or
  Closed lost opens the deal's close form instead: closing needs an outcome and, when lost, a
  loss reason (deals_app.forms.CloseDealForm).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from accounts_app.scoping import WorkspaceViewMixin
from common.exceptions import ApplicationError
from deals_app.forms import CLOSE_OUTCOMES, DealCreateForm, StageMoveForm
from deals_app.models import Deal
from deals_app.selectors import deal_get
from deals_app.selectors.deal_forms import deal_account_choices, deal_owner_choices
from deals_app.services import deal_create, deal_update


def _error_text(error: ValidationError | ApplicationError) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class DealCreateView(WorkspaceViewMixin, TemplateView):
    """The "New deal" page: sales and admins only (others get 403, and see no button)."""

    template_name = "deals_app/deal/create.html"
    write_roles = ("sales",)

    def get(self, request, *args, **kwargs):
        self._check_role()
        initial = {"owner": request.user.pk}
        account = request.GET.get("account", "")
        if account.isdigit():
            initial["account"] = int(account)  # only this workspace's accounts are choices
        return self.render_to_response(self.get_context_data(form=self._form(initial=initial)))

    def post(self, request, *args, **kwargs):
        self._check_role()
        form = self._form(data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                deal = deal_create(
                    workspace=self.workspace,
                    account=data["account"],
                    name=data["name"].strip(),
                    stage=data["stage"],
                    amount=data["amount"],
                    created_on=data["created_on"],
                    close_date=data["close_date"],
                    owner=data["owner"],
                    competitor=data["competitor"].strip(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except ApplicationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Deal created.")
                return redirect("deal-detail", deal.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _check_role(self) -> None:
        if not self.can_write():
            raise PermissionDenied("Only sales and admins create deals.")

    def _form(self, **kwargs) -> DealCreateForm:
        return DealCreateForm(
            accounts=deal_account_choices(workspace=self.workspace),
            members=deal_owner_choices(workspace=self.workspace),
            **kwargs,
        )


def _add_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class DealStageView(WorkspaceViewMixin, View):
    """POST a deal's new stage from the board; sales and admins only."""

    http_method_names = ["post"]
    write_roles = ("sales",)

    def post(self, request, *args, **kwargs):
        try:
            deal = deal_get(workspace=self.workspace, pk=self.kwargs["pk"])
        except Deal.DoesNotExist:
            raise Http404("No Deal matches the given query.") from None
        wants_json = "application/json" in request.headers.get("Accept", "")
        form = StageMoveForm(request.POST)
        back = self._back(form.data.get("next", ""))
        if not form.is_valid():
            return self._answer(request, wants_json, back, error="Choose a stage.", status=400)
        stage = form.cleaned_data["stage"]
        if stage == deal.stage:
            return self._answer(request, wants_json, back, message="")
        if stage in CLOSE_OUTCOMES:
            # Closing needs its outcome confirmed and, when lost, a reason: the close form.
            query = urlencode({"outcome": CLOSE_OUTCOMES[stage]})
            url = f"{reverse('deal-detail', args=[deal.pk])}?{query}#close"
            if wants_json:
                return JsonResponse({"redirect": url})
            return redirect(url)
        changes: dict = {"stage": stage}
        if deal.stage == Deal.Stage.CLOSED_LOST:  # reopened: the loss reason no longer holds
            changes.update(loss_reason="", loss_notes="")
        try:
            deal_update(workspace=self.workspace, deal=deal, **changes)
        except (ValidationError, ApplicationError) as error:
            return self._answer(request, wants_json, back, error=_error_text(error), status=400)
        label = Deal.Stage(stage).label
        return self._answer(request, wants_json, back, message=f"{deal.name} moved to {label}.")

    def _back(self, url: str) -> str:
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return reverse("deal-list") + "?view=board"

    @staticmethod
    def _answer(request, wants_json: bool, back: str, *, message="", error="", status=200):
        if wants_json:
            return JsonResponse({"message": message, "error": error}, status=status)
        if error:
            messages.error(request, f"The deal was not moved: {error}")
        elif message:
            messages.success(request, message)
        return redirect(back)
