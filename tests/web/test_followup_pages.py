"""The controller's follow-up page (/budget/uppfoljning/) and the budget report pages: who may open them,
inline SVG charts that the Content-Security-Policy lets render, Swedish tables, corrections named."""

import datetime
import importlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.utils import timezone

from budget.models import Budget, CostCentre, MonthlyFact
from common import reporting
from tests.conftest import login
from tests.placements.factories import PlacementFactory, care_type, ensure_care_types

pytestmark = pytest.mark.django_db

REPORTS = ("placement_days", "volume_followup", "cost_centres", "purchases")
URL = "/budget/uppfoljning/"


@pytest.fixture(autouse=True)
def _cost_centres(db):
    ensure_care_types()
    if not CostCentre.objects.exists():
        importlib.import_module("budget.migrations.0002_triggers_and_cost_centres").load_cost_centres(apps, None)


def fact(month, *, days, cost, origin=None):
    ct = care_type("HVB_BOU")
    return MonthlyFact.objects.create(
        booking_month=month, origin_month=origin or month, cost_centre=CostCentre.objects.get(code="5731"),
        care_type=ct, regime=ct.regime, target_group=ct.target_group, legal_basis="SoL", care_days=days,
        cost=Decimal(cost), persons=1, started=0, ended=0, unpriced_days=0, computed_at=timezone.now(),
    )


@pytest.fixture
def facts():
    fact(datetime.date(2023, 7, 1), days=310, cost="1085000.00")
    fact(datetime.date(2024, 7, 1), days=341, cost="1234567.50")
    fact(datetime.date(2024, 9, 1), days=-10, cost="-35000.00", origin=datetime.date(2024, 7, 1))
    Budget.objects.create(year=2024, cost_centre=CostCentre.objects.get(code="5731"), amount=Decimal("12000000"),
                          volume=Decimal("10"), volume_unit="årsplacering")


def test_controller_sees_charts_tables_and_report_links(controller, facts):
    response = login(controller).get(URL, {"year": 2024, "month": 9})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<polyline" in html
    assert html.count('role="img"') == 3  # cost, care days and average placed for the one care type
    for name in REPORTS:
        assert f"/rapporter/{name}/?year=2024&amp;month=9" in html
    assert "1 234 568" in html.replace("\xa0", " ")  # Swedish grouping, kr
    assert "11,0" in html  # 341 care days ÷ 31 days in July = 11,0 placed
    assert 'href="/budget/uppfoljning/"' in html  # the nav link
    assert 'value="2024"' in html and "2 024" not in html  # years and SVG coordinates are not localised
    assert 'points="64.0,' in html


def test_the_page_renders_under_the_content_security_policy(controller, facts):
    response = login(controller).get(URL, {"year": 2024})
    csp = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "script-src 'self'" in csp
    html = response.content.decode()
    assert "style=" not in html and "<style" not in html and "<script" not in html
    assert 'stroke="#1b5e9b"' in html  # presentation attributes carry the colours


def test_a_correction_appears_in_its_booking_month_naming_its_origin(controller, facts):
    html = login(controller).get(URL, {"year": 2024, "month": 9}).content.decode()
    assert "varav efterregistrering avser 2024-07" in html
    september_row = html.split("<td>september</td>")[1].split("</tr>")[0]
    assert "2024-07" in september_row and "−35 000" in september_row.replace("\xa0", " ").replace("-", "−")
    august = login(controller).get(URL, {"year": 2024, "month": 8}).content.decode()
    assert "avser 2024-07" not in august


@pytest.mark.parametrize("role_user", ["handlaggare", "enhetschef", "systemforvaltare"])
def test_others_get_404_on_the_page_the_reports_and_the_downloads(role_user, request, facts):
    client = login(request.getfixturevalue(role_user))
    assert client.get(URL).status_code == 404
    for name in REPORTS:
        assert client.get(f"/rapporter/{name}/").status_code == 404
        assert client.get(f"/rapporter/{name}/export.json?year=2024").status_code == 404
    assert "Uppföljning</a>" not in client.get("/").content.decode()


@pytest.mark.parametrize("name", REPORTS)
def test_report_pages_and_xlsx_downloads_for_the_controller(name, controller, facts):
    client = login(controller)
    page = client.get(f"/rapporter/{name}/", {"year": 2024, "month": 9})
    assert page.status_code == 200
    assert "Totalt" in page.content.decode() or "<tfoot" in page.content.decode()
    download = client.get(f"/rapporter/{name}/export.xlsx", {"year": 2024, "month": 9})
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    # One Swedish header row, then the rows (issue 14); the keys are in JSON and CSV.
    labels = {c.key: c.label for c in reporting.get_report(name).columns}
    first = dict(zip([c.value for c in sheet[1]], sheet[2], strict=True))
    cost = first[labels["cost"]]
    assert isinstance(cost.value, int | float) and cost.number_format == "#,##0"


def test_invalid_period_is_404(controller):
    assert login(controller).get(URL, {"year": "abc"}).status_code == 404
    assert login(controller).get(URL, {"year": 2024, "month": 13}).status_code == 404


def test_the_page_shows_the_mean_placement_time_of_placements_ended_in_the_period(controller):
    hvb = care_type("HVB_BOU")
    PlacementFactory(care_type=hvb, start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 1, 11))  # 10
    PlacementFactory(care_type=hvb, start_on=datetime.date(2023, 12, 1), end_on=datetime.date(2024, 2, 1))  # 62
    PlacementFactory(care_type=hvb, start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 5, 1))  # later
    PlacementFactory(care_type=hvb, start_on=datetime.date(2022, 11, 1), end_on=datetime.date(2023, 2, 10))  # 101
    html = login(controller).get(URL, {"year": 2024, "month": 2}).content.decode().replace("\xa0", " ")
    section = html[html.index('id="placeringstid"'):]
    section = section[:section.index("</section>")]
    assert "utskrivningsdag 2024-01-01–2024-02-29" in section
    row = section[section.index(hvb.name):]
    row = row[:row.index("</tr>")]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    assert cells == ["2", "36,0", "1", "101,0"]  # (10 + 62) ÷ 2 this year; last year's January–February: 101
