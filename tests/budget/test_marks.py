"""The dirty-month marks made once per transaction (issue 19 point 1, budget/0011_scale) and by slice (point 3,
budget/0012_rollup): the same months as before are marked, after every change, however often a transaction
touches them."""

import datetime
import importlib
import random
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from budget import rollup
from budget.models import DirtyMonth
from placements.importing import import_placements
from placements.models import Placement, PricePeriod
from socialtjanst.identity import synthetic_id_number
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db
UNCACHED = importlib.import_module("budget.migrations.0011_scale").UNCACHED
UNSLICED = importlib.import_module("budget.migrations.0012_rollup").BACKWARD


def dirty() -> list[datetime.date]:
    return sorted(DirtyMonth.objects.values_list("month", flat=True))


def seq_now() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT last_value FROM budget_dirtymonth_seq")
        return cur.fetchone()[0]


def _random_date(rng: random.Random) -> datetime.date:
    return D(2022, 1, 1) + datetime.timedelta(days=rng.randrange(4 * 365))


def apply_random_changes(seed: int) -> list[list[datetime.date]]:
    """Random placement and price changes (the same ones for a seed), with the dirty months after each."""
    rng = random.Random(seed)
    placements: list[Placement] = []
    after_each = []
    for _ in range(40):
        action = rng.choice(["create", "create", "end", "end", "start", "void", "price", "price_delete", "rollup",
                             "rolled_back", "twice"])
        if action == "create" or not placements:
            start = _random_date(rng)
            end = None if rng.random() < 0.3 else start + datetime.timedelta(days=rng.randrange(400))
            placements.append(PlacementFactory(care_type=care_type("KONTAKTFAMILJ"), start_on=start, end_on=end))
        else:
            p = rng.choice(placements)
            current = Placement.objects.get(pk=p.pk)
            new_end = None if rng.random() < 0.2 else current.start_on + datetime.timedelta(days=rng.randrange(500))
            if action == "end":
                Placement.objects.filter(pk=p.pk).update(end_on=new_end)
            elif action == "start":
                latest = current.end_on or D(2025, 12, 31)
                Placement.objects.filter(pk=p.pk).update(
                    start_on=latest - datetime.timedelta(days=rng.randrange(300)) if latest > D(2022, 12, 1)
                    else current.start_on)
            elif action == "void":
                Placement.objects.filter(pk=p.pk).update(voided_reason="Fel person")
            elif action == "price":
                PricePeriod.objects.filter(placement_id=p.pk).delete()
                PricePeriodFactory(placement=current, valid_from=current.start_on,
                                   monthly_amount=Decimal(rng.randrange(1000, 5000)))
            elif action == "price_delete":
                PricePeriod.objects.filter(placement_id=p.pk).delete()
            elif action == "rollup":
                rollup.rollup_dirty(limit=1000)
            elif action == "rolled_back":
                try:
                    with transaction.atomic():
                        Placement.objects.filter(pk=p.pk).update(end_on=new_end)
                        raise RuntimeError
                except RuntimeError:
                    pass
            elif action == "twice":
                Placement.objects.filter(pk=p.pk).update(end_on=new_end)
                Placement.objects.filter(pk=p.pk).update(end_on=current.end_on)
        after_each.append(dirty())
    return after_each


@pytest.mark.parametrize("seed", range(6))
def test_random_changes_mark_exactly_the_months_the_uncached_marking_did(seed):
    class Undo(Exception):
        pass

    before: list = []
    DirtyMonth.objects.all().delete()  # the cost-centre mapping's marks, from the fixtures
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(UNSLICED)  # the marking as budget/0002 and 0008 left it, for this savepoint only
                cur.execute(UNCACHED)
            before = apply_random_changes(seed)
            raise Undo
    except Undo:
        pass
    DirtyMonth.objects.all().delete()
    assert apply_random_changes(seed) == before
    assert any(before)


def test_a_placement_changed_twice_in_one_transaction_keeps_every_month_it_touched():
    p = PlacementFactory(start_on=D(2024, 1, 5), end_on=D(2024, 3, 1))
    DirtyMonth.objects.all().delete()
    with transaction.atomic():
        Placement.objects.filter(pk=p.pk).update(end_on=D(2024, 5, 10))
        Placement.objects.filter(pk=p.pk).update(end_on=D(2024, 2, 10))
    # March to May (between the ends, and the old end dates), February (the new end), not January.
    assert dirty() == [D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1), D(2024, 5, 1)]


def test_each_month_is_written_once_per_transaction_however_often_it_is_touched():
    people = [PlacementFactory(start_on=D(2024, 1, 5), end_on=D(2024, 3, 20)) for _ in range(10)]
    DirtyMonth.objects.all().delete()
    first = seq_now()
    with transaction.atomic():
        for p in people:
            Placement.objects.filter(pk=p.pk).update(start_on=D(2024, 1, 6))
            PricePeriodFactory(placement=p, daily_price=Decimal("1000"))
    assert dirty() == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
    assert seq_now() - first == 3


def test_a_mark_cleared_by_the_roll_up_in_the_same_transaction_is_made_again():
    p = PlacementFactory(start_on=D(2024, 1, 5), end_on=D(2024, 3, 1))
    with transaction.atomic():
        Placement.objects.filter(pk=p.pk).update(end_on=D(2024, 2, 10))
        rollup.rollup_dirty(limit=1000)
        assert dirty() == []
        Placement.objects.filter(pk=p.pk).update(end_on=D(2024, 2, 20))
        assert dirty() == [D(2024, 2, 1)]


def test_a_mark_rolled_back_with_its_savepoint_is_made_again():
    p = PlacementFactory(start_on=D(2024, 1, 5), end_on=D(2024, 3, 1))
    DirtyMonth.objects.all().delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Placement.objects.filter(pk=p.pk).update(end_on=D(2024, 2, 10))
                raise RuntimeError
        except RuntimeError:
            pass
        assert dirty() == []
        Placement.objects.filter(pk=p.pk).update(end_on=D(2024, 2, 10))
        assert dirty() == [D(2024, 2, 1), D(2024, 3, 1)]


def test_after_an_import_every_month_it_touched_is_dirty():
    header = "placerings_id;personnummer;enhet;vårdform;lagrum;startdatum;slutdatum;pris_från;månadsbelopp"
    rows = [f"X{i};{synthetic_id_number(D(2010, 1, 1) + datetime.timedelta(days=i), 1)};UTR;FH_EGET;SoL;"
            f"2024-0{1 + i % 3}-1{i % 10};2024-0{4 + i % 3}-0{1 + i % 9};;30000" for i in range(30)]
    rows.append("Y;" + synthetic_id_number(D(2011, 2, 2), 1) + ";UTR;FH_EGET;SoL;2023-10-15;;2024-02-01;30000")
    rows.append("Y;" + synthetic_id_number(D(2011, 2, 2), 1) + ";UTR;FH_EGET;SoL;2023-10-15;;2023-10-15;29000")
    DirtyMonth.objects.all().delete()
    import_placements(content="\n".join([header, *rows]).encode(), filename="p.csv")
    today = timezone.localdate()
    ongoing = [D(y, m, 1) for y in range(2023, today.year + 1) for m in range(1, 13)
               if D(2023, 10, 1) <= D(y, m, 1) <= today]
    assert dirty() == ongoing
    # A re-import that changes one end date marks the months between its ends and those of both end dates.
    DirtyMonth.objects.all().delete()
    rows[0] = rows[0].replace("2024-04-01", "2024-06-15")
    import_placements(content="\n".join([header, *rows]).encode(), filename="p.csv")
    assert dirty() == [D(2024, 4, 1), D(2024, 5, 1), D(2024, 6, 1)]


def _written() -> dict:
    """What an import leaves, without ids and times: placements, prices, persons, history and access log."""
    from socialtjanst.models import AccessEvent, Person

    placements = sorted(
        (p.external_id, p.person.id_number, p.care_type_id, p.unit.code, p.provider and p.provider.org_number,
         p.legal_basis, p.start_on, p.end_on, p.end_reason, p.cost_centre, p.is_24h, p.price_version)
        for p in Placement.objects.select_related("person", "unit", "provider"))
    prices = sorted((pp.placement.external_id, pp.valid_from, pp.valid_to, pp.daily_price, pp.monthly_amount, pp.fee,
                     pp.expenses) for pp in PricePeriod.objects.select_related("placement"))
    persons = sorted(Person.objects.values_list("id_number", "id_kind", "first_name", "last_name", "gender",
                                                "birth_date", "protected_identity", "version"))
    numbers = dict(Person.objects.values_list("pk", "id_number"))
    events = sorted(
        (e.action, e.object_type, e.username, e.roles, tuple(e.actor_unit_ids), tuple(numbers[i] for i in e.person_ids),
         len(e.object_unit_ids), e.outside_own_units, e.protected_person, str(e.criteria))
        for e in AccessEvent.objects.all())
    with connection.cursor() as cur:  # pghistory's rows
        cur.execute("SELECT pgh_label, external_id, start_on, end_on, cost_centre FROM placements_placementevent")
        history = sorted(cur.fetchall(), key=str)
        cur.execute("SELECT pgh_label, valid_from, valid_to, daily_price, monthly_amount "
                    "FROM placements_priceperiodevent")
        history += sorted(cur.fetchall(), key=str)
        cur.execute("SELECT pgh_label, id_number, last_name FROM socialtjanst_personevent")
        history += sorted(cur.fetchall(), key=str)
    return {"placements": placements, "prices": prices, "persons": persons, "events": events, "history": history}


def test_the_import_in_sets_writes_what_the_row_by_row_import_wrote(controller):
    from placements import import_writing, importing
    from tests.placements.test_importing import _csv, _rows

    first = _csv(_rows())
    rows = _rows()
    rows[0][10] = rows[1][10] = "2024-02-10"  # P1 ends later
    rows[2][13], rows[2][14] = "31000", "19000"  # P2's fee rises
    rows.append(["P3", rows[0][1], "K", "UTR_BARN", "KONTAKTFAMILJ", "", "", "", "SoL", "2024-03-01", "", "", "",
                 "3000", "", ""])
    second = _csv(rows)

    class Undo(Exception):
        pass

    results = {}
    for how in ("row_by_row", "sets"):
        try:
            with transaction.atomic():
                for content in (first, second, second):
                    groups = importing.parse_file(content, "p.csv")
                    if how == "row_by_row":
                        import_writing.write_row_by_row(controller, groups, "p.csv")
                    else:
                        import_writing.write_in_sets(controller, groups, "p.csv")
                results[how] = _written()
                raise Undo
        except Undo:
            pass
    assert results["sets"] == results["row_by_row"]
    assert len(results["sets"]["placements"]) == 3 and len(results["sets"]["events"]) == 5
