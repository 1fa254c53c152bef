"""A small, realistic data set for the junk-input walk (test_fuzz_urls.py): one object of every kind a
URL can name, in the own unit of the conftest users, and the junk the walk sends.

Every object id a path converter may take is looked up here by the route's prefix, so a new route
under a prefix nobody knows fails the walk with a message saying where to add it."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType

from budget.models import Budget, CostCentre, MonthClosing
from common import reporting
from placements.models import (
    Agreement,
    AgreementPrice,
    ExpensesBand,
    FosterCareFeeLevel,
    FosterCarePayment,
    FosterCareRate,
    InvoiceCheck,
    InvoiceLine,
    PriceBaseAmount,
)
from socialtjanst import todo_sources
from socialtjanst.followup import deadline_report
from socialtjanst.models import (
    ChildInterview,
    ControlKind,
    ControlResult,
    ControlRound,
    Decision,
    Indicator,
    IndicatorComment,
    IndicatorValue,
    Intake,
    Intervention,
    Investigation,
    InvestigationExtension,
    Screening,
    Unit,
)
from tests.budget.conftest import ensure_cost_centres
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, ProviderFactory, care_type

STHLM = ZoneInfo("Europe/Stockholm")

# Ids a path may carry that name nothing: zero, past PostgreSQL's bigint, not a number at all.
JUNK_IDS = ["0", "99999999999999999999"]
JUNK_TEXT_IDS = ["finns-inte", "0", "99999999999999999999", "%C2%B2"]

# The longest route prefix before `<int:pk>` (or the parameter's own name) → the object it names.
ROUTE_OBJECTS = {
    "personer/": "person", "arenden/": "case", "anmalningar/": "intake", "utredningar/": "investigation",
    "beslut/": "decision", "insatser/": "intervention", "uppfoljning/kontroller/": "control_round",
    "indikatorer/": "indicator", "placeringar/": "placement", "payment_pk": "payment",
    "placeringar/utforare/": "provider", "placeringar/avtal/": "agreement", "placeringar/avtalspriser/": "price",
    "placeringar/fakturakontroll/": "invoice_check", "budget/bokslut/": "closing", "budget/budget/": "budget",
    "budget/verksamheter/": "cost_centre",
    # the admin, by model
    "admin/socialtjanst/unit/": "unit", "admin/auth/user/": "user", "admin/auth/group/": "group",
    "admin/placements/caretype/": "care_type", "admin/placements/fostercarerate/": "foster_care_rate",
    "admin/placements/provider/": "provider", "admin/placements/agreement/": "agreement",
    "admin/placements/pricebaseamount/": "price_base_amount", "admin/placements/fostercarefeelevel/": "fee_level",
    "admin/placements/expensesband/": "expenses_band",
    "admin/r/": "unit_content_type",
}

# Named text parameters: the values a route knows, plus what it must refuse.
TEXT_PARAMETERS = {
    "kind": lambda: list(deadline_report.all_kinds()),  # other apps' kinds too (socialtjanst.todo_sources)
    "key": lambda: [c.key for c in todo_sources.control_lists()],  # Kontroller's registered lists
    "name": lambda: [r.name for r in reporting.all_reports()],
    "fmt": lambda: ["csv", "xlsx", "json"],
    "app_label": lambda: ["socialtjanst", "auth", "placements"],
    "url": lambda: ["finns-inte/"],
}

# Query junk: values for every parameter a page reads or a GET form on it offers.
LONG = "x" * 10_000
JUNK_VALUES = ["99999999999", "-5", "9999-13", "0001-01-01", "²", LONG]
PAGINATION_JUNK = [
    {"per_page": "-5", "page": "abc", "sort": "finns_inte"},
    {"per_page": "99999999999999999999", "page": "-1", "sort": ",,-pk,__class__"},
]
# What views read from the address themselves; the filter forms' fields are read off each page.
ADDRESS_PARAMETERS = ["year", "month", "quarter", "unit", "period_from", "period_to", "mine", "alla", "person",
                      "provider", "id_number", "access_filter", "kind"]
# For POST bodies that name no field of any form.
KNOWN_PARAMETERS = ADDRESS_PARAMETERS + ["per_page", "page", "q", "version", "amount", "on", "reason"]


def build_world(*, units, handlaggare, enhetschef, controller, systemforvaltare) -> dict[str, int]:
    """One of everything in the own unit; returns object kind → id."""
    ensure_cost_centres()
    own = units["own"]
    person = PersonFactory(first_name="Fuzz", last_name="Testsson", address="Testgatan 2")
    case = CaseFactory(person=person, unit=own, responsible=handlaggare, opened_on=datetime.date(2025, 1, 10))
    intake = Intake.objects.create(
        case=case, kind="orosanmalan", received_at=datetime.datetime(2025, 1, 10, 9, tzinfo=STHLM),
        received_on=datetime.date(2025, 1, 10), channel="telefon", target_group="barn_unga", registered_by=handlaggare,
    )
    open_intake = Intake.objects.create(
        case=CaseFactory(unit=own, responsible=handlaggare, opened_on=datetime.date(2025, 2, 1)), kind="orosanmalan",
        received_at=datetime.datetime(2025, 2, 1, 9, tzinfo=STHLM), received_on=datetime.date(2025, 2, 1),
        channel="telefon", target_group="barn_unga", registered_by=handlaggare,
    )
    inv = Investigation.objects.create(case=case, started_on=datetime.date(2025, 1, 20), responsible=handlaggare)
    Screening.objects.create(intake=intake, decided_on=datetime.date(2025, 1, 15), outcome="inleda",
                             decided_by=handlaggare)
    InvestigationExtension.objects.create(investigation=inv, decided_on=datetime.date(2025, 5, 1),
                                          new_due_on=datetime.date(2025, 7, 1), reason="Särskilda skäl",
                                          decided_by=handlaggare)
    ChildInterview.objects.create(investigation=inv, held_on=datetime.date(2025, 2, 1), recorded_by=handlaggare)
    decision = Decision.objects.create(case=case, investigation=inv, legal_basis="SoL", kind="bistand",
                                       decided_on=datetime.date(2025, 2, 1), decided_by=handlaggare)
    intervention = Intervention.objects.create(decision=decision, kind="oppenvard")
    indicator = Indicator.objects.create(name="Fuzzindikator", responsible_unit=own, target_value=100,
                                         unit_of_measure="%")
    IndicatorValue.objects.create(indicator=indicator, year=2025, value=Decimal("42"), updated_by=enhetschef)
    IndicatorComment.objects.create(indicator=indicator, year=2025, commented_on=datetime.date(2025, 3, 1),
                                    author=enhetschef, text="Följs upp.")
    control_round = ControlRound.objects.create(
        kind=ControlKind.ACCESS, performed_by=enhetschef, unit=own, period_from=datetime.date(2025, 1, 1),
        period_to=datetime.date(2025, 3, 31), result=ControlResult.NO_DEVIATION)

    provider = ProviderFactory(name="Fuzzgläntans HVB AB")
    agreement = Agreement.objects.create(provider=provider, kind="individavtal", reference="IA-F",
                                         valid_from=datetime.date(2025, 1, 1))
    price = AgreementPrice.objects.create(agreement=agreement, care_type=care_type("HVB_BOU"),
                                          valid_from=datetime.date(2025, 1, 1), daily_price=Decimal("4600"))
    placement = PlacementFactory(person=person, unit=own, care_type=care_type("FH_EGET"),
                                 start_on=datetime.date(2025, 1, 15))
    PricePeriodFactory(placement=placement, monthly_amount=Decimal("30000"))
    payment = FosterCarePayment.objects.create(placement=placement, month=datetime.date(2025, 2, 1), kind="extra",
                                               amount=Decimal("1500"))
    check = InvoiceCheck.objects.create(provider=provider, month=datetime.date(2025, 2, 1), invoice_reference="F-F",
                                        created_by=controller)
    InvoiceLine.objects.create(invoice_check=check, placement=placement, invoiced_amount=Decimal("30000"),
                               invoiced_days=28)
    centre = CostCentre.objects.order_by("pk").first()
    budget = Budget.objects.create(year=2025, cost_centre=centre, amount=Decimal("1000000"))
    closing = MonthClosing.objects.create(month=datetime.date(2025, 1, 1), closed_by=controller)
    return {
        "person": person.pk, "case": case.pk, "intake": open_intake.pk, "screened_intake": intake.pk,
        "investigation": inv.pk, "decision": decision.pk, "intervention": intervention.pk,
        "control_round": control_round.pk, "indicator": indicator.pk, "placement": placement.pk,
        "payment": payment.pk, "provider": provider.pk, "agreement": agreement.pk, "price": price.pk,
        "invoice_check": check.pk, "closing": closing.pk, "budget": budget.pk, "cost_centre": centre.pk,
        "unit": Unit.objects.order_by("pk").first().pk, "user": handlaggare.pk,
        "group": Group.objects.order_by("pk").first().pk, "care_type": care_type("HVB_BOU").pk,
        "foster_care_rate": FosterCareRate.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "price_base_amount": PriceBaseAmount.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "fee_level": FosterCareFeeLevel.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "expenses_band": ExpensesBand.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "unit_content_type": ContentType.objects.get_for_model(Unit).pk,
        "systemforvaltare": User.objects.get(pk=systemforvaltare.pk).pk,
    }
