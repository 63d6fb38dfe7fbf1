"""Forms of the import pages (the upload, the column mapping of one file) and of a CRM
connection."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict

from common.exceptions import ApplicationError
from crm_app.ingest.recognition import FIELDS, KIND_LABELS, KINDS, SEGMENT_FIELDS, is_custom
from crm_app.ingest.sources import SourceFile
from crm_app.models import CrmConnection, CrmKind
from crm_app.services.connections import CREDENTIAL_KEYS

NOT_IN_FILE = ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,text/csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError("Choose at least one CSV file.")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class UploadForm(forms.Form):
    # The form's field is named as the upload input; the metaclass moves it to base_fields, so
    # Form.files (the uploaded files) is untouched. The stubs see the class attribute.
    files = MultipleFileField(  # type: ignore[assignment]
        label="CSV files",
        help_text="Salesforce exports (Account, Contact, Opportunity, OpportunityContactRole), "
        "HubSpot exports (companies, contacts, deals), or any CSV: you map its columns next. "
        "Other files of an export folder (price books, products) are skipped.",
    )

    def __init__(self, *args, refusal: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal  # the upload was stopped (too large): crm_app.uploads

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.refusal:
            # The files that arrived are a part of the upload: the refusal is all there is to say.
            self.cleaned_data = {}
            self._errors = ErrorDict({"files": self.error_class([self.refusal])})


class MappingForm(forms.Form):
    """Which column fills which DealLens field, for one kind of record."""

    kind = forms.ChoiceField(label="The rows are", choices=[(k, KIND_LABELS[k]) for k in KINDS])
    skip_incomplete = forms.BooleanField(
        label="Skip rows that miss a required value (they are counted in the report)",
        required=False,
    )
    day_first = forms.BooleanField(
        label="Dates such as 10/12/2024 are day/month/year", required=False
    )

    def __init__(self, *args, source: SourceFile, kind: str, columns: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.kind_value = kind
        self.fields["kind"].initial = kind
        self.fields["skip_incomplete"].initial = source.skip_incomplete
        self.fields["day_first"].initial = source.day_first
        # Any column may fill any field; custom fields (…__c) say so, since a segment such as
        # lifecycle often lives in one.
        choices = [(NOT_IN_FILE, "— not in this file —")] + [
            (h, f"{h} (custom field)" if is_custom(h) else h) for h in source.headers
        ]
        segments = set(SEGMENT_FIELDS.values()) if kind == "account" else set()
        self.field_defs = [f for f in FIELDS[kind] if f.name != "deleted"]
        for field_def in self.field_defs:
            initial = columns.get(field_def.name)
            if isinstance(initial, list):
                initial = initial[0] if initial else ""
            if isinstance(initial, dict):
                initial = ""
            self.fields[f"col_{field_def.name}"] = forms.ChoiceField(
                label=field_def.label + (" *" if field_def.required else ""),
                choices=choices,
                required=False,
                initial=initial or NOT_IN_FILE,
                help_text=field_def.help
                or ("Any column, custom fields included." if field_def.name in segments else ""),
            )

    def column_fields(self):
        return [self[f"col_{f.name}"] for f in self.field_defs]

    def clean(self):
        data = super().clean()
        missing = [f.label for f in self.field_defs if f.required and not data.get(f"col_{f.name}")]
        if missing and data.get("kind") == self.kind_value:
            raise forms.ValidationError(
                f"Choose a column for {', '.join(missing)}: every record needs one."
            )
        return data

    def mapping_entry(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "columns": {f.name: data.get(f"col_{f.name}") or None for f in self.field_defs},
            "skip_incomplete": data["skip_incomplete"],
            "day_first": data["day_first"],
        }


# --- CRM connections (/settings/integrations/) ---------------------------------------------

SEGMENT_LABELS = {
    "industry": "Industry field",
    "size": "Company size field",
    "region": "Region field",
    "infrastructure": "Infrastructure field",
}
SECRET_WIDGET = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})


class ConnectionForm(forms.Form):
    """Shape of a connection; connection_create/connection_update enforce the rules.

    Credentials are password inputs that never render a value back: on the edit form they are
    blank, and blank keeps the stored ones.
    """

    kind = forms.ChoiceField(label="CRM", choices=CrmKind.choices)
    name = forms.CharField(max_length=100, help_text="For example “Production org”.")
    instance_url = forms.CharField(
        label="Instance URL",
        max_length=300,
        required=False,
        help_text="Salesforce: the org's My Domain URL (https://…my.salesforce.com). "
        "HubSpot: leave blank for https://api.hubapi.com.",
    )
    client_id = forms.CharField(
        label="Client ID (Salesforce)", max_length=500, required=False, widget=SECRET_WIDGET
    )
    client_secret = forms.CharField(
        label="Client secret (Salesforce)", max_length=500, required=False, widget=SECRET_WIDGET
    )
    access_token = forms.CharField(
        label="Private app access token (HubSpot)",
        max_length=500,
        required=False,
        widget=SECRET_WIDGET,
    )
    segment_industry = forms.CharField(label=SEGMENT_LABELS["industry"], required=False)
    segment_size = forms.CharField(label=SEGMENT_LABELS["size"], required=False)
    segment_region = forms.CharField(label=SEGMENT_LABELS["region"], required=False)
    segment_infrastructure = forms.CharField(label=SEGMENT_LABELS["infrastructure"], required=False)
    schedule_minutes = forms.IntegerField(
        label="Sync every (minutes)",
        min_value=0,
        max_value=10080,
        initial=15,
        help_text="0 syncs only when you press “Sync now”.",
    )
    enabled = forms.BooleanField(label="Enabled", required=False, initial=True)

    CREDENTIAL_FIELDS = ("client_id", "client_secret", "access_token")
    SEGMENT_FIELDS = ("industry", "size", "region", "infrastructure")

    def __init__(self, *args, connection: CrmConnection | None = None, **kwargs):
        if connection is not None:
            kwargs["initial"] = {
                "kind": connection.kind,
                "name": connection.name,
                "instance_url": connection.instance_url,
                "schedule_minutes": connection.schedule_minutes,
                "enabled": connection.enabled,
                **{
                    f"segment_{key}": connection.segment_fields.get(key, "")
                    for key in self.SEGMENT_FIELDS
                },
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.connection = connection
        if connection is not None:
            # The kind of a connection is fixed; the secrets are kept when left blank.
            del self.fields["kind"]
            keys = CREDENTIAL_KEYS[CrmKind(connection.kind)]
            for name in self.CREDENTIAL_FIELDS:
                if name not in keys:
                    del self.fields[name]
                else:
                    self.fields[
                        name
                    ].help_text = (
                        f"Stored (ends {connection.credentials_hint}); leave blank to keep it."
                    )
            if connection.kind == CrmKind.HUBSPOT:
                self.fields["access_token"].label = "Private app access token"
            else:
                self.fields["client_id"].label = "Client ID"
                self.fields["client_secret"].label = "Client secret"
        else:
            for key in self.SEGMENT_FIELDS:
                self.fields[f"segment_{key}"].help_text = "Blank: the CRM's default field."

    def credential_fields(self):
        return [self[name] for name in self.CREDENTIAL_FIELDS if name in self.fields]

    def segment_fields(self):
        return [self[f"segment_{key}"] for key in self.SEGMENT_FIELDS]

    def other_fields(self):
        return [self[name] for name in ("schedule_minutes", "enabled")]

    def service_arguments(self) -> dict:
        """The service's keyword arguments: credentials of the kind, segment fields given."""
        data = self.cleaned_data
        kind = self.connection.kind if self.connection else data["kind"]
        credentials = {key: data.get(key, "") for key in CREDENTIAL_KEYS[CrmKind(kind)]}
        segments = {key: data[f"segment_{key}"] for key in self.SEGMENT_FIELDS}
        arguments = {
            "name": data["name"],
            "instance_url": data["instance_url"],
            "schedule_minutes": data["schedule_minutes"],
            "enabled": data["enabled"],
        }
        if self.connection is None:
            arguments["kind"] = kind
            arguments["credentials"] = credentials
            # Blank on the add form: the CRM's default field.
            arguments["segment_fields"] = {k: v for k, v in segments.items() if v}
        else:
            # Blank secrets keep the stored ones; a blank segment field means "none".
            arguments["credentials"] = credentials if any(credentials.values()) else None
            arguments["segment_fields"] = segments
        return arguments

    def add_model_errors(self, exc: ValidationError) -> None:
        """full_clean's messages next to their fields (a duplicate name next to the name)."""
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        )
        for field, messages in errors.items():
            for message in messages:
                if field in self.fields:
                    self.add_error(field, message)
                elif "name" in message.lower() and "already exists" in message:
                    self.add_error("name", "A connection with this name already exists.")
                else:
                    self.add_error(None, message)

    def add_service_errors(self, exc: ApplicationError) -> None:
        """Put a service's field messages next to the fields they are about."""
        placed = False
        for field, messages in exc.extra.items():
            target = {
                "credentials": self.credential_fields()[0].name
                if self.credential_fields()
                else None,
                "segment_fields": "segment_industry",
            }.get(field, field)
            if target in self.fields:
                for message in messages:
                    self.add_error(target, message)
                placed = True
        if not placed:
            self.add_error(None, exc.message)
