"""factory_boy factories with realistic defaults; related rows share one workspace."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts_app.models import Account, Membership, Segment, Workspace
from common import encryption
from deals_app.models import (
    ActionItem,
    BusinessCase,
    Conversation,
    Deal,
    DealRole,
    ScorecardItem,
    Tag,
)
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest
from personas_app.models import Advocacy, Contact, Persona
from surveys_app.models import Survey


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@vendor.example")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(DjangoModelFactory):
    class Meta:
        model = Workspace
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Membership.Role.PM


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Faker("company")
    domain = factory.LazyAttribute(
        lambda a: a.name.lower().replace(" ", "").replace(",", "")[:30] + ".example"
    )
    industry = "Financial services"
    employee_count = 2500
    country = "Germany"
    region = "EMEA"
    deployment_model = Account.DeploymentModel.HYBRID
    infrastructure = Account.Infrastructure.VIRTUAL_MACHINES
    lifecycle = Account.Lifecycle.PROSPECT


class SegmentFactory(DjangoModelFactory):
    class Meta:
        model = Segment

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")
    filters = factory.LazyFunction(lambda: {"infrastructure": "virtual_machines"})


class PersonaFactory(DjangoModelFactory):
    class Meta:
        model = Persona
        django_get_or_create = ("workspace", "name")

    workspace = factory.SubFactory(WorkspaceFactory)
    name = "SRE"
    kind = Persona.Kind.USER
    success_metric = "MTTR"


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    workspace = factory.SelfAttribute("account.workspace")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    title = "Site Reliability Engineer"
    seniority = Contact.Seniority.IC
    email = factory.LazyAttribute(
        lambda c: f"{c.first_name}.{c.last_name}@customer.example".lower()
    )


class AdvocacyFactory(DjangoModelFactory):
    class Meta:
        model = Advocacy

    advocate = factory.SubFactory(ContactFactory)
    audience = factory.SubFactory(
        ContactFactory, account=factory.SelfAttribute("..advocate.account")
    )
    workspace = factory.SelfAttribute("advocate.workspace")


class DealFactory(DjangoModelFactory):
    class Meta:
        model = Deal

    account = factory.SubFactory(AccountFactory)
    workspace = factory.SelfAttribute("account.workspace")
    name = factory.LazyAttribute(lambda d: f"{d.account.name} – platform")
    stage = Deal.Stage.DISCOVERY
    amount = Decimal("120000.00")
    created_on = dt.date(2026, 1, 15)
    close_date = dt.date(2026, 6, 30)


class DealRoleFactory(DjangoModelFactory):
    class Meta:
        model = DealRole

    deal = factory.SubFactory(DealFactory)
    contact = factory.SubFactory(ContactFactory, account=factory.SelfAttribute("..deal.account"))
    workspace = factory.SelfAttribute("deal.workspace")
    role = DealRole.Role.USER
    stance = DealRole.Stance.SUPPORTER


class BusinessCaseFactory(DjangoModelFactory):
    class Meta:
        model = BusinessCase

    deal = factory.SubFactory(DealFactory)
    workspace = factory.SelfAttribute("deal.workspace")
    metric = BusinessCase.Metric.COST_SAVINGS
    description = "Retire two legacy monitoring tools."
    estimated_annual_value = Decimal("400000.00")


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("workspace", "kind", "name")

    workspace = factory.SubFactory(WorkspaceFactory)
    name = "Alert fatigue"
    kind = Tag.Kind.PAIN


class ConversationFactory(DjangoModelFactory):
    class Meta:
        model = Conversation

    account = factory.SubFactory(AccountFactory)
    workspace = factory.SelfAttribute("account.workspace")
    occurred_on = dt.date(2026, 3, 10)
    kind = Conversation.Kind.DISCOVERY
    title = "Discovery call"
    notes = "They page three teams for every incident."
    duration_minutes = 45


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    conversation = factory.SubFactory(ConversationFactory)
    workspace = factory.SelfAttribute("conversation.workspace")
    text = "Send the migration guide"


class AssumptionFactory(DjangoModelFactory):
    class Meta:
        model = Assumption

    workspace = factory.SubFactory(WorkspaceFactory)
    statement = "Teams on virtual machines will not adopt an agent-based product."
    area = "Deployment"


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    assumption = factory.SubFactory(AssumptionFactory)
    workspace = factory.SelfAttribute("assumption.workspace")
    conversation = factory.SubFactory(
        ConversationFactory, account__workspace=factory.SelfAttribute("...assumption.workspace")
    )
    verdict = Evidence.Verdict.SUPPORTS
    quote = "We cannot install agents on the VM fleet."


class FeatureRequestFactory(DjangoModelFactory):
    class Meta:
        model = FeatureRequest

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"SAML single sign-on {n}")


class FeatureMentionFactory(DjangoModelFactory):
    class Meta:
        model = FeatureMention

    feature = factory.SubFactory(FeatureRequestFactory)
    workspace = factory.SelfAttribute("feature.workspace")
    account = factory.SubFactory(
        AccountFactory, workspace=factory.SelfAttribute("..feature.workspace")
    )
    importance = FeatureMention.Importance.IMPORTANT


class ScorecardItemFactory(DjangoModelFactory):
    class Meta:
        model = ScorecardItem

    deal = factory.SubFactory(DealFactory)
    workspace = factory.SelfAttribute("deal.workspace")
    key = ScorecardItem.Key.DECISION_CRITERIA
    status = ScorecardItem.Status.PARTIAL
    note = "Security review and SSO are the written criteria."


class ImportJobFactory(DjangoModelFactory):
    """A finished CRM import (the files it read are gone once it is over)."""

    class Meta:
        model = "crm_app.ImportJob"

    workspace = factory.SubFactory(WorkspaceFactory)
    state = "succeeded"
    progress = 100
    files = factory.LazyFunction(
        lambda: [
            {
                "name": "Account.csv",
                "path": "",
                "kind": "account",
                "source": "Salesforce Account export",
                "columns": {"external_id": "Id", "name": "Name"},
                "rows": 1,
            }
        ]
    )
    counts = factory.LazyFunction(
        lambda: {
            kind: {"created": int(kind == "account"), "updated": 0, "unchanged": 0, "skipped": 0}
            for kind in ("account", "contact", "deal", "deal_role")
        }
    )


FACTORY_CRM_SECRET = "factory-secret-never-shown-9f3a"  # noqa: S105 - a test's fake secret


class CrmConnectionFactory(DjangoModelFactory):
    """A Salesforce connection with encrypted (fake) credentials; nothing listens at its URL."""

    class Meta:
        model = "crm_app.CrmConnection"

    workspace = factory.SubFactory(WorkspaceFactory)
    kind = "salesforce"
    name = factory.Sequence(lambda n: f"Salesforce org {n}")
    instance_url = "https://acme.my.salesforce.com"
    credentials_encrypted = factory.LazyFunction(
        lambda: encryption.encrypt(
            json.dumps({"client_id": "factory-client", "client_secret": FACTORY_CRM_SECRET})
        )
    )
    credentials_hint = "…9f3a"
    segment_fields = factory.LazyFunction(
        lambda: {
            "industry": "Industry",
            "size": "NumberOfEmployees",
            "region": "BillingCountry",
            "infrastructure": "",
        }
    )
    schedule_minutes = 15


class SyncRunFactory(DjangoModelFactory):
    """A finished sync run of a connection (its workspace follows the connection's)."""

    class Meta:
        model = "crm_app.SyncRun"

    connection = factory.SubFactory(CrmConnectionFactory)
    workspace = factory.LazyAttribute(lambda o: o.connection.workspace)
    state = "succeeded"
    trigger = "manual"
    counts = factory.LazyFunction(
        lambda: {
            "Account": {"created": 3, "updated": 1, "unchanged": 0, "deleted": 0, "skipped": 0},
            "Opportunity": {"created": 5, "updated": 0, "unchanged": 0, "deleted": 1, "skipped": 1},
        }
    )
    requests = 7
    message = "Account: 3 created, 1 updated, 0 deleted"
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


class SurveyFactory(DjangoModelFactory):
    """A survey sent today about a lost deal; its token is ``raw_token`` (kept only here)."""

    class Meta:
        model = Survey
        exclude = ["raw_token"]

    deal = factory.SubFactory(DealFactory, stage=Deal.Stage.CLOSED_LOST, loss_reason="price")
    contact = factory.SubFactory(ContactFactory, account=factory.SelfAttribute("..deal.account"))
    workspace = factory.SelfAttribute("deal.workspace")
    raw_token = factory.Sequence(lambda n: f"test-token-{n}-" + "x" * 30)
    token_hash = factory.LazyAttribute(lambda s: hashlib.sha256(s.raw_token.encode()).hexdigest())
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
