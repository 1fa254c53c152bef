"""The worker logs JSON lines, and a task sent while a request is served logs that request's id
(socialtjanst.logging_setup): the id travels in a message header from the web to the worker."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from socialtjanst.middleware import request_id_var
from socialtjanst.tasks import worker_heartbeat
from tests.worker import ROOT, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Its own queue, so the session's other test worker (tests/conftest.py) cannot take the task.
QUEUE = f"ifo-loggtest-{os.getpid()}"


@pytest.fixture
def worker_log(tmp_path):
    db = settings.DATABASES["default"]
    app_url = os.environ.get("DATABASE_APP_URL")
    url = (app_url.rsplit("/", 1)[0] + "/" + db["NAME"]) if app_url else \
        f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "--quiet", "worker", "--pool", "solo",
             "--loglevel", "INFO", "-Q", QUEUE, "--hostname", f"loggtest-{os.getpid()}@%h", "--without-mingle",
             "--without-gossip"],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: "ready" in log.read_text(), timeout=60), log.read_text()
        yield log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_task_sent_during_a_request_logs_the_requests_id_in_the_worker(worker_log):
    request_id = uuid.uuid4()
    token = request_id_var.set(request_id)  # as RequestIdMiddleware does around every request
    try:
        result = worker_heartbeat.apply_async(queue=QUEUE)
    finally:
        request_id_var.reset(token)
    worker_heartbeat.apply_async(queue=QUEUE)  # sent outside any request

    assert wait_for(lambda: worker_log.read_text().count("succeeded") == 2, timeout=30), worker_log.read_text()
    lines = [json.loads(line) for line in worker_log.read_text().splitlines()]  # every line is one JSON object
    assert all(set(line) >= {"timestamp", "level", "logger", "message", "request_id", "user_id"} for line in lines)
    # The lines logged while the task runs (its own, its retry, failure or success) carry the request's id;
    # "received" is logged by the consumer before the task starts, and has none.
    ours = [line for line in lines if result.id in line["message"]]
    assert [line["request_id"] for line in ours if line["message"].endswith("received")] == [None]
    assert [line["request_id"] for line in ours if "succeeded" in line["message"]] == [str(request_id)]
    other = [line for line in lines if "succeeded" in line["message"] and result.id not in line["message"]]
    assert len(other) == 1 and other[0]["request_id"] is None
