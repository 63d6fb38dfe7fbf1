"""The persona map figure: one node per person, layered top-down, advocacy arrows, a legend per
role, and people who left or belong to another account styled apart. Pure: no database."""

import datetime as dt

from deals_app.charts import LEFT_COLOUR, ROLE_COLOURS, node_levels, persona_map_figure
from deals_app.selectors import Edge, Person, PersonaMap


def person(pk, name, *roles, reports_to=None, stance="supporter", **kwargs):
    return Person(
        contact=pk,
        name=name,
        title=kwargs.pop("title", "Engineer"),
        account=kwargs.pop("account", 1),
        has_left=kwargs.pop("has_left", False),
        reports_to=reports_to,
        roles=list(roles),
        stances={stance},
        **kwargs,
    )


def sample_map() -> PersonaMap:
    ines = person(1, "Ines", "economic_buyer", title="CIO")
    maria = person(2, "Maria", "decision_maker", reports_to=1, stance="opponent")
    sam = person(3, "Sam", "champion", reports_to=2, last_engaged_on=dt.date(2026, 3, 1))
    uma = person(4, "Uma", "user", reports_to=3, has_left=True)
    kai = person(5, "Kai", "influencer", account=9, external=True, stance="neutral")
    nodes = [ines, maria, sam, uma, kai]
    edges = [
        Edge(2, 1, "reports_to"),
        Edge(3, 2, "reports_to"),
        Edge(4, 3, "reports_to"),
        Edge(5, 3, "advocacy"),
        Edge(3, 1, "advocacy"),
    ]
    return PersonaMap(nodes=nodes, edges=edges, gaps=[], path=[3, 1])


def node_traces(figure):
    return [t for t in figure["data"] if (t.get("meta") or {}).get("kind") == "nodes"]


def position_of(figure, contact):
    for trace in node_traces(figure):
        if contact in trace["customdata"]:
            i = trace["customdata"].index(contact)
            return trace["x"][i], trace["y"][i], trace, i
    raise AssertionError(f"contact {contact} is not drawn")


def test_every_person_is_one_node():
    figure = persona_map_figure(sample_map())
    drawn = [c for t in node_traces(figure) for c in t["customdata"]]
    assert sorted(drawn) == [1, 2, 3, 4, 5]


def test_layers_go_down_the_reporting_line_with_the_buyer_on_top():
    figure = persona_map_figure(
        sample_map(),
        {1: {"seniority": "c_level"}, 2: {"seniority": "vp"}, 3: {"seniority": "manager"}},
    )
    ys = {c: position_of(figure, c)[1] for c in (1, 2, 3, 4)}
    assert ys[1] > ys[2] > ys[3] > ys[4]


def test_a_report_sits_below_their_manager_even_when_seniority_says_otherwise():
    boss = person(1, "Boss", "champion")
    report = person(2, "Report", "user", reports_to=1)
    persona_map = PersonaMap([boss, report], [Edge(2, 1, "reports_to")], [], None)
    levels = node_levels(persona_map, {1: "ic", 2: "c_level"})
    assert levels[2] > levels[1]


def test_layers_have_no_gaps_and_start_at_zero():
    persona_map = PersonaMap([person(1, "A", "user"), person(2, "B", "user")], [], [], None)
    assert node_levels(persona_map, {1: "c_level", 2: "ic"}) == {1: 0, 2: 1}


def test_advocacy_edges_are_arrows_from_advocate_to_audience():
    figure = persona_map_figure(sample_map())
    arrows = figure["layout"]["annotations"]
    assert len(arrows) == 2
    kai_x, kai_y, *_ = position_of(figure, 5)
    sam_x, sam_y, *_ = position_of(figure, 3)
    arrow = next(a for a in arrows if (a["ax"], a["ay"]) == (kai_x, kai_y))
    assert (arrow["x"], arrow["y"]) == (sam_x, sam_y)
    assert arrow["showarrow"] and arrow["arrowhead"]


def test_reporting_lines_are_one_line_trace():
    figure = persona_map_figure(sample_map())
    lines = next(t for t in figure["data"] if t["meta"]["kind"] == "reports_to")
    assert lines["x"].count(None) == 3  # three reporting lines, separated by gaps


def test_legend_has_one_entry_per_role_shown_with_its_colour():
    figure = persona_map_figure(sample_map())
    legend = [t for t in figure["data"] if t["meta"]["kind"] == "role_legend"]
    assert all(t.get("showlegend") is False for t in node_traces(figure))
    assert [t["name"] for t in legend] == [
        "Economic buyer",
        "Decision maker",
        "Champion",
        "User",
        "Influencer",
    ]
    champion = next(t for t in legend if t["meta"]["role"] == "champion")
    assert champion["marker"]["color"] == ROLE_COLOURS["champion"]
    user = next(t for t in legend if t["meta"]["role"] == "user")
    assert user["marker"]["color"] == ROLE_COLOURS["user"]  # though the only user has left
    marks = [t["name"] for t in figure["data"] if t["meta"]["kind"] == "mark_legend"]
    assert marks == ["Has left", "External", "Path to the buyer"]


def test_stance_is_the_marker_shape():
    figure = persona_map_figure(sample_map())
    _, _, trace, i = position_of(figure, 2)
    assert trace["marker"]["symbol"][i] == "x"  # an opponent
    _, _, trace, i = position_of(figure, 1)
    assert trace["marker"]["symbol"][i] == "circle"  # a supporter


def test_people_who_left_are_grey_and_externals_are_ringed_and_labelled():
    figure = persona_map_figure(sample_map())
    _, _, trace, i = position_of(figure, 4)
    assert trace["marker"]["color"][i] == LEFT_COLOUR
    assert "(left)" in trace["text"][i]
    _, _, trace, i = position_of(figure, 5)
    assert trace["marker"]["line"]["width"][i] == 3
    assert "(ext.)" in trace["text"][i]
    assert "External" in trace["hovertext"][i]


def test_hover_shows_title_persona_and_last_engagement():
    figure = persona_map_figure(sample_map(), {3: {"persona": "SRE lead"}})
    _, _, trace, i = position_of(figure, 3)
    hover = trace["hovertext"][i]
    assert "Engineer" in hover
    assert "Persona: SRE lead" in hover
    assert "Last engaged: 2026-03-01" in hover


def test_an_empty_map_is_still_a_figure():
    figure = persona_map_figure(PersonaMap([], [], ["no_economic_buyer"], None))
    assert node_traces(figure) == []
