"""Denied attempts noted during a request (issue 12 point 8).

The access module notes an attempt to open an object outside the user's units here; the access-log
row is written by access_middleware.DeniedAccessMiddleware after the view's transaction has rolled
back. Its own module, so the access rules and the middleware depend on it and not on each other."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class DeniedAttempt:
    object_type: str
    object_id: int
    person_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    criteria: tuple[tuple[str, str], ...] = ()  # pairs, so the attempt stays hashable


_denied_var: ContextVar[list[DeniedAttempt] | None] = ContextVar("denied_attempts", default=None)


def access_denied_note(attempt: DeniedAttempt) -> None:
    """Remember a denied attempt for this request; outside a request (a command, a test calling a
    service) there is no one to answer and nothing is noted."""
    pending = _denied_var.get()
    if pending is not None and attempt not in pending:
        pending.append(attempt)


@contextmanager
def collecting_denied_attempts() -> Iterator[list[DeniedAttempt]]:
    """Collects the attempts noted inside the block into the yielded list."""
    pending: list[DeniedAttempt] = []
    token = _denied_var.set(pending)
    try:
        yield pending
    finally:
        _denied_var.reset(token)
