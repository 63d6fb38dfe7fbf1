"""`make run` keeps its SQLite database where no other command looks: .demo/, git-ignored; a
plain `manage.py …` in the checkout uses db.sqlite3 and never replaces the demo's."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def make_run_commands() -> list[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    result = subprocess.run(  # noqa: S603  # a fixed command line
        [make, "-n", "run", "STAMP=/dev/null"],  # print the commands, install nothing
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_every_step_of_make_run_uses_the_demo_database():
    commands = make_run_commands()

    assert [re.search(r"manage\.py (\w+)", c).group(1) for c in commands] == [
        "migrate",
        "seed_demo",
        "recompute_insights",
        "collectstatic",
        "runserver",
    ]
    for command in commands:
        assert f"DATABASE_URL='sqlite:///{ROOT}/.demo/db.sqlite3'" in command
        assert "REDIS_URL= " in command and "DEALLENS_COLLECTED_STATIC=true" in command
    # only the server runs the debounced recompute in-process, not the setup commands
    assert commands[-1].endswith(
        "DEALLENS_INPROCESS_RECOMPUTE=true .venv/bin/python manage.py runserver 127.0.0.1:8000"
    )


def test_the_demo_folder_is_ignored_by_git():
    assert "/.demo/" in (ROOT / ".gitignore").read_text().splitlines()
