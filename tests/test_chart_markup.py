"""User text in a chart shows as typed, never as plotly markup (PRODUCT.md §10).

Plotly draws its own HTML subset (``<a href>``, ``<b>``, ``<i>``, ``<br>``) in tick labels, text,
hover text, legend names and annotations. Every user value here is markup: the free-text
account dimensions, a saved segment's name, account, deal and contact names, a contact's title
and persona (loss reasons are choices, held by a constraint). The figures the pages embed
hold each one escaped once (``&lt;a``, which plotly shows as ``<a``; never ``&amp;lt;a``) and
no raw tag of it; the builders' own markup (``<br>``, the name in bold) stays.
"""

import json
import re
from decimal import Decimal

import pytest

from common.figures import plain
from insights_app.services import insights_recompute
from tests.factories import (
    AccountFactory,
    ContactFactory,
    DealFactory,
    DealRoleFactory,
    PersonaFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db

LINK = '<a href="https://evil.example">Fintech</a>'
MARKUP = {
    "industry": LINK,
    "country": "<b>Germany</b>",
    "region": '<span style="font-size:80px">EMEA</span>',
    "segment": "<i>VM</i> & <a href='https://evil.example'>shops</a>",
    "account": "<b>Initech</b>",
    "deal": "<a href=\"javascript:alert('x')\">Deal</a>",
    "first_name": "<b>Ines</b>",
    "last_name": "<a href='https://evil.example'>Ito</a>",
    "title": "<i>CIO</i><br>",
    "persona": "<sup>SRE</sup>",
}
DASHBOARD_DIMENSIONS = ("industry", "country", "region")


def assert_plain(figure: dict, *shown: str) -> str:
    """Every markup value is absent raw and escaped at most once; ``shown`` ones are there.

    customdata is the one exception: its first item is the raw value the drill-down puts in a
    URL, which plotly never draws unless a hovertemplate names it (none does)."""
    for trace in figure["data"]:
        assert "customdata[0]" not in trace.get("hovertemplate", "")
    drawn = {**figure, "data": [{**t, "customdata": None} for t in figure["data"]]}
    text = json.dumps(drawn, ensure_ascii=False)
    for value in MARKUP.values():
        assert value not in text
    for value in shown:
        assert plain(value) in text
    assert "&amp;lt;" not in text and "&amp;gt;" not in text
    return text


def embedded(page: str, script_id: str) -> dict:
    """The figure as the page embeds it (json_script), parsed as the browser will."""
    match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', page)
    assert match, script_id
    return json.loads(match.group(1))


@pytest.fixture
def exec_client(client, member):
    client.force_login(member("exec"))
    return client


@pytest.fixture
def sales(client, member):
    client.force_login(member("sales", username="sam"))
    return client


@pytest.fixture
def markup_book(workspace):
    """An account whose every free text is markup, with a won, a lost and an open deal."""
    account = AccountFactory.create(
        workspace=workspace,
        name=MARKUP["account"],
        industry=MARKUP["industry"],
        country=MARKUP["country"],
        region=MARKUP["region"],
    )
    for stage, reason in (("closed_won", ""), ("closed_lost", "price"), ("", "")):
        DealFactory.create(
            account=account,
            name=MARKUP["deal"],
            stage=stage or "proposal",
            loss_reason=reason,
            amount=Decimal("100"),
            cost_of_sale=Decimal("10") if stage else None,
        )
    segment = SegmentFactory.create(
        workspace=workspace, name=MARKUP["segment"], filters={"industry": MARKUP["industry"]}
    )
    insights_recompute(workspace_id=workspace.pk, force=True)
    return segment


@pytest.mark.parametrize("dimension", DASHBOARD_DIMENSIONS)
def test_dashboard_charts_show_a_dimension_value_as_text(exec_client, markup_book, dimension):
    response = exec_client.get("/dashboard/", {"dimension": dimension})
    page = response.content.decode()
    assert len(response.context["figures"]) == 9
    for chart in response.context["figures"]:
        figure = embedded(page, chart["data_id"])
        assert figure == chart["figure"]
        assert_plain(figure)
    revenue = response.context["figures"][0]["figure"]
    assert revenue["data"][0]["x"] == [plain(MARKUP[dimension])]  # the tick label and %{x}
    assert revenue["data"][0]["customdata"] == [[MARKUP[dimension]]]  # the drill-down: raw
    assert revenue["data"][0]["hovertemplate"].startswith("%{x}<br>")  # our markup stays
    blind_spots = response.context["figures"][6]["figure"]["data"][0]
    assert blind_spots["hovertext"] == blind_spots["text"] == [plain(MARKUP[dimension])]


def test_dashboard_charts_show_a_segment_name_as_text(exec_client, markup_book):
    response = exec_client.get("/dashboard/", {"dimension": f"segment:{markup_book.pk}"})
    page = response.content.decode()
    for chart in response.context["figures"]:
        assert_plain(embedded(page, chart["data_id"]))
    revenue = response.context["figures"][0]["figure"]
    assert revenue["data"][0]["x"] == [
        "&lt;i&gt;VM&lt;/i&gt; &amp; &lt;a href='https://evil.example'&gt;shops&lt;/a&gt;"
    ]


def test_the_persona_map_shows_a_contact_as_text(sales, workspace):
    account = AccountFactory.create(workspace=workspace, name=MARKUP["account"])
    deal = DealFactory.create(account=account, name=MARKUP["deal"])
    persona = PersonaFactory.create(workspace=workspace, name=MARKUP["persona"])
    ines = ContactFactory.create(
        account=account,
        first_name=MARKUP["first_name"],
        last_name=MARKUP["last_name"],
        title=MARKUP["title"],
        persona=persona,
    )
    DealRoleFactory.create(deal=deal, contact=ines, role="economic_buyer")
    page = sales.get(f"/deals/{deal.pk}/").content.decode()
    figure = embedded(page, "persona-map-data")
    assert_plain(figure, MARKUP["first_name"], MARKUP["title"], MARKUP["persona"])
    node = next(t for t in figure["data"] if t["meta"]["kind"] == "nodes")
    name = plain(f"{MARKUP['first_name']} {MARKUP['last_name']}")
    assert node["text"] == [name]
    hover = node["hovertext"][0].split("<br>")  # the builder's own <b> and <br> stay markup
    assert hover[:3] == [
        f"<b>{name}</b>",
        plain(MARKUP["title"]),
        f"Persona: {plain(MARKUP['persona'])}",
    ]
