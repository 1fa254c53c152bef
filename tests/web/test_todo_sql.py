"""Att göra paged in SQL (issue 19 point 2): the page's items and the list's totals come from one statement, however
many items the list has (each statement builds every open item in scope, so a second one doubled the page's time)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    assert sum(1 for sql in statements if sql.startswith("SELECT t_part")) == 1
    assert sum(1 for sql in statements if "count(*) OVER ()" in sql) == 1
    assert not any(sql.startswith("SELECT count(*), count(*) FILTER") for sql in statements)
