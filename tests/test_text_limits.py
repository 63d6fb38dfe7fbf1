"""Every free-text field has a documented bound (common.limits, docs/api.md "Limits"): one
character past it is a 400 naming the field and the limit, exactly the limit is accepted, and
the model rule refuses it too, for the writes that come from imports and syncs."""

import pytest
from django.core.exceptions import ValidationError

from common.limits import NOTES_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from tests.api_support import member_client

pytestmark = pytest.mark.django_db

# (resource, the World attribute holding one, field, limit)
BOUNDED = [
    ("conversations", "conversation", "notes", NOTES_MAX_LENGTH),
    ("personas", "persona", "goals", TEXT_MAX_LENGTH),
    ("personas", "persona", "pains", TEXT_MAX_LENGTH),
    ("advocacies", "advocacy", "note", SHORT_TEXT_MAX_LENGTH),
    ("deals", "deal", "loss_notes", TEXT_MAX_LENGTH),
    ("business-cases", "business_case", "description", TEXT_MAX_LENGTH),
    ("assumptions", "assumption", "statement", SHORT_TEXT_MAX_LENGTH),
    ("evidence", "evidence", "quote", SHORT_TEXT_MAX_LENGTH),
    ("feature-requests", "feature_request", "description", TEXT_MAX_LENGTH),
    ("segments", "segment", "description", TEXT_MAX_LENGTH),
    ("feature-mentions", "feature_mention", "quote", SHORT_TEXT_MAX_LENGTH),
]
# The fields whose models carry the bound themselves (MaxLengthValidator).
MODEL_BOUNDED = [row for row in BOUNDED if row[0] in {"conversations", "personas", "advocacies",
                                                       "deals", "business-cases"}]  # fmt: skip


@pytest.mark.parametrize(("resource", "attr", "field", "limit"), BOUNDED)
def test_one_character_past_the_limit_is_a_400_naming_the_field(
    workspace, world, resource, attr, field, limit
):
    api, _ = member_client(workspace)
    url = f"/api/v1/{resource}/{getattr(world, attr).pk}/"
    response = api.patch(url, {field: "w" * (limit + 1)}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [f"Ensure this field has no more than {limit} characters."]}
    response = api.patch(url, {field: "w" * limit}, format="json")
    assert response.status_code == 200, response.json()
    assert len(response.json()[field]) == limit


@pytest.mark.parametrize(("resource", "attr", "field", "limit"), MODEL_BOUNDED)
def test_the_model_refuses_text_past_the_limit(world, resource, attr, field, limit):
    row = getattr(world, attr)
    setattr(row, field, "w" * (limit + 1))
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert list(refused.value.message_dict) == [field]


def test_the_schema_publishes_the_limits(workspace):
    api, _ = member_client(workspace)
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schema["Conversation"]["properties"]["notes"]["maxLength"] == NOTES_MAX_LENGTH
    assert schema["Persona"]["properties"]["goals"]["maxLength"] == TEXT_MAX_LENGTH
    assert schema["Evidence"]["properties"]["quote"]["maxLength"] == SHORT_TEXT_MAX_LENGTH
