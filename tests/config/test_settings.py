"""config/settings.py chooses the database, the Celery broker and the secret from the environment.

Each case imports the settings in a fresh ``python -c`` process with a controlled environment, so
the module is exercised the way manage.py, gunicorn and celery load it. The config package is
copied into a temporary directory first (the project's apps stay importable through PYTHONPATH):
settings.py reads a ``.env`` beside the project, and a developer's own ``.env`` must not leak in.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SETTINGS_AS_JSON = """
import json
import config.settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST"),
    "port": db.get("PORT"), "user": db.get("USER"), "conn_max_age": db.get("CONN_MAX_AGE"),
    "debug": s.DEBUG, "secret_key": s.SECRET_KEY, "allowed_hosts": s.ALLOWED_HOSTS,
    "broker": s.CELERY_BROKER_URL, "backend": s.CELERY_RESULT_BACKEND,
    "eager": s.CELERY_TASK_ALWAYS_EAGER, "base_dir": str(s.BASE_DIR),
}))
"""

CELERY_APP_AS_JSON = """
import json
import django
django.setup()
from config import celery_app
from insights_app.tasks import insights_mark_dirty
conf = celery_app.conf
print(json.dumps({
    "broker": conf.broker_url, "backend": conf.result_backend, "eager": conf.task_always_eager,
    "acks_late": conf.task_acks_late, "serializer": conf.task_serializer,
    "task_registered": insights_mark_dirty.name in celery_app.tasks,
}))
"""


@pytest.fixture
def project(tmp_path):
    """A directory holding a copy of config/, where settings.py finds no stray .env."""
    shutil.copytree(
        ROOT / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def _run(project: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(project)),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(project: Path, code: str = SETTINGS_AS_JSON, **env: str) -> dict:
    result = _run(project, code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SECRET = {"DJANGO_SECRET_KEY": "a-real-secret-for-this-test"}


def test_without_database_url_the_project_uses_sqlite_beside_manage_py(project):
    s = load_settings(project, **SECRET)

    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(project / "db.sqlite3")
    assert s["base_dir"] == str(project)


def test_a_postgres_database_url_selects_postgresql(project):
    s = load_settings(
        project, DATABASE_URL="postgres://deallens:pw@db.internal:6543/deallens_prod", **SECRET
    )

    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["name"], s["host"], s["port"], s["user"]) == (
        "deallens_prod",
        "db.internal",
        6543,
        "deallens",
    )
    assert s["conn_max_age"] == 60


def test_django_conn_max_age_sets_persistent_connections(project):
    s = load_settings(
        project,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/deallens",
        DJANGO_CONN_MAX_AGE="0",
        **SECRET,
    )

    assert s["conn_max_age"] == 0


def test_redis_url_makes_redis_the_broker_and_turns_off_eager_tasks(project):
    s = load_settings(project, REDIS_URL="redis://cache.internal:6379/2", **SECRET)

    assert s["broker"] == "redis://cache.internal:6379/2"
    assert s["backend"] == "redis://cache.internal:6379/2"
    assert s["eager"] is False


def test_without_redis_url_tasks_run_eagerly_in_process(project):
    s = load_settings(project, **SECRET)

    assert s["eager"] is True
    assert s["broker"] == "memory://"


def test_the_celery_app_reads_its_configuration_from_the_settings(project):
    with_redis = load_settings(
        project, CELERY_APP_AS_JSON, REDIS_URL="redis://cache.internal:6379/2", **SECRET
    )
    embedded = load_settings(project, CELERY_APP_AS_JSON, **SECRET)

    assert with_redis["broker"] == "redis://cache.internal:6379/2"
    assert with_redis["eager"] is False
    assert embedded["eager"] is True
    assert with_redis["acks_late"] is True
    assert with_redis["serializer"] == "json"
    assert with_redis["task_registered"] is True


@pytest.mark.parametrize("debug", [None, "false", "0"])
def test_without_a_secret_key_the_app_refuses_to_start_when_debug_is_off(project, debug):
    env = {} if debug is None else {"DJANGO_DEBUG": debug}

    result = _run(project, SETTINGS_AS_JSON, **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_an_empty_secret_key_is_refused_too(project):
    result = _run(project, SETTINGS_AS_JSON, DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_in_debug_mode_a_development_key_is_used_when_none_is_set(project):
    s = load_settings(project, DJANGO_DEBUG="true")

    assert s["debug"] is True
    assert s["secret_key"]
    assert s["allowed_hosts"] == ["127.0.0.1", "localhost"]


def test_allowed_hosts_is_a_comma_separated_list_and_empty_by_default_in_production(project):
    default = load_settings(project, **SECRET)
    listed = load_settings(
        project, DJANGO_ALLOWED_HOSTS="deallens.example.com,www.deallens.example.com", **SECRET
    )

    assert default["allowed_hosts"] == []
    assert listed["allowed_hosts"] == ["deallens.example.com", "www.deallens.example.com"]


def test_a_dot_env_file_is_read_and_the_real_environment_wins(project):
    (project / ".env").write_text(
        "DJANGO_SECRET_KEY=from-the-env-file\n"
        "DATABASE_URL=postgres://postgres@db.from-file:5432/from_file\n"
        "REDIS_URL=redis://redis.from-file:6379/0\n"
    )

    s = load_settings(project, REDIS_URL="redis://redis.from-environment:6379/1")

    assert s["secret_key"] == "from-the-env-file"
    assert (s["engine"], s["name"]) == ("django.db.backends.postgresql", "from_file")
    assert s["broker"] == "redis://redis.from-environment:6379/1"
