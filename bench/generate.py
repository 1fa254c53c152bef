"""A synthetic large municipality for the roll-up benchmark (issue 5, item 6).

At the default scale: 20 000 persons (and a few LSB children besides), about 23 000
placements started 2021-01-01 … 2025-12-31 across the whole care-type catalogue, a new
PricePeriod at every new year (plus some mid-year renegotiations and a few placements
lacking a price for their first weeks), moves (one placement ends the day the next
starts), ongoing placements, foster-care payments for own familjehem, and a few voided
placements that the roll-up must ignore. Heldygn placements of one person are generated
one after another, so the exclusion constraint never fires.

Everything is drawn from one random.Random(seed) in Python and loaded with COPY, so the
same seed gives the same data set on every machine, independent of today's date.
The dirty-month and pghistory triggers are switched off for the load (see OFF_DURING_LOAD;
placement_is_24h and every constraint stay on) and budget_dirtymonth is emptied
afterwards, so measurements start clean.
Imported by bench.run after django.setup() (`python -m bench.run --only-generate` loads the data alone).
"""

import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from socialtjanst.identity import luhn_check_digit, synthetic_id_number

SEED = 2026
PERSONS = 20_000
FIRST_START = datetime.date(2021, 1, 1)
LAST_START = datetime.date(2025, 12, 31)
# Placements whose drawn end falls on or after this date are mostly ongoing. A fixed date,
# not today, so the data set does not depend on when the benchmark runs.
HORIZON = datetime.date(2026, 1, 1)
PAYMENTS_UNTIL = datetime.date(2026, 6, 1)  # last month with foster-care payments
PRICE_YEAR = 2024  # the ranges below are 2024 levels; other years are indexed from them
ONE_DAY = datetime.timedelta(days=1)

# 2024 price ranges: kr per dygn/dag, or per month (shared/domain.md §4.1).
PRICES = {
    "FH_EGET": (27_000, 33_000), "FH_JOUR": (38_000, 45_000), "FH_NATVERK": (20_000, 25_000),
    "FH_KONSULENT": (2_500, 3_400), "HVB_BOU": (4_600, 5_900), "STODBOENDE_BOU": (1_900, 3_000),
    "SIS_LVU": (5_500, 6_000), "HVB_VUXEN": (2_800, 3_400), "SIS_LVM": (5_000, 5_800),
    "STODBOENDE_VUXEN": (1_900, 2_600), "SKYDDAT_BOENDE": (2_200, 3_000), "KONTAKTFAMILJ": (3_000, 5_000),
    "OPPENVARD_EXTERN_BOU": (900, 2_000), "VARDNADSOVERFLYTT": (20_000, 24_000),
}
# Length of a stay in days (min, max) per care type.
DURATION = {
    "FH_EGET": (180, 1_500), "FH_JOUR": (20, 150), "FH_NATVERK": (180, 1_200), "FH_KONSULENT": (120, 900),
    "HVB_BOU": (60, 600), "STODBOENDE_BOU": (90, 700), "SIS_LVU": (20, 180), "HVB_VUXEN": (30, 300),
    "SIS_LVM": (20, 180), "STODBOENDE_VUXEN": (90, 700), "SKYDDAT_BOENDE": (15, 120),
    "KONTAKTFAMILJ": (90, 900), "OPPENVARD_EXTERN_BOU": (30, 300), "VARDNADSOVERFLYTT": (365, 1_800),
}
CHILD_FIRST = ["FH_JOUR", "FH_JOUR", "HVB_BOU", "HVB_BOU", "FH_KONSULENT", "SIS_LVU", "FH_NATVERK",
               "STODBOENDE_BOU", "FH_EGET"]
ADULT_FIRST = ["HVB_VUXEN", "HVB_VUXEN", "SIS_LVM", "STODBOENDE_VUXEN", "SKYDDAT_BOENDE"]
MOVES = {
    "FH_JOUR": ["FH_EGET", "FH_KONSULENT", "FH_NATVERK"], "HVB_BOU": ["STODBOENDE_BOU", "FH_KONSULENT"],
    "SIS_LVU": ["HVB_BOU"], "FH_KONSULENT": ["FH_EGET"], "FH_EGET": ["VARDNADSOVERFLYTT", "FH_KONSULENT"],
    "FH_NATVERK": ["FH_EGET"], "STODBOENDE_BOU": [], "VARDNADSOVERFLYTT": [],
    "SIS_LVM": ["HVB_VUXEN"], "HVB_VUXEN": ["STODBOENDE_VUXEN"], "STODBOENDE_VUXEN": [], "SKYDDAT_BOENDE": [],
}
OPEN_CARE = ["KONTAKTFAMILJ", "OPPENVARD_EXTERN_BOU"]
CHILD_CARE = {"FH_EGET", "FH_JOUR", "FH_NATVERK", "FH_KONSULENT", "HVB_BOU", "STODBOENDE_BOU", "SIS_LVU",
              "KONTAKTFAMILJ", "OPPENVARD_EXTERN_BOU", "VARDNADSOVERFLYTT"}
OWN_FOSTER_CARE = {"FH_EGET", "FH_JOUR", "FH_NATVERK"}
PROVIDERS_PER_CARE_TYPE = {
    "FH_KONSULENT": 8, "HVB_BOU": 14, "STODBOENDE_BOU": 8, "SIS_LVU": 1, "HVB_VUXEN": 10, "SIS_LVM": 1,
    "STODBOENDE_VUXEN": 6, "SKYDDAT_BOENDE": 5, "OPPENVARD_EXTERN_BOU": 6,
}
LSB_IN_FORCE = datetime.date(2024, 4, 1)
FIRST_NAMES = ["Alva", "Elsa", "Maja", "Saga", "Ella", "Noah", "Hugo", "Liam", "Elias", "Omar", "Anna", "Eva",
               "Karin", "Lars", "Mikael", "Johan", "Sara", "Leila", "Ali", "Nora"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Hassan", "Mohammed", "Lindberg", "Berg", "Ek"]


@dataclass
class Dataset:
    persons: list = field(default_factory=list)
    placements: list = field(default_factory=list)
    price_periods: list = field(default_factory=list)
    payments: list = field(default_factory=list)


def _add_days(d: datetime.date, n: int) -> datetime.date:
    return d + datetime.timedelta(days=n)


def _price(base: Decimal, rise: Decimal, year: int) -> Decimal:
    """The placement's price in `year`: its 2024 level indexed by `rise` per year, whole kronor."""
    return (base * rise ** (year - PRICE_YEAR)).quantize(Decimal("1"))


def _month_starts(first: datetime.date, last: datetime.date):
    m = first.replace(day=1)
    while m <= last:
        yield m
        m = datetime.date(m.year + (m.month == 12), m.month % 12 + 1, 1)


class _Generator:
    def __init__(self, seed: int, care_types: dict, providers: dict, units: dict):
        self.rng = random.Random(seed)
        self.care_types = care_types  # code -> (id, is_24h, monthly, activity_code, requires_ivo, regime)
        self.providers = providers  # code -> [provider id]
        self.units = units  # target group -> [unit id]
        self.data = Dataset()
        self.used_ids: set[str] = set()
        self.next_person = self.next_placement = self.next_price = self.next_payment = 1

    # --- persons ---------------------------------------------------------------------------
    def person(self, *, child: bool, first_start: datetime.date) -> int:
        rng = self.rng
        age = rng.randint(0, 17) if child else rng.randint(18, 75)
        birth = _add_days(first_start, -(age * 365 + rng.randint(0, 364)))
        while True:
            id_number = synthetic_id_number(birth, rng.randrange(20))
            if id_number not in self.used_ids:
                break
            birth = _add_days(birth, 1)
        self.used_ids.add(id_number)
        pk = self.next_person
        self.next_person += 1
        gender = "kvinna" if int(id_number[-2]) % 2 == 0 else "man"
        self.data.persons.append((pk, id_number, "personnummer", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES),
                                  gender, birth, "", rng.random() < 0.01, 1))
        return pk

    # --- placements --------------------------------------------------------------------------
    def placement(self, *, person: int, code: str, start: datetime.date, end: datetime.date | None,
                  legal_basis: str, end_reason: str = "", parent: int | None = None, voided: str = "") -> int:
        rng = self.rng
        ct_id, _is_24h, monthly, activity, requires_ivo, regime = self.care_types[code]
        provider = rng.choice(self.providers[code]) if regime == "kopt" else None
        unit = rng.choice(self.units["barn_unga" if code in CHILD_CARE else "vuxna"])
        ivo_on, ivo_result = (_add_days(start, -rng.randint(0, 5)), "utan_anmarkning") if requires_ivo else (None, "")
        cost_centre = activity if rng.random() < 0.85 else ""  # the rest take the care type's mapping
        pk = self.next_placement
        self.next_placement += 1
        self.data.placements.append((pk, person, ct_id, provider, unit, cost_centre, legal_basis, start, end,
                                     end_reason if end else "", parent, ivo_on, ivo_result, voided,
                                     f"BENCH-{pk}"))
        self.prices(pk, code, monthly, start, end)
        if code in OWN_FOSTER_CARE and not voided and rng.random() < 0.35:
            self.payments(pk, start, end)
        return pk

    def prices(self, placement: int, code: str, monthly: bool, start: datetime.date, end: datetime.date | None):
        """One period per calendar year the placement runs through (a new price each new year),
        sometimes a mid-year renegotiation, and now and then no price for the first weeks."""
        rng = self.rng
        low, high = PRICES[code]
        base = Decimal(rng.randrange(low, high + 1, 50 if monthly else 10))
        rise = Decimal(1) + Decimal(rng.randint(15, 50)) / 1000  # 1,5–5 % a year
        stop = end if end is not None and end > start else (_add_days(start, 1) if end is not None else None)
        first = start
        if rng.random() < 0.01:
            first = _add_days(start, rng.randint(10, 40))  # 'saknar pris' for the first days
            if stop is not None and first >= stop:
                return
        bounds = [first]
        year = first.year + 1
        while datetime.date(year, 1, 1) < (stop or HORIZON) or (stop is None and year <= HORIZON.year):
            bounds.append(datetime.date(year, 1, 1))
            year += 1
        renegotiated = None
        if rng.random() < 0.08:
            span = ((stop or HORIZON) - first).days
            if span > 60:
                renegotiated = _add_days(first, rng.randint(30, span - 30))
                if renegotiated not in bounds:
                    bounds.append(renegotiated)
                    bounds.sort()
        last_open = stop is None or rng.random() < 0.5  # an ended placement's last price often runs on
        for i, valid_from in enumerate(bounds):
            valid_to = bounds[i + 1] if i + 1 < len(bounds) else (None if last_open else stop)
            amount = _price(base, rise, valid_from.year)
            if renegotiated is not None and valid_from >= renegotiated:
                amount = (amount * Decimal(rng.randint(95, 110)) / 100).quantize(Decimal("1"))
            pk = self.next_price
            self.next_price += 1
            if monthly:
                fee = (amount * Decimal("0.55")).quantize(Decimal("1")) if code == "FH_EGET" else None
                expenses = amount - fee if fee is not None else None
                self.data.price_periods.append((pk, placement, valid_from, valid_to, None, amount, fee, expenses))
            else:
                self.data.price_periods.append((pk, placement, valid_from, valid_to, amount, None, None, None))

    def payments(self, placement: int, start: datetime.date, end: datetime.date | None):
        rng = self.rng
        deduct = rng.random() < 0.3
        last = min(end or PAYMENTS_UNTIL, PAYMENTS_UNTIL)
        for month in _month_starts(start, last):
            rows = []
            if rng.random() < 0.15:
                rows.append(("extra", Decimal(rng.randrange(500, 5_001, 50)), "Extra ersättning"))
            if rng.random() < 0.05:
                rows.append(("sarskilda_kostnader", Decimal(rng.randrange(20_000, 300_001, 25)) / 100,
                             "Särskilda kostnader"))
            if deduct:
                rows.append(("avdrag_barnbidrag", Decimal("1250.00"), "Barnbidrag till familjehemmet"))
            for kind, amount, comment in rows:
                pk = self.next_payment
                self.next_payment += 1
                self.data.payments.append((pk, placement, month, kind, amount, comment))

    def legal_basis(self, code: str) -> str:
        if code == "SIS_LVU":
            return "LVU"
        if code == "SIS_LVM":
            return "LVM"
        if code in ("HVB_BOU", "FH_JOUR", "FH_EGET", "FH_KONSULENT", "FH_NATVERK") and self.rng.random() < 0.3:
            return "LVU"
        return "SoL"

    def chain(self, person: int, child: bool, start: datetime.date):
        """A person's heldygn placements, one after another: moves on the same date, or a gap."""
        rng = self.rng
        code = rng.choice(CHILD_FIRST if child else ADULT_FIRST)
        while True:
            low, high = DURATION[code]
            end = _add_days(start, rng.randint(low, high))
            if rng.random() < 0.002:
                end = start  # in and out the same day: one dygn
            following = rng.choice(MOVES[code]) if MOVES[code] and rng.random() < 0.55 else None
            if end >= HORIZON:
                end, following = (None if rng.random() < 0.8 else end), None
            if end == start:
                following = None
            reason = "flytt" if following else rng.choice(["enligt_plan", "enligt_plan", "hemflytt", "sammanbrott"])
            pk = self.placement(person=person, code=code, start=start, end=end, legal_basis=self.legal_basis(code),
                                end_reason=reason)
            if code == "SKYDDAT_BOENDE" and start >= LSB_IN_FORCE and rng.random() < 0.3:
                # A child follows the parent into skyddat boende: its own person and LSB placement, linked.
                lsb_child = self.person(child=True, first_start=start)
                self.placement(person=lsb_child, code=code, start=start, end=end, legal_basis="LSB",
                               end_reason=reason, parent=pk)
            if rng.random() < 0.005:
                # Registered twice by mistake and voided: the roll-up must not count it.
                self.placement(person=person, code=code, start=start, end=end, legal_basis="SoL",
                               end_reason=reason, voided="Dubbelregistrerad (benchmark)")
            if end is None:
                return
            if following:
                start, code = end, following  # a move: the next placement starts the day the last one ended
            elif rng.random() < 0.25:
                start = _add_days(end, rng.randint(30, 400))  # back in care after a while
                if start > LAST_START:
                    return
                code = rng.choice(CHILD_FIRST if child else ADULT_FIRST)
            else:
                return

    def run(self, persons: int) -> Dataset:
        rng = self.rng
        span = (LAST_START - FIRST_START).days
        while self.next_person <= persons:
            child = rng.random() < 0.6
            start = _add_days(FIRST_START, rng.randint(0, span))
            person = self.person(child=child, first_start=start)
            if rng.random() < 0.8:
                self.chain(person, child, start)
            if child and rng.random() < 0.25:
                # An öppen insats beside (or instead of) a placement: not heldygn, so it may overlap.
                ostart = _add_days(FIRST_START, rng.randint(0, span))
                code = rng.choice(OPEN_CARE)
                low, high = DURATION[code]
                oend = _add_days(ostart, rng.randint(low, high))
                self.placement(person=person, code=code, start=ostart,
                               end=None if oend >= HORIZON and rng.random() < 0.8 else oend,
                               legal_basis="SoL", end_reason="enligt_plan")
        return self.data



def _reference_rows(cur) -> tuple[dict, dict, dict]:
    cur.execute("SELECT code, id, is_24h, pricing_unit = 'manad', activity_code, requires_ivo_check, regime "
                "FROM placements_caretype")
    care_types = {r[0]: tuple(r[1:]) for r in cur.fetchall()}
    units = {}
    for group, codes in (("barn_unga", ["BENCH-BOU-1", "BENCH-BOU-2", "BENCH-BOU-3"]),
                         ("vuxna", ["BENCH-VUX-1", "BENCH-VUX-2"])):
        for code in codes:
            cur.execute("INSERT INTO socialtjanst_unit (code, name, target_group, is_intake) "
                        "VALUES (%s, %s, %s, false) RETURNING id", [code, f"Benchmark {code}", group])
            units.setdefault(group, []).append(cur.fetchone()[0])
    providers = {}
    serial = 0
    for code, count in PROVIDERS_PER_CARE_TYPE.items():
        for i in range(count):
            serial += 1
            nine = f"55930{serial:04d}"
            org = f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"
            cur.execute("INSERT INTO placements_provider (name, org_number, code, ivo_permit) VALUES (%s, %s, %s, %s) "
                        "RETURNING id", [f"Utförare {code.title()} {i + 1} AB", org, f"BENCH-{serial}",
                                         f"IVO 3.5.1-{serial:04d}/2020"])
            providers.setdefault(code, []).append(cur.fetchone()[0])
    return care_types, providers, units


def _copy(cur, table: str, columns: str, rows: list) -> None:
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


LOADED_TABLES = ("socialtjanst_person", "placements_placement", "placements_priceperiod",
                 "placements_fostercarepayment")
# The triggers switched off for the load: the dirty-month marks (migration budget 0002) and the
# pghistory event triggers. The latter open a subtransaction per row (_pgh_attach_context's
# EXCEPTION block), which makes one bulk transaction of 100 000 rows take many minutes; the
# history of synthetic rows is of no use to the roll-up. placement_is_24h stays on: the
# exclusion constraint needs it.
OFF_DURING_LOAD = "tgname LIKE 'pgtrigger_%%' OR tgname LIKE 'budget_%%'"


def _load_triggers(cur) -> list[tuple[str, str]]:
    cur.execute(f"""
        SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE NOT t.tgisinternal AND c.relname = ANY(%s) AND ({OFF_DURING_LOAD}) ORDER BY 1, 2
    """, [list(LOADED_TABLES)])
    return cur.fetchall()


def generate(*, persons: int = PERSONS, seed: int = SEED) -> dict[str, int]:
    """Loads the data set into an empty benchmark database; returns the counts and the seconds it took."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as django_cur:
        cur = django_cur.cursor  # psycopg's own cursor, for COPY
        cur.execute("SELECT count(*) FROM placements_placement")
        if cur.fetchone()[0]:
            raise RuntimeError("Benchmarkdatabasen innehåller redan placeringar: skapa om den (make bench).")
        care_types, providers, units = _reference_rows(cur)
        data = _Generator(seed, care_types, providers, units).run(persons)
        triggers = _load_triggers(cur)
        for table, trigger in triggers:
            cur.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"')
        created = datetime.datetime.now(datetime.UTC)
        _copy(cur, "socialtjanst_person", "id, id_number, id_kind, first_name, last_name, gender, birth_date, address, "
              "protected_identity, version, created_at", [(*r, created) for r in data.persons])
        # is_24h is set from the care type by the placement_is_24h trigger (migration 0003).
        _copy(cur, "placements_placement", "id, person_id, care_type_id, provider_id, unit_id, cost_centre, "
              "legal_basis, start_on, end_on, end_reason, parent_placement_id, ivo_checked_on, ivo_check_result, "
              "voided_reason, external_id, is_24h, created_at", [(*r, False, created) for r in data.placements])
        _copy(cur, "placements_priceperiod", "id, placement_id, valid_from, valid_to, daily_price, monthly_amount, "
              "fee, expenses", data.price_periods)
        _copy(cur, "placements_fostercarepayment", "id, placement_id, month, kind, amount, comment, created_at",
              [(*r, created) for r in data.payments])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys, before ALTER TABLE
        for table, trigger in triggers:
            cur.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{trigger}"')
        for table in LOADED_TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # Whatever the load marked (units, providers: nothing today) goes: measurements start clean.
        cur.execute("DELETE FROM budget_dirtymonth")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return {
        "persons": len(data.persons), "placements": len(data.placements), "price_periods": len(data.price_periods),
        "payments": len(data.payments), "seconds": time.perf_counter() - started,
    }
