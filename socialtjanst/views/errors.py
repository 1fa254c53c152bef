"""The error pages: Swedish, without a stack trace, and rendered without the database.

A PostgreSQL outage surfaces wherever the first query happens, often in the session or
authentication middleware before any view runs. Django turns an exception in any layer into a
response through the 500 handler, so the handler is the one place that sees all of them: a
database that cannot be reached (or a connection pool that has none to give) gets 503 with
Retry-After, everything else 500. Neither template uses the request context, so neither page
needs the database that may be the reason for it."""

import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from psycopg_pool import PoolTimeout

from common.db_errors import exception_chain

# Connection-level SQLSTATEs: class 08 (connection exception) and the server shutting down or
# starting up. Deadlocks, serialization failures and statement timeouts are OperationalErrors too,
# but they are faults to log and fix, not an outage to wait out: they stay 500.
OUTAGE_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03")
# Long enough for PostgreSQL to come back from a restart; the page says the same in words.
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """True when `exc`, or an exception it was raised from, says the database cannot be reached:
    no connection (psycopg reports no SQLSTATE then), a closed one, the server shutting down or
    starting, or a connection pool with none to give."""
    for error in exception_chain(exc):
        if isinstance(error, PoolTimeout | InterfaceError | psycopg.InterfaceError):
            return True
        if isinstance(error, psycopg.OperationalError):
            sqlstate = getattr(error, "sqlstate", None)
            return sqlstate is None or sqlstate.startswith(OUTAGE_SQLSTATE_PREFIXES)
        if isinstance(error, OperationalError) and (error.__cause__ or error.__context__) is None:
            return True  # Django's own, with no driver error behind it: a lost connection
    return False


def service_unavailable(request=None) -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, *args, **kwargs) -> HttpResponse:
    """handler500: called by Django inside its except block, so sys.exc_info() is the cause."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render())
