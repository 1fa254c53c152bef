"""Placements' reference data on the project's one admin site (socialtjanst.admin.admin_site).

- CareType is edited here (the catalogue of shared/domain.md §4.1: names, codes, cost centre
  defaults, IVO requirement); FosterCareRate levels are added here, never changed (a new level is
  a new row from a date, so history is not rewritten). They priced own familjehem before SKR's rule.
- SKR's rule (placements/skr.py): the prisbasbelopp and grundarvode per year and the omkostnad bands
  are entered here by the systemförvaltare. Saving one rebuilds the price periods of the placements
  paid by the rule from that year (services.skr_reprice_from_year); the roll-up books any change of a
  closed month as a correction in the first open month.
- Providers, agreements and price lists are shown read-only: they are written through the
  controller's screens (placements.views.contracts), which go through the services.
- Placements, price periods and payments are case data and are not registered, so the admin
  cannot bypass the access module (the same rule as socialtjanst.admin).
"""

from django.contrib import admin

from socialtjanst.admin import admin_site

from . import services
from .models import (
    Agreement,
    AgreementPrice,
    CareType,
    ExpensesBand,
    FosterCareFeeLevel,
    FosterCareRate,
    PriceBaseAmount,
    Provider,
)

REPRICED = ("Ersättningen räknades om för {count} placeringar från {year}. Påverkade stängda månader "
            "ändras inte: skillnaden bokas som efterregistrering i första öppna månaden.")


@admin.register(CareType, site=admin_site)
class CareTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "regime", "target_group", "is_24h", "pricing_unit", "activity_code",
                    "requires_ivo_check", "active")
    list_filter = ("regime", "target_group", "pricing_unit", "active")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False  # placements refer to it; deactivate instead


@admin.register(FosterCareRate, site=admin_site)
class FosterCareRateAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "age_band", "fee", "expenses", "note")
    list_filter = ("age_band",)
    ordering = ("-valid_from", "age_band")

    def has_change_permission(self, request, obj=None):
        return False  # a new level is a new row

    def has_delete_permission(self, request, obj=None):
        return False


class _SkrLevelAdmin(admin.ModelAdmin):
    """Saving a level reprices the rule's placements from its year (or from the first year, for a band)."""

    def has_delete_permission(self, request, obj=None):
        return False  # a year's figure is corrected, not removed

    def _from_year(self, obj) -> int:
        return obj.year

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        year = self._from_year(obj)
        count = services.skr_reprice_from_year(year)
        self.message_user(request, REPRICED.format(count=count, year=year))


@admin.register(PriceBaseAmount, site=admin_site)
class PriceBaseAmountAdmin(_SkrLevelAdmin):
    list_display = ("year", "amount", "to_be_checked", "note")
    list_filter = ("to_be_checked",)


@admin.register(FosterCareFeeLevel, site=admin_site)
class FosterCareFeeLevelAdmin(_SkrLevelAdmin):
    list_display = ("year", "monthly_fee", "to_be_checked", "note")
    list_filter = ("to_be_checked",)


@admin.register(ExpensesBand, site=admin_site)
class ExpensesBandAdmin(_SkrLevelAdmin):
    list_display = ("from_age", "to_age", "base_percent", "ceiling_percent")

    def _from_year(self, obj) -> int:
        from common.date_window import ROLLUP_YEAR_MIN

        return ROLLUP_YEAR_MIN


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgreementPriceInline(admin.TabularInline):
    model = AgreementPrice
    extra = 0
    fields = ("care_type", "valid_from", "daily_price")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Provider, site=admin_site)
class ProviderAdmin(_ReadOnlyAdmin):
    list_display = ("name", "org_number", "code", "ivo_permit", "ivo_permit_valid_until")
    search_fields = ("name", "org_number", "code")


@admin.register(Agreement, site=admin_site)
class AgreementAdmin(_ReadOnlyAdmin):
    list_display = ("reference", "provider", "kind", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("reference", "provider__name")
    inlines = [AgreementPriceInline]
