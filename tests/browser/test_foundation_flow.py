import pytest

from socialtjanst.models import AccessEvent
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handlaggare_opens_a_case_finds_the_person_and_the_manager_sees_it_in_the_access_log(
    page, handlaggare, enhetschef
):
    log_in(page, "hanna")
    page.get_by_text("Dina pågående ärenden").wait_for()
    page.click("text=Öppna nytt ärende")
    page.fill("#id_id_number", "20150315-9806")
    page.fill("#id_first_name", "Webbtest")
    page.fill("#id_last_name", "Browsersson")
    page.select_option("#id_unit", label="Mottagning barn och unga")
    page.click("button:has-text('Öppna ärende')")
    page.get_by_text("är öppnat").wait_for()
    assert "Webbtest Browsersson" in page.inner_text("h1")

    page.click("nav >> text=Personer")
    page.fill("#id_q", "Browsersson")
    page.click("button:has-text('Sök')")
    page.click("text=Webbtest Browsersson")
    assert page.inner_text("dl.facts").count("20150315-9806") == 1

    page.click("text=Logga ut")
    log_in(page, "eva")
    page.click("nav >> text=Åtkomstlogg")
    page.fill("#id_username", "hanna")
    page.click("button:has-text('Filtrera')")
    rows = page.locator("table tbody tr")
    assert rows.count() == AccessEvent.objects.filter(username="hanna").count() >= 5
