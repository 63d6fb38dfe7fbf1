"""Errors that services raise and the API turns into 400 (or 503) responses with messages."""


class ApplicationError(Exception):
    """A business rule was broken; the message is meant for the person who asked."""

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ServiceUnavailable(ApplicationError):
    """A service this request needs (the task queue) cannot take the work now; nothing was
    lost or half-done, and the same request can simply be repeated later (HTTP 503)."""
