"""The frister tally (socialtjanst.followup.deadline_tally, socialtjanst 0033_deadline_tally): its triggers are the
SQL the app writes today; its + and - rows sum to the kept rows' counts (test_deadline_kept checks that after every
kind of change); the compaction folds them without changing a figure, also while other transactions write; two
transactions counting on the same key never wait for each other; and the real worker runs the compaction."""

import datetime

import pytest
from django.db import connection

from common.migration_ops import trigger_function_source
from socialtjanst.followup import deadline_report as dr
from socialtjanst.followup import deadline_sets, deadline_tally
from socialtjanst.tasks import tally_compact
from tests.concurrency import connect
from tests.factories import CaseFactory, PersonFactory
from tests.socialtjanst.test_deadline_report import intake, investigation
from tests.worker import wait_for

D = datetime.date
TALLY = deadline_tally.DEADLINE_TALLY
TODAY = D(2024, 12, 31)


def _rows(unit=None) -> list[tuple]:
    """The tally's rows (of one unit: an earlier test's flush leaves - rows that sum its keys to nothing)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(deadline_tally.COLUMNS)} FROM {deadline_tally.TALLY}")
        return sorted(r for r in cur.fetchall() if unit is None or r[1] == unit.pk)


def _summed() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(TALLY.stored_sql())
        return sorted(cur.fetchall())


def _counted() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(TALLY.live_sql())
        return sorted(cur.fetchall())


def _screenings(units, received_on: datetime.date, count: int, *, screened_on=None):
    for _ in range(count):
        intake(CaseFactory(unit=units["own"], person=PersonFactory()), received_on, screened_on=screened_on)


@pytest.mark.django_db
def test_the_database_counts_with_the_sql_the_app_writes_today():
    with connection.cursor() as cur:
        for name, *_rest, body in [*TALLY.triggers(), *TALLY.truncate_triggers()]:
            cur.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
            assert cur.fetchone()[0] == trigger_function_source(body), name


@pytest.mark.django_db
def test_a_key_counts_open_met_and_late_items_and_the_report_judges_the_open_ones_as_of_today(units):
    # Three screenings received 2024-03-01, due 2024-03-15: one open, one met on the day, one late.
    _screenings(units, D(2024, 3, 1), 1)
    _screenings(units, D(2024, 3, 1), 1, screened_on=D(2024, 3, 15))
    _screenings(units, D(2024, 3, 1), 1, screened_on=D(2024, 3, 16))
    unit, due = units["own"].pk, D(2024, 3, 15)
    assert _summed() == [(dr.SCREENINGS, unit, due, deadline_tally.OPEN, 1, None),
                         (dr.SCREENINGS, unit, due, deadline_tally.MET, 1, None),
                         (dr.SCREENINGS, unit, due, deadline_tally.LATE, 1, None)]
    year = dr.period_bounds(2024, None)
    # On the due date the open one is not judged yet; the day after it is, and missed.
    assert deadline_sets.figures(None, *year, due)[unit][dr.SCREENINGS] == (1, 2)
    assert deadline_sets.figures(None, *year, due + datetime.timedelta(days=1))[unit][dr.SCREENINGS] == (1, 3)
    assert (deadline_sets.figures(None, *year, due + datetime.timedelta(days=1))
            == deadline_sets.figures(None, *year, due + datetime.timedelta(days=1), live=True))


@pytest.mark.django_db
def test_the_compaction_folds_each_key_into_one_row_and_changes_no_figure(units):
    _screenings(units, D(2024, 3, 1), 3)
    case = CaseFactory(unit=units["other"], person=PersonFactory(birth_date=D(2012, 5, 1)))
    investigation(case, D(2024, 1, 4), D(2024, 3, 1))
    investigation(case, D(2024, 2, 4), D(2024, 3, 1))
    # A change that takes an item out again: its key's rows sum to nothing.
    gone = intake(CaseFactory(unit=units["own"], person=PersonFactory()), D(2024, 6, 3))
    gone.delete()
    summed, rows = _summed(), _rows()
    assert len(rows) > len(summed)  # the triggers added a row per statement and key
    periods = [dr.period_bounds(2024, None), dr.period_bounds(2023, None)]
    figures = deadline_sets.figures_for_periods(None, periods, TODAY)

    removed = TALLY.compact()

    assert removed == len(rows) - len(summed) > 0
    assert _rows() == summed == _counted()  # one row per key, none that counts nothing
    assert deadline_sets.figures_for_periods(None, periods, TODAY) == figures
    assert [r for r in summed if r[0] == "days"] == [("days", units["other"].pk, D(2024, 3, 1), 1, 2, 57 + 26)]
    assert TALLY.compact() == 0  # idempotent
    assert _rows() == summed


@pytest.mark.django_db(transaction=True)
def test_transactions_on_one_key_do_not_wait_and_the_compaction_keeps_what_they_write(units):
    """Every intake of a day in one unit is one key: two transactions registering them at once, and a compaction
    between them, never wait for each other (the rows are only ever inserted), and every count survives."""
    _screenings(units, D(2024, 3, 1), 2)
    cases = [CaseFactory(unit=units["own"], person=PersonFactory()) for _ in range(2)]
    with connection.cursor() as cur:  # a copy of the first intake for another case, in plain SQL
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'socialtjanst_intake'"
                    " AND column_name NOT IN ('id', 'case_id') ORDER BY ordinal_position")
        columns = ", ".join(row[0] for row in cur.fetchall())
    insert = (f"INSERT INTO socialtjanst_intake (case_id, {columns}) SELECT %s, {columns} FROM socialtjanst_intake"
              " ORDER BY id LIMIT 1")
    with connect() as first, connect() as second, connect() as third:
        for conn in (first, second, third):
            conn.execute("SET lock_timeout = '2s'")  # a wait would fail the statement, not hang the test
        first.execute(insert, [cases[0].pk])  # open, uncommitted
        second.execute(insert, [cases[1].pk])  # the same key, not waiting for the first
        third.execute(TALLY.compact_sql())  # folds the committed rows, waiting for neither
        third.commit()
        second.commit()
        first.commit()
    assert _summed() == _counted() == [(dr.SCREENINGS, units["own"].pk, D(2024, 3, 15), deadline_tally.OPEN, 4, None)]
    TALLY.compact()
    assert _rows() == _counted()  # the flushes' leftovers too: they summed to nothing


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_compacts_through_redis(celery_worker_process, units):
    _screenings(units, D(2024, 3, 1), 3)
    assert len(_rows(units["own"])) == 3
    tally_compact.delay()
    assert wait_for(lambda: len(_rows(units["own"])) == 1)
    assert _rows() == _counted() == [(dr.SCREENINGS, units["own"].pk, D(2024, 3, 15), deadline_tally.OPEN, 3, None)]
