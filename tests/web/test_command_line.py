"""scripts/services.sh as a newcomer meets it: a second checkout on the same machine, `make stop`, and a
checkout the postgres system user cannot read. Each test runs the real script in throw-away checkouts under
/tmp with servers on free ports of their own; the project's shared servers are never touched."""

import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The tests that start and stop servers of their own are fault tests (README), skipped by -m 'not faults'.
servers = pytest.mark.faults


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _checkout(base: Path, name: str) -> Path:
    checkout = base / name
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "services.sh", checkout / "scripts" / "services.sh")
    return checkout


def _sh(checkout: Path, script: str, pg_port: int, redis_port: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("IFO_PG_DIR",)}
    env.update(IFO_PG_PORT=str(pg_port), IFO_REDIS_PORT=str(redis_port), IFO_PG_FSYNC="off")
    return subprocess.run(["bash", "-c", f"source scripts/services.sh && {script}"], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def base():
    path = Path(tempfile.mkdtemp(prefix="ifo-checkouts-", dir="/tmp"))
    path.chmod(0o755)  # a directory the postgres system user can reach, as a normal clone is
    yield path
    shutil.rmtree(path, ignore_errors=True)


@servers
def test_a_second_checkout_on_the_same_ports_is_told_what_to_do_and_its_stop_leaves_the_first_running(base):
    pg_port, redis_port = _free_port(), _free_port()
    one, two = _checkout(base, "one"), _checkout(base, "two")
    try:
        started = _sh(one, "start_postgres && start_redis", pg_port, redis_port)
        assert started.returncode == 0, started.stderr

        pg = _sh(two, "start_postgres", pg_port, redis_port)
        assert pg.returncode != 0
        assert f"Port {pg_port} på 127.0.0.1 används redan av en annan server, troligen PostgreSQL för en annan " \
               "utcheckning av IFO-stöd" in pg.stderr
        assert "export IFO_PG_PORT=" in pg.stderr and "could not start server" not in pg.stderr
        assert not (two / ".local" / "pg" / "data").exists()  # refused before initdb, nothing left behind
        redis = _sh(two, "start_redis", pg_port, redis_port)
        assert redis.returncode != 0
        assert f"Port {redis_port} på 127.0.0.1 används redan av en annan server, troligen Redis" in redis.stderr

        stopped = _sh(two, "stop_services", pg_port, redis_port)
        assert stopped.returncode == 0, stopped.stderr
        assert _answers(pg_port) and _answers(redis_port)  # the first checkout's servers still run
        assert _sh(one, "services_running", pg_port, redis_port).returncode == 0
    finally:
        _sh(one, "stop_services", pg_port, redis_port)
    assert not _answers(pg_port) and not _answers(redis_port)


@servers
def test_this_checkouts_servers_are_reused_and_stopped_by_their_pid_files(base):
    pg_port, redis_port = _free_port(), _free_port()
    one = _checkout(base, "one")
    try:
        assert _sh(one, "start_postgres && start_redis", pg_port, redis_port).returncode == 0
        again = _sh(one, "start_postgres && start_redis", pg_port, redis_port)
        assert again.returncode == 0, again.stderr
        assert f"PostgreSQL kör redan på 127.0.0.1:{pg_port}" in again.stderr
        assert f"Redis kör redan på 127.0.0.1:{redis_port}" in again.stderr
    finally:
        stopped = _sh(one, "stop_services", pg_port, redis_port)
    assert stopped.returncode == 0, stopped.stderr
    assert "Stoppar PostgreSQL" in stopped.stderr and "Stoppar Redis" in stopped.stderr
    assert not _answers(pg_port) and not _answers(redis_port)


@servers
@pytest.mark.skipif(os.geteuid() != 0, reason="the postgres system user runs the server only when we are root")
def test_a_checkout_the_postgres_user_cannot_read_keeps_its_cluster_where_it_can():
    private = Path(tempfile.mkdtemp(prefix="ifo-private-", dir="/tmp"))  # 0700, owned by root
    checkout = _checkout(private, "ifo")
    pg_port, redis_port = _free_port(), _free_port()
    cluster = Path("/var/lib/postgresql") / f"ifo-{hashlib.sha1(str(checkout).encode()).hexdigest()[:12]}"  # noqa: S324
    try:
        started = _sh(checkout, "start_postgres && psql_super -d postgres -tAc 'SELECT 41 + 1'", pg_port, redis_port)
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip() == "42"
        assert f"Systemanvändaren postgres kan inte läsa {checkout}: klustret ligger i {cluster}" in started.stderr
        assert (cluster / "data" / "PG_VERSION").exists()
    finally:
        stopped = _sh(checkout, "stop_services", pg_port, redis_port)
        shutil.rmtree(cluster, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)
    assert stopped.returncode == 0, stopped.stderr
    assert not _answers(pg_port)


def test_uv_in_the_user_bin_directory_is_found_without_it_on_path(tmp_path):
    # pip --user puts uv in ~/.local/bin; a shell without that on PATH must not install it again on every run.
    bin_dir = tmp_path / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "uv").write_text("#!/bin/sh\necho uv 0.0.0\n")
    (bin_dir / "uv").chmod(0o755)
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    found = subprocess.run(["bash", "-c", "source scripts/services.sh && uv_on_path && command -v uv"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=60, check=False)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == str(bin_dir / "uv")
    assert "Installerar uv" not in found.stderr


def test_readme_command_lines_use_manage_and_name_commands_that_exist():
    from django.core.management import get_commands

    commands, section, wrong, unknown = set(get_commands()), "", [], []
    for number, line in enumerate((ROOT / "README.md").read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("## "):
            section = line
        # Outside the sections for the municipality's server, a newcomer's command line is ./manage (make run's env).
        if not section.startswith("## Drift") and re.search(r"python manage\.py [a-z]", line):
            wrong.append(number)
        unknown += [(number, name) for name in re.findall(r"(?:\./manage|manage\.py) ([a-z_]+)", line)
                    if name not in commands]
    assert wrong == []
    assert unknown == []
