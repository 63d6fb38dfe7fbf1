"""Fault: Redis stops, then comes back (PRODUCT.md §10).

The test starts a redis-server of its own on a free port (the shared one is never touched),
points this process's Celery at it and runs a real worker with embedded beat (``--beat``, the
production schedule: dirty workspaces every 30 s) against it. Then it stops that Redis:

- every page without parameters, the main detail pages, every API list and a detail of each
  answer 200;
- writes succeed (API PATCH and POST, a page form), and mark the workspace dirty;
- ``POST /api/v1/insights/recompute/`` answers 503 within 3 seconds (it never hangs), also
  while Redis is silent (paused with SIGSTOP: connections open, no answer).

Redis is started again on the same port: with no manual step, the worker reconnects, beat sends
the scheduled recompute and the dirty workspace is published up to date within 90 seconds.
Needs PostgreSQL and the redis-server binary: skipped without them, except in CI (CI=true),
where it fails instead.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config import celery_app
from deals_app.models import Deal
from insights_app.models import InsightState
from insights_app.services import insights_recompute
from tests.api_support import member_client
from tests.factories import ConversationFactory
from tests.insights_app.faults_support import (
    Workers,
    require_postgresql,
    unavailable,
    wait_until,
)
from tests.world import add_data, build_world

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

RECOMPUTE_LATENCY = 3.0  # seconds: the 503 must come at least this fast
CATCH_UP = 90.0  # seconds: the dirty workspace is recomputed within this after Redis is back
PAGE_APPS = ("accounts_app.urls", "deals_app.urls", "crm_app.urls", "insights_app.urls")
SKIPPED_PAGES = {"logout", "login"}  # sign-out would end the session the test uses


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server of this test only: no persistence, a port nobody else uses."""

    def __init__(self, folder: Path):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.path.exists(self.binary):
            unavailable("no redis-server binary to start a Redis of the test's own")
        self.port = _free_port()
        self.folder = folder
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.folder / "redis.log").open("a")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_until(answers, "the test's own Redis answering", timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker_at(own_redis):
    """This process sends tasks through the test's own Redis (not eagerly)."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.result_backend)
    conf.task_always_eager = False
    conf.broker_url = conf.result_backend = own_redis.url
    celery_app._after_fork()
    yield own_redis
    conf.task_always_eager, conf.broker_url, conf.result_backend = saved
    celery_app._after_fork()


def _page_urls(world, conversation) -> list[str]:
    """Every page route without parameters, plus the detail pages of the world's objects."""
    urls = []
    for module in PAGE_APPS:
        for pattern in get_resolver(module).url_patterns:
            if isinstance(pattern, URLResolver) or not isinstance(pattern, URLPattern):
                continue
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and not hasattr(view, "get"):
                continue  # a form target (POST only), not a page
            if pattern.pattern.regex.groups == 0 and pattern.name not in SKIPPED_PAGES:
                urls.append(reverse(pattern.name))
    urls += [
        reverse("deal-detail", args=[world.deal.pk]),
        reverse("account-detail", args=[world.account.pk]),
        reverse("conversation-detail", args=[conversation.pk]),
    ]
    return sorted(set(urls))


def _api_reads(api) -> list[tuple[str, int]]:
    """Every GET operation of the OpenAPI schema: lists as they are, details with the id of
    their list's first row."""
    schema = api.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = [p for p, ops in schema.json()["paths"].items() if "get" in ops]
    answers, first_ids = [], {}
    for path in sorted(p for p in paths if "{" not in p):
        # The figures need a dimension (?dimension=…, required); lists take none.
        params = {"dimension": "industry"} if path.startswith("/api/v1/insights/") else {}
        response = api.get(path, params)
        answers.append((path, response.status_code))
        body = response.json() if response.status_code == 200 else {}
        rows = body.get("results") if isinstance(body, dict) else None
        if rows and isinstance(rows[0], dict) and "id" in rows[0]:
            first_ids[path] = rows[0]["id"]
    for path in sorted(p for p in paths if p.endswith("/{id}/") and p.count("{") == 1):
        parent = path.removesuffix("{id}/")
        if parent in first_ids:
            url = f"{parent}{first_ids[parent]}/"
            answers.append((url, api.get(url).status_code))
    return answers


def test_with_redis_down_pages_and_reads_answer_and_the_backlog_catches_up(
    workspace, broker_at, client, tmp_path
):
    own_redis = broker_at
    database_url = require_postgresql(connection)
    add_data(workspace, accounts=2)
    world = build_world(workspace)
    conversation = ConversationFactory(workspace=workspace, account=world.account)
    insights_recompute(workspace_id=workspace.pk)
    api, admin = member_client(workspace, role="admin")
    api.defaults["HTTP_X_WORKSPACE"] = workspace.slug
    client.force_login(admin)
    workers = Workers(
        broker_url=own_redis.url,
        database_url=database_url,
        folder=tmp_path,
        queue="celery,insights",
    )
    try:
        worker = workers.start("beat", beat=True, DEALLENS_FAULT_VISIBILITY=600)
        wait_until(lambda: "ready." in worker.log.read_text(), "the worker starting", workers)

        # Redis silent (paused: connections open, nothing answers): the request still answers.
        os.kill(own_redis.process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            silent = api.post("/api/v1/insights/recompute/", {}, format="json")
            silent_latency = time.monotonic() - started
        finally:
            os.kill(own_redis.process.pid, signal.SIGCONT)
        assert silent.status_code == 503, silent.content
        assert silent_latency < RECOMPUTE_LATENCY, f"503 after {silent_latency:.2f} s"

        own_redis.stop()

        pages = []
        for url in _page_urls(world, conversation):
            response = client.get(url, follow=True)
            if response.status_code == 405 and "GET" not in response.get("Allow", ""):
                continue  # a form target (POST only), not a page
            pages.append((url, response.status_code))
        assert [p for p in pages if p[1] != 200] == [], pages
        reads = _api_reads(api)
        assert [r for r in reads if r[1] != 200] == [], reads

        patched = api.patch(f"/api/v1/deals/{world.deal.pk}/", {"stage": "proposal"}, format="json")
        assert patched.status_code == 200, patched.content
        created = api.post(
            "/api/v1/conversations/",
            {"account": world.account.pk, "occurred_on": "2026-03-01", "title": "Call, no Redis"},
            format="json",
        )
        assert created.status_code == 201, created.content
        page_write = client.post(
            reverse("deal-edit", args=[world.deal.pk, "stance"]),
            {"deal_role": world.deal_role.pk, "stance": "opponent"},
        )
        assert page_write.status_code == 302
        assert Deal.objects.get(pk=world.deal.pk).stage == "proposal"

        started = time.monotonic()
        refused = api.post("/api/v1/insights/recompute/", {}, format="json")
        latency = time.monotonic() - started
        assert refused.status_code == 503, refused.content
        assert latency < RECOMPUTE_LATENCY, f"503 after {latency:.2f} s"
        state = InsightState.objects.get(workspace=workspace)
        assert state.dirty and state.published_data_version < state.data_version

        own_redis.start()
        back = time.monotonic()

        def caught_up():
            state = InsightState.objects.get(workspace=workspace)
            return not state.dirty and state.published_data_version == state.data_version

        wait_until(caught_up, "the dirty workspace recomputed", workers, timeout=CATCH_UP)
        catch_up = time.monotonic() - back
        # The queue takes requests again, on the first try (no stale connection is reused).
        assert api.post("/api/v1/insights/recompute/", {}, format="json").status_code == 202
    finally:
        workers.stop_all()
    print(
        f"\nRedis down: {len(pages)} pages and {len(reads)} API reads answered 200; "
        f"recompute refused with 503 in {latency:.2f} s (Redis silent: {silent_latency:.2f} s); "
        f"caught up {catch_up:.1f} s after "
        "Redis came back"
    )
