"""Creating and editing assumptions from the board, and an assumption's own page.

Product managers and admins write; sales and executives read (no buttons, 403 on the form and
on POST). Bad input answers 400 with the message and what was typed; another workspace's
assumption is not found; the pages' query counts do not grow with the evidence.
"""

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


def login(client, member, role):
    user = member(role)
    client.force_login(user)
    return user


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def assumption(workspace):
    return AssumptionFactory.create(
        workspace=workspace, statement="VM teams reject agents.", area="Deployment"
    )


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pm", "admin"])
def test_writers_create_an_assumption_and_land_on_its_page(client, member, workspace, role):
    user = login(client, member, role)
    assert client.get("/assumptions/new/").status_code == 200
    response = client.post(
        "/assumptions/new/", {"statement": "  Buyers   want SSO first. ", "area": "Security"}
    )
    created = Assumption.objects.get()
    assert response.status_code == 302 and response.url == f"/assumptions/{created.pk}/"
    assert created.statement == "Buyers want SSO first."  # spaces tidied by the service
    assert (created.area, created.workspace, created.created_by) == ("Security", workspace, user)
    page = client.get(response.url).content.decode()
    assert "Buyers want SSO first." in page and "Assumption added." in page
    assert "Untested" in page


@pytest.mark.parametrize("role", ["sales", "exec"])
def test_readers_cannot_create_or_edit(client, member, role, assumption):
    login(client, member, role)
    assert client.get("/assumptions/new/").status_code == 403
    assert client.post("/assumptions/new/", {"statement": "Sneaky"}).status_code == 403
    assert client.get(f"/assumptions/{assumption.pk}/edit/").status_code == 403
    edit = client.post(f"/assumptions/{assumption.pk}/edit/", {"statement": "Changed"})
    assert edit.status_code == 403
    assumption.refresh_from_db()
    assert assumption.statement == "VM teams reject agents."
    assert Assumption.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "writes"), [("pm", True), ("admin", True), ("sales", False), ("exec", False)]
)
def test_buttons_show_only_for_writers(client, member, role, writes, assumption):
    login(client, member, role)
    insights_recompute(workspace_id=assumption.workspace_id, force=True)
    board = client.get("/assumptions/").content.decode()
    detail = client.get(f"/assumptions/{assumption.pk}/").content.decode()
    assert ('href="/assumptions/new/"' in board) is writes
    assert (f'href="/assumptions/{assumption.pk}/edit/"' in board) is writes
    assert (f'href="/assumptions/{assumption.pk}/edit/"' in detail) is writes
    assert f'href="/assumptions/{assumption.pk}/"' in board  # everyone reads its page


def test_another_workspaces_assumption_is_not_found(client, member, other_workspace):
    theirs = AssumptionFactory.create(workspace=other_workspace, statement="Their belief.")
    login(client, member, "admin")
    assert client.get(f"/assumptions/{theirs.pk}/").status_code == 404
    assert client.get(f"/assumptions/{theirs.pk}/edit/").status_code == 404
    response = client.post(f"/assumptions/{theirs.pk}/edit/", {"statement": "Hijacked"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.statement == "Their belief."


# --- bad input ---------------------------------------------------------------------------------


def test_a_blank_statement_answers_400_and_keeps_the_area(client, member):
    login(client, member, "pm")
    response = client.post("/assumptions/new/", {"statement": "   ", "area": "Pricing"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved yet" in page and "This field is required." in page
    assert 'value="Pricing"' in page
    assert not Assumption.objects.exists()


def test_a_too_long_statement_or_area_answers_400(client, member):
    login(client, member, "pm")
    response = client.post("/assumptions/new/", {"statement": "x" * 2001, "area": "a" * 121})
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 2000 characters" in page and "at most 120 characters" in page
    assert not Assumption.objects.exists()


def test_a_duplicate_statement_is_refused_with_the_typed_text(client, member, assumption):
    login(client, member, "pm")
    response = client.post("/assumptions/new/", {"statement": "vm teams  REJECT agents."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "An assumption with this statement exists already." in page
    assert "vm teams  REJECT agents." in page
    assert Assumption.objects.count() == 1


def test_editing_rewords_and_keeps_evidence(client, member, workspace, assumption):
    EvidenceFactory.create(assumption=assumption, quote="No agents here.")
    login(client, member, "pm")
    page = client.get(f"/assumptions/{assumption.pk}/edit/").content.decode()
    assert "VM teams reject agents." in page and 'value="Deployment"' in page
    response = client.post(
        f"/assumptions/{assumption.pk}/edit/",
        {"statement": "VM teams reject installed agents.", "area": ""},
    )
    assert response.status_code == 302 and response.url == f"/assumptions/{assumption.pk}/"
    assumption.refresh_from_db()
    assert (assumption.statement, assumption.area) == ("VM teams reject installed agents.", "")
    assert assumption.evidence.count() == 1
    # Saving it unchanged is not a duplicate of itself; clashing with another one is.
    AssumptionFactory.create(workspace=workspace, statement="Everyone needs SSO.")
    same = {"statement": "VM teams reject installed agents.", "area": "Deployment"}
    assert client.post(f"/assumptions/{assumption.pk}/edit/", same).status_code == 302
    clash = client.post(f"/assumptions/{assumption.pk}/edit/", {"statement": "Everyone needs SSO."})
    assert clash.status_code == 400
    assert "exists already" in clash.content.decode()


# --- the board and the page --------------------------------------------------------------------


def test_a_new_assumption_is_on_the_board_at_once_marked_pending(client, member, assumption):
    insights_recompute(workspace_id=assumption.workspace_id, force=True)
    login(client, member, "pm")
    client.post("/assumptions/new/", {"statement": "Buyers want SSO first."})
    response = client.get("/assumptions/")
    lines = {line["statement"]: line for line in response.context["board"]}
    assert lines["Buyers want SSO first."]["pending"] is True
    assert lines["VM teams reject agents."]["pending"] is False
    assert "Pending" in response.content.decode()


def test_a_reworded_assumption_shows_its_new_words_on_the_board(client, member, assumption):
    insights_recompute(workspace_id=assumption.workspace_id, force=True)
    login(client, member, "pm")
    client.post(f"/assumptions/{assumption.pk}/edit/", {"statement": "Reworded belief."})
    page = client.get("/assumptions/").content.decode()
    assert "Reworded belief." in page and "VM teams reject agents." not in page


def test_the_page_lists_evidence_with_quotes_and_conversation_links(
    client, member, workspace, assumption
):
    account = AccountFactory.create(workspace=workspace, name="Initech")
    for i in range(3):
        EvidenceFactory.create(
            assumption=assumption,
            conversation=ConversationFactory.create(account=account, title=f"Call {i}"),
            verdict="supports",
            quote=f"Quote {i}",
        )
    against = EvidenceFactory.create(
        assumption=assumption,
        conversation=ConversationFactory.create(account=account, title="Objection"),
        verdict="contradicts",
        quote="We love agents.",
    )
    login(client, member, "exec")
    response = client.get(f"/assumptions/{assumption.pk}/")
    page = response.content.decode()
    assert response.context["assumption"].status == "validated"  # 3 for, 1 against
    assert "3 for · 1 against" in page
    assert f'href="/conversations/{against.conversation_id}/">Objection</a>' in page
    assert f'href="/accounts/{account.pk}/">Initech</a>' in page
    assert "“We love agents.”" in page and "“Quote 2”" in page


def test_the_page_paginates_evidence_and_its_queries_stay_constant(
    client, member, workspace, assumption
):
    login(client, member, "pm")
    account = AccountFactory.create(workspace=workspace)

    def add(n):
        for _ in range(n):
            EvidenceFactory.create(
                assumption=assumption, conversation=ConversationFactory.create(account=account)
            )

    add(5)
    few = queries(client, f"/assumptions/{assumption.pk}/")
    add(45)
    assert queries(client, f"/assumptions/{assumption.pk}/") == few
    response = client.get(f"/assumptions/{assumption.pk}/?page=2")
    assert len(response.context["evidence"]) == 25


def test_the_form_pages_query_count_is_constant(client, member, workspace, assumption):
    login(client, member, "pm")
    new, edit = "/assumptions/new/", f"/assumptions/{assumption.pk}/edit/"
    before = (queries(client, new), queries(client, edit))
    for i in range(10):
        AssumptionFactory.create(workspace=workspace, statement=f"Belief {i}", area=f"Area {i}")
    assert (queries(client, new), queries(client, edit)) == before
