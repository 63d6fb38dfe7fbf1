"""Forms of the import pages: the upload, and the column mapping of one file."""

from django import forms

from crm_app.ingest.recognition import FIELDS, KIND_LABELS, KINDS
from crm_app.ingest.sources import SourceFile

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
        "HubSpot exports (companies, contacts, deals), or any CSV: you map its columns next.",
    )


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
        choices = [(NOT_IN_FILE, "— not in this file —")] + [(h, h) for h in source.headers]
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
                help_text=field_def.help,
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
