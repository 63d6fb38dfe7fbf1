"""conversation_log: one call saves a conversation with everything heard in it, or nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from common.exceptions import ApplicationError
from conversations_app.services import LogRows, conversation_log, conversation_log_update
from deals_app.models import ActionItem, Conversation, Tag
from insights_app.models import Evidence, FeatureMention, FeatureRequest
from personas_app.models import Contact
from tests.factories import (
    AccountFactory,
    AssumptionFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    FeatureRequestFactory,
    MembershipFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(workspace):
    user = UserFactory.create(username="pat")
    MembershipFactory.create(user=user, workspace=workspace, role="pm")
    return user


@pytest.fixture
def account(workspace):
    return AccountFactory.create(workspace=workspace, name="Initech")


def counts() -> dict:
    return {
        "conversations": Conversation.objects.count(),
        "contacts": Contact.objects.count(),
        "tags": Tag.objects.count(),
        "action_items": ActionItem.objects.count(),
        "evidence": Evidence.objects.count(),
        "mentions": FeatureMention.objects.count(),
        "features": FeatureRequest.objects.count(),
    }


def full_rows(workspace, pm, assumption, feature) -> LogRows:
    return LogRows(
        new_contacts=[{"name": "Dana Scully", "title": "Head of SRE"}],
        tag_names={"pain": ["Alert fatigue", " alert  FATIGUE "], "topic": ["OpenTelemetry"]},
        action_items=[{"text": "Send the migration guide", "owner": pm, "due_on": None}],
        evidence=[{"assumption": assumption, "verdict": "supports", "quote": "No agents."}],
        mentions=[
            {"feature": feature, "importance": "critical", "quote": "We need SSO."},
            {"new_feature_title": "VM fleet view", "importance": "important", "quote": ""},
        ],
    )


def test_logging_saves_every_row_in_one_call(workspace, pm, account):
    deal = DealFactory.create(account=account)
    champion = ContactFactory.create(account=account, last_name="Mulder")
    existing = TagFactory.create(workspace=workspace, kind="pain", name="Alert fatigue")
    assumption = AssumptionFactory.create(workspace=workspace)
    feature = FeatureRequestFactory.create(workspace=workspace, title="SAML SSO")

    conversation = conversation_log(
        workspace=workspace,
        logged_by=pm,
        account=account,
        deal=deal,
        occurred_on=dt.date(2026, 3, 1),
        kind="discovery",
        title="Discovery with Initech",
        notes="They page **three** teams.",
        participants=[champion],
        rows=full_rows(workspace, pm, assumption, feature),
    )

    assert conversation.logged_by == pm
    scully = Contact.objects.get(last_name="Scully")
    assert set(conversation.participants.all()) == {champion, scully}
    assert (scully.account, scully.title, scully.workspace) == (account, "Head of SRE", workspace)
    assert set(conversation.tags.all()) == {existing, Tag.objects.get(name="OpenTelemetry")}
    item = conversation.action_items.get()
    assert (item.text, item.owner, item.workspace) == ("Send the migration guide", pm, workspace)
    assert conversation.evidence.get().assumption == assumption
    mentions = {m.feature.title: m for m in conversation.feature_mentions.all()}
    assert set(mentions) == {"SAML SSO", "VM fleet view"}
    assert all(m.account == account and m.deal == deal for m in mentions.values())


def test_an_invalid_row_rolls_back_everything(workspace, pm, account):
    assumption = AssumptionFactory.create(workspace=workspace)
    feature = FeatureRequestFactory.create(workspace=workspace)
    rows = full_rows(workspace, pm, assumption, feature)
    rows.evidence.append({"assumption": assumption, "verdict": "maybe", "quote": ""})
    before = counts()

    with pytest.raises(ValidationError):
        conversation_log(
            workspace=workspace,
            logged_by=pm,
            account=account,
            occurred_on=dt.date(2026, 3, 1),
            title="Never saved",
            rows=rows,
        )

    assert counts() == before


@pytest.mark.parametrize(
    "picked",
    ["account", "deal", "participant", "assumption", "feature", "owner"],
)
def test_every_picked_row_must_belong_to_the_workspace(
    workspace, other_workspace, pm, account, picked
):
    stranger = AccountFactory.create(workspace=other_workspace)
    assumption = AssumptionFactory.create(workspace=workspace)
    feature = FeatureRequestFactory.create(workspace=workspace)
    fields = {"account": account, "deal": None}
    participants = []
    rows = LogRows(
        evidence=[{"assumption": assumption, "verdict": "supports"}],
        mentions=[{"feature": feature}],
    )
    if picked == "account":
        fields["account"] = stranger
    elif picked == "deal":
        fields["deal"] = DealFactory.create(account=stranger)
    elif picked == "participant":
        participants = [ContactFactory.create(account=stranger)]
    elif picked == "assumption":
        rows.evidence[0]["assumption"] = AssumptionFactory.create(workspace=other_workspace)
    elif picked == "feature":
        rows.mentions[0]["feature"] = FeatureRequestFactory.create(workspace=other_workspace)
    elif picked == "owner":
        outsider = UserFactory.create()
        MembershipFactory.create(user=outsider, workspace=other_workspace, role="pm")
        rows.action_items = [{"text": "Call back", "owner": outsider}]
    before = counts()

    with pytest.raises(ValidationError):
        conversation_log(
            workspace=workspace,
            logged_by=pm,
            occurred_on=dt.date(2026, 3, 1),
            title="Cross-workspace",
            participants=participants,
            rows=rows,
            **fields,
        )

    assert counts() == before


def test_a_stated_reason_needs_a_win_loss_interview(workspace, pm, account):
    with pytest.raises(ValidationError, match="win/loss"):
        conversation_log(
            workspace=workspace,
            logged_by=pm,
            account=account,
            occurred_on=dt.date(2026, 3, 1),
            title="Check-in",
            kind="check_in",
            stated_reason="price",
        )
    assert not Conversation.objects.exists()


def test_updating_replaces_the_rows_and_keeps_the_rest(workspace, pm, account):
    conversation = ConversationFactory.create(account=account, title="Old title")
    assumption = AssumptionFactory.create(workspace=workspace)
    conversation_log_update(
        workspace=workspace,
        conversation=conversation,
        title="Old title",
        rows=LogRows(evidence=[{"assumption": assumption, "verdict": "supports"}]),
    )
    conversation_log_update(
        workspace=workspace,
        conversation=conversation,
        title="New title",
        rows=LogRows(
            evidence=[{"assumption": assumption, "verdict": "contradicts"}],
            action_items=[{"text": "Follow up", "done": True}],
        ),
    )
    conversation.refresh_from_db()
    assert conversation.title == "New title"
    assert [e.verdict for e in conversation.evidence.all()] == ["contradicts"]
    assert [(a.text, a.done) for a in conversation.action_items.all()] == [("Follow up", True)]


def test_updating_another_workspaces_conversation_is_refused(workspace, other_workspace):
    conversation = ConversationFactory.create(account__workspace=other_workspace)
    with pytest.raises(ApplicationError):
        conversation_log_update(workspace=workspace, conversation=conversation, title="Mine now")
