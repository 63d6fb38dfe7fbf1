"""The people: persona archetypes, contacts at accounts, and who champions to whom."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q

from common.limits import SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from common.models import CrmRecordMixin, WorkspaceOwnedModel


class Persona(WorkspaceOwnedModel):
    """An archetype named precisely ("SRE", "CIO", "Data analyst") with what it is measured on."""

    class Kind(models.TextChoices):
        BUYER = "buyer", "Buyer"
        USER = "user", "User"
        CHAMPION = "champion", "Champion"
        INFLUENCER = "influencer", "Influencer"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    goals = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    pains = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    success_metric = models.CharField(
        max_length=200, blank=True, help_text='What this persona is measured on ("MTTR").'
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="persona_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=["buyer", "user", "champion", "influencer"]),
                name="persona_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Seniority(models.TextChoices):
    IC = "ic", "Individual contributor"
    MANAGER = "manager", "Manager"
    DIRECTOR = "director", "Director"
    VP = "vp", "VP"
    C_LEVEL = "c_level", "C-level"


class Contact(CrmRecordMixin, WorkspaceOwnedModel):  # type: ignore[misc]  # objects: CrmLiveManager
    """A real person at an account, with the persona they fit and the person they report to."""

    Seniority = Seniority

    account = models.ForeignKey(
        "accounts_app.Account", on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    department = models.CharField(max_length=120, blank=True)
    seniority = models.CharField(max_length=10, choices=Seniority.choices, blank=True)
    persona = models.ForeignKey(
        Persona, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="direct_reports"
    )
    external_id = models.CharField(max_length=100, blank=True)
    has_left = models.BooleanField(default=False, help_text="Left the company.")

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=~Q(external_id=""),
                name="contact_external_id_unique_per_workspace",
                violation_error_message="Another contact in this workspace has this external id.",
            ),
            # Target of the composite key that keeps reports_to inside one account
            # (see migration 0002: FOREIGN KEY (reports_to_id, account_id)).
            models.UniqueConstraint(fields=["id", "account"], name="contact_id_account_unique"),
            models.CheckConstraint(
                condition=~Q(reports_to=F("id")),
                name="contact_not_own_manager",
                violation_error_message="A contact cannot report to themselves.",
            ),
            models.CheckConstraint(
                condition=Q(seniority__in=["", "ic", "manager", "director", "vp", "c_level"]),
                name="contact_seniority_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "account"], name="contact_ws_account"),
            models.Index(fields=["workspace", "last_name"], name="contact_ws_last_name"),
            models.Index(fields=["workspace", "persona"], name="contact_ws_persona"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self) -> None:
        errors = self.check_same_workspace(account=self.account_or_none, persona=self.persona)
        if self.reports_to_id is not None:
            if self.pk is not None and self.reports_to_id == self.pk:
                errors["reports_to"] = "A contact cannot report to themselves."
            elif self.reports_to is not None and self.reports_to.account_id != self.account_id:
                errors["reports_to"] = "A contact can only report to someone at the same account."
            else:
                # Walk up the chain to refuse cycles (A → B → A).
                seen, boss = {self.pk}, self.reports_to
                while boss is not None and "reports_to" not in errors:
                    if boss.pk in seen:
                        errors["reports_to"] = "This reporting line would form a loop."
                    seen.add(boss.pk)
                    boss = boss.reports_to
        if errors:
            raise ValidationError(errors)

    @property
    def account_or_none(self):
        return self.account if self.account_id else None


class Advocacy(WorkspaceOwnedModel):
    """ "A champions our product to B": one edge of the influence graph."""

    advocate = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="advocating")
    audience = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="advocated_by")
    note = models.TextField(
        blank=True,
        max_length=SHORT_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(SHORT_TEXT_MAX_LENGTH)],
    )

    class Meta:
        verbose_name_plural = "advocacies"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["advocate", "audience"], name="advocacy_unique_edge"),
            models.CheckConstraint(
                condition=~Q(advocate=F("audience")),
                name="advocacy_not_self",
                violation_error_message="A contact cannot advocate to themselves.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "advocate"], name="advocacy_ws_advocate"),
            models.Index(fields=["workspace", "audience"], name="advocacy_ws_audience"),
        ]

    def __str__(self) -> str:
        return f"{self.advocate} → {self.audience}"

    def clean(self) -> None:
        errors = self.check_same_workspace(
            advocate=self.advocate if self.advocate_id else None,
            audience=self.audience if self.audience_id else None,
        )
        if errors:
            raise ValidationError(errors)
