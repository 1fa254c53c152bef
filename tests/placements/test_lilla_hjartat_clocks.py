"""Lex lilla hjärtat on Att göra (issue 16 point 4): the vårdnadsöverflyttning consideration and the follow-up
after LVU care, through socialtjanst.todo_sources; and the SQL twin of the consideration's clock."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import DateField, Value
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements import lilla_hjartat, services
from socialtjanst import deadlines, todo_sources
from socialtjanst import deadlines_sql as dsql
from socialtjanst.models import AccessEvent, Case, Unit
from socialtjanst.todo import TodoQuery
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

D = datetime.date
DATES = st.dates(D(1990, 1, 1), D(2060, 12, 31))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
CUSTODY, FOLLOWUP = "Vårdnadsöverflyttning", "Uppföljning efter LVU"


# --- the twin ---------------------------------------------------------------------------------------------------

def _sql(start, last):
    with connection.cursor() as cur:
        cur.execute("SELECT " + dsql.CUSTODY_TRANSFER_DUE_SQL.format(start_on="%(s)s::date",
                                                                       last_considered_on="%(l)s::date"),
                    {"s": start, "l": last})
        return cur.fetchone()[0]


@pytest.mark.parametrize(("start", "last", "expected"), [
    (D(2024, 2, 29), None, D(2026, 2, 28)),  # two years from a leap day
    (D(2022, 8, 31), None, D(2024, 8, 31)),
    (D(2024, 2, 29), D(2026, 1, 31), D(2027, 1, 31)),  # then twelve months from the last consideration
    (D(2023, 5, 10), D(2024, 2, 29), D(2025, 2, 28)),
])
def test_the_twin_gives_the_rules_date_on_the_vectors(start, last, expected):
    assert deadlines.custody_transfer_consideration_due(start, last) == expected
    assert _sql(start, last) == expected


@SETTINGS
@given(start=DATES, last=st.one_of(st.none(), DATES))
def test_the_twin_agrees_with_the_rule_on_random_dates(start, last):
    assert _sql(start, last) == deadlines.custody_transfer_consideration_due(start, last)


def test_the_orm_expression_fills_both_inputs(units):
    due = (Unit.objects.annotate(due=dsql.SqlTemplate(dsql.CUSTODY_TRANSFER_DUE_SQL, start_on=Value(D(2024, 2, 29)),
                                                      last_considered_on=Value(None, output_field=DateField())))
           .values_list("due", flat=True).first())
    assert due == D(2026, 2, 28)


# --- Att göra ---------------------------------------------------------------------------------------------------

@pytest.fixture
def placed(handlaggare, units):
    """The handläggare's children: Alva in familjehem since 2024-02-29 (due 2026-02-28), Bo since 2025-01-10 (due
    2027-01-10, beyond the three months' notice), Cilla in a jourhem (no clock), Dan whose LVU care ended
    2025-11-30 (follow-up due 2026-05-30)."""
    def place(first, code, start, basis="SoL"):
        case = CaseFactory(unit=units["own"], responsible=handlaggare,
                           person=PersonFactory(first_name=first, last_name="Hjärtat", birth_date=D(2014, 5, 5)))
        return services.placement_create(by=handlaggare, person=case.person, care_type=care_type(code),
                                         unit=units["own"], legal_basis=basis, start_on=start,
                                         monthly_amount=Decimal("30000"))
    alva = place("Alva", "FH_EGET", D(2024, 2, 29))
    place("Bo", "FH_NATVERK", D(2025, 1, 10))
    place("Cilla", "FH_JOUR", D(2023, 1, 10))
    dan = place("Dan", "FH_JOUR", D(2025, 1, 10), basis="LVU")
    services.placement_end(by=handlaggare, placement=dan, end_on=D(2025, 11, 30), end_reason="hemflytt")
    return {"alva": alva, "dan": dan}


def _items(kind):
    return [(i.case.person.first_name, i.due_on, i.overdue, i.url)
            for i in TodoQuery(Case.objects.filter(unit__code="MOTT_BARN"), D(2026, 3, 10), kind=kind).rows()]


def _url(placement):
    return reverse("placements:placement_detail", args=[placement.pk]) + "#lilla-hjartat"


def test_both_parts_are_registered():
    assert {CUSTODY, FOLLOWUP} <= {p.kind for p in todo_sources.todo_parts()}


@time_machine.travel(TODAY, tick=False)
def test_the_consideration_shows_from_three_months_before_it_is_due(handlaggare, placed):
    assert _items(CUSTODY) == [("Alva", D(2026, 2, 28), True, _url(placed["alva"]))]
    lilla_hjartat.custody_transfer_consideration_record(by=handlaggare, placement=placed["alva"],
                                                        considered_on=D(2026, 3, 9), outcome="inte_aktuellt",
                                                        motivation="Prövas igen om ett år.")
    assert _items(CUSTODY) == []  # next due 2027-03-09


@time_machine.travel(TODAY, tick=False)
def test_the_lvu_follow_up_stays_until_it_is_finished(handlaggare, placed):
    assert _items(FOLLOWUP) == [("Dan", D(2026, 5, 30), False, _url(placed["dan"]))]
    followup = placed["dan"].lvu_followup
    lilla_hjartat.lvu_followup_finish(by=handlaggare, followup=followup, finished_on=D(2026, 3, 9),
                                      summary="Barnet mår bra hemma.")
    assert _items(FOLLOWUP) == []


@time_machine.travel(TODAY, tick=False)
def test_the_handlaggare_finds_them_on_her_att_gora(handlaggare, placed):
    page = login(handlaggare).get("/att-gora/", {"kind": CUSTODY}).content.decode()
    assert f'href="{_url(placed["alva"])}"' in page and "Bo Hjärtat" not in page


@time_machine.travel(TODAY, tick=False)
def test_another_units_handlaggare_does_not_see_them(units, placed):
    assert TodoQuery(Case.objects.filter(unit__code="UTR_BARN"), D(2026, 3, 10), kind=FOLLOWUP).totals() == (0, 0)


# --- Kontroller ---------------------------------------------------------------------------------------------------

CONTROL = "/uppfoljning/kontroller/listor/lilla-hjartat/"


@pytest.fixture
def late_followup(handlaggare, units):
    """Eva's LVU care ended 2025-08-31: the follow-up was due 2026-02-28."""
    case = CaseFactory(unit=units["own"], responsible=handlaggare,
                       person=PersonFactory(first_name="Eva", last_name="Hjärtat", birth_date=D(2012, 5, 5)))
    placement = services.placement_create(by=handlaggare, person=case.person, care_type=care_type("FH_JOUR"),
                                          unit=units["own"], legal_basis="LVU", start_on=D(2025, 1, 10),
                                          monthly_amount=Decimal("42000"))
    services.placement_end(by=handlaggare, placement=placement, end_on=D(2025, 8, 31), end_reason="hemflytt")
    return placement


@time_machine.travel(TODAY, tick=False)
def test_the_enhetschef_finds_what_is_past_due_in_kontroller(enhetschef, placed, late_followup):
    client = login(enhetschef)
    page = client.get(CONTROL).content.decode()
    assert '<strong id="control-count">2</strong>' in page
    assert f'<a href="{_url(placed["alva"])}">{placed["alva"].pk}</a>' in page
    assert "<td>Vårdnadsöverflyttning</td><td>2026-02-28</td><td>10</td>" in page
    assert "<td>Uppföljning efter LVU</td><td>2026-02-28</td><td>10</td>" in page
    assert "Alva Hjärtat" in page and "Eva Hjärtat" in page and "Dan Hjärtat" not in page
    event = AccessEvent.objects.filter(user=enhetschef, object_type="Kontroll:lilla-hjartat").latest("pk")
    assert (event.action, sorted(event.person_ids)) == ("list", sorted([placed["alva"].person_id,
                                                                         late_followup.person_id]))


@time_machine.travel(TODAY, tick=False)
def test_the_controller_sees_the_count_only(controller, placed, late_followup):
    page = login(controller).get(CONTROL).content.decode()
    assert '<strong id="control-count">2</strong>' in page and "Hjärtat" not in page
