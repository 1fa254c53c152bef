"""The placements' clocks on socialtjanst's screens (Att göra, the deadline report, Kontroller), registered through
socialtjanst.todo_sources, which finds this module by autodiscovery; socialtjanst never imports placements.

Engineers adding a clock of their own: register it in your own module and import that module at the bottom of
this one, one line each; shared queries (placement_case_id, care_clock_placements) come from
placements/clock_queries.py, never from this module (that would be an import circle).
"""

from django.db.models import Q
from django.urls import reverse

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from socialtjanst import deadlines_sql
from socialtjanst.todo_sources import TodoRows, register_control_list, register_deadline_kind, register_todo_part

from . import care_review_sets

# AgeOn is re-exported for modules written before clock_queries existed; import it from there.
from .clock_queries import (  # noqa: F401
    CARE_CLOCK_VISIBLE_FROM,
    CARE_CLOCK_VISIBLE_UNTIL,
    AgeOn,
    care_clock_placements,
    last_review_on,
    of_scoped_persons,
    placement_case_id,
    review_clock_start,
)

CARE_REVIEW_KIND = "Övervägande/omprövning"


def _care_review_rows(cases, today) -> TodoRows:
    return TodoRows(
        queryset=of_scoped_persons(care_clock_placements(today), cases),
        case=placement_case_id(),
        due=deadlines_sql.care_review_due_expr(review_clock_start(), last_review_on()),
        valid=Q(start_on__gte=CASE_EARLIEST, start_on__lte=CASE_LATEST_STORED),
        visible_from=CARE_CLOCK_VISIBLE_FROM, visible_until=CARE_CLOCK_VISIBLE_UNTIL,
    )


def _placement_followup_url(pk: int) -> str:
    return reverse("placements:placement_detail", args=[pk]) + "#folja-varden"


register_todo_part(key="care_review", kind=CARE_REVIEW_KIND, rows=_care_review_rows, url=_placement_followup_url)
register_deadline_kind(
    key="overvaganden", prefix="care_reviews", label="Övervägande/omprövning",
    title="Överväganden och omprövningar inom sex månader", items_sql=care_review_sets.care_review_items_sql,
    row_url=lambda row: _placement_followup_url(row["pk"]), detail=care_review_sets.review_kind_label)
register_control_list(
    key="overvaganden", title="Övervägande/omprövning försenad",
    description="Placerade barn (heldygnsvård enligt SoL eller LVU) vars övervägande eller omprövning skulle ha "
                "gjorts före i dag.",
    build=care_review_sets.past_due_control)
from . import care_plans_clocks  # noqa: E402,F401  (B: vårdplan, genomförandeplan, underrättelser)
