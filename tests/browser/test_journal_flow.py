"""Issue 15's browser test: an e-tjänst report arrives; the enhetschef assigns it to a handläggare; the
handläggare finds it on Att göra, writes a journal entry, closes the browser before signing, logs in again and
finds the draft, signs it, and corrects it with a new entry; the case's journal shows both and the correction
names the original."""

import datetime
import json
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from socialtjanst.identity import synthetic_id_number
from socialtjanst.management.commands.create_etjanst_client import create_client
from socialtjanst.models import Case, JournalDraft, JournalEntry
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD_NUMBER = synthetic_id_number(datetime.date(2016, 5, 20), 3)
FIRST_TEXT = "Samtal med barnet i skolan. Barnet berättar att det är bråk hemma på kvällarna."


def _report_arrives(units) -> Case:
    _, token = create_client("Orosanmälan webb", units["own"])
    body = {
        "referens": "ET-JOURNAL-1",
        "inkom": (timezone.localtime() - datetime.timedelta(hours=1)).replace(microsecond=0).isoformat(),
        "anmalare_kategori": "skola", "anmalare_kontakt": "Rektor, 010-123 45 67",
        "personnummer": CHILD_NUMBER, "fornamn": "Jonna", "efternamn": "Journalsson",
        "oro_kategorier": ["vald"], "beskrivning": "Eleven berättar om bråk hemma.",
    }
    response = Client().post("/api/e-tjanst/orosanmalningar/", json.dumps(body), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.content
    case = Case.objects.get(person__id_number=CHILD_NUMBER)
    assert case.responsible is None  # waits in Ofördelade
    return case


def _log_in(page, username):
    log_in(page, username)
    page.wait_for_url(page.base_url + "/")


def _log_out(page):
    page.click("button:has-text('Logga ut')")
    page.wait_for_url("**/logga-in/**")


def test_report_assigned_journal_draft_survives_a_closed_browser_signed_and_corrected(
        browser, live_server, units, handlaggare, enhetschef):
    case = _report_arrives(units)
    today = timezone.localdate().isoformat()

    # The enhetschef assigns the new case to Hanna from Ofördelade on Att göra.
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    _log_in(page, "eva")
    page.goto(page.base_url + "/att-gora/")
    page.check(f"#fordela-arende-{case.pk}")
    page.select_option("select[name=to_user]", str(handlaggare.pk))
    with page.expect_navigation():
        page.click("button:has-text('Fördela valda ärenden')")
    case.refresh_from_db()
    assert case.responsible_id == handlaggare.pk
    _log_out(page)

    # Hanna finds it on Att göra and starts a journal entry from the case page.
    _log_in(page, "hanna")
    page.goto(page.base_url + "/att-gora/")
    page.locator("table tbody tr", has_text="Jonna Journalsson").first.wait_for()
    page.goto(page.base_url + f"/arenden/{case.pk}/")
    page.click("text=Skriv i och sök i journalen")
    page.fill("#id_occurred_on", today)
    page.select_option("#id_kind", "samtal")
    page.fill("#id_with_whom", "Barnet")
    page.fill("#id_text", FIRST_TEXT)
    page.locator("#journal-status", has_text="Utkastet sparades").wait_for()
    page.fill("#id_text", FIRST_TEXT + " Mamma ringde under samtalet.")
    # Closing the tab before the pause is over: the draft goes with the page's last beacon.
    page.close(run_before_unload=True)

    def draft_text():
        return JournalDraft.objects.filter(case=case, author=handlaggare).values_list("text", flat=True).first()

    deadline = timezone.now() + datetime.timedelta(seconds=10)
    while draft_text() != FIRST_TEXT + " Mamma ringde under samtalet." and timezone.now() < deadline:
        time.sleep(0.2)
    assert draft_text() == FIRST_TEXT + " Mamma ringde under samtalet."
    assert JournalEntry.objects.count() == 0

    # The browser is closed: its session cookie is gone. Hanna logs in again and finds the draft.
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    _log_in(page, "hanna")
    page.goto(page.base_url + f"/arenden/{case.pk}/")
    page.get_by_text("Du har ett utkast som inte är signerat").wait_for()
    page.click("text=Fortsätt skriva")
    assert page.input_value("#id_text") == FIRST_TEXT + " Mamma ringde under samtalet."
    assert page.input_value("#id_with_whom") == "Barnet"
    page.click("button:has-text('Signera')")
    page.get_by_text("Anteckningen är signerad.").wait_for()
    original = JournalEntry.objects.get()
    assert JournalDraft.objects.count() == 0

    # She corrects it with a new entry naming the original and why.
    page.click(f"text=Korrigera anteckning nr {original.pk}")
    assert page.input_value("#id_corrects") == str(original.pk)
    page.select_option("#id_kind", "samtal")
    page.fill("#id_with_whom", "Barnet och mamma")
    page.fill("#id_text", FIRST_TEXT + " Mamma var med i telefon.")
    page.fill("#id_correction_reason", "Mamma deltog per telefon, inte ringde in.")
    page.click("button:has-text('Signera')")
    page.get_by_text("Anteckningen är signerad.").wait_for()
    correction = JournalEntry.objects.exclude(pk=original.pk).get()
    assert (correction.corrects_id, correction.correction_reason) == (
        original.pk, "Mamma deltog per telefon, inte ringde in.")

    # The case's journal shows both, newest first; the correction names the original, which stays readable.
    page.goto(page.base_url + f"/arenden/{case.pk}/")
    entries = page.locator("#journal .journal-entry")
    assert entries.count() == 2
    first, second = entries.nth(0).inner_text(), entries.nth(1).inner_text()
    assert f"Korrigerar anteckning nr {original.pk}" in first and "Mamma var med i telefon." in first
    assert "Skäl: Mamma deltog per telefon, inte ringde in." in first
    assert "Mamma ringde under samtalet." in second and f"Korrigerad genom anteckning nr {correction.pk}" in second
    page.close()


def test_a_draft_typed_after_the_session_expired_is_saved_and_found_after_logging_in(page, handlaggare, own_case):
    _log_in(page, "hanna")
    page.goto(page.base_url + f"/arenden/{own_case.pk}/journal/")
    page.fill("#id_text", "Första meningen.")
    page.locator("#journal-status", has_text="Utkastet sparades").wait_for()
    # The session ends on the server (idle timeout) while the page stays open and the user keeps typing.
    Session.objects.all().delete()
    page.fill("#id_text", "Första meningen. Skriven efter att sessionen gick ut.")
    page.locator("#journal-status", has_text="Utkastet sparades").wait_for()
    assert JournalDraft.objects.get(author=handlaggare).text == "Första meningen. Skriven efter att sessionen gick ut."

    page.goto(page.base_url + f"/arenden/{own_case.pk}/journal/")
    page.wait_for_url("**/logga-in/**")
    _log_in(page, "hanna")
    page.goto(page.base_url + f"/arenden/{own_case.pk}/journal/")
    assert page.input_value("#id_text") == "Första meningen. Skriven efter att sessionen gick ut."
