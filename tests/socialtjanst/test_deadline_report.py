import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from common import reporting
from socialtjanst.followup import deadline_report as dr
from socialtjanst.followup.ivo_report import ENFORCED_LATE, NOT_ENFORCED, ivo_rows
from socialtjanst.models import (
    Case,
    Decision,
    Intake,
    Intervention,
    Investigation,
    InvestigationExtension,
    Screening,
)
from tests.factories import CaseFactory, PersonFactory, UserFactory

D = datetime.date
TODAY = D(2026, 1, 15)

DOCUMENTED_KEYS = {
    "unit", "unit_name", "screenings_total", "screenings_within", "screenings_share", "investigations_total",
    "investigations_within", "investigations_share", "interventions_total", "interventions_within",
    "interventions_share", "mean_investigation_days", "screenings_share_last_year", "investigations_share_last_year",
    "interventions_share_last_year", "mean_investigation_days_last_year",
    # Övervägande/omprövning (issue 16 point 1), registered by placements through socialtjanst.todo_sources.
    "care_reviews_total", "care_reviews_within", "care_reviews_share", "care_reviews_share_last_year",
}


# --- builders, shared with the web and control tests ------------------------------------------


def staff():
    return UserFactory(username="builder")


def intake(case, received_on, *, screened_on=None, extended_due_on=None, extension_decided_on=None,
           outcome="inte_inleda"):
    by = staff()
    obj = Intake.objects.create(
        case=case, kind="orosanmalan", channel="telefon", target_group="barn_unga", registered_by=by,
        received_at=timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9))),
        received_on=received_on,
    )
    if screened_on:
        Screening.objects.create(intake=obj, decided_on=screened_on, outcome=outcome, decided_by=by,
                                 extended_due_on=extended_due_on, extension_decided_on=extension_decided_on,
                                 extraordinary_reason="Synnerliga skäl" if extended_due_on else "")
    return obj


def investigation(case, started_on, completed_on=None, *, responsible=None):
    return Investigation.objects.create(
        case=case, started_on=started_on, completed_on=completed_on, outcome="insats" if completed_on else "",
        responsible=responsible or staff(),
    )


def extend(inv, decided_on, new_due_on):
    return InvestigationExtension.objects.create(investigation=inv, decided_on=decided_on, new_due_on=new_due_on,
                                                 reason="Särskilda skäl", decided_by=staff())


def decision(case, decided_on, *, started_on=None, with_intervention=True, kind="bistand"):
    obj = Decision.objects.create(case=case, legal_basis="SoL", kind=kind, decided_on=decided_on, decided_by=staff())
    if with_intervention:
        Intervention.objects.create(decision=obj, kind="oppenvard", started_on=started_on)
    return obj


def child_case(unit, **person):
    return CaseFactory(unit=unit, person=PersonFactory(birth_date=D(2012, 5, 1), **person))


# --- the four-month rule, exactly ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("completed_on", "extension", "within"), [
    (D(2024, 5, 31), None, True),
    (D(2024, 6, 1), None, False),
    (D(2024, 6, 1), (D(2024, 5, 31), D(2024, 7, 31)), True),   # extension decided in time covers it
    (D(2024, 6, 1), (D(2024, 6, 1), D(2024, 7, 31)), False),   # decided after the due date: does not
])
def test_investigation_started_2024_01_31(units, completed_on, extension, within):
    inv = investigation(child_case(units["own"]), D(2024, 1, 31), completed_on)
    if extension:
        extend(inv, *extension)
    items = dr.items_for(dr.INVESTIGATIONS, Case.objects.all(), *dr.period_bounds(2024, None))
    assert [(i.pk, i.met(TODAY)) for i in items] == [(inv.pk, within)]


# --- shares, counts, last year, scope ------------------------------------------------------------


@pytest.fixture
def deadline_data(units):
    own, other = units["own"], units["other"]
    c = child_case(own, first_name="Synlig", last_name="Barnsson")
    # förhandsbedömningar due in 2024: 3 in time, 1 late, 1 never decided → 3 of 5
    intake(c, D(2024, 2, 1), screened_on=D(2024, 2, 15))          # due 02-15, on the day
    intake(c, D(2024, 3, 1), screened_on=D(2024, 3, 2))
    intake(c, D(2024, 4, 1), screened_on=D(2024, 5, 20), extended_due_on=D(2024, 5, 31),
           extension_decided_on=D(2024, 4, 10))  # synnerliga skäl decided within the 14 days
    intake(c, D(2024, 5, 1), screened_on=D(2024, 5, 16))          # due 05-15: one day late
    intake(c, D(2024, 6, 1))                                      # never decided
    intake(c, D(2023, 3, 1), screened_on=D(2023, 3, 3))           # last year: 1 of 1
    # investigations: two within, one late (131 days) → 2 of 3; mean of the children 126.0
    investigation(c, D(2024, 1, 31), D(2024, 5, 31))
    investigation(c, D(2024, 2, 1), D(2024, 6, 11))
    adult = CaseFactory(unit=own, person=PersonFactory(birth_date=D(1990, 1, 1)))
    investigation(adult, D(2024, 3, 1), D(2024, 4, 1))           # within; not in the 0–20 mean
    # verkställighet: in time, late, no insats at all, and a refusal that does not count → 1 of 3
    decision(c, D(2024, 1, 10), started_on=D(2024, 4, 10))
    decision(c, D(2024, 1, 15), started_on=D(2024, 5, 20))
    decision(c, D(2024, 2, 1), with_intervention=False)
    decision(c, D(2024, 2, 1), with_intervention=False, kind="avslag")
    # another unit: one late screening the enhetschef of `own` never counts
    hidden = child_case(other, first_name="Dold", last_name="Främlingsson")
    intake(hidden, D(2024, 2, 1), screened_on=D(2024, 3, 1))
    return c


def _row(result, code):
    return next(r for r in result.rows if r["unit"] == code)


@pytest.mark.django_db
def test_shares_counts_mean_and_last_year_for_an_enhetschef(deadline_data, enhetschef, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    result = reporting.run_report(reporting.get_report("deadlines"), user=enhetschef, year=2024, through_month=None)
    assert [r["unit"] for r in result.rows] == ["MOTT_BARN"]
    row = _row(result, "MOTT_BARN")
    assert (row["screenings_within"], row["screenings_total"], row["screenings_share"]) == (3, 5, Decimal("0.6"))
    assert (row["investigations_within"], row["investigations_total"]) == (2, 3)
    assert row["investigations_share"] == Decimal("0.6667")
    assert (row["interventions_within"], row["interventions_total"]) == (1, 3)
    assert row["interventions_share"] == Decimal("0.3333")
    assert row["mean_investigation_days"] == Decimal("126.0")
    assert row["screenings_share_last_year"] == Decimal("1")
    assert row["investigations_share_last_year"] is None and row["mean_investigation_days_last_year"] is None
    assert result.totals["screenings_total"] == 5  # the other unit's late screening is not counted


@pytest.mark.django_db
def test_through_month_is_cumulative_from_january(deadline_data, enhetschef, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    result = reporting.run_report(reporting.get_report("deadlines"), user=enhetschef, year=2024, through_month=3)
    row = _row(result, "MOTT_BARN")
    assert (row["screenings_within"], row["screenings_total"]) == (2, 2)  # due 02-15 and 03-15


@pytest.mark.django_db
def test_controller_counts_every_unit(deadline_data, controller, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    result = reporting.run_report(reporting.get_report("deadlines"), user=controller, year=2024, through_month=None)
    assert {r["unit"] for r in result.rows} == {"MOTT_BARN", "UTR_BARN", "VUXEN"}
    assert (_row(result, "UTR_BARN")["screenings_within"], _row(result, "UTR_BARN")["screenings_total"]) == (0, 1)
    assert (result.totals["screenings_within"], result.totals["screenings_total"]) == (3, 6)
    assert result.totals["screenings_share"] == Decimal("0.5")


@pytest.mark.django_db
def test_handlaggare_may_not_see_the_report(handlaggare):
    assert not reporting.get_report("deadlines").allowed(handlaggare)


@pytest.mark.django_db
def test_an_open_screening_not_yet_due_is_not_counted(units):
    c = child_case(units["own"])
    intake(c, D(2024, 12, 30))  # due 2025-01-13, after "today"
    items = dr.items_for(dr.SCREENINGS, Case.objects.all(), *dr.period_bounds(2025, 1))
    assert [i.met(D(2025, 1, 10)) for i in items] == [None]
    assert dr.count_by_unit(items, D(2025, 1, 10)) == {}


@pytest.mark.django_db
def test_export_report_command_gives_exactly_the_documented_keys(deadline_data, tmp_path):
    out = tmp_path / "deadlines.json"
    call_command("export_report", "deadlines", "--year", "2024", "--format", "json", "--out", str(out))
    doc = json.loads(out.read_text())
    assert doc["report"] == "deadlines" and doc["year"] == 2024 and doc["through_month"] is None
    assert {r["unit"] for r in doc["rows"]} == {"MOTT_BARN", "UTR_BARN", "VUXEN"}
    assert all(set(row) == DOCUMENTED_KEYS for row in doc["rows"])
    assert set(doc["totals"]) <= DOCUMENTED_KEYS
    assert "Synlig" not in out.read_text()


# --- IVO ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ivo_list_with_days_waited(units):
    c = child_case(units["own"])
    waiting = decision(c, D(2024, 1, 10), with_intervention=False)            # due 04-10, never started
    started_late = decision(c, D(2024, 1, 15), started_on=D(2024, 5, 20))     # due 04-15
    decision(c, D(2024, 1, 20), started_on=D(2024, 4, 1))                     # in time
    decision(c, D(2024, 5, 1), with_intervention=False)                       # due 08-01: not yet in Q2
    after = decision(c, D(2024, 2, 1), started_on=D(2024, 7, 3))              # late, but started after Q2
    rows = ivo_rows(Case.objects.all(), year=2024, quarter=2, today=TODAY)
    assert [(r.status, r.item.pk, r.days_waited) for r in rows] == [
        (NOT_ENFORCED, waiting.pk, 172),   # 2024-01-10 → 2024-06-30
        (NOT_ENFORCED, after.pk, 150),     # not verkställt as of the quarter end
        (ENFORCED_LATE, started_late.pk, 126),
    ]
    q3 = ivo_rows(Case.objects.all(), year=2024, quarter=3, today=TODAY)
    assert (ENFORCED_LATE, after.pk, 153) in [(r.status, r.item.pk, r.days_waited) for r in q3]


def test_a_long_drill_down_sheet_formats_its_last_row_as_its_first():
    # The drill-down's download of a year's misses runs to tens of thousands of rows; each row's formats are set
    # on that row (counted, not looked up through ws.max_row, which made the sheet cost n²).
    from openpyxl import Workbook

    from common.exports import DATE, INT, NUMBER_FORMATS, write_sheet

    ws = Workbook().active
    write_sheet(ws, ["Senast", "Dagar för sent"], ([D(2024, 1, 31), n] for n in range(3000)), [DATE, INT])
    assert ws.max_row == 3001
    for row in (2, 3001):
        assert ws.cell(row=row, column=1).number_format == NUMBER_FORMATS[DATE]
        assert ws.cell(row=row, column=2).number_format == NUMBER_FORMATS[INT]
    assert ws.cell(row=3001, column=2).value == 2999
