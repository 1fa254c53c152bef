"""The journal's rules (socialtjanst.journal) and its guards in the database (migration 0016): signed entries
are never changed or removed, by the app, the owner or SQL as the application's role; a correction names the
entry it corrects and why; a draft is one per user and case and becomes an entry only by signing."""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from common.errors import NotFound
from socialtjanst import journal
from socialtjanst.models import AccessAction, AccessEvent, JournalDraft, JournalEntry, JournalKind

pytestmark = pytest.mark.django_db

APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "ifo_app")
TODAY = datetime.date(2025, 3, 10)


def _draft(user, case, **fields):
    values = {"occurred_on": datetime.date(2024, 2, 1), "kind": JournalKind.CONVERSATION,
              "with_whom": "Mamma", "text": "Samtal om skolgången.", **fields}
    return journal.journal_draft_save(by=user, case=case, **values)


def _signed(user, case, **fields):
    _draft(user, case, **fields)
    return journal.journal_draft_sign(by=user, case=case)


def _as_app_role(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f'SET LOCAL ROLE "{APP_ROLE}"')
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else None


def _as_owner(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def test_signing_turns_the_draft_into_an_entry_removes_the_draft_and_logs_it(handlaggare, own_case):
    draft = _draft(handlaggare, own_case)
    entry = journal.journal_draft_sign(by=handlaggare, case=own_case)
    entry.refresh_from_db()
    assert (entry.case, entry.occurred_on, entry.kind, entry.with_whom, entry.text, entry.author) == (
        own_case, datetime.date(2024, 2, 1), "samtal", "Mamma", "Samtal om skolgången.", handlaggare)
    assert entry.created_at == draft.created_at and entry.signed_at >= entry.created_at
    assert JournalDraft.objects.count() == 0
    row = AccessEvent.objects.get(action=AccessAction.CREATE, object_type="JournalEntry")
    assert (row.object_id, row.person_ids, row.username) == (entry.pk, [own_case.person_id], "hanna")


def test_a_draft_is_one_per_user_and_case_and_every_save_replaces_it(handlaggare, enhetschef, own_case):
    _draft(handlaggare, own_case, text="Först")
    _draft(handlaggare, own_case, text="Sedan mer")
    _draft(enhetschef, own_case, text="Chefens")
    assert sorted(JournalDraft.objects.values_list("author__username", "text")) == [
        ("eva", "Chefens"), ("hanna", "Sedan mer")]
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalDraft.objects.create(case=own_case, author=handlaggare, text="En till")


def test_a_draft_keeps_what_it_can_and_signing_asks_for_the_rest(handlaggare, own_case):
    journal.journal_draft_save(by=handlaggare, case=own_case, occurred_on=datetime.date(1066, 1, 1), kind="fel",
                               with_whom="", text="   ")
    draft = JournalDraft.objects.get()
    assert (draft.occurred_on, draft.kind) == (None, "")
    with pytest.raises(ValidationError) as exc:
        journal.journal_draft_sign(by=handlaggare, case=own_case)
    assert exc.value.messages == [journal.DATE_REQUIRED, journal.KIND_REQUIRED, journal.TEXT_REQUIRED]
    assert JournalEntry.objects.count() == 0 and JournalDraft.objects.count() == 1


def test_signing_refuses_a_date_after_today_or_before_the_case(handlaggare, own_case):
    _draft(handlaggare, own_case, occurred_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        journal.journal_draft_sign(by=handlaggare, case=own_case)
    assert exc.value.messages == [journal.DATE_IN_FUTURE]
    _draft(handlaggare, own_case, occurred_on=own_case.opened_on - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        journal.journal_draft_sign(by=handlaggare, case=own_case)
    assert exc.value.messages == [journal.DATE_BEFORE_CASE]


def test_without_a_draft_nothing_is_signed(handlaggare, own_case):
    with pytest.raises(ValidationError) as exc:
        journal.journal_draft_sign(by=handlaggare, case=own_case)
    assert exc.value.messages == [journal.DRAFT_MISSING]


def test_a_correction_names_the_original_and_why_and_the_original_stays(handlaggare, own_case):
    original = _signed(handlaggare, own_case, text="Hembesök hos familjen Andersson.")
    _draft(handlaggare, own_case, text="Hembesök hos familjen Andersen.", corrects_id=original.pk)
    with pytest.raises(ValidationError) as exc:
        journal.journal_draft_sign(by=handlaggare, case=own_case)
    assert exc.value.messages == [journal.REASON_REQUIRED]
    correction = _signed(handlaggare, own_case, text="Hembesök hos familjen Andersen.", corrects_id=original.pk,
                         correction_reason="Felstavat efternamn")
    assert (correction.corrects_id, correction.correction_reason) == (original.pk, "Felstavat efternamn")
    original.refresh_from_db()
    assert original.text == "Hembesök hos familjen Andersson."
    assert [e.pk for e in journal.journal_entries(own_case)] == [correction.pk, original.pk]


def test_a_draft_cannot_correct_an_entry_of_another_case(handlaggare, own_case, units):
    from tests.factories import CaseFactory

    elsewhere = CaseFactory(unit=units["own"])
    foreign = _signed(handlaggare, elsewhere)
    draft = _draft(handlaggare, own_case, corrects_id=foreign.pk, correction_reason="Skäl")
    assert (draft.corrects_id, draft.correction_reason) == (None, "")


def test_the_database_refuses_a_correction_without_reason_or_across_cases(handlaggare, own_case, units):
    from tests.factories import CaseFactory

    original = _signed(handlaggare, own_case)
    now = timezone.now()
    common = {"occurred_on": TODAY, "kind": "samtal", "text": "x", "author": handlaggare, "created_at": now,
              "signed_at": now}
    with pytest.raises(IntegrityError, match="journalentry_correction_has_reason"), transaction.atomic():
        JournalEntry.objects.create(case=own_case, corrects=original, correction_reason="", **common)
    with pytest.raises(IntegrityError, match="journalentry_correction_has_reason"), transaction.atomic():
        JournalEntry.objects.create(case=own_case, correction_reason="Skäl utan original", **common)
    with pytest.raises(IntegrityError, match="samma ärende"), transaction.atomic():
        JournalEntry.objects.create(case=CaseFactory(unit=units["own"]), corrects=original,
                                    correction_reason="Fel ärende", **common)


def test_the_search_finds_every_word_in_text_or_with_whom(handlaggare, own_case):
    a = _signed(handlaggare, own_case, text="Samtal med skolan om frånvaro.", with_whom="Mentor")
    _signed(handlaggare, own_case, text="Telefon med mormor.", with_whom="Mormor", kind="telefon")
    assert [e.pk for e in journal.journal_entries(own_case, q="FRÅNVARO mentor")] == [a.pk]
    assert list(journal.journal_entries(own_case, q="frånvaro mormor")) == []


def test_only_who_may_change_the_case_writes_in_its_journal(handlaggare, controller, other_case, own_case):
    with pytest.raises(NotFound):
        _draft(handlaggare, other_case)
    with pytest.raises(NotFound):
        journal.journal_draft_sign(by=controller, case=own_case)
    assert JournalDraft.objects.count() == 0


# --- the database guards ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "UPDATE socialtjanst_journalentry SET text = 'Omskriven' WHERE id = %s",
    "UPDATE socialtjanst_journalentry SET occurred_on = '2024-01-01', kind = 'ovrigt' WHERE id = %s",
    "DELETE FROM socialtjanst_journalentry WHERE id = %s",
])
def test_the_application_role_can_neither_change_nor_delete_a_signed_entry(handlaggare, own_case, sql):
    entry = _signed(handlaggare, own_case)
    with pytest.raises(ProgrammingError, match="permission denied"):
        _as_app_role(sql, [entry.pk])
    with pytest.raises(ProgrammingError, match="permission denied"):
        _as_app_role("TRUNCATE socialtjanst_journalentry CASCADE")
    assert JournalEntry.objects.values_list("text", "kind").get() == ("Samtal om skolgången.", "samtal")


@pytest.mark.parametrize("sql", [
    "UPDATE socialtjanst_journalentry SET text = 'Omskriven' WHERE id = %s",
    "UPDATE socialtjanst_journalentry SET correction_reason = correction_reason WHERE id = %s",
    "DELETE FROM socialtjanst_journalentry WHERE id = %s",
])
def test_the_trigger_refuses_even_the_owner_role(handlaggare, own_case, sql):
    entry = _signed(handlaggare, own_case)
    with pytest.raises(IntegrityError, match="En signerad journalanteckning kan inte ändras eller tas bort"):
        _as_owner(sql, [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk, text="Samtal om skolgången.").exists()


def test_the_orm_cannot_change_or_delete_a_signed_entry(handlaggare, own_case):
    entry = _signed(handlaggare, own_case)
    entry.text = "Ändrad"
    with pytest.raises(IntegrityError, match="kan inte ändras"), transaction.atomic():
        entry.save()
    with pytest.raises(IntegrityError, match="kan inte ändras"), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    assert JournalEntry.objects.get().text == "Samtal om skolgången."


def test_the_application_role_signs_through_insert_and_reads(handlaggare, own_case):
    _as_app_role(
        "INSERT INTO socialtjanst_journalentry (case_id, occurred_on, kind, with_whom, text, author_id, created_at,"
        " signed_at, correction_reason) VALUES (%s, '2024-02-02', 'telefon', '', 'Ringt', %s, now(), now(), '')",
        [own_case.pk, handlaggare.pk])
    assert _as_app_role("SELECT text FROM socialtjanst_journalentry") == [("Ringt",)]


# --- gallring ---------------------------------------------------------------------------------------------------

def _journal_entry(person, on: datetime.date):
    case = person.cases.get()
    moment = datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC)
    return JournalEntry.objects.create(case=case, occurred_on=on, kind="samtal", text="Uppföljande samtal.",
                                       author=case.intakes.get().registered_by, created_at=moment, signed_at=moment)


def test_a_journal_entry_is_an_entry_of_the_personakt_and_goes_with_it_when_gallrad(db):
    from socialtjanst import retention
    from socialtjanst.models import Person
    from tests.factories import UnitFactory, UserFactory
    from tests.socialtjanst.test_retention import DUE, NOT_YET, RUN, at, ensure_rules, personakt

    ensure_rules()
    unit = UnitFactory(code="UTR_BARN")
    user = UserFactory(username="hanna", role="Handläggare", units=[unit])
    recent, old = personakt(DUE, user, unit), personakt(DUE, user, unit)
    kept = _journal_entry(recent, NOT_YET)  # written later: the personakt's five years start again
    entry = _journal_entry(old, DUE)
    with at(RUN):
        assert retention.retention_plan().remove_person_ids == [old.pk]
        result = retention.retention_run(run_by="sara")
    # Due: the whole personakt goes, its journal too (migration 0019; tests/socialtjanst/test_retention_journal.py).
    assert (result.personakter, result.cases) == (1, 1)
    assert not JournalEntry.objects.filter(pk=entry.pk).exists() and not Person.objects.filter(pk=old.pk).exists()
    assert JournalEntry.objects.filter(pk=kept.pk).exists() and recent.cases.count() == 1
