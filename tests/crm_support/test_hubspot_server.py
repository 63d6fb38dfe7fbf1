"""The fake HubSpot answers as hubspot-api-client 12 expects; no Django database involved.

How a client talks to it (what the connector does)::

    from hubspot import HubSpot

    client = HubSpot(
        access_token=server.access_token,  # "pat-na1-test-token"
        host=server.url,                   # https://127.0.0.1:<port>, no trailing slash
        ssl_ca_cert=server.ca_path,        # the fake's throwaway CA (PEM)
    )                                      # == server.client()
    deals = client.crm.deals.search_api    # keep the api object: each property access
    deals.do_search(public_object_search_request={...}, _request_timeout=5)  # builds a new pool

``HubSpot(**config)`` keeps the keywords in a dict and, for every API object it hands out, sets
each one as an attribute of that package's generated ``Configuration`` (``retry`` becomes
``retries``, ``api_key`` goes to ``api_key["developer_hapikey"]``), so ``host`` replaces
https://api.hubapi.com and ``ssl_ca_cert`` becomes urllib3's ``ca_certs``. Any other
Configuration attribute works the same way (``client_side_validation=True``, ``retry=Retry(…)``).
``client.api_request(...)`` is different: it uses ``requests`` directly with
``config["base_url"]`` (not ``host``) and no ``verify``, so it trusts the fake only through
``REQUESTS_CA_BUNDLE`` (see test_account_info).
"""

import csv
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import urllib3
from hubspot.crm.associations.v4.exceptions import ApiException as AssociationsApiException
from hubspot.crm.deals.exceptions import ApiException as DealsApiException
from hubspot.crm.deals.exceptions import ServiceException as DealsServiceException
from hubspot.crm.deals.exceptions import UnauthorizedException as DealsUnauthorized
from hubspot.crm.objects.exceptions import ApiException as ObjectsApiException
from hubspot.crm.objects.exceptions import NotFoundException as ObjectsNotFound
from hubspot.crm.objects.exceptions import UnauthorizedException as ObjectsUnauthorized

from tests.crm_support import fixtures
from tests.crm_support import hubspot_data as data
from tests.crm_support.hubspot_server import FakeHubSpot
from tests.crm_support.salesforce_data import export_dir

fake_hubspot = fixtures.fake_hubspot  # the fixture, registered here (conftest has fake_salesforce)
EXPORT_ROWS = {"companies": "Account", "contacts": "Contact", "deals": "Opportunity"}
RATE_HEADERS = (
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Interval-Milliseconds",
)


def export_rows(sobject: str) -> list[dict]:
    with (export_dir() / f"{sobject}.csv").open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def search(client, hs_type: str, **request):
    return client.crm.objects.search_api.do_search(hs_type, public_object_search_request=request)


def since(stamp: datetime, name: str = "hs_lastmodifieddate") -> list[dict]:
    value = str(data.epoch_ms(stamp))
    return [{"filters": [{"propertyName": name, "operator": "GTE", "value": value}]}]


def read_associations(client, pair: tuple[str, str], ids: list[str]):
    return client.crm.associations.v4.batch_api.get_page(
        *pair,
        batch_input_public_fetch_associations_batch_request={"inputs": [{"id": i} for i in ids]},
    )


# -- data --------------------------------------------------------------------------------------
@pytest.mark.parametrize("hs_type", ["companies", "contacts", "deals"])
def test_lists_hold_every_exported_record(fake_hubspot, hs_type):
    rows = export_rows(EXPORT_ROWS[hs_type])
    client = fake_hubspot.client()
    records = getattr(client.crm, hs_type).get_all()  # fetch_all: pages of 100
    first = data.ID_START[hs_type]
    assert [r.id for r in records] == [str(first + i) for i in range(len(rows))]
    assert len(rows) == {"companies": 185, "contacts": 701, "deals": 741}[hs_type]
    assert [fake_hubspot.object(hs_type, r.id).salesforce_id for r in records] == [
        row["Guid"] for row in rows
    ]
    assert fake_hubspot.request_count(f"/crm/v3/objects/{hs_type}") == len(rows) // 100 + 1


def test_records_carry_hubspot_properties_and_stamps(fake_hubspot):
    accounts = export_rows("Account")
    salesforce = next(a for a in accounts if a["Website"] == "http://www.salesforce.com")
    company_id = data.hubspot_id("Account", salesforce["Guid"])
    assert fake_hubspot.hubspot_id("Account", salesforce["Guid"]) == company_id
    company = fake_hubspot.record("companies", company_id)
    assert company["domain"] == "salesforce.com" and company["name"] == salesforce["Name"]
    assert company["lifecyclestage"] == ("customer" if salesforce["Type"] == "Customer" else "lead")
    first = fake_hubspot.record("companies", "5000000001")  # Zoomcast, a Prospect in Retail
    assert first["industry"] == "Retail" and first["lifecyclestage"] == "lead"
    assert first["annualrevenue"] == "101752000000" and first["numberofemployees"] is None
    assert first["createdate"] == first["hs_lastmodifieddate"] == "2024-09-02T00:00:00.000Z"
    assert (
        fake_hubspot.record("companies", "5000000004")["createdate"] == "2024-09-02T00:01:00.000Z"
    )

    contact_row = export_rows("Contact")[0]
    contact = fake_hubspot.record("contacts", "101")
    assert contact["email"] == contact_row["Email"] and contact["jobtitle"] == contact_row["Title"]
    assert contact["associatedcompanyid"] == data.hubspot_id("Account", contact_row["AccountId"])
    assert contact["lastmodifieddate"] == contact["hs_lastmodifieddate"]

    deal = fake_hubspot.record("deals", "9000000002")  # Yamia - Cross-sell, 2nd in the file
    assert deal["dealname"] == "Yamia - Cross-sell" and deal["amount"] == "18350"
    assert deal["closedate"] == "2024-10-25T00:00:00.000Z"
    assert (deal["pipeline"], deal["dealstage"]) == ("default", "decisionmakerboughtin")
    assert fake_hubspot.object("deals", "9000000002").salesforce_stage == "Proposal/Price Quote"
    assert fake_hubspot.record("deals", "9000000001")["amount"] is None  # '#N/A'


def test_deal_stages_follow_the_salesforce_stage_and_position(fake_hubspot):
    default = {
        "Prospecting": "appointmentscheduled",
        "Qualification": "qualifiedtobuy",
        "Needs Analysis": "qualifiedtobuy",
        "Value Proposition": "presentationscheduled",
        "Id. Decision Makers": "presentationscheduled",
        "Perception Analysis": "presentationscheduled",
        "Proposal/Price Quote": "decisionmakerboughtin",
        "Negotiation/Review": "contractsent",
        "Closed Won": "closedwon",
        "Closed Lost": "closedlost",
    }
    stages = ["1001", "1002", "1002", "1003", "1003", "1003", "1004", "1005", "1006", "1007"]
    enterprise = dict(zip(default, stages, strict=True))
    rows = export_rows("Opportunity")
    for position, row in enumerate(rows):
        deal = fake_hubspot.record("deals", data.hubspot_id("Opportunity", row["Guid"]))
        if position % 4 == 0:
            assert (deal["pipeline"], deal["dealstage"]) == (
                "enterprise",
                enterprise[row["StageName"]],
            )
        else:
            assert (deal["pipeline"], deal["dealstage"]) == ("default", default[row["StageName"]])


# -- lists -------------------------------------------------------------------------------------
def test_list_pages_with_opaque_cursor_and_lists_archived_apart(fake_hubspot):
    api = fake_hubspot.client().crm.objects.basic_api
    first = api.get_page("deals", limit=100, properties=["dealname", "nosuchproperty"])
    assert len(first.results) == 100 and first.results[-1].id == "9000000100"
    assert set(first.results[0].properties) == {
        "dealname",
        "hs_object_id",
        "createdate",
        "hs_lastmodifieddate",
    }
    token = first.paging.next.after
    assert not token.isdigit() and first.paging.next.link.startswith(fake_hubspot.url)
    second = api.get_page("deals", limit=100, after=token)
    assert second.results[0].id == "9000000101"
    assert set(second.results[0].properties) >= set(data.DEFAULT_PROPERTIES["deals"])
    last, pages = second, 2
    while last.paging is not None:
        last, pages = api.get_page("deals", limit=100, after=last.paging.next.after), pages + 1
    assert len(last.results) == 41 and pages == 8

    fake_hubspot.advance(minutes=5)
    fake_hubspot.archive("deals", "9000000003")
    assert "9000000003" not in [r.id for r in api.get_page("deals", limit=5).results]
    (archived,) = api.get_page("deals", archived=True).results
    assert archived.id == "9000000003" and archived.archived is True
    assert archived.archived_at == archived.updated_at == datetime(2024, 10, 1, 0, 5, tzinfo=UTC)
    assert fake_hubspot.requests[-1].query == {"archived": "True"}  # the client sends True

    with pytest.raises(ObjectsApiException) as too_many:
        api.get_page("deals", limit=101)
    assert too_many.value.status == 400
    with pytest.raises(ObjectsNotFound):
        api.get_by_id("deals", "9000000003")  # archived
    assert api.get_by_id("deals", "9000000003", archived=True).archived is True

    fake_hubspot.restore("deals", "9000000003")
    assert api.get_by_id("deals", "9000000003").updated_at == fake_hubspot.now


# -- search ------------------------------------------------------------------------------------
def test_search_finds_changes_since_a_stamp_in_ascending_pages(fake_hubspot):
    client = fake_hubspot.client()
    fake_hubspot.advance(hours=1)
    changed = ["9000000700", "9000000005", "9000000300"]
    for deal in changed:
        fake_hubspot.update("deals", deal, amount=1000)
    fake_hubspot.advance(minutes=1)
    fake_hubspot.update("deals", "9000000002", dealname="Renamed")
    window = {
        "filterGroups": since(datetime(2024, 10, 1, 1, tzinfo=UTC)),
        "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
        "properties": ["dealname", "amount"],
        "limit": 2,
    }
    page = search(client, "deals", **window)
    assert page.total == 4 and page.paging.next.after == "2"
    assert [r.id for r in page.results] == ["9000000005", "9000000300"]  # a tie: id ascending
    rest = search(client, "deals", **window, after=page.paging.next.after)
    assert [r.id for r in rest.results] == ["9000000700", "9000000002"] and rest.paging is None
    assert rest.results[1].properties["dealname"] == "Renamed"
    assert rest.results[0].properties["amount"] == "1000"
    assert fake_hubspot.requests[-1].body["after"] == "2"

    # an ISO value works too, and contacts are searched by lastmodifieddate as well
    fake_hubspot.update("contacts", "150", jobtitle="CTO")
    iso = {"propertyName": "lastmodifieddate", "operator": "GT", "value": "2024-10-01T00:59Z"}
    contacts = search(client, "contacts", filterGroups=[{"filters": [iso]}])
    assert [r.id for r in contacts.results] == ["150"]


def test_search_filters_operators_and_groups(fake_hubspot):
    client = fake_hubspot.client()

    def ids(hs_type: str, *filters, **extra) -> list[str]:
        result = search(
            client, hs_type, filterGroups=[{"filters": list(filters)}], limit=200, **extra
        )
        return [r.id for r in result.results]

    closed = {"propertyName": "dealstage", "operator": "IN", "values": ["closedwon", "1006"]}
    won = ids("deals", closed)
    assert won and all(
        fake_hubspot.object("deals", d).salesforce_stage == "Closed Won" for d in won
    )
    between = {"propertyName": "hs_object_id", "operator": "BETWEEN", "value": "9000000010"}
    between["highValue"] = "9000000012"
    assert ids("deals", between) == ["9000000010", "9000000011", "9000000012"]
    roles = ids("contacts", {"propertyName": "hs_buying_role", "operator": "HAS_PROPERTY"})
    assert len(roles) == 3
    champions = ids(
        "contacts", {"propertyName": "hs_buying_role", "operator": "EQ", "value": "CHAMPION"}
    )
    assert len(champions) == 2  # "CHAMPION;END_USER": multi-checkbox values match one by one
    tiers = ids("companies", {"propertyName": "customer_tier", "operator": "EQ", "value": "gold"})
    assert tiers and all(
        fake_hubspot.record("companies", c)["customer_tier"] == "gold" for c in tiers
    )
    big = {"propertyName": "amount", "operator": "GTE", "value": 75000}
    assert all(float(fake_hubspot.record("deals", d)["amount"]) >= 75000 for d in ids("deals", big))
    by_amount = search(
        client,
        "deals",
        filterGroups=[{"filters": [{"propertyName": "amount", "operator": "HAS_PROPERTY"}]}],
        sorts=[{"propertyName": "amount", "direction": "DESCENDING"}],
        limit=5,
    )
    amounts = [float(r.properties["amount"]) for r in by_amount.results]
    assert amounts == sorted(amounts, reverse=True)
    either = search(
        client,
        "deals",
        filterGroups=[
            {
                "filters": [
                    {"propertyName": "hs_object_id", "operator": "EQ", "value": "9000000001"}
                ]
            },
            {
                "filters": [
                    {"propertyName": "hs_object_id", "operator": "EQ", "value": "9000000009"}
                ]
            },
        ],
    )
    assert [r.id for r in either.results] == ["9000000001", "9000000009"]  # groups are OR

    one = [{"filters": [{"propertyName": "hs_object_id", "operator": "HAS_PROPERTY"}]}]
    for bad in (
        {"filterGroups": one * 6},
        {"filterGroups": [{"filters": one[0]["filters"] * 7}]},
        {"limit": 201},
        {
            "filterGroups": [
                {"filters": [{"propertyName": "nosuch", "operator": "EQ", "value": "x"}]}
            ]
        },
    ):
        with pytest.raises(ObjectsApiException) as refused:
            search(client, "deals", **bad)
        assert refused.value.status == 400


def test_search_stops_at_the_cap(fake_hubspot):
    client = fake_hubspot.client()
    stamp = datetime(2024, 10, 2, 12, 30, tzinfo=UTC)
    started = time.perf_counter()
    new = fake_hubspot.add_many("contacts", 12_000, stamp=stamp)
    assert time.perf_counter() - started < 1.0
    assert len(new) == len(set(new)) == 12_000 and new[0] == "802"
    assert {fake_hubspot.record("contacts", i)["hs_lastmodifieddate"] for i in new[::997]} == {
        "2024-10-02T12:30:00.000Z"
    }
    same = [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "EQ"}]}]
    same[0]["filters"][0]["value"] = str(data.epoch_ms(stamp))
    request = {"filterGroups": same, "limit": 100}
    page = search(client, "contacts", **request, after="9900")  # the last page within 10,000
    assert page.total == 12_000 and page.paging.next.after == "10000"
    with pytest.raises(ObjectsApiException) as capped:
        search(client, "contacts", **request, after=page.paging.next.after)
    assert capped.value.status == 400
    assert '"category":"VALIDATION_ERROR"' in capped.value.body.replace(" ", "")

    fake_hubspot.search_cap = 50  # a small cap for a quick test of the same rule
    search(client, "deals", limit=50)
    with pytest.raises(ObjectsApiException):
        search(client, "deals", limit=10, after="41")


# -- batch read --------------------------------------------------------------------------------
def test_batch_read_answers_207_for_missing_and_archived_ids(fake_hubspot):
    api = fake_hubspot.client().crm.deals.batch_api
    body = {"properties": ["dealname"], "inputs": [{"id": "9000000001"}, {"id": "9000000002"}]}
    whole = api.read(batch_read_input_simple_public_object_id=body)
    assert whole.status == "COMPLETE" and not hasattr(whole, "errors")
    assert [r.id for r in whole.results] == ["9000000001", "9000000002"]
    assert type(whole).__name__ == "BatchResponseSimplePublicObject"

    fake_hubspot.archive("deals", "9000000002")
    body["inputs"].append({"id": "123"})
    partial = api.read(batch_read_input_simple_public_object_id=body)
    assert type(partial).__name__ == "BatchResponseSimplePublicObjectWithErrors"
    assert [r.id for r in partial.results] == ["9000000001"] and partial.num_errors == 1
    (error,) = partial.errors
    assert error.category == "OBJECT_NOT_FOUND" and error.context == {"ids": ["9000000002", "123"]}
    assert error.message.startswith("Could not get some DEAL objects")

    with pytest.raises(DealsApiException) as too_many:
        api.read(batch_read_input_simple_public_object_id={"inputs": [{"id": "1"}] * 101})
    assert too_many.value.status == 400


# -- associations ------------------------------------------------------------------------------
def test_association_counts_and_labels_from_the_export(fake_hubspot):
    client = fake_hubspot.client()
    deals = fake_hubspot.ids("deals")
    companies = read_associations(client, ("deals", "companies"), deals)
    assert len(companies.results) == 741 and not hasattr(companies, "errors")  # 200: no errors
    assert all(len(r.to) == 1 for r in companies.results)
    types = companies.results[0].to[0].association_types
    assert [(t.category, t.type_id, t.label) for t in types] == [
        ("HUBSPOT_DEFINED", 5, "Primary"),
        ("HUBSPOT_DEFINED", 341, None),
    ]
    assert companies.results[0].to[0].to_object_id.isdigit()  # a JSON number, parsed as str

    roles = export_rows("OpportunityContactRole")
    contacts = read_associations(client, ("deals", "contacts"), deals)
    with_roles = {data.hubspot_id("Opportunity", r["OpportunityId"]) for r in roles}
    assert (
        len(contacts.results) == len(with_roles) and sum(len(r.to) for r in contacts.results) == 42
    )
    assert contacts.num_errors == 741 - len(with_roles)
    assert {e.sub_category for e in contacts.errors} == {"crm.associations.NO_ASSOCIATIONS_FOUND"}

    labels: dict[tuple[str, str], list] = {}
    for result in contacts.results:
        for to in result.to:
            assert to.association_types[0].type_id == 3
            labels[result._from.id, to.to_object_id] = [t.label for t in to.association_types[1:]]
    expected_first = {
        "Influencer": ["Influencer", "Champion"],
        "Business User": ["Procurement lead"],
    }
    seen: set[str] = set()
    for row in roles:
        key = (
            data.hubspot_id("Opportunity", row["OpportunityId"]),
            data.hubspot_id("Contact", row["ContactId"]),
        )
        role = row["Role"]
        if role == "#N/A":
            assert labels[key] == []
        elif role in expected_first and role not in seen:
            assert labels[key] == expected_first[role]
        else:
            assert labels[key] == [data.ROLE_LABELS[role]]
        seen.add(role)
    buying = [fake_hubspot.record("contacts", c)["hs_buying_role"] for _, c in labels]
    assert sorted(filter(None, buying)) == [
        "BUDGET_HOLDER",
        "CHAMPION;END_USER",
        "CHAMPION;END_USER",
    ]

    definitions = client.crm.associations.v4.schema.definitions_api.get_all("deals", "contacts")
    assert [(d.type_id, d.label) for d in definitions.results] == [(3, None)] + [
        (100 + i, label)
        for i, label in enumerate(
            ["Economic buyer", "Decision maker", "Technical evaluator", "Influencer"]
            + ["End user", "Champion", "Procurement lead"]
        )
    ]
    assert fake_hubspot.label_definitions[0] == {
        "category": "HUBSPOT_DEFINED",
        "typeId": 3,
        "label": None,
    }


def test_reverse_associations_paging_and_207(fake_hubspot):
    client = fake_hubspot.client()
    deal, contact = "9000000001", "101"
    fake_hubspot.advance(minutes=1)
    fake_hubspot.associate(deal, contact, labels=["Decision maker", "Brand new label"])
    assert fake_hubspot.record("deals", deal)["hs_lastmodifieddate"] == "2024-10-01T00:01:00.000Z"
    reverse = read_associations(client, ("contacts", "deals"), [contact, "102"])
    assert [r._from.id for r in reverse.results] == [contact]
    types = reverse.results[0].to[0].association_types
    assert [(t.type_id, t.label) for t in types] == [
        (4, None),
        (101, "Decision maker"),
        (107, "Brand new label"),
    ]
    (error,) = reverse.errors  # contact 102 has no deal: 207, parsed without raising
    assert error.context["fromObjectId"] == ["102"] and reverse.num_errors == 1
    assert fake_hubspot.requests[-1].body == {"inputs": [{"id": contact}, {"id": "102"}]}

    fake_hubspot.archive("contacts", contact)
    assert read_associations(client, ("deals", "contacts"), [deal]).num_errors == 1
    fake_hubspot.restore("contacts", contact)
    fake_hubspot.dissociate(deal, contact)
    assert read_associations(client, ("deals", "contacts"), [deal]).num_errors == 1

    company = "5000000001"
    new_deals = [fake_hubspot.add("deals", dealname=f"D{i}") for i in range(5)]
    for new in new_deals:
        fake_hubspot.associate_company(new, company)
    fake_hubspot.association_page_size = 2
    api = client.crm.associations.v4.batch_api
    inputs = [{"id": company}]
    seen = []
    while inputs:
        page = api.get_page(
            "companies",
            "deals",
            batch_input_public_fetch_associations_batch_request={"inputs": inputs},
        )
        (result,) = page.results
        seen += [t.to_object_id for t in result.to]
        inputs = [{"id": company, "after": result.paging.next.after}] if result.paging else []
    assert seen == sorted(seen, key=int) and set(new_deals) <= set(seen)
    single = client.crm.associations.v4.basic_api.get_page("deals", new_deals[0], "companies")
    assert [(t.type_id, t.label) for t in single.results[0].association_types] == [
        (5, "Primary"),
        (341, None),
    ]


# -- pipelines, properties, account ------------------------------------------------------------
def test_pipelines(fake_hubspot):
    client = fake_hubspot.client()
    default, enterprise = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert (default.id, default.label, enterprise.id, enterprise.label) == (
        "default",
        "Sales Pipeline",
        "enterprise",
        "Enterprise",
    )
    assert [(s.id, s.metadata) for s in default.stages][::6] == [
        ("appointmentscheduled", {"isClosed": "false", "probability": "0.2"}),
        ("closedlost", {"isClosed": "true", "probability": "0.0"}),
    ]
    assert [s.label for s in enterprise.stages] == [
        "Intro call",
        "Technical validation",
        "Business case",
        "Security review",
        "Commercials",
        "Signed",
        "Did not buy",
    ]
    assert [s.display_order for s in enterprise.stages] == list(range(7))

    fake_hubspot.add_pipeline("renewals", "Renewals", [("2001", "Up for renewal", False, 0.5)])
    fake_hubspot.update_stage("renewals", "2002", label="Renewed", is_closed=True, probability=1)
    fake_hubspot.update_stage("enterprise", "1003", label="Business case review")
    pipelines = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert [p.id for p in pipelines] == ["default", "enterprise", "renewals"]
    assert pipelines[1].stages[2].label == "Business case review"
    assert pipelines[2].stages[1].metadata == {"isClosed": "true", "probability": "1.0"}


def test_properties_include_custom_ones(fake_hubspot):
    core = fake_hubspot.client(client_side_validation=True).crm.properties.core_api
    companies = {p.name: p for p in core.get_all("companies").results}
    assert {"name", "domain", "industry", "lifecyclestage", "customer_tier"} <= set(companies)
    tier = companies["customer_tier"]
    assert (tier.type, tier.field_type, tier.hubspot_defined) == ("enumeration", "select", None)
    assert [o.value for o in tier.options] == ["platinum", "gold", "silver"]
    contacts = {p.name for p in core.get_all("contacts").results}
    assert {"associatedcompanyid", "hs_buying_role", "lastmodifieddate"} <= contacts
    deals = {p.name: p for p in core.get_all("deals").results}
    assert {o.value for o in deals["dealstage"].options} >= {"closedwon", "1007"}

    fake_hubspot.add_property("deals", "deallens_score", type="number", field_type="number")
    fake_hubspot.update("deals", "9000000001", deallens_score=7)
    assert core.get_by_name("deals", "deallens_score").type == "number"
    record = fake_hubspot.client().crm.deals.basic_api.get_by_id(
        "9000000001", properties=["deallens_score"]
    )
    assert record.properties["deallens_score"] == "7"


def test_account_info(fake_hubspot, monkeypatch):
    session = fake_hubspot.session()
    response = session.get(f"{fake_hubspot.url}/account-info/v3/details", timeout=5)
    assert response.json()["portalId"] == 62515
    assert response.json()["timeZone"] == "US/Eastern"
    # hubspot-api-client's api_request() goes through requests with config["base_url"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake_hubspot.ca_path)
    client = fake_hubspot.client(base_url=fake_hubspot.url)
    details = client.api_request({"path": "/account-info/v3/details"})
    assert details.status_code == 200 and details.json()["companyCurrency"] == "USD"


# -- strictness --------------------------------------------------------------------------------
def test_answers_satisfy_the_models_required_fields(fake_hubspot):
    strict = fake_hubspot.client(client_side_validation=True)  # the default is False
    strict.crm.deals.basic_api.get_page(limit=3)
    search(strict, "deals", limit=3)
    strict.crm.deals.batch_api.read(
        batch_read_input_simple_public_object_id={"inputs": [{"id": "9000000001"}]}
    )
    read_associations(strict, ("deals", "companies"), ["9000000001"])
    strict.crm.associations.v4.schema.definitions_api.get_all("deals", "contacts")
    strict.crm.pipelines.pipelines_api.get_all("deals")
    # HubSpot's real 207 errors carry no "links"/"errors", which StandardError requires: a client
    # with client_side_validation=True cannot parse them (the default client can).
    with pytest.raises(ValueError, match="links"):
        read_associations(strict, ("deals", "contacts"), ["9000000001"])


# -- auth, limits, faults ----------------------------------------------------------------------
def test_401_after_the_token_is_revoked(fake_hubspot):
    client = fake_hubspot.client()
    client.crm.deals.basic_api.get_page(limit=1)
    fake_hubspot.revoke_token()
    with pytest.raises(DealsUnauthorized) as deals:
        client.crm.deals.basic_api.get_page(limit=1)
    assert not isinstance(deals.value, ObjectsUnauthorized)  # one ApiException tree per package
    assert '"category":"INVALID_AUTHENTICATION"' in deals.value.body.replace(" ", "")
    with pytest.raises(AssociationsApiException) as associations:
        read_associations(client, ("deals", "contacts"), ["9000000001"])
    assert associations.value.status == 401
    fake_hubspot.issue_token()
    fake_hubspot.client().crm.deals.basic_api.get_page(limit=1)


def test_rate_limit_answers_429_and_every_answer_has_the_headers(fake_hubspot):
    session = fake_hubspot.session()
    answer = session.get(f"{fake_hubspot.url}/crm/v3/objects/deals?limit=1", timeout=5)
    assert [answer.headers[h] for h in RATE_HEADERS] == ["190", "189", "10000"]
    assert "X-HubSpot-RateLimit-Max" in session.get(f"{fake_hubspot.url}/nope", timeout=5).headers

    fake_hubspot.rate_limit = (3, 0.3)
    client = fake_hubspot.client()
    api = client.crm.deals.basic_api
    for _ in range(3):
        api.get_page(limit=1)
    with pytest.raises(DealsApiException) as limited:
        api.get_page(limit=1)
    assert limited.value.status == 429 and fake_hubspot.rate_limited == 1
    assert '"policyName":"TEN_SECONDLY_ROLLING"' in limited.value.body.replace(" ", "")
    assert limited.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    time.sleep(0.35)  # the rolling window moves on
    api.get_page(limit=1)


def test_fail_next_with_retry_after_then_success(fake_hubspot):
    api = fake_hubspot.client().crm.deals.search_api
    fake_hubspot.fail_next(status=429, retry_after=2, path_prefix="/crm/v3/objects/deals/search")
    fake_hubspot.fail_next(status=503)
    with pytest.raises(DealsServiceException):  # not a search: the untargeted 503 is its
        fake_hubspot.client().crm.deals.basic_api.get_page(limit=1)
    with pytest.raises(DealsApiException) as limited:
        api.do_search(public_object_search_request={"limit": 1})
    assert limited.value.status == 429 and limited.value.headers["Retry-After"] == "2"
    assert isinstance(limited.value.body, str)  # the client decodes the body, never parses it
    assert api.do_search(public_object_search_request={"limit": 1}).total == 741


def test_5xx_raise_service_exceptions(fake_hubspot):
    client = fake_hubspot.client()
    fake_hubspot.fail_next(2, status=502)
    for _ in range(2):
        with pytest.raises(DealsServiceException) as failed:
            client.crm.deals.basic_api.get_page(limit=1)
        assert failed.value.status == 502
    assert client.crm.deals.basic_api.get_page(limit=1).results


def test_hang_next_times_out_and_get_retries_by_itself(fake_hubspot):
    client = fake_hubspot.client()
    fake_hubspot.hang_next(1.0)
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):  # not an ApiException
        client.crm.deals.search_api.do_search(public_object_search_request={}, _request_timeout=0.2)
    fake_hubspot.reset_log()
    fake_hubspot.hang_next(1.0)
    page = client.crm.deals.basic_api.get_page(limit=1, _request_timeout=0.2)
    assert page.results and fake_hubspot.request_count() == 2  # urllib3 re-sent the GET


def test_slow_pages_and_stop_wakes_hanging_requests():
    server = FakeHubSpot().start()
    client = server.client()
    server.slow_pages(0.3)
    started = time.perf_counter()
    client.crm.deals.basic_api.get_page(limit=1)
    assert time.perf_counter() - started >= 0.3
    server.slow_pages(0)
    server.hang_next(30)
    done = threading.Event()
    thread = threading.Thread(
        target=lambda: (client.crm.deals.basic_api.get_page(limit=1), done.set()), daemon=True
    )
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    server.stop()
    thread.join(5)
    assert done.is_set() and time.perf_counter() - started < 5


def test_unknown_routes_and_types(fake_hubspot):
    session = fake_hubspot.session()
    missing = session.get(f"{fake_hubspot.url}/crm/v3/nothing/here", timeout=5)
    assert missing.status_code == 404 and missing.json()["status"] == "error"
    wrong_type = session.get(f"{fake_hubspot.url}/crm/v3/objects/widgets", timeout=5)
    assert wrong_type.status_code == 400
    assert wrong_type.json()["message"] == "Unable to infer object type from: widgets"


# -- the data module ---------------------------------------------------------------------------
def test_ids_and_stamps_are_deterministic():
    rows = export_rows("Opportunity")
    assert data.hubspot_id("Opportunity", rows[0]["Guid"]) == "9000000001"
    assert data.hubspot_id("deals", rows[-1]["Guid"]) == "9000000741"
    assert data.salesforce_id_of("deals", "9000000741") == rows[-1]["Guid"]
    assert data.hs_datetime(datetime(2024, 9, 2, 0, 1, 2, 345678, tzinfo=UTC)) == (
        "2024-09-02T00:01:02.345Z"
    )
    moment = datetime(2024, 10, 1, 12, tzinfo=UTC)
    for form in (data.epoch_ms(moment), str(data.epoch_ms(moment)), "2024-10-01T12:00:00Z"):
        assert data.parse_hs_datetime(form) == moment
    assert data.parse_hs_datetime("2024-10-01T08:00:00-04:00") == moment
    assert data.domain_of("https://www.Example.com/about") == "example.com"
    portal = data.Portal()
    stamps = [portal.get("contacts", str(101 + i)).modified for i in range(7)]
    assert stamps[:3] == [data.BASE_TIME] * 3 and stamps[3] == data.BASE_TIME + timedelta(minutes=1)
