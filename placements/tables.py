import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from common.links import object_url
from common.tables import BaseTable, IsoDateColumn, swedish_number

from . import ivo, selectors
from .models import Agreement, AgreementPrice, Placement, Provider
from .pricing import month_cost


class PlacementTable(BaseTable):
    """Placements with their days and cost in the chosen month (`table.year`, `table.month`)."""

    pk = tables.Column(verbose_name="Placering")
    name = tables.Column(verbose_name="Namn", empty_values=(), orderable=False)
    id_number = tables.Column(verbose_name="Personnummer", empty_values=(), orderable=False)
    care_type = tables.Column(verbose_name="Vårdform", order_by="care_type__name")
    provider = tables.Column(verbose_name="Utförare", order_by="provider__name", default="Egen regi")
    unit = tables.Column(verbose_name="Enhet", order_by="unit__name")
    cost_centre = tables.Column(verbose_name="Verksamhet")
    start_on = IsoDateColumn(verbose_name="Start")
    end_on = IsoDateColumn(verbose_name="Slut", default="pågående")
    days = tables.Column(verbose_name="Dygn i månaden", empty_values=(), orderable=False,
                         attrs={"td": {"class": "num"}})
    cost = tables.Column(verbose_name="Kostnad i månaden (kr)", empty_values=(), orderable=False,
                         attrs={"td": {"class": "num"}})

    class Meta(BaseTable.Meta):
        model = Placement
        fields = ("pk", "name", "id_number", "care_type", "provider", "unit", "cost_centre", "start_on", "end_on",
                  "days", "cost")

    def __init__(self, *args, year: int, month: int, show_identity: bool, **kwargs):
        exclude = () if show_identity else ("name", "id_number")
        super().__init__(*args, exclude=exclude, **kwargs)
        self.year, self.month = year, month
        self._costs = {}

    def _cost(self, record):
        # Once per row: the days and the cost columns both show it.
        if record.pk not in self._costs:
            self._costs[record.pk] = month_cost(placement=record, year=self.year, month=self.month,
                                                price_periods=record.price_periods.all(),
                                                payments=record.payments.all())
        return self._costs[record.pk]

    def render_pk(self, record):
        return format_html('<a href="{}">{}</a>', object_url("placements:placement_detail", record.pk), record.pk)

    def render_name(self, record):
        return selectors.placement_identity(self.request.user, record)[0]

    def render_id_number(self, record):
        return selectors.placement_identity(self.request.user, record)[1]

    def render_days(self, record):
        return self._cost(record).days

    def render_cost(self, record):
        result = self._cost(record)
        cost = result.known_cost
        if cost is None:
            return format_html('<span class="overdue">{}</span>', result.missing_price_note())
        if result.has_missing_price:
            return format_html('{} <span class="overdue">({})</span>', _amount(cost), result.describe_missing())
        return _amount(cost)


# --- the controller's reference data -------------------------------------------------


def _amount(value) -> str:
    return swedish_number(value, 2)


class ProviderTable(BaseTable):
    name = tables.Column(verbose_name="Namn", linkify=("placements:provider_update", {"pk": tables.A("pk")}))
    org_number = tables.Column(verbose_name="Organisationsnummer")
    code = tables.Column(verbose_name="Kod", default="–")
    ivo_permit = tables.Column(verbose_name="IVO-tillstånd", default="–")
    ivo_permit_valid_until = IsoDateColumn(verbose_name="Tillstånd gäller till", default="–")

    class Meta(BaseTable.Meta):
        model = Provider
        fields = ("name", "org_number", "code", "ivo_permit", "ivo_permit_valid_until")

    def render_ivo_permit_valid_until(self, value, record):
        # The controller asks for a new permit in time: one ending within ivo.PERMIT_WARNING_DAYS is marked.
        if value is None:  # a provider without a permit date (the demo has them): a 500 before
            return "–"
        today = timezone.localdate()
        if ivo.permit_expired(record, today):
            return format_html('{} <strong class="overdue">(har gått ut)</strong>', value.isoformat())
        if ivo.permit_expires_soon(record, today):
            return format_html('{} <strong class="overdue">(går ut inom {} dagar)</strong>', value.isoformat(),
                               ivo.PERMIT_WARNING_DAYS)
        return value.isoformat()


class AgreementTable(BaseTable):
    reference = tables.Column(verbose_name="Avtalsnummer",
                              linkify=("placements:agreement_detail", {"pk": tables.A("pk")}))
    provider = tables.Column(verbose_name="Utförare", order_by="provider__name")
    kind = tables.Column(verbose_name="Avtalstyp")
    framework = tables.Column(verbose_name="Ramavtal", default="–")
    valid_from = IsoDateColumn(verbose_name="Gäller från")
    valid_to = IsoDateColumn(verbose_name="Gäller till och med", default="tills vidare")

    class Meta(BaseTable.Meta):
        model = Agreement
        fields = ("reference", "provider", "kind", "framework", "valid_from", "valid_to")


class AgreementPriceTable(BaseTable):
    agreement = tables.Column(verbose_name="Avtal", order_by="agreement__reference",
                              linkify=("placements:agreement_detail", {"pk": tables.A("agreement_id")}))
    provider = tables.Column(verbose_name="Utförare", accessor="agreement__provider__name",
                             order_by="agreement__provider__name")
    care_type = tables.Column(verbose_name="Vårdform", order_by="care_type__name")
    valid_from = IsoDateColumn(verbose_name="Gäller från")
    daily_price = tables.Column(verbose_name="Dygnspris (kr)", attrs={"td": {"class": "num"}})
    edit = tables.LinkColumn("placements:agreementprice_update", args=[tables.A("pk")], text="Ändra",
                             verbose_name="", orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = AgreementPrice
        fields = ("agreement", "provider", "care_type", "valid_from", "daily_price", "edit")

    def render_daily_price(self, value):
        return _amount(value)
