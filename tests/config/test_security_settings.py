"""Login and browser-facing security settings (PRODUCT.md §10): Django's password validators,
session cookie HttpOnly and SameSite, and a script policy without 'unsafe-inline'."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.test import Client

from tests.factories import UserFactory

VALIDATORS = {
    "UserAttributeSimilarityValidator",
    "MinimumLengthValidator",
    "CommonPasswordValidator",
    "NumericPasswordValidator",
}


def test_django_password_validators_are_all_on():
    assert {type(v).__name__ for v in get_default_password_validators()} == VALIDATORS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("ines.ferreira", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password, why):
    from django.contrib.auth.password_validation import validate_password

    user = UserFactory.build(username="ines.ferreira", email="ines@example.com")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=user)
    assert why in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_a_strong_password_passes():
    from django.contrib.auth.password_validation import validate_password

    validate_password("correct-horse-battery-staple", user=UserFactory.build())


def test_session_and_csrf_cookies_are_http_only_and_same_site():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


@pytest.mark.django_db
def test_the_session_cookie_a_sign_in_sets_is_http_only_and_same_site():
    user = UserFactory.create(username="ines")
    client = Client()
    response = client.post("/login/", {"username": "ines", "password": "correct-horse-battery"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_every_page_sends_a_script_policy_without_unsafe_inline(client):
    response = client.get("/login/")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
