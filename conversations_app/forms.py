"""The conversation log form (one form plus three inline formsets, all scoped to a workspace),
the notes preview and the timeline's GET filters.

Forms validate shape and resolve what was typed (an account by name or id) to this workspace's
rows; the service (conversations_app.services.conversation_log) enforces the business rules.
"""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from accounts_app.models import Workspace
from common.limits import NOTES_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from deals_app.forms import _FilterForm
from deals_app.models import Conversation, Deal, LossReason
from deals_app.selectors import DIMENSIONS
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest
from personas_app.models import Contact, Persona

from .selectors import account_matches

TAG_FIELDS = (("pain", "pains"), ("constraint", "constraints"), ("topic", "topics"))


class ContactChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} — {obj.title}" if obj.title else obj.full_name


class ConversationLogForm(forms.Form):
    account = forms.CharField(
        max_length=255,
        required=False,
        help_text="Type a name and pick it from the list, or type the account's id.",
        widget=forms.TextInput(
            attrs={"list": "account-options", "autocomplete": "off", "autofocus": True}
        ),
    )
    new_account_name = forms.CharField(
        max_length=255,
        required=False,
        strip=True,
        label="or new account",
        help_text="Not in DealLens yet? Name it: it is created with the conversation.",
    )
    deal = forms.ModelChoiceField(
        queryset=Deal.objects.none(), required=False, empty_label="No deal"
    )
    occurred_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(choices=Conversation.Kind.choices, initial="discovery")
    title = forms.CharField(max_length=255)
    participants = ContactChoiceField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    new_contact_name = forms.CharField(
        max_length=200, required=False, label="New contact's name", strip=True
    )
    new_contact_title = forms.CharField(
        max_length=200, required=False, label="New contact's title", strip=True
    )
    new_contact_persona = forms.ModelChoiceField(
        queryset=Persona.objects.none(),
        required=False,
        label="New contact's persona",
        empty_label="No persona",
    )
    notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Markdown: **bold**, - lists, [links](https://…). Up to {NOTES_MAX_LENGTH:,} "
        "characters.",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", required=False, min_value=0, max_value=24 * 60
    )
    sentiment = forms.ChoiceField(choices=Conversation.Sentiment.choices, initial="neutral")
    pains = forms.CharField(
        max_length=500,
        required=False,
        help_text="Comma-separated; existing ones are suggested as you type.",
        widget=forms.TextInput(attrs={"list": "tag-options-pain", "autocomplete": "off"}),
    )
    constraints = forms.CharField(
        max_length=500,
        required=False,
        help_text="Comma-separated.",
        widget=forms.TextInput(attrs={"list": "tag-options-constraint", "autocomplete": "off"}),
    )
    topics = forms.CharField(
        max_length=500,
        required=False,
        help_text="Comma-separated.",
        widget=forms.TextInput(attrs={"list": "tag-options-topic", "autocomplete": "off"}),
    )
    stated_reason = forms.ChoiceField(
        choices=[("", "—"), *LossReason.choices],
        required=False,
        label="Buyer's stated reason",
        help_text="Win/loss interviews only: the reason the buyer gave.",
    )

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["new_contact_persona"].queryset = (  # type: ignore[attr-defined]  # ModelChoiceField set on the form class; the stubs see a Field
            Persona.objects.for_workspace(workspace).order_by("name").only("id", "name", "kind")
        )
        typed = self.data.get(self.add_prefix("account")) if self.is_bound else None
        if typed is None:
            typed = str(self.initial.get("account") or "")
        matches = account_matches(workspace=workspace, text=typed)
        self.account = matches[0] if len(matches) == 1 else None  # type: ignore[assignment]  # a field named like a Field attribute (label/source); DRF moves it off the class
        self.account_matches = matches
        if self.account is not None:
            # The account's deals; and the deal the conversation already names even if the
            # CRM deleted it, so that editing the conversation keeps its link (PRODUCT.md §11:
            # what hangs on a deleted record stays).
            linked = self.initial.get("deal")
            self.fields["deal"].queryset = Deal.all_objects.for_workspace(workspace).filter(  # type: ignore[attr-defined,misc]  # ModelChoiceField set on the form class; the stubs see a Field
                Q(crm_deleted_at=None) | Q(pk=linked or None), account=self.account
            )
            self.fields["participants"].queryset = (  # type: ignore[attr-defined]  # ModelChoiceField set on the form class; the stubs see a Field
                Contact.objects.for_workspace(workspace)  # type: ignore[misc]  # the stubs lose the field's model type through the form class
                .filter(account=self.account)
                .only("id", "first_name", "last_name", "title")
            )

    def clean_account(self):
        text = self.cleaned_data["account"]
        if self.account is not None:
            return self.account
        if not text:
            if (self.data.get(self.add_prefix("new_account_name")) or "").strip():
                return None  # a new account, created with the conversation (clean() checks)
            raise forms.ValidationError("Pick an account, or name a new one beside it.")
        if len(self.account_matches) > 1:
            ids = ", ".join(f"#{a.pk} ({a.domain or 'no domain'})" for a in self.account_matches)
            raise forms.ValidationError(
                f"Several accounts are named “{text}”; type the id of the one you mean: {ids}."
            )
        raise forms.ValidationError(f"No account here is named “{text}”. Pick one from the list.")

    def clean(self):
        cleaned = super().clean()
        new_account = cleaned.get("new_account_name")
        if new_account and cleaned.get("account") is not None:
            self.add_error(
                "new_account_name",
                f"You picked {cleaned['account'].name}: clear the account to create a new one.",
            )
        if cleaned.get("stated_reason") and cleaned.get("kind") != Conversation.Kind.WIN_LOSS:
            self.add_error("stated_reason", "Only a win/loss interview has a stated reason.")
        if (
            cleaned.get("new_contact_title") or cleaned.get("new_contact_persona")
        ) and not cleaned.get("new_contact_name"):
            self.add_error("new_contact_name", "Give the new contact's name.")
        return cleaned

    def tag_names(self) -> dict[str, list[str]]:
        return {
            kind: [n.strip() for n in (self.cleaned_data.get(field) or "").split(",")]
            for kind, field in TAG_FIELDS
        }


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class _RowForm(forms.Form):
    """An inline row; it counts as filled in only when one of its ``content_fields`` is, so the
    default choices a browser submits for an empty row (a verdict, an importance) are ignored."""

    content_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        return any(name in self.changed_data for name in self.content_fields)


class ActionItemRowForm(_RowForm):
    content_fields = ("text", "owner", "due_on")
    text = forms.CharField(max_length=500, label="Action item")
    owner = MemberChoiceField(queryset=get_user_model().objects.none(), required=False)
    due_on = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"})
    )
    done = forms.BooleanField(required=False)


class EvidenceRowForm(_RowForm):
    content_fields = ("assumption", "quote")
    assumption = forms.ModelChoiceField(queryset=Assumption.objects.none())
    verdict = forms.ChoiceField(choices=Evidence.Verdict.choices)
    quote = forms.CharField(required=False, max_length=SHORT_TEXT_MAX_LENGTH)


class MentionRowForm(_RowForm):
    content_fields = ("feature", "new_feature_title", "quote")
    feature = forms.ModelChoiceField(
        queryset=FeatureRequest.objects.none(), required=False, empty_label="New feature…"
    )
    new_feature_title = forms.CharField(max_length=255, required=False, label="or new feature")
    importance = forms.ChoiceField(choices=FeatureMention.Importance.choices, initial="important")
    quote = forms.CharField(required=False, max_length=SHORT_TEXT_MAX_LENGTH)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("feature") and not (cleaned.get("new_feature_title") or "").strip():
            self.add_error("new_feature_title", "Pick a feature or name a new one.")
        return cleaned


class _ScopedFormSet(forms.BaseFormSet):
    """A formset whose rows pick from one workspace's rows (querysets evaluated once)."""

    def __init__(self, *args, workspace: Workspace, **kwargs):
        self.workspace = workspace
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name, field in form.fields.items():
            queryset = self.scoped_querysets().get(name)
            if queryset is not None:
                field.queryset = queryset
        return form

    def scoped_querysets(self) -> dict:
        if not hasattr(self, "_querysets"):
            self._querysets = self.build_querysets()
        return self._querysets

    def build_querysets(self) -> dict:
        return {}

    @property
    def empty_form(self):
        form = super().empty_form
        for name, queryset in self.scoped_querysets().items():
            form.fields[name].queryset = queryset
        return form

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class ActionItemFormSetBase(_ScopedFormSet):
    def build_querysets(self):
        users = (
            get_user_model()
            .objects.filter(memberships__workspace=self.workspace)
            .order_by("first_name", "last_name", "username")
        )
        return {"owner": users}


class EvidenceFormSetBase(_ScopedFormSet):
    def build_querysets(self):
        return {
            "assumption": Assumption.objects.for_workspace(self.workspace).only("id", "statement")
        }


class MentionFormSetBase(_ScopedFormSet):
    def build_querysets(self):
        return {"feature": FeatureRequest.objects.for_workspace(self.workspace).only("id", "title")}


def log_formsets(*, workspace: Workspace, data=None, initial: dict | None = None) -> dict:
    """The three inline formsets of the log form; ``initial`` maps prefix -> list of row dicts."""
    initial = initial or {}
    specs = {
        "actions": (ActionItemRowForm, ActionItemFormSetBase),
        "evidence": (EvidenceRowForm, EvidenceFormSetBase),
        "mentions": (MentionRowForm, MentionFormSetBase),
    }
    formsets = {}
    for prefix, (form, base) in specs.items():
        rows = initial.get(prefix) or []
        formset_class = forms.formset_factory(
            form, formset=base, extra=1 if rows else 2, can_delete=bool(rows)
        )
        formsets[prefix] = formset_class(  # type: ignore[call-arg]  # formset_factory forwards form kwargs; the stubs do not
            data, prefix=prefix, workspace=workspace, initial=rows or None
        )
    return formsets


class MarkdownPreviewForm(forms.Form):
    # The same bound as the notes themselves: no preview of what could not be saved.
    notes = forms.CharField(required=False, max_length=NOTES_MAX_LENGTH, strip=False)


def today() -> dt.date:
    return timezone.localdate()


class ConversationFilterForm(_FilterForm):
    """The conversation timeline's filters; id choices (tags, personas, members) are the
    workspace's own, so another workspace's id is ignored like any invalid value."""

    kind = forms.ChoiceField(
        required=False, choices=[("", "All kinds"), *Conversation.Kind.choices]
    )
    q = forms.CharField(
        required=False,
        max_length=200,
        strip=True,
        label="Search",
        widget=forms.TextInput(
            attrs={"placeholder": "Search titles, notes, accounts, people", "type": "search"}
        ),
    )
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    tag = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    persona = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Participant persona"
    )
    logged_by = forms.ChoiceField(required=False, label="Logged by")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    industry = forms.CharField(
        required=False,
        max_length=120,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "Industry"}),
    )
    infrastructure = forms.ChoiceField(
        required=False, choices=[("", "Any infrastructure"), *DIMENSIONS["infrastructure"].items()]
    )
    deployment_model = forms.ChoiceField(
        required=False,
        choices=[("", "Any deployment"), *DIMENSIONS["deployment_model"].items()],
    )
    size_band = forms.ChoiceField(
        required=False, choices=[("", "Any size"), *DIMENSIONS["size_band"].items()]
    )
    defaults = {
        "kind": "",
        "q": "",
        "account": None,
        "tag": None,
        "persona": None,
        "logged_by": "",
        "date_from": None,
        "date_to": None,
        "industry": "",
        "infrastructure": "",
        "deployment_model": "",
        "size_band": "",
    }

    def __init__(self, *args, tags=(), personas=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag")] + [(t.pk, str(t)) for t in tags]
        self.fields["persona"].choices = [("", "Any persona")] + [(p.pk, p.name) for p in personas]
        self.fields["logged_by"].choices = [("", "Anyone"), ("me", "Me")] + [
            (str(u.pk), u.get_full_name() or u.username) for u in members
        ]
