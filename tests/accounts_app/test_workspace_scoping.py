"""Scoping never returns another workspace's rows; resolution never reveals other workspaces."""

import pytest
from django.apps import apps
from django.test import RequestFactory
from simple_history.models import HistoricalChanges

from accounts_app.models import Membership
from accounts_app.scoping import request_workspace
from accounts_app.selectors import membership_resolve
from common.models import WorkspaceOwnedModel
from tests.factories import (
    ActionItemFactory,
    AdvocacyFactory,
    BusinessCaseFactory,
    DealRoleFactory,
    EvidenceFactory,
    FeatureMentionFactory,
    ImportJobFactory,
    MembershipFactory,
    PersonaFactory,
    ScorecardItemFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts_app", "personas_app", "deals_app", "insights_app")


def _populate(workspace):
    """At least one row of every workspace-owned model in this workspace."""
    SegmentFactory.create(workspace=workspace)
    PersonaFactory.create(workspace=workspace)
    AdvocacyFactory.create(advocate__account__workspace=workspace)
    role = DealRoleFactory.create(deal__account__workspace=workspace)
    BusinessCaseFactory.create(deal=role.deal, workspace=workspace)
    ScorecardItemFactory.create(deal=role.deal)
    ImportJobFactory.create(workspace=workspace)
    TagFactory.create(workspace=workspace)
    ActionItemFactory.create(conversation__account__workspace=workspace)
    EvidenceFactory.create(assumption__workspace=workspace)
    FeatureMentionFactory.create(feature__workspace=workspace)
    from insights_app.models import InsightSnapshot, InsightState, InsightTask

    InsightTask.objects.create(workspace=workspace)
    InsightState.objects.create(workspace=workspace)
    InsightSnapshot.objects.create(
        workspace=workspace, version=1, dimension="industry", computed_at="2026-01-01T00:00Z"
    )


def _owned_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS and issubclass(m, WorkspaceOwnedModel)
    ]


def test_every_project_model_except_tenancy_itself_is_workspace_owned():
    tenancy = {"Workspace", "Membership"}
    not_owned = [
        m.__name__
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS
        and m.__name__ not in tenancy
        and not issubclass(m, WorkspaceOwnedModel)
        and not issubclass(m, HistoricalChanges)  # history copies: tests/test_isolation_meta.py
    ]
    assert not_owned == []


def test_for_workspace_returns_only_that_workspaces_rows_for_every_model():
    mine, theirs = WorkspaceFactory.create(), WorkspaceFactory.create()
    _populate(mine)
    _populate(theirs)
    for model in _owned_models():
        scoped = model.objects.for_workspace(mine)
        assert scoped.exists(), f"{model.__name__}: no rows created for the test"
        assert not scoped.exclude(workspace=mine).exists(), model.__name__
        assert model.objects.for_workspace(None).count() == 0


def test_every_related_row_built_by_the_factories_stays_in_its_workspace():
    workspace = WorkspaceFactory.create()
    _populate(workspace)
    for model in _owned_models():
        for obj in model.objects.all():
            for field in obj._meta.concrete_fields:
                target = getattr(obj, field.name, None) if field.is_relation else None
                if isinstance(target, WorkspaceOwnedModel):
                    assert target.workspace_id == obj.workspace_id, (model, field.name)


def test_resolution_picks_the_named_or_the_only_workspace():
    user = UserFactory.create()
    acme = MembershipFactory.create(user=user, workspace__slug="acme")
    assert membership_resolve(user=user) == acme
    globex = MembershipFactory.create(user=user, workspace__slug="globex")
    assert membership_resolve(user=user) is None  # ambiguous without a name
    assert membership_resolve(user=user, slug="globex") == globex


def test_a_workspace_the_user_is_not_in_resolves_to_nothing():
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace__slug="acme")
    WorkspaceFactory.create(slug="globex")
    assert membership_resolve(user=user, slug="globex") is None
    assert membership_resolve(user=user, slug="does-not-exist") is None


def test_a_request_naming_another_workspace_in_the_header_gets_none():
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace__slug="acme", role=Membership.Role.PM)
    WorkspaceFactory.create(slug="globex")
    request = RequestFactory().get("/", HTTP_X_WORKSPACE="globex")
    request.user, request.session = user, {}
    assert request_workspace(request) is None
    request = RequestFactory().get("/", HTTP_X_WORKSPACE="acme")
    request.user, request.session = user, {}
    assert request_workspace(request).slug == "acme"
