"""Values from other systems mapped to DealLens choices (PRODUCT.md §8).

Each function takes a cell's text (already non-empty) and returns ``(value, known)``: the DealLens
value and whether the source value was one we know (unknown ones are counted in the report).
"""

from accounts_app.models import DeploymentModel, Infrastructure, Lifecycle
from deals_app.models import DealRole, LossReason, Stage
from personas_app.models import Seniority

from .values import normalise


def _table(pairs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise(word): value for value, words in pairs.items() for word in words}


def _with_own_choices(table: dict[str, str], choices) -> dict[str, str]:
    """A DealLens value or label is understood too (a file exported from DealLens itself)."""
    for value, label in choices:
        table.setdefault(normalise(value), value)
        table.setdefault(normalise(str(label)), value)
    return table


ROLES = _with_own_choices(
    _table(
        {
            "economic_buyer": (
                "Economic Buyer",
                "Economic Decision Maker",
                "BUDGET_HOLDER",
                "Budget Holder",
            ),
            "decision_maker": ("Decision Maker", "DECISION_MAKER"),
            "technical_evaluator": ("Technical Buyer", "Evaluator"),
            "executive_sponsor": ("Executive Sponsor", "EXECUTIVE_SPONSOR"),
            "champion": ("Champion", "CHAMPION"),
            "influencer": ("Influencer", "INFLUENCER"),
            "user": ("Business User", "END_USER", "End User"),
            "blocker": ("BLOCKER", "Blocker"),
            "legal_procurement": ("LEGAL_AND_COMPLIANCE", "Legal and Compliance"),
            "other": ("Other", "OTHER"),
        }
    ),
    DealRole.Role.choices,
)

STAGES = _with_own_choices(
    _table(
        {
            "prospecting": ("Prospecting", "appointmentscheduled", "Appointment Scheduled"),
            "discovery": ("Qualification", "Needs Analysis", "qualifiedtobuy", "Qualified To Buy"),
            "evaluation": (
                "Value Proposition",
                "Id. Decision Makers",
                "Perception Analysis",
                "presentationscheduled",
                "Presentation Scheduled",
                "decisionmakerboughtin",
                "Decision Maker Bought-In",
            ),
            "proposal": ("Proposal/Price Quote",),
            "negotiation": ("Negotiation/Review", "contractsent", "Contract Sent"),
            "closed_won": ("Closed Won", "closedwon", "Won"),
            "closed_lost": ("Closed Lost", "closedlost", "Lost", "Loss"),
        }
    ),
    Stage.choices,
)

LIFECYCLES = _with_own_choices(
    _table(
        {
            "customer": (
                "Customer",
                "Customer - Direct",
                "Customer - Channel",
                "evangelist",
                "Active Customer",
            ),
            "prospect": (
                "Prospect",
                "lead",
                "subscriber",
                "marketingqualifiedlead",
                "salesqualifiedlead",
                "opportunity",
                "Marketing Qualified Lead",
                "Sales Qualified Lead",
            ),
            "partner": (
                "Partner",
                "Channel Partner / Reseller",
                "Technology Partner",
                "Installation Partner",
                "Reseller",
                "Channel Partner",
            ),
            "churned": ("Former Customer", "Churned", "Lost Customer"),
        }
    ),
    Lifecycle.choices,
)

SENIORITIES = _with_own_choices({}, Seniority.choices)
DEPLOYMENT_MODELS = _with_own_choices(
    _table({"on_prem": ("on-prem", "onprem", "on premise", "on premises")}),
    DeploymentModel.choices,
)
INFRASTRUCTURES = _with_own_choices(
    _table({"virtual_machines": ("vm", "vms", "virtual machine")}), Infrastructure.choices
)
STANCES = _with_own_choices({}, DealRole.Stance.choices)
LOSS_REASONS = _with_own_choices(
    _table(
        {
            "price": ("budget", "too expensive", "pricing"),
            "competitor": ("lost to competitor", "competition"),
            "no_decision": ("no decision", "status quo", "do nothing"),
        }
    ),
    LossReason.choices,
)


def lookup(table: dict[str, str], raw: str, default: str) -> tuple[str, bool]:
    value = table.get(normalise(raw))
    return (value, True) if value is not None else (default, False)


def stage(raw: str) -> tuple[str, bool]:
    """Salesforce, HubSpot and plain stage names; an unknown stage is an open one: discovery."""
    return lookup(STAGES, raw, Stage.DISCOVERY)


def role(raw: str) -> tuple[str, bool]:
    return lookup(ROLES, raw, DealRole.Role.OTHER)


def roles(raw: str) -> list[tuple[str, bool]]:
    """HubSpot's buying role is a multiple checkbox: ``CHAMPION;END_USER``."""
    return [role(part) for part in raw.split(";") if part.strip()]
