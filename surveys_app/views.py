"""Pages of surveys_app: the buyer's public answer page (no login) and a closed deal's survey
page, where PMs, admins and the deal's owner pick contacts, preview the e-mail and send."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from accounts_app.scoping import WorkspaceViewMixin
from common.throttling import AddressRateThrottle
from deals_app.models import Deal
from deals_app.selectors.deal_page import deal_get

from .forms import SurveyAnswerForm, SurveySendForm
from .selectors import survey_candidates, survey_list_for_deal
from .services import (
    SurveyLinkError,
    survey_answer,
    survey_for_token,
    survey_may_send,
    survey_open,
    survey_preview,
    survey_send,
)

logger = logging.getLogger(__name__)

# Requests (GET and POST together) one client address may make to survey links.
PUBLIC_RATE_LIMIT = 30
PUBLIC_RATE_WINDOW = 600  # seconds


_THROTTLE_SCOPE = "survey-public"


def _over_limit(request) -> bool:
    """Count this request in the shared ``throttle`` cache (the API's counting and address
    rule); True when over the limit. With the cache unreachable the page keeps working."""
    throttle = AddressRateThrottle(_THROTTLE_SCOPE, PUBLIC_RATE_LIMIT, PUBLIC_RATE_WINDOW)
    return not throttle.allow_request(request, None)


def _closed_page(request, reason: str) -> HttpResponse:
    return render(request, "surveys_app/public_closed.html", {"reason": reason}, status=404)


@method_decorator(never_cache, name="dispatch")
class SurveyPublicView(View):
    """``/s/<token>/``: the buyer's survey. No login, no DealLens navigation; shows the vendor
    workspace's name and the deal's name, nothing else. A used, expired or made-up token is
    a friendly 404 page."""

    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if _over_limit(request):
            response = render(request, "surveys_app/public_limited.html", status=429)
            response["Retry-After"] = str(PUBLIC_RATE_WINDOW)
            return response
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, survey, form):
        return render(
            request,
            "surveys_app/public.html",
            {
                "workspace_name": survey.deal.workspace.name,
                "deal_name": survey.deal.name,
                "won": survey.deal.stage == Deal.Stage.CLOSED_WON,
                "form": form,
            },
        )

    def get(self, request, token: str):
        try:
            survey = survey_open(token=token)
        except SurveyLinkError as exc:
            return _closed_page(request, exc.reason)
        return self._render(request, survey, SurveyAnswerForm(deal=survey.deal))

    def post(self, request, token: str):
        try:
            survey = survey_for_token(token=token)
        except SurveyLinkError as exc:
            return _closed_page(request, exc.reason)
        form = SurveyAnswerForm(request.POST, deal=survey.deal)
        if form.is_valid():
            try:
                survey = survey_answer(token=token, **form.cleaned_data)
            except SurveyLinkError as exc:
                return _closed_page(request, exc.reason)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return render(
                    request,
                    "surveys_app/public_thanks.html",
                    {"workspace_name": survey.deal.workspace.name},
                )
        return self._render(request, survey, form)


class DealSurveyView(WorkspaceViewMixin, View):
    """``/deals/<id>/survey/``: a closed deal's surveys and the form that sends them."""

    write_roles = ("pm", "sales")  # a sales rep only for their own deals (checked below)
    http_method_names = ["get", "post"]

    def _deal(self, pk: int) -> Deal:
        try:
            return deal_get(workspace=self.workspace, pk=pk)
        except Deal.DoesNotExist:
            raise Http404("No Deal matches the given query.") from None

    def _render(self, request, deal, form=None, preview=None, status=200):
        candidates = list(survey_candidates(workspace=self.workspace, deal=deal))
        can_send = deal.is_closed and survey_may_send(
            workspace=self.workspace, user=request.user, deal=deal
        )
        if form is None:
            form = SurveySendForm(
                choices=_choices(candidates),
                initial={"contacts": [c.pk for c in candidates if c.is_buyer and c.email]},
            )
        surveys = list(survey_list_for_deal(workspace=self.workspace, deal=deal))
        asked = {s.contact_id: s for s in surveys}
        rows = [
            {
                "contact": c,
                "checked": str(c.pk) in [str(v) for v in (form["contacts"].value() or [])],
                "survey": asked.get(c.pk),
            }
            for c in candidates
        ]
        return render(
            request,
            "surveys_app/deal_survey.html",
            {
                "deal": deal,
                "rows": rows,
                "form": form,
                "preview": preview,
                "surveys": surveys,
                "can_send": can_send,
            },
            status=status,
        )

    def get(self, request, pk: int):
        return self._render(request, self._deal(pk))

    def post(self, request, pk: int):
        deal = self._deal(pk)
        if not survey_may_send(workspace=self.workspace, user=request.user, deal=deal):
            raise PermissionDenied("Only PMs, admins and the deal's owner send surveys.")
        candidates = list(survey_candidates(workspace=self.workspace, deal=deal))
        form = SurveySendForm(request.POST, choices=_choices(candidates))
        if not form.is_valid():
            return self._render(request, deal, form, status=400)
        by_id = {c.pk: c for c in candidates}
        contacts = [by_id[pk] for pk in form.cleaned_data["contacts"]]
        try:
            if request.POST.get("action") == "send":
                surveys = survey_send(
                    workspace=self.workspace, deal=deal, contacts=contacts, sent_by=request.user
                )
            else:
                preview = survey_preview(workspace=self.workspace, deal=deal, contact=contacts[0])
                return self._render(request, deal, form, preview=preview)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                form.add_error("contacts", errors)
            return self._render(request, deal, form, status=400)
        reminders = sum(1 for s in surveys if getattr(s, "reminded", False))
        sent = len(surveys) - reminders
        parts = [f"{sent} survey{'s' if sent != 1 else ''} sent"] if sent else []
        if reminders:
            parts.append(f"{reminders} reminder{'s' if reminders != 1 else ''} sent")
        messages.success(request, " and ".join(parts) + ".")
        return redirect("deal-survey", pk=deal.pk)


def _choices(candidates) -> list[tuple[int, str]]:
    """Only contacts with an e-mail address can be chosen; the others are shown disabled."""
    return [(c.pk, c.full_name) for c in candidates if c.email]
