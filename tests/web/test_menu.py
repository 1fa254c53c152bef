"""The menu in templates/base.html: each role's entries, and the skip link every page starts with."""

import re

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db

MENUS = {
    "handlaggare": ["Att göra", "Registrera anmälan", "Ärenden", "Personer", "Placeringar", "Följa vården"],
    "enhetschef": ["Att göra", "Registrera anmälan", "Ärenden", "Personer", "Åtkomstlogg", "Placeringar",
                   "Följa vården", "Frister", "Kontroller", "Rapporter", "Statistik", "Indikatorer", "Gallring"],
    # README: the controller sees frister for the whole municipality (figures and case numbers only), and
    # Följa vården as counts.
    "controller": ["Placeringar", "Följa vården", "Utförare och avtal", "Budget", "Uppföljning", "Frister",
                   "Rapporter", "Statistik", "Indikatorer"],
    "systemforvaltare": ["Gallring", "Administration"],
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_has_its_menu_and_every_entry_opens(request, role):
    client = login(request.getfixturevalue(role))
    body = client.get("/").content.decode()
    nav = re.search(r"<nav[^>]*>(.*?)</nav>", body, flags=re.S).group(1)
    entries = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)
    assert [label for _, label in entries] == MENUS[role]
    for href, label in entries:
        assert client.get(href).status_code in (200, 302), label  # the admin index answers 200; nothing 404s


def test_the_controller_opens_frister_from_the_menu(controller):
    client = login(controller)
    body = client.get("/").content.decode()
    assert '<a href="/uppfoljning/frister/">Frister</a>' in body
    page = client.get("/uppfoljning/frister/?year=2025")
    assert page.status_code == 200 and "<h1>" in page.content.decode()


def test_every_page_starts_with_a_skip_link_to_the_main_content(handlaggare):
    body = login(handlaggare).get("/att-gora/").content.decode()
    assert re.search(r'<body>\s*<a class="skip-link" href="#innehall">Hoppa till innehållet</a>', body)
    assert '<main id="innehall" tabindex="-1">' in body
