"""Playwright in Debian's headless Chromium, against pytest-django's live server."""

import os
import shutil
import tempfile

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium saknas: kör testerna med `make test`, som installerar Debians chromium.")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS, locale="sv-SE",
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, live_server):
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    page.close()


def log_in(page, username, password="test-losen-123"):
    page.goto(page.base_url + "/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
