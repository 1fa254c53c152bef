"""The JSON log line (socialtjanst.logging_setup): a fixed set of fields, the request's id and the user's numeric
id, and no personal data even when a log call passes some along."""

import io
import json
import logging
import sys

import pytest
from django.db import IntegrityError

from socialtjanst.logging_setup import JsonFormatter
from tests.conftest import login


@pytest.fixture
def captured():
    """The project's formatter on the root logger, as settings.LOGGING installs it, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(json_ensure_ascii=False))
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_a_request_logs_its_id_and_the_users_numeric_id_never_the_query_string(captured, handlaggare):
    client = login(handlaggare)

    response = client.get("/personer/987654321/?q=Klientsson+19121212-1212")

    assert response.status_code == 404
    assert captured() == [{
        "timestamp": captured()[0]["timestamp"], "level": "WARNING", "logger": "django.request",
        "message": "Not Found: /personer/987654321/", "request_id": response["X-Request-ID"],
        "user_id": handlaggare.pk,
    }]


def test_personnummer_and_quoted_key_values_are_redacted_and_extra_data_dropped(captured):
    log = logging.getLogger("socialtjanst.test")
    try:
        raise IntegrityError('duplicate key value violates unique constraint "person_id_number_key"\n'
                             'DETAIL:  Key (id_number)=(19121212-1212) already exists.')
    except IntegrityError:
        exc_info = sys.exc_info()
    log.error("Sparade inte %s, %s, %s, %s eller %s", "19121212-1212", "191212121212", "121212-1212", "121212+1212",
              "19121212 1212", exc_info=exc_info, extra={"person_name": "Tolvan Tolvansson", "status": 500})
    # Not a personnummer: a task id (its last group may be all digits), a year, an amount.
    log.info("Task x[0a1b2c3d-1234-4abc-8def-123456789012] succeeded; 2026; 1234567 kr")

    error, info = captured()
    assert error["message"] == ("Sparade inte [personnummer], [personnummer], [personnummer], [personnummer] "
                                "eller [personnummer]")
    assert "Key (id_number)=(…) already exists." in error["exc_info"] and "1212" not in error["exc_info"]
    assert set(error) == {"timestamp", "level", "logger", "message", "request_id", "user_id", "status", "exc_info"}
    assert error["request_id"] is None and error["user_id"] is None
    assert info["message"] == "Task x[0a1b2c3d-1234-4abc-8def-123456789012] succeeded; 2026; 1234567 kr"
