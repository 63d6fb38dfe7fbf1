"""The persona map of a deal as a plotly figure (PRODUCT.md §5), built at request time.

A pure function of the persona-map dataclass (``deals_app.selectors.deal_persona_map``) and a
few contact details: no ORM here. The layout is layered top-down — the buyer level above
managers above individual contributors — by seniority, pushed down so that everyone sits below
the person they report to. Reporting lines are plain grey lines; advocacy edges are orange
arrows (annotations), "A champions our product to B".
"""

from __future__ import annotations

from collections import defaultdict

from common.figures import figure, plain

from .models import DealRole
from .selectors import ROLE_LABELS, PersonaMap

# Level of each seniority (0 = top of the chart); unknown seniority falls back to the role.
SENIORITY_LEVEL = {"c_level": 0, "vp": 1, "director": 2, "manager": 3, "ic": 4}
ROLE_LEVEL: dict[str, int] = {
    DealRole.Role.ECONOMIC_BUYER: 0,
    DealRole.Role.EXECUTIVE_SPONSOR: 0,
    DealRole.Role.DECISION_MAKER: 1,
    DealRole.Role.LEGAL_PROCUREMENT: 2,
    DealRole.Role.BLOCKER: 2,
    DealRole.Role.CHAMPION: 3,
    DealRole.Role.INFLUENCER: 3,
    DealRole.Role.TECHNICAL_EVALUATOR: 4,
    DealRole.Role.USER: 4,
    DealRole.Role.OTHER: 4,
}
DEFAULT_LEVEL = 3

NO_ROLE = "none"
ROLE_COLOURS = {
    DealRole.Role.ECONOMIC_BUYER: "#7c3aed",
    DealRole.Role.DECISION_MAKER: "#2563eb",
    DealRole.Role.CHAMPION: "#059669",
    DealRole.Role.USER: "#0891b2",
    DealRole.Role.TECHNICAL_EVALUATOR: "#0d9488",
    DealRole.Role.EXECUTIVE_SPONSOR: "#9333ea",
    DealRole.Role.INFLUENCER: "#ca8a04",
    DealRole.Role.BLOCKER: "#dc2626",
    DealRole.Role.LEGAL_PROCUREMENT: "#64748b",
    DealRole.Role.OTHER: "#78716c",
    NO_ROLE: "#cbd5e1",
}
LEFT_COLOUR = "#d1d5db"
EXTERNAL_RING = "#111827"
PATH_RING = "#f59e0b"
ADVOCACY_COLOUR = "#ea580c"
REPORTS_COLOUR = "#94a3b8"
STANCE_SYMBOLS = {"supporter": "circle", "neutral": "square", "opponent": "x", None: "circle-open"}
STANCE_LABELS = {"supporter": "Supporter", "neutral": "Neutral", "opponent": "Opponent"}


def node_levels(persona_map: PersonaMap, seniority: dict[int, str]) -> dict[int, int]:
    """Contact → layer (0 = top): by seniority (else by role), then at least one layer below
    the shown person they report to. Layers are renumbered 0, 1, 2… without empty ones."""
    level: dict[int, int] = {}
    for node in persona_map.nodes:
        if seniority.get(node.contact) in SENIORITY_LEVEL:
            level[node.contact] = SENIORITY_LEVEL[seniority[node.contact]]
        elif node.roles:
            level[node.contact] = min(ROLE_LEVEL.get(role, DEFAULT_LEVEL) for role in node.roles)
        else:
            level[node.contact] = DEFAULT_LEVEL
    boss_of = {edge.source: edge.target for edge in persona_map.edges if edge.kind == "reports_to"}
    for _ in range(len(level)):  # relax until stable; reporting lines have no cycles
        changed = False
        for contact, boss in boss_of.items():
            if level[contact] <= level[boss]:
                level[contact] = level[boss] + 1
                changed = True
        if not changed:
            break
    ranks = {value: rank for rank, value in enumerate(sorted(set(level.values())))}
    return {contact: ranks[value] for contact, value in level.items()}


def _positions(persona_map: PersonaMap, levels: dict[int, int]) -> dict[int, tuple[float, float]]:
    """x spread evenly within each layer (people under the same manager side by side)."""
    boss_of = {e.source: e.target for e in persona_map.edges if e.kind == "reports_to"}
    by_level: dict[int, list] = defaultdict(list)
    for node in persona_map.nodes:
        by_level[levels[node.contact]].append(node)
    widest = max((len(row) for row in by_level.values()), default=1)
    positions: dict[int, tuple[float, float]] = {}
    for level in sorted(by_level):
        row = by_level[level]
        row.sort(
            key=lambda n: (
                positions.get(boss_of.get(n.contact, 0), (widest / 2, 0))[0],  # 0: no manager
                n.name,
                n.contact,
            )
        )
        offset = (widest - len(row)) / 2
        for i, node in enumerate(row):
            positions[node.contact] = (offset + i + 0.5, -float(level))
    return positions


def _legend_entry(traces, name, group, kind, colour, symbol, *, ring=None, role=None) -> None:
    """A legend-only trace (no points): a clean swatch, whatever the nodes look like."""
    meta = {"kind": kind, **({"role": role} if role else {})}
    traces.append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "name": name,
            "legendgroup": group,
            "meta": meta,
            "marker": {
                "size": 12,
                "color": colour,
                "symbol": symbol,
                "line": {"color": ring or colour, "width": 3 if ring else 0},
            },
        }
    )


def _main_role(roles: list[str]) -> str:
    return roles[0] if roles else NO_ROLE  # roles come in the order of DealRole.Role


def _hover(node, details: dict) -> str:
    roles = ", ".join(ROLE_LABELS[r] for r in node.roles) or "On the path to the buyer"
    lines = [  # name, title and persona are typed by users; the <b> and <br> are ours
        f"<b>{plain(node.name)}</b>",
        plain(node.title or "No title"),
        f"Persona: {plain(details.get('persona') or '—')}",
    ]
    lines.append(f"Roles: {roles}")
    if node.stance:
        lines.append(f"Stance: {STANCE_LABELS[node.stance]}")
    engaged = node.last_engaged_on.isoformat() if node.last_engaged_on else "never"
    lines.append(f"Last engaged: {engaged}")
    if node.external:
        lines.append("External (another account)")
    if node.has_left:
        lines.append("Has left the company")
    return "<br>".join(lines)


def persona_map_figure(persona_map: PersonaMap, details: dict[int, dict] | None = None) -> dict:
    """The persona map as a plain plotly figure dict (JSON-ready, for ``json_script``).

    ``details`` maps a contact id to ``{"seniority", "persona"}`` (both optional).
    Node traces carry ``meta = {"kind": "nodes", "role": …}``; one legend entry per role shown.
    """
    details = details or {}
    seniority = {c: d.get("seniority") or "" for c, d in details.items()}
    levels = node_levels(persona_map, seniority)
    pos = _positions(persona_map, levels)
    on_path = set(persona_map.path or ())
    traces: list[dict] = []
    annotations: list[dict] = []

    xs: list = []
    ys: list = []
    for edge in persona_map.edges:
        if edge.kind == "reports_to" and edge.source in pos and edge.target in pos:
            xs += [pos[edge.source][0], pos[edge.target][0], None]
            ys += [pos[edge.source][1], pos[edge.target][1], None]
    traces.append(
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "line": {"color": REPORTS_COLOUR, "width": 1.5},
            "hoverinfo": "skip",
            "name": "Reports to",
            "legendgroup": "edges",
            "meta": {"kind": "reports_to"},
        }
    )
    # A legend entry for the advocacy arrows (drawn as annotations, which have no legend).
    traces.append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "lines",
            "line": {"color": ADVOCACY_COLOUR, "width": 2, "dash": "dot"},
            "name": "Advocates to →",
            "legendgroup": "edges",
            "meta": {"kind": "advocacy_legend"},
        }
    )
    for edge in persona_map.edges:
        if edge.kind != "advocacy" or edge.source not in pos or edge.target not in pos:
            continue
        (x0, y0), (x1, y1) = pos[edge.source], pos[edge.target]
        annotations.append(
            {
                "x": x1,
                "y": y1,
                "ax": x0,
                "ay": y0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 3,
                "arrowsize": 1.4,
                "arrowwidth": 2,
                "arrowcolor": ADVOCACY_COLOUR,
                "standoff": 30 if y1 > y0 else 14,  # arrows from below end under the label
                "startstandoff": 14,
                "text": "",
                "opacity": 0.9,
            }
        )

    by_role: dict[str, list] = defaultdict(list)
    for node in persona_map.nodes:
        by_role[_main_role(node.roles)].append(node)
    order = [*DealRole.Role.values, NO_ROLE]
    for role in sorted(by_role, key=order.index):
        nodes = by_role[role]
        colour = ROLE_COLOURS[role]
        name = ROLE_LABELS.get(role, "No role (on the path)")
        # The legend shows a clean swatch per role; the nodes themselves vary (left, external).
        _legend_entry(traces, name, f"role-{role}", "role_legend", colour, "circle", role=role)
        traces.append(
            {
                "type": "scatter",
                "x": [pos[n.contact][0] for n in nodes],
                "y": [pos[n.contact][1] for n in nodes],
                "mode": "markers+text",
                "name": name,
                "showlegend": False,
                "legendgroup": f"role-{role}",
                "meta": {"kind": "nodes", "role": role},
                "text": [
                    plain(n.name)
                    + (" (left)" if n.has_left else "")
                    + (" (ext.)" if n.external else "")
                    for n in nodes
                ],
                "textposition": "bottom center",
                "textfont": {
                    "size": 12,
                    "color": ["#9ca3af" if n.has_left else "#1f2937" for n in nodes],
                },
                "customdata": [n.contact for n in nodes],
                "hovertext": [_hover(n, details.get(n.contact, {})) for n in nodes],
                "hoverinfo": "text",
                "marker": {
                    "size": 22,
                    "color": [LEFT_COLOUR if n.has_left else colour for n in nodes],
                    "symbol": [STANCE_SYMBOLS[n.stance] for n in nodes],
                    "opacity": [0.6 if n.has_left else 1.0 for n in nodes],
                    "line": {
                        "color": [
                            EXTERNAL_RING
                            if n.external
                            else (PATH_RING if n.contact in on_path else "#ffffff")
                            for n in nodes
                        ],
                        "width": [3 if n.external or n.contact in on_path else 1.5 for n in nodes],
                    },
                },
            }
        )
    for stance, label in STANCE_LABELS.items():
        _legend_entry(traces, label, "stance", "stance_legend", "#6b7280", STANCE_SYMBOLS[stance])
    shown = persona_map.nodes
    if any(n.has_left for n in shown):
        _legend_entry(traces, "Has left", "marks", "mark_legend", LEFT_COLOUR, "circle")
    if any(n.external for n in shown):
        _legend_entry(
            traces, "External", "marks", "mark_legend", "#ffffff", "circle", ring=EXTERNAL_RING
        )
    if len(on_path) > 1:
        _legend_entry(
            traces, "Path to the buyer", "marks", "mark_legend", "#ffffff", "circle", ring=PATH_RING
        )

    depth = max(levels.values(), default=0)
    width = max((x for x, _ in pos.values()), default=1) + 0.5
    layout = {
        "annotations": annotations,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "height": max(320, 120 * (depth + 1) + 60),
        "showlegend": True,
        "legend": {"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 12}},
        "hovermode": "closest",
        "dragmode": False,
        "xaxis": {"visible": False, "range": [-0.2, width + 0.2], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-depth - 0.6, 0.45], "fixedrange": True},
        "font": {"family": "Inter, system-ui, sans-serif"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return figure(traces, layout, template="simple_white")
