from django.db.models import Q
from django.http import Http404, QueryDict

from common.exports import csv_response, xlsx_response
from common.views import AuditedTableView

from .. import access
from ..accesslog_display import criteria_text, object_type_label, person_labels, persons_text
from ..audit import audit_record
from ..filters import AccessEventFilter
from ..models import AccessAction
from ..searches import PostedSearchMixin, criteria_of, filter_data
from ..tables import AccessEventTable

EXPORT_HEADER = [
    "Tidpunkt", "Användare", "Roll", "Åtgärd", "Objekttyp", "Objekt-id", "Berörda personer",
    "Utanför egna enheter", "Skyddad person", "Sökvillkor", "IP-adress", "Anrops-id",
]


def _scoped_events(user):
    qs = access.access_events_for_user(user)
    if not access.has_role(user, "Enhetschef"):
        raise Http404
    return qs


SECRET_FIELDS = ("person",)  # a personnummer: posted, never in the address


class AccessEventListView(PostedSearchMixin, AuditedTableView):
    table_class = AccessEventTable
    filterset_class = AccessEventFilter
    template_name = "socialtjanst/accessevent_list.html"
    secret_fields = SECRET_FIELDS

    def get_queryset(self):
        return _scoped_events(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A control round records the filter in its description; the personnummer stays out of that link.
        shown = QueryDict(mutable=True)
        shown.update({k: v for k, v in criteria_of(self.filterset.data).items() if k not in SECRET_FIELDS})
        context["control_filter"] = shown.urlencode()
        return context

    def audit(self, records, criteria):
        audit_record(user=self.request.user, action=AccessAction.LIST, object_type="AccessEvent",
                     criteria=criteria_of(self.filterset.data))


EXPORT_CHUNK = 2000


def _export_rows(user, qs):
    """The rows, newest first, read EXPORT_CHUNK at a time, each chunk after the last one's time and id, so a
    year's log is never in memory at once (no server-side cursor: settings.DATABASES); each chunk's persons in
    one query."""
    qs = qs.order_by("-at", "-pk")
    chunk = list(qs[:EXPORT_CHUNK])
    while chunk:
        yield from _rows_of(user, chunk)
        if len(chunk) < EXPORT_CHUNK:
            return
        last = chunk[-1]
        chunk = list(qs.filter(Q(at__lt=last.at) | Q(at=last.at, pk__lt=last.pk))[:EXPORT_CHUNK])


def _rows_of(user, events):
    labels = person_labels(user, (e.person_ids for e in events))
    for e in events:
        yield [
            e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), e.username, e.roles, e.get_action_display(),
            object_type_label(e.object_type), e.object_id, persons_text(e.person_ids, labels),
            "ja" if e.outside_own_units else "nej", "ja" if e.protected_person else "nej",
            criteria_text(e.criteria), e.client_ip, str(e.request_id or ""),
        ]


def access_event_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Okänt exportformat.")
    data = filter_data(request, SECRET_FIELDS)
    qs = AccessEventFilter(data, queryset=_scoped_events(request.user), request=request).qs
    criteria = criteria_of(data)
    this_export = audit_record(user=request.user, action=AccessAction.EXPORT, object_type="AccessEvent",
                               criteria=criteria)
    qs = qs.exclude(pk=this_export.pk)  # the file shows the log as it stood; the export itself is logged after it
    rows = _export_rows(request.user, qs)
    if fmt == "xlsx":
        return xlsx_response("atkomstlogg.xlsx", EXPORT_HEADER, rows, title="Åtkomstlogg")
    return csv_response("atkomstlogg.csv", EXPORT_HEADER, rows)
