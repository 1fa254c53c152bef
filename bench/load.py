"""`make bench` part 2 (issue 12, point 4): a load test with locust, bounded and on loopback only.

Starts the web server as `make run` does (the Procfile's gunicorn line, with its connection pool) on the
demo municipality that scripts/bench.sh loaded, warms it up with the same users for WARM_SECONDS (not counted),
then runs bench/locustfile.py headless: 50 users for 60 s, counted from when all of them run, mixed reads
(Att göra, person and case lists, a case, placements, follow-up, reports, deadlines, IVO) and writes (reports
through the web form with CSRF and through the e-tjänst API). Prints p50/p95 per page and the failure count.
Exit status 1 on any failure; response times never fail it.
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def prepare_targets(new_numbers: int = 3000) -> dict:
    """Ids the users visit, an e-tjänst token, and personnummer that no person has yet."""
    import datetime

    from django.conf import settings

    from socialtjanst.demo import DEMO_PASSWORD
    from socialtjanst.identity import synthetic_id_number
    from socialtjanst.management.commands.create_etjanst_client import create_client
    from socialtjanst.models import Case, Person, Unit

    unit = Unit.objects.get(code="MOTT_BARN")
    case_ids = list(Case.objects.filter(unit__code__in=["MOTT_BARN", "UTR_BARN"]).values_list("pk", flat=True)[:200])
    numbers, k = [], 0
    while len(numbers) < new_numbers:
        # Only the candidates are looked up, not every person (a million at national scale).
        candidates = [synthetic_id_number(datetime.date(2008, 1, 1) + datetime.timedelta(days=j // 20), j % 20)
                      for j in range(k, k + new_numbers)]
        taken = set(Person.objects.filter(id_number__in=candidates).values_list("id_number", flat=True))
        numbers += [n for n in candidates if n not in taken][:new_numbers - len(numbers)]
        k += new_numbers
    _, token = create_client(f"Lasttest {os.getpid()} {datetime.datetime.now(datetime.UTC):%H%M%S}", unit)
    return {"password": DEMO_PASSWORD, "case_ids": case_ids, "intake_unit_id": unit.pk, "contact": REPORTER_CONTACT,
            "etjanst_token": token, "new_id_numbers": numbers, "cookie": settings.SESSION_COOKIE_NAME,
            "sessions": signed_in_sessions(SESSIONS_PER_ROLE)}


# The reporter's contact of every report the load writes (by the form and by the e-tjänst, bench/locustfile.py),
# so the reports earlier runs left can be found.
REPORTER_CONTACT = "Lasttest"


def close_earlier_load_cases() -> int:
    """Closes the open cases that earlier load runs' reports opened, as the mottagning does with reports it has
    handled (socialtjanst.services.case_close, as the enhetschef). Left open, they piled up as unassigned cases in
    the mottagning, thousands after a few dozen runs (the national set has none), and made Ofördelade on Att göra
    and the deadlines heavier with every run. A case cannot be deleted (PROTECT), only thinned out by gallring.
    Returns how many were closed."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from socialtjanst.models import Case
    from socialtjanst.services import case_close

    by = get_user_model().objects.get(username="enhetschef")
    today = timezone.localdate()
    left = list(Case.objects.filter(status=Case.Status.OPEN, intakes__reporter_contact=REPORTER_CONTACT)
                .distinct().values_list("pk", "version"))
    for pk, version in left:
        case_close(by=by, case_id=pk, expected_version=version, closed_on=today)
    return len(left)


# Sessions made before the run, so the users start on their pages: fifty password log-ins at once (the hasher is
# slow on purpose) took most of the 60 s on two cores and left the list pages a handful of requests. Two users
# per role still log in with the password, so the log-in path is exercised; its times are in the warm-up's
# statistics (warm_stats.csv), since the counted run starts once the users have started.
SESSIONS_PER_ROLE = 50
LOAD_USERS = ("handlaggare", "enhetschef", "controller")


def signed_in_sessions(count: int) -> dict[str, list[str]]:
    """{username: [session key, ...]}: sessions as a log-in makes them (Django's test client, no password)."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    sessions = {}
    for username in LOAD_USERS:
        user = User.objects.get(username=username)
        keys = []
        for _ in range(count):
            client = Client()
            client.force_login(user)
            keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        sessions[username] = keys
    return sessions


# The list pages of bench/locustfile.py, whose p95 issue 19 asks to stay under 150 ms (reported, never failed on),
# with the user and address bench/locustfile.py opens them as (Att göra: the handläggare's, most of its calls).
LIST_PAGES = {"Att göra": ("handlaggare", "/att-gora/"), "personlista": ("handlaggare", "/personer/"),
              "ärendelista": ("handlaggare", "/arenden/"), "placeringslista": ("controller", "/placeringar/"),
              "IVO-lista": ("enhetschef", "/uppfoljning/ivo/")}
# Every other page of the mix (GET), timed alone as well: the run is only as fast as the mix's CPU allows, so
# each page's cost alone says which ones the machine's two cores spend the run on. "{case}" is a case of the run.
OTHER_PAGES = {"ärende": ("handlaggare", "/arenden/{case}/"),
               "ny anmälan (formulär)": ("handlaggare", "/anmalningar/create/"),
               "frister": ("enhetschef", "/uppfoljning/frister/"), "Att göra, enhetschef": ("enhetschef", "/att-gora/"),
               "uppföljning": ("controller", "/budget/uppfoljning/"), "rapporter": ("controller", "/rapporter/")}
LIST_P95_TARGET_MS = 150
ALONE_RUNS = 3


def warm_up(port: int, parallel: int = 12, timeout: float = 240.0) -> float:
    """Waits until every gunicorn worker answers: they load the application after the fork, and on a busy machine
    the first page timed alone waited half a minute for that (29 s for Att göra in the first national run).
    Returns the seconds it took."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def live(_):
        requests.get(f"http://127.0.0.1:{port}/halsa/live", timeout=timeout)

    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        while time.perf_counter() - started < timeout:
            round_started = time.perf_counter()
            list(pool.map(live, range(parallel)))
            if time.perf_counter() - round_started < 1.0:
                break
    return time.perf_counter() - started


def time_alone(port: int, cookie: str, sessions: dict[str, list[str]], case_id: int) -> dict[str, float]:
    """Each page's time with nothing else running, in ms (best of ALONE_RUNS, one request at a time, against
    the same server before the users start): the reference the p95 under load is compared with. A page over 10 s
    is not repeated."""
    import time

    import requests

    alone = {}
    for name, (username, path) in {**LIST_PAGES, **OTHER_PAGES}.items():
        path = path.format(case=case_id)
        client = requests.Session()
        client.cookies.set(cookie, sessions[username][-1])
        times = []
        for _ in range(ALONE_RUNS):
            started = time.perf_counter()
            response = client.get(f"http://127.0.0.1:{port}{path}", allow_redirects=False, timeout=120)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or times[-1] > 10_000:
                break
        alone[name] = min(times)
    return alone


def print_stats(stats_csv: Path, alone: dict[str, float] | None = None) -> int:
    """p50/p95 per page from locust's CSV, then the list pages' p95 beside the target and beside the same page
    alone; returns the total failure count."""
    from .summary import record

    alone = alone or {}
    with stats_csv.open(newline="") as f:
        rows = list(csv.DictReader(f))
    print(f"{'sida':<28} {'anrop':>7} {'fel':>5} {'p50 ms':>8} {'p95 ms':>8} {'ensam ms':>9}")
    failures = 0
    for row in rows:
        name = "Totalt" if row["Name"] == "Aggregated" else row["Name"]
        own = f"{alone[row['Name']]:.0f}" if row["Name"] in alone else ""
        print(f"{name:<28} {row['Request Count']:>7} {row['Failure Count']:>5} {row['50%']:>8} {row['95%']:>8}"
              f" {own:>9}")
        if row["Name"] == "Aggregated":
            failures = int(row["Failure Count"])
            record(f"locust, alla sidor p95 ({row['Request Count']} anrop, {failures} fel)",
                   float(row["95%"]), unit="ms")
    lists = [(row["Name"], float(row["95%"])) for row in rows if row["Name"] in LIST_PAGES]
    p50 = {row["Name"]: float(row["50%"]) for row in rows}
    print(f"Listsidornas p95 (mål under {LIST_P95_TARGET_MS} ms, information; inom parentes samma sida ensam, "
          f"bästa av {ALONE_RUNS}): "
          + ", ".join(f"{name} {p95:.0f} ms ({alone[name]:.0f} ms)" if name in alone else f"{name} {p95:.0f} ms"
                      for name, p95 in lists))
    missing = [name for name in LIST_PAGES if name not in dict(lists)]
    if missing:
        print("Listsidor utan anrop i körningen: " + ", ".join(missing))
    if "Att göra, enhetschef" in alone:
        print(f"(Att göra ensam: handläggaren {alone['Att göra']:.0f} ms, enhetschefen "
              f"{alone['Att göra, enhetschef']:.0f} ms; i lasten delar de raden Att göra)")
    for name, p95 in lists:
        record(f"listsida p95 i locust: {name} (p50 {p50[name]:.0f} ms)", p95, unit="ms", target=LIST_P95_TARGET_MS,
               reference=alone.get(name),
               reference_label=f"samma sida ensam, bästa av {ALONE_RUNS}")
    return failures


def production_env(env: dict[str, str]) -> dict[str, str]:
    """The web as a municipality runs it: DJANGO_DEBUG off (under DEBUG, Django keeps every query's SQL and the
    page cost a fifth more CPU), on plain HTTP on loopback, where a proxy would end TLS (as tests/faults runs it).
    Its cookies are marked Secure; the locust users send them back all the same (bench/locustfile.py)."""
    return {**env, "DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0"}


# The users' first minute on a freshly started web: each gunicorn worker's first request for a page loads and
# compiles what that page needs, and the users' password log-ins (the hasher is slow on purpose) come at once. In
# the first run that counted it, the web's own times for its first 300 requests had a p95 of 2,7 s, and after
# them about 110 ms: the p95 of a 60 s run was mostly its first seconds. A worker in production serves a thousand
# requests before it is replaced (gunicorn.conf.py), so a run of 60 s made its start count six times over.
WARM_SECONDS = 20
SPAWN_RATE = 10  # users started per second


def start_locust(env: dict[str, str], targets: dict, port: int, users: int, seconds: int, csv_prefix: Path, *,
                 reset_stats: bool) -> subprocess.Popen:
    """bench/locustfile.py headless against the web. With reset_stats, locust counts from when every user has
    started (the log-ins are done), and runs `seconds` after that."""
    from bench import serve

    return subprocess.Popen(  # noqa: S603 - our own locustfile, loopback host
        [sys.executable, "-m", "locust", "-f", str(serve.ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(users), "--spawn-rate", str(SPAWN_RATE),
         "--run-time", f"{seconds + (spawn_seconds(users) if reset_stats else 0)}s",
         *(["--reset-stats"] if reset_stats else []), "--stop-timeout", "30", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING"],
        env={**env, "LOAD_TARGETS": json.dumps(targets)}, cwd=serve.ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )


def spawn_seconds(users: int) -> int:
    return -(-users // SPAWN_RATE)


def finish(locust: subprocess.Popen, timeout: float) -> str:
    """Locust's output once it has ended; stopped if it runs past `timeout` seconds."""
    try:
        return locust.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        locust.kill()
        return locust.communicate()[0]


def total_requests(stats_csv: Path) -> int:
    with stats_csv.open(newline="") as f:
        return next((int(row["Request Count"]) for row in csv.DictReader(f) if row["Name"] == "Aggregated"), 0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_LOAD_PORT", "0")),
                        help="0 = en ledig port")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The users log in with the demo password alone, as in `make run` (loopback only). Without this the web
    # sent every one of them to the second-factor page and each page counted as a failure.
    os.environ.setdefault("IFO_REQUIRE_2FA", "0")
    # One key for the sessions made here and the web that reads them (a session's hash is keyed by it).
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(32))
    import django

    django.setup()
    from django.db import connection

    from bench import cpu, serve
    from bench.summary import record

    if not args.port:
        # Not a fixed port: another bench or drill on it answered for ours while our gunicorn gave up its bind.
        args.port = serve.free_port()
    targets = prepare_targets()
    closed = close_earlier_load_cases()
    print(f"Ärenden som tidigare lasttesters anmälningar öppnade och som avslutades nu: {closed}", flush=True)
    # What the beat does every ten minutes in production (socialtjanst.tasks.tally_compact): without it, the tallies
    # of frister and Att göra kept every earlier run's + and - rows (51 719 rows for 14 861 keys on 6 December).
    from socialtjanst.tasks import tally_compact

    print(f"Räknetabellernas rader hopslagna före lasten: {tally_compact()}", flush=True)
    out = Path(tempfile.mkdtemp(prefix="ifo-load-"))
    env = production_env(dict(os.environ))
    web = serve.start_web(env, args.port, out / "web.log")
    print(f"Lasttest: {args.users} användare i {args.seconds} s mot gunicorn på 127.0.0.1:{args.port} "
          f"(loggar i {out})", flush=True)
    try:
        print(f"Webbens arbetare svarar efter {warm_up(args.port):.1f} s".replace(".", ","), flush=True)
        warm = start_locust(env, targets, args.port, args.users, WARM_SECONDS, out / "warm", reset_stats=False)
        (out / "warm.log").write_text(finish(warm, timeout=WARM_SECONDS + 180))
        warm_stats = out / "warm_stats.csv"
        print(f"Uppvärmning före mätningen (räknas inte): {args.users} användare i {WARM_SECONDS} s, "
              f"{total_requests(warm_stats) if warm_stats.exists() else 0} anrop", flush=True)
        alone = time_alone(args.port, targets["cookie"], targets["sessions"], targets["case_ids"][0])
        print(f"Sidorna ensamma före lasten (bästa av {ALONE_RUNS}): "
              + ", ".join(f"{name} {ms:.0f} ms" for name, ms in alone.items()), flush=True)
        locust = start_locust(env, targets, args.port, args.users, args.seconds, out / "load", reset_stats=True)
        # The CPU from about when locust starts counting (its own start takes a second or two).
        time.sleep(spawn_seconds(args.users) + 1)
        database = cpu.DatabaseMeter(connection.settings_dict["NAME"])
        database.start()
        before = cpu.sample(web.pid)
        output = finish(locust, timeout=args.seconds + spawn_seconds(args.users) + 180)
        after = cpu.sample(web.pid)
        database_s = database.stop()
    finally:
        serve.stop(web)
    (out / "locust.log").write_text(output)
    stats = out / "load_stats.csv"
    if not stats.exists():
        print(output[-6000:])
        print("FEL: locust skrev ingen statistik")
        return 1
    failures = print_stats(stats, alone)
    requests_made = total_requests(stats)
    used = cpu.report(before, after, requests_made, database_s)
    print(cpu.describe(used, requests_made))
    record(f"locust: maskinens CPU upptagen ({used['cores']:.0f} kärnor)", used["busy_share"] * 100, unit="%")
    if requests_made:
        record("locust: CPU per anrop, webben", used["web_ms_per_request"], unit="ms")
        record("locust: CPU per anrop, databasen (minst)", used["database_ms_per_request"], unit="ms")
        record("locust: CPU per anrop, webb + databas + resten", used["machine_ms_per_request"], unit="ms")
    record("locust: locusts egen CPU (kärnor)", used["locust_s"] / used["wall"], unit="kärnor")
    failures_csv = out / "load_failures.csv"
    if failures and failures_csv.exists():
        print(failures_csv.read_text()[:3000])
    server_errors = (out / "web.log").read_text().count("Traceback")
    print(f"Misslyckade anrop: {failures}; undantag i serverns logg: {server_errors}")
    return 1 if failures or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
