"""Turns a violated database constraint into a Swedish ValidationError: services wrap
their writes in `constraint_messages(...)`, so the user never sees a 500."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

GENERIC = "Uppgifterna kunde inte sparas eftersom de strider mot en regel i registret."


def constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


@contextmanager
def constraint_messages(messages: dict[str, str]):
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        name = constraint_name(exc)
        raise ValidationError(messages.get(name, GENERIC), code=name or "integrity") from exc
