"""Values from other systems mapped to DealLens choices (PRODUCT.md §8); the words are data,
in data/vocabulary.toml.

Each function takes a cell's text (already non-empty) and returns ``(value, known)``: the DealLens
value and whether the source value was one we know (unknown ones are counted in the report).
"""

import tomllib
from collections.abc import Iterable
from pathlib import Path

from accounts_app.models import DeploymentModel, Infrastructure, Lifecycle
from crm_app.ingest.values import normalise
from deals_app.models import DealRole, LossReason, Stage
from personas_app.models import Seniority


def _table(pairs: dict[str, list[str]]) -> dict[str, str]:
    return {normalise(word): value for value, words in pairs.items() for word in words}


def _with_own_choices(
    table: dict[str, str], choices: Iterable[tuple[str, object]]
) -> dict[str, str]:
    """A DealLens value or label is understood too (a file exported from DealLens itself)."""
    for value, label in choices:
        table.setdefault(normalise(value), value)
        table.setdefault(normalise(str(label)), value)
    return table


with (Path(__file__).parent / "data" / "vocabulary.toml").open("rb") as _fh:
    _WORDS = tomllib.load(_fh)

ROLES = _with_own_choices(_table(_WORDS["roles"]), DealRole.Role.choices)
STAGES = _with_own_choices(_table(_WORDS["stages"]), Stage.choices)
LIFECYCLES = _with_own_choices(_table(_WORDS["lifecycles"]), Lifecycle.choices)
SENIORITIES = _with_own_choices({}, Seniority.choices)
DEPLOYMENT_MODELS = _with_own_choices(_table(_WORDS["deployment_models"]), DeploymentModel.choices)
INFRASTRUCTURES = _with_own_choices(_table(_WORDS["infrastructures"]), Infrastructure.choices)
STANCES = _with_own_choices({}, DealRole.Stance.choices)
LOSS_REASONS = _with_own_choices(_table(_WORDS["loss_reasons"]), LossReason.choices)


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
