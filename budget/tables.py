
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from common.tables import BaseTable, swedish_number

from . import planning
from .models import Budget, CostCentre, VolumeUnit


def kronor(value) -> str:
    """1 234 567 kr (whole kronor, grouped by the Swedish thousands separator)."""
    return f"{swedish_number(value, 0)} kr"


def decimal(value, places: int = 1) -> str:
    return swedish_number(value, places)


NUM = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}


class BudgetTable(BaseTable):
    """A year's budgets, with a totals row (amount; volume per unit)."""

    cost_centre = tables.Column(verbose_name="Verksamhet", order_by=("cost_centre__code",),
                                footer="Summa")
    care_type = tables.Column(verbose_name="Vårdform", order_by=("care_type__code",), default="Hela verksamheten")
    amount = tables.Column(verbose_name="Belopp", attrs=NUM,
                           footer=lambda table: kronor(planning.budget_totals(table.data)["amount"]))
    volume = tables.Column(verbose_name="Volym", attrs=NUM, default="–",
                           footer=lambda table: "; ".join(
                               f"{decimal(v)} {VolumeUnit(unit).label.lower()}" for unit, v in
                               sorted(planning.budget_totals(table.data)["volumes"].items())))
    price = tables.Column(verbose_name="À-pris per dygn", attrs=NUM, empty_values=(), orderable=False)
    profile = tables.Column(verbose_name="Månadsfördelning", empty_values=(), orderable=False)
    version = tables.Column(verbose_name="Version", attrs=NUM)
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = Budget
        fields = ("cost_centre", "care_type", "amount", "volume", "price", "profile", "version", "edit")
        empty_text = "Ingen budget för året."

    def render_cost_centre(self, record):
        return str(record.cost_centre)

    def render_care_type(self, record):
        return f"{record.care_type.code} {record.care_type.name}"

    def render_amount(self, value):
        return kronor(value)

    def render_volume(self, record):
        return f"{decimal(record.volume)} {record.get_volume_unit_display().lower()}"

    def render_price(self, record):
        price = planning.budget_price_per_day(record)
        return "–" if price is None else kronor(price)

    def render_profile(self, record):
        return "egen profil" if record.month_shares.all() else "efter dagar"

    def render_edit(self, record):
        return format_html('<a href="{}">Ändra</a>', reverse("budget:budget_update", args=[record.pk]))


class CostCentreTable(BaseTable):
    code = tables.Column(verbose_name="Kod", linkify=("budget:costcentre_update", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name="Namn")
    activity_code = tables.Column(verbose_name="Verksamhetskod", default="–")
    active = tables.BooleanColumn(verbose_name="Aktiv", yesno="ja,nej")

    class Meta(BaseTable.Meta):
        model = CostCentre
        fields = ("code", "name", "activity_code", "active")
        per_page = 100
