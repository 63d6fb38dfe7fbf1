"""Pains, constraints and topics: the form suggests the workspace's tags, and a name typed in
another case reuses the existing tag instead of creating a near-duplicate."""

import pytest

from deals_app.models import Conversation, Tag
from tests.conversations_app.log_support import log_data
from tests.factories import AccountFactory, ConversationFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_the_form_suggests_the_workspaces_tags_by_kind(client, member, workspace, other_workspace):
    TagFactory.create(workspace=workspace, name="Manual patching", kind="pain")
    TagFactory.create(workspace=workspace, name="FedRAMP", kind="constraint")
    TagFactory.create(workspace=other_workspace, name="Their secret pain", kind="pain")
    client.force_login(member("pm"))

    page = client.get("/conversations/new/").content.decode()

    assert 'list="tag-options-pain"' in page
    pains = page.split('id="tag-options-pain"')[1].split("</datalist>")[0]
    assert '<option value="Manual patching">' in pains
    assert "FedRAMP" not in pains  # a constraint, offered under constraints
    assert '<option value="FedRAMP">' in page.split('id="tag-options-constraint"')[1]
    assert "Their secret pain" not in page


def test_the_most_used_tags_come_first(client, member, workspace):
    account = AccountFactory.create(workspace=workspace)
    rare = TagFactory.create(workspace=workspace, name="Alert fatigue", kind="pain")
    common = TagFactory.create(workspace=workspace, name="Tool sprawl", kind="pain")
    for _ in range(3):
        ConversationFactory.create(account=account).tags.add(common)
    ConversationFactory.create(account=account).tags.add(rare)
    client.force_login(member("pm"))

    page = client.get("/conversations/new/").content.decode()

    assert page.index('value="Tool sprawl"') < page.index('value="Alert fatigue"')


def test_a_tag_typed_in_another_case_reuses_the_existing_one(client, member, workspace):
    AccountFactory.create(workspace=workspace, name="Initech")
    existing = TagFactory.create(workspace=workspace, name="Manual patching", kind="pain")
    client.force_login(member("pm"))

    response = client.post(
        "/conversations/new/",
        log_data(account="Initech", pains="manual patching,  MANUAL   PATCHING , Slow releases"),
    )

    assert response.status_code == 302
    assert sorted(Tag.objects.filter(kind="pain").values_list("name", flat=True)) == [
        "Manual patching",
        "Slow releases",
    ]
    assert existing in Conversation.objects.get().tags.all()
