"""seed_demo --reset: delete a workspace's business data in bulk, keeping its members.

The ORM's delete() would load a million conversations to cascade them. Every workspace-owned
table has a workspace_id, so one DELETE per table does it: the tables seed_demo fills, every
workspace-owned table that refers to one of them (a hand-set scorecard letter refers to a
deal), and their many-to-many rows, children first. What does not hang off the data stays:
memberships, insight snapshots and task records (the seed marks the insights stale instead).
"""

from django.apps import apps
from django.db import connection

from accounts_app.models import Segment, Workspace
from common.models import WorkspaceOwnedModel
from deals_app.models import Tag
from insights_app.models import Assumption, FeatureRequest
from personas_app.models import Persona

from .tables import IN_ORDER

SEEDED = {table.model for table in IN_ORDER if not table.model._meta.auto_created} | {
    Persona,
    Tag,
    Assumption,
    FeatureRequest,
    Segment,
}


def workspace_data_delete(*, workspace: Workspace) -> None:
    """Delete the workspace's accounts, people, deals, conversations and what we learned."""
    models = _hanging_off(SEEDED)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through
                if through._meta.auto_created:
                    cursor.execute(
                        f"DELETE FROM {quote(through._meta.db_table)} "  # noqa: S608 - model names
                        f"WHERE {quote(m2m.m2m_column_name())} IN "
                        f"(SELECT id FROM {quote(model._meta.db_table)} WHERE workspace_id = %s)",
                        [workspace.pk],
                    )
        for model in _children_first(models):
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE workspace_id = %s",  # noqa: S608
                [workspace.pk],
            )


def _hanging_off(seeded: set) -> list:
    """The seeded models plus every workspace-owned model that refers to one of them."""
    chosen = set(seeded)
    owned = [
        m
        for m in apps.get_models()
        if issubclass(m, WorkspaceOwnedModel) and m._meta.managed and not m._meta.proxy
    ]
    grew = True
    while grew:
        grew = False
        for model in owned:
            if model not in chosen and any(
                field.is_relation and field.related_model in chosen
                for field in model._meta.concrete_fields
            ):
                chosen.add(model)
                grew = True
    return sorted(chosen, key=lambda m: m._meta.label)


def _children_first(models: list) -> list:
    """Order models so that one referring to another comes before it."""
    remaining, ordered = list(models), []
    while remaining:
        for model in remaining:
            referred_to = any(
                field.related_model is model
                for other in remaining
                if other is not model
                for field in other._meta.concrete_fields
                if field.is_relation
            )
            if not referred_to:
                break
        else:  # a cycle: deferred constraints let any order through within the transaction
            model = remaining[0]
        remaining.remove(model)
        ordered.append(model)
    return ordered
