"""Tasks that exist only for the fault drills; the drill worker imports them with `-I`."""

import os
import time
from pathlib import Path

from celery import shared_task

from budget.tasks import RETRY_POLICY, GuardedTask


@shared_task(name="drill.sleep", acks_late=True)
def sleep(seconds: float, started_marker: str) -> None:
    Path(started_marker).write_text(str(os.getpid()))
    time.sleep(seconds)


@shared_task(name="drill.touch", acks_late=True)
def touch(path: str) -> None:
    Path(path).write_text("done")


@shared_task(name="drill.poison", base=GuardedTask)
def poison() -> None:
    """Kills the process that runs it, every time: a message no worker survives."""
    os._exit(1)


@shared_task(name="drill.fail_until", base=GuardedTask, **RETRY_POLICY)
def fail_until(path: str) -> None:
    """Fails with an error that is not transient until `path` exists."""
    if not Path(path).exists():
        raise ValueError("Övningsfel: filen saknas")
