"""Labels name their own fields (issue 14 point 10): pages with several forms give each form its own ids,
so the decision form's "Beslutsdatum" is the decision's date, not the extension's, and every insats form on
the case page has labelled fields."""

import datetime
import re
from collections import Counter

import pytest

from socialtjanst.models import Decision, Investigation
from tests.conftest import login
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def flow(units, handlaggare):
    case = CaseFactory(unit=units["own"], responsible=handlaggare, opened_on=D(2025, 1, 10))
    inv = Investigation.objects.create(case=case, started_on=D(2025, 1, 20), responsible=handlaggare)
    for day in (1, 2):
        Decision.objects.create(case=case, investigation=inv, legal_basis="SoL", kind="bistand",
                                decided_on=D(2025, 2, day), decided_by=handlaggare)
    return case, inv


def forms(body: str, action: str) -> list[str]:
    return re.findall(rf'<form method="post" action="[^"]*{action}"[^>]*>(.*?)</form>', body, flags=re.S)


def labelled(form_html: str) -> dict[str, str]:
    """label text -> the id of the field it names, where that field is in the same form."""
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', form_html))
    return {text.strip(): for_id for for_id, text in re.findall(r'<label for="([^"]+)">([^<]+)</label>', form_html)
            if for_id in ids}


def test_the_investigation_pages_beslutsdatum_names_the_decisions_own_date(flow, handlaggare):
    _, inv = flow
    body = login(handlaggare).get(f"/utredningar/{inv.pk}/").content.decode()
    ids = Counter(re.findall(r'\bid="([^"]+)"', body))
    assert [i for i, n in ids.items() if n > 1] == []
    (decision_form,) = forms(body, "/beslut/")
    assert labelled(decision_form)["Beslutsdatum:"] == "id_beslut_decided_on"
    (extension_form,) = forms(body, "/forlangning/")
    assert labelled(extension_form)["Beslutsdatum:"] == "id_forlangning_decided_on"


def test_every_insats_form_on_the_case_page_has_its_own_labelled_fields(flow, handlaggare):
    case, _ = flow
    body = login(handlaggare).get(f"/arenden/{case.pk}/").content.decode()
    ids = Counter(re.findall(r'\bid="([^"]+)"', body))
    assert [i for i, n in ids.items() if n > 1] == []
    insats_forms = forms(body, "/insats/")
    assert len(insats_forms) == 2
    for form_html in insats_forms:
        assert set(labelled(form_html)) == {"Insats", "Verkställd (tomt = ännu inte)"}
