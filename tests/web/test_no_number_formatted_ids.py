"""Ids, years and codes are never number-formatted (issue 14 point 1): not in a link, a form value, a
heading or a seed. Every table's sequence is advanced far past 999, the demo municipality is loaded,
and every role walks every page it can reach from its start page; an id printed as "7 700 012" or a
year as "2 026" fails the walk. Amounts are still grouped (1 234 kr): the checks look only where a
grouped number is always wrong, or for the grouped form of an id that exists."""

import datetime
import html
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from budget.demo import load_demo_budget
from budget.demo_closing import load_demo_closings
from budget.models import Budget
from placements.demo import load_demo_placements
from placements.models import Agreement, Placement, Provider
from socialtjanst import caseflow
from socialtjanst.demo import load_demo
from socialtjanst.demo_caseflow import load_demo_inflow
from socialtjanst.demo_followup import load_demo_followup
from socialtjanst.identity import parse_id_number
from socialtjanst.models import (
    Case,
    ControlRound,
    Decision,
    Indicator,
    Intake,
    Intervention,
    Investigation,
    Person,
)
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type, ensure_care_types

pytestmark = pytest.mark.django_db(transaction=False)

GROUPED = re.compile(r"\d[\xa0\u202f ]\d{3}(?!\d)")
# A whole grouped number: never the head of a longer one ("2 086" of "2 086 115,60" is no year).
GROUPED_NUMBER = re.compile(r"(?<![\d,])\d{1,3}(?:[\xa0\u202f ]\d{3})+(?![\d,]|[\xa0\u202f ]\d)")
ATTRIBUTE = re.compile(r'\s(href|action|value|src|data-[\w-]+)="([^"]*)"')
HEADING = re.compile(r"<(h[1-6]|title|th|caption|legend|label|option)\b[^>]*>(.*?)</\1>", re.S)
LABELLED_NUMBER = re.compile(r"(?i)\b(frö|ärende|år)[ \xa0]\d{1,3}[\xa0\u202f ]\d{3}(?!\d)")
SKIPPED = ("/logga-ut/", "/admin/", "/api/", "/static/")
DOWNLOAD = re.compile(r"(export|\.csv|\.xlsx|\.json)")
# The same page again with other ids or other filters teaches nothing new: one per shape.
PAGES_PER_ROLE = 120
BASE = 77_700_000
MUST_VISIT = {
    "handlaggare": ["/personer/N/?", "/arenden/N/?", "/anmalningar/N/?", "/placeringar/create/?person",
                    "/placeringar/N/?"],
    "enhetschef": ["/atkomstlogg/?", "/uppfoljning/kontroller/N/?", "/uppfoljning/kontroller/stickprov/?kind&"
                   "period_from&period_to&seed&size", "/indikatorer/N/?", "/uppfoljning/anmalningar/?month&year"],
    "controller": ["/budget/uppfoljning/?year", "/budget/prognos/?month&year", "/placeringar/N/?",
                   "/rapporter/placement_days/?year"],
    "systemforvaltare": ["/?"],
}


def _advance_sequences():
    """Every sequence to its own range far past 999, so an id is both ≥ 1 000 and recognisable."""
    with connection.cursor() as cur:
        cur.execute("SELECT schemaname, sequencename FROM pg_sequences WHERE schemaname = 'public'"
                    " ORDER BY sequencename")
        for i, (schema, name) in enumerate(cur.fetchall()):
            cur.execute("SELECT setval(%s, %s)", [f'"{schema}"."{name}"', BASE + i * 10_000])


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({kv.split("=")[0] for kv in parts.query.split("&") if kv})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _links(page: str) -> list[str]:
    found = []
    for attr, value in ATTRIBUTE.findall(page):
        if attr != "href":
            continue
        url = html.unescape(value)
        if url.startswith("/") and not url.startswith(SKIPPED) and not DOWNLOAD.search(url):
            found.append(url.split("#")[0])
    return found


def _problems(url: str, page: str, grouped_ids: set[str]) -> list[str]:
    found = []
    for attr, value in ATTRIBUTE.findall(page):
        value = html.unescape(value)
        if attr in ("href", "action", "src"):
            if GROUPED.search(value):
                found.append(f"{url}: {attr}={value!r}")
            continue
        # A form's amount may show as 10 764 000,00 (it reads back); an id or a year never may.
        for match in GROUPED_NUMBER.finditer(value):
            digits = re.sub(r"\D", "", match.group(0))
            if digits in grouped_ids or 1900 <= int(digits) <= 2100:
                found.append(f"{url}: {attr}={value!r}")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body", 1)[-1]))
    for tag, inner in HEADING.findall(page):
        inner = html.unescape(re.sub(r"<[^>]+>", "", inner))
        if re.search(r"\b2[\xa0\u202f ]0\d\d\b", inner):
            found.append(f"{url}: year grouped in <{tag}> {inner.strip()!r}")
    found += [f"{url}: {m.group(0)!r}" for m in LABELLED_NUMBER.finditer(text)]
    for match in GROUPED_NUMBER.finditer(text):
        if re.sub(r"\D", "", match.group(0)) in grouped_ids:
            found.append(f"{url}: id grouped {match.group(0)!r}")
    return found


@pytest.fixture
def demo(db):
    _advance_sequences()
    load_demo()
    load_demo_inflow()
    load_demo_followup(token_file=None)
    load_demo_placements()
    load_demo_budget()
    load_demo_closings()


def _walk(user, grouped_ids) -> tuple[set[str], list[str]]:
    client = login(user)
    year = timezone.localdate().year
    queue = deque(["/", f"/budget/uppfoljning/?year={year}", f"/budget/prognos/?year={year}&month=6",
                   f"/uppfoljning/anmalningar/?year={year}&month=6", f"/indikatorer/?year={year}",
                   f"/uppfoljning/kontroller/stickprov/?kind=beslut&period_from={year - 1}-01-01"
                   f"&period_to={year}-12-31&size=5&seed=1227407136"])
    seen, visited_shapes, problems, visited = set(), set(), [], 0
    while queue and visited < PAGES_PER_ROLE:
        url = queue.popleft()
        if _shape(url) in seen:
            continue
        seen.add(_shape(url))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        visited_shapes.add(_shape(url))
        page = response.content.decode()
        problems += _problems(url, page, grouped_ids)
        queue.extend(_links(page))
    return visited_shapes, problems


def test_every_page_of_every_role_prints_ids_and_years_as_they_are(demo):
    from django.contrib.auth.models import User

    ids = set()
    for model in (Person, Case, Intake, Investigation, Decision, Intervention, ControlRound, Indicator, Placement,
                  Provider, Agreement, Budget):
        ids |= {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    assert min(int(i) for i in ids) >= BASE
    report = {}
    for user in User.objects.filter(username__in=list(MUST_VISIT)):
        report[user.username] = _walk(user, ids)
    problems = [f"{name}: {problem}" for name, (_shapes, found) in report.items() for problem in found]
    assert not problems, "\n".join(problems)
    assert set(report) == set(MUST_VISIT)
    # The walk reached the pages the issue names (and far more): it did not stop at the start page.
    for name, shapes in MUST_VISIT.items():
        assert set(shapes) <= report[name][0], (name, set(shapes) - report[name][0])


def _decision_with_intervention(user, case, decided_on):
    decision = caseflow.decision_record(by=user, case_id=case.pk, legal_basis="LVU", kind="vard",
                                        decided_on=decided_on)
    return caseflow.intervention_create(by=user, decision_id=decision.pk, kind="placering")


def test_a_placement_registered_from_the_page_of_person_1923_is_theirs(handlaggare, units):
    """The issue's own case: "?person=1 923" lost the person, so the form had no personnummer and offered every
    insats of the unit. From the person page, the link, the prefilled form and the saved placement agree."""
    ensure_care_types()
    with connection.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('socialtjanst_person', 'id'), 1922)")
    case = CaseFactory(unit=units["own"], person=PersonFactory(first_name="Olle", last_name="Provbarn"))
    child = case.person
    assert child.pk == 1923
    mine = [_decision_with_intervention(handlaggare, case, datetime.date(2024, 1, d)) for d in (10, 20)]
    sibling = CaseFactory(unit=units["own"], person=PersonFactory())
    _decision_with_intervention(handlaggare, sibling, datetime.date(2024, 1, 15))
    client = login(handlaggare)

    person_page = client.get("/personer/1923/").content.decode()
    link = html.unescape(re.search(r'href="([^"]*)">Registrera placering<', person_page).group(1))
    assert link == "/placeringar/create/?person=1923"
    form_page = client.get(link).content.decode()
    assert f'name="id_number" value="{child.id_number}"' in form_page
    select = form_page.split('name="intervention"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d+)"', select) == [str(i.pk) for i in reversed(mine)]

    response = client.post(link, {
        "id_number": child.id_number, "intervention": mine[0].pk, "care_type": care_type("FH_JOUR").pk,
        "unit": units["own"].pk, "legal_basis": "LVU", "start_on": "2024-02-01", "monthly_amount": "42000",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    placement = Placement.objects.get(person=child)
    assert (placement.intervention_id, placement.person.id_number) == (
        mine[0].pk, parse_id_number(child.id_number).canonical)
