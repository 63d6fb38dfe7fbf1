"""The import upload's size limits, checked while the request body streams in.

Django keeps an upload in memory (up to FILE_UPLOAD_MAX_MEMORY_SIZE) or in a temporary file, so
a limit checked once the request is parsed has let a 198 MB file onto the disk already. This
handler goes first among the request's upload handlers: it counts each chunk before the others
see it and stops the upload at the first file past DEALLENS_IMPORT_MAX_FILE_MB, or at the file
that takes the total past DEALLENS_IMPORT_MAX_TOTAL_MB. The rest of the body is read and
dropped (a reset connection would hide the message from the browser); nothing is kept.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from crm_app.services.import_jobs import (
    import_file_too_large,
    import_total_too_large,
    import_upload_limits,
)


class ImportUploadLimit(FileUploadHandler):
    """Stops an import upload past the limits; ``refusal`` then names the file and the limit."""

    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.max_file, self.max_total = import_upload_limits()
        self.file_bytes = 0
        self.total_bytes = 0
        self.refusal = ""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.file_bytes > self.max_file:
            self.refusal = import_file_too_large(self.file_name or "")
        elif self.total_bytes > self.max_total:
            self.refusal = import_total_too_large(self.file_name or "")
        if self.refusal:
            raise StopUpload(connection_reset=False)
        return raw_data  # on to the handler that keeps it

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file


def import_upload_limit(request: HttpRequest) -> ImportUploadLimit:
    """Put the limit first among the request's upload handlers; call it before anything reads
    the body (the CSRF check does, so the page checks CSRF after this)."""
    handler = ImportUploadLimit(request)
    request.upload_handlers.insert(0, handler)
    return handler
