"""Where the load bench's CPU goes (issue 19: is the locust run CPU-bound?), read from /proc, Linux only.

bench/load.py samples before and after the locust run: the machine's busy core-seconds (/proc/stat: every
process, PostgreSQL and whatever else runs on the host included), the web server's (gunicorn's master and its
workers, the workers it replaced included through the master's cutime) and locust's own (the bench's waited-for
children: locust is the only one waited for during the run). Figures only, as the rest of the bench.
"""

import os
import re
import resource
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def machine() -> tuple[float, float]:
    """(busy, total) core-seconds since boot, every core: busy is user, nice, system, irq, softirq and steal."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy / TICK, (busy + idle + iowait) / TICK


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # gone meanwhile
        return None
    return text[text.rindex(")") + 2:].split()  # after "pid (comm) ": state, ppid, ...


def process_tree(root: int) -> float:
    """CPU seconds of `root` and every live descendant; children that ended count through their parent's
    cutime/cstime once waited for (gunicorn's master waits for the workers it replaces)."""
    parents: dict[int, int] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)], stats[int(entry.name)] = int(fields[1]), fields
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree and pid not in tree}
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        if (fields := stats.get(pid)) is not None:
            # utime, stime (fields 14, 15 of stat); cutime, cstime (16, 17) for the root only: a live child's
            # own waited-for children are counted by the child itself.
            total += int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if pid == root else 0)
    return total / TICK


class DatabaseMeter(threading.Thread):
    """The CPU of the PostgreSQL processes serving one database: its backends (\"postgres: user DATABASE ...\") and
    the parallel workers they start, sampled every `interval` seconds while the run lasts. A process's last
    sample counts, so the CPU a short-lived parallel worker spent after its last sample is missed: a lower bound."""

    def __init__(self, database: str, interval: float = 0.2):
        super().__init__(daemon=True)
        self.database, self.interval = database, interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.done = threading.Event()

    def _ours(self) -> dict[int, float]:
        found, workers = {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if not command.startswith("postgres: ") or (fields := _stat(int(entry.name))) is None:
                continue
            seconds = (int(fields[11]) + int(fields[12])) / TICK
            if (leader := re.match(r"postgres: parallel worker for PID (\d+)", command)) is not None:
                workers[int(entry.name)] = (int(leader.group(1)), seconds)
            elif f" {self.database} " in command:
                found[int(entry.name)] = seconds
        found.update({pid: seconds for pid, (leader, seconds) in workers.items() if leader in found})
        return found

    def run(self) -> None:
        started = True
        while not self.done.is_set():
            for pid, seconds in self._ours().items():
                # A process already there at the start counts from then; one started during the run from 0.
                self.first.setdefault(pid, seconds if started else 0.0)
                self.last[pid] = seconds
            started = False
            self.done.wait(self.interval)

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def waited_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Sample:
    wall: float
    busy: float
    total: float
    web: float
    children: float


def sample(web_pid: int) -> Sample:
    busy, total = machine()
    return Sample(time.monotonic(), busy, total, process_tree(web_pid), waited_children())


def report(before: Sample, after: Sample, requests: int, database_s: float = 0.0) -> dict:
    """The run's CPU: core-seconds and cores (seconds ÷ wall time) of the machine, the web, its database's
    PostgreSQL processes (DatabaseMeter), locust and the rest (anything else on the host), and the web's and the
    machine's CPU per request in ms."""
    wall = after.wall - before.wall
    cores = (after.total - before.total) / wall if wall else 0
    machine_s, web_s = after.busy - before.busy, after.web - before.web
    locust_s = after.children - before.children
    return {
        "wall": wall, "cores": cores, "machine_s": machine_s, "web_s": web_s, "locust_s": locust_s,
        "database_s": database_s, "rest_s": max(machine_s - web_s - locust_s - database_s, 0.0),
        "busy_share": machine_s / (after.total - before.total),
        "database_ms_per_request": 1000 * database_s / requests if requests else None,
        "web_ms_per_request": 1000 * web_s / requests if requests else None,
        "machine_ms_per_request": 1000 * (machine_s - locust_s) / requests if requests else None,
    }


def describe(cpu: dict, requests: int) -> str:
    def c(seconds):
        return f"{seconds:.0f} s = {seconds / cpu['wall']:.2f} kärnor".replace(".", ",")

    per = "" if not requests else (
        f"; per anrop: webben {cpu['web_ms_per_request']:.0f} ms, databasen minst {cpu['database_ms_per_request']:.0f}"
        f" ms, hela maskinen utom locust {cpu['machine_ms_per_request']:.0f} ms CPU")
    return (f"CPU under lasten ({cpu['wall']:.0f} s, {requests} anrop, {requests / cpu['wall']:.1f} anrop/s): "
            f"maskinen {cpu['busy_share'] * 100:.0f} % upptagen av {cpu['cores']:.0f} kärnor ({c(cpu['machine_s'])}); "
            f"webben (gunicorn) {c(cpu['web_s'])}; databasens PostgreSQL-processer minst {c(cpu['database_s'])}; "
            f"locust {c(cpu['locust_s'])}; resten (andra processer) {c(cpu['rest_s'])}{per}").replace(".", ",")
