"""Collected static files (DEALLENS_COLLECTED_STATIC): compressed and hashed, in production and
in the demo (`make run`), although DEBUG is on there."""

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]  # whitenoise ships no type hints


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Content-hashed URLs even under DEBUG (Django's manifest storage hands out plain names
    when DEBUG is on), so whitenoise serves them compressed with far-future cache headers."""

    def url(self, name: str, force: bool = False) -> str:
        return str(super().url(name, force=True))
