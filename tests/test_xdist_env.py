"""The suite on two processes (tests/xdist_env.py): two pytest-xdist workers never share a Redis database, so
neither's Celery worker can take the other's tasks; each has its own test database; and the modules that must stay
on one process are handed out whole, every other test alone."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.xdist_env import ONE_PROCESS_MODULES, OneByOneKeepingModules, worker_redis_url

ROOT = Path(__file__).resolve().parents[1]


def test_each_worker_takes_its_own_redis_database_and_a_missing_one_is_an_error():
    assert worker_redis_url("redis://127.0.0.1:63799/1", "gw0", "1,9") == "redis://127.0.0.1:63799/1"
    assert worker_redis_url("redis://127.0.0.1:63799/1", "gw1", "1,9") == "redis://127.0.0.1:63799/9"
    with pytest.raises(RuntimeError, match="för få för gw2"):
        worker_redis_url("redis://127.0.0.1:63799/1", "gw2", "1,9")


@pytest.mark.django_db
def test_this_worker_runs_on_its_redis_database_and_test_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not os.environ.get("IFO_TEST_REDIS_DBS"):
        pytest.skip("körs inte under pytest-xdist från scripts/test.sh")
    index = int(worker.removeprefix("gw"))
    databases = os.environ["IFO_TEST_REDIS_DBS"].split(",")
    assert len(set(databases)) == len(databases)
    assert settings.REDIS_URL.rsplit("/", 1)[1] == databases[index]
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert connection.settings_dict["NAME"].endswith(f"_{worker}")


def test_a_listed_module_is_one_work_unit_and_every_other_test_its_own():
    split = OneByOneKeepingModules._split_scope
    assert ONE_PROCESS_MODULES and all((ROOT / module).is_file() for module in ONE_PROCESS_MODULES)
    for module in ONE_PROCESS_MODULES:
        assert split(None, f"{module}::test_one") == split(None, f"{module}::test_two[a::b]") == module
    other = "tests/test_links.py::test_a_name_without_an_id_is_refused"
    assert split(None, other) == other
