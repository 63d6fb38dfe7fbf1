"""The import pages: upload, what was recognised, column mapping, progress, report, history.

Everyone in the workspace sees imports; admins and sales leads upload and run them.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView, View

from accounts_app.scoping import WorkspaceViewMixin
from common.exceptions import ApplicationError
from crm_app.forms import MappingForm, UploadForm
from crm_app.ingest.recognition import KIND_LABELS, KINDS
from crm_app.ingest.sources import guesses, skipped_sources
from crm_app.models import ImportJob
from crm_app.selectors import (
    import_job_get,
    import_job_list,
    import_job_problems,
    import_job_sources,
    import_job_warnings,
)
from crm_app.services.import_jobs import (
    import_job_create,
    import_job_map_file,
    import_job_remove_file,
    import_job_start,
)
from crm_app.services.progress import progress_read
from crm_app.uploads import import_upload_limit

WRITE_ROLES = ("sales",)
HISTORY = 50


class ImportPageMixin(WorkspaceViewMixin):
    write_roles = WRITE_ROLES

    def get_job(self) -> ImportJob:
        try:
            return import_job_get(workspace=self.workspace, pk=self.kwargs["pk"])
        except ImportJob.DoesNotExist as exc:
            raise Http404("No such import in this workspace.") from exc


# The size limit must see the upload as it streams in, before anything reads the body; the CSRF
# middleware reads it, so this view checks CSRF itself, once the limit is in place.
@method_decorator(csrf_exempt, name="dispatch")
class ImportListView(ImportPageMixin, FormView):
    """Upload files; past imports below."""

    template_name = "crm_app/imports/list.html"
    form_class = UploadForm
    upload_limit = None

    def post(self, request, *args, **kwargs):
        self.upload_limit = import_upload_limit(request)
        return csrf_protect(super().post)(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.upload_limit is not None:
            kwargs["refusal"] = self.upload_limit.refusal
        return kwargs

    def get_context_data(self, **kwargs):
        jobs = list(import_job_list(workspace=self.workspace)[:HISTORY])
        return super().get_context_data(jobs=jobs, kinds=KIND_LABELS, **kwargs)

    def form_valid(self, form):
        try:
            job, _problems = import_job_create(
                workspace=self.workspace, user=self.request.user, uploads=form.cleaned_data["files"]
            )
        except ApplicationError as exc:
            form.add_error("files", exc.message)
            return self.form_invalid(form)
        return redirect("import-detail", pk=job.pk)


class ImportDetailView(ImportPageMixin, TemplateView):
    """A draft's recognition, a running import's progress, a finished import's report."""

    template_name = "crm_app/imports/detail.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        sources = import_job_sources(job)
        skipped = {id(source) for source in skipped_sources(sources)}
        rows = {data.get("name"): data.get("rows") for data in job.files}
        percent, message = progress_read(job)
        counts = [(KIND_LABELS[kind], job.counts.get(kind, {})) for kind in KINDS if job.counts]
        return super().get_context_data(
            job=job,
            files=[
                (index, source, rows.get(source.name), id(source) in skipped)
                for index, source in enumerate(sources)
            ],
            problems=import_job_problems(job) if job.state == job.State.DRAFT else [],
            percent=percent,
            progress_message=message,
            counts=counts,
            errors_shown=job.errors,
            warnings=import_job_warnings(job),
            **kwargs,
        )


class ImportMapView(ImportPageMixin, FormView):
    """The mapping screen of one file: a kind, and a column per field, guessed."""

    template_name = "crm_app/imports/map.html"
    form_class = MappingForm

    def setup_file(self):
        self.job = self.get_job()
        sources = import_job_sources(self.job)
        index = self.kwargs["index"]
        if not 0 <= index < len(sources):
            raise Http404("No such file in this import.")
        self.source = sources[index]
        wanted = self.request.POST.get("shown_kind") or self.request.GET.get("kind")
        kind = wanted if wanted in KINDS else None
        self.kind, self.columns = guesses(self.source, kind)

    def get(self, request, *args, **kwargs):
        self.setup_file()
        if self.job.state != ImportJob.State.DRAFT:
            return redirect("import-detail", pk=self.job.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_file()
        if self.job.state != ImportJob.State.DRAFT:
            return redirect("import-detail", pk=self.job.pk)
        posted_kind = request.POST.get("kind")
        if posted_kind in KINDS and (posted_kind != self.kind or "change_kind" in request.POST):
            url = reverse("import-map", args=[self.job.pk, self.kwargs["index"]])
            return HttpResponseRedirect(f"{url}?kind={posted_kind}")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(source=self.source, kind=self.kind, columns=self.columns)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            job=self.job, source=self.source, kind=self.kind, index=self.kwargs["index"], **kwargs
        )

    def form_valid(self, form):
        try:
            import_job_map_file(
                job=self.job, index=self.kwargs["index"], entry=form.mapping_entry()
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.source.name}: columns mapped.")
        return redirect("import-detail", pk=self.job.pk)


class ImportRunView(ImportPageMixin, View):
    """Start a draft import (POST); the page then follows its progress."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        try:
            import_job_start(job=job)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("import-detail", pk=job.pk)


class ImportFileRemoveView(ImportPageMixin, View):
    """Take one file out of a draft (POST); the last one takes the draft with it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        name = request.POST.get("name", "")
        try:
            kept = import_job_remove_file(job=job, index=self.kwargs["index"], name=name)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("import-detail", pk=job.pk)
        if kept is None:
            messages.success(request, f"{name or 'The file'} removed: the import had no other.")
            return redirect("import-list")
        messages.success(request, f"{name or 'The file'} removed from this import.")
        return redirect("import-detail", pk=job.pk)


class ImportStatusView(ImportPageMixin, View):
    """A small JSON the progress bar polls: state, percent, message."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        percent, message = progress_read(job)
        return JsonResponse(
            {
                "state": job.state,
                "state_label": job.get_state_display(),
                "progress": percent,
                "message": message,
                "finished": job.is_finished,
            }
        )
