"""Settings of a test's alert worker: production settings, with the tasks it queues itself (the
deliveries an event fans out to) sent to the test's own queue rather than to ``celery``."""

import os

from config.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("DEALLENS_TEST_QUEUE", "celery")
