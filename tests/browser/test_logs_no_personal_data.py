"""The log of a whole workflow holds no personal data (issue 13, point 4, must-hold).

gunicorn as `make run` starts it (the Procfile's web line), logging at DEBUG to a file; a handläggare
registers an intake for a child, opens the case and searches the child by every accepted form of the
personnummer and by name; then every line must be one JSON object with a request id, and neither the
personnummer in any form, nor the names, nor the user name may appear anywhere in the log."""

import json
import uuid
from urllib.parse import quote

import pytest

from tests.browser.conftest import log_in
from tests.web.test_etjanst_load import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Skatteverket's test series (födelsenummer 980–999): belongs to no one.
PERSONNUMMER_FORMS = ("20170612-9853", "201706129853", "170612-9853", "1706129853", "170612+9853")
FIRST_NAME, LAST_NAME = "Ingalill", "Spårlösdotter"


def forbidden_strings(username: str) -> list[str]:
    words = [*PERSONNUMMER_FORMS, FIRST_NAME, LAST_NAME, f"{FIRST_NAME} {LAST_NAME}", username]
    # Also as a URL or JSON would carry them (Spårlösdotter → Sp%C3%A5rl%C3%B6sdotter, Sp\\u00e5rl…).
    return [*words, *(quote(w) for w in words), *(json.dumps(w)[1:-1] for w in words)]


def run_workflow(page, ids: dict[str, str]) -> None:
    log_in(page, "hanna")
    page.click("nav >> text=Registrera anmälan")
    page.fill("#id_id_number", "20170612-9853")
    page.fill("#id_first_name", FIRST_NAME)
    page.fill("#id_last_name", LAST_NAME)
    page.select_option("#id_reporter_category", "skola")
    page.check("input[value=vald]")
    page.fill("#id_concern_text", "Barnet berättar om oro hemma.")
    page.click("button:has-text('Sök tidigare anmälningar')")  # the search is logged in the access log only
    page.get_by_text("Inga tidigare anmälningar i dina enheter.").wait_for()
    page.click("button:has-text('Spara anmälan')")
    page.get_by_text("Anmälan är registrerad").wait_for()

    page.click("dl >> a[href*='/arenden/']")  # open the case
    assert f"{FIRST_NAME} {LAST_NAME}" in page.inner_text("main")

    for term in (*PERSONNUMMER_FORMS[:4], LAST_NAME, FIRST_NAME):
        page.click("nav >> text=Personer")
        page.fill("#id_q", term)
        page.click("button:has-text('Sök')")
        page.locator("table tbody tr", has_text=LAST_NAME).first.wait_for()
    page.click(f"text={FIRST_NAME} {LAST_NAME}")
    assert "20170612-9853" in page.inner_text("main")

    # A page that is not there: Django logs it (django.request), with the user's id and the request id.
    response = page.goto(page.base_url + "/personer/987654321/")
    assert response.status == 404
    ids["not_found"] = response.headers["x-request-id"]


def test_a_whole_workflows_log_is_json_with_request_ids_and_without_personal_data(browser, handlaggare, tmp_path):
    seen_ids: set[str] = set()
    ids: dict[str, str] = {}
    with gunicorn(tmp_path, WEB_CONCURRENCY="1", WEB_THREADS="4", LOG_LEVEL="DEBUG", IFO_REQUIRE_2FA="0") as port:
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.base_url = f"http://127.0.0.1:{port}"
        page.on("response", lambda r: seen_ids.add(r.headers.get("x-request-id")))
        try:
            run_workflow(page, ids)
        finally:
            page.close()
    text = (tmp_path / "gunicorn.log").read_text()

    lines = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    assert all({"timestamp", "level", "logger", "message", "request_id", "user_id"} <= set(line) for line in lines)
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert len(access) >= 20
    # Every request's line has the request id the browser got back, static files and redirects included
    # (and a favicon request, which Playwright does not report).
    assert None not in seen_ids and seen_ids <= {line["request_id"] for line in access}
    assert all(str(uuid.UUID(line["request_id"])) == line["request_id"] for line in access)
    assert all("?" not in line["path"] for line in access)
    not_found = [line for line in lines
                 if line["request_id"] == ids["not_found"] and line["logger"] == "django.request"]
    assert [(line["message"], line["user_id"]) for line in not_found] == [
        ("Not Found: /personer/987654321/", handlaggare.pk)]

    decoded = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for haystack in (text.lower(), decoded.lower()):
        assert [word for word in forbidden_strings("hanna") if word.lower() in haystack] == []
