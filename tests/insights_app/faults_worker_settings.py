"""Settings of the fault-test workers: production settings, plus a short visibility timeout
swept every half second (a task whose worker was killed is handed out again within seconds)
and, when the test shares a Redis, a key prefix of its own."""

import os

from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": float(os.environ.get("DEALLENS_FAULT_VISIBILITY", "3")),
    "unacked_restore_interval": 0.5,
    "unacked_restore_throttle": 1,
}
if os.environ.get("DEALLENS_TEST_KEY_PREFIX"):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["DEALLENS_TEST_KEY_PREFIX"]
