"""The fake Salesforce answers as simple-salesforce expects; no Django database involved."""

# ruff: noqa: S608 - SOQL built from constants and the export's own Ids, sent to a fake org

import base64
import csv
import hashlib
import hmac
import threading
import time
from datetime import UTC, datetime

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
)

from tests.crm_support.salesforce_data import BASE_TIME, case_safe_id, export_dir, salesforce_id
from tests.crm_support.salesforce_server import FakeSalesforce
from tests.crm_support.soql import SoqlError, parse

OBJECTS = ["Account", "Contact", "Opportunity", "OpportunityContactRole"]
WINDOW = "ORDER BY SystemModstamp, Id"
SOURCE_MD_ROWS = {"Account": 185, "Contact": 701, "Opportunity": 741, "OpportunityContactRole": 42}


def client(server: FakeSalesforce, token: str | None = None) -> Salesforce:
    return Salesforce(
        instance_url=server.url, session_id=token or server.token, session=server.session()
    )


def export_rows(sobject: str) -> list[dict]:
    with (export_dir() / f"{sobject}.csv").open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def fetch_token(server: FakeSalesforce, secret: str | None = None) -> requests.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": secret or server.client_secret,
    }
    return requests.post(
        f"{server.url}/services/oauth2/token", data=form, verify=server.ca_path, timeout=5
    )


def error_code(exc_info) -> str:
    return exc_info.value.content[0]["errorCode"]


# -- data --------------------------------------------------------------------------------------
@pytest.mark.parametrize("sobject", OBJECTS)
def test_query_all_returns_every_exported_row(fake_salesforce, sobject):
    rows = export_rows(sobject)
    result = client(fake_salesforce).query_all(f"SELECT Id, IsDeleted FROM {sobject}")
    assert result["totalSize"] == len(result["records"]) == len(rows) == SOURCE_MD_ROWS[sobject]
    assert {r["Id"] for r in result["records"]} == {row["Guid"] for row in rows}
    assert not any(r["IsDeleted"] for r in result["records"])


def test_records_keep_api_names_types_and_audit_fields(fake_salesforce):
    sf = client(fake_salesforce)
    first = export_rows("Opportunity")[0]
    fields = "Id, Name, Amount, Probability, StageName, IsClosed, IsWon, CloseDate, AccountId"
    audit = "IsDeleted, CreatedDate, LastModifiedDate, SystemModstamp"
    query = f"SELECT {fields}, {audit} FROM Opportunity WHERE Id = '{first['Guid']}'"
    (record,) = sf.query(query)["records"]
    assert record["attributes"] == {
        "type": "Opportunity",
        "url": f"/services/data/v59.0/sobjects/Opportunity/{first['Guid']}",
    }
    assert record["Amount"] is None  # '#N/A' in the export
    assert record["Probability"] == 70.0 and record["IsClosed"] is False
    assert record["CloseDate"] == first["CloseDate"] and record["AccountId"] == first["AccountId"]
    assert record["SystemModstamp"] == "2024-09-02T00:00:00.000+0000"
    assert record["IsDeleted"] is False
    contact = sf.query("SELECT Name, FirstName, LastName FROM Contact LIMIT 1")["records"][0]
    assert contact["Name"] == f"{contact['FirstName']} {contact['LastName']}"


def test_relationship_fields_resolve(fake_salesforce):
    sf = client(fake_salesforce)
    accounts = {a["Guid"]: a["Name"] for a in export_rows("Account")}
    opportunities = sf.query_all("SELECT Id, AccountId, Account.Name FROM Opportunity")["records"]
    assert all(o["Account"]["Name"] == accounts[o["AccountId"]] for o in opportunities)
    roles = sf.query_all(
        "SELECT Role, Contact.Email, contact.name, Opportunity.Name FROM OpportunityContactRole"
    )["records"]
    assert len(roles) == 42
    assert all(set(r["Contact"]) == {"attributes", "Email", "Name"} for r in roles if r["Contact"])
    assert all(r["Opportunity"]["Name"] for r in roles if r["Opportunity"])


# -- paging and windows ------------------------------------------------------------------------
def test_paging_follows_next_records_url_over_several_pages(fake_salesforce):
    fake_salesforce.page_size = 100
    sf = client(fake_salesforce)
    first = sf.query(f"SELECT Id, SystemModstamp FROM Contact {WINDOW}")
    assert first["totalSize"] == 701 and first["done"] is False
    assert len(first["records"]) == 100
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-100")

    fake_salesforce.reset_log()
    records = sf.query_all(f"SELECT Id, SystemModstamp FROM Contact {WINDOW}")["records"]
    assert len(records) == 701 == len({r["Id"] for r in records})
    keys = [(r["SystemModstamp"], r["Id"]) for r in records]
    assert keys == sorted(keys)
    assert fake_salesforce.request_count("/services/data/v59.0/query/01g") == 7
    assert fake_salesforce.request_count("/services/data/") == 8
    assert fake_salesforce.requests[0].query == {
        "q": f"SELECT Id, SystemModstamp FROM Contact {WINDOW}"
    }


def test_changes_are_stamped_with_the_controllable_clock(fake_salesforce):
    sf = client(fake_salesforce)
    mark = "2024-10-01T00:00:00Z"
    since = f"SELECT Id, Name FROM Account WHERE SystemModstamp > {mark} {WINDOW}"
    assert sf.query(since)["totalSize"] == 0

    fake_salesforce.now = datetime(2024, 10, 2, 9, 30, tzinfo=UTC)
    zoomcast = export_rows("Account")[0]["Guid"]
    fake_salesforce.update("Account", zoomcast, Name="Zoomcast Inc")
    fake_salesforce.advance(minutes=1)
    new_id = fake_salesforce.add("Account", Name="Newco", Industry="Energy")

    records = sf.query(since)["records"]
    assert [(r["Id"], r["Name"]) for r in records] == [
        (zoomcast, "Zoomcast Inc"),
        (new_id, "Newco"),
    ]
    stamps = sf.query(f"SELECT SystemModstamp, CreatedDate FROM Account WHERE Id = '{new_id}'")
    assert stamps["records"][0]["SystemModstamp"] == "2024-10-02T09:31:00.000+0000"
    bounded = (
        f"SELECT Id FROM Account WHERE SystemModstamp >= {mark} AND "
        f"SystemModstamp <= 2024-10-02T09:30:00.000+0000 {WINDOW}"
    )
    assert [r["Id"] for r in sf.query(bounded)["records"]] == [zoomcast]


def test_keyset_tie_break_on_id(fake_salesforce):
    sf = client(fake_salesforce)
    tied = sf.query(f"SELECT Id FROM Account WHERE SystemModstamp = 2024-09-02T00:00:00Z {WINDOW}")
    ids = [r["Id"] for r in tied["records"]]
    assert len(ids) == 3  # the export's stamps tie in threes
    after = sf.query(
        "SELECT Id FROM Account WHERE SystemModstamp = 2024-09-02T00:00:00Z "
        f"AND Id > '{ids[0]}' {WINDOW} LIMIT 1"
    )
    assert [r["Id"] for r in after["records"]] == [ids[1]]


def test_query_all_includes_deleted_and_deleted_endpoint_lists_them(fake_salesforce):
    sf = client(fake_salesforce)
    victim = export_rows("Contact")[5]["Guid"]
    fake_salesforce.now = datetime(2024, 10, 3, 12, 0, 30, tzinfo=UTC)
    fake_salesforce.delete("Contact", victim)

    assert sf.query_all("SELECT Id FROM Contact")["totalSize"] == 700
    everything = sf.query_all("SELECT Id, IsDeleted FROM Contact", include_deleted=True)
    assert everything["totalSize"] == 701
    deleted = sf.query_all("SELECT Id FROM Contact WHERE IsDeleted = true", include_deleted=True)
    assert [r["Id"] for r in deleted["records"]] == [victim]
    assert sf.query("SELECT Id FROM Contact WHERE IsDeleted = true")["totalSize"] == 0

    window = (datetime(2024, 10, 3, tzinfo=UTC), datetime(2024, 10, 4, tzinfo=UTC))
    answer = sf.Contact.deleted(*window)
    assert answer["deletedRecords"] == [
        {"id": victim, "deletedDate": "2024-10-03T12:00:30.000+0000"}
    ]
    assert answer["latestDateCovered"] == "2024-10-03T12:00:00.000+0000"  # now, to the minute
    assert answer["earliestDateAvailable"] == "2024-09-02T00:00:00.000+0000"

    fake_salesforce.update("Contact", export_rows("Contact")[6]["Guid"], Title="CTO")
    assert sf.Contact.updated(*window)["ids"] == [export_rows("Contact")[6]["Guid"]]


# -- errors the sync must handle ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'", "MALFORMED_QUERY"),
        ("SELECT COUNT() FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account LIMIT", "MALFORMED_QUERY"),
        ("SELECT Id, Nmae FROM Account", "INVALID_FIELD"),
        ("SELECT Id, Owner.Name FROM Account", "INVALID_FIELD"),
        ("SELECT Id FROM Lead", "INVALID_TYPE"),
        (
            "SELECT Id FROM Account WHERE SystemModstamp > '2024-01-01T00:00:00Z'",
            "INVALID_QUERY_FILTER_OPERATOR",
        ),
    ],
)
def test_refused_queries_answer_400(fake_salesforce, soql, code):
    with pytest.raises(SalesforceMalformedRequest) as exc_info:
        client(fake_salesforce).query(soql)
    assert exc_info.value.status == 400 and error_code(exc_info) == code


def test_429_then_success_with_retry_after(fake_salesforce):
    fake_salesforce.fail_next(1, status=429, retry_after=3)
    url = f"{fake_salesforce.url}/services/data/v59.0/limits/"
    headers = {"Authorization": f"Bearer {fake_salesforce.token}"}
    session = fake_salesforce.session()
    refused = session.get(url, headers=headers)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3"
    assert refused.json() == [
        {
            "message": "ConcurrentPerOrgLongTxn Limit exceeded.",
            "errorCode": "REQUEST_LIMIT_EXCEEDED",
        }
    ]
    assert session.get(url, headers=headers).status_code == 200

    fake_salesforce.fail_next(2, status=503)
    sf = client(fake_salesforce)
    for _ in range(2):
        with pytest.raises(SalesforceGeneralError) as exc_info:
            sf.query("SELECT Id FROM Account")
        assert exc_info.value.status == 503 and error_code(exc_info) == "SERVER_UNAVAILABLE"
    assert sf.query("SELECT Id FROM Account")["totalSize"] == 185


def test_faults_can_target_a_path(fake_salesforce):
    sf = client(fake_salesforce)
    fake_salesforce.page_size = 500
    fake_salesforce.fail_next(1, status=500, path_prefix="/services/data/v59.0/query/01g")
    first = sf.query("SELECT Id FROM Contact")  # the first page is not a locator
    with pytest.raises(SalesforceGeneralError) as exc_info:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert error_code(exc_info) == "UNKNOWN_EXCEPTION"
    again = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)  # retry succeeds
    assert again["done"] is True and len(again["records"]) == 201
    fake_salesforce.expire_cursors()
    with pytest.raises(SalesforceMalformedRequest) as exc_info:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert error_code(exc_info) == "INVALID_QUERY_LOCATOR"


def test_hang_next_makes_the_client_time_out(fake_salesforce):
    fake_salesforce.hang_next(2)
    sf = client(fake_salesforce)
    with pytest.raises(requests.Timeout):
        sf.query("SELECT Id FROM Account", timeout=0.3)
    assert sf.query("SELECT Id FROM Account", timeout=5)["totalSize"] == 185


def test_slow_pages_delay_every_page(fake_salesforce):
    fake_salesforce.page_size = 400
    fake_salesforce.slow_pages(0.2)
    started = time.monotonic()
    assert client(fake_salesforce).query_all("SELECT Id FROM Contact")["totalSize"] == 701
    assert time.monotonic() - started >= 0.4  # two pages


# -- authentication ----------------------------------------------------------------------------
def test_client_credentials_token(fake_salesforce):
    answer = fetch_token(fake_salesforce)
    assert answer.status_code == 200
    token = answer.json()
    assert token["token_type"] == "Bearer" and token["instance_url"] == fake_salesforce.url
    assert set(token) == {
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
    }
    signed = hmac.new(
        fake_salesforce.client_secret.encode(),
        (token["id"] + token["issued_at"]).encode(),
        hashlib.sha256,
    )
    assert base64.b64decode(token["signature"]) == signed.digest()
    assert client(fake_salesforce, token["access_token"]).query("SELECT Id FROM Account LIMIT 1")

    refused = fetch_token(fake_salesforce, secret="wrong")
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }


def test_expired_tokens_answer_401_until_a_new_one_is_fetched(fake_salesforce):
    fake_salesforce.expire_tokens()
    with pytest.raises(SalesforceExpiredSession) as exc_info:
        client(fake_salesforce).query("SELECT Id FROM Account")
    assert exc_info.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]
    fresh = fetch_token(fake_salesforce).json()["access_token"]
    assert client(fake_salesforce, fresh).query("SELECT Id FROM Account")["totalSize"] == 185


def test_trusted_through_requests_ca_bundle(fake_salesforce, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake_salesforce.ca_bundle_path)
    versions = requests.get(f"{fake_salesforce.url}/services/data/", timeout=5).json()
    assert {"label": "v59.0", "url": "/services/data/v59.0", "version": "59.0"} in versions
    untrusting = requests.Session()
    untrusting.trust_env = False  # the default CA store only: the throwaway CA is unknown
    with pytest.raises(requests.exceptions.SSLError):
        untrusting.get(f"{fake_salesforce.url}/services/data/", timeout=5)


# -- cheap calls -------------------------------------------------------------------------------
def test_describe_and_limits(fake_salesforce):
    sf = client(fake_salesforce)
    names = [f["name"] for f in sf.Opportunity.describe()["fields"]]
    assert {"Id", "StageName", "Amount", "AccountId", "SystemModstamp", "IsDeleted"} <= set(names)
    assert [o["name"] for o in sf.describe()["sobjects"]] == OBJECTS
    limits = sf.limits()["DailyApiRequests"]
    assert limits["Max"] == 15000 and limits["Remaining"] == 15000 - 3
    assert sf.api_usage["api-usage"].used == 3  # from the Sforce-Limit-Info header


# -- bulk generation ---------------------------------------------------------------------------
def test_add_many_generates_ten_thousand_changes_quickly(fake_salesforce):
    fake_salesforce.now = "2024-11-01T08:00:00Z"
    started = time.monotonic()
    ids = fake_salesforce.add_many("Opportunity", 10_000, Type="New Business")
    assert time.monotonic() - started < 5
    assert len(set(ids)) == 10_000 and all(len(i) == 18 and i.startswith("006") for i in ids)
    sf = client(fake_salesforce)
    changed = sf.query_all(
        "SELECT Id, Type, Account.Name FROM Opportunity "
        f"WHERE SystemModstamp >= 2024-11-01T00:00:00Z {WINDOW}"
    )
    assert changed["totalSize"] == 10_000
    assert all(r["Type"] == "New Business" and r["Account"]["Name"] for r in changed["records"])


def test_concurrent_reads_and_writes(fake_salesforce):
    sf = client(fake_salesforce)
    errors = []

    def read():
        try:
            for _ in range(5):
                assert sf.query_all("SELECT Id FROM Account")["totalSize"] >= 185
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for i in range(50):
        fake_salesforce.add("Account", Name=f"Parallel {i}")
    for thread in threads:
        thread.join()
    assert errors == []
    assert sf.query_all("SELECT Id FROM Account")["totalSize"] == 235


# -- pieces ------------------------------------------------------------------------------------
def test_salesforce_ids_carry_the_case_safe_suffix():
    assert case_safe_id("00D000000000062") == "00D000000000062EAA"  # Salesforce's own example
    assert case_safe_id("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    new = salesforce_id("003", 12345)
    assert len(new) == 18 and new.startswith("0035g") and case_safe_id(new[:15]) == new


def test_parser_reads_the_sync_forms():
    query = parse(
        "select Id, Account.Name from Contact where SystemModstamp >= 2024-01-01T00:00:00Z "
        "and SystemModstamp <= 2024-02-01T00:00:00.000+0000 and IsDeleted = false "
        "and Id > '003\\'x' order by SystemModstamp, Id desc limit 10"
    )
    assert query.fields == ["Id", "Account.Name"] and query.sobject == "Contact"
    assert [(c.field, c.op, c.kind) for c in query.where] == [
        ("SystemModstamp", ">=", "datetime"),
        ("SystemModstamp", "<=", "datetime"),
        ("IsDeleted", "=", "boolean"),
        ("Id", ">", "string"),
    ]
    assert query.where[0].value == datetime(2024, 1, 1, tzinfo=UTC)
    assert query.where[3].value == "003'x"
    assert query.order_by == [("SystemModstamp", False), ("Id", True)] and query.limit == 10
    for bad in ["", "SELECT FROM Account", "SELECT Id FROM Account WHERE (Id = 'a')"]:
        with pytest.raises(SoqlError):
            parse(bad)


def test_export_dir_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DEALLENS_ACCEPTANCE_DATA", str(tmp_path))
    assert export_dir() == tmp_path.resolve() / "salesforce_cpq_demo_export"
    monkeypatch.delenv("DEALLENS_ACCEPTANCE_DATA")
    assert export_dir().parent.name == "acceptance_data"
    assert BASE_TIME.isoformat() == "2024-09-02T00:00:00+00:00"
