"""Fördelning in a browser (issue 15 point 1): an e-tjänst report opens an unassigned case, the enhetschef
assigns it on Att göra, and the handläggare finds it on her own Att göra. Self-contained on purpose: the
longer issue-15 flow (journal) is tests/browser/test_journal_flow.py's."""

import datetime
import json

import pytest
from django.utils import timezone

from socialtjanst.identity import synthetic_id_number
from socialtjanst.management.commands.create_etjanst_client import create_client
from socialtjanst.models import Case, CaseAssignment
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

API = "/api/e-tjanst/orosanmalningar/"


def test_an_etjanst_report_is_assigned_by_the_enhetschef_and_found_by_the_handlaggare(page, units, handlaggare,
                                                                                     enhetschef):
    handlaggare.first_name, handlaggare.last_name = "Hanna", "Handläggarsson"
    handlaggare.save()
    _, token = create_client("Orosanmälan webb", units["own"])
    response = page.request.post(page.base_url + API, data=json.dumps({
        "referens": "ET-FORDELNING-1",
        "inkom": (timezone.localtime() - datetime.timedelta(hours=1)).replace(microsecond=0).isoformat(),
        "anmalare_kategori": "skola", "personnummer": synthetic_id_number(datetime.date(2016, 5, 17), 3),
        "fornamn": "Fördela", "efternamn": "Barnsson", "oro_kategorier": ["vald"],
        "beskrivning": "Eleven berättar om slag hemma.",
    }), headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status == 201, response.text()
    case = Case.objects.get()
    assert case.responsible is None

    log_in(page, "eva")
    page.click("nav >> text=Att göra")
    queue = page.locator("#ofordelade-lista tbody tr", has_text=str(case.pk))
    assert queue.count() == 1
    queue.locator("input[type=checkbox]").check()
    page.select_option("#id_fordela_to_user", label="Hanna Handläggarsson")
    assert page.input_value("#id_fordela_on") == timezone.localdate().isoformat()  # today unless changed
    page.click("button:has-text('Fördela valda ärenden')")
    page.get_by_text(f"Ärende {case.pk} har fördelats till Hanna Handläggarsson.").wait_for()
    assert page.locator("#ofordelade-lista").count() == 0
    assert CaseAssignment.objects.get().to_user == handlaggare

    page.click("button:has-text('Logga ut')")
    log_in(page, "hanna")
    page.click("nav >> text=Att göra")
    row = page.locator("table tbody tr", has_text="Förhandsbedömning")
    assert row.count() == 1
    assert "Hanna Handläggarsson" in row.inner_text()
    row.locator("a").first.click()
    page.get_by_text("Förhandsbedömning senast").wait_for()
