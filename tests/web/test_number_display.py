"""Ids, case numbers and years read as they are ("12345", "2026"), never grouped like amounts ("12 345")."""

from decimal import Decimal

import pytest
from django.db import connection

from common.tables import format_value, swedish_number
from socialtjanst.models import Case
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_case_number_above_999_is_never_grouped(enhetschef, units):
    with connection.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('socialtjanst_case', 'id'), 12344)")
    case = CaseFactory(unit=units["own"], person=PersonFactory())
    assert case.pk == 12345 and Case.objects.filter(pk=12345).exists()
    client = login(enhetschef)
    pages = [f"/arenden/{case.pk}/", "/arenden/", "/atkomstlogg/?object_type=Case"]
    for path in pages:
        html = client.get(path).content.decode()
        assert "12345" in html, path
        assert "12\xa0345" not in html and "12 345" not in html, path


def test_years_in_forms_and_links_are_not_grouped(controller):
    html = login(controller).get("/budget/prognos/?year=2026").content.decode()
    assert 'value="2026"' in html and "2\xa0026" not in html


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (Decimal("0.6667"), "percent", "66,7\xa0%"),  # Django's number_format alone would cut it to 66,6
    (Decimal("0.0665"), "percent", "6,7\xa0%"),
    (Decimal("2.45"), "decimal", "2,5"),
    (Decimal("1234567.50"), "kr", "1\xa0234\xa0568"),
    (Decimal("2.50"), "kr", "3"),  # half up, not to even
])
def test_figures_on_screen_are_rounded_half_up_not_cut(value, kind, shown):
    assert format_value(value, kind).replace(" ", "\xa0") == shown


def test_amounts_in_kronor_and_ore_are_rounded_not_cut():
    assert swedish_number(Decimal("12345.675"), 2).replace(" ", "\xa0") == "12\xa0345,68"
