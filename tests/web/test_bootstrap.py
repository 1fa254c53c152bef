"""A new installation without demo data, as README "Drift" describes it, on a database of its own:
`migrate` on an empty database, `create_systemforvaltare`, `import_units`, then the systemförvaltare logs in
through the real log-in page of a real gunicorn and gives an imported handläggare a password, who then sees only
the unit the file gave her (B adds the TOTP and OIDC variants); and the backup: pg_dump of the whole database restored
into a fresh one with README's commands, every row there.

The commands run through ./manage with the database given (so ./manage leaves the servers alone), as
separate processes, exactly as an administrator runs them."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from socialtjanst.roles import ROLE_PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Blåbärssylt på tisdagar 7"  # noqa: S105 - a test passphrase
UNITS_FILE = (
    "enhet;enhet_namn;målgrupp;mottagning;användare;roll;förnamn;efternamn;e-post\n"
    "MOTT_BARN;Mottagning barn och unga;barn;ja;hanna;Handläggare;Hanna;Lind;hanna.lind@kommun.se\n"
    "VUXEN;Vuxenenheten;vuxna;nej;;;;;\n"
    ";;;;carl;Controller;Carl;Ek;carl.ek@kommun.se\n"
)


def _url(database: str, role: str = "ifo_owner") -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}", path=f"/{database}"))


def _admin(sql: str) -> None:
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _rows(database: str, sql: str) -> list[tuple]:
    with psycopg.connect(_url(database)) as conn:
        return conn.execute(sql).fetchall()


def _manage(*args: str, database: str, role: str = "ifo_app", stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database, role), "DATABASE_APP_ROLE": "ifo_app", "DJANGO_DEBUG": "1"}
    result = subprocess.run([str(ROOT / "manage"), *args], cwd=ROOT.parent, env=env, input=stdin, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return result


def _pg_tool(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A database that has seen only README's installation steps."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    database = f"{urlsplit(os.environ['DATABASE_URL']).path.lstrip('/')}_install{worker and '_' + worker}"
    _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{database}" OWNER ifo_owner')
    units = tmp_path_factory.mktemp("install") / "enheter.csv"
    units.write_text(UNITS_FILE, encoding="utf-8")
    try:
        _manage("migrate", "--noinput", database=database, role="ifo_owner")
        created = _manage("create_systemforvaltare", "sara", "--first-name", "Sara", "--last-name", "Holm",
                          "--email", "sara.holm@kommun.se", "--password-stdin", "--no-input",
                          database=database, stdin=PASSWORD + "\n")
        assert created.stdout == "Systemförvaltaren sara är skapad.\n"
        imported = _manage("import_units", str(units), "--user", "sara", database=database)
        assert imported.stdout.splitlines()[:2] == ["2 enheter skapade, 0 ändrade, 0 oförändrade.",
                                                    "2 konton skapade, 2 fick ny roll, 1 enhetsmedlemskap tillagda."]
        yield database
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def web(installed):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": _url(installed, "ifo_app"), "DJANGO_DEBUG": "1", "IFO_REQUIRE_2FA": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
         "config.wsgi"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/logga-in/", timeout=10)
                break
            except requests.RequestException:  # not listening yet, or still loading the application
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _log_in(base: str, username: str, password: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    form = session.get(f"{base}/logga-in/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(f"{base}/logga-in/", data={"csrfmiddlewaretoken": token, "username": username,
                                                       "password": password}, headers={"Referer": f"{base}/logga-in/"},
                            timeout=30)
    return session, response


def test_migrate_alone_gives_the_role_groups_and_the_bootstrap_commands_the_organisation(installed):
    assert _rows(installed, "SELECT g.name, p.app_label || '.' || a.codename FROM auth_group g "
                            "JOIN auth_group_permissions gp ON gp.group_id = g.id JOIN auth_permission a "
                            "ON a.id = gp.permission_id JOIN django_content_type p ON p.id = a.content_type_id "
                            "ORDER BY 1, 2") == sorted((str(role), permission)
                                                       for role, permissions in ROLE_PERMISSIONS.items()
                                                       for permission in permissions)
    assert _rows(installed, "SELECT u.username, g.name, u.is_staff FROM auth_user u JOIN auth_user_groups ug "
                            "ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id ORDER BY 1") == [
        ("carl", "Controller", False), ("hanna", "Handläggare", False), ("sara", "Systemförvaltare", True)]
    assert _rows(installed, "SELECT u.username, e.code FROM socialtjanst_unitmembership m JOIN auth_user u "
                            "ON u.id = m.user_id JOIN socialtjanst_unit e ON e.id = m.unit_id") == [
        ("hanna", "MOTT_BARN")]
    assert _rows(installed, "SELECT count(*) FROM socialtjanst_person") == [(0,)]  # no demo data


def test_the_first_systemforvaltare_logs_in_through_the_log_in_page(web):
    session, refused = _log_in(web, "sara", PASSWORD + "x")
    assert "/logga-in/" in refused.url and "Sara Holm" not in refused.text

    session, response = _log_in(web, "sara", PASSWORD)

    assert response.status_code == 200 and response.url == f"{web}/"
    assert "Sara Holm · Systemförvaltare" in response.text
    admin = session.get(f"{web}/admin/auth/user/", timeout=30)
    assert admin.status_code == 200 and "hanna" in admin.text and "carl" in admin.text


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


def test_the_systemforvaltare_gives_an_imported_handlaggare_a_password_and_she_sees_only_her_unit(web, installed):
    admin, _ = _log_in(web, "sara", PASSWORD)
    (hanna_id,) = _rows(installed, "SELECT id FROM auth_user WHERE username = 'hanna'")[0]
    url = f"{web}/admin/auth/user/{hanna_id}/password/"
    hanna_password = "Korrekt häst batteri 42"  # noqa: S105 - a test passphrase
    changed = admin.post(url, data={"csrfmiddlewaretoken": _csrf(admin, url), "password1": hanna_password,
                                    "password2": hanna_password}, headers={"Referer": url}, timeout=30)
    assert changed.status_code == 200 and changed.url == f"{web}/admin/auth/user/{hanna_id}/change/"

    hanna, response = _log_in(web, "hanna", hanna_password)

    assert "Hanna Lind · Handläggare" in response.text
    intake = hanna.get(f"{web}/anmalningar/create/", timeout=30).text
    assert "Mottagning barn och unga" in intake and "Vuxenenheten" not in intake


def test_a_dump_of_the_whole_database_restores_into_a_fresh_one_with_every_row(installed, tmp_path):
    restored = f"{installed}_restored"
    dump = tmp_path / "ifo.dump"
    tables = [name for (name,) in _rows(installed, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                                   "ORDER BY tablename")]
    counts = {t: _rows(installed, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}  # noqa: S608 - catalog names
    # README "Säkerhetskopiering", with this test's server and database names.
    subprocess.run([_pg_tool("pg_dump"), "--format=custom", f"--file={dump}", _url(installed)], check=True,
                   timeout=300)
    _admin(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    try:
        server = urlsplit(os.environ["DATABASE_URL"])
        subprocess.run([_pg_tool("createdb"), f"--host={server.hostname}", f"--port={server.port}",
                        "--username=ifo_owner", "--owner=ifo_owner", restored], check=True, timeout=60)
        subprocess.run([_pg_tool("pg_restore"), "--exit-on-error", "--single-transaction",
                        f"--dbname={_url(restored)}", str(dump)], check=True, timeout=300, capture_output=True)

        assert [name for (name,) in _rows(restored, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                                    "ORDER BY tablename")] == tables
        assert {t: _rows(restored, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables} == counts  # noqa: S608
        assert counts["auth_user"] == 3 and counts["socialtjanst_unit"] == 2 and counts["auth_group"] == 4
        assert _rows(restored, "SELECT username, email FROM auth_user WHERE username = 'sara'") == [
            ("sara", "sara.holm@kommun.se")]
        # The app role keeps its rights, and the access log stays append-only for it (migration 0002).
        with psycopg.connect(_url(restored, "ifo_app")) as conn:
            assert conn.execute("SELECT count(*) FROM socialtjanst_accessevent").fetchone()[0] == \
                counts["socialtjanst_accessevent"] > 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM socialtjanst_accessevent")
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
