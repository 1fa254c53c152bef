"""The suite on several processes (pytest-xdist), given by scripts/test.sh as a plugin (`-p tests.xdist_env`)
so it loads before Django's settings.

- Each worker process gets a Redis database of its own, so the Celery worker one of them starts never takes the
  other's tasks (tasks that would then run against the other's test database). pytest-django already gives each
  worker a test database of its own (test_<name>_gw<n>). The databases come from IFO_TEST_REDIS_DBS.
- With `--dist load`, tests are handed out one by one in pytest-django's order, so each process runs the tests
  that roll back before those that commit and flush (a flush empties the migrations' data, which some tests read
  as migrated). A module in ONE_PROCESS_MODULES is handed out whole: its module fixture is made once.
  (xdist's own `--dist loadgroup` marks do nothing under pytest 9, which no longer takes a changed node id.)"""

import os

import pytest
from xdist.scheduler import LoadScopeScheduling

# tests/web/test_bootstrap.py: its installed database costs 25–35 s of migrations, once for the module.
# tests/faults/test_faults.py: its private PostgreSQL, Redis, web and worker take 35 s to start, once per process.
ONE_PROCESS_MODULES = frozenset({"tests/web/test_bootstrap.py", "tests/faults/test_faults.py"})


def worker_redis_url(url: str, worker: str, databases: str) -> str:
    """The Redis URL of worker `gw<n>`: the n-th of the comma-separated `databases` in place of url's database."""
    choices = databases.split(",")
    index = int(worker.removeprefix("gw"))
    if index >= len(choices):
        raise RuntimeError(f"IFO_TEST_REDIS_DBS har {len(choices)} Redis-databaser, för få för {worker}")
    return url.rsplit("/", 1)[0] + "/" + choices[index]


_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ.get("IFO_TEST_REDIS_DBS") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], _worker, os.environ["IFO_TEST_REDIS_DBS"])


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


class OneByOneKeepingModules(LoadScopeScheduling):
    """A work unit per test, in collection order, except the modules that must stay on one process. xdist puts the
    larger units first (its loadscope reorder), which starts those long modules early."""

    def _split_scope(self, nodeid: str) -> str:
        module = module_of(nodeid)
        return module if module in ONE_PROCESS_MODULES else nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "load":
        return None
    return OneByOneKeepingModules(config, log)
