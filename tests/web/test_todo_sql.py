"""Att göra paged in SQL (issue 19 point 2): the page's items come from one statement, however many items
the list has, and the totals from another."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import login
from tests.web.test_todo import fast_password_hashing, todo  # noqa: F401  (the same world as the list's tests)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [{}, {"sort": "-responsible"}, {"due": "14", "sort": "unit"}])
def test_the_page_is_one_statement_and_the_totals_another(todo, params):  # noqa: F811
    client = login(todo.eva)
    client.get("/att-gora/", params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/att-gora/", params).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum(1 for sql in statements if sql.startswith("SELECT t_part")) == 1
    assert sum(1 for sql in statements if sql.startswith("SELECT count(*), count(*) FILTER")) == 1
