"""What starts a recompute: the command, the scheduled debounce, the nightly run; and the Celery
configuration that keeps them safe (own queue, beat schedule, JSON, late acks, timeouts)."""

from datetime import timedelta
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from config import celery_app
from insights_app.models import InsightState, InsightTask
from insights_app.services import insights_mark_changed
from insights_app.tasks import (
    insights_recompute_all_workspaces,
    insights_recompute_dirty_workspaces,
)
from tests.factories import AccountFactory, DealFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("recompute_insights", *args, stdout=out)
    return out.getvalue()


class TestCommand:
    def test_it_recomputes_and_says_what_and_how_long(self, workspace):
        DealFactory(workspace=workspace, account=AccountFactory(workspace=workspace))

        output = run("--workspace", workspace.slug)

        assert output.startswith(f"Published insights of {workspace.slug} as snapshot v1")
        assert " s:" in output
        assert "dimensions        7" in output
        for kind in ("segments", "features", "assumptions", "trend"):
            assert kind in output
        assert InsightState.objects.get(workspace=workspace).published_version == 1

    def test_unchanged_data_is_skipped_unless_forced(self, workspace):
        run("--workspace", workspace.slug)

        assert "up to date" in run("--workspace", workspace.slug)
        assert run("--workspace", workspace.slug, "--force").startswith("Published")

    def test_an_unknown_workspace_is_an_error(self, workspace):
        with pytest.raises(CommandError, match="No workspace with the slug 'nope'"):
            run("--workspace", "nope")


class TestScheduledTasks:
    def test_the_debounce_task_recomputes_only_dirty_workspaces(self, workspace):
        quiet = WorkspaceFactory()
        for ws in (workspace, quiet):
            AccountFactory(workspace=ws)
            run("--workspace", ws.slug)
        insights_mark_changed(workspace_ids=[workspace.pk])

        assert insights_recompute_dirty_workspaces.delay().get(timeout=5) == 1

        assert InsightState.objects.get(workspace=workspace).published_version == 2
        assert InsightState.objects.get(workspace=quiet).published_version == 1

    def test_the_nightly_task_recomputes_every_workspace(self, workspace, other_workspace):
        for ws in (workspace, other_workspace):
            run("--workspace", ws.slug)

        assert insights_recompute_all_workspaces.delay().get(timeout=5) == 2

        versions = InsightState.objects.values_list("published_version", flat=True)
        assert sorted(versions) == [2, 2]

    def test_the_nightly_task_forgets_task_records_after_30_days(self, workspace):
        old, recent = (InsightTask.objects.create(workspace=workspace) for _ in range(2))
        InsightTask.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

        insights_recompute_all_workspaces.delay().get(timeout=5)

        assert list(InsightTask.objects.values_list("pk", flat=True)) == [recent.pk]


class TestCeleryConfiguration:
    def test_recomputes_go_to_their_own_queue(self):
        router = celery_app.amqp.router
        for name in (
            "insights_app.tasks.insights_recompute",
            "insights_app.tasks.insights_recompute_dirty_workspaces",
            "insights_app.tasks.insights_recompute_all_workspaces",
        ):
            assert router.route({}, name)["queue"].name == "insights", name
        assert router.route({}, "insights_app.tasks.insights_mark_dirty")["queue"].name == "celery"

    def test_beat_recomputes_dirty_workspaces_every_30_seconds_and_everything_nightly(self):
        schedule = settings.CELERY_BEAT_SCHEDULE
        by_task = {entry["task"]: entry for entry in schedule.values()}

        dirty = by_task["insights_app.tasks.insights_recompute_dirty_workspaces"]
        assert dirty["schedule"] <= 30
        nightly = by_task["insights_app.tasks.insights_recompute_all_workspaces"]["schedule"]
        assert isinstance(nightly, crontab) and nightly.hour == {3}
        # As a worker does at start: import every app's tasks.py (autodiscover_tasks), so the
        # check does not depend on which modules this test run happened to import before.
        celery_app.loader.import_default_modules()
        for name in by_task:
            assert name in celery_app.tasks, name

    def test_tasks_are_json_acknowledged_late_and_bounded_in_time(self):
        conf = celery_app.conf
        assert (conf.task_serializer, conf.accept_content) == ("json", ["json"])
        assert conf.task_acks_late and conf.task_reject_on_worker_lost
        assert conf.worker_prefetch_multiplier == 1
        assert 0 < conf.task_soft_time_limit < conf.task_time_limit
        options = conf.broker_transport_options
        assert conf.broker_connection_timeout <= 3
        assert options["socket_connect_timeout"] <= 3 and options["socket_timeout"] <= 5
        assert options["visibility_timeout"] > conf.task_time_limit
