"""The project's URLs plus views that fail on purpose, for the error-page tests."""

import psycopg
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path

from config.urls import handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("internal detail that must never reach the user")


def database_gone(request):
    # What psycopg reports when PostgreSQL restarts under a request (the drill in tests/faults does it for real).
    raise OperationalError("server closed the connection unexpectedly")


def deadlock(request):
    # A deadlock is an OperationalError too, but a fault to log and fix, not an outage to wait out.
    try:
        raise psycopg.errors.DeadlockDetected("deadlock detected")
    except psycopg.Error as exc:
        raise OperationalError("deadlock detected") from exc


def forbidden(request):
    raise PermissionDenied("internal reason")


urlpatterns = [
    path("test-fel/500/", boom),
    path("test-fel/503/", database_gone),
    path("test-fel/403/", forbidden),
    path("test-fel/deadlock/", deadlock),
    *project_urlpatterns,
]
