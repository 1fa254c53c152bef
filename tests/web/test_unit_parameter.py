"""The `unit` in the address of the managers' pages: one of the user's own units, or a 404 — never a 500."""

import pytest

from tests.conftest import login

PAGES = ["/uppfoljning/kontroller/utredningstider/", "/uppfoljning/kontroller/barnsamtal/",
         "/uppfoljning/anmalningar/"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_an_own_unit_filters_and_anything_else_is_404(page, units, enhetschef):
    client = login(enhetschef)
    assert client.get(page, {"unit": units["own"].pk}).status_code == 200
    for bad in ("²", "abc", "-1", str(units["other"].pk), "99999999"):
        assert client.get(page, {"unit": bad}).status_code == 404, bad
