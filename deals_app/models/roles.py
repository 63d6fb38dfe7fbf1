"""Deal roles: the contacts on a deal and their part in it (the deal's persona map)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from common.models import WorkspaceOwnedModel

from .deals import Deal


class DealRole(WorkspaceOwnedModel):
    """A contact's part in one deal: one row of the deal's persona map."""

    class Role(models.TextChoices):
        ECONOMIC_BUYER = "economic_buyer", "Economic buyer"
        DECISION_MAKER = "decision_maker", "Decision maker"
        CHAMPION = "champion", "Champion"
        USER = "user", "User"
        TECHNICAL_EVALUATOR = "technical_evaluator", "Technical evaluator"
        EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
        INFLUENCER = "influencer", "Influencer"
        BLOCKER = "blocker", "Blocker"
        LEGAL_PROCUREMENT = "legal_procurement", "Legal / procurement"
        OTHER = "other", "Other"

    class Stance(models.TextChoices):
        SUPPORTER = "supporter", "Supporter"
        NEUTRAL = "neutral", "Neutral"
        OPPONENT = "opponent", "Opponent"

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="roles")
    contact = models.ForeignKey(
        "personas_app.Contact", on_delete=models.CASCADE, related_name="deal_roles"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    is_primary = models.BooleanField(default=False)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.NEUTRAL)
    last_engaged_on = models.DateField(null=True, blank=True)
    # The CRM's id for this role (a Salesforce OpportunityContactRole), when it came from one.
    external_id = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["deal", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "contact", "role"],
                name="dealrole_unique_contact_role",
                violation_error_message="This contact already has this role in the deal.",
            ),
            # One primary contact per deal at most (a contact may hold several roles).
            models.UniqueConstraint(
                fields=["deal"],
                condition=Q(is_primary=True),
                name="dealrole_one_primary_per_deal",
                violation_error_message="This deal already has a primary contact.",
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "economic_buyer",
                        "decision_maker",
                        "champion",
                        "user",
                        "technical_evaluator",
                        "executive_sponsor",
                        "influencer",
                        "blocker",
                        "legal_procurement",
                        "other",
                    ]
                ),
                name="dealrole_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=["supporter", "neutral", "opponent"]),
                name="dealrole_stance_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "deal", "role"], name="dealrole_ws_deal_role"),
            models.Index(fields=["workspace", "contact"], name="dealrole_ws_contact"),
            models.Index(
                fields=["workspace", "external_id"],
                condition=~Q(external_id=""),
                name="dealrole_ws_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} – {self.get_role_display()} on {self.deal}"

    def clean(self) -> None:
        errors = self.check_same_workspace(
            deal=self.deal if self.deal_id else None,
            contact=self.contact if self.contact_id else None,
        )
        # The primary role marks the one person the deal is run through.
        if self.is_primary and self.deal_id:
            others = DealRole.objects.filter(deal_id=self.deal_id, is_primary=True)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                errors["is_primary"] = "This deal already has a primary contact."
        if errors:
            raise ValidationError(errors)

    @property
    def is_external(self) -> bool:
        """A contact from another account (a partner, a consultant) on this deal."""
        return self.contact.account_id != self.deal.account_id
