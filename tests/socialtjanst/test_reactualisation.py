"""Återaktualisering (issue 15 point 4): exact figures for the definition in socialtjanst.followup.reactualisation,
the report page, its drill-down and its exports, with the controller seeing case numbers only."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from common import reporting
from socialtjanst.followup import reactualisation
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory

D = datetime.date
BORN = D(2012, 5, 1)


def closed(unit, person, opened_on, closed_on):
    return CaseFactory(unit=unit, person=person, opened_on=opened_on, closed_on=closed_on, status="avslutat")


def opened(unit, person, opened_on):
    return CaseFactory(unit=unit, person=person, opened_on=opened_on)


def child(born=BORN, **names):
    person = PersonFactory(**names)
    person.birth_date = born
    person.save(update_fields=["birth_date"])
    return person


@pytest.fixture
def cohort(units):
    own, other = units["own"], units["other"]
    people = {}
    # Report year 2025: children whose case closed in 2024.
    a = people["a"] = child(first_name="Astrid", last_name="Återkommen")
    closed(own, a, D(2023, 9, 1), D(2024, 3, 15))
    opened(own, a, D(2025, 3, 15))                    # exactly twelve months later: a return
    b = people["b"] = child(D(2010, 1, 1))
    closed(own, b, D(2023, 9, 1), D(2024, 2, 29))
    people["b_return"] = opened(other, b, D(2025, 2, 28))  # 2024-02-29 + 12 months = 2025-02-28: a return
    c = child(D(2010, 1, 1))
    closed(own, c, D(2023, 9, 1), D(2024, 2, 29))
    opened(own, c, D(2025, 3, 1))                     # one day too late
    d = child()
    closed(own, d, D(2024, 1, 1), D(2024, 6, 1))
    opened(other, d, D(2024, 6, 1))                   # the same day: a transfer, not a return
    e = child()
    closed(own, e, D(2023, 5, 1), D(2024, 1, 10))
    closed(own, e, D(2024, 4, 1), D(2024, 5, 10))     # came back in between: counted once, returned
    closed(own, child(D(2006, 3, 2)), D(2023, 1, 1), D(2024, 3, 1))   # 17 on the closing day: counted
    closed(own, child(D(2006, 3, 1)), D(2023, 1, 1), D(2024, 3, 1))   # 18 on the closing day: not a child
    closed(own, child(None), D(2023, 1, 1), D(2024, 3, 1))            # no birth date: left out
    h = child()
    closed(own, h, D(2023, 1, 1), D(2023, 12, 31))    # last year's cohort
    opened(own, h, D(2024, 1, 5))
    closed(other, child(first_name="Gustav", last_name="Annanenhet"), D(2024, 1, 1), D(2024, 7, 1))
    return people


@pytest.mark.django_db
def test_the_definition_in_figures(cohort, units):
    per_unit, total = reactualisation.figures(None, 2025)
    assert per_unit == {units["own"].pk: (3, 6), units["other"].pk: (0, 1)}
    assert total == (3, 7)
    assert reactualisation.figures(None, 2024) == ({units["own"].pk: (1, 1)}, (1, 1))
    assert reactualisation.figures([units["other"].pk], 2025) == ({units["other"].pk: (0, 1)}, (0, 1))


@pytest.mark.django_db
def test_the_report_for_an_enhetschef_and_a_controller(cohort, units, enhetschef, controller):
    report = reporting.get_report("reactualisation")
    mine = reporting.run_report(report, user=enhetschef, year=2025, through_month=None)
    assert [(r["unit"], r["children"], r["returned"], r["share"], r["share_last_year"]) for r in mine.rows] == [
        ("MOTT_BARN", 6, 3, Decimal("0.5"), Decimal("1"))]
    assert (mine.totals["children"], mine.totals["returned"]) == (6, 3)
    every = reporting.run_report(report, user=controller, year=2025, through_month=None)
    assert {r["unit"]: (r["children"], r["returned"]) for r in every.rows} == {
        "MOTT_BARN": (6, 3), "UTR_BARN": (1, 0), "VUXEN": (0, 0)}
    assert every.totals["share"] == Decimal("0.4286")


@pytest.mark.django_db
def test_page_links_the_share_to_the_cases_and_logs(cohort, enhetschef):
    client = login(enhetschef)
    page = client.get("/uppfoljning/ateraktualisering/?year=2025").content.decode()
    assert "50,0\xa0%" in page and "100,0\xa0%" in page
    assert 'href="/uppfoljning/ateraktualisering/arenden/?unit=MOTT_BARN&amp;year=2025"' in page
    assert "UTR_BARN" not in page
    before = AccessEvent.objects.count()
    cases = client.get("/uppfoljning/ateraktualisering/arenden/?unit=MOTT_BARN&year=2025").content.decode()
    assert "Astrid Återkommen" in cases and "2025-03-15" in cases
    assert "annan enhet" in cases and f">{cohort['b_return'].pk}<" not in cases  # the return in another unit
    assert "7 avslutade ärenden" in cases  # e twice, the 18-year-old and the one without birth date left out
    event = AccessEvent.objects.order_by("pk").last()
    assert AccessEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.criteria["list"]) == ("list", "Case", "reactualisation")
    assert client.get("/uppfoljning/ateraktualisering/arenden/?unit=UTR_BARN&year=2025").status_code == 404


@pytest.mark.django_db
def test_controller_sees_case_numbers_only(cohort, controller):
    client = login(controller)
    for url in ["/uppfoljning/ateraktualisering/?year=2025", "/uppfoljning/ateraktualisering/arenden/?year=2025",
                "/rapporter/reactualisation/export.csv?year=2025"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        for secret in ("Astrid", "Återkommen", "Annanenhet"):
            assert secret not in body, (url, secret)
    cases = client.get("/uppfoljning/ateraktualisering/arenden/?year=2025").content.decode()
    assert f">{cohort['b_return'].pk}<" in cases and "/arenden/" not in cases.split("<table")[1]
    xlsx = client.get("/rapporter/reactualisation/export.xlsx?year=2025")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][:3] == ("Enhetskod", "Enhet", "Barn med avslutat ärende året före")


@pytest.mark.django_db
def test_handlaggare_gets_404(handlaggare):
    client = login(handlaggare)
    for url in ["/uppfoljning/ateraktualisering/", "/uppfoljning/ateraktualisering/arenden/"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_junk_sort_and_page_keep_the_lists_in_their_order(cohort, enhetschef):
    client = login(enhetschef)
    junk = "sort=finns_inte&page=abc&per_page=-5"
    for url in [f"/uppfoljning/ateraktualisering/arenden/?year=2025&{junk}",
                f"/uppfoljning/frister/utredningar/?year=2024&{junk}"]:
        assert client.get(url).status_code == 200, url
    page = client.get("/uppfoljning/ateraktualisering/arenden/?year=2025&sort=-closed_on").content.decode()
    assert page.index("Astrid Återkommen") < page.index("Nej")  # returns first, whatever ?sort= says
