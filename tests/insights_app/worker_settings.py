"""Settings for the test workers of test_insights_worker.py: production settings, plus a short
visibility timeout swept every second (so a task whose worker was killed is handed out again in
seconds) and a key prefix of the test's own (so no other worker on this Redis is affected)."""

import os

from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "global_keyprefix": os.environ["DEALLENS_TEST_KEY_PREFIX"],
}
