"""Two real transactions at once, for the tests of what the database's locks must guarantee: connections of their
own to the test database (beside Django's), and the check that a second transaction waits for the first."""

import threading
from collections.abc import Callable

import psycopg
from django.db import connection


def connect(**options) -> psycopg.Connection:
    """A connection of its own to the test database, as Django's user."""
    s = connection.settings_dict
    return psycopg.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None, host=s["HOST"],
                           port=s["PORT"] or 5432, **options)


def assert_waits_for(first: psycopg.Connection, work: Callable[[], object], *, hold: float = 1.0) -> None:
    """Run `work` (the second transaction, to its commit) in a thread while `first` holds its transaction open:
    after `hold` seconds it must still be waiting; once `first` commits it must finish, without an error."""
    errors: list[BaseException] = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    waiting = threading.Thread(target=run)
    waiting.start()
    waiting.join(timeout=hold)
    assert waiting.is_alive() and not errors, errors  # the second waits for the first transaction
    first.commit()
    waiting.join(timeout=30)
    assert not waiting.is_alive() and errors == [], errors
