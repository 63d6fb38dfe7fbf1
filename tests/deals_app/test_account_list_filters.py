"""/accounts/ filters by the account dimensions with the same rule as the other lists:
industry without regard to case, ``__none__`` for accounts without a value, only this
workspace's accounts, and a query count that does not grow with the rows."""

import pytest

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, member):
    client.force_login(member("sales"))
    return lambda query: client.get(f"/accounts/?{query}")


def _names(response) -> set[str]:
    return {account.name for account in response.context["object_list"]}


def test_industry_matches_without_regard_to_case(workspace, other_workspace, page):
    AccountFactory.create(workspace=workspace, name="Nordbank", industry="Fintech")
    AccountFactory.create(workspace=workspace, name="Gridco", industry="Energy")
    AccountFactory.create(workspace=other_workspace, name="Elsewhere", industry="Fintech")

    assert _names(page("industry=fintech")) == {"Nordbank"}


def test_none_lists_the_accounts_without_a_value(workspace, page):
    AccountFactory.create(workspace=workspace, name="Blank", industry="")
    AccountFactory.create(workspace=workspace, name="Known", industry="Retail")

    assert _names(page("industry=__none__")) == {"Blank"}


def test_choice_dimensions_filter_exactly(workspace, page):
    AccountFactory.create(workspace=workspace, name="Small", employee_count=20)
    AccountFactory.create(workspace=workspace, name="Big", employee_count=20_000)
    AccountFactory.create(workspace=workspace, name="Customer", lifecycle="customer")

    assert _names(page("size_band=smb")) == {"Small"}
    assert _names(page("lifecycle=customer")) == {"Customer"}


def test_a_bad_choice_is_ignored_not_an_error(workspace, page):
    AccountFactory.create(workspace=workspace, name="Any")

    response = page("size_band=gigantic&lifecycle=%00")

    assert response.status_code == 200
    assert _names(response) == {"Any"}


@pytest.mark.parametrize("rows", [5, 50])
def test_the_query_count_does_not_grow_with_the_rows(workspace, page, rows, assert_query_baseline):
    AccountFactory.create_batch(rows, workspace=workspace, industry="Fintech")

    # One baseline for 5 and 50 rows: the count is the same for both.
    with assert_query_baseline("page /accounts/?industry=Fintech"):
        response = page("industry=Fintech")

    assert len(response.context["object_list"]) == rows
