import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from socialtjanst.models import Unit

from .days import MONTH_OUT_OF_RANGE, YEAR_MAX, YEAR_MIN, month_bounds
from .models import Agreement, AgreementKind, AgreementPrice, CareType, Placement, Provider

INVALID_MONTH = "Ange månad som ÅÅÅÅ-MM."


def parse_month(value: str | None) -> tuple[int, int]:
    """'2024-02' → (2024, 2); empty → the current month. A year outside YEAR_MIN–YEAR_MAX is an error
    (a month of year 9999 has no next month to end its period)."""
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    try:
        first = datetime.date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        raise ValidationError(INVALID_MONTH) from None
    if not YEAR_MIN <= first.year <= YEAR_MAX:
        raise ValidationError(MONTH_OUT_OF_RANGE)
    return first.year, first.month


class MonthField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value:
            parse_month(value)
        return value


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        # Placements with at least one day in the month (the list then shows that month's days and cost).
        from django.db.backends.postgresql.psycopg_any import DateRange

        first, next_first = month_bounds(*parse_month(value))
        return qs.filter(period__overlap=DateRange(first, next_first, "[)"))


class PlacementFilter(django_filters.FilterSet):
    month = MonthFilter(label="Månad (ÅÅÅÅ-MM)", widget=forms.TextInput(attrs={"placeholder": "ÅÅÅÅ-MM"}))
    care_type = django_filters.ModelChoiceFilter(label="Vårdform", queryset=CareType.objects.all())
    provider = django_filters.ModelChoiceFilter(label="Utförare", queryset=Provider.objects.all())
    unit = django_filters.ModelChoiceFilter(label="Enhet", queryset=Unit.objects.all())
    cost_centre = django_filters.CharFilter(label="Verksamhet")
    ongoing = django_filters.BooleanFilter(label="Pågående", method="filter_ongoing")

    class Meta:
        model = Placement
        fields = ["month", "care_type", "provider", "unit", "cost_centre", "ongoing"]

    def filter_ongoing(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(end_on__isnull=value)

    @property
    def qs(self):
        qs = super().qs
        # The month always applies: an empty month means the current one.
        if not (self.form.is_bound and self.form.cleaned_data.get("month")):
            qs = self.filters["month"].filter(qs, None)
        return qs

    def chosen_month(self) -> tuple[int, int]:
        value = self.form.cleaned_data.get("month") if self.form.is_bound and self.form.is_valid() else None
        return parse_month(value)


# --- the controller's reference data -------------------------------------------------


class ProviderFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="Namn", lookup_expr="icontains")
    org_number = django_filters.CharFilter(label="Organisationsnummer", lookup_expr="startswith")

    class Meta:
        model = Provider
        fields = ["name", "org_number"]


class AgreementFilter(django_filters.FilterSet):
    provider = django_filters.ModelChoiceFilter(label="Utförare", queryset=Provider.objects.all())
    kind = django_filters.ChoiceFilter(label="Avtalstyp", choices=AgreementKind.choices)
    valid_on = django_filters.DateFilter(label="Gäller den (ÅÅÅÅ-MM-DD)", method="filter_valid_on")

    class Meta:
        model = Agreement
        fields = ["provider", "kind", "valid_on"]

    def filter_valid_on(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=value), valid_from__lte=value)


class AgreementPriceFilter(django_filters.FilterSet):
    agreement__provider = django_filters.ModelChoiceFilter(label="Utförare", queryset=Provider.objects.all())
    care_type = django_filters.ModelChoiceFilter(label="Vårdform", queryset=CareType.objects.all())

    class Meta:
        model = AgreementPrice
        fields = ["agreement__provider", "care_type"]
