"""Loaded before Django's settings (`-p tests.xdist_env`, given by scripts/test.sh): under pytest-xdist, each worker
process gets a Redis database of its own, so the Celery worker one of them starts never takes the other's tasks
(tasks that would then run against the other's test database). pytest-django already gives each worker a test
database of its own (test_<name>_gw<n>). The databases come from IFO_TEST_REDIS_DBS (scripts/test.sh)."""

import os

_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ.get("IFO_TEST_REDIS_DBS") and os.environ.get("REDIS_URL"):
    _databases = os.environ["IFO_TEST_REDIS_DBS"].split(",")
    _index = int(_worker.removeprefix("gw"))
    if _index >= len(_databases):
        raise RuntimeError(f"IFO_TEST_REDIS_DBS har {len(_databases)} Redis-databaser, för få för {_worker}")
    os.environ["REDIS_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/" + _databases[_index]
