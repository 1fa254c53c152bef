"""Stabilitet i vården (issue 16 point 5): moves per placed child and sammanbrott per 100 placements per unit and
year, the report's page and files, the drill-down, and who sees what."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from placements import stability
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.factories import PersonFactory
from tests.placements.factories import PlacementFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(units):
    """2025 at the own unit: Alva moved from jourhem to familjehem, Bo's HVB ended in sammanbrott and he went on
    to a familjehem, Cilla in familjehem since 2023; Dan's placement ended in 2024, an adult's counts nowhere.
    At the other unit: Frida moved once."""
    own, other = units["own"], units["other"]

    def place(person, unit, code, start, end=None, reason=""):
        return PlacementFactory(person=person, unit=unit, care_type=care_type(code), start_on=start, end_on=end,
                                end_reason=reason)
    alva, bo, cilla, dan, frida = (PersonFactory(first_name=n, last_name="Stabil") for n in
                                   ("Alva", "Bo", "Cilla", "Dan", "Frida"))
    adult = PersonFactory(first_name="Vuxen", birth_date=D(1980, 1, 1))
    jour = place(alva, own, "FH_JOUR", D(2025, 1, 10), D(2025, 3, 1), "flytt")
    place(alva, own, "FH_EGET", D(2025, 3, 1))
    hvb = place(bo, own, "HVB_BOU", D(2024, 6, 1), D(2025, 2, 15), "sammanbrott")
    place(bo, own, "FH_EGET", D(2025, 2, 15))
    place(cilla, own, "FH_EGET", D(2023, 1, 1))
    place(dan, own, "FH_EGET", D(2024, 1, 1), D(2024, 12, 31), "enligt_plan")
    place(adult, own, "HVB_VUXEN", D(2025, 1, 1), D(2025, 2, 1), "sammanbrott")
    place(frida, other, "FH_JOUR", D(2025, 1, 1), D(2025, 5, 1), "flytt")
    place(frida, other, "FH_NATVERK", D(2025, 5, 1))
    return {"jour": jour, "hvb": hvb}


def test_the_figures_per_unit_and_for_all(units, placed):
    per_unit, total = stability.figures(None, 2025)
    own, other = per_unit[units["own"].pk], per_unit[units["other"].pk]
    assert (own.children, own.placements, own.moves, own.breakdowns) == (3, 5, 1, 1)
    assert (str(own.moves_per_child), str(own.breakdowns_per_100)) == ("0.3", "20.0")  # 1 ÷ 3; 100 × 1 ÷ 5
    assert (other.children, other.placements, other.moves, str(other.moves_per_child)) == (1, 2, 1, "1.0")
    assert (total.children, total.placements, total.moves, total.breakdowns) == (4, 7, 2, 1)
    assert (str(total.moves_per_child), str(total.breakdowns_per_100)) == ("0.5", "14.3")  # 100 ÷ 7 = 14,29


def test_last_year_counts_the_placements_that_ran_then(units, placed):
    per_unit, _ = stability.figures([units["own"].pk], 2024)
    own = per_unit[units["own"].pk]
    assert (own.children, own.placements, own.moves, own.breakdowns) == (3, 3, 0, 0)  # Bo, Cilla, Dan
    assert (str(own.moves_per_child), str(own.breakdowns_per_100)) == ("0.0", "0.0")


def test_the_enhetschef_sees_the_own_unit_with_links_and_the_view_is_logged(enhetschef, units, placed):
    response = login(enhetschef).get(reverse("placements:stability_report"), {"year": 2025})
    page = response.content.decode()
    assert response.status_code == 200
    link = (f'{reverse("placements:stability_placements")}?unit=MOTT_BARN&amp;year=2025&amp;kind=sammanbrott')
    assert f'<a href="{link}">1</a>' in page
    assert "20,0" in page and "Utredning barn och unga" not in page
    event = AccessEvent.objects.filter(user=enhetschef).latest("pk")
    assert (event.action, event.object_type, event.criteria) == ("list", "Rapport:placement_stability",
                                                                 {"year": 2025})


def test_the_drill_down_names_the_placements_behind_a_figure(enhetschef, units, placed):
    response = login(enhetschef).get(reverse("placements:stability_placements"),
                                     {"year": 2025, "unit": "MOTT_BARN", "kind": "flyttar"})
    page = response.content.decode()
    assert '<p id="stability-count">1 placeringar.</p>' in page
    assert "Alva Stabil" in page and "Bo Stabil" not in page
    assert f'<a href="{placed["jour"].get_absolute_url()}">{placed["jour"].pk}</a>' in page
    event = AccessEvent.objects.filter(user=enhetschef, object_type="Placement").latest("pk")
    assert event.person_ids == [placed["jour"].person_id]
    assert event.criteria == {"lista": "Stabilitet i vården", "year": 2025, "kind": "flyttar", "unit": "MOTT_BARN"}


def test_another_units_drill_down_is_not_found(enhetschef, placed):
    client = login(enhetschef)
    assert client.get(reverse("placements:stability_placements"), {"unit": "UTR_BARN"}).status_code == 404
    assert client.get(reverse("placements:stability_placements"), {"kind": "x"}).status_code == 404


def test_the_controller_sees_every_unit_as_counts_only(controller, placed):
    client = login(controller)
    page = client.get(reverse("placements:stability_report"), {"year": 2025}).content.decode()
    assert "Utredning barn och unga" in page and "14,3" in page
    assert reverse("placements:stability_placements") not in page
    assert client.get(reverse("placements:stability_placements"), {"year": 2025}).status_code == 404


def test_a_handlaggare_has_no_report(handlaggare, placed):
    assert login(handlaggare).get(reverse("placements:stability_report")).status_code == 404
    assert login(handlaggare).get(reverse("report_page", args=["placement_stability"])).status_code == 404


def test_json_csv_and_xlsx_carry_the_documented_keys(controller, units, placed):
    client = login(controller)
    url = reverse("report_export", args=["placement_stability", "json"])
    doc = json.loads(client.get(url, {"year": 2025}).content)
    assert doc["rows"][0] == {
        "unit": "MOTT_BARN", "unit_name": "Mottagning barn och unga", "children": 3, "placements": 5, "moves": 1,
        "moves_per_child": 0.3, "breakdowns": 1, "breakdowns_per_100": 20, "moves_per_child_last_year": 0,
        "breakdowns_per_100_last_year": 0}
    assert doc["totals"]["children"] == 4 and doc["totals"]["breakdowns_per_100"] == 14.3
    csv = client.get(reverse("report_export", args=["placement_stability", "csv"]), {"year": 2025})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ("unit;unit_name;children;placements;moves;moves_per_child;breakdowns;breakdowns_per_100;"
                        "moves_per_child_last_year;breakdowns_per_100_last_year")
    assert lines[2] == "UTR_BARN;Utredning barn och unga;1;2;1;1,0;0;0,0;;"
    xlsx = client.get(reverse("report_export", args=["placement_stability", "xlsx"]), {"year": 2025})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "Stabilitet i vården"
    assert [c.value for c in sheet[2]][:6] == ["MOTT_BARN", "Mottagning barn och unga", 3, 5, 1, 0.3]
    assert AccessEvent.objects.filter(user=controller, action="export",
                                      object_type="Rapport:placement_stability").count() == 3
