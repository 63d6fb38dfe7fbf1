"""Who we sell to: workspaces (tenants), their members, customer accounts and saved segments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Trim

from common.currencies import validate_currency_code
from common.models import CrmRecordMixin, TimeStampedModel, WorkspaceOwnedModel


class Workspace(TimeStampedModel):
    """A vendor company using DealLens; every other row belongs to exactly one workspace."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[validate_currency_code],
        help_text="ISO 4217 currency code (USD, EUR, …) every amount is in.",
    )
    hourly_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("150"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Cost of one hour of customer-facing time, used for cost of sale.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="workspaces"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_cost__gte=0), name="workspace_hourly_cost_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A user's role in one workspace; a user may belong to several workspaces."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        PM = "pm", "Product manager"
        SALES = "sales", "Sales lead"
        EXEC = "exec", "Executive"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["workspace__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=Q(role__in=["admin", "pm", "sales", "exec"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.get_role_display()})"


class SizeBand(models.TextChoices):
    SMB = "smb", "SMB (<100)"
    MID_MARKET = "mid_market", "Mid-market (100–999)"
    ENTERPRISE = "enterprise", "Enterprise (1,000–9,999)"
    STRATEGIC = "strategic", "Strategic (10,000+)"
    UNKNOWN = "unknown", "Unknown"


SIZE_BANDS = SizeBand.choices

# The database derives size_band, so bulk inserts and aggregates agree with the rule.
SIZE_BAND_EXPRESSION = Case(
    When(employee_count__isnull=True, then=Value("unknown")),
    When(employee_count__lt=100, then=Value("smb")),
    When(employee_count__lt=1000, then=Value("mid_market")),
    When(employee_count__lt=10000, then=Value("enterprise")),
    default=Value("strategic"),
    output_field=models.CharField(max_length=12),
)


class DeploymentModel(models.TextChoices):
    ON_PREM = "on_prem", "On-premises"
    HYBRID = "hybrid", "Hybrid"
    SINGLE_CLOUD = "single_cloud", "Single cloud"
    MULTI_CLOUD = "multi_cloud", "Multi-cloud"
    UNKNOWN = "unknown", "Unknown"


class Infrastructure(models.TextChoices):
    VIRTUAL_MACHINES = "virtual_machines", "Virtual machines"
    CONTAINERS = "containers", "Containers"
    SERVERLESS = "serverless", "Serverless"
    BARE_METAL = "bare_metal", "Bare metal"
    MAINFRAME = "mainframe", "Mainframe"
    UNKNOWN = "unknown", "Unknown"


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    CUSTOMER = "customer", "Customer"
    CHURNED = "churned", "Churned"
    PARTNER = "partner", "Partner"


class Account(CrmRecordMixin, WorkspaceOwnedModel):  # type: ignore[misc]  # objects: CrmLiveManager
    """A customer or prospect company; its columns are the segment dimensions."""

    DeploymentModel = DeploymentModel
    Infrastructure = Infrastructure
    Lifecycle = Lifecycle
    SizeBand = SizeBand

    name = models.CharField(max_length=255)
    domain = models.CharField(max_length=255, blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The id in the CRM this account was imported from."
    )
    industry = models.CharField(max_length=120, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    country = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    deployment_model = models.CharField(
        max_length=20, choices=DeploymentModel.choices, default=DeploymentModel.UNKNOWN
    )
    infrastructure = models.CharField(
        max_length=20, choices=Infrastructure.choices, default=Infrastructure.UNKNOWN
    )
    lifecycle = models.CharField(
        max_length=20, choices=Lifecycle.choices, default=Lifecycle.PROSPECT
    )
    size_band = models.GeneratedField(
        expression=SIZE_BAND_EXPRESSION,
        output_field=models.CharField(max_length=12, choices=SIZE_BANDS),
        db_persist=True,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=~Q(external_id=""),
                name="account_external_id_unique_per_workspace",
                violation_error_message="Another account in this workspace has this external id.",
            ),
            models.CheckConstraint(
                condition=Q(industry=Trim("industry")),
                name="account_industry_trimmed",
                violation_error_message="Industry must not start or end with spaces.",
            ),
            models.CheckConstraint(
                condition=Q(annual_revenue__isnull=True) | Q(annual_revenue__gte=0),
                name="account_annual_revenue_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(deployment_model__in=[c for c, _ in DeploymentModel.choices]),
                name="account_deployment_model_valid",
            ),
            models.CheckConstraint(
                condition=Q(infrastructure__in=[c for c, _ in Infrastructure.choices]),
                name="account_infrastructure_valid",
            ),
            models.CheckConstraint(
                condition=Q(lifecycle__in=[c for c, _ in Lifecycle.choices]),
                name="account_lifecycle_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "name"], name="account_ws_name"),
            models.Index(fields=["workspace", "industry"], name="account_ws_industry"),
            models.Index(fields=["workspace", "size_band"], name="account_ws_size_band"),
            models.Index(fields=["workspace", "country"], name="account_ws_country"),
            models.Index(fields=["workspace", "region"], name="account_ws_region"),
            models.Index(fields=["workspace", "deployment_model"], name="account_ws_deployment"),
            models.Index(fields=["workspace", "infrastructure"], name="account_ws_infra"),
            models.Index(fields=["workspace", "lifecycle"], name="account_ws_lifecycle"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Free-text dimensions are trimmed so " Fintech" and "Fintech" group together.
        for field in ("name", "domain", "industry", "country", "region", "external_id"):
            setattr(self, field, (getattr(self, field) or "").strip())


class Segment(WorkspaceOwnedModel):
    """A saved segment: a name and an AND-filter over account dimensions.

    ``filters`` maps a dimension to one value or a list of values, for example
    ``{"industry": "Fintech", "infrastructure": ["virtual_machines"]}``.
    """

    FILTERABLE = (
        "industry",
        "size_band",
        "country",
        "region",
        "deployment_model",
        "infrastructure",
        "lifecycle",
    )

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    filters = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="segment_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.filters, dict):
            raise ValidationError({"filters": "Give an object mapping dimensions to values."})
        unknown = sorted(set(self.filters) - set(self.FILTERABLE))
        if unknown:
            raise ValidationError(
                {
                    "filters": f"Unknown dimension(s): {', '.join(unknown)}. "
                    f"Use {', '.join(self.FILTERABLE)}."
                }
            )
        for dim, value in self.filters.items():
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, str) for v in values):
                raise ValidationError({"filters": f"{dim}: give a text value or a list of them."})
            if any("\x00" in v for v in values):
                raise ValidationError({"filters": f"{dim}: null characters are not allowed."})

    def account_q(self, prefix: str = "") -> Q:
        """The filter as a Q over Account (or over a relation to it, with prefix 'account__')."""
        q = Q()
        for dim, value in self.filters.items():
            values = value if isinstance(value, list) else [value]
            q &= Q(**{f"{prefix}{dim}__in": values})
        return q
