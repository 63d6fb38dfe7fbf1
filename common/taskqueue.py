"""Sending Celery tasks when the broker may be down: what that raises, and how long to try.

Requests that queue work (a recompute, an import) must answer quickly with Redis down or
silent, so they send without publish retries (each attempt waits out the broker socket
timeout in settings) and catch these errors to answer 503 instead of hanging or failing.
"""

from kombu.exceptions import OperationalError as KombuOperationalError

# What sending a task raises when the broker is down or unreachable (kombu wraps most).
BROKER_ERRORS = (KombuOperationalError, ConnectionError, OSError, TimeoutError)

# No publish retry: with Redis silent each attempt waits out the socket timeout (1.5 s), and the
# request must answer within 3 s; a dead pooled connection is replaced without a retry.
PUBLISH_RETRY = {"max_retries": 0}
