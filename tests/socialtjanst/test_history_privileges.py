"""The history tables (pghistory) in the database: like the access log, the application's role can
only add and read them, so what a case looked like before cannot be rewritten from the app."""

import os

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from tests.factories import PersonFactory

APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "ifo_app")


def _as_app_role(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f'SET LOCAL ROLE "{APP_ROLE}"')
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else None


def _history_tables() -> list[str]:
    return sorted(
        m._meta.db_table for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and any(f.name == "pgh_created_at" for f in m._meta.get_fields())
    )


@pytest.mark.django_db
def test_every_history_table_is_insert_and_select_only_for_the_app_role():
    tables = _history_tables()
    assert "socialtjanst_personevent" in tables and "placements_placementevent" in tables
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                "SELECT has_table_privilege(%s, %s, 'INSERT'), has_table_privilege(%s, %s, 'SELECT'),"
                " has_table_privilege(%s, %s, 'UPDATE'), has_table_privilege(%s, %s, 'DELETE'),"
                " has_table_privilege(%s, %s, 'TRUNCATE')",
                [APP_ROLE, table] * 5,
            )
            assert cur.fetchone() == (True, True, False, False, False), table


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE socialtjanst_personevent SET last_name = 'Omskriven' WHERE pgh_obj_id = %s",
        "DELETE FROM socialtjanst_personevent WHERE pgh_obj_id = %s",
    ],
)
def test_app_role_cannot_rewrite_or_erase_a_persons_history(sql):
    person = PersonFactory(last_name="Ursprunglig")
    with pytest.raises(ProgrammingError, match="permission denied"):
        _as_app_role(sql, [person.pk])
    with connection.cursor() as cur:
        cur.execute("SELECT last_name FROM socialtjanst_personevent WHERE pgh_obj_id = %s", [person.pk])
        assert cur.fetchall() == [("Ursprunglig",)]


@pytest.mark.django_db
def test_app_role_still_writes_history_through_the_triggers():
    person = PersonFactory(last_name="Före")
    _as_app_role("UPDATE socialtjanst_person SET last_name = 'Efter' WHERE id = %s", [person.pk])
    rows = _as_app_role(
        "SELECT pgh_label, last_name FROM socialtjanst_personevent WHERE pgh_obj_id = %s ORDER BY pgh_id",
        [person.pk],
    )
    assert rows == [("insert", "Före"), ("update", "Efter")]


@pytest.mark.django_db
def test_app_role_cannot_erase_who_made_a_change():
    with connection.cursor() as cur:
        cur.execute("SELECT has_table_privilege(%s, 'pghistory_context', 'DELETE'),"
                    " has_table_privilege(%s, 'pghistory_context', 'TRUNCATE'),"
                    " has_table_privilege(%s, 'pghistory_context', 'INSERT')", [APP_ROLE] * 3)
        assert cur.fetchone() == (False, False, True)
    with pytest.raises(ProgrammingError, match="permission denied"):
        _as_app_role("DELETE FROM pghistory_context")
