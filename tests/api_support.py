"""Helpers for the API tests: authenticated clients and a workspace with one of everything."""

from dataclasses import dataclass

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts_app.models import Membership
from deals_app.models import DealRole
from tests.factories import (
    AccountFactory,
    ActionItemFactory,
    AdvocacyFactory,
    AssumptionFactory,
    BusinessCaseFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    DealRoleFactory,
    EvidenceFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
    MembershipFactory,
    PersonaFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)


def api_client(user=None, workspace=None) -> APIClient:
    """A client with ``Authorization: Token …`` (and X-Workspace when a workspace is given)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    if workspace is not None:
        client.defaults["HTTP_X_WORKSPACE"] = workspace.slug
    return client


def member_client(workspace, role=Membership.Role.ADMIN, username=None):
    user = UserFactory.create(**({"username": username} if username else {}))
    MembershipFactory.create(user=user, workspace=workspace, role=role)
    return api_client(user), user


@dataclass
class World:
    """One row of every API resource in a workspace, linked to each other."""

    account: object
    persona: object
    contact: object
    manager: object
    advocacy: object
    deal: object
    deal_role: object
    business_case: object
    tag: object
    conversation: object
    action_item: object
    assumption: object
    evidence: object
    feature_request: object
    feature_mention: object
    segment: object
    owner: object

    def by_resource(self) -> dict[str, object]:
        return {
            "accounts": self.account,
            "personas": self.persona,
            "contacts": self.contact,
            "advocacies": self.advocacy,
            "deals": self.deal,
            "deal-roles": self.deal_role,
            "business-cases": self.business_case,
            "tags": self.tag,
            "conversations": self.conversation,
            "action-items": self.action_item,
            "assumptions": self.assumption,
            "evidence": self.evidence,
            "feature-requests": self.feature_request,
            "feature-mentions": self.feature_mention,
            "segments": self.segment,
        }


def build_world(workspace, *, owner=None, related: int = 1) -> World:
    """Every resource once in ``workspace``; ``related`` people/tags/roles hang off the deal
    and the conversation (to show that reads do not grow with them)."""
    owner = owner or UserFactory.create()
    Membership.objects.get_or_create(
        user=owner, workspace=workspace, defaults={"role": Membership.Role.SALES}
    )
    account = AccountFactory.create(workspace=workspace, name=f"Initech {workspace.slug}")
    persona = PersonaFactory.create(workspace=workspace)
    manager = ContactFactory.create(account=account, persona=persona, title="VP Engineering")
    contact = ContactFactory.create(account=account, persona=persona, reports_to=manager)
    advocacy = AdvocacyFactory.create(advocate=contact, audience=manager)
    deal = DealFactory.create(account=account, owner=owner, competitor="Globex Monitoring")
    deal_role = DealRoleFactory.create(
        deal=deal,
        contact=contact,
        role=DealRole.Role.CHAMPION,
        last_engaged_on=timezone.localdate(),
    )
    business_case = BusinessCaseFactory.create(deal=deal)
    tag = TagFactory.create(workspace=workspace)
    conversation = ConversationFactory.create(account=account, deal=deal, logged_by=owner)
    conversation.participants.add(contact)
    conversation.tags.add(tag)
    for i in range(related - 1):
        person = ContactFactory.create(account=account, reports_to=manager)
        DealRoleFactory.create(deal=deal, contact=person, role=DealRole.Role.USER)
        AdvocacyFactory.create(advocate=person, audience=contact)
        conversation.participants.add(person)
        conversation.tags.add(TagFactory.create(workspace=workspace, name=f"Pain {i}"))
        BusinessCaseFactory.create(deal=deal)
    action_item = ActionItemFactory.create(conversation=conversation, owner=owner)
    assumption = AssumptionFactory.create(workspace=workspace, created_by=owner)
    evidence = EvidenceFactory.create(assumption=assumption, conversation=conversation)
    feature_request = FeatureRequestFactory.create(workspace=workspace)
    feature_mention = FeatureMentionFactory.create(
        feature=feature_request, account=account, deal=deal, conversation=conversation
    )
    segment = SegmentFactory.create(workspace=workspace)
    return World(
        account=account,
        persona=persona,
        contact=contact,
        manager=manager,
        advocacy=advocacy,
        deal=deal,
        deal_role=deal_role,
        business_case=business_case,
        tag=tag,
        conversation=conversation,
        action_item=action_item,
        assumption=assumption,
        evidence=evidence,
        feature_request=feature_request,
        feature_mention=feature_mention,
        segment=segment,
        owner=owner,
    )
