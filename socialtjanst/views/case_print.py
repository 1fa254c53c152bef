"""The printable case summary (socialtjanst.case_summary): a print-ready page and the same page as a PDF.
Both are exports: access-checked like the case page and logged as `export` with the person they concern."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import access, case_summary
from ..audit import CROSS_UNIT_REASON_KEY, audit_record
from ..models import AccessAction

SUMMARY_TEMPLATE = "socialtjanst/case_summary.html"


def _summary(request, pk, fmt: str) -> dict:
    case = access.case_get_for_user(request.user, pk)
    # As audit_case, plus the format that left the system in the row's criteria.
    reason = case.cross_unit_reason
    audit_record(user=request.user, action=AccessAction.EXPORT, object_type="CaseSummary", object_id=case.pk,
                 persons=[case.person], object_unit_ids=[case.unit_id],
                 criteria={"format": fmt, **({CROSS_UNIT_REASON_KEY: reason} if reason else {})},
                 outside_own_units=True if reason else None)
    context = case_summary.case_summary(user=request.user, case=case, today=timezone.localdate())
    context["fmt"] = fmt
    return context


@require_GET
def case_print(request, pk):
    return render(request, SUMMARY_TEMPLATE, _summary(request, pk, "html"))


@require_GET
def case_print_pdf(request, pk):
    context = _summary(request, pk, "pdf")
    pdf = case_summary.case_summary_pdf(render_to_string(SUMMARY_TEMPLATE, context, request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="arende-{context["case"].pk}.pdf"'
    return response
