"""The one way a request (or a task) hands work to Celery.

Every task we send only wakes a worker: the work itself is already recorded in PostgreSQL (a dirty
month, say), and the beat reconciler re-sends what is still due every five minutes. So a send that
fails must never fail the user's save. Celery's own `delay()` would: with Redis down it raises
after the commit (HTTP 500 for a save that went through), and with Redis frozen it waits for as
long as Redis does. Here a send gets its own connection with short socket timeouts, no publish
retries, and a broker error is logged and swallowed."""

import logging
from functools import partial

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds a send may wait for Redis to accept the connection, and for each reply. Loopback or a
# local network answers in milliseconds; anything slower is an outage, not load.
SEND_CONNECT_TIMEOUT = 1.0
SEND_SOCKET_TIMEOUT = 1.0
SEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": SEND_CONNECT_TIMEOUT,
    "socket_timeout": SEND_SOCKET_TIMEOUT,
    # One connection attempt: no kombu reconnect loop on the request path.
    "max_retries": 0,
    "connect_retries_timeout": SEND_CONNECT_TIMEOUT,
}
BROKER_ERRORS = (KombuOperationalError, RedisError, OSError)


def enqueue(task: Task, *args, **kwargs) -> bool:
    """Sends `task` now. Returns False, after logging, when the broker cannot take it."""
    try:
        with task.app.connection_for_write(transport_options=SEND_TRANSPORT_OPTIONS,
                                           connect_timeout=SEND_CONNECT_TIMEOUT) as conn:
            task.apply_async(args=args, kwargs=kwargs, connection=conn, retry=False)
    except BROKER_ERRORS as exc:
        logger.warning("Kunde inte skicka %s till Redis (%r); avstämningen tar det senare.", task.name, exc)
        return False
    return True


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Sends `task` once the current transaction commits (never for a rolled-back one), once per
    transaction however many saves ask: an import of a thousand rows wakes the worker once, and with
    Redis frozen costs one timeout, not a thousand. robust: whatever else goes wrong in the send is
    logged, never turned into a 500 after the commit."""
    send = partial(enqueue, task, *args, **kwargs)
    connection = transaction.get_connection()
    # run_on_commit holds (savepoint ids, callback, robust); a callback of a rolled-back savepoint is
    # already gone from it, so a surviving equal one will be sent.
    if connection.in_atomic_block and any(_same_send(pending, send)
                                          for _, pending, _ in getattr(connection, "run_on_commit", [])):
        return
    transaction.on_commit(send, robust=True)


def _same_send(pending, send: partial) -> bool:
    return (isinstance(pending, partial) and pending.func is send.func and pending.args == send.args
            and pending.keywords == send.keywords)
