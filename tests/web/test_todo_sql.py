"""Att göra paged in SQL (issue 19 point 2): the page's items and the list's totals come from one statement, however
many items the list has (each statement builds every open item in scope, so a second one doubled the page's time)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socialtjanst.models import Case
from socialtjanst.todo import OVERDUE, SCREENING, TodoQuery
from tests.conftest import login
from tests.web.test_todo import fast_password_hashing, todo  # noqa: F401  (the same world as the list's tests)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [{}, {"sort": "-responsible"}, {"due": "14", "sort": "unit"}])
def test_the_page_and_its_totals_are_one_statement(todo, params):  # noqa: F811
    client = login(todo.eva)
    client.get("/att-gora/", params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/att-gora/", params).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    # Over the kept items (socialtjanst.todo_kept) the totals are a plain count beside the page, in one statement.
    reading = [sql for sql in statements if "socialtjanst_todo_item" in sql]
    assert len(reading) == 1 and reading[0].startswith("SELECT p.*, n.total, n.overdue")
    assert not any(sql.startswith("SELECT count(*), count(*) FILTER") for sql in statements)


# --- the reshaped statement equals the old shapes (issue 19 point 2) -------------------------------------------

def _key(item):
    return (item.kind, item.case.pk, item.url, item.due_on, getattr(item.responsible, "pk", None))


@pytest.fixture
def world(todo, units):  # noqa: F811
    """The list's world plus placed children (Hanna's case, and Olle's where Hanna answers for nothing) and an
    unassigned case, so every kind of part and of responsible is in it."""
    from decimal import Decimal

    from placements import services
    from tests.factories import CaseFactory, PersonFactory
    from tests.placements.factories import care_type

    today = timezone.localdate()
    for first, responsible in (("Placerad", todo.hanna), ("Flyttad", todo.olle), ("Ingen", None)):
        case = CaseFactory(unit=units["own"], responsible=responsible,
                           person=PersonFactory(first_name=first, birth_date=today - datetime.timedelta(days=3000)))
        services.placement_create(by=todo.hanna, person=case.person, care_type=care_type("FH_JOUR"), unit=units["own"],
                                  legal_basis="SoL", start_on=today - datetime.timedelta(days=200),
                                  monthly_amount=Decimal("42000"))
    return todo


ORDERS = ["due_on", "-due_on", "kind", "-kind", "unit", "responsible", "-responsible", "days_left"]


def test_the_page_with_its_totals_equals_the_rows_and_the_totals_statements(world):
    cases = Case.objects.filter(unit__in=world.eva.unitmembership_set.values("unit"))
    today = timezone.localdate()
    for responsible in (None, world.hanna, world.olle):
        for kind in ("", SCREENING, "Övervägande/omprövning"):
            for due in ("", OVERDUE, "14"):
                query = TodoQuery(cases, today, responsible, kind=kind, due=due)
                total, overdue = query.totals()
                everything = query.rows()
                assert len(everything) == total and sum(i.overdue for i in everything) == overdue
                assert query.page(offset=total + 3, limit=3) == ([], total, overdue)  # past the end: totals() asks
                for order in ORDERS if (kind, due) == ("", "") else ORDERS[:2]:
                    for offset in (0, 2):
                        found, page_total, page_overdue = query.page(order=order, offset=offset, limit=3)
                        assert (page_total, page_overdue) == (total, overdue)
                        assert [_key(i) for i in found] == [
                            _key(i) for i in query.rows(order=order, offset=offset, limit=3)]


def test_the_responsible_read_from_the_case_and_the_owners_cases_first_change_nothing(world):
    """Who answers, read from the page's cases (the list) or in the statement (the sort by name, the workload), is
    the same user; and a responsible's list, read from her own cases first, is the whole list filtered by her."""
    cases = Case.objects.filter(unit__in=world.eva.unitmembership_set.values("unit"))
    today = timezone.localdate()
    everything = TodoQuery(cases, today).rows()
    assert len(everything) >= 9 and {getattr(i.responsible, "pk", None) for i in everything} == {
        world.hanna.pk, world.olle.pk, None}
    by_name = TodoQuery(cases, today).rows(order="responsible")  # the statement reads every item's responsible
    assert sorted(map(_key, by_name), key=repr) == sorted(map(_key, everything), key=repr)
    for user in (world.hanna, world.olle, world.eva):
        own = TodoQuery(cases, today, user).rows()
        assert sorted(map(_key, own), key=repr) == sorted(
            (_key(i) for i in everything if i.responsible == user), key=repr)
    counts = TodoQuery(cases, today).counts_by_unit_and_responsible(within_days=14)
    assert sum(overdue for overdue, _soon in counts.values()) == TodoQuery(cases, today).totals()[1]


@pytest.mark.parametrize("page", ["2", "99", "0", "-1", "abc", "1" * 30])
def test_any_page_number_shows_a_page_and_the_same_totals(world, page):
    """The page asked for is fetched with the totals; past the end (or junk) the list shows its last (or first)
    page, read then, with the totals still right."""
    client = login(world.eva)
    first = client.get("/att-gora/").content.decode()
    body = client.get("/att-gora/", {"page": page}).content.decode()
    total = TodoQuery(Case.objects.filter(unit__in=world.eva.unitmembership_set.values("unit")),
                      timezone.localdate()).totals()[0]
    assert f"{total} öppna punkter" in first and f"{total} öppna punkter" in body
    assert body.count("<tr") == first.count("<tr")  # one page of fewer than 25 items: the same rows


def test_an_extension_stored_outside_the_window_marks_only_its_own_utredning(todo):  # noqa: F811
    """The utredningar with an extension dated outside common.date_window are read as one set (not probed per
    utredning): that one gets no due date and the marker, the others keep theirs, an extension inside the window
    moves its utredning's due date as deadlines.investigation_due says."""
    from socialtjanst import deadlines
    from socialtjanst.models import Investigation, InvestigationExtension
    from socialtjanst.todo import INVESTIGATION
    from tests.factories import CaseFactory
    from tests.web.test_date_window_web import drop_checks

    drop_checks(("socialtjanst_investigationextension", "investigationextension_new_due_on_in_window"))
    today = timezone.localdate()
    started = today - datetime.timedelta(days=10)
    good, bad = (Investigation.objects.create(case=CaseFactory(unit=todo.b.unit, responsible=todo.olle),
                                              started_on=started, responsible=todo.hanna) for _ in range(2))
    InvestigationExtension.objects.create(investigation=good, decided_on=today, new_due_on=started + datetime.timedelta(
        days=200), reason="Särskilda skäl", decided_by=todo.eva)
    InvestigationExtension.objects.create(investigation=bad, decided_on=today, new_due_on=datetime.date(9999, 1, 1),
                                          reason="Särskilda skäl", decided_by=todo.eva)
    items = {i.case.pk: i for i in TodoQuery(Case.objects.filter(unit=todo.b.unit), today, kind=INVESTIGATION).rows()}
    assert (items[good.case_id].due_on, items[good.case_id].kind) == (
        deadlines.investigation_due(started, [(today, started + datetime.timedelta(days=200))]), INVESTIGATION)
    assert items[bad.case_id].due_on is None and items[bad.case_id].kind.startswith(f"{INVESTIGATION} (")
    assert items[todo.b.pk].due_on == deadlines.investigation_initial_due(today - datetime.timedelta(days=10))
