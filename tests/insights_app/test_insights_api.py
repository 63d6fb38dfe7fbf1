"""The insights API: reads from published snapshots (shapes, empty state, stale, unknown
dimension, isolation), the recompute request (202, roles, task progress, 503 with the broker
down) and tasks/<id>/ (workspace-scoped)."""

import socket
import time
import uuid
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from accounts_app.models import Membership
from config import celery_app
from insights_app.models import InsightState, InsightTask
from insights_app.services import insights_mark_changed, insights_recompute
from tests.api_support import member_client
from tests.factories import (
    AccountFactory,
    AssumptionFactory,
    DealFactory,
    EvidenceFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db

METRICS = {
    "value",
    "accounts",
    "deals",
    "open_deals",
    "won",
    "lost",
    "win_rate",
    "revenue_won",
    "pipeline",
    "avg_won_deal",
    "median_cycle_days",
    "cost_of_sale",
    "roi",
    "multithreaded_rate",
    "win_rate_covered",
    "win_rate_uncovered",
    "loss_reasons",
    "top_pains",
    "value_claimed",
    "reason_mismatch_rate",
    "survey_response_rate",
    "competitors",
    "conversations_90d",
    "pipeline_share",
}
READS = ("segments", "features", "assumptions", "trend")


@pytest.fixture
def reader(workspace):
    client, _user = member_client(workspace, role=Membership.Role.EXEC)
    return client


@pytest.fixture
def world(workspace, figured_world):
    """The figured world (tests/conftest.py), plus a feature mention and an evidence."""
    data = figured_world
    FeatureMentionFactory(
        workspace=workspace,
        feature=FeatureRequestFactory(workspace=workspace),
        account=data["accounts"]["A1"],
        deal=data["deals"]["D4"],
    )
    EvidenceFactory(
        workspace=workspace,
        assumption=AssumptionFactory(workspace=workspace),
        conversation=data["conversations"]["C1"],
    )
    return data


def get(client, kind, dimension="industry"):
    return client.get(f"/api/v1/insights/{kind}/", {"dimension": dimension})


class TestReads:
    def test_segments_answer_every_metric_per_value_with_money_as_decimal_strings(
        self, workspace, world, reader
    ):
        insights_recompute(workspace_id=workspace.pk)

        response = get(reader, "segments")

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"dimension", "computed_at", "stale", "results"}
        assert body["dimension"] == "industry" and body["stale"] is False
        assert body["computed_at"].startswith(str(InsightState.objects.get().computed_at.year))
        by_value = {row["value"]: row for row in body["results"]}
        assert set(by_value) == {"Fintech", "Retail", "unknown"}
        for row in body["results"]:
            assert set(row) == METRICS
        fintech = by_value["Fintech"]
        assert (fintech["deals"], fintech["won"], fintech["lost"]) == (9, 3, 3)
        assert fintech["revenue_won"] == "100000.00" and fintech["pipeline"] == "70000.00"
        assert fintech["win_rate"] == 0.5

    @pytest.mark.parametrize("kind", ["features", "assumptions", "trend"])
    def test_the_other_reads_answer_results_and_the_overall_lines(
        self, workspace, world, reader, kind
    ):
        insights_recompute(workspace_id=workspace.pk)

        body = get(reader, kind).json()

        assert set(body) == {"dimension", "computed_at", "stale", "results", "overall"}
        assert body["results"] and body["overall"]
        assert {row["value"] for row in body["overall"]} == {"all"}

    @pytest.mark.parametrize("kind", READS)
    def test_before_the_first_recompute_the_answer_is_empty_not_an_error(
        self, workspace, reader, kind
    ):
        body = get(reader, kind).json()

        assert body["results"] == [] and body["computed_at"] is None
        assert body["dimension"] == "industry"

    def test_stale_says_newer_data_exists(self, workspace, world, reader):
        insights_recompute(workspace_id=workspace.pk)
        insights_mark_changed(workspace_ids=[workspace.pk])

        body = get(reader, "segments").json()

        assert body["stale"] is True and body["results"]

    def test_a_saved_segment_is_read_as_segment_and_its_id(self, workspace, world, reader):
        insights_recompute(workspace_id=workspace.pk)
        segment = world["segments"]["vms"]

        body = get(reader, "segments", f"segment:{segment.pk}").json()

        assert body["dimension"] == f"segment:{segment.pk}"
        assert [row["value"] for row in body["results"]] == ["Fintech on VMs"]

    @pytest.mark.parametrize("kind", READS)
    @pytest.mark.parametrize("dimension", ["colour", "segment:999999", "segment:x", "INDUSTRY"])
    def test_an_unknown_dimension_is_a_400_that_lists_the_dimensions(
        self, workspace, reader, kind, dimension
    ):
        response = get(reader, kind, dimension)

        assert response.status_code == 400
        message = response.json()["dimension"][0]
        assert "Unknown dimension" in message and "industry" in message

    def test_a_missing_dimension_is_a_400(self, workspace, reader):
        response = reader.get("/api/v1/insights/segments/")

        assert response.status_code == 400
        assert response.json() == {"dimension": ["This query parameter is required."]}

    def test_reads_never_compute_and_take_a_constant_few_queries(
        self, workspace, world, reader, assert_query_baseline
    ):
        insights_recompute(workspace_id=workspace.pk)

        # auth, membership, snapshot, segment lookup
        with assert_query_baseline("api GET /api/v1/insights/segments/?dimension=segment:<id>"):
            response = get(reader, "segments", f"segment:{world['segments']['vms'].pk}")
        assert response.status_code == 200

    def test_dimensions_lists_the_account_columns_then_the_saved_segments(
        self, workspace, world, reader
    ):
        body = reader.get("/api/v1/insights/dimensions/").json()

        keys = [d["dimension"] for d in body["results"]]
        assert keys[:7] == [
            "industry",
            "size_band",
            "country",
            "region",
            "deployment_model",
            "infrastructure",
            "lifecycle",
        ]
        vms, nobody = world["segments"]["vms"], world["segments"]["nobody"]
        assert keys[7:] == [f"segment:{vms.pk}", f"segment:{nobody.pk}"]
        assert body["results"][7] == {
            "dimension": f"segment:{vms.pk}",
            "label": "Fintech on VMs",
            "kind": "segment",
        }


class TestIsolation:
    def test_another_workspaces_snapshot_is_never_visible(self, workspace, other_workspace):
        DealFactory(
            workspace=other_workspace,
            account=AccountFactory(workspace=other_workspace, industry="Secret"),
            amount=Decimal("123"),
        )
        insights_recompute(workspace_id=other_workspace.pk)
        client, _ = member_client(workspace)

        for kind in READS:
            body = get(client, kind).json()
            assert body["results"] == [] and body["computed_at"] is None, kind

    def test_another_workspaces_segment_is_an_unknown_dimension(self, workspace, other_workspace):
        theirs = SegmentFactory(workspace=other_workspace)
        insights_recompute(workspace_id=other_workspace.pk)
        client, _ = member_client(workspace)

        assert get(client, "segments", f"segment:{theirs.pk}").status_code == 400

    def test_another_workspaces_task_is_not_found(self, workspace, other_workspace):
        theirs, _ = member_client(other_workspace)
        task_id = theirs.post("/api/v1/insights/recompute/").json()["task_id"]
        mine, _ = member_client(workspace)

        assert theirs.get(f"/api/v1/tasks/{task_id}/").status_code == 200
        assert mine.get(f"/api/v1/tasks/{task_id}/").status_code == 404

    # Fixed ids: xdist workers must collect the same test names (a uuid4 id differs per process).
    @pytest.mark.parametrize(
        "task_id", [str(uuid.uuid4()), "not-a-uuid", "1"], ids=["unknown-uuid", "not-a-uuid", "1"]
    )
    def test_an_unknown_task_is_a_json_404(self, workspace, task_id):
        client, _ = member_client(workspace)

        response = client.get(f"/api/v1/tasks/{task_id}/")

        assert response.status_code == 404 and "detail" in response.json()


class TestRecompute:
    @pytest.mark.parametrize("role", ["admin", "pm", "sales"])
    def test_a_recompute_is_accepted_and_its_task_can_be_followed(self, workspace, world, role):
        client, user = member_client(workspace, role=role)

        response = client.post("/api/v1/insights/recompute/")

        assert response.status_code == 202
        task_id = response.json()["task_id"]
        assert set(response.json()) == {"task_id"}
        task = client.get(f"/api/v1/tasks/{task_id}/").json()
        # No REDIS_URL in unit tests: the task ran in-process, before the answer.
        assert task["state"] == "succeeded" and task["progress"] == 100
        assert task["kind"] == "insights_recompute" and task["result"]["outcome"] == "published"
        assert InsightTask.objects.get(pk=task_id).requested_by == user
        assert get(client, "segments").json()["computed_at"] is not None

    def test_forcing_recomputes_unchanged_data(self, workspace, world):
        client, _ = member_client(workspace)
        client.post("/api/v1/insights/recompute/")

        skipped = client.post("/api/v1/insights/recompute/").json()["task_id"]
        forced = client.post("/api/v1/insights/recompute/", {"force": True}, format="json")

        assert InsightTask.objects.get(pk=skipped).result["outcome"] == "skipped"
        forced_task = InsightTask.objects.get(pk=forced.json()["task_id"])
        assert forced_task.result["outcome"] == "published"

    def test_a_bad_force_is_a_400(self, workspace):
        client, _ = member_client(workspace)

        response = client.post("/api/v1/insights/recompute/", {"force": "maybe"}, format="json")

        assert response.status_code == 400 and "force" in response.json()


@pytest.fixture
def broker_at(request):
    """Point the Celery app at another broker URL for one test, sending for real (not eager)."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)

    def point(url: str):
        conf.broker_url = url
        conf.task_always_eager = False
        celery_app._after_fork()  # forget pooled connections to the previous broker

    yield point
    conf.broker_url, conf.task_always_eager = saved
    celery_app._after_fork()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


class TestBrokerDown:
    def test_with_redis_down_a_recompute_request_answers_503_quickly(self, workspace, broker_at):
        broker_at(f"redis://127.0.0.1:{closed_port()}/0")
        client, _ = member_client(workspace)

        started = time.monotonic()
        response = client.post("/api/v1/insights/recompute/")
        elapsed = time.monotonic() - started

        assert response.status_code == 503
        assert "unavailable" in response.json()["detail"]
        assert elapsed < 5, f"took {elapsed:.1f} s"
        task = InsightTask.objects.get()
        assert task.state == "failed"

    def test_with_redis_hanging_the_request_still_gives_up_in_seconds(self, workspace, broker_at):
        silent = socket.socket()  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        try:
            broker_at(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
            client, _ = member_client(workspace)
            timeout = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"]

            started = time.monotonic()
            response = client.post("/api/v1/insights/recompute/")
            elapsed = time.monotonic() - started
        finally:
            silent.close()

        assert response.status_code == 503
        assert elapsed < 3 * timeout + 2, f"took {elapsed:.1f} s"

    def test_reads_keep_working_with_redis_down(self, workspace, world, broker_at):
        insights_recompute(workspace_id=workspace.pk)
        broker_at(f"redis://127.0.0.1:{closed_port()}/0")
        client, _ = member_client(workspace)

        assert get(client, "segments").json()["results"]


class TestPeriods:
    """``?period=`` on insights/segments/: the stored period's closed-deal figures, the rest as
    of now; without it the answer is the all-time one, unchanged."""

    def test_a_quarter_restricts_the_closed_deal_figures_and_says_which(
        self, workspace, world, reader, assert_query_baseline
    ):
        insights_recompute(workspace_id=workspace.pk)

        with assert_query_baseline("api GET /api/v1/insights/segments/?period=2025q2"):
            response = reader.get(
                "/api/v1/insights/segments/", {"dimension": "industry", "period": "2025q2"}
            )

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"dimension", "computed_at", "stale", "period", "results"}
        assert body["period"]["key"] == "2025Q2"
        assert (body["period"]["first_day"], body["period"]["last_day"]) == (
            "2025-04-01",
            "2025-06-30",
        )
        fintech = {row["value"]: row for row in body["results"]}["Fintech"]
        assert set(fintech) == METRICS
        assert (fintech["won"], fintech["lost"]) == (1, 2)  # D2 won, D3 and D7 lost in Q2
        assert fintech["pipeline"] == "70000.00"  # as of now, as in all time

    @pytest.mark.parametrize("period", ["", "all", " ALL "])
    def test_all_time_is_the_unchanged_answer(self, workspace, world, reader, period):
        insights_recompute(workspace_id=workspace.pk)
        plain = get(reader, "segments").json()
        response = reader.get(
            "/api/v1/insights/segments/", {"dimension": "industry", "period": period}
        )
        assert response.json() == plain

    @pytest.mark.parametrize("period", ["1999Q1", "2025Q5", "last", "x" * 300, "2025Q1\x00"])
    def test_an_unknown_period_is_a_400_that_lists_the_periods(
        self, workspace, world, reader, period
    ):
        insights_recompute(workspace_id=workspace.pk)
        response = reader.get(
            "/api/v1/insights/segments/", {"dimension": "industry", "period": period}
        )
        assert response.status_code == 400
        (message,) = response.json()["period"]
        assert "One of: all, last4q, 2025Q2, 2025Q1." in message and len(message) < 200

    def test_before_the_first_recompute_a_period_is_unknown_not_an_error(self, workspace, reader):
        response = reader.get(
            "/api/v1/insights/segments/", {"dimension": "industry", "period": "last4q"}
        )
        assert response.status_code == 400
        assert response.json() == {"period": ["Unknown period 'last4q'. One of: all."]}
