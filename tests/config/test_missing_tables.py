"""A server whose database lacks DealLens's tables (never migrated, or replaced by another
command) answers with a page that says what to run, not a debug 500 "no such table"."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path


def missing_table_view(request):
    with connection.cursor() as cursor:  # a real query on a table that is not there
        cursor.execute("SELECT id FROM deallens_table_that_is_not_there")
    return HttpResponse("unreachable")


def broken_view(request):
    raise RuntimeError("some other failure")


urlpatterns = [path("missing/", missing_table_view), path("broken/", broken_view)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_table_is_a_page_that_says_what_to_run(browser, settings, debug):
    settings.DEBUG = debug

    response = browser.get("/missing/")

    assert response.status_code == 503
    page = response.content.decode()
    assert "The database is not set up" in page
    assert "deallens_table_that_is_not_there" in page
    assert "make run" in page and "manage.py migrate" in page
    # where the server looks is shown to the person running it, never in production
    assert ('data-testid="database-name"' in page) is debug


def test_other_errors_stay_server_errors(browser):
    response = browser.get("/broken/")

    assert response.status_code == 500
    assert b"The database is not set up" not in response.content
