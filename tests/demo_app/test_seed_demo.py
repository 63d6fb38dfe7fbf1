"""seed_demo: a deterministic demo data set with the patterns a dashboard should show."""

import datetime as dt
import re
import time
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, Sum

from accounts_app.models import Account, Membership, Segment, Workspace
from deals_app.models import ActionItem, BusinessCase, Conversation, Deal, DealRole, Tag
from demo_app.generator import writers
from demo_app.reference import vocabulary
from demo_app.services import workspace_data_delete
from insights_app.models import Assumption, Evidence, FeatureMention, FeatureRequest, InsightState
from personas_app.models import Advocacy, Contact, Persona
from tests.factories import AccountFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
CLOSED = ("closed_won", "closed_lost")
LOGINS = {"demo-admin": "admin", "demo-pm": "pm", "demo-sales": "sales", "demo-exec": "exec"}


def seed(*args, **options) -> str:
    out = StringIO()
    options.setdefault("as_of", AS_OF.isoformat())
    flags = [f"--{key.replace('_', '-')}={value}" for key, value in options.items()]
    call_command("seed_demo", *args, *flags, stdout=out)
    return out.getvalue()


def _drop_demo_data(slugs) -> None:
    for workspace in Workspace.objects.filter(slug__in=slugs):
        workspace_data_delete(workspace=workspace)
        workspace.delete()
    get_user_model().objects.filter(username__startswith="demo-").delete()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The default-scale demo workspace, seeded once for the read-only tests of this module."""
    with django_db_blocker.unblock():
        output = seed()
        yield Workspace.objects.get(slug="demo"), output
        with transaction.atomic():
            _drop_demo_data(["demo"])


def content(workspace) -> dict[str, list]:
    """Everything seeded into a workspace, without primary keys (related rows by natural key)."""
    ws = {"workspace": workspace}
    deal = ("deal__name", "deal__created_on", "deal__close_date")
    conversation = ("conversation__title", "conversation__occurred_on")
    queries = {
        Account: (
            "name", "domain", "industry", "employee_count", "annual_revenue", "country",
            "region", "deployment_model", "infrastructure", "lifecycle", "size_band",
        ),
        Persona: ("name", "kind", "goals", "pains", "success_metric"),
        Tag: ("kind", "name"),
        Assumption: ("statement", "area", "created_by__username"),
        FeatureRequest: ("title", "status", "description"),
        Segment: ("name", "description", "filters"),
        Contact: (
            "account__name", "first_name", "last_name", "title", "email", "department",
            "seniority", "persona__name", "reports_to__email", "reports_to__title", "has_left",
        ),
        Advocacy: ("advocate__email", "audience__email", "note"),
        Deal: (
            "account__name", "name", "stage", "amount", "created_on", "close_date",
            "owner__username", "loss_reason", "loss_notes", "competitor", "cost_of_sale",
        ),
        DealRole: (*deal, "contact__email", "role", "is_primary", "stance", "last_engaged_on"),
        BusinessCase: (*deal, "metric", "description", "estimated_annual_value"),
        Conversation: (
            "account__name", *deal, "occurred_on", "kind", "logged_by__username", "title",
            "notes", "duration_minutes", "sentiment", "stated_reason",
        ),
        ActionItem: (*conversation, "text", "owner__username", "due_on", "done"),
        Evidence: ("assumption__statement", *conversation, "verdict", "quote"),
        FeatureMention: (
            "feature__title", "account__name", *deal, *conversation, "importance", "quote",
        ),
    }  # fmt: skip
    data = {
        model.__name__: sorted(model.objects.filter(**ws).values_list(*fields), key=repr)
        for model, fields in queries.items()
    }
    for m2m in ("participants__email", "tags__name"):
        rows = Conversation.objects.filter(**ws).values_list("title", "occurred_on", m2m)
        data[m2m] = sorted(rows, key=repr)
    return data


def _covered_win_rates(workspace) -> tuple[float, float]:
    closed = Deal.objects.filter(workspace=workspace, stage__in=CLOSED).annotate(
        buyer=Exists(DealRole.objects.filter(deal=OuterRef("pk"), role="economic_buyer")),
        champion=Exists(DealRole.objects.filter(deal=OuterRef("pk"), role="champion")),
    )
    rates = []
    for covered in (Q(buyer=True, champion=True), ~Q(buyer=True, champion=True)):
        counts = closed.filter(covered).aggregate(
            won=Count("id", filter=Q(stage="closed_won")), all=Count("id")
        )
        assert counts["all"] >= 30
        rates.append(counts["won"] / counts["all"])
    return rates[0], rates[1]


def _champion_paths(workspace) -> list[bool]:
    """For each deal with a champion and an economic buyer: is there a path between them?"""
    up = defaultdict(set)
    for contact, boss in Contact.objects.filter(workspace=workspace).values_list(
        "id", "reports_to_id"
    ):
        if boss:
            up[contact].add(boss)
    for advocate, audience in Advocacy.objects.filter(workspace=workspace).values_list(
        "advocate_id", "audience_id"
    ):
        up[advocate].add(audience)
    roles = defaultdict(lambda: defaultdict(set))
    for deal, contact, role in DealRole.objects.filter(
        workspace=workspace, role__in=["champion", "economic_buyer"]
    ).values_list("deal_id", "contact_id", "role"):
        roles[deal][role].add(contact)
    paths = []
    for by_role in roles.values():
        if not (by_role["champion"] and by_role["economic_buyer"]):
            continue
        seen, todo = set(), list(by_role["champion"])
        while todo:
            contact = todo.pop()
            if contact not in seen:
                seen.add(contact)
                todo.extend(up[contact])
        paths.append(bool(seen & by_role["economic_buyer"]))
    return paths


# -- determinism -----------------------------------------------------------------------------


def test_two_empty_workspaces_seeded_as_of_the_same_day_hold_identical_data():
    seed(workspace="first", scale=0.2)
    seed(workspace="second", scale=0.2)

    first = content(Workspace.objects.get(slug="first"))
    second = content(Workspace.objects.get(slug="second"))

    assert len(first["Account"]) == 40
    assert first == second


def test_dates_follow_the_as_of_date():
    seed(workspace="earlier", scale=0.1, as_of="2025-01-31")
    seed(workspace="later", scale=0.1, as_of="2026-06-30")

    for slug, as_of in (("earlier", dt.date(2025, 1, 31)), ("later", AS_OF)):
        conversations = Conversation.objects.filter(workspace__slug=slug)
        newest = conversations.aggregate(day=Max("occurred_on"))["day"]
        assert as_of - dt.timedelta(days=30) <= newest <= as_of
        deals = Deal.objects.filter(workspace__slug=slug)
        assert deals.aggregate(day=Max("created_on"))["day"] <= as_of
        assert not deals.filter(stage__in=CLOSED, close_date__gt=as_of).exists()
        assert deals.exclude(stage__in=CLOSED).filter(close_date__gte=as_of).exists()


# -- the default data set --------------------------------------------------------------------


def test_the_default_scale_is_near_the_targets(demo):
    workspace, _ = demo
    ws = {"workspace": workspace}

    assert Account.objects.filter(**ws).count() == 200
    assert 700 <= Deal.objects.filter(**ws).count() <= 950
    assert 3_500 <= Conversation.objects.filter(**ws).count() <= 4_700
    assert 9 <= Persona.objects.filter(**ws).count() <= 16
    assert 5 <= Assumption.objects.filter(**ws).count() <= 8
    assert 10 <= FeatureRequest.objects.filter(**ws).count() <= 15
    per_account = Account.objects.filter(**ws).annotate(n=Count("contacts"))
    assert per_account.aggregate(lo=Min("n"), hi=Max("n")) == {"lo": 4, "hi": 8}
    assert (
        Conversation.participants.through.objects.filter(conversation__workspace=workspace).count()
        >= 2_000
    )
    assert ActionItem.objects.filter(**ws).count() >= 500
    assert Evidence.objects.filter(**ws).count() >= 100
    assert FeatureMention.objects.filter(**ws).count() >= 100


def test_accounts_spread_over_the_segments_with_most_on_vms_on_prem_or_hybrid(demo):
    workspace, _ = demo
    accounts = Account.objects.filter(workspace=workspace)

    def values(field):
        return dict(accounts.values_list(field).annotate(n=Count("id")).order_by())

    industries = values("industry")
    assert set(industries) >= {
        "Financial services", "Healthcare", "Retail", "Manufacturing", "Telecommunications",
        "Public sector", "Software", "Energy",
    }  # fmt: skip
    assert 1 <= industries.get("", 0) <= 15  # a few accounts lack an industry
    assert set(values("region")) == {"EMEA", "NA", "APAC", "LATAM"}
    bands = values("size_band")
    assert set(bands) == {"smb", "mid_market", "enterprise", "strategic", "unknown"}
    assert bands["unknown"] <= 15
    assert set(values("lifecycle")) == {"prospect", "customer", "churned", "partner"}
    legacy = accounts.filter(
        Q(infrastructure="virtual_machines") | Q(deployment_model__in=["on_prem", "hybrid"])
    )
    assert legacy.count() > accounts.count() / 2
    assert values("infrastructure")["virtual_machines"] == max(values("infrastructure").values())


def test_every_stage_and_every_conversation_kind_is_present(demo):
    workspace, _ = demo

    stages = set(Deal.objects.filter(workspace=workspace).values_list("stage", flat=True))
    kinds = set(Conversation.objects.filter(workspace=workspace).values_list("kind", flat=True))

    assert stages == set(Deal.Stage.values)
    assert kinds == set(Conversation.Kind.values)


def test_people_form_reporting_trees_with_leavers_and_outside_advisors(demo):
    workspace, _ = demo
    contacts = Contact.objects.filter(workspace=workspace)

    assert not contacts.filter(seniority="c_level", reports_to__isnull=False).exists()
    assert not contacts.filter(seniority="ic", reports_to__isnull=True).exists()
    assert not contacts.exclude(reports_to=None).exclude(reports_to__account=F("account")).exists()
    c_level = set(contacts.filter(seniority="c_level").values_list("title", flat=True))
    assert {"Chief Information Officer", "Chief Financial Officer"} <= c_level
    assert set(contacts.filter(seniority="ic").values_list("title", flat=True)) >= {
        "Site Reliability Engineer", "Data Analyst", "Platform Engineer",
    }  # fmt: skip
    assert contacts.filter(has_left=True).count() >= 10
    assert contacts.filter(persona__isnull=False).count() > 0.85 * contacts.count()
    advocacies = Advocacy.objects.filter(workspace=workspace)
    assert advocacies.count() >= 50
    outside = advocacies.exclude(advocate__account=F("audience__account"))
    assert outside.exists()
    assert not outside.exclude(advocate__account__lifecycle="partner").exists()


def test_deals_keep_the_rules_and_carry_the_detail_sales_needs(demo):
    workspace, _ = demo
    deals = Deal.objects.filter(workspace=workspace)
    lost = deals.filter(stage="closed_lost")

    assert not lost.filter(loss_reason="").exists()
    assert not deals.exclude(stage="closed_lost").exclude(loss_reason="").exists()
    assert not deals.filter(close_date__lt=F("created_on")).exists()
    assert 1 <= deals.filter(amount__isnull=True).count() <= 60
    assert 1 <= deals.filter(created_on__isnull=True).count() <= 40
    assert not deals.exclude(stage__in=CLOSED).filter(cost_of_sale__isnull=False).exists()
    assert deals.filter(stage__in=CLOSED, cost_of_sale__isnull=False).count() >= 50
    assert lost.exclude(competitor="").exists()
    owners = set(deals.values_list("owner__username", flat=True))
    assert "demo-sales" in owners
    assert len(owners) >= 3
    roles = DealRole.objects.filter(workspace=workspace)
    assert set(roles.values_list("role", flat=True)) >= {
        "economic_buyer", "champion", "user", "technical_evaluator", "executive_sponsor",
        "legal_procurement", "blocker", "decision_maker", "influencer",
    }  # fmt: skip
    assert set(roles.values_list("stance", flat=True)) == {"supporter", "neutral", "opponent"}
    assert roles.filter(is_primary=True).count() > deals.count() / 2
    assert roles.exclude(contact__account=F("deal__account")).exists()  # partners on deals
    assert BusinessCase.objects.filter(workspace=workspace).count() >= 200


def test_multithreaded_deals_win_clearly_more_often(demo):
    workspace, _ = demo

    covered, uncovered = _covered_win_rates(workspace)

    assert covered >= uncovered + 0.15


def test_some_champions_have_a_path_to_the_buyer_and_some_do_not(demo):
    workspace, _ = demo

    paths = _champion_paths(workspace)

    assert paths.count(True) >= 10
    assert paths.count(False) >= 10


def test_conversations_hold_participants_tags_actions_and_buyer_reasons(demo):
    workspace, _ = demo
    conversations = Conversation.objects.filter(workspace=workspace)

    through = Conversation.participants.through.objects.filter(conversation__workspace=workspace)
    assert not through.exclude(contact__account=F("conversation__account")).exists()
    assert not conversations.annotate(n=Count("participants")).filter(n=0).exists()
    assert not conversations.exclude(deal=None).exclude(deal__account=F("account")).exists()
    tag_kinds = set(conversations.values_list("tags__kind", flat=True))
    assert tag_kinds == {"pain", "constraint", "topic"}
    assert set(conversations.values_list("logged_by__username", flat=True)) >= {
        "demo-pm", "demo-pm-noor",
    }  # fmt: skip
    assert set(conversations.values_list("sentiment", flat=True)) == {
        "positive", "neutral", "negative",
    }  # fmt: skip
    interviews = conversations.filter(kind="win_loss", deal__stage="closed_lost")
    interviews = interviews.exclude(stated_reason="")
    assert interviews.count() >= 30
    differing = interviews.exclude(stated_reason=F("deal__loss_reason"))
    assert differing.filter(deal__loss_reason="price", stated_reason="missing_feature").exists()
    assert 0.15 <= differing.count() / interviews.count() <= 0.6
    assert not conversations.exclude(kind="win_loss").exclude(stated_reason="").exists()


def test_a_blind_spot_has_much_pipeline_but_few_recent_conversations(demo):
    workspace, _ = demo
    open_deals = Deal.objects.filter(workspace=workspace).exclude(stage__in=CLOSED)
    recent = Conversation.objects.filter(
        workspace=workspace, occurred_on__gt=AS_OF - dt.timedelta(days=90)
    )

    pipeline = open_deals.aggregate(s=Sum("amount"))["s"]
    apac_pipeline = open_deals.filter(account__region="APAC").aggregate(s=Sum("amount"))["s"]
    pipeline_share = apac_pipeline / pipeline
    listening_share = Decimal(recent.filter(account__region="APAC").count() / recent.count())

    assert pipeline_share >= Decimal("0.1")
    assert listening_share <= pipeline_share / 3


def test_the_deli_counter_feature_is_dominated_by_one_big_deal(demo):
    workspace, _ = demo
    title = vocabulary.DELI_FEATURE[0]
    mentions = FeatureMention.objects.filter(workspace=workspace, feature__title=title)

    deals = Deal.objects.filter(pk__in=mentions.values("deal")).exclude(stage="closed_lost")
    amounts = [deal.amount or 0 for deal in deals]

    assert mentions.values("account").distinct().count() >= 3
    assert max(amounts) / sum(amounts) > 0.5
    biggest = max(deals, key=lambda deal: deal.amount or 0)
    assert biggest.account.size_band == "strategic"
    assert (
        biggest.amount
        >= 10 * Deal.objects.filter(workspace=workspace).aggregate(typical=Avg("amount"))["typical"]
    )
    shares = []  # every other feature's demand is spread over many deals
    for feature in FeatureRequest.objects.filter(workspace=workspace).exclude(title=title):
        linked = Deal.objects.filter(feature_mentions__feature=feature).exclude(stage="closed_lost")
        values = [a or 0 for a in linked.distinct().values_list("amount", flat=True)]
        if len(values) >= 10:
            shares.append(max(values) / sum(values))
    assert len(shares) >= 8
    assert max(shares) < 0.5


def test_an_assumption_holds_in_one_segment_and_fails_in_another(demo):
    workspace, _ = demo
    statement = "Teams on virtual machines won't adopt an agent-based product."

    evidence = Evidence.objects.filter(workspace=workspace, assumption__statement=statement)
    by_infra = dict(
        (row[0], Assumption.status_for(row[1], row[2]))
        for row in evidence.values_list("conversation__account__infrastructure")
        .annotate(
            s=Count("id", filter=Q(verdict="supports")),
            c=Count("id", filter=Q(verdict="contradicts")),
        )
        .order_by()
    )

    assert by_infra["virtual_machines"] == Assumption.Status.VALIDATED
    assert by_infra["containers"] == Assumption.Status.INVALIDATED


def test_each_assumption_has_a_segment_where_it_holds_and_one_where_it_fails(demo):
    workspace, _ = demo
    split = 0
    for assumption in Assumption.objects.filter(workspace=workspace):
        for dimension in ("industry", "size_band", "region", "deployment_model",
                          "infrastructure", "lifecycle"):  # fmt: skip
            statuses = {
                Assumption.status_for(s, c)
                for _v, s, c in Evidence.objects.filter(assumption=assumption)
                .values_list(f"conversation__account__{dimension}")
                .annotate(
                    s=Count("id", filter=Q(verdict="supports")),
                    c=Count("id", filter=Q(verdict="contradicts")),
                )
                .order_by()
            }
            if {"validated", "invalidated"} <= statuses:
                split += 1
                break
    assert split >= 5


def test_the_seed_marks_the_workspace_insights_stale(demo):
    workspace, _ = demo

    state = InsightState.objects.get(workspace=workspace)

    assert state.dirty
    assert state.data_version >= 1


# -- logins ----------------------------------------------------------------------------------


def test_the_demo_logins_are_printed_and_work(demo, client):
    workspace, output = demo

    assert "http://127.0.0.1:8000/login/" in output
    printed = dict(re.findall(r"^\s+(demo-\w+)\s+(\w+)\s+deallens-demo$", output, re.M))
    assert printed == LOGINS
    assert re.search(r"^\s+accounts\s+200$", output, re.M)
    assert re.search(r"in \d+\.\d s", output)
    for username, role in LOGINS.items():
        assert client.login(username=username, password="deallens-demo"), username
        membership = Membership.objects.get(user__username=username, workspace=workspace)
        assert membership.role == role
        client.logout()


# -- a workspace that has data ---------------------------------------------------------------


def test_seeding_a_workspace_that_has_data_is_refused_without_a_flag():
    seed(workspace="acme", scale=0.05)
    before = content(Workspace.objects.get(slug="acme"))

    with pytest.raises(CommandError, match=r"already has 12 accounts.*--reset"):
        seed(workspace="acme", scale=0.05)

    assert content(Workspace.objects.get(slug="acme")) == before


def test_if_empty_keeps_the_data_but_prints_working_logins(client):
    seed(workspace="acme", scale=0.05)
    before = content(Workspace.objects.get(slug="acme"))
    pm = get_user_model().objects.get(username="demo-pm")
    pm.set_password("forgotten-it-already")
    pm.save()

    output = seed("--if-empty", workspace="acme", scale=0.05)

    assert "left as it is" in output
    assert "demo-pm       pm      deallens-demo" in output
    assert content(Workspace.objects.get(slug="acme")) == before
    assert client.login(username="demo-pm", password="deallens-demo")


def test_if_empty_seeds_an_empty_workspace():
    output = seed("--if-empty", workspace="fresh", scale=0.05)

    assert "Seeded workspace fresh" in output
    assert Account.objects.filter(workspace__slug="fresh").count() == 12


def test_reset_replaces_the_data_and_leaves_other_workspaces_alone():
    other = WorkspaceFactory.create(slug="globex")
    AccountFactory.create(workspace=other, name="Globex Account")
    seed(workspace="acme", scale=0.05)
    acme = Workspace.objects.get(slug="acme")
    AccountFactory.create(workspace=acme, name="Stale Co")
    seed(workspace="pristine", scale=0.05)

    seed("--reset", workspace="acme", scale=0.05)

    assert not Account.objects.filter(name="Stale Co").exists()
    assert content(acme) == content(Workspace.objects.get(slug="pristine"))
    assert list(Account.objects.filter(workspace=other).values_list("name", flat=True)) == [
        "Globex Account"
    ]
    assert Membership.objects.filter(workspace=acme, user__username="demo-exec").exists()


def test_bad_options_are_refused_with_a_message():
    accounts = Account.objects.count()
    with pytest.raises(CommandError, match="above 0"):
        seed(scale=0)
    with pytest.raises(CommandError, match="not a date"):
        seed(as_of="31/12/2026")
    with pytest.raises(CommandError, match="not a valid slug"):
        seed(workspace="Not A Slug")
    assert Account.objects.count() == accounts


# -- large seeds: one transaction per batch --------------------------------------------------


@pytest.fixture
def small_batches(monkeypatch):
    """Make 20 accounts a "large" seed written in two batches."""
    from demo_app import services

    monkeypatch.setattr(services, "SINGLE_TRANSACTION_ACCOUNTS", 10)
    monkeypatch.setattr(services, "ACCOUNTS_PER_BATCH", 10)


@pytest.mark.django_db(transaction=True)
def test_a_seed_written_batch_by_batch_holds_the_same_data(monkeypatch):
    seed(workspace="whole", scale=0.15)
    from demo_app import services

    # 30 one-account batches: on PostgreSQL two writer threads commit them, and the
    # batches that use the partners' people (accounts 1-2) wait for those to commit.
    monkeypatch.setattr(services, "SINGLE_TRANSACTION_ACCOUNTS", 10)
    monkeypatch.setattr(services, "ACCOUNTS_PER_BATCH", 1)
    real_write_batch = writers.write_batch

    def slow_first_batch(writer, batch, before_commit=None):
        def wait_then_commit():
            if before_commit is not None:
                before_commit()
            if batch.needs == 0:
                time.sleep(0.3)  # later batches would commit first if nothing held them

        real_write_batch(writer, batch, before_commit=wait_then_commit)

    monkeypatch.setattr(writers, "write_batch", slow_first_batch)

    output = seed(workspace="batched", scale=0.15)

    assert "30 of 30 accounts written" in output
    assert content(Workspace.objects.get(slug="batched")) == content(
        Workspace.objects.get(slug="whole")
    )


@pytest.mark.django_db(transaction=True)
def test_a_failing_batch_says_what_was_written_and_how_to_recover(small_batches, monkeypatch):
    calls = []
    real_write_batch = writers.write_batch

    def second_batch_fails(writer, batch, **kwargs):
        calls.append(batch)
        if len(calls) == 2:
            raise DatabaseError("could not extend file: No space left on device")
        real_write_batch(writer, batch, **kwargs)

    monkeypatch.setattr(writers, "write_batch", second_batch_fails)

    with pytest.raises(CommandError) as failure:
        seed(workspace="flaky", scale=0.1)

    message = str(failure.value)
    assert "stopped after 10 of 20 accounts" in message
    assert "No space left on device" in message
    assert "seed_demo --workspace flaky --reset" in message
    assert Account.objects.filter(workspace__slug="flaky").count() == 10

    monkeypatch.setattr(writers, "write_batch", real_write_batch)
    seed("--reset", workspace="flaky", scale=0.1)
    assert Account.objects.filter(workspace__slug="flaky").count() == 20
