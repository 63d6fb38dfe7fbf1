"""docker-compose.yml describes the production stack of PRODUCT.md §7 (no Docker engine runs here,
so the file is checked as data): PostgreSQL, Redis, gunicorn, a Celery worker and beat, each with
a health check, and one environment shared by every service that runs the app."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
)


def command_of(service: str) -> str:
    command = SERVICES[service]["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_the_stack_has_database_broker_web_worker_and_beat():
    assert set(SERVICES) == {"db", "redis", "web", "worker", "beat"}
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"


@pytest.mark.parametrize("service", ["db", "redis", "web", "worker", "beat"])
def test_every_service_has_a_health_check(service):
    check = SERVICES[service]["healthcheck"]

    assert check["test"], f"{service} has an empty health check"
    assert not check.get("disable", False)
    assert check.get("interval") and check.get("retries")


def test_the_database_and_broker_checks_ask_the_servers_themselves():
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert "ping" in SERVICES["redis"]["healthcheck"]["test"]


def test_app_services_share_one_environment_block():
    assert re.search(r"^x-app-env: &app-env$", COMPOSE_TEXT, re.MULTILINE)
    shared = COMPOSE["x-app-env"]

    for service in APP_SERVICES:
        assert SERVICES[service]["environment"] == shared, service
    assert set(REQUIRED_ENV) <= set(shared)


def test_the_shared_environment_points_at_the_stack_and_runs_in_production_mode():
    env = COMPOSE["x-app-env"]
    database, db_service = urlsplit(env["DATABASE_URL"]), SERVICES["db"]["environment"]

    assert (database.scheme, database.hostname) == ("postgres", "db")
    assert database.username == db_service["POSTGRES_USER"]
    assert database.password == db_service["POSTGRES_PASSWORD"]
    assert database.path == f"/{db_service['POSTGRES_DB']}"
    assert urlsplit(env["REDIS_URL"]).hostname == "redis"
    assert env["DJANGO_DEBUG"] == "false"
    # The secret comes from the operator; compose refuses to start without one.
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")


def test_every_shared_variable_is_one_the_settings_read():
    settings_text = (ROOT / "config" / "settings.py").read_text()

    for name in COMPOSE["x-app-env"]:
        assert f'"{name}"' in settings_text, f"config/settings.py does not read {name}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_start_after_a_healthy_database_and_broker(service):
    depends = SERVICES[service]["depends_on"]

    assert depends["db"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert SERVICES[service]["build"] == "."


def test_web_migrates_and_collects_static_files_before_gunicorn_starts():
    command = command_of("web")

    migrate = command.index("manage.py migrate")
    collectstatic = command.index("manage.py collectstatic")
    gunicorn = command.index("gunicorn config.wsgi")
    assert migrate < collectstatic < gunicorn
    assert "8000:8000" in SERVICES["web"]["ports"]


def test_worker_and_beat_run_the_project_celery_app():
    assert command_of("worker").startswith("celery -A config worker")
    assert command_of("beat").startswith("celery -A config beat")


def test_the_worker_listens_to_the_queue_recomputes_are_routed_to():
    from django.conf import settings

    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    queues = re.search(r"--queues[= ](\S+)", command_of("worker"))

    assert queues, "the worker names no queues: it would only listen to the default one"
    listened = set(queues.group(1).split(","))
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= listened


def test_the_app_image_is_python_3_11_slim_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert "gunicorn" in dockerfile and "config.wsgi" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE), "the app runs as root"
