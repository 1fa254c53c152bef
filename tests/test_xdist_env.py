"""Two pytest-xdist workers never share a Redis database (tests/xdist_env.py), so neither's Celery worker can take
the other's tasks, and each has its own test database."""

import os

import pytest
from django.conf import settings
from django.db import connection


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
