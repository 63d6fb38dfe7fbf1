"""Marking a workspace's insights dirty: the service, and the task run in-process (eager)."""

import pytest

from common.exceptions import ApplicationError
from insights_app.models import InsightState
from insights_app.services import workspace_mark_dirty
from insights_app.tasks import insights_mark_dirty

pytestmark = pytest.mark.django_db


def test_first_change_creates_the_state_dirty_at_data_version_one(workspace):
    state = workspace_mark_dirty(workspace_id=workspace.pk)

    row = InsightState.objects.get(workspace=workspace)
    assert (state.pk, state.data_version, state.dirty) == (row.pk, 1, True)
    assert (row.data_version, row.dirty) == (1, True)


def test_a_later_change_bumps_data_version_of_the_existing_state(workspace):
    InsightState.objects.create(workspace=workspace, data_version=41, dirty=False)

    state = workspace_mark_dirty(workspace_id=workspace.pk)
    workspace_mark_dirty(workspace_id=workspace.pk)

    assert state.data_version == 42
    row = InsightState.objects.get(workspace=workspace)
    assert (row.data_version, row.dirty) == (43, True)
    assert InsightState.objects.filter(workspace=workspace).count() == 1


def test_marking_one_workspace_leaves_another_alone(workspace, other_workspace):
    InsightState.objects.create(workspace=other_workspace, data_version=7, dirty=False)

    workspace_mark_dirty(workspace_id=workspace.pk)

    other = InsightState.objects.get(workspace=other_workspace)
    assert (other.data_version, other.dirty) == (7, False)


def test_an_unknown_workspace_is_rejected_and_nothing_is_written(workspace):
    with pytest.raises(ApplicationError, match="does not exist"):
        workspace_mark_dirty(workspace_id=workspace.pk + 1000)

    assert not InsightState.objects.exists()


def test_the_task_run_in_process_returns_the_new_data_version(workspace, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER

    first = insights_mark_dirty.delay(workspace.pk).get(timeout=5)
    second = insights_mark_dirty.delay(workspace.pk).get(timeout=5)

    assert (first, second) == (1, 2)
    assert InsightState.objects.get(workspace=workspace).data_version == 2
