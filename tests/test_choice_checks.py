"""The database refuses a value outside a choice column's choices (anmälare, avslutsorsak), whatever writes it: the
forms are not the only guard."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from placements.models import Placement
from socialtjanst.models import Intake
from tests.factories import CaseFactory
from tests.placements.factories import PlacementFactory
from tests.socialtjanst.test_deadline_report import intake

pytestmark = pytest.mark.django_db


def _refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


def test_an_intake_takes_a_known_reporter_category_or_none(units):
    received = intake(CaseFactory(unit=units["own"]), datetime.date(2026, 11, 2))
    rows = Intake.objects.filter(pk=received.pk)
    assert _refused(rows, reporter_category="grannen")
    assert not _refused(rows, reporter_category="polis") and not _refused(rows, reporter_category="")


def test_an_ended_placement_takes_a_known_end_reason_or_none():
    placement = PlacementFactory(start_on=datetime.date(2025, 1, 1), end_on=datetime.date(2025, 6, 30))
    rows = Placement.objects.filter(pk=placement.pk)
    assert _refused(rows, end_reason="rymning")
    assert not _refused(rows, end_reason="enligt_plan") and not _refused(rows, end_reason="")
