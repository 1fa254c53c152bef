"""A paginator for the long lists (persons, cases, placements) that counts only as far as the pages it links to.

Django's paginator counts every row the user may see before it shows the first 25: at national scale a
COUNT(*) over half a million cases or 300 000 persons for every request, the slowest statement of the page.
This one counts at most PAGES_AHEAD pages past the page asked for (SELECT count(*) FROM (... LIMIT n)), so the
count reads a few hundred rows by index. When there are more, the page says "fler än N" instead of an exact
total, and the page links reach PAGES_AHEAD pages ahead; each page moves the window on. The rows shown and their
order are the list's own: only the count is bounded.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .tables import swedish_number

PAGES_AHEAD = 20
MORE_THAN = "Fler än {count} träffar. Sök eller filtrera för att smalna av listan."


def _queryset_of(object_list):
    """The queryset behind a django-tables2 table's rows (BoundRows → TableQuerysetData → QuerySet), or None."""
    data = getattr(getattr(object_list, "data", None), "data", object_list)
    return data if isinstance(data, QuerySet) else None


class CappedCountPaginator(Paginator):
    """Paginator whose count stops PAGES_AHEAD pages past the requested page; `capped` says it stopped."""

    pages_ahead = PAGES_AHEAD

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_limit = int(self.per_page) * (1 + self.pages_ahead)
        self.capped = False

    def page(self, number):
        try:
            asked = max(1, int(number))
        except (TypeError, ValueError):
            asked = 1
        # The count is made once per paginator, at the first page asked for (django-tables2 asks once).
        if "count" not in self.__dict__:
            self.count_limit = int(self.per_page) * (asked + self.pages_ahead)
        return super().page(number)

    @cached_property
    def count(self) -> int:
        queryset = _queryset_of(self.object_list)
        # No ORDER BY: which rows fill the limit does not change how many there are, and an unordered LIMIT
        # stops at the first rows the index gives.
        total = (len(self.object_list) if queryset is None
                 else queryset.order_by()[: self.count_limit + 1].count())
        self.capped = total > self.count_limit
        return min(total, self.count_limit)

    @property
    def capped_text(self) -> str:
        """The Swedish line a capped list shows under the table ("" when the count is exact)."""
        return MORE_THAN.format(count=swedish_number(self.count, 0)) if self.capped else ""
