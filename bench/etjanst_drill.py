"""`make drill` (issue 12, point 3): 8 e-tjänst clients post 9 000 orosanmälningar over several minutes
against the web server and worker started as `make run` starts them (the Procfile's commands: gunicorn
with its connection pool, Celery), on a database of their own (scripts/drill.sh makes it).

Every round the 8 clients post at the same moment (a barrier): three reports about one new child, two about
another (one in the short ÅÅMMDD-NNNN form), two about unknown children born the same day (reservnummer),
and one repeat of the first client's reference. Prints the status codes and checks the database: one person
per child, one case per child, one intake per reference. Exit status 1 on any 5xx, network error or wrong
count; wall time never fails it. tests/web/test_etjanst_load.py runs a small version in `make test`.
"""

import argparse
import datetime
import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CLIENTS = 8
NEW_PER_ROUND = 7  # 8 posts, one of them a repeated reference
FIRST_BIRTH = datetime.date(2009, 1, 1)
RESERVE_BIRTH = datetime.date(2012, 1, 1)


@dataclass
class DrillResult:
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    rounds: int = 0
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)

    def summary(self) -> str:
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        errors = ", ".join(f"{name}: {n}" for name, n in sorted(self.errors.items())) or "inga"
        total = sum(self.statuses.values())
        return (f"{total} svar på {self.seconds:.1f} s ({self.rounds} omgångar): {codes}; "
                f"5xx: {self.server_errors}; nätverksfel: {errors}")


def round_bodies(round_no: int, run_tag: str) -> list[dict]:
    """The 8 bodies of one round, all about children no earlier round named."""
    from socialtjanst.identity import synthetic_id_number

    def child_number(k: int) -> str:
        return synthetic_id_number(FIRST_BIRTH + datetime.timedelta(days=k // 20), k % 20)

    received = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).replace(microsecond=0)
    first, second = child_number(2 * round_no), child_number(2 * round_no + 1)
    reserve_birth = (RESERVE_BIRTH + datetime.timedelta(days=round_no % 400)).isoformat()

    def body(i: int, **person) -> dict:
        return {
            "referens": f"{run_tag}-{round_no}-{i}", "inkom": received.isoformat(), "anmalare_kategori": "skola",
            "anmalare_kontakt": "Drill", "oro_kategorier": ["vald"], "beskrivning": "Belastningsprov.", **person,
        }

    bodies = [
        body(0, personnummer=first), body(1, personnummer=first[2:]), body(2, personnummer=first),
        body(3, personnummer=second), body(4, personnummer=second),
        body(5, fornamn="Drill", efternamn="Okänd", fodelsedatum=reserve_birth),
        body(6, fornamn="Drill", efternamn="Okändare", fodelsedatum=reserve_birth),
    ]
    bodies.append(dict(bodies[0]))  # the same reference as client 0, at the same moment
    return bodies


def run_drill(*, port: int, token: str, rounds: int, minutes: float = 0.0, run_tag: str = "DRILL") -> DrillResult:
    """`rounds` rounds of 8 simultaneous posts, paced to last about `minutes` if the server keeps up."""
    result = DrillResult()
    lock = threading.Lock()
    all_bodies: list[list[dict]] = []
    interval = minutes * 60 / rounds if minutes else 0.0
    started = time.monotonic()

    def prepare() -> None:
        # Runs in the barrier's last arriver before the round is released: every client sees the same bodies.
        next_round = len(all_bodies)
        if interval:
            delay = started + next_round * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        all_bodies.append(round_bodies(next_round, run_tag))

    barrier = threading.Barrier(CLIENTS, action=prepare)

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for r in range(rounds):
            barrier.wait()
            try:
                conn.request("POST", "/api/e-tjanst/orosanmalningar/", json.dumps(all_bodies[r][i]), headers)
                response = conn.getresponse()
                response.read()
                with lock:
                    result.statuses[response.status] += 1
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with lock:
                    result.errors[type(exc).__name__] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.rounds = rounds
    result.seconds = time.monotonic() - started
    return result


def database_problems(client, rounds: int, run_tag: str) -> list[str]:
    """What the database says went wrong: duplicate persons, cases or intakes, or missing intakes."""
    from django.db.models import Count

    from socialtjanst.models import Case, Intake

    problems = []
    intakes = Intake.objects.filter(e_service_client=client, external_reference__startswith=f"{run_tag}-")
    expected = rounds * NEW_PER_ROUND
    if intakes.count() != expected:
        problems.append(f"{intakes.count()} anmälningar, väntat {expected}")
    per_child = intakes.values("case__person").annotate(n=Count("pk"))
    sizes = Counter(row["n"] for row in per_child)
    # Per round: one child with 3 reports, one with 2, two reservnummer children with 1 each.
    wanted = Counter({3: rounds, 2: rounds, 1: 2 * rounds})
    if sizes != wanted:
        problems.append(f"anmälningar per barn {dict(sizes)}, väntat {dict(wanted)}")
    duplicate_cases = (Case.objects.filter(intakes__in=intakes, status=Case.Status.OPEN).values("person", "unit")
                       .annotate(n=Count("pk", distinct=True)).filter(n__gt=1).count())
    if duplicate_cases:
        problems.append(f"{duplicate_cases} barn har fler än ett öppet ärende på enheten")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=9000, help="antal anmälningar totalt (8 per omgång)")
    parser.add_argument("--minutes", type=float, default=4.0, help="sprid omgångarna över så många minuter")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DRILL_PORT", "8010")))
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench import serve
    from socialtjanst.management.commands.create_etjanst_client import create_client
    from socialtjanst.models import Unit

    unit = Unit.objects.filter(is_intake=True, target_group="barn_unga").order_by("pk").first()
    run_tag = f"DRILL{int(time.time())}"
    client, token = create_client(f"Drill {run_tag}", unit)
    rounds = max(1, args.reports // CLIENTS)
    logs = Path(os.environ.get("DRILL_LOG_DIR", serve.ROOT / ".local"))
    logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    print(f"Startar webb (Procfile: gunicorn) och worker på 127.0.0.1:{args.port}; loggar i {logs}", flush=True)
    worker = serve.start("worker", env, logs / "drill-worker.log")
    web = serve.start_web(env, args.port, logs / "drill-web.log")
    try:
        print(f"{CLIENTS} klienter, {rounds * CLIENTS} anmälningar i {rounds} omgångar, "
              f"omkring {args.minutes:g} minuter", flush=True)
        result = run_drill(port=args.port, token=token, rounds=rounds, minutes=args.minutes, run_tag=run_tag)
    finally:
        serve.stop(web)
        serve.stop(worker)
    print(result.summary())
    problems = database_problems(client, rounds, run_tag)
    for problem in problems:
        print(f"FEL: {problem}")
    failed = result.server_errors or sum(result.errors.values()) or problems
    print("Resultat: " + ("FEL" if failed else "inga 5xx, inga nätverksfel, rätt antal i databasen"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
