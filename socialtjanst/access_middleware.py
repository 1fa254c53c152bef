"""Two access-log guards around every request, and the user's access read once before the view.

UserAccessMiddleware: a signed-in user's roles, units and permissions in one statement
(access.load_user_access) before the view asks for any of them.

NoStoreMiddleware: no response may stay in a browser's or a proxy's cache, since a case page or an
export left on a shared computer is read by the next user.

DeniedAccessMiddleware: an attempt to open an object that exists but lies outside the user's units is
answered 404 (as for a missing object) and written to the access log as `denied`. The access module
only notes the attempt (denied_notes.access_denied_note); the row is written here, after the view's transaction
(ATOMIC_REQUESTS) has rolled back with the 404, so the note survives the rollback.
"""

import logging

from django.db import DatabaseError, transaction
from django.utils.cache import add_never_cache_headers

from . import access
from .audit import audit_denied
from .denied_notes import collecting_denied_attempts

logger = logging.getLogger(__name__)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
        return response


class UserAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            access.load_user_access(user)
        return self.get_response(request)


class DeniedAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with collecting_denied_attempts() as pending:
            response = self.get_response(request)
        if pending:
            self._write(request, pending)
        return response

    def _write(self, request, pending) -> None:
        try:
            with transaction.atomic():
                for attempt in pending:
                    audit_denied(user=request.user, attempt=attempt)
        except DatabaseError:
            # Answer 404 still: a 500 only for objects that exist would tell the user which ones do.
            # Type and id only: an attempt's criteria can hold a searched name.
            logger.exception("Kunde inte skriva nekad åtkomst till åtkomstloggen: %s",
                             [(attempt.object_type, attempt.object_id) for attempt in pending])
