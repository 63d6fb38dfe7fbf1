"""Test settings: the main settings with a fixed key and fast password hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DJANGO_DEBUG", "false")
# A fixed Fernet key for CRM credentials (tests/crm_app/test_encryption.py rotates it).
os.environ.setdefault("DEALLENS_ENCRYPTION_KEYS", "pF9cd8vK9bV2nH1m3W5rA0xQ7eT4yU6iO8pL2kJ1hG0=")

from .settings import *  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
ALLOWED_HOSTS = ["*"]
# Unit tests run tasks in-process; tests about real workers configure Celery themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Data changes mark workspaces dirty only; tests/insights_app/test_inprocess_recompute.py turns
# the embedded mode's timer-thread recompute on.
DEALLENS_INPROCESS_RECOMPUTE = False
# Serve static files through the finders so tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The suite talks plain http to the test client and the live server: no https redirect or
# https-only cookies (tests/config/test_deploy_check.py proves the production defaults).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Sign-in lockout off, so client.login()/force_login() and the browser journeys just work;
# tests/accounts_app/test_login_lockout.py turns it on.
AXES_ENABLED = False
# No API throttling (the fuzzer and the query-count tests fire hundreds of calls);
# tests/accounts_app/test_api_throttling.py proves the limits with small rates.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
# Throttle counters in this process's memory: the shared Redis would mix the counts of
# parallel test runs (user ids repeat across test databases). Real servers on Redis:
# tests/accounts_app/test_shared_throttling.py.
CACHES = {**CACHES, "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
