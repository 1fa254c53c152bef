"""The suite on two processes (tests/xdist_env.py): two pytest-xdist workers never share a Redis database, so
neither's Celery worker can take the other's tasks, and each has its own test database."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.xdist_env import ONE_PROCESS_MODULES, module_of

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_a_worker_has_its_own_redis_database_and_test_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not os.environ.get("IFO_TEST_REDIS_DBS"):
        pytest.skip("körs inte under pytest-xdist från scripts/test.sh")
    index = int(worker.removeprefix("gw"))
    databases = os.environ["IFO_TEST_REDIS_DBS"].split(",")
    assert len(set(databases)) == len(databases)
    assert settings.REDIS_URL.rsplit("/", 1)[1] == databases[index]
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert connection.settings_dict["NAME"].endswith(f"_{worker}")


def test_the_modules_kept_on_one_process_exist():
    """A renamed module would otherwise be split over both processes without anyone noticing."""
    assert all((ROOT / module).is_file() for module in ONE_PROCESS_MODULES)
    assert module_of("tests/web/test_bootstrap.py::test_x[a::b]") == "tests/web/test_bootstrap.py"
