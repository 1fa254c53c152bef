"""Övervägande/omprövning on socialtjanst's screens through socialtjanst.todo_sources (issue 16 point 1): Att göra,
the deadline report and Kontroller, each access-scoped and logged."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from placements import care_followup, services
from socialtjanst import todo_sources
from socialtjanst.models import AccessEvent, Case
from socialtjanst.todo import TodoQuery
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
CHILD_BIRTH = D(2012, 4, 4)
KIND = "Övervägande/omprövning"


@pytest.fixture
def followed(handlaggare, units):
    """Three placed children of the handläggare's unit (their cases hers): one reviewed in November, one LVU
    placement past due since 2025-02-28, one ended; an adult, who has no clock; and a child of another unit."""
    colleague = UserFactory(username="ulla", role="Handläggare", units=[units["other"]])

    def place(first, start, basis="SoL", birth=CHILD_BIRTH, unit="own"):
        by = handlaggare if unit == "own" else colleague
        case = CaseFactory(unit=units[unit], responsible=by,
                           person=PersonFactory(first_name=first, last_name="Barnsson", birth_date=birth))
        return services.placement_create(by=by, person=case.person, care_type=care_type("FH_JOUR"),
                                         unit=units[unit], legal_basis=basis, start_on=start,
                                         monthly_amount=Decimal("42000"))
    fine = place("Ordning", D(2024, 6, 1))
    late = place("Sen", D(2024, 8, 31), basis="LVU")
    place("Vuxen", D(2024, 6, 1), birth=D(1990, 1, 1))
    care_followup.care_review_record(by=handlaggare, placement=fine, kind="overvagande",
                                     decided_on=D(2024, 11, 20), outcome="fortsatt_vard")
    other = place("Annan", D(2024, 7, 15), unit="other")
    return {"fine": fine, "late": late, "other": other}


def test_placements_registers_the_review_clock_by_autodiscovery():
    assert [p.key for p in todo_sources.todo_parts()][:1] == ["care_review"]
    assert any(p.kind == KIND for p in todo_sources.todo_parts())


@time_machine.travel(TODAY, tick=False)
def test_att_gora_lists_each_placed_childs_next_review_under_its_case(handlaggare, followed):
    cases = Case.objects.filter(unit__code="MOTT_BARN")
    items = [i for i in TodoQuery(cases, D(2025, 3, 10), kind=KIND).rows()]
    assert [(i.kind, i.case.person.first_name, i.due_on, i.overdue, i.url) for i in items] == [
        (KIND, "Sen", D(2025, 2, 28), True,
         reverse("placements:placement_detail", args=[followed["late"].pk]) + "#folja-varden"),
        (KIND, "Ordning", D(2025, 5, 20), False,
         reverse("placements:placement_detail", args=[followed["fine"].pk]) + "#folja-varden"),
    ]
    assert TodoQuery(cases, D(2025, 3, 10), kind=KIND, due="forsenade").totals() == (1, 1)
    assert TodoQuery(cases, D(2025, 3, 10), responsible=handlaggare, kind=KIND).totals() == (2, 1)
    other = UserFactory(username="otto", role="Handläggare", units=[])
    assert TodoQuery(cases, D(2025, 3, 10), responsible=other, kind=KIND).totals() == (0, 0)


@time_machine.travel(TODAY, tick=False)
def test_the_handlaggare_sees_the_review_on_her_att_gora_with_a_link_to_the_follow_up(handlaggare, followed):
    response = login(handlaggare).get("/att-gora/", {"kind": KIND})
    page = response.content.decode()
    assert response.status_code == 200
    late_url = reverse("placements:placement_detail", args=[followed["late"].pk]) + "#folja-varden"
    assert f'href="{late_url}"' in page
    assert page.count(KIND) >= 3  # the filter's choice and two rows
    assert "Annan" not in page and "Vuxen" not in page
    event = AccessEvent.objects.filter(user=handlaggare, object_type="Todo").latest("pk")
    assert len(event.person_ids) == 2


@time_machine.travel(TODAY, tick=False)
def test_a_handlaggare_of_another_unit_sees_none_of_them(units, followed):
    outsider = UserFactory(username="olle", role="Handläggare", units=[units["adult"]])
    page = login(outsider).get("/att-gora/", {"kind": KIND}).content.decode()
    assert "Barnsson" not in page
