"""manage.py works from a fresh checkout with no configuration; serving still needs a secret."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bare_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture
def checkout(tmp_path):
    """A fresh checkout in a temporary folder: config/ and manage.py copied (the default SQLite
    database is made beside them, not in the working tree), the apps through PYTHONPATH."""
    shutil.copytree(
        ROOT / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    return tmp_path


def _checkout_env(checkout) -> dict:
    return {
        **_bare_env(),
        "PYTHONPATH": f"{checkout}{os.pathsep}{ROOT}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


@pytest.mark.skipif((ROOT / ".env").is_file(), reason="a local .env configures this checkout")
def test_manage_py_runs_without_any_configuration(checkout):
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=checkout,
        env=_checkout_env(checkout),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_wsgi_app_still_refuses_to_start_without_a_secret(checkout):
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=checkout,
        env={**_checkout_env(checkout), "DJANGO_DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
