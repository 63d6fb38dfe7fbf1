"""API throttling (PRODUCT.md §10): each token (or session) and each anonymous address gets a
request budget per minute; past it the API answers 429 with Retry-After, and the budget of one
caller is not another's. Production defaults come from the environment."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from accounts_app.models import Membership
from tests.api_support import member_client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def small_rates(monkeypatch):
    # DRF binds the rates to the throttle classes when it loads; config/settings_test.py turns
    # them off for the rest of the suite.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "5/minute", "anon": None})
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"user": None, "anon": "3/minute"})
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def test_a_token_past_its_budget_gets_429_with_retry_after(workspace):
    client, _ = member_client(workspace, Membership.Role.ADMIN)
    statuses = [client.get("/api/v1/accounts/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    response = client.get("/api/v1/accounts/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"].lower()


def test_one_tokens_budget_is_not_anothers(workspace):
    first, _ = member_client(workspace, Membership.Role.ADMIN)
    second, _ = member_client(workspace, Membership.Role.PM)
    for _ in range(5):
        first.get("/api/v1/accounts/")
    assert first.get("/api/v1/accounts/").status_code == 429
    assert second.get("/api/v1/accounts/").status_code == 200


def test_anonymous_calls_are_limited_per_address(workspace):
    """The anonymous budget guards what anonymous callers may read (the OpenAPI document);
    elsewhere DRF answers 401 before any throttle, and tokens are 40 random hex digits."""
    here, there = APIClient(REMOTE_ADDR="203.0.113.7"), APIClient(REMOTE_ADDR="198.51.100.9")
    statuses = [here.get("/api/schema/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert there.get("/api/schema/").status_code == 200
    assert here.get("/api/v1/accounts/").status_code == 401


def test_a_made_up_forwarded_for_header_does_not_buy_a_new_anonymous_budget(workspace):
    here = APIClient(REMOTE_ADDR="203.0.113.7")
    statuses = [
        here.get("/api/schema/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_window_slides_and_refused_calls_do_not_count(workspace, monkeypatch):
    """The budget is over a sliding minute: half a minute into the next one, half the last
    minute's calls still count; calls refused meanwhile used up nothing."""
    clock = [60.0 * 1_000_000]  # the start of a minute
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: clock[0]))
    client, _ = member_client(workspace, Membership.Role.ADMIN)

    def statuses(calls: int) -> list[int]:
        return [client.get("/api/v1/accounts/").status_code for _ in range(calls)]

    assert statuses(7) == [200] * 5 + [429] * 2
    clock[0] += 60  # the next minute starts: the last one still weighs fully
    refused = client.get("/api/v1/accounts/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 12  # then 5 × (1 - 12/60) + 1 = 5 calls
    clock[0] += 30  # half of it has slid out: 2.5 + 2 calls fit, not 3
    assert statuses(3) == [200, 200, 429]


REDIS_DOWN = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "KEY_PREFIX": "throttle",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
}


@pytest.fixture
def silent_redis():
    """An address that accepts connections and never answers (a paused Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"redis://127.0.0.1:{port}/0"


@pytest.mark.parametrize("redis", ["closed_port", "silent_redis"])
def test_with_the_counters_unreachable_the_api_still_answers_quickly(
    workspace, request, redis, settings
):
    """Redis down or silent (PRODUCT.md §10): the throttle lets calls through."""
    location = request.getfixturevalue(redis)
    settings.CACHES = {**settings.CACHES, "throttle": {**REDIS_DOWN, "LOCATION": location}}
    client, _ = member_client(workspace, Membership.Role.ADMIN)
    started = time.monotonic()
    statuses = [client.get("/api/v1/accounts/").status_code for _ in range(6)]
    assert statuses == [200] * 6  # over the budget of 5, uncounted
    assert time.monotonic() - started < 10


def test_production_rates_default_on_and_follow_the_environment(tmp_path):
    # A copy of config/, so a developer's own .env cannot leak in.
    shutil.copytree(
        ROOT / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    code = (
        "import json, config.settings as s; "
        "print(json.dumps(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']))"
    )
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 60,
    }

    def rates(**env):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert rates() == {"anon": "60/minute", "user": "1200/minute"}
    assert rates(DJANGO_API_THROTTLE_USER="100/minute", DJANGO_API_THROTTLE_ANON="") == {
        "anon": None,
        "user": "100/minute",
    }
