"""`make bench` (issue 5, item 6): the monthly roll-up against the plain Python reference.

Loads the synthetic municipality of bench.generate into the benchmark database, then prints:
  (a) a full-year roll-up (rollup_months of the year's twelve months, from empty facts),
  (b) an incremental roll-up after one placement changes (its end date moves, the triggers
      mark its month and its slice dirty, rollup_dirty() recomputes just that slice: issue 19 point 3),
      beside the same month recomputed whole (what (b) cost before slices),
each as wall time (best of --runs, time.perf_counter) and as the ratio to the reference
(budget.reference.reference_facts) on the same months. It also checks that the stored facts
equal the reference exactly, every key and measure, to the öre.

Figures only: the targets of issue 5 (full year < 10 s, ≥ 50× the reference) are printed as
information and never fail the run. The exit status is non-zero only if the roll-up and the
reference disagree. Meant for a freshly created database: scripts/bench.sh makes one.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal

MEASURES = ("care_days", "cost", "persons", "started", "ended", "unpriced_days", "regime", "target_group")
TARGET_SECONDS = 10.0
TARGET_RATIO = 50.0
TARGET_DIRTY_SECONDS = 0.5  # issue 19: one dirty month after one change
TARGET_DIRTY_SHARE = 0.1  # ... and well under a tenth of the full year
TARGET_FULL_YEAR_SECONDS = 2.0  # issue 19: full year at national scale


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _stored_facts(months: list[datetime.date]) -> dict[tuple, dict]:
    """The roll-up's facts of `months` as origins (summed over booking months), keyed like the reference."""
    from django.db import connection

    facts: dict[tuple, dict] = {}
    with connection.cursor() as cur:
        cur.execute("""
            SELECT origin_month, cost_centre_id, care_type_id, provider_id, legal_basis,
                   SUM(care_days), SUM(cost), SUM(persons), SUM(started), SUM(ended), SUM(unpriced_days),
                   min(regime), min(target_group)
            FROM budget_monthlyfact WHERE origin_month = ANY(%s::date[])
            GROUP BY origin_month, cost_centre_id, care_type_id, provider_id, legal_basis
        """, [months])
        for row in cur.fetchall():
            facts[tuple(row[:5])] = dict(zip(MEASURES, row[5:], strict=True))
    return facts


def _normalised(row: dict) -> tuple:
    return tuple(Decimal(row[m]) if m == "cost" else row[m] if m in ("regime", "target_group") else int(row[m])
                 for m in MEASURES)


def compare(stored: dict, reference: dict) -> list[str]:
    """Every difference between the roll-up and the reference, as readable lines (empty = equal)."""
    problems = []
    for key in sorted(set(stored) | set(reference), key=lambda k: tuple(str(x) for x in k)):
        mine, ref = stored.get(key), reference.get(key)
        if mine is None or ref is None:
            problems.append(f"  {key}: {'saknas i rollup' if mine is None else 'saknas i referensen'}")
        elif _normalised(mine) != _normalised(ref):
            problems.append(f"  {key}: rollup {_normalised(mine)} ≠ referens {_normalised(ref)}")
    return problems


def _per_month(facts: dict) -> dict[datetime.date, tuple[int, Decimal]]:
    sums: dict[datetime.date, list] = {}
    for key, row in facts.items():
        s = sums.setdefault(key[0], [0, Decimal(0)])
        s[0] += int(row["care_days"])
        s[1] += Decimal(row["cost"])
    return {m: (d, c) for m, (d, c) in sums.items()}


def _kr(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _s(seconds: float) -> str:
    return f"{seconds:.3f} s".replace(".", ",")


def _pct(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",")


def _x(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×".replace(".", ",")


def best_of(runs: int, prepare, action) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), times, result


def pick_incremental_placement(year: int):
    """A short placement inside one month of the year, so moving its end date dirties exactly that month."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("""
            SELECT id, end_on FROM placements_placement
            WHERE voided_reason = '' AND start_on >= %s AND end_on < %s AND end_on - start_on >= 6
              AND date_trunc('month', start_on) = date_trunc('month', end_on)
            ORDER BY start_on, id LIMIT 1
        """, [datetime.date(year, 3, 1), datetime.date(year, 12, 1)])
        row = cur.fetchone()
    if row is None:
        raise RuntimeError(f"Ingen kort placering under {year} att ändra för den inkrementella mätningen.")
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rollup-benchmark (make bench)")
    parser.add_argument("--persons", type=int, default=None, help="antal personer (standard 20 000)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--year", type=int, default=2024, help="år för helårsmätningen (standard 2024)")
    parser.add_argument("--runs", type=int, default=3, help="körningar per mätning; bästa tiden visas")
    parser.add_argument("--no-generate", action="store_true", help="använd data som redan finns i databasen")
    parser.add_argument("--only-generate", action="store_true", help="läs bara in data")
    args = parser.parse_args(argv)

    django_setup()
    from django.db import connection

    from budget.models import DirtySlice
    from budget.reference import reference_facts
    from budget.rollup import dirty_months, rollup_dirty, rollup_months, year_months
    from placements.models import Placement

    from . import generate as gen

    out = print
    out(f"Databas / database: {connection.settings_dict['NAME']}")
    if not args.no_generate:
        seed = args.seed if args.seed is not None else gen.SEED
        counts = gen.generate(persons=args.persons or gen.PERSONS, seed=seed)
        out(f"Genererade data / generated in {_s(counts['seconds'])}")
        if args.only_generate:
            return 0
    with connection.cursor() as cur:
        sizes = {}
        for label, sql in (
            ("persons", "SELECT count(*) FROM socialtjanst_person"),
            ("placements", "SELECT count(*) FROM placements_placement"),
            ("ongoing", "SELECT count(*) FROM placements_placement WHERE end_on IS NULL AND voided_reason = ''"),
            ("voided", "SELECT count(*) FROM placements_placement WHERE voided_reason <> ''"),
            ("care_types", "SELECT count(DISTINCT care_type_id) FROM placements_placement"),
            ("price_periods", "SELECT count(*) FROM placements_priceperiod"),
            ("payments", "SELECT count(*) FROM placements_fostercarepayment"),
            ("span", "SELECT min(start_on)::text || ' … ' || max(start_on)::text FROM placements_placement"),
        ):
            cur.execute(sql)
            sizes[label] = cur.fetchone()[0]
        cur.execute("DELETE FROM budget_dirtymonth")

    months = year_months(args.year)
    runs = max(1, args.runs)

    # (a) the full year, from empty facts each time (the deletion is not timed).
    def clear_year():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM budget_monthlyfact WHERE origin_month = ANY(%s::date[])", [months])

    full_best, full_times, full_result = best_of(runs, clear_year, lambda: rollup_months(months))
    rerun_best, rerun_times, rerun_result = best_of(runs, lambda: None, lambda: rollup_months(months))
    started = time.perf_counter()
    reference_year = reference_facts(months)
    reference_year_seconds = time.perf_counter() - started
    stored_year = _stored_facts(months)
    year_problems = compare(stored_year, reference_year)

    # (b) one placement changes: its end date moves back and forth inside one month.
    placement_id, original_end = pick_incremental_placement(args.year)
    state = {"end": original_end}
    incremental_dirty: list[list[datetime.date]] = []
    dirty_slices: list[int] = []

    def change_placement():
        state["end"] = original_end - datetime.timedelta(days=3) if state["end"] == original_end else original_end
        Placement.objects.filter(pk=placement_id).update(end_on=state["end"])
        incremental_dirty.append(dirty_months())
        dirty_slices.append(DirtySlice.objects.count())

    inc_best, inc_times, inc_result = best_of(runs, change_placement, rollup_dirty)
    dirty = incremental_dirty[-1]
    month_best, month_times, _ = best_of(runs, lambda: None, lambda: rollup_months(dirty))
    started = time.perf_counter()
    reference_dirty = reference_facts(dirty)
    reference_dirty_seconds = time.perf_counter() - started
    inc_problems = compare(_stored_facts(dirty), reference_dirty)

    full_ratio = reference_year_seconds / full_best
    inc_ratio = reference_dirty_seconds / inc_best
    months_text = ", ".join(m.strftime("%Y-%m") for m in dirty)

    from .summary import record

    record(f"rollup helår {args.year}", full_best, target=TARGET_FULL_YEAR_SECONDS, reference=reference_year_seconds,
           reference_label="referensen som går dag för dag (budget/reference.py)")
    record(f"rollup en månad efter en ändring ({months_text})", inc_best, target=TARGET_DIRTY_SECONDS,
           reference=reference_dirty_seconds, reference_label="referensen för samma månad")
    record("    samma månad räknad hel", month_best, reference=reference_dirty_seconds,
           reference_label="referensen för samma månad")
    out("")
    out("Rollup-benchmark (issue 5, punkt 6) — siffror, inte godkänt/underkänt / figures, not pass/fail")
    out("=" * 96)
    out("Datamängd / data set")
    out(f"  personer / persons                    {_n(sizes['persons']):>12}")
    out(f"  placeringar / placements              {_n(sizes['placements']):>12}   "
        f"(pågående / ongoing {_n(sizes['ongoing'])}, makulerade / voided {_n(sizes['voided'])}, "
        f"vårdformer / care types {sizes['care_types']})")
    out(f"  prisperioder / price periods          {_n(sizes['price_periods']):>12}")
    out(f"  familjehemsersättningar / payments    {_n(sizes['payments']):>12}")
    out(f"  startdatum / start dates              {sizes['span']:>12}")
    out("")
    out(f"{'Mätning / measurement':<52}{'rollup (bäst)':>14}{'referens':>12}{'kvot / ratio':>14}")
    out("-" * 96)
    out(f"{f'(a) helår / full year {args.year} (12 mån, tomma fakta)':<52}{_s(full_best):>14}"
        f"{_s(reference_year_seconds):>12}{_x(full_ratio):>14}")
    out(f"{'    omkörning utan ändringar / rerun, unchanged':<52}{_s(rerun_best):>14}"
        f"{_s(reference_year_seconds):>12}{_x(reference_year_seconds / rerun_best):>14}")
    out(f"{f'(b) en ändring / one change ({len(dirty)} mån: {months_text})':<52}{_s(inc_best):>14}"
        f"{_s(reference_dirty_seconds):>12}{_x(inc_ratio):>14}")
    out(f"{'    samma månad hel / the same month whole':<52}{_s(month_best):>14}"
        f"{_s(reference_dirty_seconds):>12}{_x(reference_dirty_seconds / month_best):>14}")
    out("-" * 96)
    out(f"  alla körningar / all runs: helår {' '.join(_s(t) for t in full_times)}; "
        f"omkörning {' '.join(_s(t) for t in rerun_times)}; en ändring {' '.join(_s(t) for t in inc_times)}; "
        f"hel månad {' '.join(_s(t) for t in month_times)}")
    out(f"  helår: {full_result.inserted} rader skrivna / rows written; omkörning: {rerun_result.inserted} nya, "
        f"{rerun_result.updated} ändrade / new, changed; inkrementell: placering {placement_id} slutdatum "
        f"{original_end} ⇄ {original_end - datetime.timedelta(days=3)}, {dirty_slices[-1]} del(ar) av månaden "
        f"att räkna om / slice(s) dirty, {inc_result.updated} rader ändrade")
    out("")
    out("Mål i issue 5 (information) / targets")
    out(f"  helår under {TARGET_SECONDS:.0f} s / full year under {TARGET_SECONDS:.0f} s: "
        f"{'uppfyllt / met' if full_best < TARGET_SECONDS else 'EJ uppfyllt / not met'} ({_s(full_best)})")
    out(f"  minst {TARGET_RATIO:.0f}× snabbare än referensen / at least {TARGET_RATIO:.0f}× the reference: "
        f"{'uppfyllt / met' if full_ratio >= TARGET_RATIO else 'EJ uppfyllt / not met'} ({_x(full_ratio)})")
    share = inc_best / full_best
    met = inc_best <= TARGET_DIRTY_SECONDS and share < TARGET_DIRTY_SHARE
    out(f"  issue 19: en ändring högst {_s(TARGET_DIRTY_SECONDS)} och under en tiondel av helåret / one change at most "
        f"{_s(TARGET_DIRTY_SECONDS)}, under a tenth of the year: {'uppfyllt / met' if met else 'EJ uppfyllt / not met'}"
        f" ({_s(inc_best)}, {_pct(share)} av helåret; hel månad {_pct(month_best / full_best)})")
    out("")
    out(f"Kontroll mot referensen / check against the reference ({len(stored_year)} faktarader {args.year})")
    sql_months, ref_months = _per_month(stored_year), _per_month(reference_year)
    out(f"  {'månad':<9}{'vårddygn':>12}{'kostnad, kr (rollup)':>24}{'kostnad, kr (referens)':>24}")
    for m in months:
        d, c = sql_months.get(m, (0, Decimal(0)))
        rd, rc = ref_months.get(m, (0, Decimal(0)))
        flag = "" if (d, c) == (rd, rc) else "   ≠ referens " + f"{_n(rd)} dygn"
        out(f"  {m:%Y-%m}  {_n(d):>12}{_kr(c):>24}{_kr(rc):>24}{flag}")
    total_days = sum(d for d, _ in sql_months.values())
    total_cost = sum((c for _, c in sql_months.values()), Decimal(0))
    out(f"  {'summa':<9}{_n(total_days):>12}{_kr(total_cost):>24}"
        f"{_kr(sum((c for _, c in ref_months.values()), Decimal(0))):>24}")
    out(f"  helår {args.year}, alla nycklar och mått / all keys and measures: "
        f"{'lika' if not year_problems else f'OLIKA ({len(year_problems)} skillnader)'}")
    out(f"  inkrementellt, {months_text}: {'lika' if not inc_problems else f'OLIKA ({len(inc_problems)} skillnader)'}")
    for line in (year_problems + inc_problems)[:20]:
        out(line)
    sys.stdout.flush()
    return 1 if year_problems or inc_problems else 0


if __name__ == "__main__":
    sys.exit(main())
