"""Conversation, assumption and feature-request events (PRODUCT.md §12)."""

import datetime as dt

import pytest

from conversations_app.services import LogRows, conversation_log
from deals_app.services import conversation_delete
from events_app.models import Event
from insights_app.services.catalog import (
    evidence_create,
    evidence_delete,
    feature_request_create,
)
from tests.factories import (
    AccountFactory,
    AssumptionFactory,
    ConversationFactory,
    EvidenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_logging_a_conversation_writes_conversation_logged(workspace):
    pm = UserFactory.create()
    account = AccountFactory.create(workspace=workspace, name="Charlotte Health")
    conversation = conversation_log(
        workspace=workspace,
        logged_by=pm,
        account=account,
        occurred_on=dt.date(2026, 11, 30),
        title="Discovery call",
        kind="discovery",
    )
    event = Event.objects.get(type="conversation.logged")
    assert event.object_url == f"/conversations/{conversation.pk}/"
    assert event.actor == pm
    assert event.data["account"] == "Charlotte Health"
    assert "Discovery call" in event.summary


def test_the_third_supporting_evidence_validates_the_assumption(workspace):
    assumption = AssumptionFactory.create(workspace=workspace, statement="Teams want SSO")
    for _ in range(2):
        EvidenceFactory.create(workspace=workspace, assumption=assumption, verdict="supports")
    conversation = ConversationFactory.create(workspace=workspace)
    evidence_create(
        workspace=workspace, assumption=assumption, conversation=conversation, verdict="supports"
    )
    event = Event.objects.get(type="assumption.status_changed")
    assert (event.data["from"], event.data["to"]) == ("mixed", "validated")
    assert event.object_url == f"/assumptions/{assumption.pk}/"
    assert "validated" in event.summary


def test_evidence_that_keeps_the_status_writes_nothing(workspace):
    assumption = AssumptionFactory.create(workspace=workspace)
    conversation = ConversationFactory.create(workspace=workspace)
    evidence_create(
        workspace=workspace, assumption=assumption, conversation=conversation, verdict="supports"
    )
    assert Event.objects.filter(type="assumption.status_changed").count() == 1  # untested→mixed
    evidence_create(
        workspace=workspace, assumption=assumption, conversation=conversation, verdict="supports"
    )
    assert Event.objects.filter(type="assumption.status_changed").count() == 1  # still mixed


def test_removing_evidence_and_deleting_its_conversation_move_the_status(workspace):
    assumption = AssumptionFactory.create(workspace=workspace)
    conversation = ConversationFactory.create(workspace=workspace)
    one = EvidenceFactory.create(
        workspace=workspace, assumption=assumption, conversation=conversation, verdict="supports"
    )
    evidence_delete(workspace=workspace, evidence=one)
    assert Event.objects.get(type="assumption.status_changed").data["to"] == "untested"
    EvidenceFactory.create(
        workspace=workspace, assumption=assumption, conversation=conversation, verdict="supports"
    )
    conversation_delete(workspace=workspace, conversation=conversation)
    last = Event.objects.filter(type="assumption.status_changed").order_by("id").last()
    assert (last.data["from"], last.data["to"]) == ("mixed", "untested")


def test_evidence_logged_with_a_conversation_moves_the_status(workspace):
    assumption = AssumptionFactory.create(workspace=workspace)
    account = AccountFactory.create(workspace=workspace)
    conversation_log(
        workspace=workspace,
        logged_by=None,
        account=account,
        occurred_on=dt.date(2026, 11, 30),
        title="Call",
        rows=LogRows(evidence=[{"assumption": assumption, "verdict": "contradicts"}]),
    )
    assert Event.objects.get(type="assumption.status_changed").data["to"] == "mixed"


def test_a_new_feature_request_writes_feature_request_created(workspace):
    feature = feature_request_create(workspace=workspace, title="SAML single sign-on")
    event = Event.objects.get(type="feature_request.created")
    assert event.object_url == f"/features/{feature.pk}/"
    assert event.data["title"] == "SAML single sign-on"


def test_a_feature_named_while_logging_writes_feature_request_created(workspace):
    account = AccountFactory.create(workspace=workspace)
    conversation_log(
        workspace=workspace,
        logged_by=None,
        account=account,
        occurred_on=dt.date(2026, 11, 30),
        title="Call",
        rows=LogRows(mentions=[{"new_feature_title": "Audit log export"}]),
    )
    assert Event.objects.get(type="feature_request.created").data["title"] == "Audit log export"
