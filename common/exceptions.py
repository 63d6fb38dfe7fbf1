"""Errors that services raise and the API turns into 400 responses with messages."""


class ApplicationError(Exception):
    """A business rule was broken; the message is meant for the person who asked."""

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
