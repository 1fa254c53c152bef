from django_filters.views import FilterView
from django_tables2 import SingleTableMixin


class RenderInTransactionMixin:
    """Render the template inside the view, so inside ATOMIC_REQUESTS: the access-log
    row and the page that shows the data succeed or fail together."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        return response


class AuditedTableView(RenderInTransactionMixin, SingleTableMixin, FilterView):
    """A list screen: access-scoped queryset, filter, table; audit() is called with
    the records actually shown on the page."""

    strict = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = context["table"]
        records = [row.record for row in table.page.object_list] if hasattr(table, "page") else []
        criteria = {k: v for k, v in self.request.GET.items() if v and k != "page"}
        self.audit(records, criteria)
        return context

    def audit(self, records, criteria):  # pragma: no cover - every subclass defines it
        raise NotImplementedError
