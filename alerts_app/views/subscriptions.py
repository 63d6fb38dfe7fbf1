"""/settings/alerts/: a member's own alert settings (PRODUCT.md §12): their subscriptions
(add, edit, delete, reset to their role's defaults), their digest time, and for admins the
workspace's Slack incoming-webhook URL. Every member, their own rows only; write-only Slack
URLs are never rendered back, only a hint."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts_app.models import Membership
from accounts_app.scoping import WorkspaceViewMixin
from common.encryption import SecretUnreadable, decrypt
from events_app.models import EventType

from ..forms import PreferenceForm, SubscriptionForm, WorkspaceSlackForm
from ..models import Channel, Subscription
from ..selectors.notifications import (
    alert_preference_get,
    subscription_list,
    workspace_alert_settings_get,
)
from ..services.subscriptions import (
    alert_preference_update,
    slack_url_hint,
    subscription_create,
    subscription_defaults_ensure,
    subscription_delete,
    subscription_update,
    subscriptions_reset_to_defaults,
    workspace_slack_url_set,
)
from .notifications import EVERY_ROLE

EVENT_LABELS = dict(EventType.choices)


def subscription_hint(subscription: Subscription) -> str:
    if not subscription.slack_url_encrypted:
        return ""
    try:
        return slack_url_hint(decrypt(subscription.slack_url_encrypted))
    except SecretUnreadable:
        return "unreadable: paste it again"


def subscription_rows(subscriptions) -> list[dict]:
    """What a line of the settings table says, in words."""
    rows = []
    for s in subscriptions:
        deals = [s.get_scope_display()]
        if s.min_amount is not None:
            deals.append(f"from {s.min_amount:,.0f}")
        if s.segment is not None:
            deals.append(f"in “{s.segment.name}”")
        channel = s.get_channel_display()
        if s.channel == Channel.DIGEST:
            channel = f"{s.get_digest_frequency_display()} e-mail digest"
        elif s.channel == Channel.SLACK:
            hint = subscription_hint(s)
            channel = f"Slack ({hint})" if hint else "Slack (the workspace's channel)"
        rows.append(
            {
                "subscription": s,
                "events": [EVENT_LABELS.get(t, t) for t in s.event_types],
                "deals": ", ".join(deals),
                "channel": channel,
            }
        )
    return rows


class AlertSettingsMixin(WorkspaceViewMixin, TemplateView):
    """The settings page's shared parts; ``render_settings`` draws the whole page."""

    template_name = "alerts_app/settings.html"
    write_roles = EVERY_ROLE  # a member's own settings, like a saved view

    @property
    def is_admin(self) -> bool:
        return self.membership.role == Membership.Role.ADMIN

    def workspace_slack_hint(self) -> str:
        return workspace_alert_settings_get(workspace=self.workspace).slack_url_hint

    def subscription_form(self, data=None, subscription=None) -> SubscriptionForm:
        return SubscriptionForm(
            data,
            workspace=self.workspace,
            subscription=subscription,
            slack_hint=subscription_hint(subscription) if subscription else "",
            workspace_slack_hint=self.workspace_slack_hint(),
            prefix="sub",
        )

    def render_settings(self, *, form=None, preference_form=None, slack_form=None, status=200):
        preference = alert_preference_get(workspace=self.workspace, user=self.request.user)
        hint = self.workspace_slack_hint()
        context = self.get_context_data(
            rows=subscription_rows(
                subscription_list(workspace=self.workspace, user=self.request.user)
            ),
            form=form or self.subscription_form(),
            preference_form=preference_form
            or PreferenceForm(
                initial={
                    "digest_hour": preference.digest_hour,
                    "digest_weekday": preference.digest_weekday,
                }
            ),
            slack_form=(slack_form or WorkspaceSlackForm(hint=hint)) if self.is_admin else None,
            workspace_slack_hint=hint,
            is_admin=self.is_admin,
            role_label=self.membership.get_role_display(),
        )
        return self.render_to_response(context, status=status)


class AlertSettingsView(AlertSettingsMixin):
    """GET: the member's subscriptions, the add form, the digest time (and the workspace Slack
    URL for admins). POST: add a subscription."""

    template_name = "alerts_app/settings.html"

    def get(self, request, *args, **kwargs):
        subscription_defaults_ensure(workspace=self.workspace)  # a new member sees their defaults
        return self.render_settings()

    def post(self, request, *args, **kwargs):
        subscription_defaults_ensure(workspace=self.workspace)
        form = self.subscription_form(request.POST)
        if form.is_valid():
            try:
                subscription_create(
                    workspace=self.workspace, user=request.user, **form.service_arguments()
                )
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                messages.success(request, "Subscription added.")
                return redirect("alert-settings")
        return self.render_settings(form=form, status=400)


class SubscriptionEditView(AlertSettingsMixin):
    """One of the member's own subscriptions: the edit form (GET) and its save (POST)."""

    template_name = "alerts_app/subscription_edit.html"

    def get_subscription(self) -> Subscription:
        try:
            return subscription_list(workspace=self.workspace, user=self.request.user).get(
                pk=self.kwargs["pk"]
            )
        except Subscription.DoesNotExist as exc:
            raise Http404("No such subscription.") from exc

    def get(self, request, *args, **kwargs):
        subscription = self.get_subscription()
        return self.render_page(subscription, self.subscription_form(subscription=subscription))

    def post(self, request, *args, **kwargs):
        subscription = self.get_subscription()
        form = self.subscription_form(request.POST, subscription=subscription)
        if form.is_valid():
            try:
                subscription_update(
                    workspace=self.workspace,
                    user=request.user,
                    subscription=subscription,
                    **form.service_arguments(),
                )
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                messages.success(request, "Subscription saved.")
                return redirect("alert-settings")
        return self.render_page(subscription, form, status=400)

    def render_page(self, subscription, form, status=200):
        context = self.get_context_data(subscription=subscription, form=form)
        return self.render_to_response(context, status=status)


class SubscriptionDeleteView(AlertSettingsMixin):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        subscription = Subscription.objects.filter(
            workspace=self.workspace, user=request.user, pk=kwargs["pk"]
        ).first()
        if subscription is None:
            raise Http404("No such subscription.")
        subscription_delete(workspace=self.workspace, user=request.user, subscription=subscription)
        messages.success(request, "Subscription deleted.")
        return redirect("alert-settings")


class SubscriptionResetView(AlertSettingsMixin):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        subscriptions_reset_to_defaults(workspace=self.workspace, user=request.user)
        messages.success(
            request,
            f"Your subscriptions are your role's defaults again "
            f"({self.membership.get_role_display()}).",
        )
        return redirect("alert-settings")


class AlertPreferenceView(AlertSettingsMixin):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                alert_preference_update(
                    workspace=self.workspace, user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                messages.success(request, "Digest time saved.")
                return redirect("alert-settings")
        return self.render_settings(preference_form=form, status=400)


class WorkspaceSlackView(AlertSettingsMixin):
    """Admins: the workspace's Slack incoming-webhook URL (write-only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.is_admin:
            raise PermissionDenied("Only a workspace admin can set the workspace's Slack URL.")
        form = WorkspaceSlackForm(request.POST, hint=self.workspace_slack_hint())
        if form.is_valid():
            url = "" if form.cleaned_data.get("remove") else form.cleaned_data["slack_url"]
            try:
                workspace_slack_url_set(workspace=self.workspace, url=url)
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                said = "saved" if url else "removed"
                messages.success(request, f"Workspace Slack URL {said}.")
                return redirect("alert-settings")
        return self.render_settings(slack_form=form, status=400)
