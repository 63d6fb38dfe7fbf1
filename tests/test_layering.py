"""accounts ← events ← personas ← deals ← crm ← surveys ← insights ← conversations ← alerts, demo: a
lower app never imports a higher one."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "common",
    "accounts_app",
    "events_app",
    "personas_app",
    "deals_app",
    "crm_app",
    "surveys_app",
    "insights_app",
    "conversations_app",
    "alerts_app",
    "demo_app",
]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _string_references(path: Path) -> set[str]:
    """Lazy model references such as ForeignKey("deals_app.Deal") count as imports too."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return {
        node.value.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.count(".") == 1
        and node.value.split(".")[0] in LAYERS
        and node.value.split(".")[1][:1].isupper()
    }


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_only_depends_on_the_layers_below_it(app):
    higher = set(LAYERS[LAYERS.index(app) + 1 :])
    if app == "common":
        higher.discard("accounts_app")  # the abstract workspace key names the tenant model
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        bad = (_imports(path) | _string_references(path)) & higher
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} → {sorted(bad)}")
    assert offenders == []
