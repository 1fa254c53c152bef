"""Logs as one JSON object per line, for the web (Django and gunicorn) and the Celery worker and beat.

Each line has exactly the fields listed in FIELDS (and an exception's traceback): timestamp, level, logger,
message, the request id and the signed-in user's numeric id. Nothing else a log call passes along
(`extra=`, Django's `request` object with its query string) reaches the line, so personal data can only
arrive through a message text; redact() removes what looks like a personnummer there and the values
PostgreSQL quotes in a constraint error ("Key (id_number)=(…)"). Names cannot be recognised, so no log
message in the code carries one; tests/browser/test_logs_no_personal_data.py greps a whole workflow's log.

The request id joins a log line to the access-log rows (AccessEvent.request_id) of the same request,
which hold who, what and from where. A task sent while a request is served carries the request's id in
a message header, and the worker's log lines for that task carry it too.
"""

import logging
import logging.config
import re
import uuid
from datetime import UTC, datetime

from celery import signals
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .middleware import current_request_var, request_id_var

# The fields of every line, in this order.
FIELDS = ("timestamp", "level", "logger", "message", "request_id", "user_id")
# Named values a log call may add (gunicorn's access line, our own calls); anything else is dropped.
SAFE_EXTRA = ("method", "path", "status", "bytes", "duration_ms")
# The Celery message header that carries the request id to the worker.
TASK_HEADER = "ifo_request_id"

# 19121212-1212, 191212121212, 121212-1212, 121212+1212, 1212121212, 19121212 1212 (and samordningsnummer);
# not a part of a longer number, a uuid or a word (a task id's last group may be all digits).
PERSONNUMMER_RE = re.compile(r"(?<![\w-])(?:\d{8}|\d{6})[-+ ]?\d{4}(?![\w-])")
# PostgreSQL's DETAIL of a unique or check violation quotes the row's values.
PG_DETAIL_RE = re.compile(r"(Key \([^)]*\))=\((?:[^()]|\([^()]*\))*\)")
REDACTED_PNR = "[personnummer]"


def redact(text: str) -> str:
    text = PERSONNUMMER_RE.sub(REDACTED_PNR, text)
    return PG_DETAIL_RE.sub(r"\1=(…)", text)


def current_user_id(request=None) -> int | None:
    """The signed-in user's id, if the request has already looked its user up. Never looks it up itself:
    a log call must not query the database (and may come from inside a query)."""
    request = request if request is not None else current_request_var.get()
    user = getattr(request, "user", None) if request is not None else None
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped  # noqa: SLF001 - peeking, so as not to evaluate it
        if user is empty:
            return None
    if user is not None and getattr(user, "is_authenticated", False) and isinstance(user.pk, int):
        return user.pk
    return None


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter with a fixed set of fields (FIELDS, SAFE_EXTRA, exc_info)."""

    def add_fields(self, log_data, record, message_dict):
        # django.request logs a 4xx/5xx after the middleware has finished, with the request attached.
        request = getattr(record, "request", None)
        request_id = (getattr(record, "request_id", None) or getattr(request, "request_id", None)
                      or request_id_var.get())
        log_data.update({
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.message),
            "request_id": str(request_id) if request_id else None,
            "user_id": current_user_id(request if hasattr(request, "request_id") else None),
        })
        for key in SAFE_EXTRA:
            if key in record.__dict__:
                value = record.__dict__[key]
                log_data[key] = redact(value) if isinstance(value, str) else value
        exc_info = message_dict.get("exc_info")
        if exc_info:
            log_data["exc_info"] = redact(str(exc_info))


def logging_config(level: str, *, loggers: dict | None = None) -> dict:
    """The dictConfig for Django (settings.LOGGING) and gunicorn (gunicorn.conf.py): JSON to stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # Swedish letters as themselves, so a line reads as written.
        "formatters": {"json": {"()": "socialtjanst.logging_setup.JsonFormatter", "json_ensure_ascii": False}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own plain-text console handler (DEBUG) is replaced: its records reach the root's.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            # SQL with its parameters (personnummer, names) at DEBUG: never, whatever LOG_LEVEL says.
            "django.db.backends": {"level": "WARNING"},
            # axes names the account and the address of a failed or locked log-in; both are in the access
            # log (AccessEvent), so the log keeps only axes's errors.
            "axes": {"level": "ERROR"},
            **(loggers or {}),
        },
    }


# Celery: the request id travels with the task and is set while it runs.

@signals.before_task_publish.connect(dispatch_uid="ifo_request_id_publish")
def _add_request_id_header(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id is not None and headers is not None:
        headers[TASK_HEADER] = str(request_id)


_task_tokens: dict[str, object] = {}


@signals.task_prerun.connect(dispatch_uid="ifo_request_id_prerun")
def _task_request_id_set(task_id=None, task=None, **kwargs):
    try:
        request_id = uuid.UUID(str(getattr(task.request, TASK_HEADER, None)))
    except ValueError:
        request_id = None
    _task_tokens[task_id] = request_id_var.set(request_id)


@signals.task_postrun.connect(dispatch_uid="ifo_request_id_postrun")
def _task_request_id_reset(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a pool that switched threads): just clear it
            request_id_var.set(None)


@signals.setup_logging.connect(dispatch_uid="ifo_celery_logging")
@signals.celeryd_init.connect(dispatch_uid="ifo_celery_logging_early")
def _celery_keeps_django_logging(**kwargs):
    """A setup_logging receiver tells Celery not to install its own plain-text handlers: the worker and
    beat log through settings.LOGGING (applied here, since beat may start before django.setup()).
    celeryd_init comes first, so the worker's start-up warnings are JSON lines too."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.captureWarnings(True)  # as Django does: a Python warning is a log record
