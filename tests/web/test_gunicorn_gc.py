"""gunicorn.conf.py moves a worker's long-lived objects out of the garbage collector's sight (gc.freeze) once the
application is loaded and again after its first requests: a full collection over them stopped the worker for
about 110 ms at national scale. Run in a child process, so this test's own collector is left as it is."""

import subprocess
import sys

from bench import serve

HOOKS = """
import gc, runpy
cfg = runpy.run_path("gunicorn.conf.py")

class Worker:
    nr = 0

worker = Worker()
counts = [gc.get_freeze_count()]
cfg["post_worker_init"](worker)
counts.append(gc.get_freeze_count())
kept = []
for n in range(1, 300):
    worker.nr = n
    kept.append([object() for _ in range(50)])  # what a request leaves loaded
    cfg["post_request"](worker, None, {}, None)
    if n in (24, 25, 249, 250):
        counts.append(gc.get_freeze_count())
print(*counts)
"""


def test_a_worker_freezes_its_loaded_objects_after_start_and_after_its_first_requests():
    result = subprocess.run([sys.executable, "-c", HOOKS], cwd=serve.ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    start, loaded, before_25, at_25, before_250, at_250 = map(int, result.stdout.split())
    assert start == 0 and loaded > 1000  # the application's objects, frozen once it is loaded
    assert at_25 > before_25 == loaded  # nothing more until the 25th request, then what the requests loaded
    assert at_250 > before_250 == at_25
