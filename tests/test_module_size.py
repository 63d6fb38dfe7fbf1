"""The house rule: a module that passes ~400 lines becomes a package split by topic. This fails
on any new app module over 450 lines; the allow-list names today's exceptions, each with why."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "common",
    "accounts_app",
    "personas_app",
    "deals_app",
    "crm_app",
    "surveys_app",
    "insights_app",
    "conversations_app",
    "demo_app",
    "config",
]
LIMIT = 450
ALLOWED = {
    # One all-or-nothing pass over the files (passes, errors, progress) that reads best whole;
    # the next split is the pass methods into their own module.
    "crm_app/services/import_run.py": 470,
    # The per-account fact reads of the recompute: one grouped query per metric family.
    "insights_app/selectors/facts.py": 500,
    # To split next: the champion→buyer route search into its own module (issue 21 leftover).
    "deals_app/selectors/intelligence.py": 480,
}


def test_no_module_outgrows_the_house_rule():
    too_long = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = str(path.relative_to(ROOT))
            lines = len(path.read_text().splitlines())
            if lines > ALLOWED.get(name, LIMIT):
                too_long.append(f"{name}: {lines} lines")
    assert too_long == []
