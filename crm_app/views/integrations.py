"""The integrations pages (/settings/integrations/): CRM connections, their sync runs, and
the purge of what the CRM deleted. Admins of the current workspace only (PRODUCT.md §11).

Credentials are never rendered: the forms' secret inputs are blank, the pages show the hint.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView, View
from django_htmx.http import HttpResponseClientRefresh

from accounts_app.scoping import WorkspaceViewMixin
from accounts_app.views import RoleRequiredMixin
from common.exceptions import ApplicationError, ServiceUnavailable
from crm_app.forms import ConnectionForm
from crm_app.models import CrmConnection, SyncRun
from crm_app.selectors import (
    connection_get,
    connection_list,
    crm_deleted_counts,
    stage_map_pipelines,
    sync_run_active,
    sync_run_get,
    sync_run_list,
)
from crm_app.services.connections import (
    connection_create,
    connection_delete,
    connection_test,
    connection_update,
)
from crm_app.services.purge import crm_deleted_purge
from crm_app.services.stages import stage_map_update
from crm_app.services.sync import sync_run_request
from deals_app.models import Stage

RUN_LOG = 50
COUNT_LABELS = (
    ("Account", "Accounts"),
    ("Contact", "Contacts"),
    ("Opportunity", "Opportunities"),
    ("OpportunityContactRole", "Contact roles"),
    ("companies", "Companies"),
    ("contacts", "Contacts"),
    ("deals", "Deals"),
    ("deal_contacts", "Contact roles"),
    ("contact_roles", "Buying roles"),
)


class IntegrationPageMixin(WorkspaceViewMixin, RoleRequiredMixin):
    """Admins only (403 otherwise); another workspace's connection or run is a 404."""

    def get_connection(self) -> CrmConnection:
        try:
            return connection_get(workspace=self.workspace, pk=self.kwargs["pk"])
        except CrmConnection.DoesNotExist as exc:
            raise Http404("No such connection in this workspace.") from exc


def run_counts(run: SyncRun | None) -> list[tuple[str, dict]]:
    """(label, counts) per object the run touched, in the CRM's order."""
    if run is None or not run.counts:
        return []
    known = [(label, run.counts[name]) for name, label in COUNT_LABELS if name in run.counts]
    others = [(name, c) for name, c in run.counts.items() if name not in dict(COUNT_LABELS)]
    return known + others


def run_duration(run: SyncRun) -> str:
    """How long a finished run took, in words short enough for a table cell."""
    if run.started_at is None or run.finished_at is None:
        return ""
    seconds = max((run.finished_at - run.started_at).total_seconds(), 0)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    return f"{minutes // 60} h {minutes % 60} min"


def _save(form: ConnectionForm, write) -> CrmConnection | None:
    try:
        return write(**form.service_arguments())
    except ApplicationError as exc:
        form.add_service_errors(exc)
    except ValidationError as exc:
        form.add_model_errors(exc)
    return None


class IntegrationListView(IntegrationPageMixin, FormView):
    """Every connection with its state, and the form that adds one."""

    template_name = "crm_app/integrations/list.html"
    form_class = ConnectionForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            connections=list(connection_list(workspace=self.workspace)),
            deleted=crm_deleted_counts(workspace=self.workspace),
            **kwargs,
        )

    def form_valid(self, form):
        connection = _save(
            form,
            lambda **data: connection_create(
                workspace=self.workspace, user=self.request.user, **data
            ),
        )
        if connection is None:
            return self.form_invalid(form)
        messages.success(self.request, f"{connection.name} connected. Test it, then sync.")
        return redirect("integration-detail", pk=connection.pk)


class IntegrationDetailView(IntegrationPageMixin, FormView):
    """One connection: its state, the edit form, the actions, the running run, the run log."""

    template_name = "crm_app/integrations/detail.html"
    form_class = ConnectionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["connection"] = self.connection
        return kwargs

    def get(self, request, *args, **kwargs):
        self.connection = self.get_connection()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.connection = self.get_connection()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        runs = list(sync_run_list(connection=self.connection)[:RUN_LOG])
        active = next((run for run in runs if not run.is_finished), None)
        return super().get_context_data(
            connection=self.connection,
            active=active,
            active_counts=run_counts(active),
            runs=[(run, run_counts(run), run_duration(run)) for run in runs],
            deleted=crm_deleted_counts(workspace=self.workspace),
            pipelines=stage_map_pipelines(self.connection),
            stage_choices=Stage.choices,
            **kwargs,
        )

    def form_valid(self, form):
        connection = _save(
            form,
            lambda **data: connection_update(
                connection=self.connection, workspace=self.workspace, **data
            ),
        )
        if connection is None:
            return self.form_invalid(form)
        messages.success(self.request, "Connection saved.")
        return redirect("integration-detail", pk=connection.pk)


class IntegrationTestView(IntegrationPageMixin, View):
    """One cheap call to the CRM; the answer shows as a message on the connection page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        connection = self.get_connection()
        ok, message = connection_test(connection=connection, workspace=self.workspace)
        if ok:
            messages.success(request, f"Connection works: {message}")
        else:
            messages.error(request, f"Connection failed: {message}")
        return redirect("integration-detail", pk=connection.pk)


class IntegrationSyncView(IntegrationPageMixin, View):
    """ "Sync now" (changes since the last run) or "Full resync" (``full=1``)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        connection = self.get_connection()
        full = request.POST.get("full") in ("1", "true", "on")
        try:
            run, created = sync_run_request(
                connection=connection,
                workspace=self.workspace,
                user=request.user,
                full=full,
                trigger=SyncRun.Trigger.MANUAL,
            )
        except ServiceUnavailable as exc:
            messages.error(request, exc.message)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if created:
                messages.success(request, "Full resync started." if full else "Sync started.")
            else:
                messages.info(request, f"A sync is already {run.get_state_display().lower()}.")
        return redirect("integration-detail", pk=connection.pk)


class IntegrationStagesView(IntegrationPageMixin, View):
    """An admin's choice of DealLens stage for the CRM's pipeline stages (``stage-<id>``)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        connection = self.get_connection()
        choices = {
            key.removeprefix("stage-"): value
            for key, value in request.POST.items()
            if key.startswith("stage-")
        }
        try:
            stage_map_update(connection=connection, workspace=self.workspace, choices=choices)
        except ApplicationError as exc:
            problems = " ".join(exc.extra.get("stage_choices", []))
            messages.error(request, f"{exc.message} {problems}"[:500])
        else:
            messages.success(
                request, "Stage mapping saved. The next sync moves the deals already synced."
            )
        return redirect("integration-detail", pk=connection.pk)


class IntegrationDeleteView(IntegrationPageMixin, View):
    """Delete the connection (its runs and marks); what it synced stays."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        connection = self.get_connection()
        name = connection.name
        connection_delete(connection=connection, workspace=self.workspace)
        messages.success(request, f"{name} deleted. The records it synced stay in DealLens.")
        return redirect("integration-list")


class IntegrationProgressView(IntegrationPageMixin, TemplateView):
    """The running run's box, polled by htmx every 2 s; once the run is over the page reloads
    (HX-Refresh) so the run log and the connection's state show the outcome."""

    template_name = "crm_app/integrations/_progress.html"

    def get(self, request, *args, **kwargs):
        connection = self.get_connection()
        run = sync_run_active(connection=connection)
        if run is None and request.htmx:
            return HttpResponseClientRefresh()
        context = self.get_context_data(
            connection=connection, active=run, active_counts=run_counts(run)
        )
        return self.render_to_response(context)


class IntegrationRunView(IntegrationPageMixin, TemplateView):
    """One run: its counts and every error (object, CRM id, field, message)."""

    template_name = "crm_app/integrations/run.html"

    def get_context_data(self, **kwargs):
        connection = self.get_connection()
        try:
            run = sync_run_get(workspace=self.workspace, pk=self.kwargs["run_pk"])
        except SyncRun.DoesNotExist as exc:
            raise Http404("No such run of this connection.") from exc
        if run.connection_id != connection.pk:
            raise Http404("No such run of this connection.")
        return super().get_context_data(
            connection=connection,
            run=run,
            counts=run_counts(run),
            duration=run_duration(run),
            **kwargs,
        )


class IntegrationPurgeView(IntegrationPageMixin, View):
    """Delete for good what the CRM deleted (and what DealLens held about it)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs) -> HttpResponse:
        purged = crm_deleted_purge(workspace=self.workspace)
        if any(purged.values()):
            messages.success(
                request,
                f"Purged {purged['deals']} deal(s), {purged['contacts']} contact(s) and "
                f"{purged['accounts']} account(s) deleted in the CRM.",
            )
        else:
            messages.info(request, "Nothing to purge.")
        back = request.POST.get("next", "")
        if back.isdigit():
            return redirect("integration-detail", pk=int(back))
        return redirect("integration-list")
