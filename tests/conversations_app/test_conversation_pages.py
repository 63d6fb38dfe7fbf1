"""The conversation log pages: new, detail, edit, delete, the look-ups and the account pages.

Who may do what per role, another workspace's ids are 404, form errors keep what was typed,
notes are rendered through the sanitiser, and query counts do not grow with the rows.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals_app.models import ActionItem, Conversation
from insights_app.models import Evidence, FeatureMention
from tests.factories import (
    AccountFactory,
    ActionItemFactory,
    AssumptionFactory,
    ContactFactory,
    ConversationFactory,
    DealFactory,
    EvidenceFactory,
    FeatureMentionFactory,
    FeatureRequestFactory,
    PersonaFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

EMPTY_FORMSETS = {
    f"{prefix}-{key}": value
    for prefix in ("actions", "evidence", "mentions")
    for key, value in (("TOTAL_FORMS", "2"), ("INITIAL_FORMS", "0"))
}


@pytest.fixture
def account(workspace):
    return AccountFactory.create(workspace=workspace, name="Initech")


@pytest.fixture
def conversation(account):
    return ConversationFactory.create(account=account, title="Initech discovery")


def login(client, member, role):
    client.force_login(member(role))
    return client


def post_data(account, /, **extra) -> dict:
    data = {
        **EMPTY_FORMSETS,
        "account": account.name,
        "occurred_on": "2026-03-02",
        "kind": "discovery",
        "sentiment": "neutral",
        "title": "Call with Initech",
        "notes": "They page three teams.",
    }
    data.update(extra)
    return data


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status", [("pm", 200), ("admin", 200), ("sales", 403), ("exec", 403)]
)
def test_only_pm_and_admin_open_the_log_form(client, member, role, status):
    assert login(client, member, role).get("/conversations/new/").status_code == status


@pytest.mark.parametrize("role", ["sales", "exec"])
def test_readers_cannot_log_edit_or_delete(client, member, role, account, conversation):
    login(client, member, role)
    assert client.post("/conversations/new/", post_data(account)).status_code == 403
    assert client.get(f"/conversations/{conversation.pk}/edit/").status_code == 403
    assert client.post(f"/conversations/{conversation.pk}/delete/").status_code == 403
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize("role", ["pm", "sales", "exec", "admin"])
def test_everyone_reads_a_conversation(client, member, role, conversation):
    response = login(client, member, role).get(f"/conversations/{conversation.pk}/")
    assert response.status_code == 200
    assert (b"Edit</a>" in response.content) == (role in ("pm", "admin"))


def test_another_workspaces_conversation_is_not_found(client, member, other_workspace):
    theirs = ConversationFactory.create(account__workspace=other_workspace)
    item = ActionItemFactory.create(conversation=theirs)
    login(client, member, "admin")
    for url in ("", "edit/", "delete/"):
        assert client.get(f"/conversations/{theirs.pk}/{url}").status_code == 404
    assert client.post(f"/conversations/{theirs.pk}/delete/").status_code == 404
    toggle = f"/conversations/{theirs.pk}/action-items/{item.pk}/toggle/"
    assert client.post(toggle).status_code == 404
    assert Conversation.objects.filter(pk=theirs.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, conversation):
    response = client.get(f"/conversations/{conversation.pk}/")
    assert response.status_code == 302 and "/login/" in response.url


# --- logging -----------------------------------------------------------------------------------


def test_logging_a_conversation_with_rows_shows_it(client, member, workspace, account):
    pm = member("pm")
    client.force_login(pm)
    deal = DealFactory.create(account=account)
    contact = ContactFactory.create(account=account, first_name="Ann", last_name="Lee")
    assumption = AssumptionFactory.create(workspace=workspace)
    feature = FeatureRequestFactory.create(workspace=workspace, title="SAML SSO")
    data = post_data(
        account,
        deal=str(deal.pk),
        participants=[str(contact.pk)],
        new_contact_name="Bo Diaz",
        new_contact_title="CIO",
        pains="Alert fatigue, Tool sprawl",
        **{
            "actions-0-text": "Send the guide",
            "actions-0-owner": str(pm.pk),
            "actions-0-due_on": "2026-03-09",
            "evidence-0-assumption": str(assumption.pk),
            "evidence-0-verdict": "contradicts",
            "evidence-0-quote": "We run agents everywhere.",
            "mentions-0-feature": str(feature.pk),
            "mentions-0-importance": "deal_blocker",
            "mentions-1-new_feature_title": "Fleet view",
            "mentions-1-importance": "important",
        },
    )

    response = client.post("/conversations/new/", data)

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/conversations/{conversation.pk}/"
    assert conversation.logged_by == pm and conversation.deal == deal
    assert sorted(c.last_name for c in conversation.participants.all()) == ["Diaz", "Lee"]
    assert sorted(t.name for t in conversation.tags.all()) == ["Alert fatigue", "Tool sprawl"]
    assert ActionItem.objects.get().owner == pm
    assert Evidence.objects.get().verdict == "contradicts"
    assert sorted(m.feature.title for m in FeatureMention.objects.all()) == [
        "Fleet view",
        "SAML SSO",
    ]
    page = client.get(response.url).content.decode()
    for text in ("Send the guide", "We run agents everywhere.", "Fleet view", "Bo Diaz"):
        assert text in page


def test_the_account_can_be_typed_as_its_id(client, member, account):
    login(client, member, "pm")
    response = client.post("/conversations/new/", post_data(account, account=f"#{account.pk}"))
    assert response.status_code == 302
    assert Conversation.objects.get().account == account


def test_an_unknown_or_ambiguous_account_is_explained_and_input_kept(
    client, member, workspace, other_workspace
):
    AccountFactory.create(workspace=workspace, name="Acme")
    AccountFactory.create(workspace=workspace, name="acme")
    theirs = AccountFactory.create(workspace=other_workspace, name="Umbrella")
    login(client, member, "pm")

    response = client.post(
        "/conversations/new/",
        post_data(theirs, title="Typed title", notes="Typed notes", pains="Typed pain"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "No account here is named “Umbrella”" in page
    for typed in ('value="Typed title"', "Typed notes", 'value="Typed pain"'):
        assert typed in page

    response = client.post("/conversations/new/", post_data(theirs, account="ACME"))
    assert response.status_code == 400
    assert "Several accounts are named “ACME”" in response.content.decode()
    response = client.post("/conversations/new/", post_data(theirs, account=str(theirs.pk)))
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_a_bad_row_keeps_every_row_typed(client, member, workspace, account):
    login(client, member, "pm")
    data = post_data(
        account,
        **{
            "actions-0-text": "Call back",
            "evidence-0-quote": "A quote without an assumption",
            "mentions-0-quote": "A mention without a feature",
        },
    )
    response = client.post("/conversations/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Call back"' in page
    assert "A quote without an assumption" in page
    assert "Pick a feature or name a new one." in page
    assert not Conversation.objects.exists()


def test_another_workspaces_ids_in_the_form_are_rejected(
    client, member, workspace, other_workspace, account
):
    login(client, member, "pm")
    their_deal = DealFactory.create(account__workspace=other_workspace)
    their_contact = ContactFactory.create(account__workspace=other_workspace)
    their_assumption = AssumptionFactory.create(workspace=other_workspace)
    data = post_data(
        account,
        deal=str(their_deal.pk),
        participants=[str(their_contact.pk)],
        **{"evidence-0-assumption": str(their_assumption.pk), "evidence-0-verdict": "supports"},
    )
    response = client.post("/conversations/new/", data)
    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_an_invalid_submission_answers_400_and_keeps_everything_typed(
    client, member, workspace, account
):
    contact = ContactFactory.create(account=account, first_name="Ann", last_name="Lee")
    persona = PersonaFactory.create(workspace=workspace, name="Platform lead")
    assumption = AssumptionFactory.create(workspace=workspace, statement="VM teams reject agents.")
    login(client, member, "pm")
    data = post_data(
        account,
        title="",  # required: the one mistake
        notes="Typed **notes**",
        participants=[str(contact.pk)],
        new_contact_name="Bo Diaz",
        new_contact_title="Head of platform",
        new_contact_persona=str(persona.pk),
        pains="Pager overload",
        topics="Migration",
        duration_minutes="35",
        **{
            "actions-0-text": "Send the guide",
            "evidence-0-assumption": str(assumption.pk),
            "evidence-0-verdict": "contradicts",
            "evidence-0-quote": "We run agents everywhere.",
            "mentions-0-new_feature_title": "Fleet view",
            "mentions-0-importance": "critical",
            "mentions-0-quote": "Show us every VM.",
        },
    )
    response = client.post("/conversations/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved yet" in page and "This field is required." in page
    for typed in (
        'value="Initech"',
        "Typed **notes**",
        f'value="{contact.pk}" id="id_participants_0" checked',
        'value="Bo Diaz"',
        'value="Head of platform"',
        f'<option value="{persona.pk}" selected>Platform lead</option>',
        'value="Pager overload"',
        'value="Migration"',
        'value="35"',
        'value="Send the guide"',
        f'<option value="{assumption.pk}" selected>',
        '<option value="contradicts" selected>',
        "We run agents everywhere.",
        'value="Fleet view"',
        '<option value="critical" selected>',
        "Show us every VM.",
    ):
        assert typed in page, typed
    assert not Conversation.objects.exists()


def test_edit_with_an_error_answers_400_and_keeps_the_typed_title(
    client, member, account, conversation
):
    login(client, member, "pm")
    data = post_data(account, title="Renamed but", duration_minutes="9999")
    response = client.post(f"/conversations/{conversation.pk}/edit/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Renamed but"' in page and "less than or equal to 1440" in page
    conversation.refresh_from_db()
    assert conversation.title == "Initech discovery"


def test_a_new_contact_is_saved_with_title_and_persona(client, member, workspace, account):
    persona = PersonaFactory.create(workspace=workspace, name="Platform lead")
    login(client, member, "pm")
    data = post_data(
        account,
        new_contact_name="Bo Diaz",
        new_contact_title="Head of platform",
        new_contact_persona=str(persona.pk),
    )
    response = client.post("/conversations/new/", data)
    assert response.status_code == 302
    (contact,) = Conversation.objects.get().participants.all()
    assert (contact.first_name, contact.last_name) == ("Bo", "Diaz")
    assert contact.title == "Head of platform" and contact.persona == persona
    assert contact.account == account
    page = client.get(response.url).content.decode()
    assert "Head of platform · Platform lead" in page


def test_a_persona_needs_a_name_and_another_workspaces_persona_is_refused(
    client, member, workspace, other_workspace, account
):
    theirs = PersonaFactory.create(workspace=other_workspace, name="Their persona")
    ours = PersonaFactory.create(workspace=workspace, name="CIO")
    login(client, member, "pm")
    response = client.post(
        "/conversations/new/", post_data(account, new_contact_persona=str(ours.pk))
    )
    assert response.status_code == 400
    assert "Give the new contact&#x27;s name." in response.content.decode()
    response = client.post(
        "/conversations/new/",
        post_data(account, new_contact_name="Bo Diaz", new_contact_persona=str(theirs.pk)),
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "Their persona" not in response.content.decode()
    assert not Conversation.objects.exists()


def test_account_query_string_prefills_the_form(client, member, account):
    ContactFactory.create(account=account, first_name="Ann", last_name="Lee")
    response = login(client, member, "pm").get(f"/conversations/new/?account={account.pk}")
    page = response.content.decode()
    assert 'value="Initech"' in page and "Ann Lee" in page


def test_load_contacts_without_javascript_keeps_input(client, member, account):
    ContactFactory.create(account=account, first_name="Ann", last_name="Lee")
    login(client, member, "pm")
    data = {**post_data(account, title="Half typed"), "_refresh": "1"}
    response = client.post("/conversations/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ann Lee" in page and 'value="Half typed"' in page
    assert not Conversation.objects.exists()


# --- edit, delete, tick --------------------------------------------------------------------------


def test_edit_prefills_and_saves(client, member, workspace, account, conversation):
    TagFactory.create(workspace=workspace, name="Alert fatigue", kind="pain")
    conversation.tags.set([TagFactory.create(workspace=workspace, name="Alert fatigue")])
    ActionItemFactory.create(conversation=conversation, text="Old item")
    login(client, member, "pm")
    page = client.get(f"/conversations/{conversation.pk}/edit/").content.decode()
    assert 'value="Initech discovery"' in page and 'value="Alert fatigue"' in page
    assert 'value="Old item"' in page

    data = post_data(account, title="Renamed", **{"actions-0-text": "New item"})
    data.update({"actions-TOTAL_FORMS": "2"})
    response = client.post(f"/conversations/{conversation.pk}/edit/", data)
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.title == "Renamed"
    assert [a.text for a in conversation.action_items.all()] == ["New item"]


def test_delete_asks_then_deletes(client, member, conversation):
    login(client, member, "pm")
    page = client.get(f"/conversations/{conversation.pk}/delete/").content.decode()
    assert "Delete this conversation?" in page
    response = client.post(f"/conversations/{conversation.pk}/delete/")
    assert response.status_code == 302 and response.url == "/conversations/"
    assert not Conversation.objects.exists()


def test_ticking_an_action_item_done(client, member, conversation):
    item = ActionItemFactory.create(conversation=conversation)
    login(client, member, "pm")
    url = f"/conversations/{conversation.pk}/action-items/{item.pk}/toggle/"
    client.post(url)
    item.refresh_from_db()
    assert item.done
    login(client, member, "exec")
    assert client.post(url).status_code == 403


# --- rendering ----------------------------------------------------------------------------------


def test_notes_are_rendered_as_sanitised_markdown(client, member, account):
    conversation = ConversationFactory.create(
        account=account,
        notes=(
            "**Bold** point\n\n<script>alert('x')</script>\n\n"
            '[click](javascript:alert(1)) <a href="javascript:alert(2)" onclick="x()">y</a>'
            "\n\n[docs](https://example.com/docs)"
        ),
    )
    page = login(client, member, "exec").get(f"/conversations/{conversation.pk}/").content
    page = page.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page and "onclick" not in page
    assert 'href="https://example.com/docs"' in page


def test_conversation_page_query_count_is_constant(client, member, workspace, account):
    login(client, member, "pm")

    def conversation_with(n: int) -> Conversation:
        c = ConversationFactory.create(account=account)
        c.participants.set(ContactFactory.create_batch(n, account=account))
        c.tags.set([TagFactory.create(workspace=workspace, name=f"Tag {i}") for i in range(n)])
        for _ in range(n):
            ActionItemFactory.create(conversation=c)
            EvidenceFactory.create(
                conversation=c, assumption=AssumptionFactory.create(workspace=workspace)
            )
            FeatureMentionFactory.create(
                conversation=c,
                account=account,
                feature=FeatureRequestFactory.create(workspace=workspace),
            )
        return c

    small, large = conversation_with(1), conversation_with(6)
    assert queries(client, f"/conversations/{small.pk}/") == queries(
        client, f"/conversations/{large.pk}/"
    )


def test_log_form_query_count_does_not_grow_with_the_workspace(client, member, workspace, account):
    login(client, member, "pm")
    url = f"/conversations/new/?account={account.pk}"
    before = queries(client, url)
    ContactFactory.create_batch(5, account=account)
    AssumptionFactory.create_batch(5, workspace=workspace)
    FeatureRequestFactory.create_batch(5, workspace=workspace)
    DealFactory.create_batch(3, account=account)
    assert queries(client, url) == before


# --- look-ups -----------------------------------------------------------------------------------


def test_account_lookup_only_searches_this_workspace(client, member, workspace, other_workspace):
    AccountFactory.create(workspace=workspace, name="Initech")
    AccountFactory.create(workspace=other_workspace, name="Initrode")
    login(client, member, "sales")
    results = client.get("/conversations/lookup/accounts/?q=init").json()["results"]
    assert [r["name"] for r in results] == ["Initech"]


def test_people_lookup_lists_the_accounts_contacts_and_deals(
    client, member, account, other_workspace
):
    ContactFactory.create(account=account, first_name="Ann", last_name="Lee", title="CIO")
    DealFactory.create(account=account, name="Initech platform")
    theirs = AccountFactory.create(workspace=other_workspace)
    login(client, member, "pm")
    data = client.get(f"/conversations/lookup/people/?account={account.pk}").json()
    assert [c["name"] for c in data["contacts"]] == ["Ann Lee"]
    assert [d["name"] for d in data["deals"]] == ["Initech platform"]
    response = client.get(f"/conversations/lookup/people/?account={theirs.pk}")
    assert response.json() == {"account": None, "contacts": [], "deals": []}


# --- account pages and the timeline filters -------------------------------------------------------


def test_account_pages_show_this_workspaces_accounts(client, member, account, other_workspace):
    boss = ContactFactory.create(account=account, first_name="Ann", last_name="Boss")
    ContactFactory.create(account=account, first_name="Rey", last_name="Report", reports_to=boss)
    ConversationFactory.create(account=account, title="Initech QBR")
    theirs = AccountFactory.create(workspace=other_workspace, name="Umbrella")
    login(client, member, "exec")
    listing = client.get("/accounts/").content.decode()
    assert "Initech" in listing and "Umbrella" not in listing
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Initech QBR" in page
    assert page.index("Ann Boss") < page.index("Rey Report")
    assert client.get(f"/accounts/{theirs.pk}/").status_code == 404


def test_account_page_query_count_is_constant(client, member, workspace, account):
    login(client, member, "pm")
    url = f"/accounts/{account.pk}/"
    ConversationFactory.create(account=account)
    before = queries(client, url)
    ContactFactory.create_batch(4, account=account)
    DealFactory.create_batch(3, account=account)
    for c in ConversationFactory.create_batch(4, account=account):
        c.tags.set([TagFactory.create(workspace=workspace, name=f"T{c.pk}")])
    assert queries(client, url) == before


def test_timeline_filters(client, member, workspace, account):
    pm = member("pm")
    client.force_login(pm)
    pain = TagFactory.create(workspace=workspace, name="Alert fatigue")
    tagged = ConversationFactory.create(account=account, title="Tagged", logged_by=pm)
    tagged.tags.set([pain])
    other = AccountFactory.create(workspace=workspace, name="Hooli", industry="Fintech")
    ConversationFactory.create(account=other, title="Hooli call", occurred_on=dt.date(2025, 1, 1))

    def titles(query: str) -> list[str]:
        response = client.get(f"/conversations/?{query}")
        return [c.title for c in response.context["conversations"]]

    assert titles(f"tag={pain.pk}") == ["Tagged"]
    assert titles(f"account={other.pk}") == ["Hooli call"]
    assert titles("industry=fintech") == ["Hooli call"]
    assert titles("logged_by=me") == ["Tagged"]
    assert titles("date_from=2026-01-01") == ["Tagged"]
    assert titles("date_to=2025-06-30") == ["Hooli call"]
    assert sorted(titles("tag=999999")) == ["Hooli call", "Tagged"]  # unknown id: ignored


def test_timeline_query_count_is_constant_with_filters(client, member, workspace, account):
    login(client, member, "pm")
    url = "/conversations/?industry=&date_from=2020-01-01&q=call"
    ConversationFactory.create(account=account, title="A call")
    before = queries(client, url)
    for c in ConversationFactory.create_batch(5, account=account, title="Another call"):
        c.tags.set([TagFactory.create(workspace=workspace, name=f"T{c.pk}")])
    assert queries(client, url) == before
