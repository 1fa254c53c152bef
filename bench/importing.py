"""`make bench`: the placement import at scale (issue 19 points 1 and 4).

Builds a placement file in the shared format (placements/importing.py): `rows` rows, one placement per row and
every other placement with a second price period, new persons, units and providers as a municipality's first
file brings them. Times, into the database as it is (empty when scripts/bench.sh runs this first):
  - a third of the file, rolled back (for the growth: the seconds per row should stay the same),
  - the whole file,
  - the same file again (nothing changes: the re-import),
each beside the issue's target scaled to the file; all of it is rolled back at the end. Figures only, never a failure
on time; the exit status is non-zero only if an import raises or the re-import changes anything.
"""

import argparse
import datetime
import random
import sys
import time

from .run import _s, _x, django_setup
from .summary import record

OWN_MONTHLY = ("FH_EGET", "FH_NATVERK")
BOUGHT_DAILY = ("HVB_BOU", "HVB_VUXEN", "STODBOENDE_BOU")
HEADER = ["placerings_id", "personnummer", "kön", "enhet", "vårdform", "utförare", "utförare_namn", "verksamhet",
          "lagrum", "startdatum", "slutdatum", "pris_från", "dygnspris", "månadsbelopp", "arvode", "omkostnad"]
TARGET_EMPTY, TARGET_REIMPORT = 30.0, 15.0


def _org(serial: int) -> str:
    from socialtjanst.identity import luhn_check_digit

    nine = f"55971{serial:04d}"
    return f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"


def build_file(rows: int, *, prefix: str = "IMP", seed: int = 19) -> bytes:
    """A CSV of about `rows` rows (placements with one or two price periods), the same for a seed."""
    from socialtjanst.identity import synthetic_id_number

    rng = random.Random(seed)
    lines = [";".join(HEADER)]
    n = 0
    while len(lines) - 1 < rows:
        n += 1
        birth = datetime.date(2006, 1, 1) + datetime.timedelta(days=n // 20)
        person = synthetic_id_number(birth, n % 20)
        start = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(4 * 365))
        end = "" if rng.random() < 0.3 else (start + datetime.timedelta(days=rng.randrange(20, 700))).isoformat()
        unit = rng.choice(["IMP_BARN_1", "IMP_BARN_2", "IMP_VUX"])
        two_prices = n % 2 == 0 and (not end or end > f"{start.year}-12-31")
        second_from = datetime.date(start.year + 1, 1, 1).isoformat()
        if rng.random() < 0.5:
            code = rng.choice(OWN_MONTHLY)
            amount = rng.randrange(20_000, 33_000)
            base = [f"{prefix}{n}", person, "", unit, code, "", "", "", "LVU", start.isoformat(), end]
            lines.append(";".join([*base, "", "", str(amount), "", ""]))
            if two_prices:
                lines.append(";".join([*base, second_from, "", str(amount + 800), "", ""]))
        else:
            code = rng.choice(BOUGHT_DAILY)
            provider = rng.randrange(60)
            price = rng.randrange(2_000, 6_000)
            base = [f"{prefix}{n}", person, "", unit, code, _org(provider), f"Importutförare {provider} AB", "",
                    "SoL", start.isoformat(), end]
            lines.append(";".join([*base, "", f"{price},50", "", "", ""]))
            if two_prices:
                lines.append(";".join([*base, second_from, f"{price + 120},50", "", "", ""]))
    return "\n".join(lines[:rows + 1]).encode()


class _Undo(Exception):
    pass


def timed_import(content: bytes) -> tuple[float, object]:
    from placements.importing import import_placements

    started = time.perf_counter()
    summary = import_placements(content=content, filename="bench.csv")
    return time.perf_counter() - started, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Placeringsimportens benchmark (make bench)")
    parser.add_argument("--rows", type=int, default=3_000, help="rader i filen (nationell skala: 15 000)")
    args = parser.parse_args(argv)
    django_setup()

    from django.db import transaction

    content = build_file(args.rows)
    third = build_file(args.rows // 3, prefix="TREDJEDEL")
    # Everything is rolled back at the end, so the database is as empty afterwards as before (commits not timed).
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    small_seconds, _ = timed_import(third)
                    raise _Undo
            except _Undo:
                pass
            empty_seconds, first = timed_import(content)
            again_seconds, again = timed_import(content)
            raise _Undo
    except _Undo:
        pass
    target_empty = TARGET_EMPTY * args.rows / 15_000
    target_again = TARGET_REIMPORT * args.rows / 15_000
    per_row_small = small_seconds / max(1, args.rows // 3)
    per_row_full = empty_seconds / args.rows
    print("")
    print(f"Placeringsimport / placement import ({args.rows} rader) — siffror, inte godkänt/underkänt")
    print("=" * 96)
    print(f"{'Mätning / measurement':<52}{'tid':>14}{'mål (skalat)':>14}{'kvot / ratio':>14}")
    print("-" * 96)
    print(f"{f'tom databas / empty database ({args.rows} rader)':<52}{_s(empty_seconds):>14}"
          f"{_s(target_empty):>14}{_x(target_empty / empty_seconds):>14}")
    print(f"{'återimport, oförändrad / re-import, unchanged':<52}{_s(again_seconds):>14}"
          f"{_s(target_again):>14}{_x(target_again / again_seconds):>14}")
    print(f"{f'en tredjedel / a third ({args.rows // 3} rader)':<52}{_s(small_seconds):>14}")
    print(f"  tillväxt / growth: {per_row_small * 1000:.2f} ms per rad vid en tredjedel, "
          f"{per_row_full * 1000:.2f} ms per rad för hela filen (linjär ≈ lika)".replace(".", ","))
    print(f"  {' '.join(first.lines[:2])}")
    print(f"  återimport: {' '.join(again.lines[:2])}")
    sys.stdout.flush()
    # Linear growth is the reference: the whole file should cost three times the third.
    record(f"placeringsimport {args.rows} rader, tom databas", empty_seconds, target=target_empty,
           reference=3 * small_seconds, reference_label="3 × en tredjedel av filen (linjär tillväxt)")
    record(f"återimport {args.rows} rader, oförändrad", again_seconds, target=target_again,
           reference=empty_seconds, reference_label="första importen")
    return 0 if again.created == again.updated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
