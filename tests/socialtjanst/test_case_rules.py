"""Issue 14 points 3 and 6: the 14-day clock is a rule about reports on children, and an extension decided
after the due date it extends is late and rescues nothing, for synnerliga skäl as for a förlängningsbeslut.
Every date below is counted by hand from the calendar."""

import datetime

import pytest
from django.utils import timezone

from socialtjanst import deadlines
from socialtjanst.followup import deadline_report as dr
from socialtjanst.models import Case, Intake, Screening
from tests.factories import CaseFactory, PersonFactory, UserFactory

D = datetime.date


def test_an_extension_decided_on_the_due_date_counts_the_day_after_does_not():
    assert deadlines.extension_is_late(D(2024, 3, 15), D(2024, 3, 15)) is False
    assert deadlines.extension_is_late(D(2024, 3, 16), D(2024, 3, 15)) is True


def test_synnerliga_skal_decided_after_the_14_days_do_not_move_the_due_date():
    # Received 2024-03-01: due 2024-03-15. Skäl decided 2024-03-20, after the due date, extending to 03-31.
    assert deadlines.screening_due(D(2024, 3, 1), D(2024, 3, 31), extension_decided_on=D(2024, 3, 20)) == D(2024, 3, 15)
    # The same skäl decided 2024-03-15, on the last day, move it.
    assert deadlines.screening_due(D(2024, 3, 1), D(2024, 3, 31), extension_decided_on=D(2024, 3, 15)) == D(2024, 3, 31)


def test_a_late_screening_with_late_synnerliga_skal_is_late():
    due = deadlines.screening_due(D(2024, 3, 1), D(2024, 3, 31), extension_decided_on=D(2024, 3, 20))
    assert deadlines.is_met(D(2024, 3, 20), due, today=D(2024, 12, 1)) is False
    assert deadlines.days_late(D(2024, 3, 20), due, today=D(2024, 12, 1)) == 5


def test_the_same_rule_flags_a_late_forlangningsbeslut():
    # Started 2024-01-31: due 2024-05-31. Decided 2024-06-01 extending to 07-31: late, the due date stays.
    statuses = deadlines.extension_statuses(D(2024, 1, 31), [(D(2024, 6, 1), D(2024, 7, 31))])
    assert [(s.extends_due_on, s.late) for s in statuses] == [(D(2024, 5, 31), True)]
    assert deadlines.investigation_valid_due(D(2024, 1, 31), [(D(2024, 6, 1), D(2024, 7, 31))]) == D(2024, 5, 31)


def test_the_14_day_clock_and_the_safety_assessment_apply_to_children_only():
    assert deadlines.screening_deadline_applies("barn_unga") is True
    assert deadlines.screening_deadline_applies("vuxna") is False
    assert deadlines.safety_assessment_applies("orosanmalan", "barn_unga") is True
    assert deadlines.safety_assessment_applies("orosanmalan", "vuxna") is False
    assert deadlines.safety_assessment_applies("ansokan", "barn_unga") is False


def _intake(case, received_on, target_group="barn_unga", kind="orosanmalan"):
    return Intake.objects.create(
        case=case, kind=kind, channel="telefon", target_group=target_group, registered_by=UserFactory(),
        received_at=timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9))),
        received_on=received_on, reporter_category="skola",
    )


@pytest.mark.django_db
def test_deadline_report_counts_a_screening_rescued_by_late_synnerliga_skal_as_late(units):
    case = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(2012, 5, 1)))
    by = UserFactory()
    late = _intake(case, D(2024, 4, 1))  # due 2024-04-15
    Screening.objects.create(intake=late, decided_on=D(2024, 5, 20), outcome="inte_inleda", decided_by=by,
                             extraordinary_reason="Synnerliga skäl", extended_due_on=D(2024, 5, 31),
                             extension_decided_on=D(2024, 5, 20))
    timely = _intake(case, D(2024, 6, 3))  # due 2024-06-17; skäl decided 06-10 extend to 07-01
    Screening.objects.create(intake=timely, decided_on=D(2024, 6, 28), outcome="inte_inleda", decided_by=by,
                             extraordinary_reason="Synnerliga skäl", extended_due_on=D(2024, 7, 1),
                             extension_decided_on=D(2024, 6, 10))
    items = dr.items_for(dr.SCREENINGS, Case.objects.all(), *dr.period_bounds(2024, None))
    today = D(2025, 1, 15)
    assert sorted((i.pk, i.due_on, i.met(today), i.days_late(today), i.extension) for i in items) == [
        (late.pk, D(2024, 4, 15), False, 35, "Synnerliga skäl: frist 2024-05-31 (för sent beslutad, gäller inte)"),
        (timely.pk, D(2024, 7, 1), True, 0, "Synnerliga skäl: frist 2024-07-01"),
    ]


@pytest.mark.django_db
def test_deadline_report_counts_no_screening_deadline_for_an_adult_unit(units):
    adult = CaseFactory(unit=units["adult"], person=PersonFactory(birth_date=D(1980, 2, 2)))
    child = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(2012, 5, 1)))
    _intake(adult, D(2024, 4, 1), target_group="vuxna", kind="ansokan")
    counted = _intake(child, D(2024, 4, 1))
    items = dr.items_for(dr.SCREENINGS, Case.objects.all(), *dr.period_bounds(2024, None))
    assert [(i.pk, i.due_on) for i in items] == [(counted.pk, D(2024, 4, 15))]
