"""Queries the placements' clocks share (placements/clocks.py and the modules it imports): which case a placement's
items belong to, which placements have the review clock, their last review. A module of its own so every clock
module can import it without importing placements/clocks.py back (tests/test_layering.py forbids the circle)."""

from django.db.models import DateField, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from socialtjanst import deadlines
from socialtjanst.identity import AGE_ON_SQL
from socialtjanst.models import Case

from .models import CareReview, Placement


def placement_case_id():
    """care_followup.placement_case as an expression: the insats' case, else the person's latest case in the
    placement's unit (the case the review is journalled in)."""
    latest = (Case.objects.filter(person_id=OuterRef("person_id"), unit_id=OuterRef("unit_id"))
              .order_by("-opened_on", "-pk").values("pk")[:1])
    return Coalesce(F("intervention__decision__case_id"), Subquery(latest))


def of_scoped_persons(placements, cases):
    """Att göra's placement parts, narrowed first to the children of the (access-scoped) cases: an item's case is
    always its person's, so this drops nothing the list shows, and an enhetschef's list reads their units' children
    rather than every placement in the municipality (socialtjanst.todo still applies the case scope itself)."""
    return placements.filter(person_id__in=cases.order_by().values("person_id"))


def review_clock_start():
    """care_followup.review_clock_start as an expression."""
    return Coalesce(F("review_clock_from"), F("start_on"), output_field=DateField())


def last_review_on():
    return Subquery(CareReview.objects.filter(placement=OuterRef("pk")).order_by("-decided_on")
                    .values("decided_on")[:1], output_field=DateField())


class AgeOn(Func):
    """socialtjanst.identity.age_on over two date columns, through its SQL twin (AGE_ON_SQL)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        (birth, birth_params), (day, day_params) = (compiler.compile(e) for e in self.source_expressions)
        if birth_params or day_params:
            raise ValueError("AgeOn takes columns, not parameters")
        return AGE_ON_SQL.format(birth=birth, day=day), []


# The placements of a child (under 18 on the start, identity's age rule), as the triggers of migration 0020 keep
# them: the age asked live joined every ongoing placement with its person, in every placement part of Att göra.
CHILD_PLACEMENTS_SQL = "SELECT placement_id FROM placements_child_placement"


def child_placements(placements):
    """`placements` narrowed to a child's (deadlines.care_review_applies' age test), read from the kept set."""
    return placements.filter(pk__in=RawSQL(CHILD_PLACEMENTS_SQL, ()))  # noqa: S611 - a constant


def care_clock_placements(today):
    """Ongoing placements with the review clock (care_followup.clock_applies, in SQL): heldygnsvård of a child
    under 18 at the start, under SoL or LVU, not voided, started by `today` (None: whenever; the kept items store
    CARE_CLOCK_VISIBLE_FROM / _UNTIL and compare them with today when read)."""
    placements = Placement.objects.filter(is_24h=True, voided_reason="",
                                          legal_basis__in=deadlines.CARE_REVIEW_LEGAL_BASES)
    if today is not None:
        placements = placements.filter(Q(end_on__isnull=True) | Q(end_on__gte=today), start_on__lte=today)
    return child_placements(placements)


# "Ongoing on today" as the two dates care_clock_placements(today) compares, for TodoRows (visible_from/until).
CARE_CLOCK_VISIBLE_FROM = "start_on"
CARE_CLOCK_VISIBLE_UNTIL = "end_on"


# Att göra's kept items (socialtjanst.todo_kept): the tables the registered parts read, each with the SELECT of the
# persons whose items a change of its rows in {rel} may touch, the columns whose UPDATE matters (None: any) and
# whether its UPDATEs matter at all. Frozen into placements 0024_todo_kept's triggers when that was written.
_TODO_BY_PLACEMENT = "SELECT p.person_id FROM {rel} r JOIN placements_placement p ON p.id = r.placement_id"
TODO_KEPT_TABLES = [
    ("placements_placement", "SELECT r.person_id FROM {rel} r",
     ("person_id", "start_on", "end_on", "is_24h", "voided_reason", "legal_basis", "care_type_id", "intervention_id",
      "unit_id", "review_clock_from"), True),
    ("placements_child_placement", _TODO_BY_PLACEMENT, None, False),
    ("placements_carereview", _TODO_BY_PLACEMENT, ("placement_id", "decided_on"), True),
    ("placements_careplan", _TODO_BY_PLACEMENT, ("placement_id", "kind"), True),
    ("placements_placementnotification", _TODO_BY_PLACEMENT, ("placement_id", "due_on", "relevant", "notified_on"),
     True),
    ("placements_custodytransferconsideration", _TODO_BY_PLACEMENT, ("placement_id", "considered_on"), True),
    ("placements_lvufollowup", _TODO_BY_PLACEMENT, ("placement_id", "due_on", "finished_on"), True),
    ("placements_caretype", "SELECT p.person_id FROM {rel} r JOIN placements_placement p ON p.care_type_id = r.id",
     ("code",), True),
    ("socialtjanst_case", "SELECT r.person_id FROM {rel} r",
     ("status", "unit_id", "responsible_id", "person_id", "opened_on"), True),
    ("socialtjanst_person", "SELECT r.id FROM {rel} r", ("birth_date",), True),
    ("socialtjanst_intervention",
     "SELECT p.person_id FROM {rel} r JOIN placements_placement p ON p.intervention_id = r.id", ("decision_id",), True),
    ("socialtjanst_decision", "SELECT p.person_id FROM {rel} r JOIN socialtjanst_intervention n"
     " ON n.decision_id = r.id JOIN placements_placement p ON p.intervention_id = n.id", ("case_id",), True),
]
