"""The Django admin lists, searches and filters every project model."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import DealRoleFactory, EvidenceFactory, FeatureMentionFactory, UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts_app", "personas_app", "deals_app", "surveys_app", "insights_app")


@pytest.fixture
def superuser_client(client):
    user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def _project_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
    ]


def test_every_project_model_is_registered_with_search_and_filters():
    from django.apps import apps
    from simple_history.admin import SimpleHistoryAdmin
    from simple_history.models import HistoricalChanges

    models = {m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS}
    # A history copy is read through its model's "History" page, not registered on its own.
    historical = {m for m in models if issubclass(m, HistoricalChanges)}
    registered = {m for m, _ in _project_admins()}
    assert models - historical - registered == set()
    for model in historical:
        assert isinstance(admin.site._registry[model.instance_type], SimpleHistoryAdmin)
    for model, model_admin in _project_admins():
        assert model_admin.search_fields, model.__name__
        assert model_admin.list_filter, model.__name__


def test_every_changelist_search_and_add_page_renders(superuser_client):
    DealRoleFactory.create()
    EvidenceFactory.create()
    FeatureMentionFactory.create()
    for model, _ in _project_admins():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert superuser_client.get(url).status_code == 200, url
        assert superuser_client.get(url, {"q": "a"}).status_code == 200, url
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert superuser_client.get(add).status_code == 200, add
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert superuser_client.get(change).status_code == 200, change
