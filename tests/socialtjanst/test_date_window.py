"""common.date_window: one window per kind of date, in the forms and as CHECKs in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from common.date_window import OUT_OF_RANGE, OUT_OF_WINDOW_MARKER, case_latest, validate_case_date
from socialtjanst import caseflow
from socialtjanst.followup import deadline_report
from socialtjanst.models import Case, Intake, Investigation, Screening
from socialtjanst.todo import todo_items
from tests.factories import PersonFactory

D = datetime.date
pytestmark = pytest.mark.django_db
REPORT_DAY = D(2026, 11, 2)
STORED_CASE_WINDOW = OUT_OF_RANGE.format(earliest="1900-01-01", latest="2100-12-31")


def test_case_dates_run_from_1900_to_a_year_from_today():
    validate_case_date(D(1900, 1, 1))
    validate_case_date(case_latest())
    for day in (D(1899, 12, 31), case_latest() + datetime.timedelta(days=1), D(1, 1, 1), D(9999, 12, 31)):
        with pytest.raises(ValidationError) as err:
            validate_case_date(day)
        assert err.value.messages == [OUT_OF_RANGE.format(earliest="1900-01-01", latest=case_latest().isoformat())]


def _intake(handlaggare, units, received_on=REPORT_DAY):
    intake, _ = caseflow.intake_register(
        by=handlaggare, unit=units["own"], person=PersonFactory(), kind="orosanmalan", channel="telefon",
        received_at=datetime.datetime.combine(received_on, datetime.time(9, 30), tzinfo=datetime.UTC),
    )
    return intake


def test_the_database_refuses_a_screening_in_year_9999_with_the_swedish_message(handlaggare, units):
    intake = _intake(handlaggare, units)
    with pytest.raises(ValidationError) as err:
        caseflow.screening_decide(by=handlaggare, intake_id=intake.pk, decided_on=D(9999, 12, 31),
                                  outcome="inte_inleda")
    assert err.value.messages == [STORED_CASE_WINDOW]
    assert not Screening.objects.exists()


def test_the_database_refuses_an_intake_received_in_year_9999(handlaggare, units):
    with pytest.raises(ValidationError) as err:
        _intake(handlaggare, units, received_on=D(9999, 12, 30))
    assert err.value.messages == [STORED_CASE_WINDOW]
    assert not Intake.objects.exists()


def test_todo_and_the_deadline_report_survive_rows_stored_before_the_checks(handlaggare, units):
    with connection.cursor() as cur:  # before any row: PostgreSQL alters no table with pending trigger events
        cur.execute('ALTER TABLE "socialtjanst_intake" DROP CONSTRAINT "intake_received_on_in_window"')
        cur.execute('ALTER TABLE "socialtjanst_investigation" DROP CONSTRAINT "investigation_started_on_in_window"')
    good = _intake(handlaggare, units)
    Intake.objects.filter(pk=good.pk).update(received_on=D(9999, 12, 31))
    Investigation.objects.create(case=good.case, started_on=D(1, 1, 1), responsible=handlaggare)
    today = timezone.localdate()
    items = todo_items(Case.objects.all(), today=today)
    assert [(i.kind, i.due_on, i.days_left, i.overdue) for i in items] == [
        (f"Omedelbar skyddsbedömning ({OUT_OF_WINDOW_MARKER})", None, None, False),
        (f"Förhandsbedömning ({OUT_OF_WINDOW_MARKER})", None, None, False),
        (f"Utredning ({OUT_OF_WINDOW_MARKER})", None, None, False),
    ]
    for kind in deadline_report.KINDS:
        assert deadline_report.items_for(kind, Case.objects.all(), D(2026, 1, 1), D(2026, 12, 31)) == []
