"""Vårdplan, genomförandeplan and the notification checklist on Att göra and in Kontroller (issue 16 points 2
and 6): the SQL twins of the municipal rules against the Python rules, the items a handläggare sees with their
due dates and links, and the control list's rows."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import DateField, Value
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements import care_plans, care_plans_clocks, notifications, services
from socialtjanst import access, deadlines
from socialtjanst import deadlines_sql as dsql
from socialtjanst.models import Unit
from socialtjanst.todo import todo_items
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
DATES = st.dates(D(1990, 1, 1), D(2060, 12, 31))
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- the twins --------------------------------------------------------------------------------------------------

def _twins(start):
    return tuple(Unit.objects.annotate(d=Value(start, output_field=DateField()))
                 .annotate(care=dsql.care_plan_due_expr("d"), impl=dsql.implementation_plan_due_expr("d"))
                 .values_list("care", "impl").first())


def test_the_twins_give_the_rules_dates(units):
    assert _twins(D(2024, 1, 31)) == (D(2024, 1, 31), D(2024, 3, 13))
    assert _twins(D(2023, 12, 31)) == (D(2023, 12, 31), D(2024, 2, 11))
    with override_settings(IFO_CARE_PLAN_DAYS=14, IFO_IMPLEMENTATION_PLAN_DAYS=28):
        assert _twins(D(2024, 2, 20)) == (D(2024, 3, 5), D(2024, 3, 19))


@SETTINGS
@given(start=DATES)
def test_the_twins_agree_with_the_rules_on_random_dates(units, start):
    assert _twins(start) == (deadlines.care_plan_due(start), deadlines.implementation_plan_due(start))


# --- Att göra ------------------------------------------------------------------------------------------------

@pytest.fixture
def placed(handlaggare, units):
    """A child placed 2025-02-20 with its vårdplan established, and its checklist partly answered."""
    person = CaseFactory(unit=units["own"], responsible=handlaggare,
                         person=PersonFactory(first_name="Placerad", birth_date=D(2012, 4, 4))).person
    placement = services.placement_create(by=handlaggare, person=person, care_type=care_type("FH_JOUR"),
                                          unit=units["own"], legal_basis="SoL", start_on=D(2025, 2, 20),
                                          monthly_amount=Decimal("42000"))
    care_plans.care_plan_record(by=handlaggare, placement=placement, kind="vardplan", established_on=D(2025, 2, 18))
    return placement


def _mine(handlaggare):
    kinds = (care_plans_clocks.CARE_PLAN_KIND, care_plans_clocks.IMPLEMENTATION_PLAN_KIND,
             care_plans_clocks.NOTIFICATIONS_KIND)
    return [(i.kind, i.due_on, i.url) for i in todo_items(access.cases_for_user(handlaggare), today=D(2025, 3, 10))
            if i.kind in kinds]


@time_machine.travel(TODAY, tick=False)
def test_att_gora_shows_the_missing_genomforandeplan_and_the_open_checklist(handlaggare, placed):
    url = f"/placeringar/{placed.pk}/#planer-och-underrattelser"
    assert _mine(handlaggare) == [("Underrättelser", D(2025, 2, 27), url), ("Genomförandeplan", D(2025, 4, 3), url)]
    for item in placed.notifications.all():
        notifications.placement_notification_record(by=handlaggare, placement=placed, notification_id=item.pk,
                                                    relevant=item.recipient != "skola",
                                                    notified_on=D(2025, 3, 1) if item.recipient != "skola" else None)
    care_plans.care_plan_record(by=handlaggare, placement=placed, kind="genomforandeplan",
                                established_on=D(2025, 3, 3))
    assert _mine(handlaggare) == []


@time_machine.travel(TODAY, tick=False)
def test_the_att_gora_page_links_to_the_placements_checklist(handlaggare, placed):
    page = login(handlaggare).get(reverse("socialtjanst:todo")).content.decode()
    assert f'href="/placeringar/{placed.pk}/#planer-och-underrattelser"' in page
    assert "Genomförandeplan" in page and "Underrättelser" in page


@time_machine.travel(TODAY, tick=False)
def test_another_units_handlaggare_has_none_of_them(units, placed):
    from tests.factories import UserFactory

    outsider = UserFactory(username="olle", role="Handläggare", units=[units["other"]])
    assert _mine(outsider) == []


# --- Kontroller ------------------------------------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_the_control_list_names_the_child_with_the_late_checklist(enhetschef, units, placed):
    found = care_plans_clocks.plans_control(enhetschef, [units["own"].pk], D(2025, 3, 10))
    assert [(r["placement"], r["person"], r["plans"], r["notifications"]) for r in found.rows] == [(
        placed.pk, "Placerad " + placed.person.last_name, "",
        "Försäkringskassan (underhållsstöd, barnbidrag), placeringen börjar (senast 2025-02-27), "
        "Pensionsmyndigheten (efterlevandestöd), placeringen börjar (senast 2025-02-27), "
        "Skolan eller förskolan, placeringen börjar (senast 2025-02-27), "
        "Överförmyndaren, placeringen börjar (senast 2025-02-27)")]
    assert found.counts == {"Vårdplan saknas": 0, "Genomförandeplan saknas": 0, "Försenade underrättelser": 4}
    assert list(found.unit_ids) == [units["own"].pk]
    assert care_plans_clocks.plans_control(enhetschef, [units["other"].pk], D(2025, 3, 10)).rows == []


@time_machine.travel(TODAY, tick=False)
def test_kontroller_shows_the_list_to_the_enhetschef_and_the_count_to_the_controller(enhetschef, controller, placed):
    url = reverse("socialtjanst:control_list", args=["vardplaner"])
    page = login(enhetschef).get(url).content.decode()
    assert '<strong id="control-count">1</strong>' in page
    assert f'<a href="/placeringar/{placed.pk}/#planer-och-underrattelser">{placed.pk}</a>' in page
    name = f"Placerad {placed.person.last_name}"
    assert name in page and placed.person.id_number in page
    page = login(controller).get(url).content.decode()
    assert '<strong id="control-count">1</strong>' in page
    assert name not in page and placed.person.id_number not in page and 'id="control-rows"' not in page
