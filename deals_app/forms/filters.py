"""The base of the forms that read a list page's GET filters.

An invalid filter value is ignored (the default applies) rather than answered with an error page.
"""

from django import forms


class _FilterForm(forms.Form):
    """A GET filter form whose ``filters`` are the cleaned values, or the defaults when invalid."""

    defaults: dict = {}

    @property
    def filters(self) -> dict:
        values = dict(self.defaults)
        self.is_valid()  # fills cleaned_data with the valid fields only
        values.update({k: v for k, v in self.cleaned_data.items() if v})
        return values

    @property
    def is_filtered(self) -> bool:
        """True when the user narrowed the list beyond the defaults."""
        return any(self.filters.get(k) != self.defaults.get(k) for k in self.fields)
