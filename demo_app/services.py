"""``seed_demo`` fills a workspace with the demo data set; ``workspace_data_delete`` empties one.

``seed_demo`` makes the workspace, the demo logins and the reference rows, then writes the
generator's bulk data in batches. ``workspace_data_delete`` (``seed_demo --reset``) deletes a
workspace's business data in bulk, keeping its members.
"""

import datetime as dt
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from accounts_app.models import Account, Segment, Workspace
from accounts_app.services import membership_set, workspace_create_or_update
from common.exceptions import ApplicationError
from common.models import WorkspaceOwnedModel
from deals_app.models import Tag
from insights_app.models import Assumption, FeatureRequest
from insights_app.services import workspace_mark_dirty
from personas_app.models import Persona

from .generator import ACCOUNTS_PER_UNIT, DemoGenerator
from .generator.tables import IN_ORDER
from .generator.writers import IdAllocator, SerialSink, ThreadedSink, bulk_load_settings
from .reference import catalog, vocabulary

DEFAULT_SLUG, DEFAULT_NAME = "demo", "Demo Co"
MAX_SCALE = 1000
# Up to this many accounts the whole seed is one transaction; above it, one per batch.
SINGLE_TRANSACTION_ACCOUNTS = 2_000
ACCOUNTS_PER_BATCH = 1_000


@dataclass
class Refs:
    """Ids of the rows made before the bulk data, looked up by name."""

    users: dict[str, int]
    personas: dict[str, int]
    tags: dict[str, int]
    assumptions: list[int]
    features: list[int]
    deli_feature: int


@dataclass
class SeedResult:
    workspace: Workspace
    seeded: bool
    as_of: dt.date
    scale: float
    existing_accounts: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)
    seconds: float = 0.0
    logins: tuple = catalog.DEMO_LOGINS
    password: str = catalog.DEMO_PASSWORD
    login_url: str = catalog.LOGIN_URL


def seed_demo(
    *,
    slug: str = DEFAULT_SLUG,
    scale: float = 1.0,
    as_of: dt.date | None = None,
    reset: bool = False,
    if_empty: bool = False,
    progress: Callable[[int, int, float], None] | None = None,
) -> SeedResult:
    """Fill the workspace with the deterministic demo data set (PRODUCT.md §6).

    The workspace and the demo logins are made when missing; the logins' password is reset
    on every run. A workspace that has accounts already is left alone with ``if_empty``,
    emptied first with ``reset``, and refused otherwise.
    """
    if not 0 < scale <= MAX_SCALE:
        raise ApplicationError(f"Scale must be above 0 and at most {MAX_SCALE} (got {scale}).")
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    workspace = Workspace.objects.filter(slug=slug).first()
    existing = Account.objects.filter(workspace=workspace).count() if workspace else 0
    if existing and not reset and not if_empty:
        raise ApplicationError(
            f"Workspace '{slug}' already has {existing:,} accounts. Run seed_demo "
            f"--workspace {slug} --reset to replace its data with the demo data set, or "
            "--if-empty to keep it."
        )
    per_batch = round(ACCOUNTS_PER_UNIT * scale) > SINGLE_TRANSACTION_ACCOUNTS
    # The default scale is one transaction: a failure leaves the database as it was.
    with nullcontext() if per_batch else transaction.atomic():
        workspace = workspace or _workspace_create(slug)
        users = _users(workspace)
        result = SeedResult(workspace, seeded=False, as_of=as_of, scale=scale)
        result.existing_accounts = existing
        if existing and not reset:  # --if-empty: keep the data, but the logins work
            return result
        result.counts = _seed(workspace, users, as_of, scale, reset, progress, per_batch)
    result.seeded = True
    result.seconds = time.perf_counter() - started
    return result


def _seed(workspace, users, as_of, scale, reset, progress, per_batch) -> list:
    with transaction.atomic():
        bulk_load_settings()
        if reset:
            workspace_data_delete(workspace=workspace)
        refs, catalog_counts = _catalog_rows(workspace, users)
    generator = DemoGenerator(as_of=as_of, scale=scale, refs=refs, ids=IdAllocator())
    threaded = per_batch and connection.vendor == "postgresql"
    sink = (ThreadedSink if threaded else SerialSink)(workspace_id=workspace.pk, now=timezone.now())
    total, reported, started = generator.n_accounts, 0, time.perf_counter()
    try:
        for batch in generator.batches(ACCOUNTS_PER_BATCH):
            sink.put(batch)
            if progress is not None and per_batch and sink.accounts_written > reported:
                reported = sink.accounts_written
                progress(reported, total, time.perf_counter() - started)
        sink.close()
    except Exception as exc:
        if not per_batch:
            raise
        sink.abort()
        raise ApplicationError(
            f"seed_demo stopped after {sink.accounts_written:,} of {total:,} accounts were "
            f"written ({type(exc).__name__}: {exc}). Workspace '{workspace.slug}' holds partial "
            f"demo data; run seed_demo --workspace {workspace.slug} --reset to start over."
        ) from exc
    if progress is not None and per_batch and sink.accounts_written > reported:
        progress(sink.accounts_written, total, time.perf_counter() - started)
    # Bulk inserts send no model signals, so nothing else tells insights the data changed.
    workspace_mark_dirty(workspace_id=workspace.pk)
    counts = dict(catalog_counts)
    for table in IN_ORDER:
        counts[_label(table.model)] = sink.counts.get(table.label, 0)
    return list(counts.items())


def _label(model) -> str:
    if model._meta.auto_created:  # an M2M through table: "conversation participants"
        return model._meta.object_name.replace("_", " ").lower()
    return str(model._meta.verbose_name_plural)


# -- workspace and users ----------------------------------------------------------------------


def _workspace_create(slug: str) -> Workspace:
    name = DEFAULT_NAME if slug == DEFAULT_SLUG else slug.replace("-", " ").title()
    workspace, _ = workspace_create_or_update(slug=slug, name=name)
    return workspace


@transaction.atomic
def _users(workspace: Workspace) -> dict[str, int]:
    """The four demo logins (password reset every run) and the colleagues who own deals."""
    User = get_user_model()
    ids = {}
    people = [(u, role, first, last, True) for u, role, first, last in catalog.DEMO_LOGINS]
    people += [(u, "sales", first, last, False) for u, first, last in catalog.OTHER_SALES]
    people += [(u, "pm", first, last, False) for u, first, last in catalog.OTHER_PMS]
    for username, role, first, last, can_log_in in people:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@deallens.example")
            user.first_name, user.last_name = first, last
            if not can_log_in:
                user.set_unusable_password()
        if can_log_in:
            user.set_password(catalog.DEMO_PASSWORD)
            user.is_active = True
        user.save()
        membership_set(workspace=workspace, user=user, role=role)
        ids[username] = user.pk
    return ids


# -- reference rows ---------------------------------------------------------------------------


def _catalog_rows(workspace: Workspace, users: dict[str, int]) -> tuple[Refs, dict[str, int]]:
    """Personas, tags, assumptions, feature requests and segments (kept when they exist)."""
    ws = workspace
    personas = _ensure(
        Persona,
        ws,
        ("name",),
        [
            {"name": n, "kind": k, "goals": g, "pains": p, "success_metric": m}
            for n, k, g, p, m in catalog.PERSONAS
        ],
    )
    tag_specs = [("pain", vocabulary.PAINS), ("constraint", vocabulary.CONSTRAINTS)]
    tag_specs.append(("topic", vocabulary.TOPICS))
    tags = _ensure(
        Tag, ws, ("kind", "name"), [{"kind": k, "name": n} for k, names in tag_specs for n in names]
    )
    assumptions = _ensure(
        Assumption,
        ws,
        ("statement",),
        [
            {"statement": spec[0], "area": spec[1], "created_by_id": users["demo-pm"]}
            for spec in vocabulary.ASSUMPTIONS
        ],
    )
    features = _ensure(
        FeatureRequest,
        ws,
        ("title",),
        [
            {"title": t, "status": s, "description": d}
            for t, s, d, *_rest in (*vocabulary.FEATURES, vocabulary.DELI_FEATURE)
        ],
    )
    segments = _ensure(
        Segment,
        ws,
        ("name",),
        [{"name": n, "description": d, "filters": f} for n, d, f in vocabulary.SEGMENTS],
    )
    refs = Refs(
        users=users,
        personas={key[0]: pk for key, pk in personas.items()},
        tags={key[1]: pk for key, pk in tags.items()},
        assumptions=[assumptions[(spec[0],)] for spec in vocabulary.ASSUMPTIONS],
        features=[features[(spec[0],)] for spec in vocabulary.FEATURES],
        deli_feature=features[(vocabulary.DELI_FEATURE[0],)],
    )
    counts = {
        _label(model): len(rows)
        for model, rows in (
            (Persona, personas),
            (Tag, tags),
            (Assumption, assumptions),
            (FeatureRequest, features),
            (Segment, segments),
        )
    }
    return refs, counts


def _ensure(model, workspace, key, rows) -> dict[tuple, int]:
    """Rows of the workspace by natural key, creating those that are missing."""
    existing = {
        tuple(values[:-1]): values[-1]
        for values in model.objects.filter(workspace=workspace).values_list(*key, "id")
    }
    missing = [row for row in rows if tuple(row[k] for k in key) not in existing]
    model.objects.bulk_create([model(workspace=workspace, **row) for row in missing])
    found = model.objects.filter(workspace=workspace).values_list(*key, "id")
    wanted = {tuple(row[k] for k in key) for row in rows}
    return {tuple(v[:-1]): v[-1] for v in found if tuple(v[:-1]) in wanted}


# -- reset ------------------------------------------------------------------------------------
# The ORM's delete() would load a million conversations to cascade them. Every workspace-owned
# table has a workspace_id, so one DELETE per table does it: the tables seed_demo fills, every
# workspace-owned table that refers to one of them (a hand-set scorecard letter refers to a
# deal), and their many-to-many rows, children first. What does not hang off the data stays:
# memberships, insight snapshots and task records (the seed marks the insights stale instead).

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
