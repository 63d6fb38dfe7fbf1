"""The assumption board reads the published snapshot: status overall and per segment value,
"ask next" where an assumption is untested, latest quotes; everyone in the workspace reads it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights_app.models import Assumption
from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    AssumptionFactory,
    ConversationFactory,
    EvidenceFactory,
)

pytestmark = pytest.mark.django_db


def evidence(assumption, account, verdict, quote="", n=1):
    for _ in range(n):
        EvidenceFactory.create(
            assumption=assumption,
            conversation=ConversationFactory.create(account=account),
            verdict=verdict,
            quote=quote,
        )


@pytest.fixture
def board_data(workspace, other_workspace):
    vms = AccountFactory.create(workspace=workspace, infrastructure="virtual_machines")
    k8s = AccountFactory.create(workspace=workspace, infrastructure="containers")
    agents = AssumptionFactory.create(workspace=workspace, statement="VM teams reject agents.")
    sso = AssumptionFactory.create(workspace=workspace, statement="Everyone needs SSO.")
    evidence(agents, vms, "supports", "No agents on our VMs.", n=3)
    evidence(agents, k8s, "contradicts", n=3)
    evidence(sso, k8s, "supports")
    AssumptionFactory.create(workspace=other_workspace, statement="Their secret belief.")
    insights_recompute(workspace_id=workspace.pk, force=True)


@pytest.mark.parametrize("role", ["pm", "sales", "exec", "admin"])
def test_everyone_reads_the_board(client, member, role, board_data):
    client.force_login(member(role))
    page = client.get("/assumptions/?dimension=infrastructure").content.decode()
    assert "VM teams reject agents." in page and "Their secret belief." not in page


def test_board_shows_status_per_value_and_what_to_ask_next(client, member, board_data):
    client.force_login(member("pm"))
    response = client.get("/assumptions/?dimension=infrastructure")
    lines = {line["statement"]: line for line in response.context["board"]}
    assert response.context["values"] == ["Containers", "Virtual machines"]
    agents = lines["VM teams reject agents."]
    assert agents["status"] == "mixed"
    assert [cell["status"] for cell in agents["cells"]] == ["invalidated", "validated"]
    assert lines["Everyone needs SSO."]["ask_next"] == ["Virtual machines"]
    assert "No agents on our VMs." in response.content.decode()


def test_board_without_a_snapshot_says_so(client, member, workspace):
    AssumptionFactory.create(workspace=workspace)
    client.force_login(member("pm"))
    page = client.get("/assumptions/").content.decode()
    assert "No assumption board yet" in page


def test_board_query_count_is_constant(client, member, workspace, board_data):
    client.force_login(member("exec"))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/assumptions/?dimension=infrastructure").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    account = AccountFactory.create(workspace=workspace, infrastructure="serverless")
    for i in range(4):
        evidence(AssumptionFactory.create(workspace=workspace), account, "supports", f"Q{i}")
    insights_recompute(workspace_id=workspace.pk, force=True)
    assert count() == before


def test_ask_next_leaves_out_unknown_values(client, member, workspace, board_data):
    unknown = AccountFactory.create(workspace=workspace, infrastructure="unknown")
    agents = Assumption.objects.get(statement="VM teams reject agents.")
    evidence(agents, unknown, "supports")
    insights_recompute(workspace_id=workspace.pk, force=True)
    client.force_login(member("pm"))
    response = client.get("/assumptions/?dimension=infrastructure")
    lines = {line["statement"]: line for line in response.context["board"]}
    assert "Unknown" in response.context["values"]  # the column is there
    assert lines["Everyone needs SSO."]["ask_next"] == ["Virtual machines"]  # not "Unknown"
