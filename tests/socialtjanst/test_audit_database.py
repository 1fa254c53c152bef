"""The access log in the database: the application's role can only add and read it,
and a request whose log row cannot be written fails without showing case data."""

import os

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction, AccessEvent
from tests.conftest import login

APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "ifo_app")


@pytest.fixture
def one_event(handlaggare):
    return audit_record(user=handlaggare, action=AccessAction.VIEW, object_type="Person", object_id=1)


def _as_app_role(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f'SET LOCAL ROLE "{APP_ROLE}"')
        cur.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE socialtjanst_accessevent SET username = 'någon annan' WHERE id = %s",
        "DELETE FROM socialtjanst_accessevent WHERE id = %s",
    ],
)
def test_app_role_cannot_update_or_delete_the_access_log(one_event, sql):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _as_app_role(sql, [one_event.pk])
    assert AccessEvent.objects.get(pk=one_event.pk).username == "hanna"


@pytest.mark.django_db
def test_app_role_cannot_truncate_the_access_log(one_event):
    with pytest.raises(ProgrammingError, match="permission denied"):
        _as_app_role("TRUNCATE socialtjanst_accessevent")
    assert AccessEvent.objects.filter(pk=one_event.pk).exists()


@pytest.mark.django_db
def test_app_role_can_insert_and_read_the_access_log(one_event):
    _as_app_role(
        "INSERT INTO socialtjanst_accessevent (at, username, roles, actor_unit_ids, action, object_type, person_ids,"
        " object_unit_ids, outside_own_units, protected_person, criteria) VALUES"
        " (now(), 'x', '', '{}', 'view', 'Person', '{}', '{}', false, false, '{}')"
    )
    _as_app_role("SELECT count(*) FROM socialtjanst_accessevent")


@pytest.mark.django_db
def test_app_role_can_still_change_case_data(own_case):
    _as_app_role("UPDATE socialtjanst_case SET opened_on = opened_on WHERE id = %s", [own_case.pk])


@pytest.mark.django_db(transaction=True)
def test_a_failing_audit_write_fails_the_request_and_shows_no_case_data(handlaggare, own_case):
    # Make every new access-log row violate a constraint, as a full disk or a revoked grant would.
    with connection.cursor() as cur:
        cur.execute(
            "ALTER TABLE socialtjanst_accessevent ADD CONSTRAINT test_audit_down CHECK (false) NOT VALID"
        )
    try:
        client = login(handlaggare)
        client.raise_request_exception = False
        response = client.get(f"/personer/{own_case.person_id}/")
        assert response.status_code == 500
        assert b"Klientsson" not in response.content
        assert own_case.person.id_number.encode() not in response.content
        response = client.get("/personer/")
        assert response.status_code == 500
        assert b"Klientsson" not in response.content
    finally:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE socialtjanst_accessevent DROP CONSTRAINT test_audit_down")
    assert not AccessEvent.objects.exists()
