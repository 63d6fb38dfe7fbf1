"""Pages of the conversation log: log, read, edit and delete a conversation, and the look-ups
the log form's type-ahead uses. Parse, call one selector or service, render (STYLE.md §2)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView, View

from accounts_app.scoping import WorkspaceViewMixin
from common.exceptions import ApplicationError
from common.limits import NOTES_MAX_LENGTH
from deals_app.models import Conversation
from deals_app.services import action_item_update, conversation_delete
from insights_app.templatetags.markdown import render_markdown
from insights_app.views.roles import WRITE_ROLES, _WriterOnlyMixin

from ..forms import ConversationLogForm, MarkdownPreviewForm, log_formsets, today
from ..selectors import (
    account_lookup,
    account_matches,
    account_people,
    action_item_get,
    conversation_for_page,
    conversation_get,
    conversation_page,
    tag_options,
)
from ..services import LogRows, conversation_log, conversation_log_update


def notes_preview_html(notes: str) -> str:
    """Notes as the conversation page shows them: Markdown through the nh3 sanitiser."""
    if not (notes or "").strip():
        return mark_safe('<p class="muted">Nothing to preview.</p>')
    return render_markdown(notes)


# --- look-ups for the type-ahead ---------------------------------------------------------------


class AccountLookupView(WorkspaceViewMixin, View):
    """``?q=`` → up to 20 accounts whose name contains it: ``{"results": [{id, name, domain}]}``."""

    def get(self, request):
        q = (request.GET.get("q") or "").strip()[:100]
        return JsonResponse({"results": account_lookup(workspace=self.workspace, q=q)})


class AccountPeopleView(WorkspaceViewMixin, View):
    """``?account=<id or exact name>`` → its contacts and deals, for the log form; an account
    this workspace does not have answers ``{"account": null}``."""

    def get(self, request):
        matches = account_matches(workspace=self.workspace, text=request.GET.get("account", ""))
        if len(matches) != 1:
            # Unknown here (or another workspace's): nothing to list, and nothing revealed.
            return JsonResponse({"account": None, "contacts": [], "deals": []})
        account = matches[0]
        return JsonResponse(
            {
                "account": {"id": account.pk, "name": account.name},
                **account_people(workspace=self.workspace, account=account),
            }
        )


# --- log, edit ---------------------------------------------------------------------------------


class _ConversationFormView(_WriterOnlyMixin, TemplateView):
    template_name = "conversations_app/conversation_form.html"
    conversation: Conversation | None = None
    saved_message = "Conversation saved."

    def initial(self) -> dict:
        return {}

    def initial_rows(self) -> dict:
        return {}

    def build(self, data=None):
        form = ConversationLogForm(data, workspace=self.workspace, initial=self.initial())
        formsets = log_formsets(
            workspace=self.workspace, data=data, initial=None if data else self.initial_rows()
        )
        return form, formsets

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"], kwargs["formsets"] = self.build()
        kwargs["tag_options"] = tag_options(workspace=self.workspace)
        return super().get_context_data(conversation=self.conversation, **kwargs)

    def post(self, request, *args, **kwargs):
        form, formsets = self.build(request.POST)
        if request.POST.get("_refresh") or request.POST.get("_preview"):
            # The no-JavaScript ways to load the chosen account's contacts and deals, or to
            # preview the notes: the same input, unbound (no errors yet), account resolved.
            initial = {name: request.POST.get(name) for name in form.fields}
            initial["participants"] = request.POST.getlist("participants")
            form = ConversationLogForm(workspace=self.workspace, initial=initial)
            preview = None
            if request.POST.get("_preview"):
                preview = notes_preview_html(request.POST.get("notes", ""))
            return self.render_to_response(
                self.get_context_data(form=form, formsets=formsets, notes_preview=preview)
            )
        valid = form.is_valid()
        valid = all([fs.is_valid() for fs in formsets.values()]) and valid
        if valid:
            try:
                conversation = self.save(form, formsets)
            except ValidationError as error:
                self.attach_errors(form, error)
            except ApplicationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, self.saved_message)
                return redirect("conversation-detail", pk=conversation.pk)
        # Everything typed comes back with what to fix; 400 says nothing was saved.
        return self.render_to_response(
            self.get_context_data(form=form, formsets=formsets), status=400
        )

    @staticmethod
    def attach_errors(form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in form.fields else None
                for message in messages:
                    prefix = "" if target else f"{field.replace('_', ' ').capitalize()}: "
                    form.add_error(target, f"{prefix}{message}")
        else:
            for message in error.messages:
                form.add_error(None, message)

    def save_arguments(self, form, formsets) -> dict:
        data = form.cleaned_data
        rows = LogRows(
            new_contacts=[
                {
                    "name": data["new_contact_name"],
                    "title": data["new_contact_title"],
                    "persona": data.get("new_contact_persona"),
                }
            ]
            if data.get("new_contact_name")
            else [],
            tag_names=form.tag_names(),
            action_items=formsets["actions"].rows(),
            evidence=formsets["evidence"].rows(),
            mentions=formsets["mentions"].rows(),
        )
        return {
            "workspace": self.workspace,
            "participants": data["participants"],
            "rows": rows,
            "account": data["account"],
            "new_account_name": data.get("new_account_name") or "",
            "deal": data["deal"],
            "occurred_on": data["occurred_on"],
            "kind": data["kind"],
            "title": data["title"],
            "notes": data["notes"],
            "duration_minutes": data["duration_minutes"],
            "sentiment": data["sentiment"],
            "stated_reason": data["stated_reason"] or "",
        }


class ConversationLogView(_ConversationFormView):
    """``/conversations/new/``: log a conversation; ``?account=<id>`` pre-fills the account."""

    def initial(self) -> dict:
        account = self.request.GET.get("account", "")
        return {
            "occurred_on": today(),
            "kind": "discovery",
            "sentiment": "neutral",
            "account": account if account.isdigit() else "",
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if not form.is_bound and form.account is not None:
            form.initial["account"] = form.account.name
        return context

    def save(self, form, formsets) -> Conversation:
        return conversation_log(logged_by=self.request.user, **self.save_arguments(form, formsets))


class ConversationEditView(_ConversationFormView):
    """``/conversations/<id>/edit/``: the same form, pre-filled; rows are replaced on save."""

    def get_conversation(self) -> Conversation:
        if self.conversation is None:
            self.conversation = conversation_for_page(
                workspace=self.workspace, pk=self.kwargs["pk"]
            )
        return self.conversation

    def initial(self) -> dict:
        c = self.get_conversation()
        tags = {kind: [] for kind in ("pain", "constraint", "topic")}  # type: ignore[var-annotated]  # filled from the form's cleaned data
        for tag in c.tags.all():
            tags[tag.kind].append(tag.name)
        return {
            "account": str(c.account_id),
            "deal": c.deal_id,
            "occurred_on": c.occurred_on,
            "kind": c.kind,
            "title": c.title,
            "participants": [p.pk for p in c.participants.all()],
            "notes": c.notes,
            "duration_minutes": c.duration_minutes,
            "sentiment": c.sentiment,
            "pains": ", ".join(tags["pain"]),
            "constraints": ", ".join(tags["constraint"]),
            "topics": ", ".join(tags["topic"]),
            "stated_reason": c.stated_reason,
        }

    def initial_rows(self) -> dict:
        c = self.get_conversation()
        return {
            "actions": [
                {"text": a.text, "owner": a.owner_id, "due_on": a.due_on, "done": a.done}
                for a in c.action_items.all()
            ],
            "evidence": [
                {"assumption": e.assumption_id, "verdict": e.verdict, "quote": e.quote}
                for e in c.evidence.all()
            ],
            "mentions": [
                {"feature": m.feature_id, "importance": m.importance, "quote": m.quote}
                for m in c.feature_mentions.all()
            ],
        }

    def get_context_data(self, **kwargs):
        self.get_conversation()
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if not form.is_bound and form.account is not None:
            form.initial["account"] = form.account.name
        return context

    saved_message = "Changes saved."

    def save(self, form, formsets) -> Conversation:
        return conversation_log_update(
            conversation=self.get_conversation(), **self.save_arguments(form, formsets)
        )


class NotesPreviewView(_WriterOnlyMixin, View):
    """POST ``/conversations/preview/`` with ``notes``: the notes as the conversation page will
    show them (Markdown through the nh3 sanitiser), as an HTML fragment for the log form."""

    http_method_names = ["post"]

    def post(self, request):
        form = MarkdownPreviewForm(request.POST)
        if not form.is_valid():
            return HttpResponse(
                '<p class="field-error">The notes are too long to preview: notes may have up to '
                f"{NOTES_MAX_LENGTH:,} characters.</p>",
                status=400,
            )
        html = notes_preview_html(form.cleaned_data["notes"])
        return HttpResponse(html, content_type="text/html; charset=utf-8")


# --- read, delete, tick ------------------------------------------------------------------------


class ConversationDetailView(WorkspaceViewMixin, TemplateView):
    """``/conversations/<id>/``: everything logged about one conversation."""

    template_name = "conversations_app/conversation_detail.html"
    write_roles = WRITE_ROLES

    def get_context_data(self, **kwargs):
        page = conversation_page(workspace=self.workspace, pk=kwargs["pk"])
        return super().get_context_data(**page, **kwargs)


class ConversationDeleteView(_WriterOnlyMixin, TemplateView):
    """``/conversations/<id>/delete/``: a confirmation page, then the delete."""

    template_name = "conversations_app/conversation_confirm_delete.html"

    def get_context_data(self, **kwargs):
        conversation = conversation_get(workspace=self.workspace, pk=kwargs["pk"])
        return super().get_context_data(conversation=conversation, **kwargs)

    def post(self, request, pk):
        conversation = conversation_get(workspace=self.workspace, pk=pk)
        conversation_delete(workspace=self.workspace, conversation=conversation)
        return redirect("conversation-list")


class ActionItemToggleView(WorkspaceViewMixin, View):
    """POST ``/conversations/<id>/action-items/<item>/toggle/``: tick an action item done."""

    write_roles = WRITE_ROLES
    http_method_names = ["post"]

    def post(self, request, pk, item_pk):
        item = action_item_get(workspace=self.workspace, pk=item_pk, conversation_id=pk)
        action_item_update(workspace=self.workspace, action_item=item, done=not item.done)
        return redirect(reverse("conversation-detail", args=[pk]) + "#action-items")
