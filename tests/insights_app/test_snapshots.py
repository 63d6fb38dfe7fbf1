"""Snapshots: a recompute publishes a complete version atomically; readers see the old or the
new one; concurrent recomputes leave one consistent result; unchanged data is a cheap skip;
data changes make the snapshot stale and mark the workspace dirty once per transaction; the
scheduled round turns a burst of edits into one recompute; the query count does not grow with
the data.

Tests with threads need PostgreSQL (separate connections to one database): they are skipped on
SQLite, except in CI (CI=true), where a skip would hide a broken setup and fails instead.
"""

import os
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from deals_app.models import Deal
from insights_app.models import InsightSnapshot, InsightState
from insights_app.selectors import snapshot_published_get
from insights_app.services import (
    insights_compute,
    insights_mark_changed,
    insights_recompute,
    insights_recompute_dirty,
    recompute,
    triggers,
)
from tests.factories import (
    AccountFactory,
    ConversationFactory,
    DealFactory,
    SegmentFactory,
    TagFactory,
)
from tests.world import add_data

KINDS = ("segments", "features", "assumptions", "trend")


def needs_postgresql():
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL: threads with their own connections to one database"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true, so this must run rather than be skipped.")
        pytest.skip(reason)


def published_versions(workspace) -> set[int]:
    return set(
        InsightSnapshot.objects.filter(workspace=workspace).values_list("version", flat=True)
    )


def industry_rows(workspace) -> dict:
    snapshot = snapshot_published_get(workspace=workspace, kind="segments", dimension="industry")
    return {row["value"]: row for row in snapshot.payload.get("results", [])}


@pytest.mark.django_db
class TestPublishing:
    def test_a_recompute_publishes_every_part_of_one_version(self, workspace):
        add_data(workspace, accounts=3)
        SegmentFactory(workspace=workspace, filters={"industry": "Fintech"})

        result = insights_recompute(workspace_id=workspace.pk)

        state = InsightState.objects.get(workspace=workspace)
        assert result.outcome == "published"
        assert state.published_version == result.version
        assert state.published_data_version == state.data_version
        assert state.computed_at is not None and not state.dirty
        parts = set(
            InsightSnapshot.objects.filter(workspace=workspace).values_list("kind", "dimension")
        )
        assert len(parts) == 4 * 8  # four kinds × (7 account dimensions + 1 segment)
        assert {kind for kind, _ in parts} == set(KINDS)

    def test_a_new_version_replaces_the_old_one_entirely(self, workspace):
        add_data(workspace, accounts=2)
        first = insights_recompute(workspace_id=workspace.pk)
        DealFactory(
            workspace=workspace,
            account=AccountFactory(workspace=workspace, industry="Retail"),
            stage="closed_won",
            amount=Decimal("5"),
        )

        second = insights_recompute(workspace_id=workspace.pk, force=True)

        assert second.version > first.version
        assert published_versions(workspace) == {second.version}  # superseded rows deleted
        assert industry_rows(workspace)["Retail"]["won"] == 2

    def test_a_failed_publish_leaves_the_old_version_published_and_nothing_half_written(
        self, workspace, monkeypatch
    ):
        add_data(workspace, accounts=2)
        first = insights_recompute(workspace_id=workspace.pk)
        before = industry_rows(workspace)
        original = InsightSnapshot.objects.bulk_create

        def write_then_die(objs, **kwargs):
            original(objs, **kwargs)
            raise RuntimeError("worker lost in the middle of publishing")

        monkeypatch.setattr(InsightSnapshot.objects, "bulk_create", write_then_die)
        with pytest.raises(RuntimeError):
            insights_recompute(workspace_id=workspace.pk, force=True)

        state = InsightState.objects.get(workspace=workspace)
        assert state.published_version == first.version
        assert published_versions(workspace) == {first.version}
        assert industry_rows(workspace) == before

    def test_a_recompute_that_lost_the_race_to_a_newer_one_publishes_nothing(self, workspace):
        add_data(workspace, accounts=2)
        # A claims a version, then B claims a newer one and publishes first.
        _state, older = recompute._claim(workspace_id=workspace.pk, force=True)
        newer = insights_recompute(workspace_id=workspace.pk, force=True)
        parts = insights_compute(workspace=workspace)

        published = recompute._publish(
            workspace_id=workspace.pk,
            version=older,
            data_version=0,
            parts=parts,
            now=newer.computed_at,
        )

        assert not published
        state = InsightState.objects.get(workspace=workspace)
        assert state.published_version == newer.version > older
        assert published_versions(workspace) == {newer.version}


@pytest.mark.django_db
class TestFreshness:
    def test_unchanged_data_is_a_cheap_skip(self, workspace, assert_query_baseline):
        add_data(workspace, accounts=3)
        first = insights_recompute(workspace_id=workspace.pk)

        with assert_query_baseline("insights_recompute of unchanged data (skipped)"):
            again = insights_recompute(workspace_id=workspace.pk)

        assert again.outcome == "skipped"
        assert again.version == first.version
        assert published_versions(workspace) == {first.version}

    def test_forcing_recomputes_unchanged_data(self, workspace):
        add_data(workspace, accounts=1)
        first = insights_recompute(workspace_id=workspace.pk)

        again = insights_recompute(workspace_id=workspace.pk, force=True)

        assert again.outcome == "published" and again.version > first.version

    def test_a_data_change_makes_the_published_snapshot_stale_until_the_next_recompute(
        self, workspace
    ):
        add_data(workspace, accounts=1)
        insights_recompute(workspace_id=workspace.pk)
        read = lambda: snapshot_published_get(  # noqa: E731
            workspace=workspace, kind="segments", dimension="industry"
        )
        assert read().stale is False

        insights_mark_changed(workspace_ids=[workspace.pk])

        assert read().stale is True
        assert read().payload["results"]  # the old figures are still served meanwhile
        insights_recompute(workspace_id=workspace.pk)
        assert read().stale is False

    def test_before_any_recompute_there_is_nothing_and_it_is_stale_once_data_changed(
        self, workspace
    ):
        snapshot = snapshot_published_get(workspace=workspace, kind="trend", dimension="industry")
        assert (snapshot.payload, snapshot.computed_at, snapshot.stale) == ({}, None, False)

        insights_mark_changed(workspace_ids=[workspace.pk])

        snapshot = snapshot_published_get(workspace=workspace, kind="trend", dimension="industry")
        assert snapshot.computed_at is None and snapshot.stale is True


@pytest.mark.django_db
def test_the_query_count_is_the_same_for_small_and_ten_times_larger_data(
    workspace, other_workspace
):
    for ws, accounts in ((workspace, 2), (other_workspace, 20)):
        add_data(ws, accounts=accounts, seed=accounts)
        SegmentFactory(workspace=ws, name="Fintech", filters={"industry": "Fintech"})

    counts = []
    for ws in (workspace, other_workspace):
        with CaptureQueriesContext(connection) as queries:
            result = insights_recompute(workspace_id=ws.pk, force=True)
        assert result.outcome == "published"
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
    assert counts[0] < 40  # a constant: ~20 reads, one per saved segment, the publish


@pytest.mark.django_db(transaction=True)
class TestDirtyAndDebounce:
    def test_a_hundred_edits_in_one_transaction_bump_the_data_version_once(self, workspace):
        account = AccountFactory(workspace=workspace)
        InsightState.objects.get_or_create(workspace=workspace)
        before = InsightState.objects.get(workspace=workspace).data_version

        with transaction.atomic():
            for i in range(100):
                DealFactory(workspace=workspace, account=account, name=f"Deal {i}")

        state = InsightState.objects.get(workspace=workspace)
        assert state.data_version == before + 1
        assert state.dirty

    def test_a_rolled_back_transaction_marks_nothing(self, workspace):
        account = AccountFactory(workspace=workspace)
        InsightState.objects.filter(workspace=workspace).update(dirty=False)
        before = InsightState.objects.get(workspace=workspace).data_version

        with pytest.raises(RuntimeError), transaction.atomic():
            DealFactory(workspace=workspace, account=account)
            raise RuntimeError("changed my mind")

        state = InsightState.objects.get(workspace=workspace)
        assert (state.data_version, state.dirty) == (before, False)

    def test_changes_that_feed_insights_mark_the_workspace_dirty(self, workspace):
        account = AccountFactory(workspace=workspace)
        deal = DealFactory(workspace=workspace, account=account)
        conversation = ConversationFactory(workspace=workspace, account=account)
        tag = TagFactory(workspace=workspace, kind="pain")

        def bumps(change) -> int:
            before = InsightState.objects.get(workspace=workspace).data_version
            change()
            return InsightState.objects.get(workspace=workspace).data_version - before

        assert bumps(lambda: Deal.objects.get(pk=deal.pk).save()) == 1
        assert bumps(lambda: conversation.tags.add(tag)) == 1
        assert bumps(lambda: conversation.tags.remove(tag)) == 1
        assert bumps(lambda: SegmentFactory(workspace=workspace)) == 1
        assert bumps(lambda: Deal.objects.get(pk=deal.pk).delete()) >= 1
        workspace.hourly_cost = Decimal("120")
        assert bumps(workspace.save) == 1

    def test_a_bulk_write_announced_by_a_lower_app_marks_the_workspace_dirty(self, workspace):
        from deals_app.signals import workspace_data_changed

        AccountFactory(workspace=workspace)
        InsightState.objects.filter(workspace=workspace).update(dirty=False)
        before = InsightState.objects.get(workspace=workspace).data_version

        workspace_data_changed.send(sender=None, workspace_id=workspace.pk)

        state = InsightState.objects.get(workspace=workspace)
        assert (state.data_version, state.dirty) == (before + 1, True)

    def test_a_burst_of_edits_costs_one_scheduled_recompute(self, workspace, other_workspace):
        account = AccountFactory(workspace=workspace)
        AccountFactory(workspace=other_workspace)
        insights_recompute(workspace_id=other_workspace.pk)  # up to date: not recomputed again
        deal = DealFactory(workspace=workspace, account=account, amount=Decimal("1"))
        for i in range(100):  # separate transactions, as 100 API requests would be
            Deal.objects.filter(pk=deal.pk).first().save()
            if i == 0:
                first_bump = InsightState.objects.get(workspace=workspace).data_version

        state = InsightState.objects.get(workspace=workspace)
        assert state.dirty and state.data_version >= first_bump + 99

        results = insights_recompute_dirty()

        assert [(r.workspace_id, r.outcome) for r in results] == [(workspace.pk, "published")]
        state = InsightState.objects.get(workspace=workspace)
        assert not state.dirty and state.lease_until is None
        assert state.published_data_version == state.data_version
        assert insights_recompute_dirty() == []  # nothing left to do

    def test_a_workspace_held_by_a_running_recompute_is_not_recomputed_twice(self, workspace):
        AccountFactory(workspace=workspace)
        from django.utils import timezone

        InsightState.objects.filter(workspace=workspace).update(
            dirty=True, lease_until=timezone.now() + triggers.LEASE
        )

        assert insights_recompute_dirty() == []
        assert InsightState.objects.get(workspace=workspace).dirty


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    def test_a_reader_during_a_recompute_sees_the_old_version_then_the_new(
        self, workspace, monkeypatch
    ):
        needs_postgresql()
        account = AccountFactory(workspace=workspace, industry="Fintech")
        DealFactory(workspace=workspace, account=account, stage="closed_won")
        old = insights_recompute(workspace_id=workspace.pk)
        DealFactory(workspace=workspace, account=account, stage="closed_won")
        written, proceed = threading.Event(), threading.Event()
        original = InsightSnapshot.objects.bulk_create

        def write_and_wait(objs, **kwargs):
            created = original(objs, **kwargs)
            written.set()
            assert proceed.wait(30)
            return created

        monkeypatch.setattr(InsightSnapshot.objects, "bulk_create", write_and_wait)
        outcome = {}

        def recompute():
            try:
                outcome["result"] = insights_recompute(workspace_id=workspace.pk, force=True)
            finally:
                connections.close_all()

        thread = threading.Thread(target=recompute)
        thread.start()
        try:
            assert written.wait(30), "the recompute never reached its publish"
            # The new rows are written but not committed: readers still get the old version.
            during = snapshot_published_get(
                workspace=workspace, kind="segments", dimension="industry"
            )
            assert during.computed_at == old.computed_at
            assert {r["value"]: r["won"] for r in during.payload["results"]} == {"Fintech": 1}
            assert published_versions(workspace) == {old.version}
        finally:
            proceed.set()
            thread.join(60)
        after = snapshot_published_get(workspace=workspace, kind="segments", dimension="industry")
        assert {r["value"]: r["won"] for r in after.payload["results"]} == {"Fintech": 2}
        assert published_versions(workspace) == {outcome["result"].version}

    def test_two_recomputes_at_once_leave_one_complete_consistent_version(self, workspace):
        needs_postgresql()
        add_data(workspace, accounts=4)
        barrier = threading.Barrier(2)
        results, errors = [], []

        def recompute():
            try:
                barrier.wait(10)
                results.append(insights_recompute(workspace_id=workspace.pk, force=True))
            except Exception as exc:  # surfaced below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=recompute) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        assert errors == []
        assert sorted(r.outcome for r in results) in (
            ["published", "published"],
            ["published", "superseded"],
        )
        state = InsightState.objects.get(workspace=workspace)
        assert state.published_version == max(r.version for r in results)
        assert published_versions(workspace) == {state.published_version}
        stored = InsightSnapshot.objects.filter(workspace=workspace)
        assert stored.count() == len(results[0].parts)
        expected = {(p.kind, p.dimension): p.payload for p in insights_compute(workspace=workspace)}
        assert {(s.kind, s.dimension): s.payload for s in stored} == expected
