"""Starts the web server the way `make run` does (the Procfile's `web` command, gunicorn) for the load
bench, the e-tjänst drill and the tests that guard them, and stops it again. Loopback only."""

import os
import re
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def procfile_command(name: str, env: dict[str, str]) -> list[str]:
    """The Procfile's command for `name`, with ${VAR} taken from env (as honcho does)."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name:
            expanded = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), command.strip())
            return shlex.split(expanded)
    raise LookupError(f"Procfile har ingen rad {name!r}")


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Webbservern avslutades (kod {proc.returncode}) innan den svarade")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Webbservern svarade inte på 127.0.0.1:{port} inom {timeout:.0f} s")


def start(name: str, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Starts a Procfile process in its own process group, its output to log_path."""
    command = procfile_command(name, env)
    if command[0] in ("gunicorn", "celery", "python"):
        # The virtualenv's own scripts, whatever PATH says.
        venv_bin = ROOT / ".venv" / "bin" / command[0]
        if venv_bin.exists():
            command[0] = str(venv_bin)
    log = open(log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
    # The command is the project's own Procfile line, not outside input.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                            start_new_session=True)


def start_web(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    # A server already on the port (another checkout's bench or drill) would answer for ours while our
    # gunicorn retried its bind and gave up: the run would time someone else's server, or die with it.
    if port_in_use(port):
        raise RuntimeError(f"Port {port} på 127.0.0.1 används redan av en annan server; välj en annan port")
    env = {**env, "WEB_PORT": str(port)}
    proc = start("web", env, log_path)
    try:
        wait_for_port(port, proc)
    except RuntimeError:
        stop(proc)
        raise
    return proc


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGTERM to the process group this module started (gunicorn's master passes it on), then SIGKILL."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
