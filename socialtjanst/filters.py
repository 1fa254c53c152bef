import django_filters
from django import forms

from . import access
from .identity import parse_id_number
from .models import AccessAction, AccessEvent, Case, Person, Unit
from .selectors import person_search


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Namn eller personnummer", method="filter_q")

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return person_search(queryset, value, name_searchable=access.person_name_filter_allowed(self.request.user))


class CaseFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(label="Enhet", queryset=Unit.objects.none())
    status = django_filters.ChoiceFilter(label="Status", choices=Case.Status.choices)

    class Meta:
        model = Case
        fields = ["unit", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = Unit.objects.filter(pk__in=access.user_unit_ids(self.request.user))


class AccessEventFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label="Användare", field_name="username", lookup_expr="iexact")
    person = django_filters.CharFilter(label="Personnummer", method="filter_person")
    date_from = django_filters.DateFilter(
        label="Från och med", field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="Till och med", field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    action = django_filters.ChoiceFilter(label="Åtgärd", choices=AccessAction.choices)
    outside_own_units = django_filters.BooleanFilter(
        label="Utanför användarens egna enheter", widget=forms.CheckboxInput, method="filter_true_only"
    )
    protected_person = django_filters.BooleanFilter(
        label="Skyddade personer", widget=forms.CheckboxInput, method="filter_true_only"
    )

    class Meta:
        model = AccessEvent
        fields: list[str] = []

    def filter_true_only(self, queryset, name, value):
        return queryset.filter(**{name: True}) if value else queryset

    def filter_person(self, queryset, name, value):
        try:
            canonical = parse_id_number(value).canonical
        except Exception:  # noqa: BLE001
            return queryset.none()
        ids = list(Person.objects.filter(id_number=canonical).values_list("pk", flat=True))
        return queryset.filter(person_ids__overlap=ids) if ids else queryset.none()
