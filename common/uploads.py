"""The size limit on uploaded files (the imports are the only forms that take one).

Django by itself caps neither: FILE_UPLOAD_MAX_MEMORY_SIZE only moves a large file to a temporary file,
DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out. So ImportSizeLimitHandler, first in FILE_UPLOAD_HANDLERS,
counts a file's bytes as they stream in; past settings.IMPORT_MAX_BYTES (or at once, when the request
says it is that large) the rest of the file is read and dropped, never stored, and the form receives an
empty OversizedUpload that import_file_size_validator refuses with a Swedish message. The other form
fields (the CSRF token) are parsed as usual, so the user gets the form back, not a 403.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

FILE_TOO_LARGE = "Filen är för stor (högst {mb} MB)."
# Room for the form's other fields (a CSRF token) and the multipart headers in a request's length.
FORM_OVERHEAD_BYTES = 64 * 1024


def import_max_mb() -> str:
    mb = settings.IMPORT_MAX_BYTES / (1024 * 1024)
    return str(int(mb)) if mb.is_integer() else f"{mb:.1f}".replace(".", ",")


def file_too_large_message() -> str:
    return FILE_TOO_LARGE.format(mb=import_max_mb())


class OversizedUpload(UploadedFile):
    """Stands in for a file that was too large: its size as far as it was counted, no content."""

    def __init__(self, name: str, size: int):
        super().__init__(file=io.BytesIO(b""), name=name, content_type="application/octet-stream", size=size)


def import_file_size_validator(upload) -> None:
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(file_too_large_message(), code="file_too_large")


class ImportSizeLimitHandler(FileUploadHandler):
    request_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_large = content_length > settings.IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = self.request_too_large
        if self.oversized:
            # No later handler opens a memory buffer or a temporary file for it.
            raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_BYTES:
            self.oversized = True
        # None stops the chunk here: once over the limit, the rest is dropped.
        return None if self.oversized else raw_data

    def file_complete(self, file_size):
        if self.oversized:
            return OversizedUpload(self.file_name, max(self.received, settings.IMPORT_MAX_BYTES + 1))
        return None
