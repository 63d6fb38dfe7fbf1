"""Deploy-ready settings (PRODUCT.md §10): with only the three production variables set,
Django's deployment checklist has nothing to say, plain http redirects to https with HSTS;
and with DJANGO_DEBUG=true local http still works (no redirect, no https-only cookies).

Each case runs in a fresh process with a controlled environment, against a copy of config/
(so a developer's own .env cannot leak in), the way manage.py and gunicorn load it.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),  # 80+ random characters
    "DJANGO_ALLOWED_HOSTS": "example.com",
}

REQUEST_AS_JSON = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
host = sys.argv[1]
response = Client().get("/login/", HTTP_HOST=host)
print(json.dumps({
    "status": response.status_code,
    "location": response.get("Location"),
    "hsts": response.get("Strict-Transport-Security"),
    "csp": response.get("Content-Security-Policy"),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
}))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The project with a copy of config/ and no .env: static/, templates/ and manage.py as
    they are, the apps importable through PYTHONPATH."""
    here = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "config", here / "config", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("static", "templates"):
        (here / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "manage.py", here / "manage.py")
    return here


def _run(project: Path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(project)),
        "PYTHONPATH": f"{project}{os.pathsep}{ROOT}",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # No database is touched; keep SQLite inside the temporary project all the same.
        "DATABASE_URL": f"sqlite:///{project / 'db.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _request(project: Path, host: str, **env: str) -> dict:
    result = _run(project, ["-c", REQUEST_AS_JSON, host], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deployment_checklist_passes_with_zero_issues(project):
    assert len(PRODUCTION["DJANGO_SECRET_KEY"]) >= 50
    result = _run(
        project, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


def test_the_checklist_does_fail_on_a_weak_setup(project):
    """Not vacuous: the same command fails when https is turned off in production."""
    result = _run(
        project,
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode != 0
    for check in ("security.W008", "security.W012", "security.W016", "security.W004"):
        assert check in result.stderr + result.stdout, check


def compose_environment(**operator: str) -> dict[str, str]:
    """The environment docker-compose.yml gives the app: each ``${VAR:-default}`` resolved as
    compose resolves it when the operator sets only ``operator`` (``${VAR:?…}`` must be set)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    def resolve(match: re.Match) -> str:
        name, operation, word = match.group(1), match.group(2), match.group(3)
        if operation == ":?":
            assert name in operator, f"docker-compose.yml requires {name}"
            return operator[name]
        return operator.get(name) or word

    return {
        name: re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", resolve, str(value))
        for name, value in compose["x-app-env"].items()
    }


def test_docker_compose_defaults_pass_the_deployment_checklist(project):
    """The production file defaults to https only: with nothing but the secret set, Django's
    deployment checklist has nothing to say (it used to warn four times)."""
    env = compose_environment(DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "true"
    assert env["DJANGO_SECURE_COOKIES"] == "true"
    assert int(env["DJANGO_SECURE_HSTS_SECONDS"]) >= 31536000
    result = _run(project, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


SETTINGS_AS_JSON = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "session_cookie_secure": s.SESSION_COOKIE_SECURE,
    "hsts_seconds": s.SECURE_HSTS_SECONDS,
    "throttle_cache": [s.CACHES["throttle"]["BACKEND"], s.CACHES["throttle"]["LOCATION"]],
}))
"""


def _settings(project: Path, **env: str) -> dict:
    result = _run(project, ["-c", SETTINGS_AS_JSON], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_docker_compose_counts_api_throttles_in_redis(project):
    """Every gunicorn worker of the stack shares one throttle budget."""
    env = compose_environment(DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert _settings(project, **env)["throttle_cache"] == [
        "django.core.cache.backends.redis.RedisCache",
        env["REDIS_URL"],
    ]


def test_the_documented_local_http_override_turns_https_off(project):
    """README.md's way to try the stack over plain http."""
    env = compose_environment(
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
    )
    seen = _settings(project, **env)
    assert seen["ssl_redirect"] is False
    assert seen["session_cookie_secure"] is False
    assert seen["hsts_seconds"] == 0
    readme = (ROOT / "README.md").read_text()
    assert (
        "DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false "
        "DJANGO_SECURE_HSTS_SECONDS=0" in readme
    )


def test_in_production_plain_http_is_redirected_to_https_with_secure_cookies(project):
    seen = _request(project, "example.com", **PRODUCTION)
    assert seen["status"] == 301
    assert seen["location"] == "https://example.com/login/"
    assert seen["ssl_redirect"] is True
    assert seen["session_cookie_secure"] is True and seen["csrf_cookie_secure"] is True
    assert seen["hsts_seconds"] >= 31536000


def test_with_debug_on_local_http_still_works(project):
    seen = _request(project, "localhost", DJANGO_DEBUG="true")
    assert seen["status"] == 200, seen
    assert seen["location"] is None
    assert seen["hsts"] is None
    assert seen["ssl_redirect"] is False
    assert seen["session_cookie_secure"] is False and seen["csrf_cookie_secure"] is False
    # The strict script policy holds in development too, so a CSP slip shows up locally.
    assert "script-src 'self'" in seen["csp"]
    assert "unsafe-inline" not in seen["csp"].split("script-src")[1].split(";")[0]
