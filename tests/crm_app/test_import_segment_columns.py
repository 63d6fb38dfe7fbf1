"""A segment kept in a custom field (a Salesforce org's Customer_Status__c) fills its DealLens
segment field when the mapping screen, the API mapping or the command line names that column;
its values are read through the lifecycle vocabulary."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts_app.models import Account, Membership
from crm_app.models import ImportJob
from tests.api_support import api_client
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# An org that leaves Type empty and keeps lifecycle and sales region in its own fields.
ACCOUNT_CSV = "\n".join(
    [
        "Id,Name,Type,Industry,NumberOfEmployees,BillingCountry,Customer_Status__c,"
        "Sales_Region__c,Vertical__c",
        "0015g00000AbC01AAF,Northwind Logistics,,Transportation,2400,United States,"
        "Active Customer,NA East,Logistics",
        "0015g00000AbC02AAF,Contoso Health,,Healthcare,12000,United States,Prospect,NA West,"
        "Hospitals",
        "0015g00000AbC03AAF,Fabrikam Bank,,Banking,850,Germany,Former Customer,EMEA,Retail banking",
        "0015g00000AbC04AAF,Tailspin Air,,Aerospace,310,France,Current Customer,EMEA,Airlines",
        "0015g00000AbC05AAF,Litware Partners,,Consulting,45,United Kingdom,Partner,EMEA,"
        "IT services",
        "",
    ]
)
LIFECYCLES = {
    "Northwind Logistics": "customer",
    "Contoso Health": "prospect",
    "Fabrikam Bank": "churned",
    "Tailspin Air": "customer",
    "Litware Partners": "partner",
}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def account_csv(tmp_path):
    path = tmp_path / "Account.csv"
    path.write_text(ACCOUNT_CSV, encoding="utf-8")
    return path


def _lifecycles(workspace):
    return dict(Account.objects.filter(workspace=workspace).values_list("name", "lifecycle"))


def test_without_a_mapping_the_custom_field_is_not_read(workspace, account_csv):
    call_command("import_crm", "--workspace", workspace.slug, str(account_csv))
    assert set(_lifecycles(workspace).values()) == {"prospect"}


def test_the_command_line_assigns_custom_columns_to_segment_fields(workspace, account_csv):
    call_command(
        "import_crm",
        "--workspace",
        workspace.slug,
        str(account_csv),
        "--segment",
        "lifecycle=Customer_Status__c",
        "--segment",
        "region=sales_region__c",  # compared as headers are: case and spaces do not count
    )
    assert _lifecycles(workspace) == LIFECYCLES
    assert Account.objects.get(name="Fabrikam Bank").region == "EMEA"


def test_a_files_own_mapping_wins_over_segment_fields(workspace, account_csv, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Account.csv": {"columns": {"industry": "Vertical__c"}}}))
    call_command(
        "import_crm",
        "--workspace",
        workspace.slug,
        str(account_csv),
        "--mapping",
        str(mapping),
        "--segment",
        "industry=Industry",
        "--segment",
        "lifecycle=Customer_Status__c",
    )
    assert Account.objects.get(name="Contoso Health").industry == "Hospitals"
    assert _lifecycles(workspace) == LIFECYCLES


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        ("lifecycle=Status__c", "no accounts file has a column 'Status__c' (for lifecycle)"),
        ("stage=Customer_Status__c", "FIELD one of lifecycle, industry, size, region"),
        ("lifecycle", "give FIELD=COLUMN"),
    ],
)
def test_a_bad_segment_is_refused_and_imports_nothing(
    workspace, account_csv, segment, message, capsys
):
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_crm", "--workspace", workspace.slug, str(account_csv), "--segment", segment
        )
    _, err = capsys.readouterr()
    assert message in f"{refused.value} {err}"
    assert not Account.objects.exists()


def test_the_api_mapping_assigns_segment_fields(workspace, django_capture_on_commit_callbacks):
    user = UserFactory.create()
    MembershipFactory.create(user=user, workspace=workspace, role=Membership.Role.SALES)
    client = api_client(user, workspace)
    upload = SimpleUploadedFile("Account.csv", ACCOUNT_CSV.encode(), content_type="text/csv")
    mapping = {"segment_fields": {"lifecycle": "Customer_Status__c", "industry": "Vertical__c"}}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/v1/imports/",
            {"files": [upload], "mapping": json.dumps(mapping)},
            format="multipart",
        )
    assert answer.status_code == 202, answer.content
    detail = client.get(answer["Location"]).json()
    assert detail["state"] == "succeeded", detail["errors"]
    assert detail["files"][0]["columns"]["lifecycle"] == "Customer_Status__c"
    assert "Customer_Status__c" not in detail["files"][0]["custom"]
    assert _lifecycles(workspace) == LIFECYCLES
    assert Account.objects.get(name="Tailspin Air").industry == "Airlines"


def test_the_mapping_screen_offers_custom_fields_for_segments(
    client, member, workspace, django_capture_on_commit_callbacks
):
    client.force_login(member("sales"))
    upload = SimpleUploadedFile("Account.csv", ACCOUNT_CSV.encode(), content_type="text/csv")
    client.post("/imports/", {"files": [upload]})
    job = ImportJob.objects.get()
    screen = client.get(f"/imports/{job.pk}/files/0/map/").content.decode()
    lifecycle = screen.split('name="col_lifecycle"')[1].split("</select>")[0]
    assert '<option value="Customer_Status__c">Customer_Status__c (custom field)</option>' in (
        lifecycle
    )
    assert "Any column, custom fields included." in screen

    answer = client.post(
        f"/imports/{job.pk}/files/0/map/",
        {
            "shown_kind": "account",
            "kind": "account",
            "col_external_id": "Id",
            "col_name": "Name",
            "col_industry": "Industry",
            "col_employee_count": "NumberOfEmployees",
            "col_country": "BillingCountry",
            "col_region": "Sales_Region__c",
            "col_lifecycle": "Customer_Status__c",
        },
    )
    assert answer.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/run/")
    assert ImportJob.objects.get().state == "succeeded"
    assert _lifecycles(workspace) == LIFECYCLES
    assert Account.objects.get(name="Northwind Logistics").region == "NA East"
