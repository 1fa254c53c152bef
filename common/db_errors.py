"""Turns a violated database constraint into a Swedish ValidationError: services wrap
their writes in `constraint_messages(...)`, so the user never sees a 500. Also the walk down an
exception's causes that the error pages and the lock-conflict retry read a driver error from."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.date_window import stored_window_message


def exception_chain(exc: BaseException | None) -> Iterator[BaseException]:
    """`exc`, then the exception it was raised from (its cause, else its context), and so on; each once."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


GENERIC = "Uppgifterna kunde inte sparas eftersom de strider mot en regel i registret."


def constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def constraint_message(name: str | None, messages: dict[str, str]) -> str:
    """The service's own message for the constraint, else the date window's, else GENERIC."""
    return messages.get(name or "") or stored_window_message(name) or GENERIC


@contextmanager
def constraint_messages(messages: dict[str, str]):
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        name = constraint_name(exc)
        raise ValidationError(constraint_message(name, messages), code=name or "integrity") from exc
