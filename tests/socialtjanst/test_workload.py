"""Arbetsbelastning (issue 15 point 4): the figures per handläggare and the unit's Ofördelade, to the count,
on the start page, the report page and in the export."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from socialtjanst import deadlines
from socialtjanst.models import Decision, Intake, Investigation, InvestigationExtension
from socialtjanst.roles import Role
from socialtjanst.workload import workload_for_user
from tests.conftest import login
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def report(case, received_on, by):
    return Intake.objects.create(
        case=case, kind="orosanmalan", received_at=timezone.now(), received_on=received_on, channel="telefon",
        target_group="barn_unga", registered_by=by, safety_assessed_on=received_on,
        safety_result="inget_akut_skyddsbehov")


@pytest.fixture
def world(units):
    """Hanna: three open cases (one closed besides); a förhandsbedömning overdue (received 20 days ago), one
    due in 4 days, an investigation of Olle's case due in 10 days (so Hanna's item, Olle's case), one extended
    to 30 days ahead. Olle: one case with an overdue verkställighet. Nobody: two cases, one with a report due in
    14 days (counted) and one whose report is due in 15 days (not). Another unit's case counts nowhere."""
    today = timezone.localdate()
    eva = UserFactory(username="eva", role=Role.ENHETSCHEF, units=[units["own"]])
    hanna = UserFactory(username="hanna", first_name="Hanna", last_name="Handläggarsson", role=Role.HANDLAGGARE,
                        units=[units["own"]])
    olle = UserFactory(username="olle", first_name="Olle", last_name="Olsson", role=Role.HANDLAGGARE,
                       units=[units["own"]])
    UserFactory(username="ines", first_name="Ines", last_name="Idle", role=Role.HANDLAGGARE, units=[units["own"]])
    own = units["own"]
    a, b, c = (CaseFactory(unit=own, responsible=hanna) for _ in range(3))
    CaseFactory(unit=own, responsible=hanna, status="avslutat", opened_on=datetime.date(2024, 1, 1),
                closed_on=datetime.date(2024, 2, 1))
    report(a, today - 20 * DAY, hanna)
    report(b, today - 10 * DAY, hanna)
    d = CaseFactory(unit=own, responsible=olle)
    started = next(today - n * DAY for n in range(100, 140) if deadlines.investigation_due(today - n * DAY)
                   == today + 10 * DAY)
    Investigation.objects.create(case=d, started_on=started, responsible=hanna)
    extended = Investigation.objects.create(case=c, started_on=today - 130 * DAY, responsible=hanna)
    InvestigationExtension.objects.create(investigation=extended, decided_on=today - 20 * DAY,
                                          new_due_on=today + 30 * DAY, reason="Synnerliga skäl",
                                          decided_by=hanna)
    Decision.objects.create(case=d, legal_basis="SoL", kind="bistand", decided_on=today - 120 * DAY, decided_by=olle)
    e, f = CaseFactory(unit=own), CaseFactory(unit=own)
    report(e, today, hanna)
    report(f, today + DAY, hanna)
    other = CaseFactory(unit=units["other"], responsible=hanna)
    report(other, today - 30 * DAY, hanna)
    return eva


EXPECTED = [
    # unit, handläggare, open cases, open investigations, overdue, due within 14 days
    ("Mottagning barn och unga", "Hanna Handläggarsson", 3, 2, 1, 2),
    ("Mottagning barn och unga", "Ines Idle", 0, 0, 0, 0),
    ("Mottagning barn och unga", "Olle Olsson", 1, 0, 1, 0),
    ("Mottagning barn och unga", "Ofördelade", 2, 0, 0, 1),
]


def test_the_figures_per_handlaggare_and_the_units_unassigned(world):
    rows = workload_for_user(world, today=timezone.localdate())
    assert [(r.unit.name, r.name, r.open_cases, r.open_investigations, r.overdue, r.due_soon) for r in rows] == EXPECTED


def test_the_start_page_and_the_report_show_them_and_the_export_has_them(world, tmp_path):
    client = login(world)
    home = client.get("/").content.decode()
    assert "Arbetsbelastning i dag" in home
    assert ('<td>Hanna Handläggarsson</td><td class="num">3</td><td class="num">2</td><td class="num">1</td>'
            '<td class="num">2</td>') in home
    page = client.get("/rapporter/workload/").content.decode()
    assert "Arbetsbelastning per handläggare" in page and "Ofördelade" in page
    document = json.loads(client.get("/rapporter/workload/export.json").content)
    assert [(r["handlaggare"], r["open_cases"], r["open_investigations"], r["overdue"], r["due_within_14_days"])
            for r in document["rows"]] == [row[1:] for row in EXPECTED]
    assert document["totals"] == {"open_cases": 6, "open_investigations": 2, "overdue": 2, "due_within_14_days": 3}
    assert client.get("/rapporter/workload/export.xlsx").status_code == 200


def test_a_handlaggare_and_a_controller_do_not_get_the_report(world, units):
    for role in (Role.HANDLAGGARE, Role.CONTROLLER):
        user = UserFactory(role=role, units=[units["own"]])
        assert login(user).get("/rapporter/workload/").status_code == 404
        assert "Arbetsbelastning" not in login(user).get("/").content.decode()


def test_export_report_command_writes_every_unit(world, tmp_path):
    target = tmp_path / "workload.json"
    call_command("export_report", "workload", "--year", str(timezone.localdate().year), "--format", "json",
                 "--out", str(target))
    rows = json.loads(target.read_text())["rows"]
    assert ("Mottagning barn och unga", "Hanna Handläggarsson", 3) in [
        (r["unit_name"], r["handlaggare"], r["open_cases"]) for r in rows]
    assert ("Utredning barn och unga", "Hanna Handläggarsson", 1) in [
        (r["unit_name"], r["handlaggare"], r["open_cases"]) for r in rows]
