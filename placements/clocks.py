"""The placements' clocks on socialtjanst's screens (Att göra, the deadline report, Kontroller), registered through
socialtjanst.todo_sources, which finds this module by autodiscovery; socialtjanst never imports placements.

Engineers adding a clock of their own: register it in your own module and import that module at the bottom of
this one, one line each.
"""

from django.db.models import DateField, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from socialtjanst import deadlines, deadlines_sql
from socialtjanst.identity import AGE_ON_SQL
from socialtjanst.models import Case
from socialtjanst.todo_sources import TodoRows, register_todo_part

from .models import CareReview, Placement

CARE_REVIEW_KIND = "Övervägande/omprövning"


def placement_case_id():
    """care_followup.placement_case as an expression: the insats' case, else the person's latest case in the
    placement's unit (the case the review is journalled in)."""
    latest = (Case.objects.filter(person_id=OuterRef("person_id"), unit_id=OuterRef("unit_id"))
              .order_by("-opened_on", "-pk").values("pk")[:1])
    return Coalesce(F("intervention__decision__case_id"), Subquery(latest))


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


def care_clock_placements(today):
    """Ongoing placements with the review clock (care_followup.clock_applies, in SQL): heldygnsvård of a child
    under 18 at the start, under SoL or LVU, not voided, started by `today`."""
    age = AgeOn(F("person__birth_date"), F("start_on"))
    return (Placement.objects.filter(Q(end_on__isnull=True) | Q(end_on__gte=today), start_on__lte=today,
                                     is_24h=True, voided_reason="",
                                     legal_basis__in=deadlines.CARE_REVIEW_LEGAL_BASES,
                                     person__birth_date__isnull=False)
            .alias(start_age=age).filter(start_age__lt=deadlines.ADULT_AGE_YEARS))


def _care_review_rows(cases, today) -> TodoRows:
    return TodoRows(
        queryset=care_clock_placements(today),
        case=placement_case_id(),
        due=deadlines_sql.care_review_due_expr("start_on", last_review_on()),
        valid=Q(start_on__gte=CASE_EARLIEST, start_on__lte=CASE_LATEST_STORED),
    )


def _placement_followup_url(pk: int) -> str:
    return reverse("placements:placement_detail", args=[pk]) + "#folja-varden"


register_todo_part(key="care_review", kind=CARE_REVIEW_KIND, rows=_care_review_rows, url=_placement_followup_url)
from . import care_plans_clocks  # noqa: E402,F401  (B: vårdplan, genomförandeplan, underrättelser)
