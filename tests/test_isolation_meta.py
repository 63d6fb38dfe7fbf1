"""Workspace isolation by construction (PRODUCT.md §10): every row carries its workspace and
every request goes through the workspace-scoped base.

- every concrete model of the four apps, except the tenancy tables (Workspace, Membership)
  and the many-to-many through tables Django creates, has a ``workspace`` foreign key, and so
  do django-simple-history's historical copies of them;
- every page the URL resolver knows inherits ``accounts_app.scoping.WorkspaceViewMixin``, and
  every API view ``accounts_app.api.base.WorkspaceViewMixin``, unless it is one of the few
  listed exceptions (sign-in, sign-out, the OpenAPI documents, the member's own workspaces).

A new model or route that skips the base fails here; the behaviour behind the base is proven
by tests/test_page_isolation.py and tests/accounts_app/test_api_isolation.py.
"""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.urls import URLPattern, URLResolver, get_resolver
from simple_history.models import HistoricalChanges

from accounts_app.api import base as api_base
from accounts_app.models import Workspace
from accounts_app.scoping import WorkspaceViewMixin
from common.models import WorkspaceOwnedModel

PROJECT_APPS = ("accounts_app", "personas_app", "deals_app", "surveys_app", "insights_app")
TENANCY = {"accounts_app.Workspace", "accounts_app.Membership"}

# Pages that serve no workspace data, with why. (django-axes' lockout page is not a route: it
# is AXES_LOCKOUT_CALLABLE, rendered in place of a refused sign-in, and shows no data.)
PAGE_EXCEPTIONS = {
    "login": "signing in comes before any workspace",
    "logout": "signing out ends the session; it reads no workspace data",
    # A buyer's survey link: no login, no workspace of the caller; the token names one survey
    # and reaches nothing else (tests/surveys_app/test_public_page.py).
    "survey-public": "a buyer answers a survey through its personal link",
}
# Pages authorised by a signed token in their path instead of a session and a workspace, with
# why; they read only the rows the token names.
SIGNED_LINK_PAGES = {
    "alerts-unsubscribe": "the e-mails' one-click unsubscribe: the token names the subscriptions",
}
# API views outside the scoped base, with why.
API_EXCEPTIONS = {
    "api-schema": "the OpenAPI document: the shape of the API, no data",
    "api-docs": "Swagger UI over that document",
    "api-redoc": "Redoc over that document",
    # The workspace picker lists the caller's own memberships (membership_list(user=…)),
    # so it cannot be scoped to one workspace; another workspace is a 404 (isolation test).
    "workspace-list": "the caller's own workspaces",
    "workspace-detail": "one of the caller's own workspaces",
}


def _project_models(*, include_auto_created: bool = False):
    for label in PROJECT_APPS:
        yield from apps.get_app_config(label).get_models(include_auto_created=include_auto_created)


def _routes():
    """(route, name, view) for every URL pattern, with the route's full text."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name, pattern.callback

    return list(walk(get_resolver().url_patterns, ""))


def _view_class(callback):
    """The class behind a view function: Django's view_class, DRF viewsets' cls."""
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def _clean(route: str) -> str:
    return route.replace("^", "").replace("$", "")


def _page_routes():
    return [
        (route, name, callback)
        for route, name, callback in _routes()
        if not _clean(route).startswith(("api/", "admin/"))
    ]


def _api_routes():
    return [
        (route, name, callback)
        for route, name, callback in _routes()
        if _clean(route).startswith("api/")
    ]


# --- models ---------------------------------------------------------------------------------


def test_every_workspace_owned_model_has_a_workspace_key():
    checked, problems = [], []
    for model in _project_models():
        if model._meta.label in TENANCY:
            continue
        checked.append(model)
        try:
            field = model._meta.get_field("workspace")
        except FieldDoesNotExist:
            problems.append(f"{model._meta.label} has no workspace field")
            continue
        if not (field.many_to_one and field.related_model is Workspace):
            problems.append(f"{model._meta.label}.workspace is not a foreign key to Workspace")
            continue
        if issubclass(model, HistoricalChanges):
            continue  # history copies the live row's key; its row rules are simple-history's
        if field.null:
            problems.append(f"{model._meta.label}.workspace may be empty")
        if not issubclass(model, WorkspaceOwnedModel):
            problems.append(f"{model._meta.label} is not a WorkspaceOwnedModel (for_workspace)")
    assert problems == []
    # Not vacuous: the live models and their history copies were both looked at.
    assert any(issubclass(m, HistoricalChanges) for m in checked)
    assert sum(issubclass(m, WorkspaceOwnedModel) for m in checked) >= 15


def test_history_is_kept_only_of_workspace_owned_models():
    historical = [m for m in _project_models() if issubclass(m, HistoricalChanges)]
    assert historical, "django-simple-history is registered on deals, roles and conversations"
    for model in historical:
        assert issubclass(model.instance_type, WorkspaceOwnedModel), model._meta.label


def test_many_to_many_through_tables_join_rows_of_workspace_owned_models_only():
    through = [m for m in _project_models(include_auto_created=True) if m._meta.auto_created]
    assert through, "Conversation.participants and Conversation.tags are such tables"
    for model in through:
        for field in model._meta.concrete_fields:
            if field.is_relation:
                assert issubclass(field.related_model, WorkspaceOwnedModel), (
                    model._meta.label,
                    field.name,
                )


# --- pages ----------------------------------------------------------------------------------


def test_every_page_goes_through_the_workspace_view_mixin():
    routes = _page_routes()
    assert len(routes) >= 30, "the resolver walk found the app's pages"
    unscoped = []
    for route, name, callback in routes:
        if name in PAGE_EXCEPTIONS or name in SIGNED_LINK_PAGES:
            continue
        view_class = _view_class(callback)
        if view_class is None or not issubclass(view_class, WorkspaceViewMixin):
            unscoped.append(f"{_clean(route)} ({name}): {view_class or callback}")
    assert unscoped == [], (
        "pages outside accounts_app.scoping.WorkspaceViewMixin (scope them, or list the "
        "exception here with why)"
    )


def test_the_page_exceptions_are_real_and_serve_no_workspace_data():
    by_name = {name: _view_class(callback) for _, name, callback in _page_routes()}
    assert set(PAGE_EXCEPTIONS) <= set(by_name), "a listed exception no longer exists"
    for name in PAGE_EXCEPTIONS:
        assert by_name[name].__module__.startswith(("accounts_app", "surveys_app")), name
        assert not issubclass(by_name[name], WorkspaceViewMixin), f"{name} need not be listed"


def test_the_signed_link_pages_are_real_and_answer_404_to_a_made_up_token(client, db):
    by_route = {name: _clean(route) for route, name, _ in _page_routes()}
    assert set(SIGNED_LINK_PAGES) <= set(by_route), "a listed signed-link page no longer exists"
    for name in SIGNED_LINK_PAGES:
        assert "<str:token>" in by_route[name], name
        response = client.get("/" + by_route[name].replace("<str:token>", "made-up:token"))
        assert response.status_code == 404, name


def test_everything_else_is_the_django_admin_for_staff_only():
    outside = [
        pattern
        for pattern in get_resolver().url_patterns
        if _clean(str(pattern.pattern)).startswith("admin/")
    ]
    assert len(outside) == 1
    assert isinstance(outside[0], URLResolver) and outside[0].app_name == "admin"
    assert outside[0].namespace == admin.site.name


# --- API ------------------------------------------------------------------------------------


def test_every_api_view_goes_through_the_scoped_api_base():
    routes = _api_routes()
    assert len(routes) >= 35, "the resolver walk found the API's routes"
    unscoped = []
    for route, name, callback in routes:
        if name in API_EXCEPTIONS:
            continue
        view_class = _view_class(callback)
        if view_class is None or not issubclass(view_class, api_base.WorkspaceViewMixin):
            unscoped.append(f"{_clean(route)} ({name}): {view_class or callback}")
            continue
        queryset = getattr(view_class, "queryset", None)
        if queryset is not None and not issubclass(queryset.model, WorkspaceOwnedModel):
            unscoped.append(f"{_clean(route)} ({name}): reads {queryset.model.__name__}")
    assert unscoped == [], (
        "API views outside accounts_app.api.base.WorkspaceViewMixin (scope them, or list the "
        "exception here with why)"
    )


def test_the_api_exceptions_are_real():
    names = {name for _, name, _ in _api_routes()}
    assert set(API_EXCEPTIONS) <= names, set(API_EXCEPTIONS) - names
