"""A bulk load pauses the trigger-kept report tables and remakes them once (common.kept): while paused, a save
refreshes nothing; after, every table equals its live SQL; a failure inside leaves nothing paused and nothing half
made; and every kept trigger (and no other) listens to the pause."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from common import kept
from placements import services
from socialtjanst.models import Case
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type
from tests.socialtjanst.test_deadline_report import decision, intake, investigation

pytestmark = pytest.mark.django_db
D = datetime.date
TABLES = {"deadline", "deadline_tally", "intake_statistics", "todo_flow", "todo_registered", "todo_tally",
          "care_review"}


def _rows() -> dict[str, int]:
    with connection.cursor() as cur:
        counts = {}
        for table in kept.registered():
            cur.execute(f"SELECT count(*) FROM {table.table} WHERE {table.owns}")  # noqa: S608 - registered constants
            counts[table.name] = cur.fetchone()[0]
        return counts


def _differences() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cur:
        return kept.differences(cur)


def _a_placed_child(unit, by):
    """A child's case with an orosanmälan, an utredning, a beslut not yet verkställt and a placement: a row in
    every kept table."""
    case = CaseFactory(unit=unit, responsible=by, person=PersonFactory(birth_date=D(2014, 3, 1)))
    today = timezone.localdate()
    intake(case, today - datetime.timedelta(days=20), screened_on=None)
    investigation(case, today - datetime.timedelta(days=10), responsible=by)
    decision(case, today - datetime.timedelta(days=5), with_intervention=False)
    services.placement_create(by=by, person=case.person, care_type=care_type("FH_JOUR"), unit=unit,
                              legal_basis="SoL", start_on=today - datetime.timedelta(days=200),
                              monthly_amount=Decimal("42000"))
    return case


def test_every_kept_trigger_and_no_other_waits_for_the_pause():
    assert {table.name for table in kept.registered()} == TABLES
    with connection.cursor() as cur:
        cur.execute(f"SELECT tgname, pg_get_triggerdef(oid) LIKE %s FROM pg_trigger WHERE NOT tgisinternal"
                    f" AND {kept.trigger_condition()}", ["%ifo.kept_tables%"])
        listening = dict(cur.fetchall())
        cur.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND pg_get_triggerdef(oid) LIKE %s",
                    ["%ifo.kept_tables%"])
        all_listening = cur.fetchone()[0]
    for table in kept.registered():
        names = [name for name in listening if any(name.startswith(like.split("\\")[0]) for like in
                                                    table.triggers_like)]
        assert names, table.name  # each table is kept by triggers the condition finds
    assert all(listening.values()), sorted(name for name, waits in listening.items() if not waits)
    assert all_listening == len(listening)  # the awaiting sets' own triggers are never paused


def test_a_paused_load_refreshes_nothing_until_it_ends_then_every_table_is_live(units, handlaggare):
    before = _rows()
    with kept.paused():
        _a_placed_child(units["own"], handlaggare)
        assert _rows() == before  # the triggers stood still
    after = _rows()
    assert all(after[name] > before[name] for name in TABLES), after
    assert _differences() == dict.fromkeys(TABLES, (0, 0))


def test_a_nested_pause_leaves_the_remaking_to_the_outermost(units, handlaggare):
    before = _rows()
    with kept.paused():
        with kept.paused():
            _a_placed_child(units["own"], handlaggare)
        assert _rows() == before
    assert _differences() == dict.fromkeys(TABLES, (0, 0))
    assert _rows() != before


def test_a_failed_load_leaves_nothing_paused_and_nothing_saved(units, handlaggare):
    before = _rows()
    cases = Case.objects.count()
    with pytest.raises(RuntimeError), kept.paused():
        _a_placed_child(units["own"], handlaggare)
        raise RuntimeError("avbruten inläsning")
    assert Case.objects.count() == cases and _rows() == before
    _a_placed_child(units["own"], handlaggare)  # not paused: the triggers keep the tables at once
    assert all(count > before[name] for name, count in _rows().items())
    assert _differences() == dict.fromkeys(TABLES, (0, 0))


def test_used_as_a_decorator_it_pauses_each_call(units, handlaggare):
    @kept.paused()
    def load():
        _a_placed_child(units["own"], handlaggare)
        return _rows()

    before = _rows()
    assert load() == before
    remade = _rows()
    assert remade != before
    assert load() == remade  # the second call pauses again (the setting ended with the first's remaking)
    assert _differences() == dict.fromkeys(TABLES, (0, 0))
