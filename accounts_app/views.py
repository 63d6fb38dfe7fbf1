"""Pages of accounts_app: sign in and out, the role landing redirect, the workspace switcher
and the workspace settings."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import FormView

from .forms import WorkspaceSettingsForm
from .models import Membership
from .scoping import WorkspaceViewMixin
from .selectors import SESSION_KEY, membership_resolve, workspace_members
from .services import workspace_update

# The page each role lands on (PRODUCT.md §2).
ROLE_LANDING = {
    Membership.Role.PM: "pm-home",  # insights_app's "My work" page, named, not imported
    Membership.Role.SALES: "deal-risk-board",  # deals_app: my open deals at risk
    Membership.Role.EXEC: "dashboard",
    Membership.Role.ADMIN: "workspace-settings",
}


class RoleRequiredMixin:
    """Only members whose role is in ``read_roles`` may open the page at all (403 otherwise).

    Put it after WorkspaceViewMixin, which resolves ``self.membership`` first.
    """

    read_roles: tuple[str, ...] = (Membership.Role.ADMIN,)

    def dispatch(self, request, *args, **kwargs):
        if self.membership.role not in self.read_roles:
            raise PermissionDenied("Only a workspace admin can open this page.")
        return super().dispatch(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    template_name = "accounts_app/login.html"
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): a page that says
    why and for how long, with 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": minutes,
    }
    return render(request, "accounts_app/locked_out.html", context, status=429)


class LogoutView(auth_views.LogoutView):
    """Sign out by POST (Django 5) and say so on the sign-in page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


class HomeView(WorkspaceViewMixin, View):
    """`/`: the landing page of the member's role in the current workspace."""

    def get(self, request, *args, **kwargs):
        return redirect(ROLE_LANDING[self.membership.role])


class WorkspaceSwitchView(WorkspaceViewMixin, View):
    """Remember the chosen workspace in the session; a workspace the user is not in is a 404."""

    http_method_names = ["post"]
    write_roles = tuple(Membership.Role.values)  # switching changes no workspace data

    def post(self, request, *args, **kwargs):
        slug = request.POST.get("workspace", "").strip()
        membership = membership_resolve(user=request.user, slug=slug) if slug else None
        if membership is None:
            raise Http404("No such workspace.")
        request.session[SESSION_KEY] = membership.workspace.slug
        messages.success(request, f"Switched to {membership.workspace.name}.")
        return redirect("home")


class WorkspaceSettingsView(WorkspaceViewMixin, RoleRequiredMixin, FormView):
    """Workspace name, currency and hourly cost, and who the members are (admins only)."""

    template_name = "accounts_app/settings.html"

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return WorkspaceSettingsForm.for_workspace(self.workspace, data=data)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            workspace_update(
                workspace=self.workspace,
                name=data["name"],
                currency=data["currency"],
                hourly_cost=data["hourly_cost"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Workspace settings saved.")
        return redirect("workspace-settings")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            members=workspace_members(workspace=self.workspace), **kwargs
        )
