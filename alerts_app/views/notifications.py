"""/notifications/: the member's own notifications, newest first; a line marks itself read and
goes to its object; "Mark all read" (PRODUCT.md §12). Every member, their own rows only."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from accounts_app.models import Membership
from accounts_app.scoping import WorkspaceViewMixin

from ..models import Notification
from ..selectors.notifications import notification_get, notification_list, safe_path
from ..services.notifications import notification_read, notifications_read_all

EVERY_ROLE = tuple(Membership.Role.values)  # reading one's own bell changes no shared data


def notification_target(notification: Notification) -> str:
    """Where a notification leads: its event's object, or a system notice's own path."""
    event = notification.event
    return safe_path(event.object_url if event is not None else notification.url)


class NotificationListView(WorkspaceViewMixin, ListView):
    template_name = "alerts_app/notifications.html"
    context_object_name = "notifications"
    paginate_by = 25
    write_roles = EVERY_ROLE

    def unread_only(self) -> bool:
        return self.request.GET.get("show") == "unread"

    def get_queryset(self):
        return notification_list(
            workspace=self.workspace, user=self.request.user, unread=self.unread_only()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_only"] = self.unread_only()
        context["lines"] = [(n, notification_target(n)) for n in context["notifications"]]
        return context


class NotificationReadView(WorkspaceViewMixin, View):
    """POST: mark one of the member's notifications read and go to its object."""

    http_method_names = ["post"]
    write_roles = EVERY_ROLE

    def post(self, request, *args, **kwargs):
        try:
            notification = notification_get(
                workspace=self.workspace, user=request.user, pk=kwargs["pk"]
            )
        except Notification.DoesNotExist as exc:
            raise Http404("No such notification.") from exc
        notification_read(workspace=self.workspace, user=request.user, notification=notification)
        target = notification_target(notification)
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(target)
        return redirect("notification-list")


class NotificationReadAllView(WorkspaceViewMixin, View):
    """POST: mark all the member's notifications read, then back to the list. With htmx the
    form swaps in the list and the bell from the page it is redirected to."""

    http_method_names = ["post"]
    write_roles = EVERY_ROLE

    def post(self, request, *args, **kwargs):
        marked = notifications_read_all(workspace=self.workspace, user=request.user)
        if marked:
            messages.success(request, f"Marked {marked} notification{pluralize(marked)} read.")
        show = "?show=unread" if request.POST.get("show") == "unread" else ""
        return HttpResponseRedirect(reverse("notification-list") + show)
