"""Sign-in lockout (PRODUCT.md §10, django-axes): five failed sign-ins for one username from one
address lock that pair out for the cool-off, with a page that says why (429); other addresses
and other usernames are not affected; a success before the limit clears the count."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's password
HERE, THERE = "203.0.113.7", "198.51.100.9"


@pytest.fixture(autouse=True)
def lockout_on(settings):
    settings.AXES_ENABLED = True  # config/settings_test.py turns it off for the other tests
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def ines():
    return UserFactory.create(username="ines")


def _sign_in(username, password, address=HERE):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


def _fail(times, username="ines", address=HERE):
    for _ in range(times):
        _client, response = _sign_in(username, "wrong-password", address)
        assert response.status_code in (200, 429)
    return response


def test_four_failures_still_let_the_right_password_in(ines):
    _fail(4)
    client, response = _sign_in("ines", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ines.pk)


def test_the_fifth_failure_locks_the_user_at_that_address_out(ines):
    last = _fail(5)
    assert last.status_code == 429
    client, response = _sign_in("ines", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert 'data-testid="locked-out"' in page
    assert "5 failed sign-ins" in page and "30 minutes" in page


def test_the_lock_is_per_username_and_address(ines):
    UserFactory.create(username="omar")
    _fail(5)
    client, response = _sign_in("ines", PASSWORD, address=THERE)
    assert response.status_code == 302, "the same user from another address"
    client, response = _sign_in("omar", PASSWORD)
    assert response.status_code == 302, "another user from the same address"


def test_after_the_cool_off_the_right_password_works_again(ines):
    _fail(5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    client, response = _sign_in("ines", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ines.pk)


def test_a_success_before_the_limit_clears_the_count(ines):
    _fail(4)
    _sign_in("ines", PASSWORD)
    _fail(4)
    client, response = _sign_in("ines", PASSWORD)
    assert response.status_code == 302
