"""Övervägande/omprövning on socialtjanst's screens through socialtjanst.todo_sources (issue 16 point 1): Att göra,
the deadline report and Kontroller, each access-scoped and logged."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from placements import care_followup, services
from placements.models import CareReview, Placement
from placements.services.placements import LVU_GROUND_ONLY_LVU
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
    assert "care_review" in [p.key for p in todo_sources.todo_parts()]
    assert any(p.kind == KIND for p in todo_sources.todo_parts())
    assert "overvaganden" in [k.key for k in todo_sources.deadline_kinds()]
    assert "overvaganden" in [c.key for c in todo_sources.control_lists()]


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


# --- the LVU ground decides the kind (point 1: omprövning under 3 §, övervägande under 2 § and SoL) -------------

def _lvu(handlaggare, child, units, ground):
    return services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"),
                                     unit=units["own"], legal_basis="LVU", lvu_ground=ground, start_on=D(2024, 8, 31),
                                     monthly_amount=Decimal("42000"))


@time_machine.travel(TODAY, tick=False)
def test_under_lvu_3_the_review_is_an_omprovning_without_asking(handlaggare, child, units):
    placement = _lvu(handlaggare, child, units, "3")
    assert care_followup.review_kind(placement) == "omprovning"
    review, due = care_followup.care_review_record(by=handlaggare, placement=placement, decided_on=D(2025, 2, 28),
                                                   outcome="fortsatt_vard")
    assert (review.kind, due) == ("omprovning", D(2025, 8, 28))
    assert review.journal_entry.text == "Omprövning av vården (LVU): Fortsatt vård."


@time_machine.travel(TODAY, tick=False)
def test_under_lvu_2_an_omprovning_is_refused_in_swedish(handlaggare, child, units):
    placement = _lvu(handlaggare, child, units, "2")
    with pytest.raises(ValidationError) as exc:
        care_followup.care_review_record(by=handlaggare, placement=placement, kind="omprovning",
                                         decided_on=D(2025, 2, 20), outcome="fortsatt_vard")
    assert exc.value.messages == ["Vård enligt LVU 2 § (hemmiljön) ska övervägas: välj inte ett annat slag."]
    assert not CareReview.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_lvu_with_unknown_ground_still_asks_for_the_kind(handlaggare, child, units):
    placement = _lvu(handlaggare, child, units, "")
    assert care_followup.review_kind(placement) is None
    with pytest.raises(ValidationError) as exc:
        care_followup.care_review_record(by=handlaggare, placement=placement, decided_on=D(2025, 2, 20),
                                         outcome="fortsatt_vard")
    assert exc.value.messages == [care_followup.KIND_REQUIRED]
    page = login(handlaggare).get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert 'name="review-kind"' in page and "LVU (grund ej angiven)" in page


@time_machine.travel(TODAY, tick=False)
def test_the_placement_page_names_the_kind_and_the_form_records_it(handlaggare, child, units):
    placement = _lvu(handlaggare, child, units, "3")
    client = login(handlaggare)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert '<p id="review-kind">Slag: Omprövning (LVU 3 § (eget beteende))</p>' in page
    assert 'name="review-kind"' not in page
    response = client.post(reverse("placements:care_review_create", args=[placement.pk]), {
        "review-decided_on": "2025-03-03", "review-outcome": "fortsatt_vard"})
    assert response.status_code == 302
    assert CareReview.objects.get().kind == "omprovning"


def test_a_ground_outside_lvu_is_refused_by_the_service_and_the_database(handlaggare, child, units):
    with pytest.raises(ValidationError) as exc:
        services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"],
                                  legal_basis="SoL", lvu_ground="3", start_on=D(2024, 8, 31),
                                  monthly_amount=Decimal("42000"))
    assert exc.value.messages == [LVU_GROUND_ONLY_LVU]
    placement = _lvu(handlaggare, child, units, "3")
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(legal_basis="SoL")


@time_machine.travel(TODAY, tick=False)
def test_the_create_form_stores_the_ground(handlaggare, child, units):
    response = login(handlaggare).post(reverse("placements:placement_create"), {
        "id_number": child.id_number, "care_type": care_type("FH_JOUR").pk, "unit": units["own"].pk,
        "legal_basis": "LVU", "lvu_ground": "3", "start_on": "2024-08-31", "monthly_amount": "42000"})
    assert response.status_code == 302, response.content.decode()[:3000]
    placement = Placement.objects.get()
    assert placement.lvu_ground == "3"


# --- the deadline report: share on time per unit, last year, drill-down, export ----------------------------------

@pytest.fixture
def reported(followed, handlaggare, units):
    """`followed`, plus a child whose SoL care ended before its first due date (no item) and one whose care ended
    after it without a review (a miss of 2024)."""
    def ended(first, start, end):
        case = CaseFactory(unit=units["own"], responsible=handlaggare,
                           person=PersonFactory(first_name=first, last_name="Barnsson", birth_date=CHILD_BIRTH))
        placement = services.placement_create(by=handlaggare, person=case.person, care_type=care_type("FH_JOUR"),
                                              unit=units["own"], legal_basis="SoL", start_on=start,
                                              monthly_amount=Decimal("42000"))
        Placement.objects.filter(pk=placement.pk).update(end_on=end, end_reason="enligt_plan")
        return placement
    ended("Hemma", D(2024, 3, 1), D(2024, 8, 15))   # due 2024-09-01: care ended in time
    ended("Kvar", D(2024, 1, 10), D(2024, 9, 30))   # due 2024-07-10: missed while still placed
    return followed


def _deadline_rows(user, year):
    from common import reporting
    result = reporting.run_report(reporting.get_report("deadlines"), user=user, year=year, through_month=None)
    return {r["unit_name"]: (r["care_reviews_total"], r["care_reviews_within"], r["care_reviews_share"],
                             r["care_reviews_share_last_year"]) for r in result.rows}, result.totals


@time_machine.travel(TODAY, tick=False)
def test_the_deadline_report_counts_the_share_on_time_per_unit_and_last_year(enhetschef, controller, reported):
    rows, totals = _deadline_rows(enhetschef, 2025)
    # 2025: Sen's omprövning due 2025-02-28 missed; Ordning's next (2025-05-20) still open, not counted.
    # 2024: Ordning's due 2024-12-01 met on 2024-11-20, Kvar's due 2024-07-10 missed; Hemma ended in time.
    assert rows == {"Mottagning barn och unga": (1, 0, Decimal("0.0000"), Decimal("0.5000"))}
    assert (totals["care_reviews_total"], totals["care_reviews_within"]) == (1, 0)
    rows, totals = _deadline_rows(controller, 2025)
    assert rows["Utredning barn och unga"] == (1, 0, Decimal("0.0000"), None)  # Annan, due 2025-01-15
    assert rows["Vuxenenheten"] == (0, 0, None, None)
    assert (totals["care_reviews_total"], totals["care_reviews_within"]) == (2, 0)
    rows, _totals = _deadline_rows(enhetschef, 2024)
    assert rows == {"Mottagning barn och unga": (2, 1, Decimal("0.5000"), None)}


@time_machine.travel(TODAY, tick=False)
def test_the_report_page_links_the_share_to_the_children_behind_it(enhetschef, reported):
    client = login(enhetschef)
    page = client.get(reverse("socialtjanst:deadline_report"), {"year": 2025}).content.decode()
    assert "Övervägande/omprövning: andel (mål 100 %)" in page
    drill = reverse("socialtjanst:deadline_misses", args=["overvaganden"])
    assert f"{drill}?unit=MOTT_BARN&amp;year=2025" in page
    response = client.get(drill, {"year": 2025})
    page = response.content.decode()
    late = reported["late"]
    assert response.status_code == 200
    assert "Överväganden och omprövningar inom sex månader" in page and "Sen Barnsson" in page
    assert reverse("placements:placement_detail", args=[late.pk]) + "#folja-varden" in page
    assert "2024-08-31" in page and "2025-02-28" in page and "Kvar" not in page
    event = AccessEvent.objects.filter(user=enhetschef, object_type="Case").latest("pk")
    assert (event.action, event.criteria["kind"], event.person_ids) == ("list", "overvaganden", [late.person_id])


@time_machine.travel(TODAY, tick=False)
def test_the_drill_down_exports_and_the_controller_sees_no_names(enhetschef, controller, reported):
    url = reverse("socialtjanst:deadline_misses_export", args=["overvaganden", "csv"])
    body = login(enhetschef).get(url, {"year": 2024}).content.decode("utf-8-sig")
    assert "Kvar Barnsson" in body and "2024-07-10" in body and "SoL" in body
    assert AccessEvent.objects.filter(user=enhetschef, action="export").exists()
    page = login(controller).get(reverse("socialtjanst:deadline_misses", args=["overvaganden"]),
                                 {"year": 2025}).content.decode()
    assert "Barnsson" not in page and "2025-01-15" in page and "2025-02-28" in page


@time_machine.travel(TODAY, tick=False)
def test_the_deadline_report_exports_the_new_columns(enhetschef, reported):
    response = login(enhetschef).get(reverse("report_export", args=["deadlines", "csv"]), {"year": 2025})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(";care_reviews_total;care_reviews_within;care_reviews_share;care_reviews_share_last_year")
    assert lines[1].endswith(";1;0;0,0000;0,5000")


# --- Kontroller: children past due -----------------------------------------------------------------------------

CONTROL = "/uppfoljning/kontroller/listor/overvaganden/"


@time_machine.travel(TODAY, tick=False)
def test_the_enhetschef_finds_the_child_past_due_in_kontroller(enhetschef, reported):
    client = login(enhetschef)
    assert 'href="/uppfoljning/kontroller/listor/overvaganden/"' in client.get(
        reverse("socialtjanst:controlround_list")).content.decode()
    page = client.get(CONTROL).content.decode()
    assert '<strong id="control-count">1</strong>' in page
    late = reported["late"]
    assert f'<a href="{late.get_absolute_url()}#folja-varden">{late.pk}</a>' in page
    assert "Sen Barnsson" in page and "<td>2025-02-28</td><td>10</td>" in page and "Annan" not in page
    event = AccessEvent.objects.filter(user=enhetschef, object_type="Kontroll:overvaganden").latest("pk")
    assert (event.action, event.person_ids) == ("list", [late.person_id])
    body = client.get(CONTROL + "export.csv").content.decode("utf-8-sig")
    assert body.splitlines()[0] == "Placering;Barn;Personnummer;Enhet;Lagrum;Placerad;Senast;Dagar försenad"
    assert "Sen Barnsson" in body


@time_machine.travel(TODAY, tick=False)
def test_the_controller_sees_the_count_only(controller, units, reported):
    client = login(controller)
    page = client.get(CONTROL).content.decode()
    assert '<strong id="control-count">2</strong>' in page and "Barnsson" not in page
    assert 'id="control-rows"' not in page
    page = client.get(CONTROL, {"unit": units["other"].pk}).content.decode()
    assert '<strong id="control-count">1</strong>' in page
    assert client.get(CONTROL + "export.csv").status_code == 404
    event = AccessEvent.objects.filter(user=controller, object_type="Kontroll:overvaganden").latest("pk")
    assert (event.person_ids, event.criteria["antal"]) == ([], 1)


@time_machine.travel(TODAY, tick=False)
def test_others_get_404_and_another_units_child_is_not_found(handlaggare, enhetschef, units, reported):
    assert login(handlaggare).get(CONTROL).status_code == 404
    client = login(enhetschef)
    assert client.get(CONTROL, {"unit": units["other"].pk}).status_code == 404
    assert client.get("/uppfoljning/kontroller/listor/okand/").status_code == 404


# --- the import states the ground as "LVU 3 §" --------------------------------------------------------------------

def test_the_import_reads_the_lvu_ground_and_plain_lvu_keeps_it():
    from placements.importing import import_placements
    from tests.placements.test_importing import HEADER, PNR_B, _csv

    def row(lagrum):
        return ["P2", PNR_B, "", "NY_ENHET", "FH_EGET", "", "", "5732X", lagrum, "2024-02-10", "", "", "", "30000",
                "18000", "12000"]
    assert HEADER[8] == "lagrum"
    import_placements(content=_csv([row("LVU 3 §")]), filename="a.csv")
    assert Placement.objects.values_list("legal_basis", "lvu_ground").get() == ("LVU", "3")
    summary = import_placements(content=_csv([row("LVU")]), filename="a.csv")
    assert summary.lines[0] == "0 placeringar skapade, 0 ändrade, 1 oförändrade."
    assert Placement.objects.values_list("legal_basis", "lvu_ground").get() == ("LVU", "3")
    import_placements(content=_csv([row("lvu 2")]), filename="a.csv")
    assert Placement.objects.values_list("legal_basis", "lvu_ground").get() == ("LVU", "2")
    import_placements(content=_csv([row("SoL")]), filename="a.csv")
    assert Placement.objects.values_list("legal_basis", "lvu_ground").get() == ("SoL", "")


@time_machine.travel(TODAY, tick=False)
def test_the_control_list_costs_the_same_queries_for_more_children(enhetschef, handlaggare, units, reported):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(enhetschef)
    client.get(CONTROL)
    with CaptureQueriesContext(connection) as first:
        assert '<strong id="control-count">1</strong>' in client.get(CONTROL).content.decode()
    for n in range(3):
        case = CaseFactory(unit=units["own"], responsible=handlaggare,
                           person=PersonFactory(first_name=f"Fler{n}", last_name="Barnsson", birth_date=CHILD_BIRTH))
        services.placement_create(by=handlaggare, person=case.person, care_type=care_type("FH_JOUR"),
                                  unit=units["own"], legal_basis="SoL", start_on=D(2024, 6, 1 + n),
                                  monthly_amount=Decimal("42000"))
    with CaptureQueriesContext(connection) as second:
        assert '<strong id="control-count">4</strong>' in client.get(CONTROL).content.decode()
    assert len(second.captured_queries) == len(first.captured_queries)
