"""The controller's screens for providers, agreements and price lists. Thin: permission check,
parse the form, call one service. Handläggare may look (view permissions), only the controller
changes (add/change permissions); without the permission the page does not exist."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .. import services
from ..filters import AgreementFilter, AgreementPriceFilter, ProviderFilter
from ..forms import AgreementForm, AgreementPriceForm, ProviderForm
from ..models import Agreement, AgreementPrice, Provider
from ..tables import AgreementPriceTable, AgreementTable, ProviderTable


def _require(user, permission: str) -> None:
    if not user.has_perm(f"placements.{permission}"):
        raise Http404("Sidan finns inte.")


class _ReferenceListView(SingleTableMixin, FilterView):
    """A list of reference data for those holding `view_permission`."""

    template_name = "placements/reference_list.html"
    strict = False
    view_permission = ""
    add_permission = ""
    title = ""
    create_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, self.view_permission)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        if self.create_url_name and self.request.user.has_perm(f"placements.{self.add_permission}"):
            context["create_url"] = reverse(self.create_url_name)
        return context


class ProviderListView(_ReferenceListView):
    table_class = ProviderTable
    filterset_class = ProviderFilter
    view_permission, add_permission = "view_provider", "add_provider"
    title = "Utförare"
    create_url_name = "placements:provider_create"

    def get_queryset(self):
        return Provider.objects.order_by("name")


class AgreementListView(_ReferenceListView):
    table_class = AgreementTable
    filterset_class = AgreementFilter
    view_permission, add_permission = "view_agreement", "add_agreement"
    title = "Avtal"
    create_url_name = "placements:agreement_create"

    def get_queryset(self):
        return Agreement.objects.select_related("provider", "framework").order_by("provider__name", "-valid_from")


class AgreementPriceListView(_ReferenceListView):
    table_class = AgreementPriceTable
    filterset_class = AgreementPriceFilter
    view_permission = "view_agreementprice"
    title = "Avtalspriser"

    def get_queryset(self):
        return (AgreementPrice.objects.select_related("agreement__provider", "care_type")
                .order_by("agreement__provider__name", "agreement__reference", "care_type__name", "valid_from"))

    def get_table_kwargs(self):
        return {} if self.request.user.has_perm("placements.change_agreementprice") else {"exclude": ("edit",)}


def _form_page(request, form, title, *, back):
    return render(request, "placements/reference_form.html", {"form": form, "title": title, "back": back})


def _submit(request, form, call, success):
    """Calls the service with the cleaned data; a Swedish ValidationError goes back onto the form."""
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, success)
    return result


# --- providers ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def provider_create(request):
    _require(request.user, "add_provider")
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = _submit(request, form, lambda d: services.provider_create(by=request.user, **d),
                           "Utföraren är sparad.")
        if provider is not None:
            return redirect("placements:provider_list")
    return _form_page(request, form, "Ny utförare", back=reverse("placements:provider_list"))


@require_http_methods(["GET", "POST"])
def provider_update(request, pk):
    _require(request.user, "view_provider")
    provider = get_object_or_404(Provider, pk=pk)
    if not request.user.has_perm("placements.change_provider"):
        return render(request, "placements/provider_detail.html", {"provider": provider})
    initial = {"name": provider.name, "org_number": provider.org_number, "code": provider.code or "",
               "ivo_permit": provider.ivo_permit, "ivo_permit_valid_until": provider.ivo_permit_valid_until}
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _submit(request, form, lambda d: services.provider_update(by=request.user, provider=provider, **d),
                        "Utföraren är sparad.")
        if saved is not None:
            return redirect("placements:provider_list")
    return _form_page(request, form, f"Utförare: {provider.name}", back=reverse("placements:provider_list"))


# --- agreements --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agreement_create(request):
    _require(request.user, "add_agreement")
    form = AgreementForm(request.POST or None, initial={"provider": request.GET.get("provider")})
    if request.method == "POST" and form.is_valid():
        agreement = _submit(request, form, lambda d: services.agreement_create(by=request.user, **d),
                            "Avtalet är sparat.")
        if agreement is not None:
            return redirect("placements:agreement_detail", pk=agreement.pk)
    return _form_page(request, form, "Nytt avtal", back=reverse("placements:agreement_list"))


def agreement_detail(request, pk):
    _require(request.user, "view_agreement")
    agreement = get_object_or_404(Agreement.objects.select_related("provider", "framework"), pk=pk)
    prices = AgreementPriceTable(
        agreement.prices.select_related("agreement__provider", "care_type").order_by("care_type__name", "valid_from"),
        exclude=() if request.user.has_perm("placements.change_agreementprice") else ("edit",),
        request=request,
    )
    return render(request, "placements/agreement_detail.html", {
        "agreement": agreement, "prices": prices,
        "can_change": request.user.has_perm("placements.change_agreement"),
        "can_add_price": request.user.has_perm("placements.add_agreementprice"),
    })


@require_http_methods(["GET", "POST"])
def agreement_update(request, pk):
    _require(request.user, "change_agreement")
    agreement = get_object_or_404(Agreement, pk=pk)
    initial = {"kind": agreement.kind, "reference": agreement.reference, "framework": agreement.framework_id,
               "valid_from": agreement.valid_from, "valid_to": agreement.valid_to}
    form = AgreementForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        saved = _submit(request, form, lambda d: services.agreement_update(by=request.user, agreement=agreement, **d),
                        "Avtalet är sparat.")
        if saved is not None:
            return redirect("placements:agreement_detail", pk=agreement.pk)
    return _form_page(request, form, f"Ändra avtal {agreement.reference}",
                      back=reverse("placements:agreement_detail", args=[agreement.pk]))


# --- price lists -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agreementprice_create(request, pk):
    _require(request.user, "add_agreementprice")
    agreement = get_object_or_404(Agreement, pk=pk)
    form = AgreementPriceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        price = _submit(request, form, lambda d: services.agreement_price_create(
            by=request.user, agreement=agreement, **d), "Priset är sparat.")
        if price is not None:
            return redirect("placements:agreement_detail", pk=agreement.pk)
    return _form_page(request, form, f"Nytt pris i avtal {agreement.reference}",
                      back=reverse("placements:agreement_detail", args=[agreement.pk]))


@require_http_methods(["GET", "POST"])
def agreementprice_update(request, pk):
    _require(request.user, "change_agreementprice")
    price = get_object_or_404(AgreementPrice.objects.select_related("agreement"), pk=pk)
    initial = {"care_type": price.care_type_id, "valid_from": price.valid_from, "daily_price": price.daily_price}
    form = AgreementPriceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _submit(request, form, lambda d: services.agreement_price_update(by=request.user, price=price, **d),
                        "Priset är sparat.")
        if saved is not None:
            return redirect("placements:agreement_detail", pk=price.agreement_id)
    return _form_page(request, form, f"Ändra pris i avtal {price.agreement.reference}",
                      back=reverse("placements:agreement_detail", args=[price.agreement_id]))
