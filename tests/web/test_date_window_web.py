"""The date window on the screens (issue 12 point 1): absurd dates are refused with a Swedish message and
nothing written, and rows stored before the CHECKs still show, with the marker, instead of a 500."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from common.date_window import OUT_OF_RANGE, OUT_OF_WINDOW_MARKER, case_latest
from socialtjanst.models import Case, Decision, Intake, Investigation, Person
from tests.conftest import login
from tests.factories import next_id_number

UTC = datetime.UTC
pytestmark = pytest.mark.django_db


def register(client, unit, received_at):
    return client.post("/anmalningar/create/", {
        "save": "1", "id_number": next_id_number(datetime.date(2016, 4, 2)), "unit": unit.pk,
        "kind": "orosanmalan", "received_at": received_at, "channel": "telefon", "reporter_category": "skola",
        "concern_text": "Eleven berättar om slag hemma.", "gender": "okant",
    })


@pytest.mark.parametrize("received_at", ["0001-01-01 00:00", "9999-12-31 23:59", "1899-12-31 10:00"])
def test_intake_form_refuses_an_inkom_outside_the_window_and_writes_nothing(handlaggare, units, received_at):
    response = register(login(handlaggare), units["own"], received_at)
    expected = OUT_OF_RANGE.format(earliest="1900-01-01", latest=timezone.localdate().isoformat())
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert (Intake.objects.count(), Person.objects.count(), Case.objects.count()) == (0, 0, 0)


def drop_checks(*names: tuple[str, str]) -> None:
    """As in a municipality's database from before the CHECKs: dropped inside the test's transaction."""
    with connection.cursor() as cur:
        for table, constraint in names:
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')


@pytest.fixture
def stored_out_of_window(handlaggare, own_case):
    """An intake received in year 1 and one in year 9999, an investigation started in 9999 and a
    favourable decision of 9999, all open on the handläggare's Att göra."""
    drop_checks(("socialtjanst_intake", "intake_received_at_in_window"),
                ("socialtjanst_intake", "intake_received_on_in_window"),
                ("socialtjanst_investigation", "investigation_started_on_in_window"),
                ("socialtjanst_decision", "decision_decided_on_in_window"))
    own_case.responsible = handlaggare
    own_case.save(update_fields=["responsible"])
    common = {"case": own_case, "kind": "orosanmalan", "channel": "telefon", "target_group": "barn_unga",
              "registered_by": handlaggare}
    early = Intake.objects.create(received_at=datetime.datetime(1, 1, 1, 12, tzinfo=UTC),
                                  received_on=datetime.date(1, 1, 1), **common)
    late = Intake.objects.create(received_at=datetime.datetime(9999, 12, 31, 12, tzinfo=UTC),
                                 received_on=datetime.date(9999, 12, 31), **common)
    Investigation.objects.create(case=own_case, started_on=datetime.date(9999, 12, 31), responsible=handlaggare)
    Decision.objects.create(case=own_case, legal_basis="SoL", kind="bistand", decided_on=datetime.date(9999, 12, 31),
                            decided_by=handlaggare)
    return early, late


def test_att_gora_shows_rows_stored_outside_the_window_with_the_marker(handlaggare, stored_out_of_window):
    response = login(handlaggare).get("/att-gora/")
    page = response.content.decode()
    assert response.status_code == 200
    # Two intakes (skyddsbedömning + förhandsbedömning each), the investigation and the decision.
    assert page.count(OUT_OF_WINDOW_MARKER) == 6


def test_intake_and_case_pages_show_a_stored_out_of_window_row(handlaggare, stored_out_of_window, own_case):
    client = login(handlaggare)
    for intake in stored_out_of_window:
        response = client.get(f"/anmalningar/{intake.pk}/")
        assert response.status_code == 200
        assert OUT_OF_WINDOW_MARKER in response.content.decode()
    response = client.get(f"/arenden/{own_case.pk}/")
    assert response.status_code == 200
    assert OUT_OF_WINDOW_MARKER in response.content.decode()


def test_a_screening_dated_in_year_1_gets_the_swedish_message(handlaggare, units):
    register(login(handlaggare), units["own"], "2026-11-02 09:30")
    intake = Intake.objects.get()
    response = login(handlaggare).post(f"/anmalningar/{intake.pk}/forhandsbedomning/", {
        "decided_on": "0001-01-01", "outcome": "inte_inleda", "track": "andra_linjen"}, follow=True)
    expected = OUT_OF_RANGE.format(earliest="1900-01-01", latest=case_latest().isoformat())
    assert expected in response.content.decode()
    assert not hasattr(Intake.objects.get(), "screening")


def test_investigation_page_shows_a_stored_out_of_window_start_with_the_marker(handlaggare, stored_out_of_window):
    investigation = Investigation.objects.get(started_on=datetime.date(9999, 12, 31))
    response = login(handlaggare).get(f"/utredningar/{investigation.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "9999-12-31" in page
    assert OUT_OF_WINDOW_MARKER in page
