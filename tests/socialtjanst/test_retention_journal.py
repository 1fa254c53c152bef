"""Gallring reaches the journal and the fördelning (migration 0019): a due personakt goes with its signed journal
entries, corrections, drafts and fördelningar; their dates count as entries; and the journal stays append-only
for everyone outside the gallring function.

Dates as in test_retention: RUN 2025-06-10, DUE 5 years and 1 day before, NOT_YET 4 years 364 days before."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError, ProgrammingError

from socialtjanst import retention
from socialtjanst.models import CaseAssignment, JournalDraft, JournalEntry, Person, RetentionRecord
from socialtjanst.roles import Role
from tests.factories import UnitFactory, UserFactory
from tests.socialtjanst.test_retention import APP_ROLE, DUE, NOT_YET, RUN, _set_app_role, at, ensure_rules, personakt


def journal(case, user, day: datetime.date, text: str, corrects: JournalEntry | None = None) -> JournalEntry:
    written = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC)
    return JournalEntry.objects.create(
        case=case, occurred_on=day, kind="samtal", text=text, author=user, created_at=written, signed_at=written,
        corrects=corrects, correction_reason="Fel datum" if corrects else "")


def assignment(case, user, boss, day: datetime.date) -> CaseAssignment:
    return CaseAssignment.objects.create(case=case, to_user=user, assigned_on=day, assigned_by=boss)


@pytest.fixture
def world(db):
    ensure_rules()
    unit = UnitFactory(code="UTR_BARN", name="Utredning barn och unga")
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[unit])
    boss = UserFactory(username="erik", role=Role.ENHETSCHEF, units=[unit])
    with at(DUE):
        due = personakt(DUE, user, unit)
        case = due.cases.get()
        assignment(case, user, boss, case.opened_on)
        first = journal(case, user, DUE - datetime.timedelta(days=30), "Samtal med barnet om skolan")
        journal(case, user, DUE, "Rättelse: samtalet hölls dagen innan", corrects=first)
        JournalDraft.objects.create(case=case, author=user, text="Utkast som aldrig signerades")
    # The same personakt, but a journal entry or a fördelning 4 years 364 days before RUN: the last entry.
    by_journal = personakt(DUE, user, unit)
    with at(NOT_YET):
        journal(by_journal.cases.get(), user, NOT_YET, "Uppföljande samtal")
    by_assignment = personakt(DUE, user, unit)
    with at(NOT_YET):
        assignment(by_assignment.cases.get(), user, boss, NOT_YET)
    return {"due": due, "case": case, "by_journal": by_journal, "by_assignment": by_assignment, "user": user}


def test_the_run_removes_the_journal_drafts_and_fordelningar_with_the_case(world):
    case_id = world["case"].pk
    with at(RUN):
        plan = retention.retention_plan()
        assert plan.remove_person_ids == [world["due"].pk]
        result = retention.retention_run(run_by="sara")

    assert (result.personakter, result.cases) == (1, 1)
    assert not Person.objects.filter(pk=world["due"].pk).exists()
    assert not JournalEntry.objects.filter(case_id=case_id).exists()
    assert not JournalDraft.objects.filter(case_id=case_id).exists()
    assert not CaseAssignment.objects.filter(case_id=case_id).exists()
    assert RetentionRecord.objects.get().rows == result.rows
    # Kept: their journal entry or fördelning is their last entry, 4 years 364 days old.
    for name in ("by_journal", "by_assignment"):
        assert Person.objects.filter(pk=world[name].pk).exists(), name
    assert JournalEntry.objects.filter(case__person=world["by_journal"]).count() == 1
    assert CaseAssignment.objects.filter(case__person=world["by_assignment"]).count() == 1


def test_the_app_role_runs_it_through_the_function(world):
    _set_app_role()
    with at(RUN):
        result = retention.retention_run(run_by="sara")
    assert (result.personakter, result.cases) == (1, 1)
    assert not JournalEntry.objects.filter(case_id=world["case"].pk).exists()


def test_the_journal_stays_append_only_outside_the_gallring_function(world):
    entry = JournalEntry.objects.filter(case=world["case"]).first()
    # The owner (who runs migrations) without the function's setting: the trigger refuses.
    with pytest.raises((IntegrityError, InternalError), match="kan inte ändras eller tas bort"), \
            transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM socialtjanst_journalentry WHERE id = %s", [entry.pk])
    # The app role setting the function's marker itself: it has no DELETE right at all.
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        _set_app_role()
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('ifo.gallring_case', %s, true)", [str(entry.case_id)])
            cur.execute("DELETE FROM socialtjanst_journalentry WHERE id = %s", [entry.pk])
    # An update is refused even with the marker set, as the owner.
    with pytest.raises((IntegrityError, InternalError), match="kan inte ändras eller tas bort"), \
            transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('ifo.gallring_case', %s, true)", [str(entry.case_id)])
        cur.execute("UPDATE socialtjanst_journalentry SET text = 'ändrad' WHERE id = %s", [entry.pk])
    # Not due (4 years 364 days): the function keeps the journal.
    with transaction.atomic(), connection.cursor() as cur:
        _set_app_role()
        cur.execute("SELECT current_user")
        assert cur.fetchone() == (APP_ROLE,)
        cur.execute("SELECT * FROM socialtjanst_gallra_personakt(%s, %s)", [world["by_journal"].pk, RUN])
        assert cur.fetchone() == (0, 0, False)
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
    assert JournalEntry.objects.filter(case__person=world["by_journal"]).count() == 1
