"""A request that lost a lock conflict is run again instead of answering 500 (no lost save).

Two transactions can take the same rows' locks in opposite orders: a personnummer correction locks the person, then
the trigger-kept report tables lock her cases; a förhandsbedömning saved at that moment locks the case, then the
person. PostgreSQL breaks the cycle by aborting one of them with deadlock_detected (40P01); a serialization failure
(40001) is the same kind of fault. The aborted request's transaction is already rolled back as a whole (every request
is one, ATOMIC_REQUESTS), so running its view again from the start is safe: nothing of the first try remains, and
the retry sees what the other transaction committed. Any other error passes on unchanged.

Last in MIDDLEWARE, so it sees the view's exception before the other middlewares' process_exception.
"""

import logging
import random
import time

from django.conf import settings
from django.db import DatabaseError, connections, transaction

from common.db_errors import exception_chain

RETRYABLE_SQLSTATES = ("40P01", "40001")  # deadlock_detected, serialization_failure
ATTEMPTS = 3  # the first try and two more

logger = logging.getLogger(__name__)


def lock_conflict(exc: BaseException | None) -> str | None:
    """The SQLSTATE if `exc`, or an exception it was raised from, is a lost lock conflict."""
    return next((e.sqlstate for e in exception_chain(exc) if getattr(e, "sqlstate", None) in RETRYABLE_SQLSTATES),
                None)


def _atomic(view):
    """The view in a transaction per database, as Django's handler runs it (BaseHandler.make_view_atomic), or
    None if any database's work in it is not one transaction: what it committed before the conflict would be done
    twice."""
    non_atomic = getattr(view, "_non_atomic_requests", set())
    for alias, settings_dict in settings.DATABASES.items():
        if not settings_dict["ATOMIC_REQUESTS"] or alias in non_atomic:
            return None
        view = transaction.atomic(using=alias)(view)
    return view


class RetryOnLockConflictMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        sqlstate = lock_conflict(exception)
        match = getattr(request, "resolver_match", None)
        if sqlstate is None or match is None or any(c.in_atomic_block for c in connections.all()):
            return None  # not a lock conflict, or a transaction of our own is still open: not ours to retry
        view = _atomic(match.func)
        if view is None:
            return None
        for attempt in range(2, ATTEMPTS + 1):
            logger.warning("Låskonflikt i databasen (%s) på %s %s; försök %d av %d",
                           sqlstate, request.method, request.path, attempt, ATTEMPTS)
            time.sleep(random.uniform(0.05, 0.2) * attempt)  # noqa: S311 - a jitter, not a secret
            try:
                return view(request, *match.args, **match.kwargs)
            except DatabaseError as again:
                sqlstate = lock_conflict(again)
                if sqlstate is None or attempt == ATTEMPTS:
                    raise
