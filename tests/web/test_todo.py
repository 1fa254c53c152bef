"""Att göra (issue 14 point 11): filters and a search for the handläggare that never reach another
handläggare's items, one notion of *Ansvarig handläggare* for filter and column, full names, and a
subtitle that follows the actual sort."""

import datetime
import html
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socialtjanst import deadlines
from socialtjanst.models import Decision, Intake, Investigation
from socialtjanst.roles import Role
from socialtjanst.views.todo import SORT_DEFAULT
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")
DAY = datetime.timedelta(days=1)


def rows(body: str) -> list[tuple[str, ...]]:
    """The table's rows as (Att göra, Person, Ansvarig handläggare)."""
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", body, flags=re.S).group(1)
    result = []
    for tr in re.findall(r"<tr\b.*?</tr>", tbody, flags=re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", td)).strip() for td in re.findall(r"<td\b.*?</td>", tr, re.S)]
        if len(cells) > 1:
            result.append((cells[2], cells[3], cells[5]))
    return sorted(result)


def intake(case, received_on, by):
    return Intake.objects.create(
        case=case, kind="orosanmalan", received_at=datetime.datetime.combine(received_on, datetime.time(9), STHLM),
        received_on=received_on, channel="telefon", target_group="barn_unga", registered_by=by,
        safety_assessed_on=received_on, safety_result="inget_akut_skyddsbehov")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def todo(units):
    """Hanna answers for A's förhandsbedömning (overdue), B's utredning (the case is Olle's), C's verkställighet
    (due in five days) and E's förhandsbedömning (a protected person); Olle for D's förhandsbedömning."""
    today = timezone.localdate()
    hanna = UserFactory(username="hanna", first_name="Hanna", last_name="Handläggarsson", role=Role.HANDLAGGARE,
                        units=[units["own"]])
    olle = UserFactory(username="olle", first_name="", last_name="", role=Role.HANDLAGGARE, units=[units["own"]])
    eva = UserFactory(username="eva", first_name="Eva", last_name="Chefsson", role=Role.ENHETSCHEF,
                      units=[units["own"]])

    def case(first, last, responsible, **person):
        return CaseFactory(unit=units["own"], responsible=responsible,
                           person=PersonFactory(first_name=first, last_name=last, **person))

    a = case("Ada", "Andersson", hanna)
    intake(a, today - 20 * DAY, hanna)
    b = case("Bo", "Berg", olle)
    Investigation.objects.create(case=b, started_on=today - 10 * DAY, responsible=hanna)
    c = case("Cilla", "Carlsson", hanna)
    decided = next(today - n * DAY for n in range(80, 100) if deadlines.enforcement_due(today - n * DAY)
                   == today + 5 * DAY)
    Decision.objects.create(case=c, legal_basis="SoL", kind="bistand", decided_on=decided, decided_by=hanna)
    d = case("Dan", "Ek", olle)
    intake(d, today - 3 * DAY, olle)
    e = case("Hemlig", "Hemlinsson", hanna, protected_identity=True)
    intake(e, today - 2 * DAY, hanna)
    return SimpleNamespace(hanna=hanna, olle=olle, eva=eva, a=a, b=b, c=c, d=d, e=e)


HANNAS = [
    ("Förhandsbedömning", "Ada Andersson", "Hanna Handläggarsson"),
    ("Förhandsbedömning", "Skyddad identitet", "Hanna Handläggarsson"),
    ("Utredning", "Bo Berg", "Hanna Handläggarsson"),
    ("Verkställighet", "Cilla Carlsson", "Hanna Handläggarsson"),
]


def test_the_handlaggare_sees_her_own_items_with_full_names_and_the_filter_form(todo):
    body = login(todo.hanna).get("/att-gora/").content.decode()
    assert rows(body) == HANNAS
    assert re.search(r"<th [^>]*>\s*<a [^>]*>Ansvarig handläggare</a>", body)
    for field in ('name="kind"', 'name="due"', 'name="q"', 'name="unit"'):
        assert field in body
    assert 'name="responsible"' not in body  # her list is her own items


@pytest.mark.parametrize("params,expected", [
    ({"kind": "Utredning"}, [HANNAS[2]]),
    ({"kind": "Förhandsbedömning"}, HANNAS[:2]),
    ({"due": "forsenade"}, [HANNAS[0]]),
    ({"due": "7"}, [HANNAS[3]]),
    ({"due": "14"}, [HANNAS[1], HANNAS[3]]),
    ({"q": "berg"}, [HANNAS[2]]),
    ({"q": "Ada Andersson"}, [HANNAS[0]]),
    ({"kind": "Förhandsbedömning", "q": "Andersson"}, [HANNAS[0]]),
])
def test_the_handlaggare_filters_and_searches_her_items(todo, params, expected):
    assert rows(login(todo.hanna).get("/att-gora/", params).content.decode()) == expected


def test_search_by_case_number_and_personnummer(todo):
    client = login(todo.hanna)
    assert rows(client.get("/att-gora/", {"q": str(todo.c.pk)}).content.decode()) == [HANNAS[3]]
    assert rows(client.get("/att-gora/", {"q": f"ärende {todo.c.pk}"}).content.decode()) == [HANNAS[3]]
    assert rows(client.get("/att-gora/", {"q": todo.a.person.id_number}).content.decode()) == [HANNAS[0]]
    assert rows(client.get("/att-gora/", {"q": todo.a.person.id_number[2:]}).content.decode()) == [HANNAS[0]]


@pytest.mark.parametrize("query", ["Dan", "Ek", "{d_case}", "{d_number}", "Hemlig", "{e_number}"])
def test_the_search_never_finds_another_handlaggares_item_nor_a_protected_name(todo, query):
    query = query.format(d_case=todo.d.pk, d_number=todo.d.person.id_number, e_number=todo.e.person.id_number)
    body = login(todo.hanna).get("/att-gora/", {"q": query}).content.decode()
    assert rows(body) == []
    assert "Dan Ek" not in body and "Hemlinsson" not in body
    assert "0 öppna punkter" in body


def test_the_enhetschef_filters_on_who_answers_for_the_item_not_on_the_cases_responsible(todo):
    client = login(todo.eva)
    hannas = rows(client.get("/att-gora/", {"responsible": todo.hanna.pk}).content.decode())
    assert hannas == HANNAS  # B's utredning is Hanna's although the case is Olle's
    olles = rows(client.get("/att-gora/", {"responsible": todo.olle.pk}).content.decode())
    assert olles == [("Förhandsbedömning", "Dan Ek", "olle")]  # no name: the user name


def test_the_enhetschef_sees_full_names_in_the_filter_and_the_column(todo):
    body = login(todo.eva).get("/att-gora/").content.decode()
    assert ("Förhandsbedömning", "Dan Ek", "olle") in rows(body)
    assert "Ansvarig handläggare" in body
    assert f'<option value="{todo.hanna.pk}">Hanna Handläggarsson</option>' in body
    assert f'<option value="{todo.olle.pk}">olle</option>' in body
    assert f'<option value="{todo.eva.pk}">Eva Chefsson</option>' in body
    assert ">hanna<" not in body


@pytest.mark.parametrize("sort,subtitle", [
    (None, SORT_DEFAULT),
    ("due_on", SORT_DEFAULT),
    ("-due_on", "Sorterat efter Senast, fallande."),
    ("kind", "Sorterat efter Att göra, stigande."),
    ("-responsible", "Sorterat efter Ansvarig handläggare, fallande."),
])
def test_the_subtitle_follows_the_actual_sort(todo, sort, subtitle):
    body = login(todo.hanna).get("/att-gora/", {"sort": sort} if sort else {}).content.decode()
    assert f"4 öppna punkter, varav <strong class=\"overdue\">1 försenade</strong>. {subtitle}</p>" in body
    if sort != "due_on" and sort is not None:
        assert SORT_DEFAULT not in body


def test_the_case_list_and_case_page_name_the_responsible_by_full_name(todo):
    client = login(todo.hanna)
    assert "Hanna Handläggarsson" in client.get("/arenden/").content.decode()
    page = client.get(f"/arenden/{todo.b.pk}/").content.decode()
    assert "<dt>Ansvarig</dt><dd>olle</dd>" in page
    page = client.get(f"/arenden/{todo.a.pk}/").content.decode()
    assert "<dt>Ansvarig</dt><dd>Hanna Handläggarsson</dd>" in page


def test_the_list_costs_the_same_number_of_queries_for_more_items(todo, units):
    """Names, units and the search read what the item queries already fetched: no query per row."""
    client = login(todo.eva)
    params = {"q": "son"}
    client.get("/att-gora/", params)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as before:
        assert "2 öppna punkter" in client.get("/att-gora/", params).content.decode()  # Andersson, Carlsson
    for n in range(4):
        extra = CaseFactory(unit=units["own"], responsible=todo.olle,
                            person=PersonFactory(first_name="Extra", last_name=f"Personsson{n}"))
        intake(extra, timezone.localdate() - DAY, todo.olle)
        Investigation.objects.create(case=extra, started_on=timezone.localdate() - DAY, responsible=todo.hanna)
    with CaptureQueriesContext(connection) as after:
        body = client.get("/att-gora/", params).content.decode()
    assert "10 öppna punkter" in body  # and each Personsson's förhandsbedömning and utredning
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize("params", [
    {"responsible": "{olle}"}, {"responsible": "{olle}", "mine": "0"}, {"unit": "{other_unit}"},
])
def test_a_handlaggare_cannot_ask_for_another_handlaggares_items(todo, units, params):
    params = {k: v.format(olle=todo.olle.pk, other_unit=units["other"].pk) for k, v in params.items()}
    body = login(todo.hanna).get("/att-gora/", params).content.decode()
    assert "Dan Ek" not in body
    assert all(row[2] == "Hanna Handläggarsson" for row in rows(body))


@pytest.mark.parametrize("params", [
    {"kind": "Städning"}, {"due": "-5"}, {"due": "99999999999"}, {"responsible": "abc"},
])  # a NUL anywhere is the input middleware's 400 (tests/web/test_junk_parameters.py)
def test_junk_in_the_filters_is_a_form_error_not_a_500(todo, params):
    response = login(todo.eva).get("/att-gora/", params)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
