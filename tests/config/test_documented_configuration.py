"""Every environment variable that config/settings.py reads is documented for operators."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_TEXT = (ROOT / "config" / "settings.py").read_text()
READ_BY_SETTINGS = sorted(set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', SETTINGS_TEXT)))


def test_the_settings_read_the_variables_the_product_names():
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG"} <= set(
        READ_BY_SETTINGS
    )


@pytest.mark.parametrize("name", READ_BY_SETTINGS)
def test_env_example_lists_the_variable_commented_out(name):
    example = (ROOT / ".env.example").read_text()

    assert re.search(rf"^# {name}=", example, re.MULTILINE), f".env.example lacks {name}"


@pytest.mark.parametrize("name", READ_BY_SETTINGS)
def test_the_readme_mentions_the_variable(name):
    assert f"`{name}`" in (ROOT / "README.md").read_text(), f"README.md lacks {name}"
