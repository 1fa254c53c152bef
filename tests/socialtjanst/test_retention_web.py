"""The gallring page, legal holds through it, and manage.py gallra."""

import io

import pytest
from django.core.management import call_command

from socialtjanst import retention
from socialtjanst.models import AccessEvent, CaseRetention, Person, RetentionRecord
from socialtjanst.roles import Role
from socialtjanst.views.retention import HOLD_SET
from tests.conftest import login
from tests.factories import UserFactory
from tests.socialtjanst.test_retention import RUN, at, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_systemforvaltare_sees_the_dry_run_as_counts_and_the_view_is_logged(world):  # noqa: F811
    client = login(world["sara"])
    with at(RUN):
        response = client.get("/gallring/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Provkörning 2025-06-10" in page
    assert "<td>Personakt (SoL)</td><td>Gallras</td>\n  <td class=\"num\">1</td>" in page
    assert "Placering av barn i familjehem, HVB eller annat enskilt hem</td><td>Behålls</td>" in page
    assert "Tvist i förvaltningsrätten" in page  # the hold and its reason
    assert "senast 2026-12-31" in page
    # Counts only: no person's name or number on the page.
    for person in Person.objects.all():
        assert person.last_name not in page and person.id_number not in page
    event = AccessEvent.objects.filter(object_type="Gallring").get()
    assert (event.username, event.action, event.criteria) == ("sara", "list", {"provkörning": "2025-06-10"})
    assert Person.objects.count() == 4  # nothing removed by looking


def test_an_enhetschef_sets_a_hold_on_an_own_units_case_with_a_reason_which_is_logged(world):  # noqa: F811
    eva = UserFactory(username="eva", role=Role.ENHETSCHEF, units=[world["unit"]])
    case = world["due"].cases.get()
    client = login(eva)
    page = client.get("/gallring/").content.decode()
    assert "Provkörning" not in page and "Bevara ett ärende" in page

    response = client.post("/gallring/bevarande/", {"case": case.pk, "reason": "Begäran från JO"}, follow=True)
    assert HOLD_SET.format(case=case.pk) in response.content.decode()
    assert CaseRetention.objects.get(case=case).legal_hold_reason == "Begäran från JO"
    event = AccessEvent.objects.filter(object_type="Bevarande", user=eva).get()
    assert (event.action, event.object_id, event.criteria) == ("change", case.pk,
                                                                {"bevarande": "satt", "skäl": "Begäran från JO"})
    with at(RUN):
        assert retention.retention_run(run_by="eva").is_noop


def test_a_hold_without_a_reason_is_refused_and_nothing_is_written(world):  # noqa: F811
    case = world["due"].cases.get()
    before = AccessEvent.objects.count()
    response = login(world["sara"]).post("/gallring/bevarande/", {"case": case.pk, "reason": "  "}, follow=True)
    assert retention.HOLD_REASON_REQUIRED in response.content.decode()
    assert not CaseRetention.objects.filter(case=case).exists()
    assert AccessEvent.objects.filter(object_type="Bevarande").count() == 1  # the fixture's own hold
    assert AccessEvent.objects.exclude(object_type="Gallring").count() == before


def test_a_handlaggare_gets_404_and_cannot_set_a_hold(world):  # noqa: F811
    client = login(world["user"])
    case = world["due"].cases.get()
    assert client.get("/gallring/").status_code == 404
    assert client.post("/gallring/bevarande/", {"case": case.pk, "reason": "x"}).status_code == 404
    assert not CaseRetention.objects.filter(case=case).exists()


def test_the_command_dry_runs_and_runs(world):  # noqa: F811
    out = io.StringIO()
    with at(RUN):
        call_command("gallra", "--dry-run", stdout=out)
        assert Person.objects.count() == 4
        call_command("gallra", "--user", "sara", stdout=out)
        call_command("gallra", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Provkörning 2025-06-10 (inget tas bort):"
    assert "  Gallras  Personakt (SoL): personakter 1, ärenden 1" in lines
    assert lines[-2].startswith("Gallrat: 1 personakter, 1 ärenden, ")
    assert lines[-1] == "Inget att gallra."
    assert RetentionRecord.objects.get().run_by == "sara"


def test_a_faderskap_case_is_marked_on_the_page_logged_and_never_gallrad(world):  # noqa: F811
    case = world["due"].cases.get()
    client = login(world["sara"])
    response = client.post("/gallring/faderskap-adoption/", {"fa-case": case.pk}, follow=True)
    page = response.content.decode()
    assert f"Ärende {case.pk} är markerat som faderskap eller adoption och gallras aldrig." in page
    assert CaseRetention.objects.get(case=case).paternity_adoption
    event = AccessEvent.objects.filter(object_type="Bevarande", object_id=case.pk).get()
    assert event.criteria == {"faderskap/adoption": "markerat"}
    again = client.post("/gallring/faderskap-adoption/", {"fa-case": case.pk}, follow=True)
    assert retention.PATERNITY_ALREADY in again.content.decode()
    with at(RUN):
        assert retention.retention_run(run_by="sara").is_noop
    assert Person.objects.filter(pk=world["due"].pk).exists()


def test_only_a_systemforvaltare_takes_a_wrong_faderskap_mark_away_with_a_reason(world):  # noqa: F811
    case = world["due"].cases.get()
    CaseRetention.objects.create(case=case, paternity_adoption=True)
    eva = UserFactory(username="eva", role=Role.ENHETSCHEF, units=[world["unit"]])
    refused = login(eva).post("/gallring/faderskap-adoption/ta-bort/", {"case": case.pk, "reason": "Fel"},
                              follow=True)
    assert retention.PATERNITY_UNMARK_NOT_ALLOWED in refused.content.decode()
    assert CaseRetention.objects.get(case=case).paternity_adoption

    client = login(world["sara"])
    page = client.get("/gallring/").content.decode()
    assert "<title>Gallring" in page and page.count("<h2>Faderskap och adoption</h2>") == 1
    response = client.post("/gallring/faderskap-adoption/ta-bort/", {"case": case.pk, "reason": "Fel ärende"},
                           follow=True)
    assert f"Markeringen faderskap eller adoption är borttagen från ärende {case.pk}." in response.content.decode()
    assert not CaseRetention.objects.get(case=case).paternity_adoption
    event = AccessEvent.objects.filter(object_type="Bevarande", object_id=case.pk).get()
    assert (event.username, event.criteria) == ("sara", {"faderskap/adoption": "borttaget", "skäl": "Fel ärende"})


def test_the_page_costs_the_same_queries_however_much_is_due(world):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.socialtjanst.test_retention import DUE, personakt

    client = login(world["sara"])

    def queries() -> int:
        with at(RUN), CaptureQueriesContext(connection) as captured:
            assert client.get("/gallring/").status_code == 200
        return len(captured)

    queries()  # the first page at RUN renews the session's idle clock (a write); the next ones within the minute do not
    few = queries()
    for _ in range(5):
        personakt(DUE, world["user"], world["unit"])
    assert queries() == few
