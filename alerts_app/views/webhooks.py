"""The webhook pages (/settings/webhooks/): an admin's endpoints, their delivery log, replays
(PRODUCT.md §12). Admins of the current workspace only (403 otherwise); another workspace's
endpoint or delivery is a 404.

A secret is rendered once, in the answer to the POST that made it (create, rotate); it is
never stored in the session, a message or a URL, so no later page can show it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView, View

from accounts_app.scoping import WorkspaceViewMixin
from accounts_app.views import RoleRequiredMixin
from common.exceptions import ApplicationError
from events_app.models import EventType

from ..models import WebhookDelivery, WebhookEndpoint
from ..selectors.webhooks import (
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_endpoint_get,
    webhook_endpoint_list,
)
from ..services.webhooks import (
    delivery_under_way,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

DELIVERY_LOG = 50
# Checkbox groups of the event types, by what they are about.
EVENT_GROUPS = (
    ("Deals", ("deal.",)),
    ("Customers and product", ("conversation.", "assumption.", "feature_request.", "survey.")),
    ("Data and insights", ("import.", "sync.", "segment.")),
)


def event_type_groups(form_field) -> list[tuple[str, list]]:
    """(group label, [checkbox subwidgets]) for the event types field."""
    widgets = list(form_field)
    groups = []
    for label, prefixes in EVENT_GROUPS:
        members = [w for w in widgets if str(w.data["value"]).startswith(prefixes)]
        if members:
            groups.append((label, members))
    return groups


class WebhookEndpointForm(forms.Form):
    """Shape of an endpoint; webhook_endpoint_create/update check the URL and the types."""

    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="https://… of your receiver. Private and loopback addresses are refused.",
    )
    event_types = forms.MultipleChoiceField(
        label="Event types",
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event type.",
    )
    description = forms.CharField(max_length=200, required=False)
    enabled = forms.BooleanField(label="Enabled", required=False, initial=True)

    def __init__(self, *args, endpoint: WebhookEndpoint | None = None, **kwargs):
        if endpoint is not None:
            kwargs["initial"] = {
                "url": endpoint.url,
                "event_types": endpoint.event_types,
                "description": endpoint.description,
                "enabled": endpoint.enabled,
            }
        super().__init__(*args, **kwargs)

    def save_with(self, write):
        """Call a service with the cleaned data; its errors land on the fields. None if any."""
        try:
            return write(**self.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        except ApplicationError as exc:
            for field, errors in exc.extra.items():
                self.add_error(field if field in self.fields else None, errors)
            if not exc.extra:
                self.add_error(None, exc.message)
        return None


class WebhookPageMixin(WorkspaceViewMixin, RoleRequiredMixin):
    """Admins only (403 otherwise); another workspace's endpoint is a 404."""

    def get_endpoint(self) -> WebhookEndpoint:
        try:
            return webhook_endpoint_get(workspace=self.workspace, pk=self.kwargs["pk"])
        except WebhookEndpoint.DoesNotExist as exc:
            raise Http404("No such webhook endpoint in this workspace.") from exc


class WebhookListView(WebhookPageMixin, FormView):
    """Every endpoint with its state, and the form that adds one (the secret shows once)."""

    template_name = "alerts_app/webhooks/list.html"
    form_class = WebhookEndpointForm

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(
            endpoints=list(webhook_endpoint_list(workspace=self.workspace)),
            event_groups=event_type_groups(form["event_types"]),
            **kwargs,
        )

    def form_valid(self, form):
        created = form.save_with(
            lambda **data: webhook_endpoint_create(
                workspace=self.workspace, created_by=self.request.user, **data
            )
        )
        if created is None:
            return self.form_invalid(form)
        endpoint, secret = created
        # Rendered in this answer only: the secret is in no redirect, session or message.
        return self.render_to_response(
            self.get_context_data(form=self.get_form_class()(), new=endpoint, secret=secret),
            status=201,
        )


class WebhookDetailView(WebhookPageMixin, FormView):
    """One endpoint: state, the edit form, rotate, delete, and the delivery log with replays."""

    template_name = "alerts_app/webhooks/detail.html"
    form_class = WebhookEndpointForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "endpoint": self.endpoint}

    def get(self, request, *args, **kwargs):
        self.endpoint = self.get_endpoint()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.endpoint = self.get_endpoint()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        deliveries = list(webhook_delivery_list(endpoint=self.endpoint)[:DELIVERY_LOG])
        return super().get_context_data(
            endpoint=self.endpoint,
            deliveries=[(d, delivery_under_way(d)) for d in deliveries],
            event_groups=event_type_groups(form["event_types"]),
            **kwargs,
        )

    def form_valid(self, form):
        endpoint = form.save_with(
            lambda **data: webhook_endpoint_update(
                workspace=self.workspace, endpoint=self.endpoint, **data
            )
        )
        if endpoint is None:
            return self.form_invalid(form)
        messages.success(self.request, "Webhook endpoint saved.")
        return redirect("webhook-detail", pk=endpoint.pk)


class WebhookRotateView(WebhookPageMixin, TemplateView):
    """A new secret, shown in this answer once; the old one stops signing at once."""

    template_name = "alerts_app/webhooks/rotated.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        endpoint = self.get_endpoint()
        secret = webhook_endpoint_rotate_secret(workspace=self.workspace, endpoint=endpoint)
        return self.render_to_response(self.get_context_data(endpoint=endpoint, secret=secret))


class WebhookDeleteView(WebhookPageMixin, View):
    """Delete the endpoint and its delivery log (the confirmation is on the endpoint page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        endpoint = self.get_endpoint()
        webhook_endpoint_delete(workspace=self.workspace, endpoint=endpoint)
        messages.success(request, f"Webhook endpoint {endpoint.url} deleted.")
        return redirect("webhook-list")


class WebhookReplayView(WebhookPageMixin, View):
    """Send one delivery again, with the same webhook-id (queued; the log shows the outcome)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        endpoint = self.get_endpoint()
        try:
            delivery = webhook_delivery_get(endpoint=endpoint, pk=self.kwargs["delivery_pk"])
        except WebhookDelivery.DoesNotExist as exc:
            raise Http404("No such delivery of this endpoint.") from exc
        try:
            webhook_delivery_replay(workspace=self.workspace, delivery=delivery)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Replay of {delivery.event.public_id} queued.")
        return redirect("webhook-detail", pk=endpoint.pk)
