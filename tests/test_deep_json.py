"""Deeply nested JSON is bad input, never a server error (issue 21).

Python's json module recurses once per level, so ``[[[[…]]]]`` 100,000 deep used to raise
RecursionError: a 500. Every API operation that takes a body (walked from the OpenAPI schema)
now answers 400 to it, and so do the two places where JSON arrives inside a form field: a
segment's ``filters`` and an import's ``mapping``.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from accounts_app.models import Membership, Segment
from alerts_app.models import Subscription
from common.parsers import MAX_DEPTH, JSONTooDeep, json_depth_check, json_loads
from crm_app.models import ImportJob
from tests.alerts_support.webhooks import webhook_with_delivery
from tests.api_support import member_client
from tests.factories import CrmConnectionFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/"


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


DEEP = {
    "lists 100,000 deep": nested_lists(100_000),
    "objects 100,000 deep": nested_objects(100_000),
    # Parses without recursing too far, so the walk after parsing must refuse it.
    "lists 50 deep": nested_lists(50),
    "objects 50 deep": nested_objects(50),
}


def _body_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in {"post", "put", "patch"} and operation.get("requestBody")
    )


def _url(path: str, world, connection, own: dict | None = None) -> str:
    """The operation's path with ids of this workspace's rows (``own``: the caller's own
    rows of the resources that are per member, such as subscriptions)."""
    resource = path.removeprefix(PREFIX).split("/")[0]
    if "{id}" not in path:
        return path
    rows = {**world.by_resource(), "integrations": connection, **(own or {})}
    return path.replace("{id}", str(rows[resource].pk))


@pytest.fixture
def admin(workspace):
    client, user = member_client(workspace, Membership.Role.ADMIN)
    client.member = user  # the caller, whose own subscription a PATCH names
    return client


@pytest.mark.parametrize("shape", DEEP)
def test_every_operation_with_a_body_answers_400_to_deeply_nested_json(admin, workspace, shape):
    world = build_world(workspace)
    connection = CrmConnectionFactory.create(workspace=workspace)
    webhook, _delivery = webhook_with_delivery(workspace)
    own = {
        "webhooks": webhook,
        "subscriptions": Subscription.objects.create(
            workspace=workspace, user=admin.member, event_types=["deal.won"]
        ),
    }
    operations = _body_operations()
    assert len(operations) > 40  # the walk found the API

    answers = {}
    for path, method in operations:
        url = _url(path, world, connection, own)
        response = getattr(admin, method)(url, DEEP[shape], content_type="application/json")
        answers[f"{method.upper()} {path}"] = (response.status_code, response.json())
    wrong = {op: answer for op, answer in answers.items() if answer[0] != 400}
    assert not wrong, wrong
    for _, body in answers.values():
        assert f"nested deeper than {MAX_DEPTH} levels" in body["detail"], body


@pytest.mark.parametrize("shape", DEEP)
def test_a_segments_filters_sent_as_a_form_field_too_deep_is_a_field_error(admin, workspace, shape):
    response = admin.post(
        f"{PREFIX}segments/", {"name": "Deep", "filters": DEEP[shape]}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "filters": [f"Nested deeper than {MAX_DEPTH} levels; give a flatter value."]
    }
    assert not Segment.objects.filter(name="Deep").exists()


def test_a_segments_filters_of_ordinary_depth_still_work_in_a_form(admin, workspace):
    response = admin.post(
        f"{PREFIX}segments/",
        {"name": "Fintech", "filters": '{"industry": ["Fintech"]}'},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert Segment.objects.get(name="Fintech").filters == {"industry": ["Fintech"]}


@pytest.mark.parametrize("shape", DEEP)
def test_an_imports_mapping_too_deep_is_a_field_error(admin, workspace, shape):
    upload = SimpleUploadedFile("accounts.csv", b"id,name\n1,Umbrella\n", "text/csv")
    response = admin.post(
        f"{PREFIX}imports/", {"files": [upload], "mapping": DEEP[shape]}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "mapping": [f"The mapping is nested deeper than {MAX_DEPTH} levels; give a flatter one."]
    }
    assert not ImportJob.objects.exists()


def test_the_limit_counts_levels_of_lists_and_objects():
    assert json_loads(nested_lists(MAX_DEPTH)) is not None
    json_depth_check({"a": [{"b": [1]}]}, limit=4)
    with pytest.raises(JSONTooDeep):
        json_depth_check({"a": [{"b": [1]}]}, limit=3)
    with pytest.raises(JSONTooDeep):
        json_loads(nested_objects(MAX_DEPTH + 1))
    # Brackets inside strings are text, not nesting.
    assert json_loads('["' + "[" * 1000 + '"]') == ["[" * 1000]
